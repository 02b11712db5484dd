#!/usr/bin/env bash
# CPU cost of a background save, Cinnabar vs Redis (issue #12's bgsave phase), in CPU time, which a shared machine
# inflates much less than wall time. Per server, after DEBUG POPULATE N key 32:
#   idle:   one BGSAVE with no load: its duration (rdb_last_bgsave_time_sec and wall), the CPU it cost (Cinnabar:
#           the event-loop thread and the whole process; Redis: the child, from the parent's cutime+cstime once it
#           reaped it) and per key; Redis's copy-on-write line from its log.
#   loaded: redis-benchmark -t set -r N -d 32 -c 50 -P 16 running; CPU per request of the thread that serves
#           (Cinnabar: cinnabar-event-loop, /proc/PID/task/TID/stat; Redis: its main thread) over a WINDOW-second
#           window without a snapshot, then over a window while a BGSAVE runs (requests counted from INFO stats'
#           total_commands_processed, keys from INFO persistence's current_save_keys_processed); the save must still
#           be in progress at the window's end. Cinnabar's walk runs on the event loop: its cost per key is the
#           window's CPU less the requests at the first window's cost per request, over the keys saved. Redis's
#           child: its own CPU over the keys saved.
# Usage: bench/snapshot-cpu.sh [N]  (default 5000000)   Environment: WINDOW=3, CINNABAR_JAR (another jar),
#   JFR=file.jfr (records Cinnabar's loaded snapshot window with JFR's profile settings; the window's CPU then
#   includes JFR's own cost)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-5000000}"; WINDOW="${WINDOW:-3}"
command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null || { echo "needs redis-server" >&2; exit 1; }
[ -n "${CINNABAR_JAR:-}" ] || "$root/bin/cinnabar-server" --version >/dev/null   # builds the jar when needed
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 600); do redis-cli -p "$1" ping 2>/dev/null | grep -q PONG && return 0; sleep 0.1; done; return 1; }
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
hz=$(getconf CLK_TCK)
. "$root/bin/lib/jdk.sh"; jcmd="$(dirname "$JAVA")/jcmd"
ticks() { awk '{ print $14 + $15 }' "$1"; }
cticks() { awk '{ print $16 + $17 }' "$1"; }
info() { redis-cli -p "$1" info "$2" | tr -d '\r' | awk -F: -v k="$3" '$1 == k { print $2 }'; }
in_progress() { info "$1" persistence rdb_bgsave_in_progress; }
wait_saved() { while [ "$(in_progress "$1")" = 1 ]; do sleep 0.05; done; }
tid_of() { # pid name: the thread id of the thread called name
  for t in /proc/"$1"/task/*; do [[ "$(cat "$t/comm")" == "${2:0:15}" ]] && { basename "$t"; return; }; done; echo "$1"; }
ms() { echo $(( $1 * 1000 / hz )); }

start() { # name port
  mkdir -p "$work/$1"
  if [ "$1" = cinnabar ]; then
    "$root/bin/cinnabar-server" --port "$2" --bind 127.0.0.1 --save '' \
      --appendonly no --enable-debug-command yes --dir "$work/$1" --logfile "$work/$1/log" &
  else
    redis-server --port "$2" --bind 127.0.0.1 --save '' --appendonly no --enable-debug-command yes \
      --dir "$work/$1" --logfile "$work/$1/log" &
  fi
  pids+=($!)
  wait_up "$2"
}

measure() { # name
  local name=$1 port pid tid b0 c0 w0 b1 c1 w1 t0 t1 bp q0 q1 bench base_us=0
  port=$(free_port)
  start "$name" "$port"
  pid=$(info "$port" server process_id)
  redis-cli -p "$port" debug populate "$N" key 32 >/dev/null
  if [ "$name" = cinnabar ]; then tid=$(tid_of "$pid" cinnabar-event-loop); else tid=$pid; fi
  # warm-up save (the JIT), untimed
  redis-cli -p "$port" bgsave >/dev/null; sleep 0.2; wait_saved "$port"
  # idle BGSAVE
  b0=$(ticks "/proc/$pid/task/$tid/stat"); w0=$(ticks "/proc/$pid/stat"); c0=$(cticks "/proc/$pid/stat")
  t0=$(date +%s.%N)
  redis-cli -p "$port" bgsave >/dev/null; sleep 0.2; wait_saved "$port"
  t1=$(date +%s.%N)
  b1=$(ticks "/proc/$pid/task/$tid/stat"); w1=$(ticks "/proc/$pid/stat"); c1=$(cticks "/proc/$pid/stat")
  local loop=$(ms $((b1 - b0))) proc=$(ms $((w1 - w0))) child=$(ms $((c1 - c0)))
  local save=$child; [ "$name" = cinnabar ] && save=$proc
  printf "%-8s idle BGSAVE of %d keys: wall %.2f s, rdb_last_bgsave_time_sec %s; CPU ms: saver %d (%.0f ns/key)" \
    "$name" "$N" "$(echo "$t1 - $t0" | bc -l)" "$(info "$port" persistence rdb_last_bgsave_time_sec)" "$save" \
    "$(echo "$save * 1000000 / $N" | bc -l)"
  if [ "$name" = cinnabar ]; then printf ", of which event loop %d, other threads %d\n" "$loop" $((proc - loop));
  else printf ", main thread meanwhile %d; %s\n" "$loop" "$(grep -oE '(RDB: .*copy-on-write|Fork CoW.*)' "$work/$name/log" | tail -2 | tr '\n' ' ')"; fi
  # loaded: without, then with a snapshot
  redis-benchmark -p "$port" -t set -n 400000000 -r "$N" -d 32 -c 50 -P 16 -q >/dev/null 2>&1 &
  bench=$!
  sleep 3
  window() { # label
    local k0 k1 child="" s0=0 s1=0
    child=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null | awk '{print $1}')
    [ -n "$child" ] && s0=$(ticks "/proc/$child/stat")
    q0=$(info "$port" stats total_commands_processed); b0=$(ticks "/proc/$pid/task/$tid/stat")
    k0=$(info "$port" persistence current_save_keys_processed)
    sleep "$WINDOW"
    q1=$(info "$port" stats total_commands_processed); b1=$(ticks "/proc/$pid/task/$tid/stat")
    k1=$(info "$port" persistence current_save_keys_processed)
    [ -n "$child" ] && s1=$(ticks "/proc/$child/stat" 2>/dev/null || echo "$s0")
    printf "%-8s loaded, %-22s serving thread %6d ms CPU for %9d requests: %.3f us/request; keys saved %d" \
      "$name" "$1:" "$(ms $((b1 - b0)))" $((q1 - q0)) "$(echo "$(ms $((b1 - b0))) * 1000 / ($q1 - $q0)" | bc -l)" \
      $((k1 - k0))
    if [ -n "$child" ] && [ $((k1 - k0)) -gt 0 ]; then
      printf "; child %d ms CPU: %.0f ns/key" "$(ms $((s1 - s0)))" "$(echo "$(ms $((s1 - s0))) * 1000000 / ($k1 - $k0)" | bc -l)"
    elif [ "$name" = cinnabar ] && [ $((k1 - k0)) -gt 0 ]; then
      printf "; the walk, over the requests' cost without a snapshot: %.0f ns/key" \
        "$(echo "($(ms $((b1 - b0))) - ($q1 - $q0) * $base_us / 1000) * 1000000 / ($k1 - $k0)" | bc -l)"
    fi
    echo
    base_us=$(echo "$(ms $((b1 - b0))) * 1000 / ($q1 - $q0)" | bc -l)
  }
  window "no snapshot"
  redis-cli -p "$port" bgsave >/dev/null; sleep 0.5
  if [ -n "${JFR:-}" ] && [ "$name" = cinnabar ]; then "$jcmd" "$pid" JFR.start name=snap settings=profile >/dev/null; fi
  window "snapshot in progress"
  if [ -n "${JFR:-}" ] && [ "$name" = cinnabar ]; then "$jcmd" "$pid" JFR.stop name=snap filename="$JFR" >/dev/null; fi
  [ "$(in_progress "$port")" = 1 ] || echo "$name: the save ended within the window (raise N or lower WINDOW)"
  kill "$bench" 2>/dev/null || true; wait "$bench" 2>/dev/null || true
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  wait "${pids[-1]}" 2>/dev/null || true
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
measure cinnabar
measure redis
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
