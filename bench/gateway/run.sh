#!/usr/bin/env bash
# Gateway throughput/latency benchmark: direct vs nginx reverse proxy vs the Bazaar gateway.
#
# One run, interleaved rounds, every proxy pinned to one core and the load generator plus the
# upstream to another. A bare Vert.x proxy (FloorProxy.java, on the gateway's own jars) is the
# floor of a JVM/Vert.x proxy here. See bench/README.md for the method and recorded results.
#
#   bench/gateway/run.sh                     # defaults below
#   ROUNDS=1 DURATION=5s WARMUP=3s PROFILE=0 bench/gateway/run.sh   # quick smoke run
#
# Writes raw outputs to bench/gateway/results/<date>/ and prints a Markdown table on stdout.
set -euo pipefail

# ---------------------------------------------------------------------------------------------
# Names of the JWT / rate-limit settings. The features are being built on another branch; align
# these with the merged gateway config (docs/gateway.md) and the variant starts measuring.
# ---------------------------------------------------------------------------------------------
JWKS_URL_ENVS=(BAZAAR_GATEWAY_JWKS_URL BAZAAR_JWKS_URL)   # every name listed gets the JWKS URL
JWT_ISSUER_ENV=BAZAAR_GATEWAY_JWT_ISSUER
JWT_AUDIENCE_ENV=BAZAAR_GATEWAY_JWT_AUDIENCE
AUTH_POLICY_ENV=BAZAAR_GATEWAY_ROUTES_PRODUCTS_AUTH
AUTH_POLICY_VALUE=authenticated
RATE_LIMIT_REQUESTS_ENV=BAZAAR_GATEWAY_RATE_LIMITS_DEFAULT_CAPACITY
RATE_LIMIT_PERIOD_ENV=BAZAAR_GATEWAY_RATE_LIMITS_DEFAULT_PERIOD
RATE_LIMIT_BENCH=(1000000000 1s)   # generous: must never reject during the benchmark
RATE_LIMIT_PROBE=(3 60s)           # tiny: proves the limiter is really on (expects a 429)
JWT_ISSUER=https://bench.bazaar.dev
JWT_AUDIENCE=bazaar

# ---------------------------------------------------------------------------------------------
# Knobs (environment overrides)
# ---------------------------------------------------------------------------------------------
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-10s}
THREADS=${THREADS:-1}
CONNECTIONS=${CONNECTIONS:-64}
PROXY_CPU=${PROXY_CPU:-0}        # nginx proxy and every gateway JVM
LOAD_CPU=${LOAD_CPU:-1}          # wrk and the upstream
BASE_PORT=${BASE_PORT:-18090}    # uses BASE_PORT .. BASE_PORT+8
PROFILE=${PROFILE:-1}            # 1: JFR-profile the gateway after the benchmark
PROFILE_DURATION=${PROFILE_DURATION:-20s}
PROFILE_WARMUP=${PROFILE_WARMUP:-20s}
PROFILE_VARIANT=${PROFILE_VARIANT:-jwt}   # jwt: the JWT + rate-limit gateway; plain: default config
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=${JAVA:-$JAVA_HOME/bin/java}
JFR=${JFR:-$JAVA_HOME/bin/jfr}
GATEWAY_JVM_OPTS=${GATEWAY_JVM_OPTS:--XX:+UseParallelGC -Xmx512m}
# An extra plain-routing gateway with config-only settings (empty: skipped). Default: Vert.x's own
# two event loops per CPU, against the gateway's one per CPU (config/EventLoopsPerCpu).
GW_TUNED_OPTS=${GW_TUNED_OPTS--Dquarkus.vertx.event-loops-pool-size=2}
REQUEST_PATH=/api/v1/products/42

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# The built gateway: its quarkus-run.jar is measured, its lib/main jars run the floor proxy.
GATEWAY_APP_DIR=${GATEWAY_APP_DIR:-$ROOT/gateway/target/quarkus-app}
JAR=$GATEWAY_APP_DIR/quarkus-run.jar
FLOOR_SRC=$ROOT/bench/gateway/FloorProxy.java
STAMP=$(date -u +%Y-%m-%dT%H%M%SZ)
OUT=${OUT:-$ROOT/bench/gateway/results/$STAMP}

UP_PORT=$BASE_PORT
NGINX_PORT=$((BASE_PORT + 1))
GW_PLAIN_PORT=$((BASE_PORT + 2))
GW_NOLOG_PORT=$((BASE_PORT + 3))
GW_JWT_PORT=$((BASE_PORT + 4))
GW_AUX_PORT=$((BASE_PORT + 5))   # rate-limit probe and profiling instance
GW_TUNED_PORT=$((BASE_PORT + 6))
FLOOR_PORT=$((BASE_PORT + 7))
GW_TRACING_PORT=$((BASE_PORT + 8))

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  [[ $EUID -eq 0 ]] || die "nginx and wrk are missing; run as root or: apt-get install -y nginx wrk"
  log "installing nginx and wrk"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y nginx wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y nginx wrk >/dev/null; }
fi
for tool in nginx wrk taskset curl openssl basenc xxd; do
  command -v "$tool" >/dev/null || die "$tool not found"
done
[[ -x $JAVA ]] || die "no java at $JAVA (set JAVA_HOME to a JDK >= 21)"
[[ -f $JAR ]] || die "no gateway jar at $JAR; build it: ./mvnw -q -B -f gateway/pom.xml -DskipTests package"
# The floor runs on exactly the Vert.x core, Netty and jackson-core jars the gateway ships.
shopt -s nullglob
floor_jars=("$GATEWAY_APP_DIR"/lib/main/io.vertx.vertx-core-*.jar "$GATEWAY_APP_DIR"/lib/main/io.netty.netty-*.jar
  "$GATEWAY_APP_DIR"/lib/main/com.fasterxml.jackson.core.jackson-core-*.jar)
shopt -u nullglob
[[ ${#floor_jars[@]} -ge 3 && ${floor_jars[0]} == *vertx-core* ]] || die "no vertx-core/netty jars in $GATEWAY_APP_DIR/lib/main"
FLOOR_CP=$(IFS=:; echo "${floor_jars[*]}")
(( $(nproc) >= 2 )) || die "needs at least 2 cores (proxy on core $PROXY_CPU, load on core $LOAD_CPU)"
for port in $(seq "$BASE_PORT" $((BASE_PORT + 7))); do
  if ss -Hltn "sport = :$port" | grep -q .; then die "port $port is in use; set BASE_PORT"; fi
done

mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/bazaar-bench-gw.XXXXXX)
chmod 755 "$WORK"
STARTED_PIDS=()

cleanup() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop_pid() {
  local pid=$1
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 75); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
}

http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }

wait_ready() { # url timeout_s
  local url=$1 deadline=$((SECONDS + $2))
  while (( SECONDS < deadline )); do
    [[ $(http_status "$url") == 200 ]] && return 0
    sleep 0.25
  done
  return 1
}

# ---------------------------------------------------------------------------------------------
# Machine facts
# ---------------------------------------------------------------------------------------------
{
  echo "date_utc: $(date -u +%FT%TZ)"
  echo "host_nproc: $(nproc)"
  echo "cpu_model: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "kernel: $(uname -r)"
  echo "loadavg_start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "nginx: $(nginx -v 2>&1 | sed 's/^nginx version: //')"
  echo "wrk: $(wrk -v 2>&1 | head -1)"
  echo "java: $("$JAVA" -version 2>&1 | head -1)"
  echo "gateway_commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "gateway_app_dir: $GATEWAY_APP_DIR"
  echo "floor_classpath: $(for j in "${floor_jars[@]}"; do basename "$j"; done | tr '\n' ' ')"
  echo "wrk_args: -t$THREADS -c$CONNECTIONS -d$DURATION --latency (warm-up $WARMUP), rounds: $ROUNDS"
  echo "pinning: proxies on cpu $PROXY_CPU; wrk + upstream on cpu $LOAD_CPU"
  echo "gateway_jvm_opts: $GATEWAY_JVM_OPTS"
} >"$OUT/machine.txt"
log "results in $OUT"

# ---------------------------------------------------------------------------------------------
# JWT fixture: RSA key pair, JWKS (served by the upstream nginx), one signed RS256 token
# ---------------------------------------------------------------------------------------------
b64url() { basenc --base64url -w0 | tr -d '='; }
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/jwt.key" 2>/dev/null
JWT_KID=bench-$(date +%s)
JWT_N=$(openssl rsa -in "$WORK/jwt.key" -noout -modulus | cut -d= -f2 | xxd -r -p | b64url)
mkdir -p "$WORK/static/.well-known"
printf '{"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"%s","n":"%s","e":"AQAB"}]}\n' \
  "$JWT_KID" "$JWT_N" >"$WORK/static/.well-known/jwks.json"
now=$(date +%s)
jwt_header=$(printf '{"alg":"RS256","typ":"JWT","kid":"%s"}' "$JWT_KID" | b64url)
jwt_payload=$(printf '{"iss":"%s","aud":"%s","sub":"bench-user","groups":["customer"],"iat":%d,"exp":%d}' \
  "$JWT_ISSUER" "$JWT_AUDIENCE" "$now" $((now + 3600)) | b64url)
jwt_signature=$(printf '%s.%s' "$jwt_header" "$jwt_payload" | openssl dgst -sha256 -sign "$WORK/jwt.key" -binary | b64url)
TOKEN="$jwt_header.$jwt_payload.$jwt_signature"
# Same claims, signature of another key: a verifying gateway must refuse it.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/other.key" 2>/dev/null
BAD_TOKEN="$jwt_header.$jwt_payload.$(printf '%s.%s' "$jwt_header" "$jwt_payload" | openssl dgst -sha256 -sign "$WORK/other.key" -binary | b64url)"
JWKS_URL=http://127.0.0.1:$UP_PORT/.well-known/jwks.json

# ---------------------------------------------------------------------------------------------
# The fixed upstream: nginx, 1 worker on the load core, a constant 100-byte body for any path
# ---------------------------------------------------------------------------------------------
BODY=$(printf 'bazaar-bench-%087d' 0)   # 13 + 87 = 100 bytes, no newline
nginx_common() { # dir
  local dir=$1 user_line=""
  [[ $EUID -eq 0 ]] && user_line="user root;"
  mkdir -p "$dir"
  cat <<EOF
$user_line
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
EOF
}
nginx_http_common() { # dir
  cat <<EOF
  access_log off;
  keepalive_timeout 120s;
  keepalive_requests 10000000;
  client_body_temp_path $1/client_body;
  proxy_temp_path $1/proxy;
  fastcgi_temp_path $1/fastcgi;
  uwsgi_temp_path $1/uwsgi;
  scgi_temp_path $1/scgi;
EOF
}

{
  nginx_common "$WORK/upstream"
  echo "http {"
  nginx_http_common "$WORK/upstream"
  cat <<EOF
  server {
    listen 127.0.0.1:$UP_PORT;
    location = /.well-known/jwks.json { root $WORK/static; default_type application/json; }
    location / { default_type text/plain; return 200 "$BODY"; }
  }
}
EOF
} >"$WORK/upstream.conf"

{
  nginx_common "$WORK/proxy"
  echo "http {"
  nginx_http_common "$WORK/proxy"
  cat <<EOF
  upstream bench_upstream {
    server 127.0.0.1:$UP_PORT;
    keepalive 64;
    keepalive_requests 10000000;
    keepalive_timeout 120s;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://bench_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
EOF
} >"$WORK/proxy.conf"
cp "$WORK/upstream.conf" "$OUT/nginx-upstream.conf"
cp "$WORK/proxy.conf" "$OUT/nginx-proxy.conf"

log "starting upstream nginx on :$UP_PORT (cpu $LOAD_CPU)"
taskset -c "$LOAD_CPU" nginx -p "$WORK/upstream" -c "$WORK/upstream.conf" >"$WORK/upstream.out" 2>&1 &
UP_PID=$!; STARTED_PIDS+=("$UP_PID")
log "starting nginx reverse proxy on :$NGINX_PORT (cpu $PROXY_CPU)"
taskset -c "$PROXY_CPU" nginx -p "$WORK/proxy" -c "$WORK/proxy.conf" >"$WORK/proxy.out" 2>&1 &
NGINX_PID=$!; STARTED_PIDS+=("$NGINX_PID")
wait_ready "http://127.0.0.1:$UP_PORT$REQUEST_PATH" 10 || die "upstream nginx did not start: $(cat "$WORK/upstream.out" "$WORK/upstream/error.log" 2>/dev/null)"
wait_ready "http://127.0.0.1:$NGINX_PORT$REQUEST_PATH" 10 || die "nginx proxy did not start: $(cat "$WORK/proxy.out" "$WORK/proxy/error.log" 2>/dev/null)"
body_len=$(curl -s "http://127.0.0.1:$UP_PORT$REQUEST_PATH" | wc -c)
[[ $body_len == 100 ]] || die "upstream body is $body_len bytes, expected 100"

# ---------------------------------------------------------------------------------------------
# Gateways
# ---------------------------------------------------------------------------------------------
# start_gateway NAME PORT "JVM OPTS" [ENV=VALUE ...]; sets GW_PID, returns 1 if it never got ready
start_gateway() {
  local name=$1 port=$2 opts=$3; shift 3
  # The proxy is measured, not the response cache; and the plain variants run without the
  # default rate limit (one load generator is one client), the JWT variant with a generous one.
  opts="$opts -Dbazaar.gateway.routes.products.cache=none"
  [[ " $* " == *" $AUTH_POLICY_ENV="* ]] || opts="$opts -Dbazaar.gateway.default-rate-limit=none"
  # shellcheck disable=SC2086
  env QUARKUS_HTTP_PORT="$port" BAZAAR_GATEWAY_UPSTREAM_CATALOG="http://127.0.0.1:$UP_PORT" "$@" \
    taskset -c "$PROXY_CPU" "$JAVA" $GATEWAY_JVM_OPTS $opts -jar "$JAR" >"$WORK/$name.out" 2>&1 &
  GW_PID=$!; STARTED_PIDS+=("$GW_PID")
  if ! wait_ready "http://127.0.0.1:$port/q/health/ready" 60 || ! kill -0 "$GW_PID" 2>/dev/null; then
    head -c 20000 "$WORK/$name.out" >"$OUT/$name-startup.log"
    stop_pid "$GW_PID"
    return 1
  fi
}

ACCESS_LOG_OFF='-Dquarkus.log.category."bazaar.access".level=WARN'

# The floor: a bare Vert.x core proxy, same core, same JVM options, no features.
log "starting floor proxy (bare Vert.x core) on :$FLOOR_PORT"
# shellcheck disable=SC2086
taskset -c "$PROXY_CPU" "$JAVA" $GATEWAY_JVM_OPTS -cp "$FLOOR_CP" "$FLOOR_SRC" "$FLOOR_PORT" 127.0.0.1 "$UP_PORT" \
  >"$WORK/vertx-floor.out" 2>&1 &
FLOOR_PID=$!; STARTED_PIDS+=("$FLOOR_PID")
if ! wait_ready "http://127.0.0.1:$FLOOR_PORT$REQUEST_PATH" 60 || ! kill -0 "$FLOOR_PID" 2>/dev/null; then
  head -c 20000 "$WORK/vertx-floor.out" >"$OUT/vertx-floor-startup.log"
  die "floor proxy did not start, see $OUT/vertx-floor-startup.log"
fi

log "starting gateway (default config, access log on) on :$GW_PLAIN_PORT"
start_gateway gw-plain "$GW_PLAIN_PORT" "" || die "gateway did not start, see $OUT/gw-plain-startup.log"
GW_PLAIN_PID=$GW_PID
log "starting gateway (access log off) on :$GW_NOLOG_PORT"
start_gateway gw-nolog "$GW_NOLOG_PORT" "$ACCESS_LOG_OFF" || die "gateway did not start, see $OUT/gw-nolog-startup.log"
GW_NOLOG_PID=$GW_PID
GW_TUNED_PID=""
if [[ -n $GW_TUNED_OPTS ]]; then
  log "starting gateway (tuned: $GW_TUNED_OPTS) on :$GW_TUNED_PORT"
  start_gateway gw-tuned "$GW_TUNED_PORT" "$GW_TUNED_OPTS" || die "tuned gateway did not start, see $OUT/gw-tuned-startup.log"
  GW_TUNED_PID=$GW_PID
fi

# Tracing on (docs/tracing.md): every request sampled (the default ratio 1.0), its spans exported
# in Zipkin's format to the upstream nginx, which answers 200 and drops them; the gateway pays for
# making, batching, encoding and sending its spans.
log "starting gateway (tracing on, every request sampled) on :$GW_TRACING_PORT"
start_gateway gw-tracing "$GW_TRACING_PORT" "" \
  "BAZAAR_TRACING_ZIPKIN_ENDPOINT=http://127.0.0.1:$UP_PORT/api/v2/spans" \
  || die "tracing gateway did not start, see $OUT/gw-tracing-startup.log"
GW_TRACING_PID=$GW_PID

jwt_env() { # rate-limit requests, period
  local name
  for name in "${JWKS_URL_ENVS[@]}"; do printf '%s\n' "$name=$JWKS_URL"; done
  printf '%s\n' "$JWT_ISSUER_ENV=$JWT_ISSUER" "$JWT_AUDIENCE_ENV=$JWT_AUDIENCE" \
    "$AUTH_POLICY_ENV=$AUTH_POLICY_VALUE" "$RATE_LIMIT_REQUESTS_ENV=$1" "$RATE_LIMIT_PERIOD_ENV=$2"
}

# The JWT + rate-limit variant runs only when the gateway demonstrably verifies tokens.
JWT_STATUS=""       # empty: supported; otherwise the reason it is n/a
RL_STATUS=""
mapfile -t JWT_BENCH_ENV < <(jwt_env "${RATE_LIMIT_BENCH[@]}")
log "starting gateway (JWT + rate limit) on :$GW_JWT_PORT"
if start_gateway gw-jwt-rl "$GW_JWT_PORT" "" "${JWT_BENCH_ENV[@]}"; then
  GW_JWT_PID=$GW_PID
  url=http://127.0.0.1:$GW_JWT_PORT$REQUEST_PATH
  no_token=$(http_status "$url")
  bad_token=$(http_status -H "Authorization: Bearer $BAD_TOKEN" "$url")
  good_token=$(http_status -H "Authorization: Bearer $TOKEN" "$url")
  echo "no token: $no_token, wrong-key token: $bad_token, valid token: $good_token" >"$OUT/jwt-probe.txt"
  if [[ $no_token != 401 || $bad_token != 401 ]]; then
    JWT_STATUS="gateway lacks feature: answered $no_token without a token and $bad_token with a wrong-key token"
  elif [[ $good_token != 200 ]]; then
    JWT_STATUS="valid bench token refused ($good_token): align the JWT settings at the top of run.sh"
  fi
  if [[ -n $JWT_STATUS ]]; then
    stop_pid "$GW_JWT_PID"; GW_JWT_PID=""
  fi
else
  GW_JWT_PID=""
  JWT_STATUS="gateway lacks feature: did not start with the JWT/rate-limit settings (see gw-jwt-rl-startup.log)"
fi
if [[ -z $JWT_STATUS ]]; then
  # A separate instance with a tiny limit proves the limiter is really configured.
  mapfile -t probe_env < <(jwt_env "${RATE_LIMIT_PROBE[@]}")
  if start_gateway gw-rl-probe "$GW_AUX_PORT" "" "${probe_env[@]}"; then
    codes=""
    for _ in $(seq $((RATE_LIMIT_PROBE[0] + 3))); do
      codes+="$(http_status -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$GW_AUX_PORT$REQUEST_PATH") "
    done
    echo "rate-limit probe (limit ${RATE_LIMIT_PROBE[*]}): $codes" >>"$OUT/jwt-probe.txt"
    [[ $codes == *429* ]] || RL_STATUS="rate limiting not applied (no 429 with a limit of ${RATE_LIMIT_PROBE[*]})"
    stop_pid "$GW_PID"
  else
    RL_STATUS="rate limiting not applied (probe instance did not start)"
  fi
fi
[[ -n $JWT_STATUS ]] && log "JWT + rate-limit variant: n/a ($JWT_STATUS)"
[[ -n $RL_STATUS ]] && log "JWT variant: $RL_STATUS"

# ---------------------------------------------------------------------------------------------
# Targets: name | url | auth header | pids whose CPU time is the proxy's cost
# ---------------------------------------------------------------------------------------------
TARGETS=(direct nginx vertx-floor gw-plain gw-nolog gw-tracing)
declare -A URL LABEL AUTH CPU_PIDS
URL[direct]=http://127.0.0.1:$UP_PORT$REQUEST_PATH;       LABEL[direct]="direct to upstream"
URL[nginx]=http://127.0.0.1:$NGINX_PORT$REQUEST_PATH;     LABEL[nginx]="nginx reverse proxy"
URL[vertx-floor]=http://127.0.0.1:$FLOOR_PORT$REQUEST_PATH; LABEL[vertx-floor]="floor: bare Vert.x 4.5 core proxy (no features)"
URL[gw-plain]=http://127.0.0.1:$GW_PLAIN_PORT$REQUEST_PATH; LABEL[gw-plain]="gateway, plain routing (access log on, default)"
URL[gw-nolog]=http://127.0.0.1:$GW_NOLOG_PORT$REQUEST_PATH; LABEL[gw-nolog]="gateway, plain routing, access log off"
URL[gw-jwt-rl]=http://127.0.0.1:$GW_JWT_PORT$REQUEST_PATH; LABEL[gw-jwt-rl]="gateway, JWT + rate limiting (access log on)"
[[ -n $RL_STATUS ]] && LABEL[gw-jwt-rl]="gateway, JWT only — $RL_STATUS"
URL[gw-tuned]=http://127.0.0.1:$GW_TUNED_PORT$REQUEST_PATH; LABEL[gw-tuned]="gateway, plain routing, access log on, \`$GW_TUNED_OPTS\`"
CPU_PIDS[gw-tuned]=$GW_TUNED_PID
URL[gw-tracing]=http://127.0.0.1:$GW_TRACING_PORT$REQUEST_PATH; LABEL[gw-tracing]="gateway, plain routing, access log on, tracing on (every request, Zipkin export)"
CPU_PIDS[gw-tracing]=$GW_TRACING_PID
[[ -n $GW_TUNED_OPTS ]] && TARGETS+=(gw-tuned)
CPU_PIDS[direct]=""
CPU_PIDS[nginx]="$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"
CPU_PIDS[vertx-floor]=$FLOOR_PID
CPU_PIDS[gw-plain]=$GW_PLAIN_PID
CPU_PIDS[gw-nolog]=$GW_NOLOG_PID
if [[ -z $JWT_STATUS ]]; then
  TARGETS+=(gw-jwt-rl)
  AUTH[gw-jwt-rl]="Authorization: Bearer $TOKEN"
  CPU_PIDS[gw-jwt-rl]=$GW_JWT_PID
fi

for t in "${TARGETS[@]}"; do
  hdr=()
  [[ -n ${AUTH[$t]:-} ]] && hdr=(-H "${AUTH[$t]}")
  code=$(http_status "${hdr[@]}" "${URL[$t]}")
  [[ $code == 200 ]] || die "$t answered $code for ${URL[$t]}"
done

cpu_ticks() { # pids... -> utime stime (clock ticks, whole process)
  local pid u=0 s=0 f
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] || continue
    # Fields after the ") " that ends the command name: utime is the 12th, stime the 13th.
    f=$(sed 's/^.*) //' "/proc/$pid/stat")
    read -r -a a <<<"$f"
    u=$((u + a[11])); s=$((s + a[12]))
  done
  echo "$u $s"
}

# pids... -> syscr syscw: read- and write-family syscalls of the whole process (/proc/<pid>/io;
# read/readv/pread and write/writev/pwrite/sendfile, not recv*/send*, epoll or futex).
syscalls() {
  local pid r=0 w=0
  for pid in "$@"; do
    [[ -r /proc/$pid/io ]] || continue
    r=$((r + $(awk '$1 == "syscr:" {print $2}' "/proc/$pid/io")))
    w=$((w + $(awk '$1 == "syscw:" {print $2}' "/proc/$pid/io")))
  done
  echo "$r $w"
}

vol_ctxt_switches() { # pids... -> voluntary context switches summed over their live threads
  local pid n=0
  for pid in "$@"; do
    [[ -d /proc/$pid/task ]] || continue
    n=$((n + $(cat "/proc/$pid"/task/*/status 2>/dev/null | awk '$1 == "voluntary_ctxt_switches:" {n += $2} END {print n + 0}')))
  done
  echo "$n"
}

run_wrk() { # target duration outfile
  local t=$1 d=$2 outfile=$3 hdr=() pids before after sc_before sc_after vcs_before vcs_after
  [[ -n ${AUTH[$t]:-} ]] && hdr=(-H "${AUTH[$t]}")
  read -r -a pids <<<"${CPU_PIDS[$t]}"
  before=$(cpu_ticks "${pids[@]}"); sc_before=$(syscalls "${pids[@]}"); vcs_before=$(vol_ctxt_switches "${pids[@]}")
  {
    echo "# target: $t (${LABEL[$t]})"
    echo "# url: ${URL[$t]}"
    echo "# proxy_pids: ${CPU_PIDS[$t]}"
    echo "# loadavg_before: $(cut -d' ' -f1-3 /proc/loadavg)"
    taskset -c "$LOAD_CPU" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$d" --latency "${hdr[@]}" "${URL[$t]}"
    after=$(cpu_ticks "${pids[@]}"); sc_after=$(syscalls "${pids[@]}"); vcs_after=$(vol_ctxt_switches "${pids[@]}")
    echo "# cpu_ticks_before_utime_stime: $before"
    echo "# cpu_ticks_after_utime_stime: $after"
    echo "# syscalls_before_syscr_syscw: $sc_before"
    echo "# syscalls_after_syscr_syscw: $sc_after"
    echo "# voluntary_ctxt_switches_before: $vcs_before"
    echo "# voluntary_ctxt_switches_after: $vcs_after"
    echo "# clk_tck: $(getconf CLK_TCK)"
    echo "# loadavg_after: $(cut -d' ' -f1-3 /proc/loadavg)"
  } >"$outfile" 2>&1
}

log "warm-up: $WARMUP per target"
mkdir -p "$OUT/warmup"
for t in "${TARGETS[@]}"; do run_wrk "$t" "$WARMUP" "$OUT/warmup/$t.txt"; done

for r in $(seq "$ROUNDS"); do
  log "round $r/$ROUNDS ($DURATION per target; load $(cut -d' ' -f1 /proc/loadavg))"
  for t in "${TARGETS[@]}"; do run_wrk "$t" "$DURATION" "$OUT/round$r-$t.txt"; done
done
echo "loadavg_end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"

# Access-log evidence: size and a sample line (the log itself is not kept).
{
  echo "gw-plain stdout: $(wc -l <"$WORK/gw-plain.out") lines, $(wc -c <"$WORK/gw-plain.out") bytes"
  echo "gw-nolog stdout: $(wc -l <"$WORK/gw-nolog.out") lines, $(wc -c <"$WORK/gw-nolog.out") bytes"
  echo "vertx-floor stdout+stderr: $(wc -l <"$WORK/vertx-floor.out") lines, $(wc -c <"$WORK/vertx-floor.out") bytes (startup lines only expected)"
  [[ -n $GW_TUNED_PID ]] && echo "gw-tuned stdout: $(wc -l <"$WORK/gw-tuned.out") lines, $(wc -c <"$WORK/gw-tuned.out") bytes"
  echo "sample access-log line:"
  grep -m1 'bazaar.access' "$WORK/gw-plain.out" || true
} >"$OUT/access-log.txt"
cp "$WORK/vertx-floor.out" "$OUT/vertx-floor.log"

# ---------------------------------------------------------------------------------------------
# Summary: medians over rounds, ratios to nginx
# ---------------------------------------------------------------------------------------------
to_ms() { # 1.23ms | 456.00us | 1.2s -> ms
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else printf "nan" }'
}
# file -> "rps p50 p99 non2xx errors cpu_us_per_req usr_us_per_req sys_us_per_req
#          syscalls_per_req syscr_per_req syscw_per_req vol_ctxt_switches_per_req"
parse() {
  local f=$1 rps p50 p99 non2xx errors requests cpu counts
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$f")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$f")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$f")")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$f"); non2xx=${non2xx:-0}
  errors=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$f"); errors=${errors:-0}
  requests=$(awk '/requests in/ {print $1}' "$f")
  cpu=$(awk -v n="${requests:-0}" '
    /^# cpu_ticks_before/ {bu = $3; bs = $4} /^# cpu_ticks_after/ {au = $3; as = $4} /^# clk_tck/ {hz = $3}
    END {
      k = 1e6 / hz / n
      if (n > 0 && au + as > bu + bs) printf "%.1f %.1f %.1f", (au + as - bu - bs) * k, (au - bu) * k, (as - bs) * k
      else printf "- - -" }' "$f")
  counts=$(awk -v n="${requests:-0}" '
    /^# proxy_pids:/ {pids = NF - 2}
    /^# syscalls_before/ {br = $3; bw = $4} /^# syscalls_after/ {ar = $3; aw = $4}
    /^# voluntary_ctxt_switches_before/ {bv = $3} /^# voluntary_ctxt_switches_after/ {av = $3}
    END {
      if (n > 0 && pids > 0 && ar != "") printf "%.2f %.2f %.2f %.2f", (ar + aw - br - bw) / n, (ar - br) / n, (aw - bw) / n, (av - bv) / n
      else printf "- - - -" }' "$f")
  echo "${rps:-0} $p50 $p99 $non2xx $errors $cpu $counts"
}
median() { sort -g | awk '{v[NR] = $1} END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A RPS P50 P99 RANGE CPU CPU_USR CPU_SYS SYSC SYSC_R SYSC_W VCS BAD
for t in "${TARGETS[@]}"; do
  rows=()
  for r in $(seq "$ROUNDS"); do rows+=("$(parse "$OUT/round$r-$t.txt")"); done
  RPS[$t]=$(printf '%s\n' "${rows[@]}" | awk '{print $1}' | median)
  P50[$t]=$(printf '%s\n' "${rows[@]}" | awk '{print $2}' | median)
  P99[$t]=$(printf '%s\n' "${rows[@]}" | awk '{print $3}' | median)
  CPU[$t]=$(printf '%s\n' "${rows[@]}" | awk '$6 != "-" {print $6}' | median)
  CPU_USR[$t]=$(printf '%s\n' "${rows[@]}" | awk '$7 != "-" {print $7}' | median)
  CPU_SYS[$t]=$(printf '%s\n' "${rows[@]}" | awk '$8 != "-" {print $8}' | median)
  SYSC[$t]=$(printf '%s\n' "${rows[@]}" | awk '$9 != "-" {print $9}' | median)
  SYSC_R[$t]=$(printf '%s\n' "${rows[@]}" | awk '$10 != "-" {print $10}' | median)
  SYSC_W[$t]=$(printf '%s\n' "${rows[@]}" | awk '$11 != "-" {print $11}' | median)
  VCS[$t]=$(printf '%s\n' "${rows[@]}" | awk '$12 != "-" {print $12}' | median)
  RANGE[$t]=$(printf '%s\n' "${rows[@]}" | awk 'NR == 1 {lo = hi = $1} {if ($1 < lo) lo = $1; if ($1 > hi) hi = $1} END {printf "%.0fk–%.0fk", lo / 1000, hi / 1000}')
  BAD[$t]=$(printf '%s\n' "${rows[@]}" | awk '{n += $4; e += $5} END {if (n + e > 0) printf "%d non-2xx, %d socket errors", n, e}')
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a == a + 0) printf "%.2fx", a / b; else printf "-" }'; }
{
  echo "| target | req/s (median; range) | p50 ms | p99 ms | req/s vs nginx | p99 vs nginx | proxy CPU µs/req (usr + sys) | syscalls/req (r + w) | voluntary ctx switches/req |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for t in direct nginx vertx-floor gw-plain gw-nolog gw-tracing ${GW_TUNED_PID:+gw-tuned} gw-jwt-rl; do
    if [[ $t == gw-jwt-rl && -n $JWT_STATUS ]]; then
      echo "| ${LABEL[$t]} | n/a (gateway lacks feature) | n/a | n/a | n/a | n/a | n/a | n/a | n/a |"
      continue
    fi
    note=""; [[ -n ${BAD[$t]} ]] && note=" **(invalid: ${BAD[$t]})**"
    cpu="${CPU[$t]} (${CPU_USR[$t]} + ${CPU_SYS[$t]})"; [[ ${CPU[$t]} == nan ]] && cpu="–"
    sysc=$(awk -v a="${SYSC[$t]}" -v r="${SYSC_R[$t]}" -v w="${SYSC_W[$t]}" 'BEGIN {
      if (a == "nan") print "–"; else printf "%.1f (%.1f + %.1f)", a, r, w }')
    vcs=$(awk -v v="${VCS[$t]}" 'BEGIN { if (v == "nan") print "–"; else printf "%.2f", v }')
    printf '| %s%s | %.0f (%s) | %.2f | %.2f | %s | %s | %s | %s | %s |\n' "${LABEL[$t]}" "$note" "${RPS[$t]}" "${RANGE[$t]}" \
      "${P50[$t]}" "${P99[$t]}" "$(ratio "${RPS[$t]}" "${RPS[nginx]}")" "$(ratio "${P99[$t]}" "${P99[nginx]}")" "$cpu" "$sysc" "$vcs"
  done
  echo
  echo "syscalls/req: syscr + syscw from /proc/<pid>/io, read/write-family calls only (not recv*/send*/epoll);"
  echo "nginx reads its sockets with recv(), so its r reads 0. See bench/README.md."
  echo
  if [[ -n $JWT_STATUS ]]; then
    echo "Target (gateway with JWT + rate limiting >= 1.0x nginx req/s, p99 <= 1.5x nginx): **n/a** — $JWT_STATUS."
  else
    verdict=$(awk -v g="${RPS[gw-jwt-rl]}" -v n="${RPS[nginx]}" -v gp="${P99[gw-jwt-rl]}" -v np="${P99[nginx]}" \
      'BEGIN { print (g >= n && gp <= 1.5 * np) ? "MET" : "NOT MET" }')
    [[ -n $RL_STATUS ]] && verdict="$verdict (but $RL_STATUS)"
    echo "Target (gateway with JWT + rate limiting >= 1.0x nginx req/s, p99 <= 1.5x nginx): **$verdict**."
  fi
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(grep loadavg_start "$OUT/machine.txt"); $(grep loadavg_end "$OUT/machine.txt")."
} | tee "$OUT/summary.md"

# ---------------------------------------------------------------------------------------------
# Profile: JFR on a fresh gateway instance (PROFILE_VARIANT, access log on) under the same load
# ---------------------------------------------------------------------------------------------
if [[ $PROFILE == 1 ]]; then
  stop_pid "$GW_NOLOG_PID"; stop_pid "$GW_TRACING_PID"; stop_pid "$FLOOR_PID"; [[ -n ${GW_JWT_PID:-} ]] && stop_pid "$GW_JWT_PID"; [[ -n $GW_TUNED_PID ]] && stop_pid "$GW_TUNED_PID"
  JFR_FILE=$WORK/gateway.jfr
  log "profiling gateway with JFR ($PROFILE_DURATION under load after $PROFILE_WARMUP warm-up)"
  profile_env=()
  if [[ $PROFILE_VARIANT == jwt && -n ${AUTH[gw-jwt-rl]:-} ]]; then
    profile_env=("${JWT_BENCH_ENV[@]}")
    AUTH[gw-profile]=${AUTH[gw-jwt-rl]}
  fi
  echo "profiled variant: ${PROFILE_VARIANT} (${#profile_env[@]} extra settings)" >"$OUT/profile-variant.txt"
  if start_gateway gw-profile "$GW_AUX_PORT" "" "${profile_env[@]}"; then
    PROFILE_PID=$GW_PID
    URL[gw-profile]=http://127.0.0.1:$GW_AUX_PORT$REQUEST_PATH; LABEL[gw-profile]="gateway under JFR"
    CPU_PIDS[gw-profile]=$PROFILE_PID
    run_wrk gw-profile "$PROFILE_WARMUP" "$OUT/profile-warmup.txt"
    # The recording covers only the measured window. JDK 25 adds CPU-time sampling
    # (jdk.CPUTimeSample, Linux), which also sees time spent in native code; older JDKs ignore it.
    "$JAVA_HOME/bin/jcmd" "$PROFILE_PID" JFR.start name=bench settings=profile \
      'jdk.CPUTimeSample#enabled=true' 'jdk.CPUTimeSample#throttle=5ms' >"$OUT/jfr-start.txt" 2>&1
    grep -q 'Started recording' "$OUT/jfr-start.txt" \
      || "$JAVA_HOME/bin/jcmd" "$PROFILE_PID" JFR.start name=bench settings=profile >>"$OUT/jfr-start.txt" 2>&1
    run_wrk gw-profile "$PROFILE_DURATION" "$OUT/profile-run.txt"
    "$JAVA_HOME/bin/jcmd" "$PROFILE_PID" JFR.stop name=bench filename="$JFR_FILE" >>"$OUT/jfr-start.txt" 2>&1
    stop_pid "$PROFILE_PID"
    "$(dirname "$0")/jfr-summary.sh" "$JFR_FILE" >"$OUT/profile.txt" 2>&1 || log "jfr summary failed, see $OUT/profile.txt"
    cp "$JFR_FILE" "$OUT/gateway.jfr"
    log "profile summary: $OUT/profile.txt"
  else
    log "profiling gateway did not start"
  fi
fi
log "done: $OUT"
