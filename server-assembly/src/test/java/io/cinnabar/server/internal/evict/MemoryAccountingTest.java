package io.cinnabar.server.internal.evict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.internal.Assembly;
import io.cinnabar.server.internal.TestConfigs;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.config.ServerLog;
import io.cinnabar.server.internal.keyspace.Keyspace;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The keyspace's incremental memory accounting (the dataset part of used_memory) against the model it must equal:
 * the sum of MEMORY USAGE over every key, recomputed by walking the keyspace. Random command sequences over every
 * type and the commands that create, change, move, copy, expire and remove keys; after every command the two must
 * be equal, so a write path that changes a key without the keyspace noticing fails here.
 */
class MemoryAccountingTest {
    private static final String[] KEYS = {"a", "b", "c", "d", "e", "f"};

    private static String run(Server server, Client c, String... args) {
        return TestConfigs.run(server, c, args);
    }

    @Property(tries = 25)
    void incrementalEqualsWalk(@ForAll long seed, @ForAll @IntRange(min = 50, max = 400) int ops) throws Exception {
        Assembly a = Assembly.create(TestConfigs.noSave(), new ServerLog(new PrintStream(OutputStream.nullOutputStream())));
        try {
            Server server = a.server();
            Client c = Client.detached(server);
            Keyspace ks = server.keyspace;
            Random r = new Random(seed);
            for (int i = 0; i < ops; i++) {
                String[] cmd = command(r);
                String reply = run(server, c, cmd);
                long incremental = ks.usedDatasetBytes();
                long walk = ks.walkDatasetBytes();
                assertEquals(walk, incremental, String.join(" ", cmd) + " -> " + reply);
            }
            run(server, c, "FLUSHALL");
            assertEquals(0, ks.usedDatasetBytes());
        } finally {
            a.loop().shutdown();
        }
    }

    private static String key(Random r) {
        return KEYS[r.nextInt(KEYS.length)];
    }

    private static String val(Random r) {
        int n = switch (r.nextInt(4)) {
            case 0 -> r.nextInt(5);
            case 1 -> 10 + r.nextInt(40);
            case 2 -> 45 + r.nextInt(200);
            default -> 1000 + r.nextInt(3000);
        };
        if (r.nextInt(5) == 0) {
            return Integer.toString(r.nextInt(100000));
        }
        return "v".repeat(n);
    }

    private static String member(Random r) {
        return r.nextInt(3) == 0 ? Integer.toString(r.nextInt(300)) : "m" + r.nextInt(300) + "x".repeat(r.nextInt(80));
    }

    static String[] command(Random r) {
        String k = key(r);
        return switch (r.nextInt(34)) {
            case 0, 1 -> new String[] {"SET", k, val(r)};
            case 2 -> new String[] {"APPEND", k, val(r)};
            case 3 -> new String[] {"INCRBY", k, Integer.toString(r.nextInt(1000))};
            case 4 -> new String[] {"SETRANGE", k, Integer.toString(r.nextInt(100)), val(r)};
            case 5 -> new String[] {"GETDEL", k};
            case 6, 7 -> new String[] {"LPUSH", k, member(r), member(r), member(r)};
            case 8 -> new String[] {"RPOP", k, Integer.toString(1 + r.nextInt(3))};
            case 9 -> new String[] {"LMOVE", k, key(r), "LEFT", "RIGHT"};
            case 10, 11 -> new String[] {"SADD", k, member(r), member(r), member(r), member(r)};
            case 12 -> new String[] {"SREM", k, member(r)};
            case 13 -> new String[] {"SUNIONSTORE", k, key(r), key(r)};
            case 14, 15 -> new String[] {"HSET", k, member(r), val(r), member(r), val(r)};
            case 16 -> new String[] {"HDEL", k, member(r)};
            case 17, 18 -> new String[] {"ZADD", k, Integer.toString(r.nextInt(100)), member(r),
                Integer.toString(r.nextInt(100)), member(r)};
            case 19 -> new String[] {"ZPOPMIN", k};
            case 20 -> new String[] {"XADD", k, "*", "f", val(r)};
            case 21 -> new String[] {"XTRIM", k, "MAXLEN", Integer.toString(r.nextInt(5))};
            case 22 -> new String[] {"DEL", k, key(r)};
            case 23 -> new String[] {"UNLINK", k};
            case 24 -> new String[] {"RENAME", k, key(r)};
            case 25 -> new String[] {"MOVE", k, Integer.toString(r.nextInt(2))};
            case 26 -> new String[] {"COPY", k, key(r), "REPLACE"};
            case 27 -> new String[] {"EXPIRE", k, Integer.toString(1 + r.nextInt(100))};
            case 28 -> new String[] {"PEXPIRE", k, "0"};
            case 29 -> new String[] {"SELECT", Integer.toString(r.nextInt(2))};
            case 30 -> new String[] {"SWAPDB", "0", "1"};
            case 31 -> new String[] {"SORT", key(r), "ALPHA", "STORE", k};
            case 32 -> new String[] {"PFADD", k, member(r), member(r)};
            default -> r.nextInt(10) == 0 ? new String[] {"FLUSHDB", r.nextBoolean() ? "ASYNC" : "SYNC"}
                : new String[] {"MSET", k, val(r), key(r), val(r)};
        };
    }

    @Property(tries = 5)
    void usedMemoryIsStartupPlusDatasetAndOverheads(@ForAll long seed) throws Exception {
        Assembly a = Assembly.create(TestConfigs.noSave(), new ServerLog(new PrintStream(OutputStream.nullOutputStream())));
        try {
            Server server = a.server();
            Client c = Client.detached(server);
            Random r = new Random(seed);
            long before = server.usedMemory();
            long emptyOverhead = server.keyspace.dictOverhead();
            for (int i = 0; i < 200; i++) {
                run(server, c, command(r));
            }
            long dataset = server.keyspace.usedDatasetBytes();
            long used = server.usedMemory();
            assertEquals(before + dataset + server.keyspace.dictOverhead() - emptyOverhead, used);
            assertTrue(used >= MemoryLimits.STARTUP);
        } finally {
            a.loop().shutdown();
        }
    }

}
