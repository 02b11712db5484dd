package io.cinnabar.server.internal.admin;

import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.Entry;
import java.util.Locale;

/**
 * The MEMORY command (Redis's {@code memoryCommand} in {@code object.c}).
 * <pre>
 *   USAGE key [SAMPLES n]   Redis's estimate for the key, computed with Redis's allocator sizes by the value
 *                           itself (Entry.memoryUsage / TypedValue.memoryUsage), so it compares with Redis's
 *   STATS                   7.2's fields; the figures are the JVM's: total.allocated is the heap in use,
 *                           allocator.* the committed heap and the resident set, db.N overheads the key table
 *   DOCTOR                  Redis's report and thresholds, applied to those figures
 *   MALLOC-STATS            the JVM heap figures as text (there is no jemalloc to ask)
 *   PURGE                   asks the JVM for a collection (System.gc), Redis's "purge dirty pages"
 * </pre>
 * USAGE is O(samples) (O(rax nodes) more for a stream with consumer groups); STATS is O(clients + databases).
 * <p><b>Note:</b> This class is not threadsafe; it runs on the event-loop thread.
 */
public final class MemoryCommands {
    /** OBJ_COMPUTE_SIZE_DEF_SAMPLES. */
    static final long DEFAULT_SAMPLES = 5;

    private MemoryCommands() {
    }

    public static void register(CommandTable t) {
        t.impl("memory|usage", MemoryCommands::usage);
        t.impl("memory|stats", MemoryCommands::stats);
        t.impl("memory|doctor", c -> c.verbatim(doctor(Figures.of(c.server))));
        t.impl("memory|malloc-stats", MemoryCommands::mallocStats);
        t.impl("memory|purge", c -> {
            System.gc();
            c.ok();
        });
        t.impl("memory|help", MemoryCommands::help);
    }

    static void usage(Client c) {
        long samples = DEFAULT_SAMPLES;
        for (int j = 3; j < c.argc; j++) {
            if (c.argIs(j, "samples") && j + 1 < c.argc) {
                if (!c.argLong(j + 1)) {
                    return;
                }
                samples = c.ctx.tmp[0];
                if (samples < 0) {
                    c.error("ERR syntax error");
                    return;
                }
                if (samples == 0) {
                    samples = Long.MAX_VALUE;
                }
                j++;
            } else {
                c.error("ERR syntax error");
                return;
            }
        }
        Entry e = c.db.find(c.argBuf, c.argOff[2], c.argLen[2]);
        if (e == null) {
            c.nullBulk();
            return;
        }
        c.integer(e.memoryUsage(samples));
    }

    /** The figures MEMORY STATS and DOCTOR report (Redis's redisMemOverhead), taken from the JVM. */
    record Figures(long peak, long total, long startup, long clientsNormal, int clients, long[][] dbs,
                   long overheadTotal, long keys, long dataset, long heapCommitted, long rss, long offAllocated,
                   long offActive, long offResident) {

        static Figures of(Server s) {
            Runtime r = Runtime.getRuntime();
            long total = s.usedMemory();
            s.memPeak = Math.max(s.memPeak, total);
            long clientsMem = s.memory != null ? s.memory.clientsMemory() : 0;
            long overhead = s.memStartup + clientsMem;
            long keys = 0;
            int nonEmpty = 0;
            for (Db db : s.dbs) {
                nonEmpty += db.size() > 0 ? 1 : 0;
            }
            long[][] dbs = new long[nonEmpty][];
            int i = 0;
            for (Db db : s.dbs) {
                if (db.size() == 0) {
                    continue;
                }
                // Redis's overhead.hashtable.*: bucket arrays and dictEntries of the dict and the expires dict
                long main = db.buckets() * 8L + db.size() * 24L;
                long expires = db.dictOverhead() - db.buckets() * 8L;
                dbs[i++] = new long[] {db.id, main, expires};
                overhead += main + expires;
                keys += db.size();
            }
            long dataset = Math.max(0, total - overhead);
            return new Figures(s.memPeak, total, s.memStartup, clientsMem, s.clients.size(), dbs, overhead, keys,
                dataset, r.totalMemory(), Info.rss(), s.keyspace.offHeapAllocated(), s.keyspace.offHeapActive(),
                s.keyspace.offHeapResident());
        }

        /** The off-heap allocators' active / allocated (Redis's allocator-fragmentation.ratio). */
        double allocatorFrag() {
            return offAllocated == 0 ? 1.0 : (double) offActive / offAllocated;
        }

        /** The off-heap allocators' resident / active (empty slabs kept for reuse). */
        double allocatorRss() {
            return offActive == 0 ? 1.0 : (double) offResident / offActive;
        }

        double totalFrag() {
            return total == 0 ? 0 : (double) rss / total;
        }
    }

    static void stats(Client c) {
        Figures f = Figures.of(c.server);
        c.map(27 + f.dbs.length);
        field(c, "peak.allocated", f.peak);
        field(c, "total.allocated", f.total);
        field(c, "startup.allocated", f.startup);
        field(c, "replication.backlog", 0);
        field(c, "clients.slaves", 0);
        field(c, "clients.normal", f.clientsNormal);
        field(c, "cluster.links", 0);
        field(c, "aof.buffer", 0);
        field(c, "lua.caches", 0);
        field(c, "functions.caches", 0);
        for (long[] db : f.dbs) {
            c.bulk("db." + db[0]);
            c.map(3);
            field(c, "overhead.hashtable.main", db[1]);
            field(c, "overhead.hashtable.expires", db[2]);
            field(c, "overhead.hashtable.slot-to-keys", 0);
        }
        field(c, "overhead.total", f.overheadTotal);
        field(c, "keys.count", f.keys);
        field(c, "keys.bytes-per-key", f.keys == 0 ? 0 : (f.total - f.startup) / f.keys);
        field(c, "dataset.bytes", f.dataset);
        long net = f.total - f.startup;
        c.bulk("dataset.percentage");
        c.dbl(net <= 0 ? 0 : f.dataset * 100.0 / net);
        c.bulk("peak.percentage");
        c.dbl(f.peak == 0 ? 0 : f.total * 100.0 / f.peak);
        field(c, "allocator.allocated", f.offAllocated);
        field(c, "allocator.active", f.offActive);
        field(c, "allocator.resident", f.offResident);
        c.bulk("allocator-fragmentation.ratio");
        c.dbl(f.allocatorFrag());
        field(c, "allocator-fragmentation.bytes", f.offActive - f.offAllocated);
        c.bulk("allocator-rss.ratio");
        c.dbl(f.allocatorRss());
        field(c, "allocator-rss.bytes", f.offResident - f.offActive);
        c.bulk("rss-overhead.ratio");
        c.dbl(1.0);
        field(c, "rss-overhead.bytes", 0);
        c.bulk("fragmentation");
        c.dbl(f.totalFrag());
        field(c, "fragmentation.bytes", f.rss - f.total);
    }

    private static void field(Client c, String name, long v) {
        c.bulk(name);
        c.integer(v);
    }

    /** Redis's getMemoryDoctorReport, its thresholds applied to the JVM figures. */
    static String doctor(Figures f) {
        if (f.total < 5L << 20) {
            return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used "
                + "in these conditions. Please, leave for your mission on Earth and fill it with some data. The new "
                + "Sam and I will be back to our programming as soon as I finished rebooting.\n";
        }
        StringBuilder s = new StringBuilder();
        if (f.peak > f.total * 1.5) {
            s.append(" * Peak memory: In the past this instance used more than 150% the memory that is currently "
                + "using. The allocator is normally not able to release memory after a peak, so you can expect to "
                + "see a big fragmentation ratio, however this is actually harmless and is only due to the memory "
                + "peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the "
                + "memory will be used as soon as you fill the Redis instance with more data. If the memory peak was "
                + "only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, "
                + "otherwise the only other option is to shutdown and restart the instance.\n\n");
        }
        if (f.totalFrag() > 1.4 && f.rss - f.total > 10L << 20) {
            s.append(" * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 "
                + "(this means that the Resident Set Size of the Redis process is much larger than the sum of the "
                + "logical allocations Redis performed). This problem is usually due either to a large peak memory "
                + "(check if there is a peak memory entry above in the report) or may result from a workload that "
                + "causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there "
                + "is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc "
                + "malloc. Note: The currently used allocator is \"cinnabar-slab\".\n\n");
        }
        if (f.allocatorFrag() > 1.1 && f.offActive - f.offAllocated > 10L << 20) {
            s.append(" * High allocator fragmentation: This instance has an allocator external fragmentation greater "
                + "than 1.1. This problem is usually due either to a large peak memory (check if there is a peak "
                + "memory entry above in the report) or may result from a workload that causes the allocator to "
                + "fragment memory a lot. You can try enabling 'activedefrag' config option.\n\n");
        }
        if (f.allocatorRss() > 1.1 && f.offResident - f.offActive > 10L << 20) {
            s.append(" * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 "
                + "(this means that the Resident Set Size of the allocator is much larger than the sum what the "
                + "allocator actually holds). This problem is usually due to a large peak memory (check if there is "
                + "a peak memory entry above in the report), you can try the MEMORY PURGE command to reclaim "
                + "it.\n\n");
        }
        if (f.clients > 0 && f.clientsNormal / f.clients > 1024 * 200) {
            s.append(" * Big client buffers: The clients output buffers in this instance are greater than 200K per "
                + "client (on average). This may result from different causes, like Pub/Sub clients subscribed to "
                + "channels bot not receiving data fast enough, so that data piles on the Redis instance output "
                + "buffer, or clients sending commands with large replies or very large sequences of commands in the "
                + "same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes "
                + "problems in your instance, or to understand better why certain clients are using a big amount of "
                + "memory.\n\n");
        }
        if (s.isEmpty()) {
            return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on "
                + "this base.\n";
        }
        return "Sam, I detected a few issues in this Redis instance memory implants:\n\n" + s
            + "I'm here to keep you safe, Sam. I want to help you.\n";
    }

    static void mallocStats(Client c) {
        Runtime r = Runtime.getRuntime();
        long used = r.totalMemory() - r.freeMemory();
        c.bulk(String.format(Locale.ROOT, "___ Begin JVM heap statistics ___\n"
                + "Allocator: jvm-heap (this server runs on the JVM; there is no jemalloc)\n"
                + "heap.used: %d\nheap.committed: %d\nheap.free: %d\nheap.max: %d\nprocess.rss: %d\n"
                + "--- End JVM heap statistics ---\n",
            used, r.totalMemory(), r.freeMemory(), r.maxMemory(), Info.rss()));
    }

    static void help(Client c) {
        c.help("MEMORY", new String[] {
            "DOCTOR",
            "    Return memory problems reports.",
            "MALLOC-STATS",
            "    Return internal statistics report from the memory allocator.",
            "PURGE",
            "    Attempt to purge dirty pages for reclamation by the allocator.",
            "STATS",
            "    Return information about the memory usage of the server.",
            "USAGE <key> [SAMPLES <count>]",
            "    Return memory in bytes used by <key> and its value. Nested values are",
            "    sampled up to <count> times (default: 5, 0 means sample all)."});
    }
}
