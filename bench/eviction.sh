#!/usr/bin/env bash
# Cinnabar vs Redis under eviction: each server starts with maxmemory MAXMEM and a policy, is filled past it, then
# redis-benchmark -t set -n N -r KEYSPACE -d SIZE -c 50 -P PIPE writes random keys so that (nearly) every write
# evicts; prints requests/s, evicted_keys and used_memory per server and the ratio Cinnabar/Redis.
# Usage: bench/eviction.sh [N]   (default N=200000; run it on an idle machine for numbers that go in a README)
# Environment: POLICIES="allkeys-lru allkeys-lfu allkeys-random volatile-ttl", MAXMEM=64mb, SIZE=100,
#              KEYSPACE=2000000, PIPE=16.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-200000}"
POLICIES="${POLICIES:-allkeys-lru allkeys-lfu allkeys-random volatile-ttl}"
MAXMEM="${MAXMEM:-64mb}"
SIZE="${SIZE:-100}"
KEYSPACE="${KEYSPACE:-2000000}"
PIPE="${PIPE:-16}"
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

start() { # name policy; sets PORT
  local name=$1 policy=$2 port dir
  port=$(free_port); dir="$work/$name-$policy"; mkdir -p "$dir"
  if [ "$name" = cinnabar ]; then
    "$root/bin/cinnabar-server" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" \
      --maxmemory "$MAXMEM" --maxmemory-policy "$policy" --logfile "$dir/server.log" &
  else
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" \
      --maxmemory "$MAXMEM" --maxmemory-policy "$policy" --logfile "$dir/server.log" &
  fi
  pids+=($!)
  wait_up "$port"
  PORT=$port
}

printf '%-16s %-9s %12s %12s %14s\n' policy server "req/s" evicted used_memory
for policy in $POLICIES; do
  declare -A rps=()
  for name in redis cinnabar; do
    start "$name" "$policy"
    if [ "$policy" = volatile-ttl ] || [ "${policy#volatile}" != "$policy" ]; then
      # volatile policies evict only keys with an expire: write every key with one (SET ... EX via a script-free
      # loop would be slow; redis-benchmark's set has no EX, so fill with DEBUG-free SETEX through redis-cli --pipe)
      python3 - "$KEYSPACE" "$SIZE" <<'PY' | redis-cli -p "$PORT" --pipe >/dev/null
import sys
n, size = int(sys.argv[1]), int(sys.argv[2])
v = "x" * size
out = sys.stdout
for i in range(min(n, 400000)):
    k = "key:%012d" % i
    out.write("*4\r\n$5\r\nSETEX\r\n$%d\r\n%s\r\n$%d\r\n%d\r\n$%d\r\n%s\r\n" % (len(k), k, len(str(100000 + i)), 100000 + i, size, v))
PY
      line=$(redis-benchmark -p "$PORT" -n "$N" -r "$KEYSPACE" -d "$SIZE" -c 50 -P "$PIPE" -q \
        setex 'key:__rand_int__' 100000 "$(head -c "$SIZE" /dev/zero | tr '\0' x)" | tr '\r' '\n' | grep -i 'requests per second' | tail -1)
    else
      redis-benchmark -p "$PORT" -n "$N" -r "$KEYSPACE" -d "$SIZE" -c 50 -P "$PIPE" -q -t set >/dev/null
      line=$(redis-benchmark -p "$PORT" -n "$N" -r "$KEYSPACE" -d "$SIZE" -c 50 -P "$PIPE" -q -t set \
        | tr '\r' '\n' | grep -i 'requests per second' | tail -1)
    fi
    r=$(echo "$line" | sed -E 's/.*: ([0-9.]+) requests per second.*/\1/')
    rps[$name]=$r
    printf '%-16s %-9s %12s %12s %14s\n' "$policy" "$name" "$r" "$(field "$PORT" evicted_keys)" "$(field "$PORT" used_memory)"
    redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
  done
  python3 -c "import sys; print('%-16s ratio cinnabar/redis: %.2f' % (sys.argv[1], float(sys.argv[3]) / float(sys.argv[2])))" \
    "$policy" "${rps[redis]}" "${rps[cinnabar]}"
  unset rps
done
