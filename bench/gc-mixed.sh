#!/usr/bin/env bash
# GC cost of the latency benchmark's mixed phase (or, PHASE=set, its set phase), independent of machine load (#12):
#   bench/gc-mixed.sh [keys=500000] [requests=1200000]      (JAR=path: run that server jar instead of bin/cinnabar-server)
# Starts bin/cinnabar-server with a GC log, DEBUG POPULATE keys, then runs the mixed workload of bench/latency.sh
# (GET/SET/INCR/HSET/LPUSH/ZADD on random keys of the same range, six redis-benchmark processes at once, -c 8 -P 16;
# PHASE=set: its set phase, redis-benchmark -t set -r keys -d 32 -c 50 -P 16) and prints from the GC log of that
# phase: young/full pause count, total and longest pause, the old generation after the last collection (what
# survived: promoted bytes), plus used_memory / used_memory_heap / used_memory_offheap.
# Latencies are not printed: they depend on the machine's load; these figures do not (much).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N=${1:-500000}
M=${2:-1200000}
work=$(mktemp -d)
trap 'kill "$spid" 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
gclog="$work/gc.log"
args=(--port "$port" --bind 127.0.0.1 --save '' --appendonly no --enable-debug-command yes --dir "$work"
  --logfile "$work/srv.log")
if [ -n "${JAR:-}" ]; then # a saved jar (before/after comparisons), with the launcher's default flags
  . "$root/bin/lib/jdk.sh"
  "$JAVA" -XX:+UseParallelGC -Xmn64m -Xss512k -XX:+UseCompactObjectHeaders -Xlog:gc,gc+heap=debug:file="$gclog" \
    -jar "$JAR" "${args[@]}" &
else
  CINNABAR_EXTRA_JAVA_OPTS="-Xlog:gc,gc+heap=debug:file=$gclog" "$root/bin/cinnabar-server" "${args[@]}" &
fi
spid=$!
for _ in $(seq 1 3000); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.2; done
redis-cli -p "$port" debug populate "$N" key 32 >/dev/null
g=$(wc -l < "$gclog")
value32="$(printf 'x%.0s' $(seq 1 32))"
per=$((M / 6)); pids=()
[ "${PHASE:-mixed}" = set ] && { redis-benchmark -p "$port" -t set -n "$M" -r "$N" -d 32 -c 50 -P 16 -q >/dev/null 2>&1 & pids+=($!); }
[ "${PHASE:-mixed}" = set ] || for cmd in "GET key:__rand_int__" "SET key:__rand_int__ $value32" "INCR counter:__rand_int__" \
    "HSET hash:__rand_int__ field:__rand_int__ $value32" "LPUSH list:__rand_int__ $value32" \
    "ZADD zset:__rand_int__ __rand_int__ member:__rand_int__"; do
  # shellcheck disable=SC2086
  redis-benchmark -p "$port" -n "$per" -r "$N" -c 8 -P 16 -q $cmd > /dev/null 2>&1 &
  pids+=($!)
done
wait "${pids[@]}"
tail -n "+$((g + 1))" "$gclog" > "$work/phase.log"
python3 - "$work/phase.log" <<'PY'
import re, sys
young = full = 0; total = mx = 0.0; old = None; promoted = 0
for line in open(sys.argv[1]):
    m = re.search(r'Pause (Young|Full).* ([0-9.]+)ms$', line)
    if m:
        ms = float(m.group(2)); total += ms; mx = max(mx, ms)
        if m.group(1) == 'Young': young += 1
        else: full += 1
    m = re.search(r'(?:ParOldGen|PSOldGen|Old).*?: *(\d+)K\(\d+K\)->(\d+)K', line)
    if m:
        old = int(m.group(2)); promoted += max(0, old - int(m.group(1)))
print(f"gc young={young} full={full} total_ms={total:.1f} max_ms={mx:.1f} promoted_kb={promoted} old_after_kb={old}")
PY
redis-cli -p "$port" info memory | grep -E '^used_memory(_heap|_offheap)?:' | tr -d '\r' | tr '\n' ' '; echo
redis-cli -p "$port" dbsize
