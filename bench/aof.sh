#!/usr/bin/env bash
# Cinnabar vs Redis with the append-only file on: redis-benchmark -t set,incr,lpush -n N -c 50 -P 1 and -P 16
# against each server started with --appendonly yes and --appendfsync everysec, then always (each on its own
# temporary directory, so the AOF goes to that directory's disk), ROUNDS rounds alternating which server goes
# first; prints the median requests/s per server and the ratio Cinnabar/Redis.
# Usage: bench/aof.sh [N]   (default N=200000; run it on an idle machine: `always` measures the disk's fsync)
# Environment: ROUNDS=3, TESTS=set,incr,lpush, PIPELINES="1 16".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-200000}"
ROUNDS="${ROUNDS:-3}"
TESTS="${TESTS:-set,incr,lpush}"
PIPELINES="${PIPELINES:-1 16}"
command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null || {
  echo "needs redis-server and redis-benchmark: apt-get install -y redis-server redis-tools" >&2; exit 1; }
"$root/bin/cinnabar-server" --version >/dev/null   # builds the jar when needed

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 300); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

start() { # name fsync; sets PORT (not run in a subshell: the pids must stay in this shell)
  local name=$1 fsync=$2 port dir
  port=$(free_port); dir="$work/$name-$fsync"; mkdir -p "$dir"
  if [ "$name" = cinnabar ]; then
    "$root/bin/cinnabar-server" --port "$port" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync "$fsync" \
      --dir "$dir" --logfile "$dir/server.log" &
  else
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync "$fsync" \
      --dir "$dir" --logfile "$dir/server.log" &
  fi
  pids+=($!)
  wait_up "$port"
  PORT=$port
}

declare -A samples
measure() { # name port fsync
  local t p test value
  for p in $PIPELINES; do
    for t in ${TESTS//,/ }; do
      while IFS=, read -r test value _; do
        test="${test//\"/}"; value="${value//\"/}"
        case "$test" in *needed*|test) continue ;; esac
        samples["$1,$3,$p,$t"]+="$value "
      done < <(redis-benchmark -p "$2" -t "$t" -n "$N" -c 50 -P "$p" -q --csv 2>/dev/null)
    done
  done
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {if (NR==0) print 0; else print a[int((NR+1)/2)]}'; }

for fsync in everysec always; do
  start cinnabar "$fsync"; ours=$PORT; start redis "$fsync"; theirs=$PORT
  redis-benchmark -p "$ours" -t set -n "$N" -c 50 -q >/dev/null 2>&1   # warm-up: the JVM compiles its hot paths
  for r in $(seq 1 "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then measure cinnabar "$ours" "$fsync"; measure redis "$theirs" "$fsync";
    else measure redis "$theirs" "$fsync"; measure cinnabar "$ours" "$fsync"; fi
  done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=()
done

printf '| appendfsync | test | -P | Cinnabar req/s | Redis 7.0.15 req/s | ratio |\n|---|---|---|---|---|---|\n'
for fsync in everysec always; do
  for p in $PIPELINES; do
    for t in ${TESTS//,/ }; do
      T="${t^^}"
      o=$(echo "${samples["cinnabar,$fsync,$p,$t"]:-}" | median); r=$(echo "${samples["redis,$fsync,$p,$t"]:-}" | median)
      ratio=$(awk -v o="$o" -v r="$r" 'BEGIN { if (r > 0) printf "%.2f", o / r; else print "-" }')
      printf '| %s | %s | %s | %.0f | %.0f | %s |\n' "$fsync" "$T" "$p" "$o" "$r" "$ratio"
    done
  done
done
