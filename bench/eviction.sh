#!/usr/bin/env bash
# Cinnabar vs Redis under eviction, two parts.
# 1. Quality, measured as Redis measures its approximated LRU (both servers on this machine, same settings), for
#    allkeys-lru and allkeys-lfu with maxmemory-samples 5 and 10, maxmemory QMAXMEM:
#    - bench/eviction-quality.py: LRU, Redis's LRU simulation (fill to the first eviction, read the keys back in 4
#      groups one second apart, add keys until half of them were evicted; the share of each group that survived,
#      perfect LRU: 0 0 1 1, and the precision: evicted keys that were in the older half); LFU, a hot set read 20
#      times survives the same flood (hot and cold shares kept);
#    - redis-cli --lru-test LRUKEYS for LRUSECS seconds: the hit rate of Redis's 80-20 cache workload (the mean of
#      the per-second lines after the first two).
# 2. Throughput: each server starts with maxmemory MAXMEM and a policy, is filled until its first eviction (random
#    SETs, or SETEX keys for the volatile policies), then redis-benchmark -t set (SETEX) -n N -r KEYSPACE -d SIZE
#    -c 50 -P PIPE writes random keys so that (nearly) every write evicts; prints requests/s, the keys evicted during
#    that run (and per request) and used_memory per server, and the ratio Cinnabar/Redis.
#    Smoke: PARTS=throughput POLICIES="allkeys-lru volatile-ttl" MAXMEM=4mb KEYSPACE=200000 bench/eviction.sh 20000
# Usage: bench/eviction.sh [N]   (default N=200000; run it on an idle machine for numbers that go in a README)
# Environment: POLICIES="allkeys-lru allkeys-lfu allkeys-random volatile-ttl", MAXMEM=64mb, SIZE=100,
#              KEYSPACE=2000000, PIPE=16; QMAXMEM=8mb, LRUKEYS=200000, LRUSECS=10; PARTS="quality throughput";
#              PYTHON=/usr/bin/python3 (with redis-py).
#              Smoke: PARTS=quality QMAXMEM=4mb LRUKEYS=100000 LRUSECS=4 bench/eviction.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-200000}"
POLICIES="${POLICIES:-allkeys-lru allkeys-lfu allkeys-random volatile-ttl}"
MAXMEM="${MAXMEM:-64mb}"
SIZE="${SIZE:-100}"
KEYSPACE="${KEYSPACE:-2000000}"
PIPE="${PIPE:-16}"
QMAXMEM="${QMAXMEM:-8mb}"
LRUKEYS="${LRUKEYS:-200000}"
LRUSECS="${LRUSECS:-10}"
PARTS="${PARTS:-quality throughput}"
command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null || {
  echo "needs redis-server and redis-benchmark: apt-get install -y redis-server redis-tools" >&2; exit 1; }
"$root/bin/cinnabar-server" --version >/dev/null   # builds the jar when needed

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 300); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
field() { redis-cli -p "$1" info all | tr -d '\r' | awk -F: -v f="$2" '$1==f {print $2}'; }

work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

start() { # name policy [maxmemory [samples]]; sets PORT
  local name=$1 policy=$2 mem=${3:-$MAXMEM} samples=${4:-5} port dir
  port=$(free_port); dir="$work/$name-$policy-$samples"; mkdir -p "$dir"
  if [ "$name" = cinnabar ]; then
    "$root/bin/cinnabar-server" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" \
      --maxmemory "$mem" --maxmemory-policy "$policy" --maxmemory-samples "$samples" --logfile "$dir/server.log" &
  else
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" \
      --maxmemory "$mem" --maxmemory-policy "$policy" --maxmemory-samples "$samples" --logfile "$dir/server.log" &
  fi
  pids+=($!)
  wait_up "$port"
  PORT=$port
}

lru_test() { # port: mean hit rate (%) of redis-cli --lru-test after the first two seconds
  timeout "$LRUSECS" stdbuf -oL redis-cli -p "$1" --lru-test "$LRUKEYS" 2>/dev/null | tr '\r' '\n' \
    | sed -nE 's/.*Hits: [0-9]+ \(([0-9.]+)%\).*/\1/p' | tail -n +3 \
    | awk '{ s += $1; n++ } END { if (n) printf "%.2f", s / n; else print "n/a" }' || true
}

if [[ " $PARTS " == *" quality "* ]]; then
  echo "eviction quality: maxmemory $QMAXMEM; lru-test: $LRUKEYS keys, ${LRUSECS}s"
  printf '%-12s %-8s %-9s %-60s %s\n' policy samples server simulation "lru-test hit%"
  for policy in allkeys-lru allkeys-lfu; do
    for samples in 5 10; do
      for name in redis cinnabar; do
        start "$name" "$policy" "$QMAXMEM" "$samples"
        sim=$("${PYTHON:-/usr/bin/python3}" "$root/bench/eviction-quality.py" "$PORT" "$policy")
        redis-cli -p "$PORT" flushall >/dev/null
        hit=$(lru_test "$PORT")
        printf '%-12s %-8s %-9s %-60s %s\n' "$policy" "$samples" "$name" "$sim" "$hit"
        redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
      done
    done
  done
fi
[[ " $PARTS " == *" throughput "* ]] || exit 0

fill_volatile() { # port: SETEX key:%012d (TTL 100000+i) in chunks of 200000 through redis-cli --pipe until an eviction
  local from=0
  while [ "$(field "$1" evicted_keys)" = 0 ] && [ "$from" -lt "$KEYSPACE" ]; do
    "${PYTHON:-/usr/bin/python3}" - "$from" 200000 "$SIZE" <<'PY' | redis-cli -p "$1" --pipe >/dev/null
import sys
first, n, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
v = "x" * size
out = sys.stdout
for i in range(first, first + n):
    k = "key:%012d" % i
    t = str(100000 + i)
    out.write("*4\r\n$5\r\nSETEX\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(t), t, size, v))
PY
    from=$((from + 200000))
  done
}

fill_all() { # port: random SETs (as the measured run) until the first eviction
  local rounds=0
  while [ "$(field "$1" evicted_keys)" = 0 ] && [ "$rounds" -lt 40 ]; do
    redis-benchmark -p "$1" -n 100000 -r "$KEYSPACE" -d "$SIZE" -c 50 -P "$PIPE" -q -t set >/dev/null
    rounds=$((rounds + 1))
  done
}

echo "throughput under eviction: maxmemory $MAXMEM, $N writes of $SIZE bytes over $KEYSPACE keys, -c 50 -P $PIPE"
printf '%-16s %-9s %12s %12s %12s %14s\n' policy server "req/s" evicted "evicted/req" used_memory
for policy in $POLICIES; do
  declare -A rps=()
  for name in redis cinnabar; do
    start "$name" "$policy"
    if [ "${policy#volatile}" != "$policy" ]; then
      # volatile policies evict only keys with an expire: every key gets one (SETEX), filled and measured alike
      fill_volatile "$PORT"
      before=$(field "$PORT" evicted_keys)
      line=$(redis-benchmark -p "$PORT" -n "$N" -r "$KEYSPACE" -c 50 -P "$PIPE" -q \
        setex 'key:__rand_int__' 100000 "$(head -c "$SIZE" /dev/zero | tr '\0' x)" | tr '\r' '\n' \
        | grep -i 'requests per second' | tail -1)
    else
      fill_all "$PORT"
      before=$(field "$PORT" evicted_keys)
      line=$(redis-benchmark -p "$PORT" -n "$N" -r "$KEYSPACE" -d "$SIZE" -c 50 -P "$PIPE" -q -t set \
        | tr '\r' '\n' | grep -i 'requests per second' | tail -1)
    fi
    r=$(echo "$line" | sed -E 's/.*: ([0-9.]+) requests per second.*/\1/')
    rps[$name]=$r
    ev=$(( $(field "$PORT" evicted_keys) - before ))
    printf '%-16s %-9s %12s %12s %12s %14s\n' "$policy" "$name" "$r" "$ev" \
      "$(awk -v e="$ev" -v n="$N" 'BEGIN { printf "%.2f", e / n }')" "$(field "$PORT" used_memory)"
    redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
  done
  awk -v p="$policy" -v r="${rps[redis]}" -v c="${rps[cinnabar]}" \
    'BEGIN { if (r > 0) printf "%-16s ratio cinnabar/redis: %.2f\n", p, c / r; else printf "%-16s no redis figure\n", p }'
  unset rps
done
