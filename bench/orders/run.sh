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

DURATION=${DURATION:-30}          # seconds measured per phase
WARMUP=${WARMUP:-10}              # seconds of load before each measured phase
CONCURRENCY=${CONCURRENCY:-32}    # customers in the closed loop that finds the maximum rate
SINGLE_DURATION=${SINGLE_DURATION:-15}  # seconds of one customer alone
IDLE_SECONDS=${IDLE_SECONDS:-20}  # seconds of an idle, running system measured for CPU
IDLE_SETTLE=${IDLE_SETTLE:-15}    # seconds after the last load before the idle measurement
INFRA=${INFRA:-"embedded real"}
BASE_PORT=${BASE_PORT:-28080}     # the system under test uses BASE_PORT..BASE_PORT+5
BROKER_PORT=${BROKER_PORT:-25673}
PG_PORT=${PG_PORT:-25433}
PG_ADMIN_URL=${PG_ADMIN_URL:-jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}
AMQP_BASE=${AMQP_BASE:-amqp://guest:guest@127.0.0.1:5672}
PGBENCH_CLIENTS=${PGBENCH_CLIENTS:-16}
PROFILE=${PROFILE:-0}             # 1: JFR (with jdk.CPUTimeSample) on every Bazaar JVM during the max phase

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

# Every process of the system under test: the launcher and its descendants (services, gateway,
# embedded broker and PostgreSQL); on real infrastructure also RabbitMQ and the PostgreSQL server
# processes that serve Bazaar's databases (plus the server's shared background processes).
server_pids() {
  local infra=$1
  ps -e -o pid=,ppid= | awk -v root="$LAUNCHER_PID" '
    { parent[$1] = $2 } END {
      for (p in parent) { q = p; while (q != "" && q != 0 && q != 1) { if (q == root) { print p; break } q = parent[q] } }
    }'
  if [[ $infra == embedded && -f "$DATA/postgres/postmaster.pid" ]]; then
    # The embedded postmaster detaches from the launcher (pg_ctl): it and its backends.
    local pm
    pm=$(head -1 "$DATA/postgres/postmaster.pid")
    echo "$pm"; pgrep -P "$pm" || true
  fi
  if [[ $infra == real ]]; then
    pgrep -u rabbitmq beam.smp || true
    ps -u postgres -o pid=,args= | awk '/bazaar_|writer|checkpointer|autovacuum|logical|stats/ { print $1 }'
  fi
}
# "pid ticks name" for every server process, name = service or process kind.
cpu_table() {
  local pid t name
  for pid in $(server_pids "$1" | sort -u); do
    t=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null) || continue
    name=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | sed -E \
      -e 's/.*-Dbazaar\.instance=([^ ]+).*/\1/' -e 's/.*BrokerMain.*/broker/' \
      -e 's/.*bazaar-launcher\.jar.*/launcher/' -e 's/^postgres: ([^ ]+ [^ ]+).*/postgres \1/' \
      -e 's/.*beam\.smp.*/rabbitmq/' -e 's/^(.{0,40}).*/\1/')
    echo "$pid $t $name"
  done
}
# Resident memory of each process of the system now (VmRSS, MB): `<infra>-<phase>-rss.txt`.
rss_table() {
  local pid name kb
  for pid in $(server_pids "$1" | sort -u); do
    kb=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || continue
    [[ -n $kb ]] || continue
    name=$(awk -v p="$pid" '$1 == p { $1 = ""; $2 = ""; sub(/^  /, ""); print }' <(cpu_table "$1"))
    printf '%-40s %6.0f MB\n' "${name:-$pid}" "$(echo "$kb / 1024" | bc -l)"
  done | sort
}
cpu_ticks() {
  local total=0 pid t
  for pid in $(server_pids "$1" | sort -u); do
    t=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null) || continue
    total=$((total + ${t:-0}))
  done
  echo "$total"
}
superuser_password() { # the launcher generates it into <data>/secrets.properties
  [[ -f "$DATA/secrets.properties" ]] && sed -n 's/^postgres\.password=//p' "$DATA/secrets.properties" || true
}
pg_sql() { # port database sql (a superuser on the embedded or the machine's PostgreSQL)
  PGPASSWORD="$(superuser_password)" psql -X -q -t -A -h 127.0.0.1 -p "$1" -U postgres -d "$2" \
    -c "$3" 2>/dev/null || echo ""
}
xacts() { pg_sql "$1" postgres "SELECT coalesce(sum(xact_commit), 0) FROM pg_stat_database WHERE datname LIKE 'bazaar\_%'"; }
sent_messages() { # port from-epoch to-epoch: outbox rows published in the window, every service
  local n=0 db c
  for db in $(pg_sql "$1" postgres "SELECT datname FROM pg_database WHERE datname LIKE 'bazaar\_%'"); do
    c=$(pg_sql "$1" "$db" "SELECT count(*) FROM outbox WHERE sent_at >= to_timestamp($2) AND sent_at < to_timestamp($3)")
    n=$((n + ${c:-0}))
  done
  echo "$n"
}
# One load phase. CPU ticks, commits and published messages are taken between the load tool's
# measure-start and measure-end lines, so its warm-up is not counted.
measured() {
  local infra=$1 port=$2 mode=$3; shift 3
  local f="$OUT/$infra-$mode.txt"
  "$JAVA" "$ROOT/bench/orders/OrdersLoad.java" --base "http://127.0.0.1:$BASE_PORT" \
    --data-dir "$DATA" --mode "$mode" --duration "$DURATION" --warmup "$WARMUP" --products 100 \
    "$@" > "$f" 2>&1 &
  local load=$!
  until grep -q '^measure-start' "$f" 2>/dev/null; do
    kill -0 "$load" 2>/dev/null || { cat "$f" >&2; return 1; }
    sleep 0.2
  done
  local c0 x0 t0 c1 x1 t1 pid
  cpu_table "$infra" > "$OUT/$infra-$mode-cpu0.txt"
  "$ROOT/bench/orders/threads.py" snap $(server_pids "$infra" | sort -u) > "$OUT/$infra-$mode-threads0.txt"
  c0=$(cpu_ticks "$infra"); x0=$(xacts "$port"); t0=$(date +%s.%N)
  if [[ $PROFILE == 1 && $mode == max ]]; then
    for pid in $(server_pids "$infra" | sort -u); do
      # JVMs only: jcmd attaches with SIGQUIT, which is an immediate shutdown to a postmaster.
      grep -q java "/proc/$pid/cmdline" 2>/dev/null || continue
      "$(dirname "$JAVA")/jcmd" "$pid" JFR.start name=bench settings=profile \
        "+jdk.CPUTimeSample#enabled=true" duration="${DURATION}s" \
        filename="$OUT/$infra-$pid.jfr" >/dev/null 2>&1 || true
    done
  fi
  until grep -q '^measure-end' "$f" 2>/dev/null; do
    kill -0 "$load" 2>/dev/null || break
    sleep 0.2
  done
  c1=$(cpu_ticks "$infra"); x1=$(xacts "$port"); t1=$(date +%s.%N)
  cpu_table "$infra" > "$OUT/$infra-$mode-cpu1.txt"
  rss_table "$infra" > "$OUT/$infra-$mode-rss.txt"
  "$ROOT/bench/orders/threads.py" snap $(server_pids "$infra" | sort -u) > "$OUT/$infra-$mode-threads1.txt"
  wait "$load" || true
  local msgs orders
  msgs=$(sent_messages "$port" "$t0" "$t1")
  orders=$(sed -n 's/^result: .* orders=\([0-9]*\) .*/\1/p' "$f")
  awk -v c="$((c1 - c0))" -v hz="$(getconf CLK_TCK)" -v n="${orders:-0}" \
    -v x="$(( ${x1:-0} - ${x0:-0} ))" -v m="$msgs" -v a="$t0" -v b="$t1" 'BEGIN {
      if (n == 0) n = 1
      printf "server CPU: %.1f ms per order (%.2f cores busy); %.1f transactions per order; %.1f messages per order\n",
        1000 * c / hz / n, c / hz / (b - a), x / n, m / n }' | tee -a "$f"
  # Where the CPU went: ms per order by process kind.
  awk -v n="${orders:-1}" -v hz="$(getconf CLK_TCK)" '
    NR == FNR { t0[$1] = $2; next }
    { name = $3; for (i = 4; i <= NF; i++) name = name " " $i; sub(/-[0-9]+$/, "", name)
      if ($1 in t0) by[name] += $2 - t0[$1] }
    END { for (k in by) if (by[k] > 0) printf "  cpu %-28s %7.2f ms per order\n", k, 1000 * by[k] / hz / (n ? n : 1) }' \
    "$OUT/$infra-$mode-cpu0.txt" "$OUT/$infra-$mode-cpu1.txt" | sort -k3 -rn -t'|' | tee -a "$f"
  "$ROOT/bench/orders/threads.py" diff "$OUT/$infra-$mode-threads0.txt" \
    "$OUT/$infra-$mode-threads1.txt" "${orders:-0}" | tee -a "$f"
  echo "load: $(cat /proc/loadavg)" >> "$f"
  cat "$f"
}

run_infra() {
  local infra=$1
  DATA=$(mktemp -d /tmp/bazaar-bench-orders.XXXXXX)
  local env=()
  if [[ $infra == real ]]; then
    VHOST=bazaar-bench-$RANDOM$RANDOM
    rabbitmqctl -q add_vhost "$VHOST" >/dev/null
    rabbitmqctl -q set_permissions -p "$VHOST" guest '.*' '.*' '.*' >/dev/null
    env=(BAZAAR_PG_URL="$PG_ADMIN_URL" BAZAAR_AMQP_URL="$AMQP_BASE/$VHOST")
    # A signing key an earlier run left in the shared bazaar_users is encrypted under that run's
    # <data>/users-key.aes, gone with its data dir: users refuses to start with it
    # (docs/launcher.md, external PostgreSQL). This run's fresh data dir gets fresh keys.
    if psql -h 127.0.0.1 -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'bazaar_users'" | grep -q 1; then
      psql -q -h 127.0.0.1 -U postgres -d bazaar_users \
        -c "DELETE FROM signing_keys" >/dev/null 2>&1 || true
    fi
    # The shared databases keep what earlier runs left. A server with autovacuum off (this
    # project's CI machine: /etc/postgresql/15/main/conf.d/90-ci.conf) also keeps every dead row:
    # the outbox's partial index then costs ~100 buffer reads per claim instead of ~9. Start each
    # run vacuumed, as autovacuum would keep a production server, and say what was found.
    echo "autovacuum on the server: $(psql -h 127.0.0.1 -U postgres -d postgres -tAc 'show autovacuum')" \
      >> "$OUT/machine.txt"
    for db in $(psql -h 127.0.0.1 -U postgres -d postgres -tAc \
        "SELECT datname FROM pg_database WHERE datname LIKE 'bazaar\_%' AND datname <> 'bazaar_bench_orders'"); do
      psql -q -h 127.0.0.1 -U postgres -d "$db" -c "VACUUM (ANALYZE)" >/dev/null 2>&1 || true
    done
  fi
  # The load registers its customers from one address: lift the 10-per-minute registration limit.
  env "${env[@]}" BAZAAR_GATEWAY_RATE_LIMITS_REGISTER_CAPACITY=1000000 "$ROOT/bazaar" up --data-dir "$DATA" --base-port "$BASE_PORT" \
    --broker-port "$BROKER_PORT" --pg-port "$PG_PORT" > "$OUT/$infra-launcher.log" 2>&1 &
  LAUNCHER_PID=$!
  for _ in $(seq 1 600); do
    grep -q "Bazaar is up" "$OUT/$infra-launcher.log" && break
    kill -0 "$LAUNCHER_PID" 2>/dev/null || { cat "$OUT/$infra-launcher.log" >&2; exit 1; }
    sleep 0.5
  done
  grep -q "Bazaar is up" "$OUT/$infra-launcher.log" || { echo "system not up" >&2; exit 1; }
  local pgport=$PG_PORT
  [[ $infra == real ]] && pgport=5432
  sleep 5
  # --- maximum sustained rate, closed loop, with server CPU, transactions and messages per order ---
  measured "$infra" "$pgport" max --concurrency "$CONCURRENCY"
  local max half
  max=$(sed -n 's/^result: .* rate=\([0-9.]*\).*/\1/p' "$OUT/$infra-max.txt")
  # --- half of it, open loop: time to CONFIRMED without coordinated omission ---
  half=$(awk -v m="$max" 'BEGIN { h = m / 2; if (h < 1) h = 1; printf "%.2f", h }')
  measured "$infra" "$pgport" open --rate "$half"
  # --- one customer alone ---
  "$JAVA" "$ROOT/bench/orders/OrdersLoad.java" --base "http://127.0.0.1:$BASE_PORT" \
    --data-dir "$DATA" --mode single --duration "$SINGLE_DURATION" --warmup 3 --products 100 \
    | tee "$OUT/$infra-single.txt"
  echo "load after: $(cat /proc/loadavg)" >> "$OUT/$infra-single.txt"
  # --- idle: the same running system with no load, once the load's last requests are done and
  # the JIT has compiled what the load made hot (measured right after start-up, JIT compilation of
  # the start-up paths would dominate) ---
  sleep "$IDLE_SETTLE"
  local c0 c1
  cpu_table "$infra" > "$OUT/$infra-idle-cpu0.txt"
  "$ROOT/bench/orders/threads.py" snap $(server_pids "$infra" | sort -u) > "$OUT/$infra-idle-threads0.txt"
  c0=$(cpu_ticks "$infra")
  sleep "$IDLE_SECONDS"
  c1=$(cpu_ticks "$infra")
  cpu_table "$infra" > "$OUT/$infra-idle-cpu1.txt"
  rss_table "$infra" > "$OUT/$infra-idle-rss.txt"
  "$ROOT/bench/orders/threads.py" snap $(server_pids "$infra" | sort -u) > "$OUT/$infra-idle-threads1.txt"
  {
    awk -v a="$c0" -v b="$c1" -v s="$IDLE_SECONDS" -v hz="$(getconf CLK_TCK)" \
      'BEGIN { printf "idle CPU: %.2f%% of one core\n", 100 * (b - a) / hz / s }'
    awk -v s="$IDLE_SECONDS" -v hz="$(getconf CLK_TCK)" '
      NR == FNR { t0[$1] = $2; next }
      { name = $3; for (i = 4; i <= NF; i++) name = name " " $i; sub(/-[0-9]+$/, "", name)
        if ($1 in t0) by[name] += $2 - t0[$1] }
      END { for (k in by) if (by[k] > 0) printf "  idle %-28s %6.2f%% of one core\n", k, 100 * by[k] / hz / s }' \
      "$OUT/$infra-idle-cpu0.txt" "$OUT/$infra-idle-cpu1.txt"
    echo "load: $(cat /proc/loadavg)"
  } | tee "$OUT/$infra-idle.txt"
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
  echo "| run | max orders/s | share of pgbench | p50 / p99 to CONFIRMED at half the max (open loop) | one customer alone, p50 | server CPU per order | transactions / messages per order | idle CPU (one core) |"
  echo "|---|---|---|---|---|---|---|---|"
  for infra in $INFRA; do
    max=$(sed -n 's/^result: .* rate=\([0-9.]*\).*/\1/p' "$OUT/$infra-max.txt")
    share=$(awk -v a="$max" -v b="$tps" 'BEGIN { printf "%.1f%%", 100 * a / b }')
    open=$(sed -n 's/^result: .* p50_ms=\([0-9.]*\) p99_ms=\([0-9.]*\).*/\1 \/ \2 ms/p' "$OUT/$infra-open.txt")
    rate=$(sed -n 's/^result: .* rate=\([0-9.]*\).*/\1/p' "$OUT/$infra-open.txt")
    single=$(sed -n 's/^result: .* p50_ms=\([0-9.]*\) .*/\1 ms/p' "$OUT/$infra-single.txt")
    cpu=$(sed -n 's/^server CPU: \([0-9.]*\) ms per order.*/\1 ms/p' "$OUT/$infra-max.txt")
    txm=$(sed -n 's/.*; \([0-9.]*\) transactions per order; \([0-9.]*\) messages.*/\1 \/ \2/p' "$OUT/$infra-max.txt")
    idle=$(sed -n 's/^idle CPU: \(.*\) of one core/\1/p' "$OUT/$infra-idle.txt")
    echo "| $infra | $max | $share | $open (at $rate/s) | $single | $cpu | $txm | $idle |"
  done
  echo "| pgbench, the same writes in one transaction ($PGBENCH_CLIENTS clients) | $tps | 100% | | | | | |"
  echo
  echo "load at the end: $(cat /proc/loadavg)"
} | tee "$OUT/summary.md"
