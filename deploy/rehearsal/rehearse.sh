#!/usr/bin/env bash
# Multi-host rehearsal of the Kubernetes manifests on one machine, without a cluster.
#
# Every Bazaar process gets a "host" of its own: a network namespace with one veth on a private
# bridge, its image's file system (unpacked from target/<name>-image.tar, mounted read-only, a tmpfs
# on /tmp), the image's entrypoint run as the image's user 65532, and exactly the environment the
# dev overlay gives its container (ConfigMaps, Secrets, $(VAR) expansion; env-from-manifests.py)
# and the files of the Secret volumes it mounts.
# A further namespace is the infrastructure host: its ports 5432, 5672 and 6379 lead to the
# machine's real PostgreSQL, RabbitMQ and Redis. Names resolve through an /etc/hosts in each image,
# as the kubelet provides one. The tour then runs from a client namespace through the gateway.
#
# Nothing is reachable on 127.0.0.1 across hosts, so a process that assumes localhost fails here.
# Needs root, kubectl, socat, psql, rabbitmqctl, python3 with PyYAML, and the images
# (./mvnw package -Pimages -DskipTests). Run it under the shared lock:
#   deploy/rehearsal/rehearse.sh
# Environment: REHEARSAL_DIR (/tmp/bazaar-rehearsal), REHEARSAL_NET (10.77.0), READY_TIMEOUT (480 s),
# KEEP=1 leaves everything running for a look around (then run it again with CLEANUP_ONLY=1);
# ONLY="users" starts only the named processes and skips the tour (a quick check of one image).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/deploy/rehearsal"
WORK=${REHEARSAL_DIR:-/tmp/bazaar-rehearsal}
NET=${REHEARSAL_NET:-10.77.0}
READY_TIMEOUT=${READY_TIMEOUT:-480}
BR=bzr0
PROCS=(users catalog orders notifications payments gateway)
ALL_PROCS=("${PROCS[@]}")
declare -A MODULE=([users]=services/users/users-service [catalog]=services/catalog/catalog-service
  [orders]=services/orders/orders-service [notifications]=services/notifications/notifications-service
  [payments]=services/payments/payments-service [gateway]=gateway)
declare -A PORT=([users]=8081 [catalog]=8082 [orders]=8083 [notifications]=8084 [payments]=8085 [gateway]=8080)
declare -A IP=([infra]=$NET.2 [client]=$NET.3 [gateway]=$NET.10 [users]=$NET.11 [catalog]=$NET.12
  [orders]=$NET.13 [notifications]=$NET.14 [payments]=$NET.15)
HOSTS=(infra client "${PROCS[@]}")
SERVICES=(users catalog orders notifications payments)
log() { echo "rehearsal: $*"; }
in_ns() { local h=$1; shift; ip netns exec "bzr-$h" "$@"; }

cleanup() {
  set +e
  if [ -f "$WORK/pids" ]; then
    while read -r pid; do kill "$pid" 2>/dev/null; done < "$WORK/pids"
    # as the kubelet would: SIGTERM, then the grace period (Quarkus drains for up to 10 s)
    for _ in $(seq 1 15); do
      alive=0
      while read -r pid; do kill -0 "$pid" 2>/dev/null && alive=1; done < "$WORK/pids"
      [ "$alive" = 0 ] && break
      sleep 1
    done
    while read -r pid; do kill -9 "$pid" 2>/dev/null; done < "$WORK/pids"
    rm -f "$WORK/pids"
  fi
  for p in "${ALL_PROCS[@]}"; do
    for m in etc/hosts sys dev proc tmp ""; do
      mountpoint -q "$WORK/rootfs/$p/$m" 2>/dev/null && umount -l "$WORK/rootfs/$p/$m"
    done
  done
  # whatever still runs on a rehearsal host (forked socat children included) goes with it
  for h in "${HOSTS[@]}"; do
    pids=$(ip netns pids "bzr-$h" 2>/dev/null)
    [ -z "$pids" ] || kill -9 $pids 2>/dev/null
  done
  for h in "${HOSTS[@]}"; do ip netns del "bzr-$h" 2>/dev/null; rm -rf "/etc/netns/bzr-$h"; done
  ip link del "$BR" 2>/dev/null
  if [ -f "$WORK/created-infra" ]; then
    for s in "${SERVICES[@]}"; do
      psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS bazaar_$s WITH (FORCE)" -c "DROP ROLE IF EXISTS bazaar_$s" 2>/dev/null
      rabbitmqctl -q delete_user "$s" >/dev/null 2>&1
    done
    rabbitmqctl -q delete_vhost bazaar >/dev/null 2>&1
    rm -f "$WORK/created-infra"
  fi
}
if [ "${CLEANUP_ONLY:-0}" = 1 ]; then cleanup; exit 0; fi
[ "$(id -u)" = 0 ] || { echo "rehearsal: needs root (network namespaces, chroot)" >&2; exit 1; }
for p in "${PROCS[@]}"; do
  [ -f "$ROOT/${MODULE[$p]}/target/$p-image.tar" ] || { echo "rehearsal: no image for $p: ./mvnw package -Pimages -DskipTests" >&2; exit 1; }
done
# The databases, roles, vhost and users the manifests name must be ours alone for the run.
if [ -n "$(psql -h 127.0.0.1 -U postgres -Atc "select 1 from pg_database where datname like 'bazaar\_%' limit 1")" ] \
   || rabbitmqctl -q list_vhosts | grep -qx bazaar; then
  echo "rehearsal: bazaar_* databases or the bazaar vhost already exist on the real servers; not touching them" >&2
  exit 1
fi
[ "${KEEP:-0}" = 1 ] || trap cleanup EXIT
rm -rf "$WORK"; mkdir -p "$WORK"/{env,logs,rootfs}
t0=$(date +%s)

log "environment from the dev overlay"
kubectl kustomize "$ROOT/deploy/k8s/overlays/dev" | python3 "$HERE/env-from-manifests.py" "$WORK/env"

log "hosts: one network namespace each on bridge $BR ($NET.0/24)"
ip link add "$BR" type bridge && ip link set "$BR" up
i=0
for h in "${HOSTS[@]}"; do
  i=$((i + 1))
  ip netns add "bzr-$h"
  ip link add "vbzr$i" type veth peer name eth0 netns "bzr-$h"
  ip link set "vbzr$i" master "$BR" up
  ip -n "bzr-$h" addr add "${IP[$h]}/24" dev eth0
  ip -n "bzr-$h" link set eth0 up
  ip -n "bzr-$h" link set lo up
done
{
  echo "127.0.0.1 localhost"
  echo "${IP[infra]} bazaar-pg-rw bazaar-rabbitmq bazaar-redis"
  for p in "${PROCS[@]}"; do echo "${IP[$p]} $p $p-headless"; done
} > "$WORK/hosts"
mkdir -p /etc/netns/bzr-client && cp "$WORK/hosts" /etc/netns/bzr-client/hosts

log "infrastructure host ${IP[infra]}: 5432, 5672, 6379 lead to this machine's PostgreSQL, RabbitMQ, Redis"
for port in 5432 5672 6379; do
  ip netns exec bzr-infra socat "TCP-LISTEN:$port,bind=${IP[infra]},fork,reuseaddr" \
    "EXEC:nsenter --net=/proc/$$/ns/net socat STDIO TCP\:127.0.0.1\:$port" &
  echo $! >> "$WORK/pids"
done
sleep 1

log "per-service databases and roles: the dev overlay's setup Job script, from the client host"
touch "$WORK/created-infra"
( set -a; . "$WORK/env/bazaar-db-setup.env"; set +a
  in_ns client sh "$ROOT/deploy/compose/setup/db-setup.sh" ) > "$WORK/logs/db-setup.log" 2>&1
log "per-service broker users: the broker-setup Job's vhost, users and permissions through rabbitmqctl"
# (this RabbitMQ has no management plugin, which the Job's script talks to)
( set -a; . "$WORK/env/bazaar-broker-setup.env"; set +a
  rabbitmqctl -q add_vhost bazaar
  for s in "${SERVICES[@]}"; do
    u=$(eval echo "\$${s^^}_USER"); pw=$(eval echo "\$${s^^}_PASSWORD")
    re="^(bazaar\\.(events|commands)|$s\\..*)\$"
    rabbitmqctl -q add_user "$u" "$pw"
    rabbitmqctl -q set_permissions -p bazaar "$u" "$re" "$re" "$re"
  done ) > "$WORK/logs/broker-setup.log" 2>&1

log "images: unpacked read-only, started from their entrypoints as 65532"
[ -z "${ONLY:-}" ] || read -r -a PROCS <<< "$ONLY"
for p in "${PROCS[@]}"; do
  r="$WORK/rootfs/$p"
  mkdir -p "$r"
  python3 "$HERE/oci.py" unpack "$ROOT/${MODULE[$p]}/target/$p-image.tar" "$r"
  mkdir -p "$r/proc" "$r/dev" "$r/sys" && touch "$r/etc/hosts"
  # The Secret volumes the Deployment mounts (users' key-encryption key), as the kubelet projects
  # them: root-owned, group 65532 (fsGroup), read-only; written before the file system turns ro.
  while read -r path content; do
    mkdir -p "$r$(dirname "$path")"
    printf '%s' "$content" | base64 -d > "$r$path"
    chown 0:65532 "$r$path" && chmod 0440 "$r$path"
  done < "$WORK/env/$p.files"
  mount --bind "$r" "$r" && mount -o remount,bind,ro "$r"
  mount -t tmpfs -o size=64m,mode=1777 tmpfs "$r/tmp"
  mount --rbind /proc "$r/proc"; mount --rbind /dev "$r/dev"; mount --rbind -o ro /sys "$r/sys"
  mount --bind -o ro "$WORK/hosts" "$r/etc/hosts"
  mapfile -t entrypoint < <(python3 "$HERE/oci.py" entrypoint "$ROOT/${MODULE[$p]}/target/$p-image.tar")
  mapfile -t env_args < <(python3 "$HERE/oci.py" env "$ROOT/${MODULE[$p]}/target/$p-image.tar")
  mapfile -t manifest_env < "$WORK/env/$p.env"
  echo "${entrypoint[*]}" > "$WORK/logs/$p.cmd"
  ip netns exec "bzr-$p" env -i "${env_args[@]}" "${manifest_env[@]}" \
    "$(command -v chroot)" --userspec=65532:65532 "$r" "${entrypoint[@]}" > "$WORK/logs/$p.log" 2>&1 &
  echo $! >> "$WORK/pids"
done

log "waiting for every process to answer /q/health/ready on its own host (at most ${READY_TIMEOUT} s)"
deadline=$(( $(date +%s) + READY_TIMEOUT ))
for p in "${PROCS[@]}"; do
  until in_ns client curl -fs -o /dev/null -m 2 "http://$p:${PORT[$p]}/q/health/ready"; do
    if [ "$(date +%s)" -gt "$deadline" ]; then
      echo "rehearsal: $p is not ready; last lines of its log:" >&2; tail -30 "$WORK/logs/$p.log" >&2; exit 1
    fi
    sleep 2
  done
  log "  $p ready at ${IP[$p]}:${PORT[$p]} ($(( $(date +%s) - t0 )) s)"
done
# Reached from another host on its veth address, so it does not listen on loopback only; record
# the socket for the log (a Java socket bound to 0.0.0.0 shows as *, [::] or [::ffff:0.0.0.0]).
for p in "${PROCS[@]}"; do
  sock=$(in_ns "$p" ss -ltnH "sport = :${PORT[$p]}" | awk '{print $4}' | head -1)
  case "$sock" in
    "0.0.0.0:${PORT[$p]}"|"*:${PORT[$p]}"|"[::]:${PORT[$p]}"|"[::ffff:0.0.0.0]:${PORT[$p]}") log "  $p listens on $sock" ;;
    *) echo "rehearsal: $p listens on '$sock', not on every address" >&2; exit 1 ;;
  esac
done
if [ -n "${ONLY:-}" ]; then log "ONLY=$ONLY: no tour"; exit 0; fi
log "the tour, from the client host through the gateway"
B="http://gateway:8080"
c() { in_ns client curl -sS -m 20 "$@"; }
email="rehearsal-$(date +%s)@example.com"
code=$(c -o /dev/null -w '%{http_code}' -X POST "$B/api/v1/users" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"correct horse\",\"name\":\"Ada\"}")
[ "$code" = 201 ] || { echo "rehearsal: register answered $code" >&2; exit 1; }
TOKEN=$(c -X POST "$B/api/v1/auth/token" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"correct horse\"}" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
c -f -o /dev/null "$B/api/v1/users/me" -H "Authorization: Bearer $TOKEN"
PRODUCT=$(c -f "$B/api/v1/products?size=1" | sed 's/.*"id":"\([^"]*\)".*/\1/')
loc=$(c -D - -o /dev/null -X POST "$B/api/v1/orders" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)" \
  -d "{\"items\":[{\"productId\":\"$PRODUCT\",\"quantity\":2}],\"paymentToken\":\"tok_ok\"}" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
[ -n "$loc" ] || { echo "rehearsal: the order was not accepted" >&2; exit 1; }
order=${loc##*/}
status=""
for _ in $(seq 1 60); do
  status=$(c -f "$B/api/v1/orders/$order" -H "Authorization: Bearer $TOKEN" | sed 's/.*"status":"\([A-Z_]*\)".*/\1/')
  [ "$status" = CONFIRMED ] || [ "$status" = CANCELLED ] && break
  sleep 1
done
[ "$status" = CONFIRMED ] || { echo "rehearsal: order $order ended $status" >&2; exit 1; }
payments=$(c -f "$B/api/v1/payments?orderId=$order" -H "Authorization: Bearer $TOKEN")
echo "$payments" | grep -q AUTHORIZED || { echo "rehearsal: no authorized payment: $payments" >&2; exit 1; }
log "order $order CONFIRMED, payment AUTHORIZED; whole rehearsal $(( $(date +%s) - t0 )) s"
log "PASSED"
