#!/usr/bin/env bash
# What the launcher's JIT warm-up (cinnabar-jit-warmup, issue #12) costs at startup: starts bin/cinnabar-server with
# and without it, alternating, and prints per start the time until PING answers (launch to first +PONG, polled every
# 10 ms with a loopback client) and the CPU seconds (user+sys of the JVM) at that moment and 5 s later (the
# compilations queued by the warm-up, or by the first requests, land in between). With TRACE=1 the warm-up start
# also keeps -XX:+PrintCompilation and the debug log line in $work/warm-N.log, to check which methods reached tier 4
# before the listener opened.
# Usage: bench/warmup-startup.sh [rounds]   (default 3). CPU seconds are comparable on a busy machine; times are not.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
"$root/bin/cinnabar-server" --version >/dev/null   # builds the jar when needed
work="${WORK:-$(mktemp -d)}"
mkdir -p "$work"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_s() { awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($14+$15)/t}' "/proc/$1/stat"; }
ping_loop() { # seconds from epoch time $2 until +PONG on port $1 (python: no process start per poll)
  python3 - "$1" "$2" <<'PY'
import socket, sys, time
t0 = float(sys.argv[2])
while True:
    try:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
        s.sendall(b"PING\r\n")
        if s.recv(64).startswith(b"+PONG"):
            break
    except OSError:
        time.sleep(0.01)
print("%.3f" % (time.time() - t0))
PY
}
one() { # one start: $1 = yes|no, $2 = log file
  local port; port=$(free_port)
  local extra=""
  [ "${TRACE:-0}" = 1 ] && [ "$1" = yes ] && extra="-XX:+PrintCompilation"
  local t0; t0=$(date +%s.%N)
  CINNABAR_EXTRA_JAVA_OPTS="$extra" "$root/bin/cinnabar-server" --port "$port" --bind 127.0.0.1 --save '' \
    --appendonly no --loglevel debug --cinnabar-jit-warmup "$1" > "$2" 2>&1 &
  pid=$!
  local up; up=$(ping_loop "$port" "$t0")
  local c1; c1=$(cpu_s "$pid")
  sleep 5
  local c2; c2=$(cpu_s "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  printf '%-7s ping after %6.3f s   cpu at ping %5s s   cpu at ping+5s %5s s   %s\n' "warm-up=$1" "$up" "$c1" "$c2" \
    "$(grep -o 'JIT warm-up: .*' "$2" || true)"
}
for r in $(seq 1 "$rounds"); do
  one no "$work/cold-$r.log"
  one yes "$work/warm-$r.log"
done
echo "logs: $work"
