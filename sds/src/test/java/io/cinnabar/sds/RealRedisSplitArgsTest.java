package io.cinnabar.sds;

import io.cinnabar.testkit.RealRedis;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inline commands go through sdssplitargs in the real server: ECHO of quoted, escaped arguments must come back as
 * {@link Sds#splitArgs} reads them, and what {@link Sds#appendRepr} writes must survive the trip.
 */
class RealRedisSplitArgsTest {

    @Test
    void inlineEchoAgreesWithSplitArgs() throws IOException {
        assertTrue(RealRedis.available(), "redis-server must be installed (apt-get install -y redis-server)");
        List<byte[]> lines = new ArrayList<>();
        for (String l : new String[] {"ECHO \"a b\"", "ECHO 'c d'", "ECHO \"\\x41\\x42\"", "ECHO \"x\\ny\"",
            "ECHO 'it\\'s'", "ECHO 'a\\nb'", "ECHO \"\\xZZ\"", "ECHO \"q\\\"\"", "ECHO plain", "ECHO \"tab\\tz\""}) {
            lines.add(l.getBytes(StandardCharsets.ISO_8859_1));
        }
        Random r = new Random(9);
        for (int i = 0; i < 300; i++) {
            byte[] raw = new byte[r.nextInt(30)];
            r.nextBytes(raw);
            Sds line = Sds.of("ECHO ").appendRepr(raw, 0, raw.length);
            lines.add(line.toByteArray());
        }
        try (RealRedis redis = RealRedis.start(); Resp resp = new Resp(redis.connect())) {
            for (byte[] l : lines) {
                byte[] withCrlf = java.util.Arrays.copyOf(l, l.length + 2);
                withCrlf[l.length] = '\r';
                withCrlf[l.length + 1] = '\n';
                resp.sendRaw(withCrlf);
            }
            for (byte[] l : lines) {
                Sds[] args = Sds.splitArgs(l, 0, l.length);
                assertNotNull(args);
                assertEquals(2, args.length, new String(l, StandardCharsets.ISO_8859_1));
                Resp.Reply reply = resp.read();
                assertArrayEquals(args[1].toByteArray(), reply.bulk(), new String(l, StandardCharsets.ISO_8859_1));
            }
        }
    }

    @Test
    void unbalancedQuotesAreAProtocolError() throws IOException {
        for (String bad : new String[] {"ECHO \"foo\"bar", "ECHO \"unterminated", "ECHO 'x'y"}) {
            byte[] l = bad.getBytes(StandardCharsets.ISO_8859_1);
            assertEquals(null, Sds.splitArgs(l, 0, l.length), bad);
            try (RealRedis redis = RealRedis.start(); Resp resp = new Resp(redis.connect())) {
                resp.sendRaw((bad + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                assertEquals("ERR Protocol error: unbalanced quotes in request", resp.read().error(), bad);
            }
        }
    }
}
