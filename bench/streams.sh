#!/usr/bin/env bash
# Streams: Cinnabar server vs Redis on this machine, the same redis-benchmark runs against each in turn:
#   XADD s * f v                      (one entry per request, N requests)
#   XRANGE s - + COUNT 10             (10 entries per reply, from a stream of FILL entries)
#   XREAD COUNT 10 STREAMS s 0-0      (idem)
# each with -c 50 at pipeline 1 and 16; requests/s of each server, the ratio cinnabar/redis (goal: at least 1.0),
# median of ROUNDS rounds (alternating which server goes first). Both servers get the same untimed warm-up run.
# Then memory: a stream of ENTRIES entries (default 1 M, XADD * f <value of 10 bytes>, pipelined) and, for each
# server, MEMORY USAGE s SAMPLES 0 per entry (Redis's own estimate; Cinnabar computes it with Redis's allocator
# sizes) next to the growth of used_memory per entry (for Cinnabar the JVM heap in use after a full GC: what the
# stream really occupies on the JVM).
# Usage: bench/streams.sh [N]   (default N=200000; run it on an idle machine; a small N is a smoke test only)
# Environment: ROUNDS=3, FILL=10000, ENTRIES=1000000, PIN=1 pins both servers to CPU 0 and redis-benchmark to CPU 1
# (taskset), as bench/server-vs-redis.sh. The warm-up runs each command at -P 1 and -P 16 on both servers: the JVM's
# compiler threads need about three runs of a new command to settle (bench/request-path.sh shows them per run).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-200000}"
ROUNDS="${ROUNDS:-3}"
FILL="${FILL:-10000}"
ENTRIES="${ENTRIES:-1000000}"
srv_pin=(); cli_pin=()
if [ "${PIN:-0}" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  srv_pin=(taskset -c 0); cli_pin=(taskset -c 1)
fi
command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null || {
  echo "needs redis-server and redis-benchmark: apt-get install -y redis-server redis-tools" >&2; exit 1; }
. "$root/bin/lib/jdk.sh"
"$root/bin/cinnabar-server" --version >/dev/null   # builds the jar when needed

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rb_bin="$(type -P redis-benchmark)"
redis-benchmark() { ${cli_pin[@]+"${cli_pin[@]}"} "$rb_bin" "$@"; }
wait_up() { for _ in $(seq 1 300); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
used() { redis-cli -p "$1" info memory | awk -F: '/^used_memory:/ {print $2}' | tr -d '\r'; }

work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

ours_port=$(free_port)
${srv_pin[@]+"${srv_pin[@]}"} "$root/bin/cinnabar-server" --port "$ours_port" --bind 127.0.0.1 --save "" --logfile "$work/cinnabar.log" &
pids+=($!)
wait_up "$ours_port"
ours_pid=$(redis-cli -p "$ours_port" info server | awk -F: '/^process_id/ {print $2}' | tr -d '\r')
redis_port=$(free_port)
${srv_pin[@]+"${srv_pin[@]}"} redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
  --logfile "$work/redis.log" &
pids+=($!)
wait_up "$redis_port"

fill() { # port count: a stream s of count entries
  redis-cli -p "$1" del s >/dev/null
  redis-benchmark -p "$1" -n "$2" -c 10 -P 100 XADD s '*' f 0123456789 >/dev/null 2>&1
}
rps_of() { # port pipeline command...: requests/s of one redis-benchmark run
  local port=$1 p=$2; shift 2
  redis-benchmark -p "$port" -n "$N" -c 50 -P "$p" --csv "$@" 2>/dev/null | awk -F, 'NR > 1 { gsub(/"/, "", $2); print $2; exit }'
}
declare -A rps
run() { # name port pipeline
  redis-cli -p "$2" del s >/dev/null
  rps["$1,$3,XADD"]="${rps["$1,$3,XADD"]:-} $(rps_of "$2" "$3" XADD s '*' f v)"
  fill "$2" "$FILL"
  rps["$1,$3,XRANGE"]="${rps["$1,$3,XRANGE"]:-} $(rps_of "$2" "$3" XRANGE s - + COUNT 10)"
  rps["$1,$3,XREAD"]="${rps["$1,$3,XREAD"]:-} $(rps_of "$2" "$3" XREAD COUNT 10 STREAMS s 0-0)"
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for port in "$ours_port" "$redis_port"; do # untimed warm-up (the JVM compiles its hot paths)
  fill "$port" "$FILL"
  for P in 16 1; do
    redis-benchmark -p "$port" -n "$N" -c 50 -P "$P" -q XRANGE s - + COUNT 10 >/dev/null 2>&1
    redis-benchmark -p "$port" -n "$N" -c 50 -P "$P" -q XREAD COUNT 10 STREAMS s 0-0 >/dev/null 2>&1
    redis-benchmark -p "$port" -n "$N" -c 50 -P "$P" -q XADD s '*' f v >/dev/null 2>&1
  done
done
for r in $(seq 1 "$ROUNDS"); do
  for P in 1 16; do
    if [ $((r % 2)) = 1 ]; then
      run cinnabar "$ours_port" "$P"; run redis "$redis_port" "$P"
    else
      run redis "$redis_port" "$P"; run cinnabar "$ours_port" "$P"
    fi
  done
done

echo "redis-benchmark -n $N -c 50, stream of $FILL entries for reads; median of $ROUNDS rounds (requests/s;"\
  "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)${cli_pin[*]:+, pinned: servers CPU 0, client CPU 1})"
printf "%-7s %-4s %14s %14s %8s\n" test P cinnabar redis ratio
for P in 1 16; do
  for t in XADD XRANGE XREAD; do
    o="$(echo "${rps[cinnabar,$P,$t]:-}" | median)"; r="$(echo "${rps[redis,$P,$t]:-}" | median)"
    printf "%-7s %-4s %14s %14s %8s\n" "$t" "$P" "$o" "$r" \
      "$(awk -v o="$o" -v r="$r" 'BEGIN { if (r > 0) printf "%.2f", o / r; else print "-" }')"
  done
done

echo
echo "memory: a stream of $ENTRIES entries (XADD s * f 0123456789)"
for s in cinnabar redis; do
  if [ "$s" = cinnabar ]; then port=$ours_port; else port=$redis_port; fi
  redis-cli -p "$port" flushall >/dev/null
  [ "$s" = cinnabar ] && "$JAVA_HOME_21/bin/jcmd" "$ours_pid" GC.run >/dev/null 2>&1 || true
  before=$(used "$port")
  fill "$port" "$ENTRIES"
  [ "$s" = cinnabar ] && "$JAVA_HOME_21/bin/jcmd" "$ours_pid" GC.run >/dev/null 2>&1 || true
  after=$(used "$port")
  len=$(redis-cli -p "$port" xlen s)
  usage=$(redis-cli -p "$port" memory usage s samples 0)
  printf "%-9s XLEN %d  MEMORY USAGE %d = %6.1f bytes/entry   used_memory +%d = %6.1f bytes/entry\n" "$s" "$len" \
    "$usage" "$(awk -v u="$usage" -v n="$len" 'BEGIN { printf "%.1f", u / n }')" $((after - before)) \
    "$(awk -v d=$((after - before)) -v n="$len" 'BEGIN { printf "%.1f", d / n }')"
done
