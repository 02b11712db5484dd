# The launcher's default JVM options (bin/cinnabar-server, when CINNABAR_JAVA_OPTS is unset), chosen by measurement:
# see the server README, "Launcher JVM flags". Sourced after bin/lib/jdk.sh (which sets JAVA).
# cinnabar_default_java_opts [server arguments...]   prints the options on one line.
cinnabar_default_java_opts() {
  local opts="-XX:+UseParallelGC -Xmn64m -Xss512k" ram_kb jv
  ram_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null || true)
  # the keyspace lives in direct memory: maxmemory, not the JVM, bounds it, as for redis-server
  [ -n "$ram_kb" ] && opts+=" -XX:MaxDirectMemorySize=$((ram_kb / 1024))m"
  jv=$(cinnabar_java_version "$JAVA"); jv=${jv%%.*}
  if [ "$jv" -ge 25 ] 2>/dev/null; then
    opts+=" -XX:+UseCompactObjectHeaders"
  elif [ "$jv" -ge 24 ] 2>/dev/null; then
    opts+=" -XX:+UnlockExperimentalVMOptions -XX:+UseCompactObjectHeaders"
  fi
  # Transparent huge pages for the heap where the kernel offers them on request (THP "madvise", or "always"): the
  # heap's page faults and TLB misses were the set phase's tail on a VM where a 4 KiB fault costs ~11 us
  # (CINNABAR_JIT_WARMUP=yes bench/latency.sh, three rounds each, session 16: set p99 3.8-5.2 ms in six rounds with
  # it vs 6.8-8.7 in three without, Redis 4.1-11.6; server README, "Launcher JVM flags"). Idle RSS +8-11 MB.
  # Left out where THP is "never" (the JVM would warn) and with
  # CINNABAR_HUGE_PAGES=no (a host whose fragmented memory makes huge-page faults compact synchronously).
  # CINNABAR_THP_FILE names the kernel's setting file (tests).
  local thp="${CINNABAR_THP_FILE:-/sys/kernel/mm/transparent_hugepage/enabled}"
  if [ "${CINNABAR_HUGE_PAGES:-yes}" != no ] && grep -qE '\[(always|madvise)\]' "$thp" 2>/dev/null; then
    opts+=" -XX:+UseTransparentHugePages"
  fi
  # With the JIT warm-up asked for (CINNABAR_JIT_WARMUP=yes, or --cinnabar-jit-warmup yes on the command line, which
  # wins; a config file's line is not seen here) and as root, the compiler threads run at nice 19: what little the
  # JIT still compiles after the warm-up then waits for an idle core instead of taking one from the event loop (set
  # phase of bench/latency.sh: p99/p99.9/max 3.1/5.1-5.4/7.1 ms vs 3.9-4.1/6.1/8.1-9.1; server README, session 11).
  # Only with the warm-up before the listener (yes): without it, or with it in the background (background, which
  # shares the cores with the first clients), a loaded machine would leave the request path interpreted. Only as
  # root: -XX:ThreadPriorityPolicy=1 makes the JVM warn at every start otherwise (lowering a priority needs no
  # permission: add the flags to CINNABAR_EXTRA_JAVA_OPTS to have them as another user). With them, Java's
  # MIN_PRIORITY is nice 19 too: the thread that zeroes a keyspace growth's 64 MiB slab ahead of time (Buckets.Pool)
  # asks for it, and its 30 ms of CPU then yield to the event loop (the slab's part of bench/latency-threads.sh
  # 5000000 500000 4, three runs each, session 12: p99 3.10/3.10/3.10 ms vs 4.00/4.14/4.10 at nice 0).
  # The launcher's own default is background (bin/cinnabar-server passes -Dcinnabar.jitWarmup.default=background; the
  # server applies it to a standalone server whose file and command line do not name the option, not to a cluster
  # node or a sentinel, which still get the compile thresholds below: harmless without the warm-up).
  local warm="${CINNABAR_JIT_WARMUP:-background}" prev="" a
  for a in "$@"; do
    [ "$prev" = "--cinnabar-jit-warmup" ] && warm="$a"
    prev="$a"
  done
  # With the warm-up (yes or background), the event loop's methods compile at a tenth of the JIT's thresholds: they
  # run once per ready socket or per loop turn, not per command, and the warm-up's rounds left
  # EventLoop.handle/read/write/iterate at tier 3 (jcmd Compiler.codelist after four warm-up starts), compiled by C2
  # under the user's first load. C2 CPU
  # in the first 1 M SETs after a warm-up start: 66/66 ms with it vs 125/145 without (bench/latency-threads.sh
  # 5000000 1000000 1, session 12). quiet: the JVM would print the command at start. After the warm-up the launcher
  # moves the compiler threads to SCHED_IDLE (internal.warmup.IdleThreads): with a fixed set of them
  # (-UseDynamicNumberOfCompilerThreads) none is started later at the default policy.
  if [ "${warm,,}" = yes ] || [ "${warm,,}" = background ]; then
    opts+=" -XX:CompileCommand=quiet -XX:CompileCommand=CompileThresholdScaling,io.cinnabar.server.internal.net.EventLoop::*,0.1"
    opts+=" -XX:-UseDynamicNumberOfCompilerThreads"
  fi
  # In the background the warm-up's 60 000 commands leave the request path at tier 3 (C1 with profiling) when C2's
  # queue is long: HotSpot raises the tier-4 thresholds with the queue's length (Tier4LoadFeedback, 3 by default), so
  # the methods reached them only under the user's first load, and C2 compiled them there (-XX:+PrintCompilation of
  # the set phase: Server::call, EventLoop::iterate, StringCommands::setGeneric, ... compiled in its first second).
  # A feedback of 1000 keeps the thresholds where they are: the warm-up gets them to C2. Set phase of bench/latency.sh
  # (5 M keys, 4 M SETs, four rounds each, session 20, with the minute at SCHED_IDLE): p99 3.18-3.44 ms vs 3.10-4.24
  # without it, Redis 7.0.15 4.10-5.22 the same day.
  if [ "${warm,,}" = background ]; then
    opts+=" -XX:Tier4LoadFeedback=1000"
  fi
  if [ "${warm,,}" = yes ] && [ "$(id -u)" = 0 ]; then
    opts+=" -XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=19 -XX:JavaPriority1_To_OSPriority=19"
  fi
  printf '%s\n' "$opts"
}
