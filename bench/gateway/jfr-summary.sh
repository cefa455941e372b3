#!/usr/bin/env bash
# Summarises where a JFR recording's CPU samples go: top self frames, top inclusive frames and a few
# gateway-specific buckets. Usage: bench/gateway/jfr-summary.sh recording.jfr
set -euo pipefail
FILE=$1
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JFR=${JFR:-$JAVA_HOME/bin/jfr}
TOP=${TOP:-25}

# Inclusive buckets: label|regex over a frame; a sample counts once per bucket if any of its frames
# matches. Nested work is counted by every bucket on the way (the filter chain calls the next
# filter, so "correlation" includes routing and the forwarder): read them as "under".
INCLUSIVE=(
  'access log (AccessLog.log)|dev\.bazaar\.gateway\.accesslog\.AccessLog\.log'
  'request pipeline (GatewayRouter.handle)|dev\.bazaar\.gateway\.GatewayRouter\.handle'
  'response relay (ProxyCall.onResponse and its handlers)|dev\.bazaar\.gateway\.pipeline\.ProxyCall\.(onResponse|lambda$onResponse)'
  'Vert.x Web router (RouterImpl.handle)|io\.vertx\.ext\.web\.impl\.RouterImpl\.handle'
  'cross-thread tasks (SingleThreadEventExecutor.runAllTasks)|SingleThreadEventExecutor\.runAllTasks'
)
# Owner buckets: each sample goes to the first bucket whose regex matches a frame, walking from the
# top of the stack down, so the innermost recognisable layer owns it (the buckets partition samples).
OWNER=(
  'socket read/write syscalls|sun\.nio\.ch\.(SocketDispatcher|IOUtil|SocketChannelImpl\.(read|write))|io\.netty\.channel\.(epoll|unix)\.(Native|FileDescriptor|Socket)'
  'event-loop wait/wakeup (epoll, selector)|sun\.nio\.ch\.(EPoll|SelectorImpl)|EpollEventLoop\.epollWait|NioEventLoop\.(select|wakeup)'
  'log: console write|java\.io\.(PrintStream|FileOutputStream|BufferedOutputStream|OutputStreamWriter)|sun\.nio\.cs\.StreamEncoder'
  'log: JSON formatting|io\.quarkus\.logging\.json\.|org\.jboss\.logmanager\.formatters\.|org\.eclipse\.parsson\.'
  'log: LogManager (MDC copy, handlers)|org\.jboss\.logmanager\.|org\.jboss\.logging\.'
  'gateway: access-log entry|dev\.bazaar\.gateway\.accesslog\.'
  'gateway: correlation (ids, traceparent)|dev\.bazaar\.gateway\.correlation\.|CorrelationFilter'
  'gateway: header copying|HopByHopHeaders|ProxyForwarder\.addForwardedHeaders|dev\.bazaar\.gateway\.pipeline\.Exchange\.<init>'
  'gateway: routing|dev\.bazaar\.gateway\.route\.|RoutingFilter|BodyLimitFilter|dev\.bazaar\.gateway\.upstream\.'
  'gateway: proxy call (own code)|dev\.bazaar\.gateway\.'
  'Netty HTTP codec|io\.netty\.handler\.codec\.'
  'Vert.x HTTP client|io\.vertx\.core\.http\.impl\.(HttpClient|Http1xClient|ClientHttp|HttpChannelConnector)|io\.vertx\.core\.net\.impl\.pool\.|io\.vertx\.core\.http\.impl\.(SharedClientHttpStreamEndpoint|ClientHttpEndpoint)'
  'Vert.x HTTP server|io\.vertx\.core\.http\.impl\.(Http1xServer|HttpServer)'
  'Vert.x HTTP headers|io\.vertx\.core\.http\.impl\.headers\.'
  'Vert.x Web router / Quarkus HTTP|io\.vertx\.ext\.web\.|io\.quarkus\.vertx\.http\.'
  'Vert.x core (context, futures, streams)|io\.vertx\.core\.'
  'Netty channel pipeline / buffers / executor|io\.netty\.'
  'JFR itself|jdk\.jfr\.'
)

summarise() { # event-type
  local event=$1
  # Regexes travel through the environment: awk -v would eat their backslashes.
  "$JFR" print --stack-depth 64 --events "$event" "$FILE" | INCLUSIVE_LINES="$(printf '%s\n' "${INCLUSIVE[@]}")" OWNER_LINES="$(printf '%s\n' "${OWNER[@]}")" \
    awk -v top="$TOP" -v event="$event" '
    function flush(   i, f, seen, b) {
      if (nframes == 0) return
      samples++
      self[frames[1]]++
      thread[tname]++
      delete seen
      for (i = 1; i <= nframes; i++) {
        f = frames[i]
        if (!(f in seen)) { seen[f] = 1; incl[f]++ }
      }
      for (b = 1; b <= nb; b++) {
        for (i = 1; i <= nframes; i++) if (frames[i] ~ bre[b]) { bcount[b]++; break }
      }
      owner = 0
      for (i = 1; i <= nframes && !owner; i++)
        for (b = 1; b <= no; b++) if (frames[i] ~ ore[b]) { owner = b; break }
      ocount[owner]++
      nframes = 0
    }
    BEGIN {
      nb = split(ENVIRON["INCLUSIVE_LINES"], lines, "\n")
      for (b = 1; b <= nb; b++) { p = index(lines[b], "|"); blabel[b] = substr(lines[b], 1, p - 1); bre[b] = substr(lines[b], p + 1) }
      no = split(ENVIRON["OWNER_LINES"], lines, "\n")
      for (b = 1; b <= no; b++) { p = index(lines[b], "|"); olabel[b] = substr(lines[b], 1, p - 1); ore[b] = substr(lines[b], p + 1) }
      olabel[0] = "other (JDK, JIT-compiled glue, unrecognised)"
    }
    $1 == event && $2 == "{" { flush(); instack = 0; tname = "?" }
    /^[ \t]*(sampledThread|eventThread) = / { tname = $0; sub(/^[^"]*"/, "", tname); sub(/".*$/, "", tname); gsub(/-[0-9]+$/, "-N", tname) }
    /stackTrace = \[/ { instack = 1; next }
    instack && /^[ \t]*\]/ { instack = 0; next }
    instack {
      f = $0; sub(/^[ \t]+/, "", f); sub(/[ \t]+line:.*$/, "", f)
      if (f == "..." || f == "") next
      frames[++nframes] = f
    }
    END {
      flush()
      if (samples == 0) { print "no " event " samples"; exit }
      printf "== %s: %d samples ==\n\nby thread:\n", event, samples
      for (t in thread) printf "%7.1f%%  %s\n", 100 * thread[t] / samples, t | "sort -rn"
      close("sort -rn")
      printf "\nwhere the time goes (innermost recognisable layer owns the sample; sums to 100%%):\n"
      for (b = 0; b <= no; b++) if (ocount[b]) printf "%7.1f%%  %s\n", 100 * ocount[b] / samples, olabel[b] | "sort -rn"
      close("sort -rn")
      printf "\nunder (inclusive: share of samples with such a frame anywhere on the stack):\n"
      for (b = 1; b <= nb; b++) printf "%7.1f%%  %s\n", 100 * bcount[b] / samples, blabel[b]
      printf "\ntop %d self frames:\n", top
      for (f in self) printf "%7.1f%%  %s\n", 100 * self[f] / samples, f | ("sort -rn | head -" top)
      close("sort -rn | head -" top)
      printf "\ntop %d inclusive frames:\n", top * 2
      for (f in incl) printf "%7.1f%%  %s\n", 100 * incl[f] / samples, f | ("sort -rn | head -" top * 2)
      close("sort -rn | head -" top * 2)
      print ""
    }'
}

summarise jdk.ExecutionSample
if "$JFR" summary "$FILE" | grep -q 'jdk.CPUTimeSample .*[1-9]'; then
  summarise jdk.CPUTimeSample
fi
echo "== jfr view hot-methods =="
"$JFR" view --width 160 hot-methods "$FILE" || true
echo "== jfr view gc-pauses =="
"$JFR" view gc-pauses "$FILE" 2>/dev/null | head -20 || true
echo "== jfr view allocation-by-class =="
"$JFR" view --width 160 allocation-by-class "$FILE" 2>/dev/null | head -25 || true
