package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Each server loads the other's AOF directory: a redis-server with {@code appendonly yes} (an RDB-preamble base
 * after BGREWRITEAOF, then an incremental file) is stopped and the embedded server started on its directory, and the
 * other way round (our RDB-preamble base and incremental file loaded by redis-server); the datasets, read back
 * type by type in every database (TTLs as present/absent), are equal to what was written. Our base is written
 * with {@code cinnabar-rdb-version 10}, the RDB version redis-server 7.0 reads.
 */
class AofCrossLoadTest {
    private static final String[][] WRITES = {
        {"SET", "s", "hello"}, {"SET", "n", "123"}, {"RPUSH", "l", "a", "b", "c"}, {"SADD", "set", "x", "y", "1"},
        {"ZADD", "z", "1", "a", "2.5", "b"}, {"HSET", "h", "f1", "v1", "f2", "v2"}, {"SET", "ttl", "v", "EX", "1000"},
        {"XADD", "st", "1-1", "f", "v"}, {"XADD", "st", "2-1", "g", "w"}, {"XGROUP", "CREATE", "st", "grp", "0"},
        {"XREADGROUP", "GROUP", "grp", "alice", "COUNT", "1", "STREAMS", "st", ">"},
        {"BGREWRITEAOF"},
        {"RPUSH", "l", "d"}, {"INCRBYFLOAT", "fl", "1.5"}, {"SELECT", "3"}, {"SET", "other", "db3"},
        {"HINCRBY", "h3", "f", "5"}, {"SELECT", "0"}, {"SPOP", "set"}, {"DEL", "n"}, {"GETEX", "s", "PX", "900000"},
    };

    private static void write(int port) throws Exception {
        try (RespClient c = new RespClient(port)) {
            for (String[] w : WRITES) {
                String r = c.call(w);
                assertTrue(!r.startsWith("-"), String.join(" ", w) + ": " + r);
                if (w[0].equals("BGREWRITEAOF")) {
                    waitRewrite(c);
                }
            }
            c.call("SET", "big", "x".repeat(300));
            for (int i = 0; i < 300; i++) {
                c.call("RPUSH", "biglist", "element-" + i);
            }
        }
    }

    private static void waitRewrite(RespClient c) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (c.call("INFO", "persistence").contains("aof_rewrite_in_progress:0")
                    && !c.call("INFO", "persistence").contains("aof_rewrite_scheduled:1")) {
                return;
            }
            Thread.sleep(50);
        }
    }

    /** Every key of databases 0..15 with its type and value, read back as text. */
    static Map<String, String> dataset(int port) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (RespClient c = new RespClient(port)) {
            for (int db = 0; db < 16; db++) {
                c.call("SELECT", Integer.toString(db));
                List<String> keys = strings(c.call("KEYS", "*"));
                for (String k : keys) {
                    String type = c.call("TYPE", k).trim();
                    String v = switch (type) {
                        case "+string" -> c.call("GET", k);
                        case "+list" -> c.call("LRANGE", k, "0", "-1");
                        case "+set" -> sorted(c.call("SMEMBERS", k));
                        case "+zset" -> c.call("ZRANGE", k, "0", "-1", "WITHSCORES");
                        case "+hash" -> sorted(c.call("HGETALL", k)); // pairs as a sorted bag is enough here
                        case "+stream" -> c.call("XRANGE", k, "-", "+") + c.call("XPENDING", k, "grp");
                        default -> type;
                    };
                    long pttl = Long.parseLong(c.call("PTTL", k).substring(1).trim());
                    out.put(db + ":" + k, type + " " + v + (pttl > 0 ? " (ttl)" : ""));
                }
            }
        }
        return out;
    }

    private static String sorted(String reply) {
        List<String> l = new ArrayList<>(strings(reply));
        Collections.sort(l);
        return l.toString();
    }

    /** The bulk strings of a flat array reply. */
    static List<String> strings(String reply) {
        List<String> out = new ArrayList<>();
        String[] lines = reply.split("\r\n", -1);
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].startsWith("$") && i + 1 < lines.length) {
                out.add(lines[++i]);
            }
        }
        return out;
    }

    @Test
    void oursLoadsRedisAof() throws Exception {
        Map<String, String> expected;
        Path dir;
        try (RealRedis real = RealRedis.start("--appendonly", "yes", "--aof-use-rdb-preamble", "yes")) {
            write(real.port());
            expected = dataset(real.port());
            dir = real.dir();
        } // SIGTERM: Redis writes and fsyncs the AOF as it exits
        assertTrue(Files.list(dir.resolve("appendonlydir")).anyMatch(p -> p.toString().endsWith(".base.rdb")));
        try (CinnabarServer ours = CinnabarServer.builder().port(0).config("save", "").config("appendonly", "yes")
                .config("dir", dir.toString()).start()) {
            assertEquals(expected, dataset(ours.port()));
        }
    }

    @Test
    void redisLoadsOurAof() throws Exception {
        Path dir = Files.createTempDirectory("cinnabar-aof-cross");
        Map<String, String> expected;
        try (CinnabarServer ours = CinnabarServer.builder().port(0).config("save", "").config("appendonly", "yes")
                .config("cinnabar-rdb-version", "10") // the RDB-preamble base must be a version 7.0 reads
                .config("dir", dir.toString()).start()) {
            write(ours.port());
            expected = dataset(ours.port());
        }
        // RealRedis makes its own directory: our AOF directory is copied into it before it starts
        Path copy = Files.createTempDirectory("cinnabar-aof-copy");
        try (var files = Files.list(dir.resolve("appendonlydir"))) {
            Files.createDirectories(copy.resolve("appendonlydir"));
            for (Path p : files.toList()) {
                Files.copy(p, copy.resolve("appendonlydir").resolve(p.getFileName()));
            }
        }
        try (RealRedis real = RealRedis.start("--appendonly", "yes", "--dir", copy.toString())) {
            assertEquals(expected, dataset(real.port()));
        }
    }
}
