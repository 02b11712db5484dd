#!/usr/bin/env bash
# Cinnabar server vs Redis on this machine, with the same redis-benchmark runs against each in turn:
#   redis-benchmark -t set,get,incr,mset,lpush,rpop,sadd,hset,zadd,lrange_100 -n N -c 50 -P 1   and   -P 16
# then memory: RSS growth per key after DEBUG POPULATE 1000000 key 32 (plus, for Cinnabar, the JVM heap in use
# after a full GC, which is what the keys really occupy; RSS also holds heap the JVM committed and kept).
# Both servers first get the same untimed warm-up run (the JVM compiles its hot paths during the first seconds).
# A single run on a small machine swings by 20% with whatever else runs, so the script measures ROUNDS rounds
# (default 3), alternating which server goes first, and prints the median of each server's runs.
# Usage: bench/server-vs-redis.sh [N]   (default N=1000000; the machine's load shows in the numbers: run it idle)
# Environment: ROUNDS=3, TESTS=<redis-benchmark -t list>, PIN=1 pins both servers to CPU 0 and redis-benchmark to
# CPU 1 (taskset), which takes the scheduler out of the comparison on a 2-core machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-1000000}"
ROUNDS="${ROUNDS:-3}"
TESTS="${TESTS:-set,get,incr,mset,lpush,rpop,sadd,hset,zadd,lrange_100}"
srv_pin=(); cli_pin=()
if [ "${PIN:-0}" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  srv_pin=(taskset -c 0); cli_pin=(taskset -c 1)
fi
command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null || {
  echo "needs redis-server and redis-benchmark: apt-get install -y redis-server redis-tools" >&2; exit 1; }
. "$root/bin/lib/jdk.sh"
"$root/bin/cinnabar-server" --version >/dev/null   # builds the jar when needed

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 300); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

ours_port=$(free_port)
${srv_pin[@]+"${srv_pin[@]}"} "$root/bin/cinnabar-server" --port "$ours_port" --bind 127.0.0.1 --save "" --enable-debug-command yes \
  --logfile "$work/cinnabar.log" &
pids+=($!)
wait_up "$ours_port"
ours_pid=$(redis-cli -p "$ours_port" info server | awk -F: '/^process_id/ {print $2}' | tr -d '\r')

redis_port=$(free_port)
${srv_pin[@]+"${srv_pin[@]}"} redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --enable-debug-command yes \
  --dir "$work" --logfile "$work/redis.log" &
pids+=($!)
wait_up "$redis_port"
redis_pid=$(redis-cli -p "$redis_port" info server | awk -F: '/^process_id/ {print $2}' | tr -d '\r')

declare -A rps
bench() { ${cli_pin[@]+"${cli_pin[@]}"} redis-benchmark "$@"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }   # utime + stime of the server process
declare -A cpu
run() { # name port pid pipeline: one redis-benchmark run per test; rps[name,P,TEST] and cpu[name,P,TEST] collect
  local t test value before after
  for t in ${TESTS//,/ }; do
    redis-cli -p "$2" flushall >/dev/null
    before=$(cpu_ticks "$3")
    while IFS=, read -r test value _; do
      test="${test//\"/}"; value="${value//\"/}"
      case "$test" in *needed*|test) continue ;; esac
      test="${test%% *}"
      rps["$1,$4,$test"]="${rps["$1,$4,$test"]:-} $value"
    done < <(bench -p "$2" -t "$t" -n "$N" -c 50 -P "$4" --csv 2>/dev/null)
    after=$(cpu_ticks "$3")
    test="${t^^}"
    cpu["$1,$4,$test"]="${cpu["$1,$4,$test"]:-} $(awk -v d=$((after - before)) -v n="$N" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f", d * 1e6 / hz / n }')"
  done
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# JIT warm-up of the JVM server (not measured): a Java server runs compiled code after its first seconds; Redis
# needs no warm-up, and gets the same untimed run for symmetry
for port in "$ours_port" "$redis_port"; do
  bench -p "$port" -t "$TESTS" -n $((N / 2)) -c 50 -P 16 -q >/dev/null 2>&1
  bench -p "$port" -t "$TESTS" -n $((N / 4)) -c 50 -q >/dev/null 2>&1
done
for r in $(seq 1 "$ROUNDS"); do
  for P in 1 16; do
    if [ $((r % 2)) = 1 ]; then
      run cinnabar "$ours_port" "$ours_pid" "$P"; run redis "$redis_port" "$redis_pid" "$P"
    else
      run redis "$redis_port" "$redis_pid" "$P"; run cinnabar "$ours_port" "$ours_pid" "$P"
    fi
  done
done

echo "redis-benchmark -t $TESTS -n $N -c 50; median of $ROUNDS rounds (requests/s; $(nproc) cores,"\
  "load $(cut -d' ' -f1-3 /proc/loadavg)${cli_pin[*]:+, pinned: servers CPU 0, client CPU 1})"
echo "cpu: server process CPU time (user + system) per request in microseconds, median; it depends much less on"
echo "     the machine's load than requests/s (for LRANGE_100 it includes redis-benchmark's LPUSH fill of the list)"
printf "%-11s %-4s %14s %14s %8s %10s %10s\n" test P cinnabar redis ratio cpu-cinn cpu-redis
for P in 1 16; do
  for t in $(echo "$TESTS" | tr 'a-z,' 'A-Z '); do
    o="$(echo "${rps[cinnabar,$P,$t]:-}" | median)"; r="$(echo "${rps[redis,$P,$t]:-}" | median)"
    oc="$(echo "${cpu[cinnabar,$P,$t]:-}" | median)"; rc="$(echo "${cpu[redis,$P,$t]:-}" | median)"
    printf "%-11s %-4s %14s %14s %8s %10s %10s\n" "$t" "$P" "$o" "$r" \
      "$(awk -v o="$o" -v r="$r" 'BEGIN { if (r > 0) printf "%.2f", o / r; else print "-" }')" "$oc" "$rc"
  done
done

echo
echo "memory: DEBUG POPULATE 1000000 key 32"
for s in cinnabar redis; do
  if [ "$s" = cinnabar ]; then port=$ours_port; pid=$ours_pid; else port=$redis_port; pid=$redis_pid; fi
  redis-cli -p "$port" flushall >/dev/null
  [ "$s" = cinnabar ] && command -v "$JAVA_HOME_21/bin/jcmd" >/dev/null && "$JAVA_HOME_21/bin/jcmd" "$pid" GC.run >/dev/null
  before=$(rss_kb "$pid"); used_before=$(redis-cli -p "$port" info memory | awk -F: '/^used_memory:/ {print $2}' | tr -d '\r')
  redis-cli -p "$port" debug populate 1000000 key 32 >/dev/null
  [ "$s" = cinnabar ] && "$JAVA_HOME_21/bin/jcmd" "$pid" GC.run >/dev/null 2>&1 || true
  after=$(rss_kb "$pid"); used_after=$(redis-cli -p "$port" info memory | awk -F: '/^used_memory:/ {print $2}' | tr -d '\r')
  printf "%-9s RSS +%7d KB = %6.1f bytes/key   used_memory +%d = %6.1f bytes/key\n" "$s" $((after - before)) \
    "$(awk -v d=$((after - before)) 'BEGIN { printf "%.1f", d * 1024 / 1000000 }')" $((used_after - used_before)) \
    "$(awk -v d=$((used_after - used_before)) 'BEGIN { printf "%.1f", d / 1000000 }')"
done
