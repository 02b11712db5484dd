#!/usr/bin/env bash
# Time to the first PING (and CPU seconds then) of a server jar started as bench/redis-suite.sh's wrapper starts it
# (java -XX:+UseParallelGC -Xmn64m -Xss512k -jar JAR ...): an older jar without the JIT warm-up, then the new one with
# CINNABAR_JIT_WARMUP=no (what the wrapper sets), then the new one with the warm-up on; alternating, rounds times.
# Usage: bench/warmup-jar-ping.sh OLD_JAR NEW_JAR [rounds]   (copy the jars first: a rebuild mid-run mixes versions)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/bin/lib/jdk.sh"
old_jar="$1"; new_jar="$2"; rounds="${3:-3}"
one() { # $1 label, $2 jar, $3 env value
  local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  local t0; t0=$(date +%s.%N)
  CINNABAR_JIT_WARMUP=$3 $JAVA -XX:+UseParallelGC -Xmn64m -Xss512k -jar "$2" --port $port --bind 127.0.0.1 --save '' >/dev/null 2>&1 &
  local pid=$!
  local up; up=$(python3 - $port $t0 <<'PY'
import socket, sys, time
t0=float(sys.argv[2])
while True:
    try:
        s=socket.create_connection(("127.0.0.1",int(sys.argv[1])),timeout=30); s.sendall(b"PING\r\n")
        if s.recv(64).startswith(b"+PONG"): break
    except OSError: time.sleep(0.01)
print("%.3f"%(time.time()-t0))
PY
)
  local cpu; cpu=$(awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($14+$15)/t}' /proc/$pid/stat)
  kill $pid; wait $pid 2>/dev/null
  echo "$1 ping after $up s, cpu at ping $cpu s"
}
for _ in $(seq 1 "$rounds"); do
  one "old jar             " "$old_jar" ""
  one "new jar, warm-up no " "$new_jar" no
  one "new jar, warm-up yes" "$new_jar" yes
done
