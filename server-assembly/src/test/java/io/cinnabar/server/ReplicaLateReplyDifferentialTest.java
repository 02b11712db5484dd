package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Replies that reach a replica link outside its own command, against redis-server 7.0.15 (7.2's
 * _addReplyToBufferOrList checks every reply added to a CLIENT_SLAVE client, not only a command's): a connection
 * that subscribed (RESP3, so that PSYNC is allowed in the subscribed state) or turned tracking on and then became a
 * replica is logged ("Replica generated a reply to command 'psync', disconnecting it") and closed when a PUBLISH, a
 * keyspace notification or an invalidation reaches it; a WAIT from a replica link that blocks is answered at its
 * timeout, or by CLIENT UNBLOCK (with ERROR also an "== CRITICAL ==" line), and that answer closes it ('wait'). With
 * CLIENT REPLY OFF the WAIT's answer is dropped and the link stays. Each time the link receives nothing but the
 * replication handshake and stream, and the master keeps serving.
 */
class ReplicaLateReplyDifferentialTest {
    private static final Pattern GENERATED =
        Pattern.compile("Replica generated a reply to command '([^']*)', disconnecting it: (.*)");

    /** What another client does once the link is a replica (and has sent its after-commands). */
    private interface Trigger {
        String fire(RespClient other, long replicaId) throws Exception;
    }

    /**
     * Runs before on a new connection (reading each reply), then PSYNC ? -1, then after on the link (their replies
     * are what the test is about: none may arrive), then the trigger; the transcript of what both sides showed.
     */
    private static String run(boolean ours, String[][] before, String[][] after, boolean keepsLink, Trigger trigger)
        throws Exception {
        String[] conf = {"--repl-diskless-sync-delay", "0", "--notify-keyspace-events", "KEA"};
        try (IntegrationSuiteFindingsTest.Child server = ours ? IntegrationSuiteFindingsTest.Child.start(conf)
            : IntegrationSuiteFindingsTest.Child.redis(null, conf);
             Socket s = new Socket();
             RespClient other = new RespClient(server.port)) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port), 2000);
            s.setSoTimeout(30_000);
            InputStream in = s.getInputStream();
            StringBuilder transcript = new StringBuilder();
            for (String[] c : before) {
                s.getOutputStream().write(RespClient.encode(c));
                transcript.append(String.join(" ", c)).append(" -> ").append(reply(in, c)).append('\n');
            }
            long id = Long.parseLong(other.call("CLIENT", "LIST").lines()
                .filter(l -> l.startsWith("id=") && !l.contains("cmd=client|list")).findFirst().orElseThrow().replaceAll("^id=(\\d+) .*", "$1"));
            s.getOutputStream().write(RespClient.encode("PSYNC", "?", "-1"));
            String line = ReplicaLinkReplyDifferentialTest.line(in);
            assertTrue(line.matches("\\+FULLRESYNC [0-9a-f]{40} 0"), (ours ? "ours: " : "redis: ") + line);
            for (String[] c : after) { // {"raw", bytes}: sent as they are
                s.getOutputStream().write(c[0].equals("raw") ? c[1].getBytes(StandardCharsets.ISO_8859_1)
                    : RespClient.encode(c));
            }
            transcript.append(trigger.fire(other, id)).append('\n');
            if (keepsLink) {
                Thread.sleep(1000); // past the WAIT's 200 ms timeout: its answer had its chance to close the link
                transcript.append("replicas after: ").append(other.call("INFO", "replication").lines()
                    .filter(l -> l.startsWith("connected_slaves:")).findFirst().orElse("?")).append('\n');
                String link = other.call("CLIENT", "LIST", "ID", Long.toString(id)).lines()
                    .filter(l -> l.startsWith("id=")).findFirst().orElse("");
                transcript.append("link: ").append(field(link, "flags")).append(' ').append(field(link, "cmd"))
                    .append('\n');
                assertFalse(server.log().contains("Replica generated a reply"), server.log());
                return transcript.toString();
            }
            String received = ReplicaLinkReplyDifferentialTest.readUntilClosed(s);
            for (String reply : new String[] {"message", "invalidate", ":0\r\n", ":1\r\n", "UNBLOCKED", "-ERR"}) {
                assertFalse(received.contains(reply), "no reply went on the link: " + reply);
            }
            assertEquals("+PONG\r\n", other.call("PING"), "the master serves its other clients");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!GENERATED.matcher(server.log()).find() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            String log = server.log();
            Matcher m = GENERATED.matcher(log);
            while (m.find()) {
                transcript.append("logged '").append(m.group(1)).append("' ").append(field(m.group(2), "flags"))
                    .append(' ').append(field(m.group(2), "cmd")).append('\n');
            }
            for (String l : log.split("\n")) {
                if (l.contains("== CRITICAL ==")) {
                    transcript.append(l.substring(l.indexOf("== CRITICAL =="))).append('\n');
                }
            }
            return transcript.toString();
        }
    }

    /** The reply to a setup command (RESP3 subscribe confirmations are one push each). */
    private static String reply(InputStream in, String[] cmd) throws IOException {
        StringBuilder b = new StringBuilder();
        if (cmd.length == 3 && cmd[1].equalsIgnoreCase("REPLY")) {
            return "(no reply)"; // CLIENT REPLY OFF
        }
        int lines = cmd[0].equalsIgnoreCase("HELLO") ? -1 : cmd[0].toUpperCase().endsWith("SUBSCRIBE") ? 6 : 1;
        if (lines < 0) { // HELLO 3: a map of 7 pairs, read to its last value ("modules": an empty array)
            String l;
            do {
                l = ReplicaLinkReplyDifferentialTest.line(in);
                b.append(l).append(' ');
            } while (!l.equals("*0"));
            return "hello";
        }
        for (int i = 0; i < lines; i++) {
            b.append(ReplicaLinkReplyDifferentialTest.line(in)).append(' ');
        }
        return b.toString().strip();
    }

    private static String field(String info, String name) {
        for (String f : info.split(" ")) {
            if (f.startsWith(name + "=")) {
                return f;
            }
        }
        return name + " missing";
    }

    private static void assertSame(String[][] before, String[][] after, boolean keepsLink, Trigger trigger,
        String expectedName) throws Exception {
        String redis = run(false, before, after, keepsLink, trigger);
        String ours = run(true, before, after, keepsLink, trigger);
        if (expectedName != null) {
            assertTrue(redis.contains("logged '" + expectedName + "' flags=S"), redis);
        }
        assertEquals(redis, ours);
    }

    private static final String[][] NONE = new String[0][];
    private static final String[][] WAIT_200 = {{"WAIT", "5", "200"}};
    private static final String[][] WAIT_0 = {{"WAIT", "5", "0"}};

    @Test
    void aPublishToASubscribedReplicaDisconnectsIt() throws Exception {
        assertSame(new String[][] {{"HELLO", "3"}, {"SUBSCRIBE", "ch"}}, NONE, false,
            (o, id) -> "PUBLISH -> " + o.call("PUBLISH", "ch", "hello").strip(), "psync");
    }

    @Test
    void aKeyspaceNotificationToAReplicaDisconnectsIt() throws Exception {
        assertSame(new String[][] {{"HELLO", "3"}, {"PSUBSCRIBE", "__keyspace@0__:*"}}, NONE, false,
            (o, id) -> "SET -> " + o.call("SET", "k", "v").strip(), "psync");
    }

    @Test
    void anInvalidationToATrackingReplicaDisconnectsIt() throws Exception {
        assertSame(new String[][] {{"HELLO", "3"}, {"CLIENT", "TRACKING", "ON"}, {"GET", "k"}}, NONE, false,
            (o, id) -> "SET -> " + o.call("SET", "k", "v").strip(), "psync");
    }

    /** WAIT from the replica link blocks (no 5 replicas); the answer at its timeout closes the link. */
    @Test
    void aBlockedWaitAnsweredAtItsTimeoutDisconnectsTheReplica() throws Exception {
        assertSame(NONE, WAIT_200, false, (o, id) -> "(nothing: WAIT 5 200 times out)", "wait");
    }

    @Test
    void aBlockedWaitUnblockedDisconnectsTheReplica() throws Exception {
        assertSame(NONE, WAIT_0, false, (o, id) -> blocked(o, id) + " CLIENT UNBLOCK -> "
            + o.call("CLIENT", "UNBLOCK", Long.toString(id)).strip(), "wait");
        assertSame(NONE, WAIT_0, false, (o, id) -> blocked(o, id) + " CLIENT UNBLOCK ERROR -> "
            + o.call("CLIENT", "UNBLOCK", Long.toString(id), "ERROR").strip(), "wait");
    }

    /** A protocol error on the link: its error reply is logged (both lines) and not sent; the link closes. */
    @Test
    void aProtocolErrorOnTheLinkIsLoggedNotSent() throws Exception {
        assertSame(NONE, new String[][] {{"raw", "*1\r\n$abc\r\n"}}, false, (o, id) -> "(protocol error)",
            "psync");
    }

    /** CLIENT REPLY OFF before PSYNC: the WAIT's answer is dropped silently and the replica stays. */
    @Test
    void aReplicaWithRepliesOffStays() throws Exception {
        assertSame(new String[][] {{"CLIENT", "REPLY", "OFF"}}, WAIT_200, true, (o, id) -> "(nothing)", null);
    }

    /**
     * A replica that never sent REPLCONF listening-port is named ip:&lt;unknown-replica-port&gt; in the log lines (Redis's
     * replicationGetSlaveName), not ip:0.
     */
    @Test
    void aReplicaWithoutListeningPortIsNamedAsRedisNamesIt() throws Exception {
        List<String> seen = new ArrayList<>();
        for (boolean ours : new boolean[] {false, true}) {
            try (IntegrationSuiteFindingsTest.Child server = ours ? IntegrationSuiteFindingsTest.Child.start()
                : IntegrationSuiteFindingsTest.Child.redis(null);
                 Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", server.port), 2000);
                s.getOutputStream().write(RespClient.encode("PSYNC", "?", "-1"));
                Pattern asks = Pattern.compile("Replica (\\S+) asks for synchronization");
                Pattern full = Pattern.compile("Full resync requested by replica (\\S+)");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!full.matcher(server.log()).find() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                Matcher a = asks.matcher(server.log());
                Matcher f = full.matcher(server.log());
                seen.add((a.find() ? a.group(1) : "-") + " " + (f.find() ? f.group(1) : "-"));
            }
        }
        assertEquals("127.0.0.1:<unknown-replica-port> 127.0.0.1:<unknown-replica-port>", seen.get(0));
        assertEquals(seen.get(0), seen.get(1));
    }

    /** Waits until the replica link's WAIT is blocked (its CLIENT LIST line: cmd=wait, flag b). */
    private static String blocked(RespClient o, long id) throws Exception {
        String line = "";
        for (int i = 0; i < 200 && !line.contains("cmd=wait"); i++) {
            line = o.call("CLIENT", "LIST", "ID", Long.toString(id)).lines().filter(l -> l.startsWith("id="))
                .findFirst().orElse("");
            Thread.sleep(10);
        }
        return "blocked " + field(line, "flags") + " " + field(line, "cmd");
    }
}
