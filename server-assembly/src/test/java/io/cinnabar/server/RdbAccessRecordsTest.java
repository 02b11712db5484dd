package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * IDLE and FREQ records as Redis writes them per maxmemory-policy. A key is restored with {@code IDLETIME 5000} or
 * {@code FREQ 100}, the server saves and reloads (DEBUG RELOAD): under an LRU policy the idle time survives, under
 * an LFU policy the counter, and redis-server 7.0.15 started on our file (RDB 10) reports the same; under
 * noeviction no record is written, so the reload starts the idle time again.
 */
class RdbAccessRecordsTest {
    private static long num(String reply) {
        return Long.parseLong(reply.substring(1).trim());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** RESTORE k 0 <DUMP of a string> <option> <value>, sent as raw RESP (the payload is binary). */
    private static void restore(RespClient c, String option, String value) throws Exception {
        c.call("SET", "tmp", "some value");
        String dump = c.call("DUMP", "tmp");
        c.call("DEL", "tmp");
        byte[] payload = dump.substring(dump.indexOf("\r\n") + 2, dump.length() - 2)
            .getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii("*6\r\n$7\r\nRESTORE\r\n$1\r\nk\r\n$1\r\n0\r\n$" + payload.length + "\r\n"));
        out.writeBytes(payload);
        out.writeBytes(ascii("\r\n$" + option.length() + "\r\n" + option + "\r\n$" + value.length() + "\r\n" + value
            + "\r\n"));
        c.sendRaw(out.toByteArray());
        assertEquals("+OK\r\n", c.read());
    }

    @ParameterizedTest
    @CsvSource({"allkeys-lru, IDLETIME, 5000", "volatile-lfu, FREQ, 100", "noeviction, IDLETIME, 5000"})
    void accessDataSurvivesSaveAndLoadAsInRedis(String policy, String option, String value) throws Exception {
        Path dir = Files.createTempDirectory("rdb-access");
        String query = option.equals("FREQ") ? "FREQ" : "IDLETIME";
        boolean kept = !policy.equals("noeviction");
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("save", "").config("dir", dir.toString())
                .config("enable-debug-command", "yes").config("maxmemory-policy", policy)
                .config("cinnabar-rdb-version", "10").start();
             RespClient c = new RespClient(s.port())) {
            restore(c, option, value);
            assertTrue(num(c.call("OBJECT", query, "k")) >= Long.parseLong(value));
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD"));
            long after = num(c.call("OBJECT", query, "k"));
            assertEquals(kept, after >= Long.parseLong(value), policy + ": " + query + " after reload " + after);
        }
        if (!kept) {
            return;
        }
        try (RealRedis real = RealRedis.start("--maxmemory-policy", policy, "--dir", dir.toString());
             RespClient c = new RespClient(real.port())) {
            assertTrue(num(c.call("OBJECT", query, "k")) >= Long.parseLong(value),
                "redis-server applies our " + option + " record");
        }
    }
}
