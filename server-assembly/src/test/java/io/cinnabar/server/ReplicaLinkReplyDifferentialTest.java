package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * tests/integration/replication.tcl "replica do not write the reply to the replication link" (Redis's
 * _addReplyToBufferOrList / addReplyDeferredLen on a replica client, and processCommand's "Replica can't interact
 * with the keyspace"), differential: the same raw replication link against redis-server 7.0.15 and ours. After SYNC
 * or PSYNC, a command that produces a reply is logged ("Replica generated a reply to command 'NAME', disconnecting
 * it: CLIENT-INFO") and the link is closed without the reply; REPLCONF ACK answers nothing and keeps it; a keyspace
 * command is refused first (an error to a replica: "== CRITICAL =="). A MONITOR client, a replica in Redis's flags,
 * gets the keyspace refusal as a reply and stays connected.
 */
class ReplicaLinkReplyDifferentialTest {
    private static final Pattern GENERATED =
        Pattern.compile("Replica generated a reply to command '([^']*)', disconnecting it: (.*)");

    /** What one scenario showed: the log lines about it and what the link received before it closed. */
    record Outcome(List<String> names, List<String> flags, boolean criticalKeyspace, String received) {
    }

    private static Outcome run(boolean ours, String sync, String... commands) throws Exception {
        String[] conf = {"--repl-diskless-sync-delay", "0"};
        try (IntegrationSuiteFindingsTest.Child server = ours ? IntegrationSuiteFindingsTest.Child.start(conf)
            : IntegrationSuiteFindingsTest.Child.redis(null, conf);
             Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port), 2000);
            s.setSoTimeout(30_000);
            ByteArrayOutputStream cmds = new ByteArrayOutputStream();
            if (sync.equals("sync")) {
                cmds.writeBytes(RespClient.encode("SYNC"));
            } else {
                // as the tcl test: the commands follow the +FULLRESYNC line
                s.getOutputStream().write(RespClient.encode("PSYNC", "replicationid", "-1"));
                String line = line(s.getInputStream());
                assertTrue(line.matches("\\+FULLRESYNC [0-9a-f]{40} 0"), (ours ? "ours: " : "redis: ") + line);
            }
            for (String c : commands) {
                cmds.writeBytes(RespClient.encode(c.split(" ")));
            }
            s.getOutputStream().write(cmds.toByteArray());
            String received = readUntilClosed(s);
            try (RespClient r = new RespClient(server.port)) {
                assertEquals("+PONG\r\n", r.call("PING"), "the master serves its other clients");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!GENERATED.matcher(server.log()).find() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            String log = server.log();
            List<String> names = new ArrayList<>();
            List<String> flags = new ArrayList<>();
            Matcher m = GENERATED.matcher(log);
            while (m.find()) {
                names.add(m.group(1));
                flags.add(field(m.group(2), "flags") + " " + field(m.group(2), "cmd"));
            }
            boolean critical = log.contains("== CRITICAL == This master is sending an error to its replica: "
                + "'Replica can't interact with the keyspace' after processing the command 'get'");
            return new Outcome(names, flags, critical, received);
        }
    }

    static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != -1 && c != '\n'; ) {
            b.append((char) c);
        }
        return b.toString().strip();
    }

    private static String field(String info, String name) {
        for (String f : info.split(" ")) {
            if (f.startsWith(name + "=")) {
                return f;
            }
        }
        return name + " missing in " + info;
    }

    /** Everything the link receives until the master closes it (at most 30 s). */
    static String readUntilClosed(Socket s) throws IOException {
        s.setSoTimeout(30_000);
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) != -1; ) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the link was not closed; received " + got.toString(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            // reset by the peer: closed too
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    private static void assertSame(String sync, String expectedName, String... commands) throws Exception {
        Outcome redis = run(false, sync, commands);
        Outcome ours = run(true, sync, commands);
        assertEquals(List.of(expectedName), redis.names(), "redis-server");
        assertEquals(redis.names(), ours.names());
        assertEquals(redis.flags(), ours.flags(), "the disconnected client's flags and command");
        assertEquals(redis.criticalKeyspace(), ours.criticalKeyspace());
        for (Outcome o : List.of(redis, ours)) {
            assertFalse(o.received().contains("PONG") || o.received().contains("-ERR")
                || o.received().contains("Redis"), "no reply went on the link: " + o.received());
        }
    }

    @Test
    void syncThenPingIsDisconnected() throws Exception {
        assertSame("sync", "ping", "PING");
    }

    @Test
    void syncThenADeferredLengthReplyIsDisconnected() throws Exception {
        assertSame("sync", "xinfo|help", "XINFO HELP");
    }

    @Test
    void psyncThenAKeyspaceCommandIsRefusedAndDisconnected() throws Exception {
        Outcome redis = run(false, "psync", "GET foo");
        assertTrue(redis.criticalKeyspace(), "redis-server logs the refusal");
        assertSame("psync", "get", "GET foo");
    }

    @Test
    void psyncThenSlowlogGetIsDisconnected() throws Exception {
        assertSame("psync", "slowlog|get", "SLOWLOG GET");
    }

    /** REPLCONF ACK answers nothing: the PING after it is the command that is named. */
    @Test
    void replconfAckKeepsTheLink() throws Exception {
        assertSame("psync", "ping", "REPLCONF ACK 0", "PING");
    }

    /** Each pipelined command after the first reply is not run: one log line. */
    @Test
    void onlyTheFirstReplyIsLogged() throws Exception {
        assertSame("psync", "echo", "ECHO a", "SET k v", "PING");
        try (IntegrationSuiteFindingsTest.Child ours = IntegrationSuiteFindingsTest.Child.start();
             Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", ours.port), 2000);
            s.getOutputStream().write(RespClient.encode("PSYNC", "?", "-1"));
            s.getOutputStream().write(RespClient.encode("SET", "k", "v"));
            readUntilClosed(s);
            try (RespClient r = new RespClient(ours.port)) {
                assertEquals("$-1\r\n", r.call("GET", "k"), "the replica's SET did not run");
            }
        }
    }

    /** A MONITOR client is a replica to processCommand: GET is refused, with a reply, and it stays connected. */
    @Test
    void aMonitorCannotUseTheKeyspace() throws Exception {
        for (boolean ours : new boolean[] {false, true}) {
            try (IntegrationSuiteFindingsTest.Child server = ours ? IntegrationSuiteFindingsTest.Child.start()
                : IntegrationSuiteFindingsTest.Child.redis(null);
                 RespClient m = new RespClient(server.port)) {
                assertEquals("+OK\r\n", m.call("MONITOR"));
                assertEquals("-ERR Replica can't interact with the keyspace\r\n", m.call("GET", "foo"));
                assertEquals("-ERR Replica can't interact with the keyspace\r\n", m.call("SET", "foo", "1"));
                String pong = m.call("PING");
                assertTrue(pong.equals("+PONG\r\n"), (ours ? "ours: " : "redis: ") + pong);
                assertFalse(server.log().contains("Replica generated a reply"));
            }
        }
    }
}
