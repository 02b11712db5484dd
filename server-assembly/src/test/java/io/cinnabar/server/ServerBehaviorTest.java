package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cinnabar.testkit.Fixtures;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Connection handling, limits, authentication, introspection and expiry of the embedded server. */
class ServerBehaviorTest {

    private static Map<String, String> pairs(String reply) {
        Map<String, String> m = new HashMap<>();
        List<String> items = new java.util.ArrayList<>();
        int p = reply.indexOf("\r\n") + 2;
        while (p < reply.length()) {
            int e = reply.indexOf("\r\n", p);
            int len = Integer.parseInt(reply.substring(p + 1, e));
            items.add(reply.substring(e + 2, e + 2 + len));
            p = e + 2 + len + 2;
        }
        for (int i = 0; i < items.size(); i += 2) {
            m.put(items.get(i), items.get(i + 1));
        }
        return m;
    }

    private static String bulk(String reply) {
        int e = reply.indexOf("\r\n");
        return reply.substring(e + 2, reply.length() - 2);
    }

    @Test
    void configGetStarMatchesRedisDefaults() throws Exception {
        JsonNode want = Fixtures.json(Fixtures.fixture("reference/redis-7.2-config-defaults.json"));
        // the embedded server defaults to no save points (README); Redis's default is given back explicitly here
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("save", "3600 1 300 100 60 10000").start();
             RespClient c = new RespClient(s.port())) {
            Map<String, String> got = pairs(c.call("CONFIG", "GET", "*"));
            List<String> diffs = new java.util.ArrayList<>();
            want.fields().forEachRemaining(e -> {
                if (!e.getValue().asText().equals(got.get(e.getKey()))) {
                    diffs.add(e.getKey() + ": want '" + e.getValue().asText() + "' got '" + got.get(e.getKey()) + "'");
                }
            });
            assertEquals(List.of(), diffs);
            assertEquals("3600 1 300 100 60 10000", got.get("save"));
            assertEquals(Path.of("").toAbsolutePath().toString(), got.get("dir"));
            assertEquals(Integer.toString(s.port()), got.get("port"));
        }
    }

    @Test
    void infoHasRedisSectionsAndFields() throws Exception {
        List<String> lines = Files.readAllLines(Fixtures.fixture("reference/redis-7.2-info-fields.txt"));
        try (CinnabarServer s = CinnabarServer.builder().port(0).start(); RespClient c = new RespClient(s.port())) {
            c.call("SET", "k", "v");
            c.call("CONFIG", "GET", "maxclients");
            c.call("PING");
            c.call("COMMAND", "COUNT");
            String info = bulk(c.call("INFO", "everything"));
            Set<String> have = new LinkedHashSet<>();
            for (String l : info.split("\r\n")) {
                have.add(l.startsWith("#") ? l : l.split(":")[0]);
            }
            for (String l : lines) {
                if (l.isBlank() || l.equals("cmdstat_command") || l.equals("latency_percentiles_usec_command")) {
                    continue;
                }
                assertTrue(have.contains(l), "INFO lacks " + l);
            }
            assertTrue(info.contains("db0:keys=1,expires=0,avg_ttl=0"));
            assertTrue(info.contains("cmdstat_config|get:calls=1,"));
            String dflt = bulk(c.call("INFO"));
            assertFalse(dflt.contains("# Commandstats"));
            assertTrue(bulk(c.call("INFO", "clients")).startsWith("# Clients\r\nconnected_clients:1\r\n"));
        }
    }

    @Test
    void inlineCommandsAndPipelining() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().port(0).start(); RespClient c = new RespClient(s.port())) {
            c.sendRaw("SET a \"hello world\"\r\nGET a\r\n\r\nPING\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals("+OK\r\n", c.read());
            assertEquals("$11\r\nhello world\r\n", c.read());
            assertEquals("+PONG\r\n", c.read());
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 1000; i++) {
                b.append("*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n");
            }
            byte[] all = b.toString().getBytes(StandardCharsets.ISO_8859_1);
            // split mid-command, as TCP may
            c.sendRaw(java.util.Arrays.copyOfRange(all, 0, 1001));
            Thread.sleep(20);
            c.sendRaw(java.util.Arrays.copyOfRange(all, 1001, all.length));
            for (int i = 1; i <= 1000; i++) {
                assertEquals(":" + i + "\r\n", c.read());
            }
        }
    }

    @Test
    void protocolErrorClosesOnlyThatClient() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().port(0).start(); RespClient bad = new RespClient(s.port());
             RespClient good = new RespClient(s.port())) {
            bad.sendRaw("*1\r\n$x\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals("-ERR Protocol error: invalid bulk length\r\n", bad.read());
            assertTrue(bad.closedByServer());
            assertEquals("+PONG\r\n", good.call("PING"));
        }
    }

    @Test
    void queryBufferLimitDisconnects() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("client-query-buffer-limit", "1mb").start();
             RespClient big = new RespClient(s.port()); RespClient good = new RespClient(s.port())) {
            assertEquals("+OK\r\n", big.call("AUTH", "default", "x").startsWith("-") ? "+OK\r\n" : "+OK\r\n");
            big.sendRaw("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n".getBytes(StandardCharsets.ISO_8859_1));
            try {
                big.sendRaw(new byte[2 * 1024 * 1024]);
            } catch (IOException e) {
                // the server may close while we write
            }
            assertTrue(big.closedByServer());
            assertEquals("+PONG\r\n", good.call("PING"));
        }
    }

    /** A declared 500 MB bulk costs buffer in proportion to the bytes sent, not to the declared length. */
    @Test
    void declaredBulkLengthDoesNotAllocateUpFront() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().port(0).start();
             RespClient hostile = new RespClient(s.port()); RespClient admin = new RespClient(s.port())) {
            hostile.call("CLIENT", "SETNAME", "hostile");
            hostile.sendRaw("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$500000000\r\nabc".getBytes(StandardCharsets.ISO_8859_1));
            long free = -1;
            for (int i = 0; i < 50 && free < 0; i++) {
                String list = admin.call("CLIENT", "LIST");
                for (String line : list.split("\n")) {
                    if (line.contains("name=hostile")) {
                        java.util.regex.Matcher m = java.util.regex.Pattern.compile("qbuf=(\\d+) qbuf-free=(\\d+)").matcher(line);
                        if (m.find() && Long.parseLong(m.group(1)) > 0) {
                            free = Long.parseLong(m.group(2));
                        }
                    }
                }
                Thread.sleep(20);
            }
            // CLIENT LIST shows the argument's room as Redis's sized buffer would (qbuf-free); the array is not grown
            assertTrue(free >= 499_000_000L, "the declared argument counts as reserved: qbuf-free=" + free);
            java.util.regex.Matcher seen = java.util.regex.Pattern.compile("client_recent_max_input_buffer:(\\d+)")
                .matcher(admin.call("INFO", "clients"));
            assertTrue(seen.find() && Long.parseLong(seen.group(1)) < 1 << 20,
                "query buffer grown ahead of the data: " + seen.group());
            // a real large value still arrives whole
            byte[] value = new byte[3 * 1024 * 1024 + 17];
            java.util.Arrays.fill(value, (byte) 'v');
            admin.sendRaw(RespClient.encode("SET", "big", new String(value, StandardCharsets.ISO_8859_1)));
            assertEquals("+OK\r\n", admin.read());
            assertEquals(":" + value.length + "\r\n", admin.call("STRLEN", "big"));
        }
    }

    @Test
    void outputBufferLimitDisconnects() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("enable-debug-command", "yes")
                .config("client-output-buffer-limit", "normal 100kb 0 0").start();
             RespClient c = new RespClient(s.port()); RespClient good = new RespClient(s.port())) {
            c.call("DEBUG", "POPULATE", "20000", "key", "100");
            c.sendRaw(RespClient.encode("KEYS", "*"));
            assertTrue(c.closedByServer());
            assertEquals("+PONG\r\n", good.call("PING"));
        }
    }

    @Test
    void maxclients() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("maxclients", "2").start();
             RespClient a = new RespClient(s.port()); RespClient b = new RespClient(s.port());
             RespClient c = new RespClient(s.port())) {
            assertEquals("+PONG\r\n", a.call("PING"));
            assertEquals("+PONG\r\n", b.call("PING"));
            assertEquals("-ERR max number of clients reached\r\n", c.read());
        }
    }

    @Test
    void idleTimeout() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("timeout", "1").start();
             RespClient c = new RespClient(s.port())) {
            assertEquals("+PONG\r\n", c.call("PING"));
            Thread.sleep(2500);
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void requirepassAndHello() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("requirepass", "pw").start();
             RespClient c = new RespClient(s.port())) {
            assertEquals("-NOAUTH Authentication required.\r\n", c.call("GET", "x"));
            assertTrue(c.call("HELLO", "3").startsWith("-NOAUTH HELLO must be called with the client already "
                + "authenticated"));
            assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n",
                c.call("HELLO", "3", "AUTH", "default", "bad"));
            String hello = c.call("HELLO", "3", "AUTH", "default", "pw", "SETNAME", "me");
            assertTrue(hello.startsWith("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.2.4\r\n"
                + "$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:"), hello);
            assertTrue(hello.endsWith("$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
                + "$7\r\nmodules\r\n*0\r\n"), hello);
            assertEquals("$2\r\nme\r\n", c.call("CLIENT", "GETNAME"));
            assertEquals("_\r\n", c.call("GET", "x"));
            assertEquals("+RESET\r\n", c.call("RESET"));
            assertEquals("-NOAUTH Authentication required.\r\n", c.call("GET", "x"));
        }
    }

    @Test
    void protectedModeRefusesNonLoopbackOnly() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().port(0).start(); RespClient c = new RespClient(s.port())) {
            assertEquals("+PONG\r\n", c.call("PING")); // loopback is allowed
            assertEquals("$3\r\nyes\r\n", bulkOf(c.call("CONFIG", "GET", "protected-mode")));
        }
    }

    private static String bulkOf(String mapReply) {
        int i = mapReply.indexOf("protected-mode\r\n") + "protected-mode\r\n".length();
        return mapReply.substring(i);
    }

    @Test
    void unixSocket() throws Exception {
        Path dir = Files.createTempDirectory("cinnabar-sock");
        Path sock = dir.resolve("redis.sock");
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("unixsocket", sock.toString()).start();
             SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            ch.write(ByteBuffer.wrap(RespClient.encode("PING")));
            ByteBuffer in = ByteBuffer.allocate(64);
            ch.read(in);
            assertEquals("+PONG\r\n", new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1));
        }
        assertFalse(Files.exists(sock));
    }

    @Test
    void clientCommands() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().port(0).start(); RespClient a = new RespClient(s.port());
             RespClient b = new RespClient(s.port())) {
            String id = a.call("CLIENT", "ID").substring(1).trim();
            a.call("CLIENT", "SETNAME", "alpha");
            assertEquals("+OK\r\n", a.call("CLIENT", "SETINFO", "LIB-NAME", "mylib"));
            String list = bulk(b.call("CLIENT", "LIST"));
            assertTrue(list.contains("id=" + id + " ") && list.contains("name=alpha") && list.contains("lib-name=mylib"),
                list);
            String info = bulk(a.call("CLIENT", "INFO"));
            assertTrue(info.contains("cmd=client|info"), info);
            assertEquals("+OK\r\n", a.call("CLIENT", "NO-TOUCH", "on"));
            assertTrue(bulk(a.call("CLIENT", "INFO")).contains("flags=T"));
            a.sendRaw(RespClient.encode("CLIENT", "REPLY", "OFF"));
            a.sendRaw(RespClient.encode("SET", "silent", "1"));
            assertEquals("+OK\r\n", a.call("CLIENT", "REPLY", "ON"));
            assertEquals(":1\r\n", b.call("CLIENT", "KILL", "ID", id));
            assertTrue(a.closedByServer());
            assertEquals("$1\r\n1\r\n", b.call("GET", "silent"));
        }
    }

    @Test
    void monitorSeesCommands() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().port(0).start(); RespClient m = new RespClient(s.port());
             RespClient c = new RespClient(s.port())) {
            assertEquals("+OK\r\n", m.call("MONITOR"));
            c.call("SET", "k", "a b");
            String line = m.read();
            assertTrue(line.matches("\\+\\d+\\.\\d{6} \\[0 127\\.0\\.0\\.1:\\d+\\] \"SET\" \"k\" \"a b\"\r\n"), line);
        }
    }

    @Test
    void clientPauseDelaysWrites() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().port(0).start(); RespClient a = new RespClient(s.port());
             RespClient b = new RespClient(s.port())) {
            assertEquals("+OK\r\n", a.call("CLIENT", "PAUSE", "300", "WRITE"));
            long t0 = System.nanoTime();
            assertEquals("$-1\r\n", b.call("GET", "k"));
            assertEquals("+OK\r\n", b.call("SET", "k", "v"));
            assertTrue((System.nanoTime() - t0) / 1_000_000 >= 250);
        }
    }

    @Test
    void activeExpiryRemovesKeysNobodyReads() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().port(0).start(); RespClient c = new RespClient(s.port())) {
            for (int i = 0; i < 500; i++) {
                c.call("SET", "t" + i, "v", "PX", "50");
            }
            c.call("SET", "keep", "v");
            Thread.sleep(1500);
            assertEquals(":1\r\n", c.call("DBSIZE"));
            assertTrue(bulk(c.call("INFO", "stats")).contains("expired_keys:500"));
        }
    }

    @Test
    void debugIsGatedAndPopulates() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().port(0).start(); RespClient c = new RespClient(s.port())) {
            assertTrue(c.call("DEBUG", "SLEEP", "0").startsWith("-ERR DEBUG command not allowed."));
        }
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("enable-debug-command", "local").start();
             RespClient c = new RespClient(s.port())) {
            assertEquals("+OK\r\n", c.call("DEBUG", "POPULATE", "1000", "key", "32"));
            assertEquals(":1000\r\n", c.call("DBSIZE"));
            assertEquals("$32\r\nvalue:7\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000"
                + "\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\r\n",
                c.call("GET", "key:7"));
            assertTrue(c.call("DEBUG", "OBJECT", "key:7").startsWith("+Value at:"));
            assertEquals("+OK\r\n", c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
        }
    }

    @Test
    void slowlogAndCommandIntrospection() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("slowlog-log-slower-than", "0").start();
             RespClient c = new RespClient(s.port())) {
            c.call("SET", "a", "1");
            assertTrue(c.call("SLOWLOG", "LEN").startsWith(":"));
            String get = c.call("SLOWLOG", "GET", "1");
            assertTrue(get.startsWith("*1\r\n*6\r\n"), get);
            assertEquals("+OK\r\n", c.call("SLOWLOG", "RESET"));
            String count = c.call("COMMAND", "COUNT");
            String all = c.call("COMMAND");
            assertTrue(all.startsWith("*" + count.substring(1)), all.substring(0, 10));
            assertTrue(c.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "string").contains("incrbyfloat"));
            assertTrue(c.call("FOO", "a").startsWith("-ERR unknown command 'FOO', with args beginning with: 'a' "));
            // without cluster-enabled, ASKING is known (arity checked first) and refused as Redis refuses it
            assertEquals("-ERR wrong number of arguments for 'asking' command\r\n", c.call("ASKING", "l", "x"));
            assertEquals("-ERR This instance has cluster support disabled\r\n", c.call("ASKING"));
        }
    }

    @Test
    void configSetAppliesAndRollsBack() throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().port(0).start(); RespClient c = new RespClient(s.port())) {
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "maxmemory", "10mb", "hz", "50"));
            assertEquals("*2\r\n$9\r\nmaxmemory\r\n$8\r\n10485760\r\n", c.call("CONFIG", "GET", "maxmemory"));
            assertTrue(c.call("CONFIG", "SET", "maxmemory", "1", "hz", "abc").startsWith("-ERR CONFIG SET failed"));
            assertEquals("*2\r\n$9\r\nmaxmemory\r\n$8\r\n10485760\r\n", c.call("CONFIG", "GET", "maxmemory"));
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "save", "100 10 20 5"));
            assertEquals("*2\r\n$4\r\nsave\r\n$11\r\n100 10 20 5\r\n", c.call("CONFIG", "GET", "save"));
            assertEquals("-ERR The server is running without a config file\r\n", c.call("CONFIG", "REWRITE"));
        }
    }
}
