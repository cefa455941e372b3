#!/bin/sh
# The same script as the Kubernetes dev overlay's Job (deploy/k8s/components/dev-infra/setup-jobs.yaml);
# DeployComposeTest checks that they do not drift apart.
set -eu
# One role and one database per service, the role owning its database and nothing else.
# Re-running sets the passwords again: that is how a rotated Secret reaches PostgreSQL.
until pg_isready -q; do sleep 2; done
create_db() {
  psql -v ON_ERROR_STOP=1 -v role="bazaar_$1" -v pw="$2" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN PASSWORD :'pw';
SELECT format('CREATE DATABASE %I OWNER %I', :'role', :'role')
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'role') \gexec
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
SQL
}
create_db users "$USERS_PASSWORD"
create_db catalog "$CATALOG_PASSWORD"
create_db orders "$ORDERS_PASSWORD"
create_db notifications "$NOTIFICATIONS_PASSWORD"
create_db payments "$PAYMENTS_PASSWORD"
