#!/usr/bin/env bash
# Scripting: Cinnabar vs Redis on this machine with the same redis-benchmark runs against each in turn:
#   short:  EVALSHA of "INCR KEYS[1]; EXPIRE KEYS[1] 60" (a rate limiter's core), random keys
#   long:   EVALSHA of a 20-command script (10 HSET + 5 HINCRBY + HGET + HLEN + EXISTS + EXPIRE + TTL on one hash)
# each with -c 50 at pipeline 1 and 16; prints requests/s of both and the ratio Cinnabar / Redis (goal >= 1.0).
# Both servers get the same untimed warm-up run (the JVM compiles its hot paths first). ROUNDS rounds (default 3),
# alternating which server goes first; the median of each is printed.
# Usage: bench/scripting.sh [N]   (default N=200000; run it on an idle machine: load shows in the numbers)
# Environment: ROUNDS=3, PIN=1 pins both servers to CPU 0 and redis-benchmark to CPU 1 (taskset).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-200000}"
ROUNDS="${ROUNDS:-3}"
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

work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

ours_port=$(free_port)
${srv_pin[@]+"${srv_pin[@]}"} "$root/bin/cinnabar-server" --port "$ours_port" --bind 127.0.0.1 --save "" \
  --logfile "$work/cinnabar.log" &
pids+=($!)
redis_port=$(free_port)
${srv_pin[@]+"${srv_pin[@]}"} redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
  --dir "$work" --logfile "$work/redis.log" &
pids+=($!)
wait_up "$ours_port"
wait_up "$redis_port"

short="redis.call('incr', KEYS[1]) return redis.call('expire', KEYS[1], 60)"
long="local k = KEYS[1]
for i = 1, 10 do redis.call('hset', k, 'f' .. i, i) end
for i = 1, 5 do redis.call('hincrby', k, 'f' .. i, 1) end
redis.call('hget', k, 'f1') redis.call('hlen', k) redis.call('exists', k) redis.call('expire', k, 60)
return redis.call('ttl', k)"
declare -A sha
for port in "$ours_port" "$redis_port"; do
  sha[short,$port]=$(redis-cli -p "$port" script load "$short")
  sha[long,$port]=$(redis-cli -p "$port" script load "$long")
done
[ "${sha[short,$ours_port]}" = "${sha[short,$redis_port]}" ] || { echo "sha1 differs between the servers" >&2; exit 1; }

bench() { ${cli_pin[@]+"${cli_pin[@]}"} redis-benchmark "$@"; }
rps_of() { # port script pipeline -> requests per second
  bench -p "$1" -n "$N" -c 50 -P "$3" -r 100000 --csv EVALSHA "${sha[$2,$1]}" 1 "$2:__rand_int__" 2>/dev/null \
    | awk -F, 'NR > 1 { gsub(/"/, "", $2); print $2; exit }'
}
declare -A rps
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for port in "$ours_port" "$redis_port"; do   # warm-up, not measured
  for s in short long; do bench -p "$port" -n $((N / 2)) -c 50 -P 16 -r 100000 -q EVALSHA "${sha[$s,$port]}" 1 "$s:__rand_int__" >/dev/null 2>&1; done
done
for r in $(seq 1 "$ROUNDS"); do
  for s in short long; do
    for P in 1 16; do
      if [ $((r % 2)) = 1 ]; then order="cinnabar redis"; else order="redis cinnabar"; fi
      for who in $order; do
        port=$ours_port; [ "$who" = redis ] && port=$redis_port
        redis-cli -p "$port" flushall >/dev/null
        rps[$who,$s,$P]="${rps[$who,$s,$P]:-} $(rps_of "$port" "$s" "$P")"
      done
    done
  done
done
printf '%-28s %14s %14s %8s\n' "EVALSHA (N=$N, c=50)" "cinnabar rps" "redis rps" "ratio"
for s in short long; do
  for P in 1 16; do
    a=$(echo "${rps[cinnabar,$s,$P]}" | median); b=$(echo "${rps[redis,$s,$P]}" | median)
    label="$s script, P=$P"; [ "$s" = short ] && label="INCR+EXPIRE, P=$P" || label="20 commands, P=$P"
    printf '%-28s %14s %14s %8s\n' "$label" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')"
  done
done
