#!/bin/sh
# The same script as the Kubernetes dev overlay's Job (deploy/k8s/components/dev-infra/setup-jobs.yaml);
# DeployComposeTest checks that they do not drift apart.
set -eu
# The vhost, the two shared exchanges, and per service a broker user that may use them and
# configure only its own queues (<service>.*): no service may declare, change or delete an
# exchange. Through the management API, as the topology operator does.
api=http://bazaar-rabbitmq:15672/api
put() { curl -fsS -u "$ADMIN_USER:$ADMIN_PASSWORD" -H 'content-type: application/json' -X PUT "$api/$1" -d "$2"; }
until curl -fsS -o /dev/null -u "$ADMIN_USER:$ADMIN_PASSWORD" "$api/overview"; do sleep 2; done
put vhosts/bazaar '{}'
put exchanges/bazaar/bazaar.events '{"type":"topic","durable":true}'
put exchanges/bazaar/bazaar.commands '{"type":"topic","durable":true}'
add_user() {
  put "users/$2" "{\"password\":\"$3\",\"tags\":\"\"}"
  re="^(bazaar\\\\.(events|commands)|$1\\\\..*)$"
  own="^$1\\\\..*$"
  put "permissions/bazaar/$2" "{\"configure\":\"$own\",\"write\":\"$re\",\"read\":\"$re\"}"
}
add_user users "$USERS_USER" "$USERS_PASSWORD"
add_user catalog "$CATALOG_USER" "$CATALOG_PASSWORD"
add_user orders "$ORDERS_USER" "$ORDERS_PASSWORD"
add_user notifications "$NOTIFICATIONS_USER" "$NOTIFICATIONS_PASSWORD"
add_user payments "$PAYMENTS_USER" "$PAYMENTS_PASSWORD"
