#!/usr/bin/env bash
# Runs Redis 7.0.15's own tcl test suite (Debian's source tarball of the redis-server package installed here) against
# this repository's server: the suite starts "src/redis-server <config>", which here is a wrapper that execs a copy of
# the built cinnabar-server.jar (a copy, so that a source edit never triggers a rebuild in the middle of a run).
# Usage: bench/redis-suite.sh [unit ...]   (default: unit/type/incr unit/type/string unit/multi unit/pubsub)
# Environment: WORK=dir (default ${TMPDIR:-/tmp}/cinnabar-redis-suite), BASEPORT=32111, ARGS="--tags -slow" (extra
# runtest arguments). Needs tclsh (apt-get install -y tcl) and redis-tools. Prints runtest's summary per unit.
# Nothing of the suite is copied into this repository: our own tests cover what it finds.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${WORK:-${TMPDIR:-/tmp}/cinnabar-redis-suite}"
tarball="redis_7.0.15.orig.tar.gz"
mkdir -p "$work"
if [ ! -x "$work/redis/runtest" ]; then
  [ -f "$work/$tarball" ] || curl -fsS -o "$work/$tarball" "http://deb.debian.org/debian/pool/main/r/redis/$tarball"
  mkdir -p "$work/redis"
  tar xzf "$work/$tarball" -C "$work/redis" --strip-components=1
fi
jar="$root/server-assembly/target/cinnabar-server.jar"
"$root/bin/cinnabar-server" --version > /dev/null # (re)builds the jar when it is missing or older than the sources
cp "$jar" "$work/cinnabar-server.jar"
mkdir -p "$work/redis/src"
. "$root/bin/lib/jdk.sh"
cat > "$work/redis/src/redis-server" <<WRAP
#!/usr/bin/env bash
# no JIT warm-up (cinnabar-jit-warmup): the suite starts hundreds of servers and waits for each one's PING
export CINNABAR_JIT_WARMUP=\${CINNABAR_JIT_WARMUP:-no}
exec "$JAVA" -XX:+UseParallelGC -Xmn64m -Xss512k -jar "$work/cinnabar-server.jar" "\$@"
WRAP
chmod +x "$work/redis/src/redis-server"
for t in cli benchmark check-aof check-rdb; do ln -sf "/usr/bin/redis-$t" "$work/redis/src/redis-$t"; done
units=("$@")
[ ${#units[@]} -gt 0 ] || units=(unit/type/incr unit/type/string unit/multi unit/pubsub)
rc=0
cd "$work/redis"
for u in "${units[@]}"; do
  log="$work/$(echo "$u" | tr / _).log"
  # shellcheck disable=SC2086
  ./runtest --single "$u" --clients 1 --timeout 120 --baseport "${BASEPORT:-32111}" --portcount 1000 ${ARGS:-} \
    > "$log" 2>&1 || rc=1
  plain=$(sed 's/\x1b\[[0-9;]*m//g' "$log") # runtest colours its [ok]/[err] tags
  printf '%-28s ok %4d  err %3d  exceptions %d   (%s)\n' "$u" "$(grep -c '^\[ok\]' <<< "$plain" || true)" \
    "$(grep -c '^\[err\]' <<< "$plain" || true)" "$(grep -c '^\[exception\]' <<< "$plain" || true)" "$log"
done
exit "$rc"
