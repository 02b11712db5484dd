package io.cinnabar.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ServerLog;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keyspace notifications and the dirty counter against real Redis. The real server runs with
 * {@code notify-keyspace-events KEA} (or the classes under test) and a second connection PSUBSCRIBEd to
 * {@code __key*__:*}; after every command a sentinel PUBLISH marks the end of its events. The embedded server is
 * assembled without a socket, its events recorded by a publisher wired where Pub/Sub will be. For every command
 * the reply, the events (channel and message, in order) and INFO's {@code rdb_changes_since_last_save} must equal
 * Redis's.
 */
class KeyspaceEventsDifferentialTest {
    private static RealRedis redis;
    private static RespClient cmd;
    private static RespClient sub;
    /** Publishes the sentinels (not cmd: inside MULTI its PUBLISH would be queued). */
    private static RespClient pub;
    private static Assembly assembly;
    private static Server server;
    private static Client client;
    /** Reads INFO (not client: inside MULTI its INFO would be queued). */
    private static Client infoClient;
    private static final List<String> ourEvents = new ArrayList<>();
    private static int sentinel;

    @BeforeAll
    static void start() throws Exception {
        redis = RealRedis.start("--enable-debug-command", "yes");
        cmd = new RespClient(redis.port());
        sub = new RespClient(redis.port());
        pub = new RespClient(redis.port());
        sub.call("PSUBSCRIBE", "__key*__:*");
        assertEquals("+OK\r\n", cmd.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
        assembly = Assembly.create(io.cinnabar.server.internal.TestConfigs.noSave(), new ServerLog(new PrintStream(OutputStream.nullOutputStream())));
        server = assembly.server();
        server.keyspace.activeExpireEnabled = false;
        server.keyspace.events.setPublisher((channel, message) -> {
            ourEvents.add(str(channel) + " " + str(message));
            return 0;
        });
        client = Client.detached(server);
        infoClient = Client.detached(server);
    }

    @AfterAll
    static void stop() throws Exception {
        assembly.loop().shutdown();
        sub.close();
        pub.close();
        cmd.close();
        redis.close();
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String ours(String... args) {
        return ours(client, args);
    }

    private static String ours(Client client, String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        server.execute(client, argv);
        return str(client.takeReplies());
    }

    /** The events Redis published for the last command: pmessages up to the sentinel. */
    private static List<String> redisEvents() throws Exception {
        String mark = "__keysync__:" + (++sentinel);
        pub.call("PUBLISH", mark, "x");
        List<String> out = new ArrayList<>();
        while (true) {
            String m = sub.read(); // *4 $8 pmessage $pattern $channel $message
            String[] parts = m.split("\r\n");
            String channel = parts[6];
            String message = parts[8];
            if (channel.equals(mark)) {
                return out;
            }
            out.add(channel + " " + message);
        }
    }

    private static long dirty(String info) {
        for (String l : info.split("\r\n")) {
            if (l.startsWith("rdb_changes_since_last_save:")) {
                return Long.parseLong(l.substring(l.indexOf(':') + 1));
            }
        }
        throw new AssertionError("no rdb_changes_since_last_save in " + info);
    }

    private static long redisBase;
    private static long oursBase;

    private static void reset(String classes) throws Exception {
        both("FLUSHALL");
        both("SELECT", "0");
        both("CONFIG", "SET", "notify-keyspace-events", classes);
        redisBase = dirty(pub.call("INFO", "persistence"));
        oursBase = dirty(ours(infoClient, "INFO", "persistence"));
    }

    private static void both(String... args) throws Exception {
        cmd.call(args);
        ours(args);
        redisEvents();
        ourEvents.clear();
    }

    /** Runs one command on both and compares reply, events and the change count. */
    private static void step(String line) throws Exception {
        if (line.startsWith("SLEEP ")) {
            Thread.sleep(Long.parseLong(line.substring(6))); // lets an expire time pass (no timing assertion)
            return;
        }
        boolean unordered = line.startsWith("~"); // a reply in random order: events and counts still compared
        String[] args = (unordered ? line.substring(1) : line).split(" ");
        String r = cmd.call(args);
        String o = ours(args);
        if (unordered) {
            assertEquals(r.length(), o.length(), "reply length of " + line);
        } else {
            assertEquals(r, o, "reply of " + line);
        }
        List<String> re = redisEvents();
        assertEquals(re, new ArrayList<>(ourEvents), "events of " + line);
        ourEvents.clear();
        long rd = dirty(pub.call("INFO", "persistence")) - redisBase;
        long od = dirty(ours(infoClient, "INFO", "persistence")) - oursBase;
        assertEquals(rd, od, "rdb_changes_since_last_save after " + line);
    }

    private static void run(String classes, String... lines) throws Exception {
        reset(classes);
        for (String l : lines) {
            step(l);
        }
    }

    @Test
    void strings() throws Exception {
        run("KEA",
            "SET s v", "SET s w EX 100", "SET s x KEEPTTL", "SET s y NX", "SET s2 y XX", "SET s z GET",
            "SETNX s a", "SETNX s3 a", "SETEX s4 100 v", "PSETEX s5 100000 v", "GETEX s4 PERSIST", "GETEX s4 EX 50",
            "GETEX s4 PX 0", "GETEX s5 EXAT 1", "GETDEL s3", "GETDEL nokey", "GETSET s 1", "GETSET g 1",
            "MSET a 1 b 2 a 3", "MSETNX a 1 c 2", "MSETNX c 1 d 2", "APPEND a x", "APPEND new x",
            "SETRANGE a 5 xyz", "SETRANGE r2 3 abc", "INCR i", "INCRBY i 5", "DECR i",
            "DECRBY i 2", "INCRBYFLOAT f 1.5", "INCR s", "SETBIT bits 7 1", "SETBIT bits 7 1",
            "BITFIELD bf SET u8 0 255 INCRBY u8 0 10 GET u8 0", "BITFIELD bf OVERFLOW FAIL INCRBY u8 0 300",
            "BITOP AND dest bits bf", "BITOP OR dest nokey1 nokey2", "BITOP OR dest2 nokey1 nokey2",
            "PFADD h a b c", "PFADD h a", "PFADD h2", "PFCOUNT h", "PFCOUNT h", "PFMERGE h3 h h2", "DEL s a b nokey");
    }

    @Test
    void generic() throws Exception {
        run("KEA",
            "SET k v", "EXPIRE k 100", "EXPIRE k 100 NX", "PEXPIRE k 200000 GT", "PERSIST k", "PERSIST k",
            "EXPIREAT k 1", "SET k v", "PEXPIREAT k 1", "SET k v", "RENAME k k2", "RENAMENX k2 k3", "SET k4 x",
            "RENAME k3 k4", "COPY k4 k5", "COPY k4 k5", "COPY k4 k5 REPLACE", "COPY k4 k6 DB 2", "MOVE k6 3",
            "MOVE k5 1", "SELECT 1", "GET k5", "SELECT 0", "SWAPDB 0 1", "SWAPDB 0 1", "UNLINK k4", "DEL k4",
            "SET t v PX 1", "SLEEP 5", "GET t", "SET t v PX 1", "SLEEP 5", "EXISTS t", "SET t v PX 1", "SLEEP 5",
            "DEL t", "SET t v PX 1", "SLEEP 5", "SET t w", "FLUSHDB", "SET a 1", "FLUSHALL");
    }

    @Test
    void lists() throws Exception {
        run("KEA",
            "LPUSH l a b c", "RPUSH l d e", "LPUSHX l f", "RPUSHX l g", "LPUSHX nol f", "LPOP l", "RPOP l",
            "LPOP l 2", "RPOP l 0", "LSET l 0 z", "LINSERT l BEFORE z y", "LINSERT l AFTER nope y", "LREM l 0 y",
            "LREM l 0 nope", "LTRIM l 0 0", "LTRIM l 1 0", "RPUSH l a b c", "LMOVE l l2 LEFT RIGHT",
            "RPOPLPUSH l l2", "RPOPLPUSH l l2", "LMOVE l2 l2 LEFT LEFT", "LMPOP 2 nol l2 RIGHT COUNT 5",
            "RPUSH l x", "BLPOP l 0", "RPUSH l x y", "BRPOP l 0", "BLMOVE l l3 RIGHT LEFT 0", "BLMPOP 0 1 l3 LEFT",
            "RPUSH s 3 1 2", "SORT s STORE dst", "SORT s LIMIT 5 5 STORE dst", "SORT nokey STORE dst",
            "SORT s STORE dst");
    }

    @Test
    void setsAndHashes() throws Exception {
        run("KEA",
            "SADD s a b c", "SADD s a", "SREM s a nope", "SREM s b c", "SADD s 1 2 3", "SMOVE s s2 1",
            "SMOVE s s2 9", "SMOVE s s 2", "SMOVE s s2 2", "SMOVE s2 s3 1", "SMOVE s2 s3 2", "SADD s4 x y",
            "SADD s5 y z", "SINTERSTORE d s4 s5", "SUNIONSTORE d s4 s5", "SDIFFSTORE d s4 s5",
            "SINTERSTORE d s4 nokey", "SDIFFSTORE d s4 s4", "~SPOP s4 5", "SADD s6 1", "SPOP s6", "SPOP s6",
            "SADD s7 1 2 3", "SPOP s7 0", "HSET h f 1 g 2", "HSET h f 3", "HMSET h x 1", "HSETNX h f 1",
            "HSETNX h n 1", "HINCRBY h f 2", "HINCRBYFLOAT h f 1.5", "HDEL h f nope", "HDEL h g x n",
            "HDEL h f", "HINCRBY h2 f 1");
    }

    @Test
    void sortedSetsAndGeo() throws Exception {
        run("KEA",
            "ZADD z 1 a 2 b 3 c", "ZADD z 1 a", "ZADD z XX 5 a", "ZADD z NX 1 a", "ZADD z CH 9 a 1 d",
            "ZINCRBY z 1 a", "ZINCRBY z2 1 a", "ZREM z a nope", "ZREM z2 a", "ZADD z 4 e 5 f",
            "ZREMRANGEBYRANK z 0 0", "ZREMRANGEBYSCORE z 4 4", "ZREMRANGEBYLEX z [z [zz", "ZADD lex 0 a 0 b",
            "ZREMRANGEBYLEX lex - +", "ZADD z 7 g", "ZPOPMIN z", "ZPOPMAX z 1", "ZPOPMIN nokey", "ZADD z3 1 x 2 y",
            "ZUNIONSTORE u 2 z z3", "ZINTERSTORE u 2 z z3", "ZDIFFSTORE u 1 z3", "ZUNIONSTORE u 1 nokey",
            "ZRANGESTORE r z3 0 -1", "ZRANGESTORE r z3 5 6", "ZMPOP 1 z3 MIN COUNT 10", "ZADD z4 1 a",
            "BZPOPMIN z4 0", "ZADD z4 1 a 2 b", "BZMPOP 0 1 z4 MAX COUNT 1", "BZPOPMAX z4 0",
            "GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania", "GEOADD g XX 1 1 Nope",
            "GEOSEARCHSTORE gs g FROMLONLAT 15 37 BYRADIUS 200 km", "GEOSEARCHSTORE gs g FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST",
            "GEORADIUS g 15 37 200 km STORE gr", "GEORADIUS g 15 37 1 m STORE gr", "GEOSEARCHSTORE gs nokey FROMLONLAT 15 37 BYRADIUS 1 km");
    }

    @Test
    void streams() throws Exception {
        run("KEA",
            "XADD x 1-1 f v", "XADD x 2-1 f v", "XADD x MAXLEN 1 3-1 f v", "XADD x NOMKSTREAM 4-1 f v",
            "XADD nox NOMKSTREAM 1-1 f v", "XTRIM x MAXLEN 0", "XTRIM x MAXLEN 0", "XADD x 5-1 f v", "XADD x 6-1 a b",
            "XDEL x 5-1 9-9", "XDEL x 9-9", "XSETID x 7-0", "XGROUP CREATE x g 0", "XGROUP CREATE x g 0",
            "XGROUP CREATE ns g $ MKSTREAM", "XGROUP SETID x g 0", "XGROUP CREATECONSUMER x g c1",
            "XGROUP CREATECONSUMER x g c1", "XREADGROUP GROUP g c2 COUNT 1 STREAMS x >", "XACK x g 6-1 9-9",
            "XGROUP DELCONSUMER x g c2", "XGROUP DELCONSUMER x g nope", "XGROUP DESTROY x g", "XGROUP DESTROY x g",
            "DEL x ns");
    }

    @Test
    void streamClaimsAndGroupReads() throws Exception {
        run("KEA",
            "XADD x 1-1 a 1", "XADD x 2-1 b 2", "XADD x 3-1 c 3", "XGROUP CREATE x g 0",
            "XREADGROUP GROUP g c1 COUNT 2 STREAMS x >", "XREADGROUP GROUP g c1 STREAMS x 0",
            "XREADGROUP GROUP g c2 NOACK COUNT 5 STREAMS x >", "XCLAIM x g c3 0 1-1", "XCLAIM x g c3 0 9-9",
            "XCLAIM x g c1 0 1-1 2-1 JUSTID", "XAUTOCLAIM x g c4 0 0-0 COUNT 1", "XAUTOCLAIM x g c4 0 0-0",
            "XDEL x 2-1", "XAUTOCLAIM x g c5 0 0-0", "XACK x g 1-1 2-1");
    }

    @Test
    void otherDatabasesAndTransactions() throws Exception {
        run("KEA",
            "SELECT 3", "SET k v", "LPUSH l a", "EXPIRE k 100", "SWAPDB 3 4", "SELECT 4", "DEL k l",
            "MULTI", "SET a 1", "INCR a", "RPUSH l x", "DEL a", "EXEC", "SET t v PXAT 1", "SET t v EXAT 1",
            "SET t v EX 100 GET", "GETEX t PXAT 1", "FLUSHDB", "SELECT 0");
    }

    @ParameterizedTest(name = "classes {0}")
    @ValueSource(strings = {"", "g", "$", "l", "s", "h", "z", "x", "t", "KA", "Eg$", "Kl", "KEn", "Km", "KEm"})
    void classesSelectEvents(String classes) throws Exception {
        run(classes, "SET a 1", "LPUSH l x", "SADD s x", "HSET h f v", "ZADD z 1 m", "XADD x 1-1 f v",
            "DEL a l", "SET e v PX 1", "SLEEP 5", "GET e", "GET missing", "MGET missing a", "RENAME s s2",
            "EXPIRE h 100", "RENAME s2 z");
    }

    @Test
    void configGetNormalizes() throws Exception {
        for (String classes : new String[] {"KEA", "AKE", "gs$", "A", "g$lshzxetd", "Exn", "mK", "Ed", "", "KEAmn"}) {
            String r = cmd.call("CONFIG", "SET", "notify-keyspace-events", classes);
            assertEquals(r, ours("CONFIG", "SET", "notify-keyspace-events", classes), classes);
            assertEquals(cmd.call("CONFIG", "GET", "notify-keyspace-events"),
                ours("CONFIG", "GET", "notify-keyspace-events"), classes);
        }
        for (String bad : new String[] {"KEX", "q", "K E"}) {
            assertEquals(cmd.call("CONFIG", "SET", "notify-keyspace-events", bad),
                ours("CONFIG", "SET", "notify-keyspace-events", bad), bad);
        }
        both("CONFIG", "SET", "notify-keyspace-events", "");
    }

    /** Random write sequences over a few keys of every type: the same event stream and change counts. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void randomWriteSequences(long seed) throws Exception {
        reset("KEA");
        Random r = new Random(seed);
        String[] keys = {"k1", "k2", "k3"};
        int steps = 0;
        for (int i = 0; i < 300; i++) {
            String k = keys[r.nextInt(keys.length)];
            String k2 = keys[r.nextInt(keys.length)];
            String m = "m" + r.nextInt(4);
            int n = r.nextInt(3) + 1;
            String line = switch (r.nextInt(34)) {
                case 0 -> "SET " + k + " " + r.nextInt(100);
                case 1 -> "INCRBY " + k + " " + n;
                case 2 -> "APPEND " + k + " x";
                case 3 -> "DEL " + k + " " + k2;
                case 4 -> "LPUSH " + k + " " + m + " " + m;
                case 5 -> "RPOP " + k + " " + n;
                case 6 -> "LMOVE " + k + " " + k2 + " LEFT RIGHT";
                case 7 -> "LREM " + k + " 0 " + m;
                case 8 -> "SADD " + k + " " + m + " m9";
                case 9 -> "SREM " + k + " " + m;
                case 10 -> "SMOVE " + k + " " + k2 + " " + m;
                case 11 -> "SUNIONSTORE " + k + " " + k2 + " " + keys[r.nextInt(3)];
                case 12 -> "HSET " + k + " " + m + " " + n;
                case 13 -> "HDEL " + k + " " + m + " m1";
                case 14 -> "HINCRBY " + k + " " + m + " " + n;
                case 15 -> "ZADD " + k + " " + n + " " + m;
                case 16 -> "ZINCRBY " + k + " " + n + " " + m;
                case 17 -> "ZREM " + k + " " + m;
                case 18 -> "ZPOPMIN " + k + " " + n;
                case 19 -> "ZUNIONSTORE " + k + " 2 " + k2 + " " + keys[r.nextInt(3)];
                case 20 -> "EXPIRE " + k + " " + (r.nextInt(3) * 100);
                case 21 -> "PERSIST " + k;
                case 22 -> "RENAME " + k + " " + k2;
                case 23 -> "COPY " + k + " " + k2 + " REPLACE";
                case 24 -> "XADD " + k + " MAXLEN 3 * f v";
                case 25 -> "XTRIM " + k + " MAXLEN 1";
                case 26 -> "PFADD " + k + " " + m;
                case 27 -> "SETBIT " + k + " " + n + " 1";
                case 28 -> "GETDEL " + k;
                case 29 -> "LTRIM " + k + " 0 " + (n - 2);
                case 30 -> "SINTERSTORE " + k + " " + k2;
                case 31 -> "HSETNX " + k + " " + m + " v";
                case 32 -> "ZREMRANGEBYSCORE " + k + " 0 " + n;
                default -> "SORT " + k2 + " ALPHA STORE " + k;
            };
            if (line.startsWith("XADD")) {
                // stream ids differ between servers: give explicit increasing ids
                line = line.replace("*", (i + 1) + "-0");
            }
            step(line);
            steps++;
        }
        assertTrue(steps == 300);
    }
}
