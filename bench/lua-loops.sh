#!/usr/bin/env bash
# Lua speed of typical script loops: CPU time of the same scripts as EVAL on Cinnabar and on redis-server, and
# with the lua5.1 binary (Redis's Lua and the reference of lua/README.md).
#   empty:  for i=1,N do end                                    (the loop variable is never read)
#   sum:    local s = 0 for i=1,N do s = s + i end return s      (arithmetic on locals)
#   while:  local x = 0 while x < N do x = x + 1 end return x
#   table:  t[i] = i * 2 for i=1,N/10, then sums #t elements
#   concat: t[#t+1] = 'k' .. i for i=1,N/100, then table.concat
#   insert: table.insert(t, 'v' .. i) for i=1,N/100
#   strcat: s = s .. 'x' for i=1,N/2500 (a string built by repeated '..': quadratic copying, as in C Lua)
#   call:   redis.call('INCR', KEYS[1]) and redis.call('HSET', KEYS[2], i % 100, i) for i=1,N/1000 (EVAL only)
# CPU time is user+sys of the whole server process (all threads: the JVM's compiler and collector count) across
# one EVAL, read from /proc/PID/stat (10 ms ticks, so keep N large), and of the lua5.1 process; each script runs
# once untimed (the JVM compiles), then ROUNDS times per engine, and the minimum is printed (the machine may be
# shared: the minimum is the run least disturbed by others). Ratios: Cinnabar / Redis and Cinnabar / lua5.1.
# Usage: bench/lua-loops.sh [N [script...]]   (default N=100000000, all scripts)
# Environment: ROUNDS=3.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-100000000}"
shift || true
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
# the processes whose CPU time counts (bin/cinnabar-server may run java as a child)
server_pid() { # port -> pid of the process listening on it
  ss -Htlnp "sport = :$1" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1
}
ours_pid=$(server_pid "$ours_port")
redis_pid=$(server_pid "$redis_port")

declare -A script
script[empty]="for i=1,$N do end return 1"
script[sum]="local s = 0 for i=1,$N do s = s + i end return s"
script[while]="local x = 0 while x < $N do x = x + 1 end return x"
script[table]="local t = {} for i=1,$((N / 10)) do t[i] = i * 2 end local s = 0 for i=1,#t do s = s + t[i] end return s"
script[concat]="local t = {} for i=1,$((N / 100)) do t[#t+1] = 'k' .. i end return #table.concat(t, ',')"
script[insert]="local t = {} for i=1,$((N / 100)) do table.insert(t, 'v' .. i) end return #t"
script[strcat]="local s = '' for i=1,$((N / 2500)) do s = s .. 'x' end return #s"
script[call]="for i=1,$((N / 1000)) do redis.call('INCR', KEYS[1]) redis.call('HSET', KEYS[2], i % 100, i) end return redis.call('GET', KEYS[1])"
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(empty sum while table concat insert strcat call)

tck=$(getconf CLK_TCK)
cpu_ms() { awk -v t="$tck" '{ print int(($14 + $15) * 1000 / t) }' "/proc/$1/stat"; }
time_eval() { # port pid script -> CPU ms of the server over one EVAL
  local c0; c0=$(cpu_ms "$2")
  redis-cli -p "$1" eval "$3" 2 lua-loops-counter lua-loops-hash >/dev/null
  echo $(( $(cpu_ms "$2") - c0 ))
}
time_lua() { /usr/bin/time -f '%U %S' lua5.1 -e "$1" 2>&1 >/dev/null | awk '{ print int(($1 + $2) * 1000) }'; }
minimum() { sort -n | head -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "-") printf "%.2f", a / b; else printf "-" }'; }

printf '%-8s %12s %12s %12s %10s %10s\n' script cinnabar_ms redis_ms lua5.1_ms ours/redis ours/lua
for name in "${names[@]}"; do
  s="${script[$name]}"
  redis-cli -p "$ours_port" eval "$s" 2 lua-loops-counter lua-loops-hash >/dev/null   # warm-up
  redis-cli -p "$redis_port" eval "$s" 2 lua-loops-counter lua-loops-hash >/dev/null
  ours=$(for _ in $(seq 1 "$ROUNDS"); do time_eval "$ours_port" "$ours_pid" "$s"; done | minimum)
  redis=$(for _ in $(seq 1 "$ROUNDS"); do time_eval "$redis_port" "$redis_pid" "$s"; done | minimum)
  lua=-
  if [ "$have_lua" = 1 ] && [ "$name" != call ]; then
    lua=$(for _ in $(seq 1 "$ROUNDS"); do time_lua "$s"; done | minimum)
  fi
  printf '%-8s %12s %12s %12s %10s %10s\n' "$name" "$ours" "$redis" "$lua" "$(ratio "$ours" "$redis")" \
    "$(ratio "$ours" "$lua")"
done
