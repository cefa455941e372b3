#!/usr/bin/env bash
# Order throughput through the whole system: orders/s to a final state and time-to-CONFIRMED,
# on the embedded infrastructure and on the machine's PostgreSQL + RabbitMQ, plus the pgbench
# single-process limit of the same database writes. See bench/README.md for method and results.
#
#   bench/orders/run.sh                               # defaults below
#   DURATION=10 WARMUP=3 bench/orders/run.sh          # quick run
#   INFRA="embedded" bench/orders/run.sh              # one infrastructure only
#
# Writes raw outputs to bench/orders/results/<date>/ and prints a Markdown table on stdout.
set -euo pipefail

DURATION=${DURATION:-30}          # seconds measured per infrastructure
WARMUP=${WARMUP:-10}              # seconds of load before measuring
CONCURRENCY=${CONCURRENCY:-16}    # customers in the closed loop
POLL_MS=${POLL_MS:-20}            # how often a customer polls its order
INFRA=${INFRA:-"embedded real"}
BASE_PORT=${BASE_PORT:-28080}     # the system under test uses BASE_PORT..BASE_PORT+5
BROKER_PORT=${BROKER_PORT:-25673}
PG_PORT=${PG_PORT:-25433}
PG_ADMIN_URL=${PG_ADMIN_URL:-jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}
AMQP_BASE=${AMQP_BASE:-amqp://guest:guest@127.0.0.1:5672}
PGBENCH_CLIENTS=${PGBENCH_CLIENTS:-16}

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STAMP=$(date -u +%Y-%m-%dT%H%M%SZ)
OUT=${OUT:-$ROOT/bench/orders/results/$STAMP}
mkdir -p "$OUT"
JAVA=$("$ROOT/bazaar" java-home)/bin/java

{
  echo "nproc: $(nproc)"; grep -m1 'model name' /proc/cpuinfo || true; uname -r
  "$JAVA" -version 2>&1 | head -1; psql --version 2>/dev/null || true
  echo "load: $(cat /proc/loadavg)"
} > "$OUT/machine.txt"

command -v pgbench >/dev/null || { echo "pgbench missing: apt-get install -y postgresql-client" >&2; exit 1; }

LAUNCHER_PID=""
stop_system() {
  if [[ -n "$LAUNCHER_PID" ]]; then
    "$ROOT/bazaar" down --data-dir "$DATA" >/dev/null 2>&1 || true
    wait "$LAUNCHER_PID" 2>/dev/null || true
    LAUNCHER_PID=""
  fi
}
VHOST=""
cleanup() {
  stop_system
  if [[ -n "$VHOST" ]]; then rabbitmqctl -q delete_vhost "$VHOST" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

run_infra() {
  local infra=$1
  DATA=$(mktemp -d /tmp/bazaar-bench-orders.XXXXXX)
  local env=()
  if [[ $infra == real ]]; then
    VHOST=bazaar-bench-$RANDOM$RANDOM
    rabbitmqctl -q add_vhost "$VHOST" >/dev/null
    rabbitmqctl -q set_permissions -p "$VHOST" guest '.*' '.*' '.*' >/dev/null
    env=(BAZAAR_PG_URL="$PG_ADMIN_URL" BAZAAR_AMQP_URL="$AMQP_BASE/$VHOST")
  fi
  env "${env[@]}" "$ROOT/bazaar" up --data-dir "$DATA" --base-port "$BASE_PORT" \
    --broker-port "$BROKER_PORT" --pg-port "$PG_PORT" > "$OUT/$infra-launcher.log" 2>&1 &
  LAUNCHER_PID=$!
  for _ in $(seq 1 600); do
    grep -q "Bazaar is up" "$OUT/$infra-launcher.log" && break
    kill -0 "$LAUNCHER_PID" 2>/dev/null || { cat "$OUT/$infra-launcher.log" >&2; exit 1; }
    sleep 0.5
  done
  grep -q "Bazaar is up" "$OUT/$infra-launcher.log" || { echo "system not up" >&2; exit 1; }
  # Rate limits are per customer and route; the closed loop stays far below them.
  "$JAVA" "$ROOT/bench/orders/OrdersLoad.java" --base "http://127.0.0.1:$BASE_PORT" \
    --data-dir "$DATA" --concurrency "$CONCURRENCY" --duration "$DURATION" \
    --warmup "$WARMUP" --poll-ms "$POLL_MS" | tee "$OUT/$infra-load.txt"
  echo "load after: $(cat /proc/loadavg)" >> "$OUT/$infra-load.txt"
  stop_system
  if [[ -n "$VHOST" ]]; then rabbitmqctl -q delete_vhost "$VHOST" >/dev/null; VHOST=""; fi
  rm -rf "$DATA"
}

for infra in $INFRA; do run_infra "$infra"; done

# --- pgbench: the database writes of one confirmed order, in one transaction, one database ---
PSQL_URL=${PG_ADMIN_URL#jdbc:}
PSQL_URL=${PSQL_URL%%\?*}
PGUSER=postgres
BENCH_DB=bazaar_bench_orders
psql -q -h 127.0.0.1 -U "$PGUSER" -d postgres -c "DROP DATABASE IF EXISTS $BENCH_DB" \
  -c "CREATE DATABASE $BENCH_DB" >/dev/null
psql -q -h 127.0.0.1 -U "$PGUSER" -d "$BENCH_DB" -f "$ROOT/bench/orders/pgbench-schema.sql" >/dev/null
pgbench -h 127.0.0.1 -U "$PGUSER" -n -M prepared -c "$PGBENCH_CLIENTS" -j 2 -T "$DURATION" \
  -f "$ROOT/bench/orders/pgbench-order.sql" "$BENCH_DB" | tee "$OUT/pgbench.txt"
psql -q -h 127.0.0.1 -U "$PGUSER" -d postgres -c "DROP DATABASE $BENCH_DB" >/dev/null

# --- summary ---
tps=$(awk '/^tps = / { print $3; exit }' "$OUT/pgbench.txt")
{
  echo "| run | orders/s to final state | time to CONFIRMED p50 / p99 (client) | p50 / p99 (server) | share of pgbench |"
  echo "|---|---|---|---|---|"
  for infra in $INFRA; do
    f="$OUT/$infra-load.txt"
    ops=$(sed -n 's/.* = \([0-9.]*\) orders\/s.*/\1/p' "$f")
    cl=$(sed -n 's/.*client: p50 \([0-9.]*\) ms  p99 \([0-9.]*\) ms.*/\1 \/ \2 ms/p' "$f")
    sv=$(sed -n 's/.*server: p50 \([0-9]*\) ms  p99 \([0-9]*\) ms.*/\1 \/ \2 ms/p' "$f")
    share=$(awk -v a="$ops" -v b="$tps" 'BEGIN { printf "%.1f%%", 100 * a / b }')
    echo "| $infra | $ops | $cl | $sv | $share |"
  done
  echo "| pgbench, same writes in one transaction ($PGBENCH_CLIENTS clients) | $tps | | | 100% |"
} | tee "$OUT/summary.md"
