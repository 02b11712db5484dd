#!/usr/bin/env bash
# RDB persistence, Cinnabar vs Redis on this machine, with N keys (DEBUG POPULATE N key 32):
#   save      wall time of SAVE, and the file size
#   load      "DB loaded from disk: X seconds" from each server's log after a restart on that file
#   bgsave    memory during BGSAVE while redis-benchmark overwrites random keys (SET, -P 16): the peak extra
#             memory over the dataset. Redis: its fork child's private dirty pages (what copy-on-write copied),
#             sampled from /proc/<child>/smaps_rollup. Cinnabar (no fork): the snapshot's peak buffered bytes
#             (its log line "Snapshot buffers: peak N bytes"), plus, for reference, the peak of JVM heap in use
#             (DEBUG JMAP heap_used) during the save minus the peak under the same write load without a save
#             (noisy: young-generation garbage moves it by megabytes). Both as a percentage of the dataset (used_memory
#             of Redis after the populate; heap in use after the populate for Cinnabar).
# Usage: bench/persistence.sh [N]   (default 1000000; run it on an idle machine, numbers swing with load)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-1000000}"
command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null || {
  echo "needs redis-server and redis-benchmark: apt-get install -y redis-server redis-tools" >&2; exit 1; }
. "$root/bin/lib/jdk.sh"
"$root/bin/cinnabar-server" --version >/dev/null   # builds the jar when needed

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 600); do redis-cli -p "$1" ping 2>/dev/null | grep -q PONG && return 0; sleep 0.1; done; return 1; }
now() { date +%s.%N; }
info() { redis-cli -p "$1" info "$2" | awk -F: -v k="$3" '$1==k {print $2}' | tr -d '\r'; }
heap() { redis-cli -p "$1" debug jmap | tr -d '\r' | awk -F: '/^heap_used/ {print $2}'; }

work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/c" "$work/r"

start_ours() { # port
  "$root/bin/cinnabar-server" --port "$1" --bind 127.0.0.1 --save "" --enable-debug-command yes \
    --dir "$work/c" --logfile "$work/c/log" & pids+=($!); wait_up "$1"; }
start_redis() {
  redis-server --port "$1" --bind 127.0.0.1 --save "" --appendonly no --enable-debug-command yes \
    --dir "$work/r" --logfile "$work/r/log" --daemonize no & pids+=($!); wait_up "$1"; }

cp=$(free_port); rp=$(free_port)
start_ours "$cp"; start_redis "$rp"
for p in "$cp" "$rp"; do redis-cli -p "$p" debug populate "$N" key 32 >/dev/null; done

declare -A res
for side in ours redis; do
  if [ $side = ours ]; then p=$cp; d="$work/c"; else p=$rp; d="$work/r"; fi
  t0=$(now); redis-cli -p "$p" save >/dev/null; t1=$(now)
  res[$side,save]=$(echo "$t1 - $t0" | bc -l)
  res[$side,size]=$(stat -c %s "$d/dump.rdb")
done

# memory during BGSAVE under a write load
load() { redis-benchmark -p "$1" -t set -r "$N" -d 32 -n $((N * 4)) -P 16 -c 20 -q >/dev/null 2>&1 & echo $!; }
opid=$(info "$cp" server process_id)
"$JAVA_HOME_21/bin/jcmd" "$opid" GC.run >/dev/null 2>&1 || true   # the dataset without garbage
base_ours=$(heap "$cp")
data_redis=$(info "$rp" memory used_memory)
# Cinnabar: the heap peak of the write load alone, then with a BGSAVE (stretched by nothing: a real save)
bp=$(load "$cp"); peak_plain=0
for _ in $(seq 1 30); do h=$(heap "$cp"); [ "$h" -gt "$peak_plain" ] && peak_plain=$h; sleep 0.1; done
kill "$bp" 2>/dev/null || true; wait "$bp" 2>/dev/null || true
bp=$(load "$cp"); sleep 0.5; redis-cli -p "$cp" bgsave >/dev/null; peak_save=0
while true; do
  h=$(heap "$cp"); [ "$h" -gt "$peak_save" ] && peak_save=$h
  [ "$(info "$cp" persistence rdb_bgsave_in_progress)" = 0 ] && break; sleep 0.05
done
kill "$bp" 2>/dev/null || true; wait "$bp" 2>/dev/null || true
heap_extra=$(( peak_save > peak_plain ? peak_save - peak_plain : 0 ))
# what the snapshot itself holds beyond the dataset: its chunk queue at its peak (copy-before-write records
# included), from the log line the save ends with
extra_ours=$(grep -o 'Snapshot buffers: peak [0-9]*' "$work/c/log" | tail -1 | awk '{print $4}')
# Redis: the child's private dirty memory (copy-on-write) while the write load runs
rpid=$(info "$rp" server process_id)
bp=$(load "$rp"); sleep 0.5; redis-cli -p "$rp" bgsave >/dev/null; cow=0
while true; do
  child=$(pgrep -P "$rpid" | head -1 || true)
  if [ -n "$child" ] && [ -r "/proc/$child/smaps_rollup" ]; then
    kb=$(awk '/^Private_Dirty/ {print $2}' "/proc/$child/smaps_rollup" 2>/dev/null || echo 0)
    [ -n "$kb" ] && [ "$((kb * 1024))" -gt "$cow" ] && cow=$((kb * 1024))
  fi
  [ "$(info "$rp" persistence rdb_bgsave_in_progress)" = 0 ] && break; sleep 0.05
done
kill "$bp" 2>/dev/null || true; wait "$bp" 2>/dev/null || true

# startup load of the saved files
redis-cli -p "$cp" save >/dev/null; redis-cli -p "$rp" save >/dev/null
redis-cli -p "$cp" shutdown nosave >/dev/null 2>&1 || true
redis-cli -p "$rp" shutdown nosave >/dev/null 2>&1 || true
sleep 1
cp=$(free_port); rp=$(free_port)
start_ours "$cp"; start_redis "$rp"
res[ours,load]=$(grep -o 'DB loaded from disk: [0-9.]*' "$work/c/log" | tail -1 | awk '{print $5}')
res[redis,load]=$(grep -o 'DB loaded from disk: [0-9.]*' "$work/r/log" | tail -1 | awk '{print $5}')

printf '%-34s %14s %14s %8s\n' "N=$N keys, 32-byte values" Cinnabar Redis ratio
printf '%-34s %14.3f %14.3f %8.2f\n' "SAVE (s)" "${res[ours,save]}" "${res[redis,save]}" \
  "$(echo "${res[ours,save]} / ${res[redis,save]}" | bc -l)"
printf '%-34s %14d %14d %8.2f\n' "file size (bytes)" "${res[ours,size]}" "${res[redis,size]}" \
  "$(echo "${res[ours,size]} / ${res[redis,size]}" | bc -l)"
printf '%-34s %14.3f %14.3f %8.2f\n' "startup load (s)" "${res[ours,load]}" "${res[redis,load]}" \
  "$(echo "${res[ours,load]} / ${res[redis,load]}" | bc -l)"
printf '%-34s %14d %14d\n' "dataset (heap in use / used_memory)" "$base_ours" "$data_redis"
printf '%-34s %14d %14d\n' "extra memory during BGSAVE (bytes)" "$extra_ours" "$cow"
printf '%-34s %14d %14s\n' "heap peak delta vs same load (noisy)" "$heap_extra" "-"
printf '%-34s %13.1f%% %13.1f%%\n' "extra / dataset" "$(echo "100 * $extra_ours / $base_ours" | bc -l)" \
  "$(echo "100 * $cow / $data_redis" | bc -l)"
