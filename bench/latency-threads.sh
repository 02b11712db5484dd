#!/usr/bin/env bash
# Where the set phase's tail comes from (issue #12): bench/latency.sh's set phase against Cinnabar alone, cut into
# parts, and after each part the CPU time and run-queue wait of every JVM thread that used more than 5 ms
# (/proc/<pid>/task/<tid>/schedstat: what the compiler threads, the GC and the background threads took from the two
# cores the event loop and redis-benchmark need), how many commands the slow log caught (over 1.5 ms) and the latency
# monitor's events (2 ms: event, time, latest and longest ms). Same start as bench/latency.sh: PING, INFO server, DEBUG POPULATE N key 32, a second's pause.
# Usage: bench/latency-threads.sh [N] [PART_REQUESTS] [PARTS]   (defaults 5000000 500000 8)
# Environment: CINNABAR_ARGS (e.g. "--cinnabar-jit-warmup yes"), CINNABAR_EXTRA_JAVA_OPTS (e.g. -XX:+PrintCompilation,
#   whose output goes to the kept log), KEEP=dir keeps the server's stdout/log and redis-benchmark's outputs there.
# Needs Linux (/proc schedstat), redis-benchmark and python3. Run it on an idle machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-5000000}"
PER="${2:-500000}"
PARTS="${3:-8}"
command -v redis-benchmark >/dev/null || { echo "needs redis-benchmark: apt-get install -y redis-tools" >&2; exit 1; }
"$root/bin/cinnabar-server" --version >/dev/null   # builds the jar when needed
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
work="$(mktemp -d)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true
  if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp "$work"/* "$KEEP"/ 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
# shellcheck disable=SC2086
"$root/bin/cinnabar-server" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --enable-debug-command yes \
  --dir "$work" --logfile "$work/server.log" ${CINNABAR_ARGS:-} > "$work/server.out" 2>&1 &
pid=$!
for _ in $(seq 1 600); do redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
pid=$(redis-cli -p "$port" info server | awk -F: '/^process_id/ {print $2}' | tr -d '\r')
redis-cli -p "$port" debug populate "$N" key 32 >/dev/null
sleep 1
redis-cli -p "$port" config set slowlog-log-slower-than 1500 >/dev/null
redis-cli -p "$port" config set latency-monitor-threshold 2 >/dev/null
redis-cli -p "$port" slowlog reset >/dev/null
# one line per thread: tid name cpu-ns runqueue-wait-ns
threads() {
  local t
  for t in /proc/"$pid"/task/*; do
    printf '%s %s %s\n' "${t##*/}" "$(tr ' ' '_' < "$t/comm")" "$(cut -d' ' -f1,2 < "$t/schedstat")"
  done 2>/dev/null | sort -k1,1
}
# percentiles of one redis-benchmark output
pct() {
  python3 "$root/bench/lib/percentiles.py" "$1" | awk '{printf "p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f ms  rps %s\n", $1, $2, $3, $4, $5}'
}
echo "bench/latency-threads.sh N=$N, $PARTS parts of $PER SETs (-r $N -d 32 -c 50 -P 16); $(nproc) cores, load" \
  "$(cut -d' ' -f1-3 /proc/loadavg); CINNABAR_ARGS=${CINNABAR_ARGS:-}"
threads > "$work/threads.0"
for k in $(seq 1 "$PARTS"); do
  redis-benchmark -p "$port" -t set -n "$PER" -r "$N" -d 32 -c 50 -P 16 > "$work/part.$k.out" 2>&1
  threads > "$work/threads.$k"
  echo "part $k: $(pct "$work/part.$k.out")"
  join <(cut -d' ' -f1-4 "$work/threads.$((k - 1))") <(cut -d' ' -f1,3,4 "$work/threads.$k") | awk '{
    cpu = ($5 - $3) / 1e6; wait = ($6 - $4) / 1e6
    if (cpu > 5 || wait > 5) printf "   %-22s cpu %7.1f ms   run-queue wait %7.1f ms\n", $2, cpu, wait }'
  echo "   slow-logged commands (over 1.5 ms): $(redis-cli -p "$port" slowlog len)"
  redis-cli -p "$port" latency latest | paste -sd' ' | awk 'NF {print "   latency monitor: " $0}'
  redis-cli -p "$port" slowlog reset >/dev/null
  redis-cli -p "$port" latency reset >/dev/null
done
redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
pid=""
