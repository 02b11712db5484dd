#!/usr/bin/env bash
# Server CPU time of SAVE and DEBUG RELOAD NOSAVE (the RDB writer and loader), Cinnabar vs Redis, after
# DEBUG POPULATE N key 32 in both, the two servers alternating for ROUNDS rounds. CPU time (utime + stime of the
# server process, /proc/PID/stat) depends much less on the machine's load than wall time, so this runs on a busy
# machine too; the wall time is printed beside it. One untimed SAVE + reload first (JIT warm-up).
# Usage: bench/persistence-cpu.sh [N] (default 1000000)   Environment: ROUNDS=3
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-1000000}"; ROUNDS="${ROUNDS:-3}"
command -v redis-server >/dev/null || { echo "needs redis-server" >&2; exit 1; }
"$root/bin/cinnabar-server" --version >/dev/null   # builds the jar when needed
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 600); do redis-cli -p "$1" ping 2>/dev/null | grep -q PONG && return 0; sleep 0.1; done; return 1; }
work="$(mktemp -d)"; mkdir -p "$work/c" "$work/r"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cp=$(free_port); rp=$(free_port)
"$root/bin/cinnabar-server" --port "$cp" --bind 127.0.0.1 --save "" --enable-debug-command yes --dir "$work/c" \
  --logfile "$work/c/log" & pids+=($!)
redis-server --port "$rp" --bind 127.0.0.1 --save "" --appendonly no --enable-debug-command yes --dir "$work/r" \
  --logfile "$work/r/log" & pids+=($!)
wait_up "$cp"; wait_up "$rp"
pid_of() { redis-cli -p "$1" info server | awk -F: '/^process_id/ {print $2}' | tr -d '\r'; }
cpid=$(pid_of "$cp"); rpid=$(pid_of "$rp")
for p in "$cp" "$rp"; do redis-cli -p "$p" debug populate "$N" key 32 >/dev/null; done
redis-cli -p "$cp" save >/dev/null; redis-cli -p "$cp" debug reload nosave >/dev/null
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
declare -A cpu wall
timed() { # name port pid command...: appends CPU ms and wall s
  local name=$1 port=$2 pid=$3; shift 3
  local b t0 t1 a
  b=$(ticks "$pid"); t0=$(date +%s.%N); redis-cli -p "$port" "$@" >/dev/null; t1=$(date +%s.%N); a=$(ticks "$pid")
  cpu[$name]="${cpu[$name]:-} $(( (a - b) * 1000 / hz ))"
  wall[$name]="${wall[$name]:-} $(echo "$t1 - $t0" | bc -l)"
}
for r in $(seq 1 "$ROUNDS"); do
  for s in cinnabar redis; do
    if [ $s = cinnabar ]; then p=$cp; pid=$cpid; else p=$rp; pid=$rpid; fi
    timed "$s,save" "$p" "$pid" save
    timed "$s,load" "$p" "$pid" debug reload nosave
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "DEBUG POPULATE $N key 32; median of $ROUNDS rounds; load $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-6s %14s %12s %8s %14s %12s\n" op cinnabar-cpu-ms redis-cpu-ms ratio cinnabar-wall-s redis-wall-s
for op in save load; do
  o=$(echo "${cpu[cinnabar,$op]}" | median); r=$(echo "${cpu[redis,$op]}" | median)
  printf "%-6s %14s %12s %8s %14.3f %12.3f\n" "$op" "$o" "$r" "$(awk -v o="$o" -v r="$r" 'BEGIN { if (r > 0) printf "%.2f", o / r; else print "-" }')" \
    "$(echo "${wall[cinnabar,$op]}" | median)" "$(echo "${wall[redis,$op]}" | median)"
done
[ "$(redis-cli -p "$cp" dbsize)" = "$N" ] && [ "$(redis-cli -p "$rp" dbsize)" = "$N" ] || { echo "dbsize differs after the reloads" >&2; exit 1; }
