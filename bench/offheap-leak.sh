#!/usr/bin/env bash
# Off-heap leak check at scale (issue #12): creates N keys (DEBUG POPULATE N key 32, plus every 10th key given an
# expire), deletes every one of them with DEL (one command per key, pipelined), and checks that the allocator's
# bytes (INFO allocator_allocated) return to their value before the keys existed; then does it again and checks
# that the second round reuses the first one's slabs (allocator_resident does not grow).
# Usage: bench/offheap-leak.sh [N]   (default 10000000)
# The in-process version runs in the build: OffHeapKeyspaceMemoryTest (750 000 keys, two rounds).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-10000000}"
"$root/bin/cinnabar-server" --version >/dev/null   # builds the jar when needed
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
work="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$root/bin/cinnabar-server" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --enable-debug-command yes \
  --dir "$work" --logfile "$work/server.log" &
pid=$!
for _ in $(seq 1 600); do redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
field() { redis-cli -p "$port" info memory | awk -F: -v k="$1" '$1 == k {print $2}' | tr -d '\r'; }
# RESP for "DEL key:i" (or "PEXPIRE key:i ms") for i in [0, N)
cmds() { awk -v n="$N" -v c="$1" -v every="$2" 'BEGIN { for (i = 0; i < n; i += every) {
  k = "key:" i; if (c == "DEL") printf "*2\r\n$3\r\nDEL\r\n$%d\r\n%s\r\n", length(k), k;
  else printf "*3\r\n$7\r\nPEXPIRE\r\n$%d\r\n%s\r\n$9\r\n900000000\r\n", length(k), k } }'; }
base=$(field allocator_allocated)
status=0
for round in 1 2; do
  redis-cli -p "$port" debug populate "$N" key 32 >/dev/null
  cmds PEXPIRE 10 | redis-cli -p "$port" --pipe >/dev/null
  full=$(field allocator_allocated); resident=$(field allocator_resident)
  cmds DEL 1 | redis-cli -p "$port" --pipe >/dev/null
  left=$(field allocator_allocated); keys=$(redis-cli -p "$port" dbsize)
  echo "round $round: N=$N allocator_allocated base=$base full=$full after-delete=$left resident-full=$resident" \
    "resident-after=$(field allocator_resident) dbsize=$keys"
  [ "$left" = "$base" ] && [ "$keys" = 0 ] || { echo "LEAK: allocator bytes did not return" >&2; status=1; }
  if [ "$round" = 2 ] && [ "$resident" -gt "$first_resident" ]; then
    echo "NO REUSE: the second round held more ($resident) than the first ($first_resident)" >&2; status=1
  fi
  first_resident=${first_resident:-$resident}
done
[ "$status" = 0 ] && echo "ok: memory returned and reused"
exit "$status"
