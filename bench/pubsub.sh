#!/usr/bin/env bash
# Pub/Sub fan-out, Cinnabar vs Redis on this machine: SUBS subscribers on one channel receive a burst of MSGS
# messages of BYTES bytes each (bench/PubSubBench.java: pipelined PUBLISH from one connection, NIO readers).
# Prints deliveries per second (subscribers x messages / wall time until the last subscriber has everything) and
# the server's CPU time per delivery (utime+stime from /proc, 10 ms ticks), for each server.
# Usage: bench/pubsub.sh [SUBS] [MSGS] [BYTES]   (defaults 1000 100000 16: the issue's 1 000 x 100 000; run it idle)
# Both servers get client-output-buffer-limit pubsub 0 0 0 so that no slow reader is dropped mid-burst.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUBS="${1:-1000}"
MSGS="${2:-100000}"
BYTES="${3:-16}"
command -v redis-server >/dev/null || { echo "needs redis-server: apt-get install -y redis-server" >&2; exit 1; }
. "$root/bin/lib/jdk.sh"
"$root/bin/cinnabar-server" --version >/dev/null   # builds the jar when needed
java_bin="$JAVA"   # a JDK 21+ found by bin/lib/jdk.sh (runs PubSubBench.java with the source launcher)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 300); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

ours_port=$(free_port)
"$root/bin/cinnabar-server" --port "$ours_port" --bind 127.0.0.1 --save "" --maxclients 10000 \
  --client-output-buffer-limit "pubsub 0 0 0" --logfile "$work/cinnabar.log" &
pids+=($!)
wait_up "$ours_port"
ours_pid=$(redis-cli -p "$ours_port" info server | awk -F: '/^process_id/ {print $2}' | tr -d '\r')

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --maxclients 10000 \
  --client-output-buffer-limit "pubsub 0 0 0" --dir "$work" --logfile "$work/redis.log" &
pids+=($!)
wait_up "$redis_port"
redis_pid=$(redis-cli -p "$redis_port" info server | awk -F: '/^process_id/ {print $2}' | tr -d '\r')

echo "pubsub fan-out: $SUBS subscribers x $MSGS messages of $BYTES bytes"
# an untimed warm-up round on each (the JVM compiles its hot paths first), then the measured one
for name in cinnabar redis; do
  if [ $name = cinnabar ]; then port=$ours_port; pid=$ours_pid; else port=$redis_port; pid=$redis_pid; fi
  "$java_bin" "$root/bench/PubSubBench.java" "$port" "$pid" "$SUBS" "$(( MSGS / 10 + 1 ))" "$BYTES" >/dev/null
  printf '%-9s ' "$name"
  "$java_bin" "$root/bench/PubSubBench.java" "$port" "$pid" "$SUBS" "$MSGS" "$BYTES"
done
