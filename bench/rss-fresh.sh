#!/usr/bin/env bash
# RSS growth per key of DEBUG POPULATE right after a start (issue #12's per-key goal, measured as a user would):
# start the server, PING, RSS, DEBUG POPULATE N key 32, RSS one second and fifteen seconds later. Cinnabar with the
# launcher's defaults (bin/cinnabar-server: the JIT warm-up in the background), Cinnabar with CINNABAR_JIT_WARMUP=no,
# and redis-server, ROUNDS times each, one server at a time.
# Usage: bench/rss-fresh.sh [N]   (default 1000000). Environment: ROUNDS=3; CINNABAR_JAR (a copied jar, as
# bench/latency.sh); DELAY=s waits s seconds between the PING and the first RSS reading (0: the populate starts
# with the server, during the launcher's background JIT warm-up). Run it on an idle machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-1000000}"
ROUNDS="${ROUNDS:-3}"
command -v redis-server >/dev/null || { echo "needs redis-server: apt-get install -y redis-server" >&2; exit 1; }
"$root/bin/cinnabar-server" --version >/dev/null   # builds the jar when needed
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
work="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
one() { # label: one start, prints "label +1s +15s" in bytes per key
  local label="$1" port r0 r1 r2
  port=$(free_port)
  rm -rf "${work:?}/dir"; mkdir "$work/dir"
  case "$label" in
    cinnabar-default) (unset CINNABAR_JIT_WARMUP; exec "$root/bin/cinnabar-server" --port "$port" --bind 127.0.0.1 \
      --save '' --appendonly no --enable-debug-command yes --dir "$work/dir") >/dev/null 2>&1 & ;;
    cinnabar-no) CINNABAR_JIT_WARMUP=no "$root/bin/cinnabar-server" --port "$port" --bind 127.0.0.1 --save '' \
      --appendonly no --enable-debug-command yes --dir "$work/dir" >/dev/null 2>&1 & ;;
    redis) redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --enable-debug-command yes \
      --dir "$work/dir" >/dev/null 2>&1 & ;;
  esac
  for _ in $(seq 1 600); do redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && break; sleep 0.05; done
  pid=$(redis-cli -p "$port" info server | awk -F: '/^process_id/ {print $2}' | tr -d '\r')
  sleep "${DELAY:-0}"
  r0=$(rss_kb "$pid")
  redis-cli -p "$port" debug populate "$N" key 32 >/dev/null
  sleep 1; r1=$(rss_kb "$pid")
  sleep 14; r2=$(rss_kb "$pid")
  awk -v l="$label" -v a=$((r1 - r0)) -v b=$((r2 - r0)) -v n="$N" \
    'BEGIN { printf "%-17s %8.1f %8.1f\n", l, a * 1024 / n, b * 1024 / n }'
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  pid=""
}
echo "bench/rss-fresh.sh N=$N rounds=$ROUNDS delay=${DELAY:-0}s ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "RSS growth per key (bytes) after DEBUG POPULATE $N key 32 right after a start"
printf "%-17s %8s %8s\n" server "+1 s" "+15 s"
for _ in $(seq 1 "$ROUNDS"); do
  for s in cinnabar-default cinnabar-no redis; do one "$s"; done
done
