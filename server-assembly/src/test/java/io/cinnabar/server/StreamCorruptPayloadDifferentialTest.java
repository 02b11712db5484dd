package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.rdb.Crc64;
import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RESTORE of corrupt stream payloads against a real redis-server 7.0.15, both with {@code sanitize-dump-payload
 * yes} (Redis's deep validation; without it Redis trusts the listpacks and may crash later, which is no oracle).
 * The payload is Redis's DUMP of a stream with three listpack nodes, a deleted entry, a group and two consumers
 * with pending entries; each case changes, inserts or cuts bytes and fixes the CRC so that the value parser sees
 * the damage. Redis 7.2 validates streams as 7.0.15 does.
 * <ul>
 *   <li>Where Redis refuses, we refuse with the same error text.</li>
 *   <li>Where Redis accepts, we accept too and hold the same entries (XLEN, XRANGE), except the known stricter
 *   cases: we refuse a value followed by unread bytes, and a value that runs into the footer (Redis parses the
 *   whole payload buffer, footer included); these are counted and bounded.</li>
 *   <li>Our server answers PING after every case.</li>
 * </ul>
 */
@Differential(server = CinnabarUnderTest.class)
class StreamCorruptPayloadDifferentialTest {
    static final String CHECKSUM = "-ERR DUMP payload version or checksum are wrong\r\n";
    RespClient real;
    RespClient ours;

    @BeforeEach
    void connect(Pair pair) throws Exception {
        real = pair.redis();
        ours = pair.ours();
        for (RespClient r : new RespClient[] {real, ours}) {
            r.call("FLUSHALL");
            assertEquals("+OK\r\n", r.call("CONFIG", "SET", "sanitize-dump-payload", "yes"));
            r.call("CONFIG", "SET", "stream-node-max-entries", "4");
            for (int i = 1; i < 12; i++) {
                r.call("XADD", "s", i + "-1", "f", "v" + i, "g", Integer.toString(i));
            }
            r.call("XGROUP", "CREATE", "s", "g1", "0");
            r.call("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "5", "STREAMS", "s", ">");
            r.call("XREADGROUP", "GROUP", "g1", "bob", "COUNT", "2", "STREAMS", "s", ">");
            r.call("XDEL", "s", "3-1");
        }
    }

    private static byte[] bulk(String reply) {
        assertTrue(reply.startsWith("$"), reply);
        int e = reply.indexOf("\r\n");
        return reply.substring(e + 2, reply.length() - 2).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** body (type, value, version) followed by its CRC64, little-endian. */
    private static String withCrc(byte[] body) {
        byte[] p = Arrays.copyOf(body, body.length + 8);
        long crc = Crc64.of(body, 0, body.length);
        for (int i = 0; i < 8; i++) {
            p[body.length + i] = (byte) (crc >>> (8 * i));
        }
        return new String(p, StandardCharsets.ISO_8859_1);
    }

    private String[] restore(String payload) throws Exception {
        String[] cmd = {"RESTORE", "k", "0", payload, "REPLACE"};
        return new String[] {real.call(cmd), ours.call(cmd)};
    }

    private byte[] body() throws Exception {
        byte[] dump = bulk(real.call("DUMP", "s"));
        return Arrays.copyOf(dump, dump.length - 8);
    }

    @Test
    void intactPayloadAndChecksumErrors() throws Exception {
        byte[] body = body();
        String[] r = restore(withCrc(body));
        assertEquals("+OK\r\n", r[0]);
        assertEquals(r[0], r[1]);
        assertEquals(real.call("XRANGE", "k", "-", "+"), ours.call("XRANGE", "k", "-", "+"));
        String good = withCrc(body);
        String badCrc = good.substring(0, good.length() - 1) + (char) (good.charAt(good.length() - 1) ^ 1);
        r = restore(badCrc);
        assertEquals(CHECKSUM, r[0]);
        assertEquals(r[0], r[1]);
        byte[] future = body.clone();
        future[future.length - 2] = 99; // RDB version 99
        r = restore(withCrc(future));
        assertEquals(CHECKSUM, r[0]);
        assertEquals(r[0], r[1]);
    }

    @Test
    void wrongElementCountInANodeHeaderIsAccepted() throws Exception {
        byte[] body = body();
        // the first node's listpack: after type (1), node count (1), key length (1) + 16-byte key, 2-byte string length
        int lp = 1 + 1 + 1 + 16 + 2;
        assertEquals(0x4d, body[lp] & 0xff, "the first listpack is 77 bytes long");
        body[lp + 5] = 0x32; // element count 0x32xx: Redis's stream validation does not compare it
        String[] r = restore(withCrc(body));
        assertEquals("+OK\r\n", r[0]);
        assertEquals(r[0], r[1]);
        assertEquals(real.call("XRANGE", "k", "-", "+"), ours.call("XRANGE", "k", "-", "+"));
    }

    @Test
    void randomDamageGivesRedisErrors() throws Exception {
        byte[] body = body();
        Random rnd = new Random(20261204);
        int refused = 0;
        int accepted = 0;
        List<String> stricter = new ArrayList<>();
        for (int t = 0; t < 400; t++) {
            byte[] b = damage(body, rnd);
            String[] r = restore(withCrc(b));
            assertEquals("+PONG\r\n", ours.call("PING"));
            if (r[0].startsWith("-")) {
                refused++;
                assertEquals(r[0], r[1], "case " + t);
            } else if (r[1].startsWith("-")) {
                stricter.add(t + ": " + r[1].trim());
            } else {
                accepted++;
                assertEquals(real.call("XLEN", "k"), ours.call("XLEN", "k"), "case " + t);
                assertEquals(real.call("XRANGE", "k", "-", "+"), ours.call("XRANGE", "k", "-", "+"), "case " + t);
            }
        }
        assertTrue(refused > 200, "most damage is refused: " + refused);
        assertTrue(accepted > 10, "some damage is harmless: " + accepted);
        assertTrue(stricter.size() <= 8, "stricter than Redis: " + stricter);
    }

    /** One to three changed bytes, a cut, or an inserted byte, never in the type byte or the version. */
    private static byte[] damage(byte[] body, Random rnd) {
        int n = body.length;
        switch (rnd.nextInt(3)) {
            case 0 -> {
                byte[] b = body.clone();
                for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                    b[1 + rnd.nextInt(n - 3)] = (byte) rnd.nextInt(256);
                }
                return b;
            }
            case 1 -> {
                int cut = 1 + rnd.nextInt(n - 3);
                byte[] b = Arrays.copyOf(body, cut + 2);
                b[cut] = body[n - 2];
                b[cut + 1] = body[n - 1];
                return b;
            }
            default -> {
                int at = 1 + rnd.nextInt(n - 3);
                byte[] b = new byte[n + 1];
                System.arraycopy(body, 0, b, 0, at);
                b[at] = (byte) rnd.nextInt(256);
                System.arraycopy(body, at, b, at + 1, n - at);
                return b;
            }
        }
    }
}
