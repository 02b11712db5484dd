#!/usr/bin/env bash
# The unpipelined request path, Cinnabar server vs Redis, in numbers that do not depend on how busy the machine is:
# for each command, one redis-benchmark run (-c 50 -P 1, N requests, after an untimed warm-up run of 2N) against
# each server, and per request
#   - the server's CPU time (user + system, from /proc/PID/stat; for Cinnabar also its event-loop thread alone and
#     the JVM's other threads: JIT compilers, GC),
#   - redis-benchmark's own CPU time (the client: at -P 1 on a 2-core machine it, not the server, sets the pace),
#   - the server's voluntary context switches (sleeps in epoll_wait or on a socket),
#   - with STRACE=1, a second run under `strace -c -f -p` counting the server's system calls per request (read,
#     write, epoll_wait, epoll_ctl, futex...; strace slows the server down, so no CPU numbers come from that run).
# CPU is in clock ticks (usually 10 ms), so use N >= 200000 for two significant digits.
# Usage: bench/request-path.sh [N]   (default 200000; a small N is a smoke test only)
# Environment: CMDS (';'-separated commands, default XADD, XRANGE and XREAD of bench/streams.sh, SET, GET, INCR),
#              FILL=10000 (entries of the stream the range reads read), STRACE=1,
#              REPS=1 (measured runs per command and server, taken in turn; the figures are those of the run with the
#              least server CPU time: time stolen or added by other processes only adds),
#              P=1 (pipeline depth: P=16 or 100 shares the system calls and shows what the commands themselves cost),
#              BASE_JAR=path (a second Cinnabar server from another jar, e.g. a build kept from before a change,
#              measured in the same run as "base").
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-200000}"
FILL="${FILL:-10000}"
CMDS="${CMDS:-XADD s * f v;XRANGE s - + COUNT 10;XREAD COUNT 10 STREAMS s 0-0;SET key v;GET key;INCR counter}"
command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null || {
  echo "needs redis-server and redis-benchmark: apt-get install -y redis-server redis-tools" >&2; exit 1; }
[ -z "${STRACE:-}" ] || command -v strace >/dev/null || { echo "STRACE=1 needs strace" >&2; exit 1; }
"$root/bin/cinnabar-server" --version >/dev/null   # builds the jar when needed

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 300); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

ours_port=$(free_port)
"$root/bin/cinnabar-server" --port "$ours_port" --bind 127.0.0.1 --save "" --logfile "$work/cinnabar.log" &
ours_pid=$!
pids+=("$ours_pid")
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
  --logfile "$work/redis.log" &
redis_pid=$!
pids+=("$redis_pid")
servers=("cinnabar $ours_port $ours_pid" "redis $redis_port $redis_pid")
if [ -n "${BASE_JAR:-}" ]; then
  base_port=$(free_port)
  CINNABAR_JAR="$BASE_JAR" "$root/bin/cinnabar-server" --port "$base_port" --bind 127.0.0.1 --save "" \
    --logfile "$work/base.log" &
  base_pid=$!
  pids+=("$base_pid")
  wait_up "$base_port"
  servers=("base $base_port $base_pid" "${servers[@]}")
fi
wait_up "$ours_port"
wait_up "$redis_port"
REPS="${REPS:-1}"
P="${P:-1}"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }           # utime + stime of a process or thread
loop_tid() { for t in /proc/"$1"/task/*; do grep -q '^cinnabar-event' "$t/comm" 2>/dev/null && { basename "$t"; return; }; done; }
vcsw() { local s=0 v; for t in /proc/"$1"/task/*; do v=$(awk '/^voluntary_ctxt_switches/ {print $2}' "$t/status" 2>/dev/null || echo 0); s=$((s + v)); done; echo "$s"; }
per() { awk -v a="$1" -v n="$N" -v k="$2" 'BEGIN { printf "%.2f", a * k / n }'; }   # value * k / N
hz=$(getconf CLK_TCK)
us_per_tick=$((1000000 / hz))

prepare() { # port: the stream the range reads read
  redis-cli -p "$1" flushall >/dev/null
  redis-benchmark -p "$1" -n "$FILL" -c 10 -P 100 XADD s '*' f 0123456789 >/dev/null 2>&1
}

declare -A best
measure_once() { # name port pid command...: one run; keeps the figures of the cheapest run per server in best[]
  local name=$1 port=$2 pid=$3; shift 3
  local tid="" l0=0 l1=0 c0 w0 c1 w1 bu bs
  [ "$name" != redis ] && tid=$(loop_tid "$pid")
  c0=$(ticks "$pid"); w0=$(vcsw "$pid"); [ -n "$tid" ] && l0=$(ticks "$pid/task/$tid")
  /usr/bin/time -f "%U %S" -o "$work/bench.time" redis-benchmark -p "$port" -n "$N" -c 50 -P "$P" "$@" >/dev/null 2>&1
  c1=$(ticks "$pid"); w1=$(vcsw "$pid"); [ -n "$tid" ] && l1=$(ticks "$pid/task/$tid")
  read -r bu bs < "$work/bench.time"
  if [ -z "${best[$name,c]:-}" ] || [ $((c1 - c0)) -lt "${best[$name,c]}" ]; then # the figures of the cheapest run
    best[$name,c]=$((c1 - c0)); best[$name,w]=$((w1 - w0)); best[$name,l]=$((l1 - l0))
    best[$name,o]=$(((c1 - c0) - (l1 - l0)))
    best[$name,b]=$(awk -v u="$bu" -v s="$bs" 'BEGIN { printf "%d", (u + s) * 100 }')
  fi
}
report() { # name port pid command...: the figures of the cheapest run, then (STRACE=1) the system calls
  local name=$1 port=$2 pid=$3; shift 3
  local line
  line=$(printf '  %-8s server %s us/req' "$name" "$(per "${best[$name,c]}" "$us_per_tick")")
  if [ "$name" != redis ]; then
    line+=$(printf ' (event loop %s, other threads %s)' "$(per "${best[$name,l]}" "$us_per_tick")" \
      "$(per "${best[$name,o]}" "$us_per_tick")")
  fi
  line+=$(printf ', sleeps %s/req, redis-benchmark %s us/req' "$(per "${best[$name,w]}" 1)" "$(per "${best[$name,b]}" 10000)")
  echo "$line"
  if [ -n "${STRACE:-}" ]; then
    strace -c -f -p "$pid" -o "$work/strace.out" 2>/dev/null &
    local sp=$!
    sleep 1
    redis-benchmark -p "$port" -n "$N" -c 50 -P "$P" "$@" >/dev/null 2>&1
    kill -INT "$sp"
    wait "$sp" 2>/dev/null || true
    awk -v n="$N" '$NF ~ /^(read|write|epoll_wait|epoll_ctl|futex|sendto|recvfrom|writev|readv|epoll_pwait)$/ {
        calls = ($4 ~ /^[0-9]+$/) ? $4 : $3; printf "%s %.3f  ", $NF, calls / n } END { print "" }' "$work/strace.out" |
      sed 's/^/           syscalls per request: /'
  fi
}

echo "per request, -c 50 -P $P, N=$N, cheapest of $REPS runs (CPU from $hz Hz ticks; load $(cut -d' ' -f1-3 /proc/loadavg))"
IFS=';' read -r -a cmds <<< "$CMDS"
for cmd in "${cmds[@]}"; do
  read -r -a argv <<< "$cmd"
  echo "$cmd"
  for s in "${servers[@]}"; do
    read -r name port pid <<< "$s"
    prepare "$port"
    redis-benchmark -p "$port" -n $((2 * N)) -c 50 -P "$P" "${argv[@]}" >/dev/null 2>&1   # warm-up (JIT, buffers)
  done
  best=()
  for r in $(seq 1 "$REPS"); do
    for s in "${servers[@]}"; do
      read -r name port pid <<< "$s"
      measure_once "$name" "$port" "$pid" "${argv[@]}"
    done
  done
  for s in "${servers[@]}"; do
    read -r name port pid <<< "$s"
    report "$name" "$port" "$pid" "${argv[@]}"
  done
done
