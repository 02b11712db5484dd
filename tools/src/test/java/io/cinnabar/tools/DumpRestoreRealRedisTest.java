package io.cinnabar.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.rdb.DumpPayload;
import io.cinnabar.rdb.RdbException;
import io.cinnabar.rdb.RdbKey;
import io.cinnabar.rdb.RdbVisitor;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespObjectClient;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * DUMP/RESTORE against a real Redis 7.0: payloads built by {@link DumpPayload} (version 10) are accepted by
 * RESTORE and read back equal; payloads DUMPed by Redis decode to the values it holds; a corrupted payload is
 * refused by both.
 */
class DumpRestoreRealRedisTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void restoreOurPayloadsAndDecodeRedisPayloads() throws Exception {
        try (RealRedis redis = RealRedis.start(); RespObjectClient c = new RespObjectClient(redis.connect())) {
            List<byte[]> list = List.of(b("a"), b("12"), b("x".repeat(100)));
            Map<byte[], byte[]> hash = new LinkedHashMap<>();
            hash.put(b("f1"), b("v1"));
            hash.put(b("f2"), b("-7"));
            assertEquals("OK", c.call("RESTORE", "s", 0, DumpPayload.string(10, b("hello world, hello world, hello"))));
            assertEquals("OK", c.call("RESTORE", "l", 0, DumpPayload.list(10, list)));
            assertEquals("OK", c.call("RESTORE", "st", 0, DumpPayload.set(10, List.of(b("m1"), b("m2"), b("3")))));
            assertEquals("OK", c.call("RESTORE", "z", 0, DumpPayload.zset(10, List.of(b("one"), b("two")), new double[] {1.5, -2})));
            assertEquals("OK", c.call("RESTORE", "h", 0, DumpPayload.hash(10, hash)));
            assertEquals("hello world, hello world, hello", new String((byte[]) c.call("GET", "s")));
            List<?> lr = (List<?>) c.call("LRANGE", "l", 0, -1);
            for (int i = 0; i < list.size(); i++) {
                assertArrayEquals(list.get(i), (byte[]) lr.get(i));
            }
            assertEquals(3L, c.call("SCARD", "st"));
            assertEquals("1.5", new String((byte[]) c.call("ZSCORE", "z", "one")));
            assertEquals("-7", new String((byte[]) c.call("HGET", "h", "f2")));

            // Redis's own DUMP of what it now holds decodes to the same elements
            byte[] dumped = (byte[]) c.call("DUMP", "l");
            List<String> got = new ArrayList<>();
            DumpPayload.read(dumped, new RdbVisitor() {
                @Override
                public void listElement(byte[] e) {
                    got.add(new String(e));
                }
            });
            assertEquals(List.of("a", "12", "x".repeat(100)), got);
            String[] enc = new String[1];
            DumpPayload.read((byte[]) c.call("DUMP", "h"), new RdbVisitor() {
                @Override
                public void beginKey(RdbKey k) {
                    enc[0] = k.encoding();
                }
            });
            assertEquals("listpack", enc[0]);

            byte[] bad = DumpPayload.string(10, b("v"));
            bad[2] ^= 1;
            byte[] finalBad = bad;
            assertThrows(RdbException.class, () -> DumpPayload.read(finalBad, new RdbVisitor() { }));
            RespObjectClient.ErrorReply refused =
                assertThrows(RespObjectClient.ErrorReply.class, () -> c.call("RESTORE", "bad", 0, finalBad));
            assertTrue(refused.getMessage().contains("checksum"), refused.getMessage());
        }
    }
}
