#!/usr/bin/env bash
# The embedded broker's cost per message, per message store, against RabbitMQ: persistent messages
# published with confirms and consumed with acks, as the outbox relay and the inbox consumers do,
# logged in as the services (catalog publishes catalog.StockReserved, orders consumes it).
#
#   bench/broker/run.sh                  # STORES="BDB DERBY", COUNT=20000, WINDOW=64
# Writes raw output to bench/broker/results/<date>/ and prints one line per broker.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
COUNT=${COUNT:-20000}
WINDOW=${WINDOW:-64}
STORES=${STORES:-"BDB DERBY"}
RABBIT=${RABBIT:-1}                # 1: also RabbitMQ on 127.0.0.1:5672 (guest), in a fresh vhost
PORT=${PORT:-25699}
STAMP=$(date -u +%Y-%m-%dT%H%M%SZ)
OUT=${OUT:-$ROOT/bench/broker/results/$STAMP}
mkdir -p "$OUT"
JAVA=$("$ROOT/bazaar" java-home)/bin/java
LIB="$ROOT/launcher/target/bazaar-launcher.jar"
[[ -f "$LIB" ]] || { echo "build first: ./bazaar build" >&2; exit 1; }
AMQP_CP=$(ls "$ROOT"/launcher/target/lib/amqp-client-*.jar "$ROOT"/launcher/target/lib/slf4j-api-*.jar | paste -sd:)
{ echo "nproc: $(nproc)"; grep -m1 'model name' /proc/cpuinfo || true; "$JAVA" -version 2>&1 | head -1
  echo "load: $(cat /proc/loadavg)"; echo "count $COUNT window $WINDOW"; } > "$OUT/machine.txt"

BPID=""
trap '[[ -n "$BPID" ]] && kill "$BPID" 2>/dev/null || true' EXIT
for store in $STORES; do
  DATA=$(mktemp -d)
  # The broker reads its users' passwords from <data>/secrets.properties; the launcher's Secrets
  # class writes them (the same call `up` makes).
  "$JAVA" -cp "$LIB" -Dbazaar.broker.store="$store" dev.bazaar.launcher.broker.BrokerMain \
    --port "$PORT" --work "$DATA/broker" > "$OUT/broker-$store.log" 2>&1 &
  BPID=$!
  for _ in $(seq 1 120); do [[ -f "$DATA/broker/ready.pid" ]] && break; sleep 0.5; done
  [[ -f "$DATA/broker/ready.pid" ]] || { echo "broker ($store) did not start; $OUT/broker-$store.log" >&2; kill $BPID; exit 1; }
  pw() { grep "^amqp.$1.password=" "$DATA/secrets.properties" | cut -d= -f2-; }
  line=$("$JAVA" -cp "$AMQP_CP" "$ROOT/bench/broker/BrokerLoad.java" \
    "amqp://catalog:$(pw catalog)@127.0.0.1:$PORT/" "amqp://orders:$(pw orders)@127.0.0.1:$PORT/" \
    bazaar.events catalog.StockReserved orders.replies "$COUNT" "$WINDOW" "$BPID")
  echo "embedded $store  $line" | tee -a "$OUT/results.txt"
  kill "$BPID"; wait "$BPID" 2>/dev/null || true
  rm -rf "$DATA"
done

if [[ "$RABBIT" == 1 ]]; then
  VHOST="bench-broker-$STAMP"
  rabbitmqctl -q add_vhost "$VHOST"
  rabbitmqctl -q set_permissions -p "$VHOST" guest '.*' '.*' '.*'
  RPID=$(rabbitmqctl -q eval 'list_to_integer(os:getpid()).' 2>/dev/null || pgrep -f beam.smp | head -1)
  line=$("$JAVA" -cp "$AMQP_CP" "$ROOT/bench/broker/BrokerLoad.java" \
    "amqp://guest:guest@127.0.0.1:5672/$VHOST" "amqp://guest:guest@127.0.0.1:5672/$VHOST" \
    bazaar.events catalog.StockReserved orders.replies "$COUNT" "$WINDOW" "$RPID")
  echo "rabbitmq  $line" | tee -a "$OUT/results.txt"
  rabbitmqctl -q delete_vhost "$VHOST"
fi
echo "load after: $(cat /proc/loadavg)" >> "$OUT/machine.txt"
