#!/usr/bin/env bash
# Lua speed of tight loops: the same scripts as EVAL on Cinnabar and on redis-server, and with the lua5.1 binary.
#   empty:  for i=1,N do end                                (the loop variable is never read)
#   sum:    local s = 0 for i=1,N do s = s + i end return s  (a number boxed per iteration here)
#   table:  t[i] = i * 2 for i=1,N/10, then sums #t elements
#   concat: t[#t+1] = 'k' .. i for i=1,N/100, then table.concat
# Each script runs ROUNDS times per engine after one untimed warm-up call (the JVM compiles first); prints the
# median wall milliseconds of each and the ratio Cinnabar / Redis (lower is better). EVAL's time includes the
# round trip of one redis-cli call (about a millisecond), so keep N large.
# Usage: bench/lua-loops.sh [N]   (default N=100000000; run it on an idle machine: load shows in the numbers)
# Environment: ROUNDS=3.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-100000000}"
ROUNDS="${ROUNDS:-3}"
command -v redis-server >/dev/null && command -v redis-cli >/dev/null || {
  echo "needs redis-server and redis-cli: apt-get install -y redis-server redis-tools" >&2; exit 1; }
have_lua=0
command -v lua5.1 >/dev/null && have_lua=1
. "$root/bin/lib/jdk.sh"
"$root/bin/cinnabar-server" --version >/dev/null   # builds the jar when needed

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 300); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

ours_port=$(free_port)
"$root/bin/cinnabar-server" --port "$ours_port" --bind 127.0.0.1 --save "" --busy-reply-threshold 0 \
  --logfile "$work/cinnabar.log" &
pids+=($!)
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --busy-reply-threshold 0 \
  --dir "$work" --logfile "$work/redis.log" &
pids+=($!)
wait_up "$ours_port"
wait_up "$redis_port"

declare -A script
script[empty]="for i=1,$N do end return 1"
script[sum]="local s = 0 for i=1,$N do s = s + i end return s"
script[table]="local t = {} for i=1,$((N / 10)) do t[i] = i * 2 end local s = 0 for i=1,#t do s = s + t[i] end return s"
script[concat]="local t = {} for i=1,$((N / 100)) do t[#t+1] = 'k' .. i end return #table.concat(t, ',')"

now_ms() { date +%s%3N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
time_eval() { # port script -> ms of one EVAL
  local t0; t0=$(now_ms); redis-cli -p "$1" eval "$2" 0 >/dev/null; echo $(( $(now_ms) - t0 ))
}
time_lua() { local t0; t0=$(now_ms); lua5.1 -e "$1" >/dev/null; echo $(( $(now_ms) - t0 )); }

printf '%-8s %12s %12s %12s %10s\n' script cinnabar_ms redis_ms lua5.1_ms ours/redis
for name in empty sum table concat; do
  s="${script[$name]}"
  redis-cli -p "$ours_port" eval "$s" 0 >/dev/null   # warm-up
  redis-cli -p "$redis_port" eval "$s" 0 >/dev/null
  ours=$(for _ in $(seq 1 "$ROUNDS"); do time_eval "$ours_port" "$s"; done | median)
  redis=$(for _ in $(seq 1 "$ROUNDS"); do time_eval "$redis_port" "$s"; done | median)
  lua=-
  [ "$have_lua" = 1 ] && lua=$(for _ in $(seq 1 "$ROUNDS"); do time_lua "$s"; done | median)
  printf '%-8s %12s %12s %12s %10s\n' "$name" "$ours" "$redis" "$lua" \
    "$(awk -v a="$ours" -v b="$redis" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
done
