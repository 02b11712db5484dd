#!/usr/bin/env bash
# Replication, Cinnabar next to Redis: a master of N keys (DEBUG POPULATE N) and one replica of the same kind.
#  1. full sync: seconds from REPLICAOF until the replica's link is up, and the master's memory overhead during it
#     (peak RSS of the master and its children minus the RSS before; Redis's overhead is its fork's copy-on-write,
#     Cinnabar's the snapshot's queues and the records copied before a write);
#  2. lag under load: redis-benchmark -t set,incr,lpush -n M -c 50 on the master while INFO is sampled every
#     100 ms; reports the mean and max of master_repl_offset - slave_repl_offset (bytes) and the seconds the
#     replica needs to catch up once the load stops.
# Prints each number per server and the ratio Cinnabar/Redis.
# Usage: bench/replication.sh [N] [M]   (defaults N=1000000 M=500000; run it on an idle machine)
# Environment: DISKLESS=yes|no (repl-diskless-sync, default yes).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-1000000}"
M="${2:-500000}"
DISKLESS="${DISKLESS:-yes}"
command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null || {
  echo "needs redis-server and redis-benchmark: apt-get install -y redis-server redis-tools" >&2; exit 1; }
"$root/bin/cinnabar-server" --version >/dev/null   # builds the jar when needed

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 300); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
info() { redis-cli -p "$1" info replication | tr -d '\r' | sed -n "s/^$2://p"; }
now() { date +%s.%N; }
rss_tree() { # KiB of a process and its children
  local total=0 p
  for p in $1 $(pgrep -P "$1" || true); do
    local kb
    kb=$(awk '/VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || true)   # empty for a zombie or a gone child
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

start() { # kind role; sets PORT and PID
  local kind=$1 role=$2 port dir
  port=$(free_port); dir="$work/$kind-$role"; mkdir -p "$dir"
  local args=(--port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" --logfile "$dir/server.log"
    --enable-debug-command yes --repl-diskless-sync "$DISKLESS" --repl-diskless-sync-delay 0)
  if [ "$kind" = cinnabar ]; then
    "$root/bin/cinnabar-server" "${args[@]}" &
  else
    redis-server "${args[@]}" &
  fi
  PID=$!
  pids+=("$PID")
  wait_up "$port"
  PORT=$port
}

declare -A result
run() { # kind
  local kind=$1 master mpid replica before peak t0 t1 sum=0 n=0 max=0 lag bench ro r
  start "$kind" master; master=$PORT; mpid=$PID
  start "$kind" replica; replica=$PORT
  redis-cli -p "$master" debug populate "$N" >/dev/null
  sleep 1
  before=$(rss_tree "$mpid"); peak=$before
  t0=$(now)
  redis-cli -p "$replica" replicaof 127.0.0.1 "$master" >/dev/null
  until [ "$(info "$replica" master_link_status)" = up ]; do
    r=$(rss_tree "$mpid"); [ "$r" -gt "$peak" ] && peak=$r
    sleep 0.05
  done
  t1=$(now)
  result[$kind,sync_s]=$(echo "$t1 - $t0" | bc -l)
  result[$kind,sync_mem_mb]=$(echo "($peak - $before) / 1024" | bc -l)
  redis-benchmark -p "$master" -t set,incr,lpush -n "$M" -c 50 -r 100000 -q >/dev/null 2>&1 &
  bench=$!
  while kill -0 "$bench" 2>/dev/null; do
    ro=$(info "$replica" slave_repl_offset)   # the replica first: the master's offset read after it is >= its own
    lag=$(( $(info "$master" master_repl_offset) - ro ))
    [ "$lag" -lt 0 ] && lag=0
    sum=$((sum + lag)); n=$((n + 1)); [ "$lag" -gt "$max" ] && max=$lag
    sleep 0.1
  done
  t0=$(now)
  until [ "$(info "$master" master_repl_offset)" = "$(info "$replica" slave_repl_offset)" ]; do sleep 0.01; done
  t1=$(now)
  result[$kind,lag_mean_bytes]=$(( n > 0 ? sum / n : 0 ))
  result[$kind,lag_max_bytes]=$max
  result[$kind,catchup_s]=$(echo "$t1 - $t0" | bc -l)
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
}

run cinnabar
run redis
printf '%-16s %14s %14s %10s\n' metric cinnabar redis ratio
for m in sync_s sync_mem_mb lag_mean_bytes lag_max_bytes catchup_s; do
  a=${result[cinnabar,$m]}; b=${result[redis,$m]}
  ratio=$(echo "if ($b == 0) 0 else $a / $b" | bc -l)
  printf '%-16s %14.3f %14.3f %10.2f\n' "$m" "$a" "$b" "$ratio"
done
echo "(N=$N keys, M=$M benchmark requests, repl-diskless-sync=$DISKLESS)"
