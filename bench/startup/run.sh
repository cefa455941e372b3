#!/usr/bin/env bash
# Start-up benchmark: `./bazaar up` to all ready, `down` time, and RSS per process at idle, RUNS times
# each with the AOT cache on and off (BAZAAR_AOT=off). Raw results in $OUT (results/<UTC date>/).
# Run it on a quiet machine: other load shows up in every number.
#
# Knobs: RUNS (5), BASE_PORT (21000; uses +0..+5, +100 broker, +200 PostgreSQL), DATA (a fresh temp
# dir), MODES ("aot noaot"), OUT.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
RUNS="${RUNS:-5}"
B="${BASE_PORT:-21000}"
MODES="${MODES:-aot noaot}"
OUT="${OUT:-$ROOT/bench/startup/results/$(date -u +%Y-%m-%d)}"
DATA="${DATA:-$(mktemp -d /tmp/bazaar-startup-bench.XXXXXX)}"
mkdir -p "$OUT"
RAW="$OUT/raw.tsv"
echo -e "mode\trun\tkind\tready_s\tdown_s\trss_total_mb\tload1" >"$RAW"

"$ROOT/bazaar" build >/dev/null
up_args=(--data-dir "$DATA" --base-port "$B" --broker-port $((B + 100)) --pg-port $((B + 200)))

# Starts `up`, waits for "Bazaar is up", sets READY to its own ready figure and UP_PID to the
# launcher, which it leaves running. (Not in a $(...) subshell: UP_PID must reach stop_up.)
start_up() { # mode log
  local env=()
  [[ "$1" == noaot ]] && env=(BAZAAR_AOT=off)
  env "${env[@]}" "$ROOT/bazaar" up "${up_args[@]}" >"$2" 2>&1 &
  UP_PID=$!
  for _ in $(seq 1 1800); do
    if grep -q "Bazaar is up" "$2"; then
      READY=$(sed -n 's/.*(ready in \([0-9.]*\) s).*/\1/p' "$2")
      return 0
    fi
    kill -0 "$UP_PID" 2>/dev/null || { echo "up failed:" >&2; tail -20 "$2" >&2; return 1; }
    sleep 0.1
  done
  echo "up not ready in 180 s" >&2
  return 1
}

# RSS of every process of the running system (from `status --json`), MB; one line per process.
rss() { # file
  "$ROOT/bazaar" status --json --data-dir "$DATA" | python3 -c '
import json, sys
for i in json.load(sys.stdin):
    try:
        kb = int([l for l in open("/proc/%d/status" % i["pid"]) if l.startswith("VmRSS")][0].split()[1])
    except Exception:
        kb = 0
    print("%s\t%.0f" % (i["instance"], kb / 1024))' >"$1"
  awk -F'\t' '{ s += $2 } END { print s }' "$1"
}

# Stop as Ctrl-C does, and the time until every process of the system is gone.
stop_up() { # pids-file -> seconds
  local t0 t1 pids
  pids="$(cut -f1 "$1")"
  t0=$(date +%s.%N)
  # SIGTERM takes the launcher's Ctrl-C path (the same shutdown hook). SIGINT itself would be
  # ignored: a non-interactive shell starts background jobs with SIGINT ignored.
  kill -TERM "$UP_PID"
  while :; do
    local alive=0
    for p in $pids; do kill -0 "$p" 2>/dev/null && alive=1; done
    [[ $alive == 0 ]] && break
    sleep 0.05
  done
  t1=$(date +%s.%N)
  wait "$UP_PID" 2>/dev/null || true
  echo "$t1 - $t0" | bc
}

pids_of() { "$ROOT/bazaar" status --json --data-dir "$DATA" | python3 -c '
import json, sys
for i in json.load(sys.stdin): print(i["pid"])' >"$1"; }

for mode in $MODES; do
  rm -rf "$DATA" && mkdir -p "$DATA"
  # The first up of a data dir is the cold kind (initdb, new broker store) and, with AOT on, the
  # training run of this build; a stop writes the caches. Then RUNS warm ups.
  for run in $(seq 0 "$RUNS"); do
    kind=warm
    [[ $run == 0 ]] && kind=first
    log="$OUT/$mode-$run.log"
    start_up "$mode" "$log"
    ready=$READY
    sleep 5 # idle
    total=$(rss "$OUT/$mode-$run.rss")
    pids_of "$OUT/$mode-$run.pids"
    down=$(stop_up "$OUT/$mode-$run.pids")
    load=$(cut -d' ' -f1 /proc/loadavg)
    echo -e "$mode\t$run\t$kind\t$ready\t$down\t$total\t$load" | tee -a "$RAW"
  done
done

python3 - "$RAW" <<'PY' | tee "$OUT/summary.txt"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
print("mode   kind   n  ready median/max (s)  down median/max (s)  RSS total median (MB)  load1 median")
for mode in dict.fromkeys(r["mode"] for r in rows):
    for kind in ("first", "warm"):
        sel = [r for r in rows if r["mode"] == mode and r["kind"] == kind]
        if not sel:
            continue
        f = lambda k: [float(r[k]) for r in sel]
        print(f"{mode:6s} {kind:6s} {len(sel)}  {statistics.median(f('ready_s')):6.1f} / {max(f('ready_s')):5.1f}"
              f"       {statistics.median(f('down_s')):5.2f} / {max(f('down_s')):5.2f}"
              f"        {statistics.median(f('rss_total_mb')):6.0f}               {statistics.median(f('load1')):5.1f}")
PY
rm -rf "$DATA"
