package io.cinnabar.server.internal.admin;

import io.cinnabar.sds.Numbers;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Loading;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.config.Glob;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.keyspace.Keyspace;
import io.cinnabar.server.internal.keyspace.RedisSizes;
import io.cinnabar.server.internal.keyspace.mem.OffHeapKeyTable;
import io.cinnabar.server.internal.persist.TypeDump;
import io.cinnabar.server.internal.persist.rdb.RdbPersistence;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * {@code DEBUG} subcommands for tests and operators: SLEEP, POPULATE, SET-ACTIVE-EXPIRE, OBJECT, JMAP (JVM heap
 * summary), SEGFAULT/PANIC/ASSERT ({@link CrashReport}), SET-SKIP-CHECKSUM-VALIDATION, AOF-FLUSH-SLEEP,
 * CHANGE-REPL-ID, STRINGMATCH-LEN, PROTOCOL, LISTPACK and QUICKLIST-PACKED-THRESHOLD ({@link DebugLists}),
 * HELP. Refused unless {@code enable-debug-command} allows it
 * ("yes", or "local" for loopback and Unix-socket connections), with Redis's error text.
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class Debug {
    private Debug() {
    }

    /** The subcommands refused while a load runs: they load, write or read keys. */
    private static final java.util.Set<String> LOADING_DENIED = java.util.Set.of("reload", "loadaof", "populate",
        "replicate", "digest", "digest-value", "object", "htstats-key", "listpack");

    static void debug(Client c) {
        String mode = c.server.debugCommand;
        if (!(mode.equals("yes") || mode.equals("local") && ServerCommands.isLocal(c))) {
            c.error("ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can "
                + "run it from a local connection, otherwise you need to set this option in the configuration file, "
                + "and then restart the server.");
            return;
        }
        if (c.server.loading.active && c.argc > 1 && LOADING_DENIED.contains(c.argString(1).toLowerCase(Locale.ROOT))) {
            // DEBUG runs during a load (its command flag) but these would re-enter the loader or read half a dataset
            c.error(Loading.ERROR);
            return;
        }
        if (c.argIs(1, "help") && c.argc == 2) {
            c.help("DEBUG", new String[] {
                "CHANGE-REPL-ID",
                "    Change the replication IDs of the instance.",
                "    Dangerous: should be used only for testing the replication subsystem.",
                "CLUSTERLINK KILL <to|from|all> <node-id>",
                "    Kills the link based on the direction to/from (both) with the provided node.",
                "DIGEST",
                "    Output a hex signature representing the current DB content.",
                "DIGEST-VALUE <key> [<key> ...]",
                "    Output a hex signature of the values of all the specified keys.",
                "DROP-CLUSTER-PACKET-FILTER <packet-type>",
                "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
                "ASSERT",
                "    Crash by assertion failed (a crash report in the log, then SIGABRT).",
                "AOF-FLUSH-SLEEP <microsec>",
                "    Server will sleep before flushing the AOF, this is used for testing.",
                "LOG <message>",
                "    Write <message> to the server log.",
                "ERROR <string>",
                "    Return a Redis protocol error with <string> as message. Useful for clients",
                "    unit tests to simulate Redis errors.",
                "HTSTATS <dbid> [full]",
                "    Return hash table statistics of the specified Redis database.",
                "HTSTATS-KEY <key> [full]",
                "    Like HTSTATS but for the hash table stored at <key>'s value.",
                "JMAP",
                "    Show the JVM heap in use, committed and maximum (Cinnabar).",
                "LOADAOF",
                "    Flush the AOF buffers on disk and reload the AOF in memory.",
                "REPLICATE <string>",
                "    Replicates the provided string to replicas, allowing data divergence.",
                "LISTPACK <key>",
                "    Show low level info about the listpack encoding of <key>.",
                "OBJECT <key>",
                "    Show low level info about the `key` and associated value.",
                "PANIC",
                "    Crash the server simulating a panic.",
                "PAUSE-CRON <0|1>",
                "    Stop periodic cron job processing.",
                "POPULATE <count> [<prefix>] [<size>]",
                "    Create <count> string keys named key:<num>. If <prefix> is specified then",
                "    it is used instead of the 'key' prefix. These are not propagated to",
                "    replicas. Cluster slots are not respected so keys not belonging to the",
                "    current node can be created in cluster mode.",
                "PROTOCOL <type>",
                "    Reply with a test value of the specified type. <type> can be: string,",
                "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
                "    true, false.",
                "RELOAD [option ...]",
                "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
                "    * MERGE: conflicting keys will be loaded from RDB.",
                "    * NOFLUSH: the existing database will not be removed before load, but",
                "      conflicting keys will generate an exception and kill the server.",
                "    * NOSAVE: the database will be loaded from an existing RDB file.",
                "    Examples:",
                "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
                "      the database.",
                "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
                "      existing RDB file.",
                "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
                "      file to the database.",
                "QUICKLIST-PACKED-THRESHOLD <size>",
                "    Sets the threshold for elements to be inserted as plain vs packed nodes",
                "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
                "SDSLEN <key>",
                "    Show low level SDS string info representing `key` and value.",
                "SEGFAULT",
                "    Crash the server with sigsegv (Cinnabar: Redis's signal 11 report, then SIGABRT).",
                "SET-ACTIVE-EXPIRE <0|1>",
                "    Setting it to 0 disables expiring keys in background when they are not",
                "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
                "    default.",
                "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
                "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
                "SLEEP <seconds>",
                "    Stop the server for <seconds>. Decimals allowed.",
                "STRINGMATCH-LEN",
                "    Run a fuzz tester against the stringmatchlen() function."});
        } else if (c.argIs(1, "loadaof") && c.argc == 2) {
            boolean loaded;
            try {
                loaded = ((io.cinnabar.server.internal.persist.aof.AppendOnlyFile) c.server.durability).debugLoadAof();
            } catch (Loading.Aborted e) {
                return; // a SHUTDOWN during the load succeeded: the event loop stops at its next iteration
            }
            if (!loaded) {
                c.server.log.warning("Redis is now ready to exit, bye bye...");
                Runtime.getRuntime().halt(1);
            }
            c.ok();
        } else if (c.argIs(1, "reload")) {
            reload(c);
        } else if (c.argIs(1, "digest") && c.argc == 2) {
            c.simple(new Digest().dataset(c.server.keyspace));
        } else if (c.argIs(1, "digest-value") && c.argc >= 2) {
            Digest d = new Digest();
            c.array(c.argc - 2);
            for (int j = 2; j < c.argc; j++) {
                // not a lookup: a debug command works on logically expired keys too
                c.simple(d.value(c.db, c.db.find(c.argBuf, c.argOff[j], c.argLen[j])));
            }
        } else if (c.argIs(1, "log") && c.argc == 3) {
            c.server.log.warning("DEBUG LOG: " + c.argString(2));
            c.ok();
        } else if (c.argIs(1, "error") && c.argc == 3) {
            // the argument as the error line itself, newlines made spaces; not counted in the error statistics
            byte[] msg = c.arg(2);
            byte[] line = new byte[msg.length + 3];
            line[0] = '-';
            for (int i = 0; i < msg.length; i++) {
                line[i + 1] = msg[i] == '\r' || msg[i] == '\n' ? (byte) ' ' : msg[i];
            }
            line[line.length - 2] = '\r';
            line[line.length - 1] = '\n';
            c.raw(line);
        } else if (c.argIs(1, "client-eviction") && c.argc == 2) {
            String buckets = c.server.memory == null ? null : c.server.memory.clientEvictionBuckets();
            if (buckets == null) {
                c.error("ERR maxmemory-clients is disabled.");
            } else {
                c.verbatim(buckets);
            }
        } else if (c.argIs(1, "replybuffer") && c.argc == 4) {
            if (c.argIs(2, "peak-reset-time")) {
                if (c.argIs(3, "never")) {
                    c.server.replyBufferPeakResetTime = -1;
                } else if (c.argIs(3, "reset")) {
                    c.server.replyBufferPeakResetTime = 5000;
                } else {
                    if (!c.argLong(3)) {
                        return;
                    }
                    c.server.replyBufferPeakResetTime = c.ctx.tmp[0];
                }
            } else if (c.argIs(2, "resizing")) {
                c.server.replyBufferResizing = atoi(c.arg(3)) != 0;
            } else {
                c.error("ERR unknown subcommand or wrong number of arguments for '" + c.argString(1)
                    + "'. Try DEBUG HELP.");
                return;
            }
            c.ok();
        } else if (c.argIs(1, "pause-cron") && c.argc == 3) {
            c.server.pauseCron = atoi(c.arg(2)) != 0;
            c.ok();
        } else if (c.argIs(1, "sleep") && c.argc == 3) {
            sleep(c);
        } else if (c.argIs(1, "populate") && c.argc >= 3 && c.argc <= 5) {
            populate(c);
        } else if (c.argIs(1, "set-disable-deny-scripts") && c.argc == 3) {
            c.server.disableDenyScripts = atoi(c.arg(2)) != 0;
            c.ok();
        } else if (c.argIs(1, "set-active-expire") && c.argc == 3) {
            if (!c.argLong(2)) {
                return;
            }
            c.server.keyspace.activeExpireEnabled = c.ctx.tmp[0] != 0;
            c.ok();
        } else if (c.argIs(1, "replicate") && c.argc >= 3) {
            if (c.server.replication != null) {
                byte[][] argv = new byte[c.argc - 2][];
                for (int i = 2; i < c.argc; i++) {
                    argv[i - 2] = c.arg(i);
                }
                c.server.replication.feedAsIs(argv);
            }
            c.ok();
        } else if (c.argIs(1, "object") && c.argc == 3) {
            object(c);
        } else if (c.argIs(1, "htstats") && c.argc >= 3) {
            htstats(c);
        } else if (c.argIs(1, "htstats-key") && c.argc >= 3) {
            htstatsKey(c);
        } else if (c.argIs(1, "sdslen") && c.argc == 3) {
            sdslen(c);
        } else if (c.argIs(1, "config-rewrite-force-all") && c.argc == 2) {
            configRewriteForceAll(c);
        } else if (c.argIs(1, "jmap") && c.argc == 2) {
            Runtime r = Runtime.getRuntime();
            c.verbatim("heap_used:" + (r.totalMemory() - r.freeMemory()) + "\r\nheap_committed:" + r.totalMemory()
                + "\r\nheap_max:" + r.maxMemory() + "\r\n");
        } else if (c.argIs(1, "change-repl-id") && c.argc == 2) {
            c.server.replId = Server.randomHex(40);
            if (c.server.replication != null) {
                c.server.replication.clearSecondaryId(); // Redis: changeReplicationId + clearReplicationId2
            }
            c.ok();
        } else if (c.argIs(1, "stringmatch-len") && c.argc == 2) {
            stringmatchFuzz();
            c.simple("Apparently Redis did not crash: test passed");
        } else if (c.argIs(1, "protocol") && c.argc == 3) {
            protocol(c);
        } else if (c.argIs(1, "listpack") && c.argc == 3) {
            DebugLists.listpack(c);
        } else if (c.argIs(1, "quicklist-packed-threshold") && c.argc == 3) {
            DebugLists.packedThreshold(c);
        } else if (c.argIs(1, "drop-cluster-packet-filter") && c.argc == 3) {
            if (!c.argLong(2)) {
                return;
            }
            if (c.server.cluster instanceof io.cinnabar.server.internal.cluster.Cluster cl) {
                cl.dropPacketFilter(c.ctx.tmp[0]);
            }
            c.ok();
        } else if (c.argIs(1, "clusterlink") && c.argc == 5 && c.argIs(2, "kill")) {
            if (!(c.server.cluster instanceof io.cinnabar.server.internal.cluster.Cluster cl)) {
                c.error("ERR Debug option only available for cluster mode enabled setup!");
                return;
            }
            // Redis replies the direction error and then OK as well (two replies); one reply here
            String err = cl.killLink(c.argString(3), c.argString(4));
            if (err != null) {
                c.error("ERR " + err);
            } else {
                c.ok();
            }
        } else if (c.argIs(1, "segfault")) {
            CrashReport.segfault(c.server);
        } else if (c.argIs(1, "panic")) {
            CrashReport.panic(c.server, "DEBUG PANIC called at Unix time " + System.currentTimeMillis() / 1000,
                "Debug.java", 0);
        } else if (c.argIs(1, "assert")) {
            CrashReport.assertion(c.server, "Debug.java", 0, "1 == 2");
        } else if (c.argIs(1, "set-skip-checksum-validation") && c.argc == 3) {
            c.server.skipChecksumValidation = atoi(c.arg(2)) != 0;
            c.ok();
        } else if (c.argIs(1, "aof-flush-sleep") && c.argc == 3) {
            if (c.server.durability instanceof io.cinnabar.server.internal.persist.aof.AppendOnlyFile aof) {
                aof.flushSleepMicros(atoi(c.arg(2)));
            }
            c.ok();
        } else {
            c.error("ERR unknown subcommand or wrong number of arguments for '" + c.argString(1)
                + "'. Try DEBUG HELP.");
        }
    }

    /** DEBUG HTSTATS dbid [full]: the stats of a database's key table and of its keys with an expire (7.2's text). */
    private static void htstats(Client c) {
        if (!c.argLong(2)) {
            return;
        }
        long dbid = c.ctx.tmp[0];
        if (dbid < 0 || dbid >= c.server.keyspace.dbs.length) {
            c.error("ERR Out of range database");
            return;
        }
        boolean full = c.argc >= 4 && c.argIs(3, "full");
        Db db = c.server.keyspace.dbs[(int) dbid];
        c.verbatim("[Dictionary HT]\n" + db.keysStats(full) + "[Expires HT]\n" + db.expiresStats(full));
    }

    /** DEBUG HTSTATS-KEY key [full]: the stats of the hash table of a hashtable-encoded set or hash, or a zset's. */
    private static void htstatsKey(Client c) {
        boolean full = c.argc >= 4 && c.argIs(3, "full");
        Entry e = c.server.lookupQuiet(c.db, c.argBuf, c.argOff[2], c.argLen[2]);
        if (e == null) {
            c.error(Shared.NO_SUCH_KEY);
            return;
        }
        io.cinnabar.dict.Dict<?> ht = switch (e.value()) {
            case io.cinnabar.server.internal.type.set.SetValue s -> s.hashTable();
            case io.cinnabar.server.internal.type.zset.ZSetValue z -> z.hashTable();
            case io.cinnabar.server.internal.type.hash.HashValue h -> h.ht;
            case null, default -> null;
        };
        if (ht == null) {
            c.error("ERR The value stored at the specified key is not represented using an hash table");
            return;
        }
        c.verbatim(ht.stats(full));
    }

    /** DEBUG CONFIG-REWRITE-FORCE-ALL: CONFIG REWRITE writing every option, those at their default too. */
    private static void configRewriteForceAll(Client c) {
        if (c.server.config.configFile == null) {
            c.error("ERR CONFIG-REWRITE-FORCE-ALL failed: the server is running without a config file");
            return;
        }
        try {
            io.cinnabar.server.internal.config.ConfigRewrite.rewrite(c.server.config, null, true);
            c.ok();
        } catch (java.io.IOException e) {
            c.error("ERR CONFIG-REWRITE-FORCE-ALL failed: " + e.getMessage());
        }
    }

    /** DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]. */
    private static void reload(Client c) {
        boolean merge = false;
        boolean noflush = false;
        boolean nosave = false;
        for (int j = 2; j < c.argc; j++) {
            if (c.argIs(j, "merge")) {
                merge = true;
            } else if (c.argIs(j, "noflush")) {
                noflush = true;
            } else if (c.argIs(j, "nosave")) {
                nosave = true;
            } else {
                c.error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
                return;
            }
        }
        if (!(c.server.persistence instanceof RdbPersistence rdb)) {
            c.error("ERR DEBUG RELOAD needs RDB persistence");
            return;
        }
        String err = rdb.debugReload(merge, noflush, nosave);
        if (err != null) {
            c.error(err);
            return;
        }
        c.server.log.notice("DB reloaded by DEBUG RELOAD");
        c.ok();
    }

    /** C's atoi: optional blanks and sign, then the leading digits; 0 when there are none. */
    static long atoi(byte[] b) {
        int i = 0;
        while (i < b.length && (b[i] == ' ' || b[i] >= '\t' && b[i] <= '\r')) {
            i++;
        }
        boolean neg = i < b.length && b[i] == '-';
        if (i < b.length && (b[i] == '-' || b[i] == '+')) {
            i++;
        }
        long v = 0;
        while (i < b.length && b[i] >= '0' && b[i] <= '9' && v < Integer.MAX_VALUE) {
            v = v * 10 + (b[i++] - '0');
        }
        return neg ? -v : v;
    }

    private static void sleep(Client c) {
        // Redis reads the number with strtod and ignores what follows it ("0.5s" sleeps half a second, "x" not at all)
        byte[] arg = c.arg(2);
        double secs = new io.cinnabar.sds.Strtod().parse(arg, 0, io.cinnabar.sds.Strtod.cStringLength(arg, 0, arg.length))
            .value();
        // C converts secs * 1e6 to long long; out of range (inf, nan, huge) x86 gives LLONG_MIN, i.e. no sleep
        double us = secs * 1e6;
        long usec = us > -9.223372036854776E18 && us < 9.223372036854776E18 ? (long) us : 0;
        if (usec > 0) {
            // nanosleep for the microseconds; the software watchdog's expiry ends it early, as its SIGALRM does
            c.server.watchdog.sleep(usec > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : usec * 1000);
        }
        c.ok();
    }

    private static final byte[] VALUE = "value:".getBytes(StandardCharsets.ISO_8859_1);

    private static void populate(Client c) {
        if (!Numbers.string2ll(c.argBuf, c.argOff[2], c.argLen[2], c.ctx.tmp) || c.ctx.tmp[0] < 0) {
            c.error("ERR value is out of range, must be positive");
            return;
        }
        long count = c.ctx.tmp[0];
        String prefix = c.argc >= 4 ? c.argString(3) : "key";
        long size = -1;
        if (c.argc == 5) {
            if (!Numbers.string2ll(c.argBuf, c.argOff[4], c.argLen[4], c.ctx.tmp) || c.ctx.tmp[0] < 0) {
                c.error("ERR value is out of range, must be positive");
                return;
            }
            size = c.ctx.tmp[0];
        }
        // Redis's dictTryExpand fails when the bucket array cannot be allocated (it then answers this error); ours
        // holds at most MAX_BUCKETS buckets, and a value longer than proto-max-bulk-len would be a string no
        // command could make (Redis allocates it and crashes)
        if (count > OffHeapKeyTable.MAX_BUCKETS) {
            c.error("ERR OOM in dictTryExpand");
            return;
        }
        if (size > c.server.protoMaxBulkLen || size > Integer.MAX_VALUE - 16) {
            c.error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
            return;
        }
        byte[] pfx = (prefix + ":").getBytes(StandardCharsets.ISO_8859_1);
        byte[] buf = new byte[pfx.length + 21];
        System.arraycopy(pfx, 0, buf, 0, pfx.length);
        // the value is Redis's "value:<j>", cut or padded with zero bytes to size when a size other than 0 is given;
        // both buffers are reused from key to key (the table copies what it stores): a populate makes no garbage
        // per key, so its RSS growth is the keys' own memory (without, 250 bytes of heap garbage per key filled the
        // young generation and its survivor spaces)
        byte[] val = new byte[(int) Math.max(size, VALUE.length + 20)];
        System.arraycopy(VALUE, 0, val, 0, VALUE.length);
        Db db = c.db;
        // Redis's dictExpand(db, count) first: the table is sized for the keys at once, so neither the populate nor
        // the commands after it pay an incremental rehash that Redis does not have (a bigger table: no-op)
        db.expand(count);
        for (long j = 0; j < count; j++) {
            int klen = pfx.length + Numbers.ll2string(j, buf, pfx.length);
            if (db.find(buf, 0, klen) != null) {
                continue;
            }
            int vlen = VALUE.length + Numbers.ll2string(j, val, VALUE.length);
            if (size > 0) {
                if (vlen < size) {
                    java.util.Arrays.fill(val, vlen, (int) size, (byte) 0); // padding after the digits
                }
                vlen = (int) size;
            }
            Entry e = c.server.keyspace.add(db, buf, 0, klen);
            c.server.keyspace.initAccess(e);
            e.setType(Entry.TYPE_STRING);
            e.setString(val, 0, vlen, c.ctx.tmp);
            if (c.server.keyspace.viewsOutstanding() >= Keyspace.VIEWS_BATCH) {
                c.server.keyspace.releaseViews(); // this loop holds no entry between keys
            }
        }
        c.ok();
    }

    private static void object(Client c) {
        // not a lookup (Redis's dictFind): a logically expired key is shown, not deleted
        Entry e = c.db.find(c.argBuf, c.argOff[2], c.argLen[2]);
        if (e == null) {
            c.error(Shared.NO_SUCH_KEY);
            return;
        }
        String enc = e.encodingName();
        long refcount = e.value() == null && e.isInt() && c.server.sharedInteger(e.intValue())
            ? Integer.MAX_VALUE : 1;
        long ser = TypeDump.serializedLength(e, c.server.config.getBool("rdbcompression"));
        c.simple("Value at:0x" + Long.toHexString(System.identityHashCode(e)) + " refcount:" + refcount
            + " encoding:" + enc + " serializedlength:" + ser + " lru:" + e.lruBits()
            + " lru_seconds_idle:" + c.server.keyspace.idleMs(e) / 1000);
    }

    /**
     * DEBUG SDSLEN key: the sds length, free space and allocation size of the key and of its string value, as Redis
     * reads them from its sds headers. Here they follow from the lengths and, for a raw string, the capacity of its
     * byte array: allocation = jemalloc's size class of header + capacity + 1 (the sizes MEMORY USAGE reports), free
     * space = what that allocation leaves after header, bytes and NUL (none for an embstr, whose sds is sized exactly,
     * nor for an sds of type 5, which has no room field, nor when SET would have trimmed it). A string grown in place
     * (APPEND, SETRANGE) reports its array's spare room, which follows our growth policy, not sdsMakeRoomFor's.
     */
    private static void sdslen(Client c) {
        Entry e = c.db.find(c.argBuf, c.argOff[2], c.argLen[2]);
        if (e == null) {
            c.error(Shared.NO_SUCH_KEY);
            return;
        }
        if (e.value() != null || e.isInt()) {
            c.error("ERR Not an sds encoded string.");
            return;
        }
        long klen = e.klen();
        long len = e.strlen();
        long valAvail;
        long valMem;
        if (e.enc() == Entry.ENC_RAW) {
            byte[] raw = e.rawArray();
            long cap = raw == null ? len : Math.max(len, raw.length);
            valMem = RedisSizes.sdsSize(cap);
            int hdr = RedisSizes.sdsHeader(cap);
            valAvail = hdr == 1 ? 0 : valMem - hdr - 1 - len;
            if (cap == len && valAvail > len / 10) {
                valAvail = 0; // a string as SET stored it: Redis trims spare room over a tenth (trimStringObjectIfNeeded)
            }
        } else { // embstr: one allocation of robj + sdshdr8 + bytes + NUL, the sds part counted without the robj
            valMem = RedisSizes.embstrSize(len) - RedisSizes.ROBJ;
            valAvail = 0;
        }
        long keyMem = RedisSizes.sdsSize(klen);
        int keyHdr = RedisSizes.sdsHeader(klen);
        long keyAvail = keyHdr == 1 ? 0 : keyMem - keyHdr - 1 - klen; // sdsdup keeps the allocation's usable room
        c.simple("key_sds_len:" + klen + ", key_sds_avail:" + keyAvail + ", key_zmalloc: " + keyMem
            + ", val_sds_len:" + len + ", val_sds_avail:" + valAvail + ", val_zmalloc: " + valMem);
    }

    private static void stringmatchFuzz() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        byte[] str = new byte[32];
        byte[] pat = new byte[32];
        for (int i = 0; i < 100000; i++) {
            int sl = r.nextInt(str.length + 1);
            int pl = r.nextInt(pat.length + 1);
            for (int k = 0; k < sl; k++) {
                str[k] = (byte) r.nextInt(256);
            }
            for (int k = 0; k < pl; k++) {
                pat[k] = (byte) "*?[]^-\\ab".charAt(r.nextInt(9));
            }
            Glob.match(pat, 0, pl, str, 0, sl, false);
        }
    }

    private static void protocol(Client c) {
        String t = c.argString(2).toLowerCase(java.util.Locale.ROOT);
        switch (t) {
            case "string" -> c.bulk("Hello World");
            case "integer" -> c.integer(12345);
            case "double" -> {
                if (c.resp == 3) {
                    c.raw(Shared.b(",3.141\r\n"));
                } else {
                    c.bulk("3.141");
                }
            }
            case "bignum" -> {
                if (c.resp == 3) {
                    c.raw(Shared.b("(1234567999999999999999999999999999999\r\n"));
                } else {
                    c.bulk("1234567999999999999999999999999999999");
                }
            }
            case "null" -> c.nullBulk();
            case "array" -> {
                c.array(3);
                for (int j = 0; j < 3; j++) {
                    c.integer(j);
                }
            }
            case "set" -> {
                c.set(3);
                for (int j = 0; j < 3; j++) {
                    c.integer(j);
                }
            }
            case "map" -> {
                c.map(3);
                for (int j = 0; j < 3; j++) {
                    c.integer(j);
                    c.bool(j == 1);
                }
            }
            case "attrib" -> {
                if (c.resp == 3) {
                    c.raw(Shared.b("|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n"));
                }
                c.bulk("Some real reply following the attribute");
            }
            case "push" -> {
                if (c.resp < 3) {
                    c.error("ERR RESP2 is not supported by this command");
                    return;
                }
                c.raw(Shared.b(">2\r\n$6\r\nserver\r\n$4\r\npush\r\n"));
                c.bulk("Some real reply following the push reply");
            }
            case "true" -> c.bool(true);
            case "false" -> c.bool(false);
            case "verbatim" -> c.verbatim("This is a verbatim\nstring");
            default -> c.error("ERR Wrong protocol type name. Please use one of the following: string|integer|"
                + "double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
        }
    }
}
