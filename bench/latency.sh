#!/usr/bin/env bash
# Tail latency and memory, Cinnabar vs Redis on this machine (issue #12): same data, same load, one server at a
# time, the order alternating between rounds. Per server and round:
#   1. start it empty (--save '' --appendonly no), DEBUG POPULATE N key 32, RSS growth per key
#   2. set:    redis-benchmark -t set -n M -r N -d 32 -c 50 -P 16         (32-byte values; its key:%012d names are
#              not DEBUG POPULATE's key:N, so it inserts keys too: 5 M become ~7.75 M, and the table grows past 8 Mi)
#   3. mixed:  GET/SET/INCR/HSET/LPUSH/ZADD on N random keys, six redis-benchmark processes at once (-c 8 -P 16)
#   4. bgsave: the set load again, with BGSAVE issued one second into it (the snapshot runs under load)
# and prints p50/p99/p99.9/max (ms, from redis-benchmark's percentile distribution), requests/s and RSS side by
# side, plus, for Cinnabar, the longest GC pause of each phase (-Xlog:gc).
# Usage: bench/latency.sh [N] [M]   (defaults: N=5000000 keys, M=4000000 requests; the issue's table)
# Environment: ROUNDS=1; SPLIT=k runs the set phase as k back-to-back runs of M/k and prints each (latency over time); CINNABAR_JAVA_OPTS (JVM flags; unset: the launcher's defaults, bin/cinnabar-server); CINNABAR_EXTRA_JAVA_OPTS (flags added to those);
#   REDIS_SERVER=redis-server (e.g. a 7.2 build); KEEP=dir keeps the servers' logs and the GC log there; SERVERS=cinnabar measures only Cinnabar; CINNABAR_ARGS adds options to its command line; PIN=1 pins the server to CPU 0 and the clients to CPU 1.
#   CINNABAR_JIT_WARMUP=yes|background|no (the launcher's JIT warm-up; background by default: it runs during
#   the DEBUG POPULATE, the way a server warms up between its start and its first load; see the server README).
# Run it on an idle machine: on a shared one the tails measure the neighbours.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-5000000}"
M="${2:-4000000}"
ROUNDS="${ROUNDS:-1}"
SPLIT="${SPLIT:-1}"
REDIS_SERVER="${REDIS_SERVER:-redis-server}"
srv_pin=(); cli_pin=()
if [ "${PIN:-0}" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  srv_pin=(taskset -c 0); cli_pin=(taskset -c 1)
fi
command -v "$REDIS_SERVER" >/dev/null && command -v redis-benchmark >/dev/null || {
  echo "needs redis-server and redis-benchmark: apt-get install -y redis-server redis-tools" >&2; exit 1; }
"$root/bin/cinnabar-server" --version >/dev/null   # builds the jar when needed

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 600); do redis-cli -p "$1" ping 2>/dev/null | grep -q PONG && return 0; sleep 0.1; done; return 1; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
bench() { ${cli_pin[@]+"${cli_pin[@]}"} redis-benchmark "$@"; }

work="$(mktemp -d)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true
  if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp "$work"/*.log "$KEEP"/ 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# summary FILE...: "p50 p99 p99.9 max rps" over the percentile distributions redis-benchmark printed (several files:
# the distributions are merged by their cumulative counts, rps summed; SEQUENTIAL=1: requests over summed durations)
summary() { python3 "$root/bench/lib/percentiles.py" "$@"; }
# gc_max FILE FROM: longest pause (ms) in the GC log after line FROM, or "-"
gc_max() { tail -n "+$(($2 + 1))" "$1" 2>/dev/null | grep -oE '[0-9.]+ms$' | tr -d 'ms' | sort -g | tail -1 | grep . || echo -; }
gc_lines() { if [ -f "$1" ]; then wc -l < "$1"; else echo 0; fi; }

value32="$(printf 'x%.0s' $(seq 1 32))"
declare -A res
measure() { # name: one server, all phases
  local name="$1" port gclog="$work/$1.gc.log" r0 r1 g
  port=$(free_port)
  rm -rf "$gclog" "$work/$name"; mkdir "$work/$name"   # a fresh dir: no dump.rdb of an earlier run is loaded
  if [ "$name" = cinnabar ]; then
    CINNABAR_EXTRA_JAVA_OPTS="${CINNABAR_EXTRA_JAVA_OPTS:+$CINNABAR_EXTRA_JAVA_OPTS }-Xlog:gc:file=$gclog" \
      ${srv_pin[@]+"${srv_pin[@]}"} "$root/bin/cinnabar-server" --port "$port" --bind 127.0.0.1 --save '' \
      --appendonly no --enable-debug-command yes --dir "$work/$name" --logfile "$work/$name.log" ${CINNABAR_ARGS:-} &
  else
    ${srv_pin[@]+"${srv_pin[@]}"} "$REDIS_SERVER" --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
      --enable-debug-command yes --dir "$work/$name" --logfile "$work/$name.log" &
  fi
  pid=$!
  wait_up "$port"
  pid=$(redis-cli -p "$port" info server | awk -F: '/^process_id/ {print $2}' | tr -d '\r')
  r0=$(rss_kb "$pid")
  redis-cli -p "$port" debug populate "$N" key 32 >/dev/null
  sleep 1
  r1=$(rss_kb "$pid")
  res[$name,rss]="${res[$name,rss]:-} $(awk -v d=$((r1 - r0)) -v n="$N" 'BEGIN { printf "%.1f", d * 1024 / n }')"

  g=$(gc_lines "$gclog")
  if [ "$SPLIT" -gt 1 ]; then # the set phase as SPLIT back-to-back runs: its latency over time (warm-up vs steady)
    local k
    rm -f "$work"/set.*.out
    for k in $(seq 1 "$SPLIT"); do
      bench -p "$port" -t set -n $((M / SPLIT)) -r "$N" -d 32 -c 50 -P 16 > "$work/set.$k.out" 2>&1
      res[$name,split]+="$k $(summary "$work/set.$k.out")|"
    done
    res[$name,set]+="$(SEQUENTIAL=1 summary "$work"/set.*.out) $(gc_max "$gclog" "$g")|"
  else
    bench -p "$port" -t set -n "$M" -r "$N" -d 32 -c 50 -P 16 > "$work/set.out" 2>&1
    res[$name,set]+="$(summary "$work/set.out") $(gc_max "$gclog" "$g")|"
  fi

  g=$(gc_lines "$gclog")
  local per=$((M / 6)) i=0 pids=()
  for cmd in "GET key:__rand_int__" "SET key:__rand_int__ $value32" "INCR counter:__rand_int__" \
      "HSET hash:__rand_int__ field:__rand_int__ $value32" "LPUSH list:__rand_int__ $value32" \
      "ZADD zset:__rand_int__ __rand_int__ member:__rand_int__"; do
    # shellcheck disable=SC2086
    bench -p "$port" -n "$per" -r "$N" -c 8 -P 16 $cmd > "$work/mixed.$i.out" 2>&1 &
    pids+=($!); i=$((i + 1))
  done
  wait "${pids[@]}"
  res[$name,mixed]+="$(summary "$work"/mixed.*.out) $(gc_max "$gclog" "$g")|"

  g=$(gc_lines "$gclog")
  (sleep 1; redis-cli -p "$port" bgsave >/dev/null) &
  local saver=$!
  bench -p "$port" -t set -n "$M" -r "$N" -d 32 -c 50 -P 16 > "$work/bgsave.out" 2>&1
  wait "$saver"
  res[$name,bgsave]+="$(summary "$work/bgsave.out") $(gc_max "$gclog" "$g")|"
  res[$name,rssend]="${res[$name,rssend]:-} $(($(rss_kb "$pid") / 1024))"
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  pid=""
}

for r in $(seq 1 "$ROUNDS"); do
  if [ "${SERVERS:-both}" = cinnabar ]; then measure cinnabar; continue; fi
  if [ $((r % 2)) = 1 ]; then measure cinnabar; measure redis; else measure redis; measure cinnabar; fi
done

echo "bench/latency.sh N=$N M=$M rounds=$ROUNDS ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg);" \
  "cinnabar JVM: ${CINNABAR_JAVA_OPTS:-launcher defaults};" \
  "JIT warm-up: ${CINNABAR_JIT_WARMUP:-background, the launcher default};" \
  "redis: $("$REDIS_SERVER" --version | awk '{print $3}'))"
echo "latencies in ms from redis-benchmark's distribution, one line per round; gc-max: longest GC pause of the phase"
printf "%-8s %-9s %9s %9s %9s %9s %10s %9s\n" phase server p50 p99 p99.9 max rps gc-max
for phase in set mixed bgsave; do
  for s in cinnabar redis; do
    IFS='|' read -ra lines <<< "${res[$s,$phase]:-}"
    for l in "${lines[@]}"; do
      [ -n "$l" ] || continue
      read -r a b c d e f <<< "$l"
      [ "$s" = redis ] && f=-
      printf "%-8s %-9s %9s %9s %9s %9s %10s %9s\n" "$phase" "$s" "$a" "$b" "$c" "$d" "$e" "$f"
    done
  done
done
if [ "$SPLIT" -gt 1 ]; then
  echo "set phase over time: $SPLIT back-to-back runs of $((M / SPLIT)) requests (all rounds, in order)"
  printf "%-9s %5s %9s %9s %9s %9s %10s\n" server part p50 p99 p99.9 max rps
  for s in cinnabar redis; do
    IFS='|' read -ra lines <<< "${res[$s,split]:-}"
    for l in "${lines[@]}"; do
      [ -n "$l" ] || continue
      read -r k a b c d e <<< "$l"
      printf "%-9s %5s %9s %9s %9s %9s %10s\n" "$s" "$k" "$a" "$b" "$c" "$d" "$e"
    done
  done
fi
echo "memory: RSS growth per key after DEBUG POPULATE $N key 32 (bytes), and RSS at the end (MB)"
for s in cinnabar redis; do
  [ -n "${res[$s,rss]:-}" ] || continue
  printf "%-9s rss/key:%s   rss-end-MB:%s\n" "$s" "${res[$s,rss]}" "${res[$s,rssend]}"
done
