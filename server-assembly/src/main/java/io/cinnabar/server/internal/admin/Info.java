package io.cinnabar.server.internal.admin;


import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.persist.rdb.RdbPersistence;
import io.cinnabar.server.internal.command.Command;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.command.ScriptingInfo;
import io.cinnabar.server.internal.command.Stats;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.SnapshotBarrier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code INFO [section ...]}: Redis 7.2's sections and field names. Values come from the server's own counters;
 * memory figures are the JVM heap in use ({@code used_memory}) and the process's resident set from
 * {@code /proc/self/status} ({@code used_memory_rss}); persistence, replication and scripting report the idle
 * state of features this server does not implement yet.
 * <p><b>Note:</b> This class is not threadsafe (stateless).
 */
public final class Info {
    private Info() {
    }

    private static final List<String> DEFAULT = List.of("server", "clients", "memory", "persistence", "stats",
        "replication", "cpu", "module_list", "errorstats", "cluster", "keyspace");

    static void info(Client c) {
        Set<String> sections = new LinkedHashSet<>();
        if (c.argc == 1) {
            sections.addAll(DEFAULT);
        }
        for (int i = 1; i < c.argc; i++) {
            String s = c.argString(i).toLowerCase(Locale.ROOT);
            switch (s) {
                case "default" -> sections.addAll(DEFAULT);
                case "all" -> {
                    sections.addAll(DEFAULT);
                    sections.add("commandstats");
                    sections.add("latencystats");
                }
                case "everything" -> {
                    sections.addAll(DEFAULT);
                    sections.add("commandstats");
                    sections.add("latencystats");
                    sections.add("modules");
                }
                default -> sections.add(s);
            }
        }
        c.verbatim(generate(c.server, sections));
    }

    /** The text of the given sections, in Redis's order (sentinel mode serves its own INFO with these). */
    public static String generate(Server s, Set<String> sections) {
        StringBuilder b = new StringBuilder();
        String[] order = {"server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules",
            "module_list", "commandstats", "errorstats", "latencystats", "cluster", "keyspace", "debug"};
        for (String sec : order) {
            if (!sections.contains(sec) || sec.equals("module_list") && sections.contains("modules")) {
                continue;
            }
            if (b.length() > 0) {
                b.append("\r\n");
            }
            switch (sec) {
                case "server" -> server(s, b);
                case "clients" -> clients(s, b);
                case "memory" -> memory(s, b);
                case "persistence" -> persistence(s, b);
                case "stats" -> stats(s, b);
                case "replication" -> replication(s, b);
                case "cpu" -> cpu(b);
                case "modules", "module_list" -> b.append("# Modules\r\n");
                case "commandstats" -> commandstats(s, b);
                case "errorstats" -> errorstats(s, b);
                case "latencystats" -> latencystats(s, b);
                case "cluster" -> b.append("# Cluster\r\ncluster_enabled:").append(s.cluster != null ? 1 : 0).append("\r\n")
                    .append(s.cluster != null ? s.cluster.info() : "");
                case "debug" -> debug(s, b);
                default -> keyspace(s, b);
            }
        }
        return b.toString();
    }

    /**
     * Redis 7.2's experimental section, only when asked for by name (not in default, all or everything): the cron's
     * and the AOF's share of the loop's time, its longest cycle and the most commands one cycle ran.
     */
    private static void debug(Server s, StringBuilder b) {
        var t = s.stats;
        b.append("# Debug\r\n");
        f(b, "eventloop_duration_aof_sum", t.eventloopDurationAofSum);
        f(b, "eventloop_duration_cron_sum", t.eventloopDurationCronSum);
        f(b, "eventloop_duration_max", t.eventloopDurationMax);
        f(b, "eventloop_cmd_per_cycle_max", t.eventloopCmdPerCycleMax);
    }

    private static void f(StringBuilder b, String k, Object v) {
        b.append(k).append(':').append(v).append("\r\n");
    }

    static String human(long n) {
        double d = n;
        if (n < 1024) {
            return n + "B";
        }
        String[] u = {"K", "M", "G", "T", "P"};
        int i = -1;
        while (d >= 1024 && i < u.length - 1) {
            d /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.2f%s", d, u[i]);
    }

    private static void server(Server s, StringBuilder b) {
        long now = System.currentTimeMillis();
        long up = (now - s.startMs) / 1000;
        b.append("# Server\r\n");
        f(b, "redis_version", Config.VERSION);
        f(b, "redis_git_sha1", "00000000");
        f(b, "redis_git_dirty", 0);
        f(b, "redis_build_id", "0000000000000000");
        f(b, "redis_mode", s.mode);
        f(b, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"));
        f(b, "arch_bits", System.getProperty("sun.arch.data.model", "64"));
        f(b, "monotonic_clock", "JVM System.nanoTime");
        f(b, "multiplexing_api", "java.nio (" + (System.getProperty("os.name").startsWith("Linux") ? "epoll" : "poll")
            + ")");
        f(b, "atomicvar_api", "java");
        f(b, "gcc_version", "0.0.0");
        f(b, "process_id", s.log.pid());
        f(b, "process_supervised", "no");
        f(b, "run_id", s.runId);
        f(b, "tcp_port", s.config.get("port"));
        f(b, "server_time_usec", now * 1000);
        f(b, "uptime_in_seconds", up);
        f(b, "uptime_in_days", up / 86400);
        f(b, "hz", s.hz);
        f(b, "configured_hz", s.config.get("hz"));
        f(b, "lru_clock", s.keyspace.lruClock);
        f(b, "executable", System.getProperty("cinnabar.executable", ProcessHandle.current().info().command().orElse("")));
        f(b, "config_file", s.config.configFile == null ? "" : s.config.configFile.toString());
        f(b, "io_threads_active", 0);
        if (s.shutdownDeadlineMs() != 0) { // Redis: only while SHUTDOWN waits for lagging replicas
            f(b, "shutdown_in_milliseconds", s.shutdownDeadlineMs() - now);
        }
        int i = 0;
        if (s.loop != null) {
            for (String l : s.loop.listenerNames()) {
                if (l.equals("unix")) {
                    f(b, "listener" + i++, "name=unix,bind=" + s.config.get("unixsocket"));
                }
            }
            if (s.loop.port() != 0) {
                StringBuilder bind = new StringBuilder();
                for (String a : s.config.get("bind").split(" ")) {
                    bind.append(",bind=").append(a);
                }
                f(b, "listener" + i, "name=tcp" + bind + ",port=" + s.loop.port());
            }
        }
    }

    private static void clients(Server s, StringBuilder b) {
        b.append("# Clients\r\n");
        f(b, "connected_clients", s.clients.values().stream().filter(c -> c.replRole != Client.ROLE_REPLICA).count());
        f(b, "cluster_connections", s.cluster == null ? 0 : s.cluster.connections());
        f(b, "maxclients", s.maxclients);
        f(b, "client_recent_max_input_buffer", s.maxInputBufferSeen);
        f(b, "client_recent_max_output_buffer", s.maxOutputBufferSeen);
        f(b, "blocked_clients", s.blocking.blockedClients() + s.paused.size() // clients held by a pause count
            + (s.replication == null ? 0 : s.replication.blockedClients()) // WAIT and WAITAOF count, as in Redis
            + s.shutdownBlockedClients()); // so does a SHUTDOWN waiting for replicas (BLOCKED_SHUTDOWN)
        f(b, "tracking_clients", s.pubsub.trackingClients());
        f(b, "clients_in_timeout_table", s.blocking.clientsWithDeadline()
            + (s.replication == null ? 0 : s.replication.blockedWithDeadline()));
        f(b, "total_blocking_keys", s.blocking.blockingKeys());
        f(b, "total_blocking_keys_on_nokey", 0);
    }

    static long rss() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Runtime.getRuntime().totalMemory();
    }

    private static long systemMemory() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Runtime.getRuntime().maxMemory();
    }

    private static void memory(Server s, StringBuilder b) {
        Runtime r = Runtime.getRuntime();
        long used = s.usedMemory();
        long rss = rss();
        s.memPeak = Math.max(s.memPeak, used);
        long peak = s.memPeak;
        long startup = s.memStartup;
        long clientsMem = s.memory != null ? s.memory.clientsMemory() : 0;
        long keys = 0;
        for (var db : s.dbs) {
            keys += db.size();
        }
        // Redis's used_memory_overhead: startup, clients, the tables' arrays and every entry's header (20 bytes)
        long overhead = Math.min(used, startup + clientsMem + s.keyspace.dictOverhead() + keys * 20);
        long offAllocated = s.keyspace.offHeapAllocated();
        long offActive = s.keyspace.offHeapActive();
        long offResident = s.keyspace.offHeapResident();
        long dataset = Math.max(0, used - overhead);
        long sys = systemMemory();
        long maxmem = s.maxmemory;
        b.append("# Memory\r\n");
        f(b, "used_memory", used);
        f(b, "used_memory_human", human(used));
        f(b, "used_memory_rss", rss);
        f(b, "used_memory_rss_human", human(rss));
        f(b, "used_memory_peak", peak);
        f(b, "used_memory_peak_human", human(peak));
        f(b, "used_memory_peak_perc", String.format(Locale.ROOT, "%.2f%%", peak == 0 ? 0 : used * 100.0 / peak));
        f(b, "used_memory_overhead", overhead);
        f(b, "used_memory_startup", startup);
        f(b, "used_memory_dataset", dataset);
        f(b, "used_memory_dataset_perc", String.format(Locale.ROOT, "%.2f%%", used == 0 ? 0 : dataset * 100.0 / used));
        // the keyspace's off-heap allocators (slabs of direct memory) and the JVM heap, apart
        f(b, "used_memory_offheap", offAllocated);
        f(b, "used_memory_offheap_human", human(offAllocated));
        f(b, "used_memory_heap", r.totalMemory() - r.freeMemory());
        f(b, "used_memory_heap_human", human(r.totalMemory() - r.freeMemory()));
        f(b, "used_memory_heap_committed", r.totalMemory());
        f(b, "used_memory_heap_dataset", s.keyspace.heapDatasetBytes());
        f(b, "allocator_allocated", offAllocated);
        f(b, "allocator_active", offActive);
        f(b, "allocator_resident", offResident);
        f(b, "total_system_memory", sys);
        f(b, "total_system_memory_human", human(sys));
        ScriptingInfo sc = s.scripting;
        long vmEval = sc == null ? 0 : sc.evalVmMemory();
        long vmFunctions = sc == null ? 0 : sc.functionsVmMemory();
        long scriptsEval = sc == null ? 0 : sc.scriptsEvalMemory();
        long functionsMem = sc == null ? 0 : sc.functionsMemory();
        f(b, "used_memory_lua", vmEval);
        f(b, "used_memory_vm_eval", vmEval);
        f(b, "used_memory_lua_human", human(vmEval));
        f(b, "used_memory_scripts_eval", scriptsEval);
        f(b, "number_of_cached_scripts", sc == null ? 0 : sc.cachedScripts());
        f(b, "number_of_functions", sc == null ? 0 : sc.functionCount());
        f(b, "number_of_libraries", sc == null ? 0 : sc.libraryCount());
        f(b, "used_memory_vm_functions", vmFunctions);
        f(b, "used_memory_vm_total", vmEval + vmFunctions);
        f(b, "used_memory_vm_total_human", human(vmEval + vmFunctions));
        f(b, "used_memory_functions", functionsMem);
        f(b, "used_memory_scripts", scriptsEval + functionsMem);
        f(b, "used_memory_scripts_human", human(scriptsEval + functionsMem));
        f(b, "maxmemory", maxmem);
        f(b, "maxmemory_human", human(maxmem));
        f(b, "maxmemory_policy", s.config.get("maxmemory-policy"));
        // Redis's meanings over the off-heap allocators: frag = active / allocated (slabs held by few regions),
        // rss = resident / active (empty slabs kept for reuse)
        f(b, "allocator_frag_ratio", String.format(Locale.ROOT, "%.2f", offAllocated == 0 ? 1.0
            : (double) offActive / offAllocated));
        f(b, "allocator_frag_bytes", offActive - offAllocated);
        f(b, "allocator_rss_ratio", String.format(Locale.ROOT, "%.2f", offActive == 0 ? 1.0
            : (double) offResident / offActive));
        f(b, "allocator_rss_bytes", offResident - offActive);
        f(b, "rss_overhead_ratio", "1.00");
        f(b, "rss_overhead_bytes", 0);
        f(b, "mem_fragmentation_ratio", String.format(Locale.ROOT, "%.2f", used == 0 ? 0 : (double) rss / used));
        f(b, "mem_fragmentation_bytes", rss - used);
        f(b, "mem_not_counted_for_evict", s.memory != null ? s.memory.notCountedForEvict() : 0);
        f(b, "mem_replication_backlog", s.replication == null ? 0 : s.replication.backlogMemory());
        f(b, "mem_total_replication_buffers", s.replication == null ? 0 : s.replication.totalReplicationBuffers());
        f(b, "mem_clients_slaves", s.replication == null ? 0 : s.replication.replicaBuffersMemory());
        f(b, "mem_clients_normal", clientsMem);
        f(b, "mem_cluster_links", 0);
        f(b, "mem_aof_buffer", s.durability == null ? 0 : s.durability.bufferBytes());
        f(b, "mem_allocator", "cinnabar-slab");
        f(b, "active_defrag_running", s.keyspace.defragRunning());
        f(b, "lazyfree_pending_objects", s.memory != null ? s.memory.lazyfreePending() : 0);
        f(b, "lazyfreed_objects", s.memory != null ? s.memory.lazyfreed() : 0);
    }

    private static void persistence(Server s, StringBuilder b) {
        b.append("# Persistence\r\n");
        int replLoad = s.replication == null ? 0 : s.replication.loadingState();
        f(b, "loading", replLoad == 1 || s.loading.active ? 1 : 0);
        f(b, "async_loading", replLoad == 2 && !s.loading.active ? 1 : 0);
        // the running save's copy-before-write bytes stand for a child's copy-on-write (they only grow, so the peak
        // is the current figure, and they are current: age 0); progress and key counts of any save (BGSAVE, a full
        // resync's, an AOF rewrite's while it walks), as Redis counts them for any child
        SnapshotBarrier snap = s.keyspace.runningSnapshot();
        if (s.persistence instanceof RdbPersistence rdb && rdb.runningSave() != null) {
            snap = rdb.runningSave(); // also while its last bytes drain to the file, after the walk
        }
        long cow = snap == null ? 0 : snap.cowBytes();
        long processed = snap == null ? 0 : snap.keysProcessed();
        long total = snap == null ? 0 : snap.keysAtStart();
        f(b, "current_cow_peak", cow);
        f(b, "current_cow_size", cow);
        f(b, "current_cow_size_age", 0);
        f(b, "current_fork_perc", String.format(Locale.ROOT, "%.2f", total == 0 ? 0.0 : 100.0 * processed / total));
        f(b, "current_save_keys_processed", processed);
        f(b, "current_save_keys_total", total);
        if (s.persistence instanceof RdbPersistence rdb) {
            rdb.info(b);
        } else {
            f(b, "rdb_changes_since_last_save", s.keyspace.dirty);
            f(b, "rdb_bgsave_in_progress", 0);
            f(b, "rdb_last_save_time", s.lastSave);
            f(b, "rdb_last_bgsave_status", "ok");
            f(b, "rdb_last_bgsave_time_sec", -1);
            f(b, "rdb_current_bgsave_time_sec", -1);
            f(b, "rdb_saves", 0);
            f(b, "rdb_last_cow_size", 0);
            f(b, "rdb_last_load_keys_expired", 0);
            f(b, "rdb_last_load_keys_loaded", 0);
        }
        java.util.Map<String, Object> aof = new java.util.LinkedHashMap<>();
        s.durability.info(aof, false);
        aof.forEach((k, v) -> f(b, k, v));
        f(b, "module_fork_in_progress", 0);
        f(b, "module_fork_last_cow_size", 0);
        aof.clear();
        s.durability.info(aof, true);
        aof.forEach((k, v) -> f(b, k, v));
        if (s.loading.active || replLoad != 0) {
            s.loading.info(b, System.currentTimeMillis());
        }
    }

    private static void stats(Server s, StringBuilder b) {
        Stats t = s.stats;
        b.append("# Stats\r\n");
        f(b, "total_connections_received", t.connectionsReceived);
        f(b, "total_commands_processed", t.commandsProcessed);
        f(b, "instantaneous_ops_per_sec", t.instantaneous(Stats.M_OPS));
        f(b, "total_net_input_bytes", t.netInputBytes);
        f(b, "total_net_output_bytes", t.netOutputBytes);
        f(b, "total_net_repl_input_bytes", t.netReplInputBytes);
        f(b, "total_net_repl_output_bytes", t.netReplOutputBytes);
        f(b, "instantaneous_input_kbps", String.format(Locale.ROOT, "%.2f", t.instantaneous(Stats.M_IN) / 1024.0));
        f(b, "instantaneous_output_kbps", String.format(Locale.ROOT, "%.2f", t.instantaneous(Stats.M_OUT) / 1024.0));
        f(b, "instantaneous_input_repl_kbps", "0.00");
        f(b, "instantaneous_output_repl_kbps", "0.00");
        f(b, "rejected_connections", t.rejectedConnections);
        long[] sync = s.replication == null ? new long[3] : s.replication.syncStats();
        f(b, "sync_full", sync[0]);
        f(b, "sync_partial_ok", sync[1]);
        f(b, "sync_partial_err", sync[2]);
        f(b, "expired_keys", s.keyspace.expiredKeys);
        f(b, "expired_stale_perc", String.format(Locale.ROOT, "%.2f", s.keyspace.expiredStalePerc / 100.0));
        f(b, "expired_time_cap_reached_count", s.keyspace.expiredTimeCapReached);
        f(b, "expire_cycle_cpu_milliseconds", s.keyspace.expireCycleCpuMs);
        f(b, "evicted_keys", t.evictedKeys);
        f(b, "evicted_clients", t.evictedClients);
        f(b, "total_eviction_exceeded_time", 0);
        f(b, "current_eviction_exceeded_time", 0);
        f(b, "keyspace_hits", s.keyspace.hits);
        f(b, "keyspace_misses", s.keyspace.misses);
        f(b, "pubsub_channels", s.pubsub.serverChannels());
        f(b, "pubsub_patterns", s.pubsub.serverPatterns());
        f(b, "pubsubshard_channels", s.pubsub.serverShardChannels());
        f(b, "latest_fork_usec", s.stats.latestForkUsec);
        f(b, "total_forks", s.stats.totalForks);
        f(b, "migrate_cached_sockets", s.migrateCachedSockets.getAsInt());
        f(b, "slave_expires_tracked_keys", s.keyspace.replicaExpiresTracked());
        var ds = s.keyspace.defragStats();
        f(b, "active_defrag_hits", ds.hits);
        f(b, "active_defrag_misses", ds.misses);
        f(b, "active_defrag_key_hits", ds.keyHits);
        f(b, "active_defrag_key_misses", ds.keyMisses);
        f(b, "total_active_defrag_time", s.keyspace.defragTotalTimeMs());
        f(b, "current_active_defrag_time", s.keyspace.defragCurrentTimeMs());
        f(b, "tracking_total_keys", s.pubsub.trackingKeys());
        f(b, "tracking_total_items", s.pubsub.trackingItems());
        f(b, "tracking_total_prefixes", s.pubsub.trackingPrefixes());
        f(b, "unexpected_error_replies", t.unexpectedErrorReplies);
        f(b, "total_error_replies", t.totalErrorReplies);
        f(b, "dump_payload_sanitizations", t.dumpPayloadSanitizations);
        f(b, "total_reads_processed", t.readsProcessed);
        f(b, "total_writes_processed", t.writesProcessed);
        f(b, "io_threaded_reads_processed", 0);
        f(b, "io_threaded_writes_processed", 0);
        f(b, "reply_buffer_shrinks", t.replyBufferShrinks);
        f(b, "reply_buffer_expands", t.replyBufferExpands);
        f(b, "eventloop_cycles", t.eventloopCycles);
        f(b, "eventloop_duration_sum", t.eventloopDurationSum);
        f(b, "eventloop_duration_cmd_sum", t.eventloopDurationCmdSum);
        f(b, "instantaneous_eventloop_cycles_per_sec", t.instantaneous(Stats.M_CYCLES));
        f(b, "instantaneous_eventloop_duration_usec", t.instantaneous(Stats.M_DURATION));
        f(b, "acl_access_denied_auth", t.aclDeniedAuth);
        f(b, "acl_access_denied_cmd", t.aclDeniedCmd);
        f(b, "acl_access_denied_key", t.aclDeniedKey);
        f(b, "acl_access_denied_channel", t.aclDeniedChannel);
    }

    private static void replication(Server s, StringBuilder b) {
        if (s.replication != null) {
            s.replication.info(b);
            return;
        }
        b.append("# Replication\r\n");
        f(b, "role", "master");
        f(b, "connected_slaves", 0);
        f(b, "master_failover_state", "no-failover");
        f(b, "master_replid", s.replId);
        f(b, "master_replid2", "0000000000000000000000000000000000000000");
        f(b, "master_repl_offset", 0);
        f(b, "second_repl_offset", -1);
        f(b, "repl_backlog_active", 0);
        f(b, "repl_backlog_size", s.config.get("repl-backlog-size"));
        f(b, "repl_backlog_first_byte_offset", 0);
        f(b, "repl_backlog_histlen", 0);
    }

    /** utime and stime in seconds from a /proc stat file, or zeros. */
    private static double[] cpuTimes(String path) {
        try {
            String st = Files.readString(Path.of(path));
            String[] t = st.substring(st.lastIndexOf(')') + 2).split(" ");
            double hz = 100.0;
            return new double[] {Long.parseLong(t[11]) / hz, Long.parseLong(t[12]) / hz,
                Long.parseLong(t[13]) / hz, Long.parseLong(t[14]) / hz};
        } catch (IOException | RuntimeException e) {
            return new double[4];
        }
    }

    private static void cpu(StringBuilder b) {
        double[] p = cpuTimes("/proc/self/stat");
        double[] m = cpuTimes("/proc/thread-self/stat");
        b.append("# CPU\r\n");
        f(b, "used_cpu_sys", String.format(Locale.ROOT, "%.6f", p[1]));
        f(b, "used_cpu_user", String.format(Locale.ROOT, "%.6f", p[0]));
        f(b, "used_cpu_sys_children", String.format(Locale.ROOT, "%.6f", p[3]));
        f(b, "used_cpu_user_children", String.format(Locale.ROOT, "%.6f", p[2]));
        f(b, "used_cpu_sys_main_thread", String.format(Locale.ROOT, "%.6f", m[1]));
        f(b, "used_cpu_user_main_thread", String.format(Locale.ROOT, "%.6f", m[0]));
    }

    private static List<Command> usedCommands(Server s) {
        List<Command> out = new ArrayList<>();
        for (Command c : s.commands.known().values()) {
            addUsed(c, out);
        }
        return out;
    }

    private static void addUsed(Command c, List<Command> out) {
        if (c.calls > 0 || c.rejectedCalls > 0 || c.failedCalls > 0) {
            out.add(c);
        }
        for (Command sub : c.subcommands.values()) {
            addUsed(sub, out);
        }
    }

    private static void commandstats(Server s, StringBuilder b) {
        b.append("# Commandstats\r\n");
        for (Command c : usedCommands(s)) {
            f(b, "cmdstat_" + c.fullName, "calls=" + c.calls + ",usec=" + c.usec + ",usec_per_call="
                + String.format(Locale.ROOT, "%.2f", c.calls == 0 ? 0.0 : (double) c.usec / c.calls)
                + ",rejected_calls=" + c.rejectedCalls + ",failed_calls=" + c.failedCalls);
        }
    }

    private static void errorstats(Server s, StringBuilder b) {
        b.append("# Errorstats\r\n");
        for (Map.Entry<String, Long> e : s.stats.errors.entrySet()) {
            f(b, "errorstat_" + e.getKey(), "count=" + e.getValue());
        }
    }

    private static void latencystats(Server s, StringBuilder b) {
        b.append("# Latencystats\r\n");
        String[] pcts = s.config.get("latency-tracking-info-percentiles").split(" ");
        for (Command c : usedCommands(s)) {
            if (c.latency.total() == 0) {
                continue;
            }
            StringBuilder v = new StringBuilder();
            for (String p : pcts) {
                if (p.isEmpty()) {
                    continue;
                }
                if (v.length() > 0) {
                    v.append(',');
                }
                byte[] pb = p.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                v.append('p').append(p).append('=').append(String.format(Locale.ROOT, "%.3f",
                    c.latency.percentile(io.cinnabar.sds.Numbers.parseDouble(pb, 0, pb.length))));
            }
            f(b, "latency_percentiles_usec_" + c.fullName, v);
        }
    }

    private static void keyspace(Server s, StringBuilder b) {
        b.append("# Keyspace\r\n");
        for (Db d : s.dbs) {
            if (d.size() > 0) {
                f(b, "db" + d.id, "keys=" + d.size() + ",expires=" + d.expiresCount() + ",avg_ttl=" + d.avgTtl);
            }
        }
    }
}
