package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Fixtures;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every RDB fixture written by real Redis (2.8 to 7.2, and Redis's own test assets) loads at startup; where
 * redis-server 7.0.15 reads the file too (version 10 and below), both servers end with the same DEBUG DIGEST, and
 * DEBUG RELOAD keeps it. A file with a corrupt ziplist stops the start.
 */
class RdbFixtureLoadTest {
    @TempDir
    Path dir;

    private static int version(Path f) throws Exception {
        byte[] b = Files.readAllBytes(f);
        return Integer.parseInt(new String(b, 5, 4, java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static void dropZsets(RespClient c) throws Exception {
        for (int db = 0; db < 16; db++) {
            c.call("SELECT", Integer.toString(db));
            String reply = c.call("SCAN", "0", "TYPE", "zset", "COUNT", "100000");
            String[] lines = reply.split("\r\n");
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].startsWith("$") && i + 1 < lines.length && i > 3) {
                    c.call("DEL", lines[i + 1]);
                }
            }
        }
        c.call("SELECT", "0");
    }

    @Test
    void fixturesLoadWithRedissDigest() throws Exception {
        List<Path> files = new ArrayList<>(Fixtures.list("rdb", ".rdb"));
        files.addAll(Fixtures.list("redis-assets", ".rdb"));
        int compared = 0;
        for (Path f : files) {
            String name = f.getFileName().toString();
            Files.copy(f, dir.resolve("dump.rdb"), StandardCopyOption.REPLACE_EXISTING);
            if (name.startsWith("corrupt_ziplist")) {
                assertThrows(IllegalStateException.class, () -> CinnabarServer.builder().port(0)
                    .config("dir", dir.toString()).start(), name);
                continue;
            }
            try (CinnabarServer s = CinnabarServer.builder().port(0).config("dir", dir.toString())
                     .config("enable-debug-command", "yes").config("save", "").start();
                 RespClient c = new RespClient(s.port())) {
                String ours = c.call("DEBUG", "DIGEST");
                if (name.contains("all-types")) {
                    assertTrue(!ours.equals("+0000000000000000000000000000000000000000\r\n"), name);
                }
                assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD", "NOSAVE"), name);
                assertEquals(ours, c.call("DEBUG", "DIGEST"), name);
                if (RealRedis.available() && version(f) <= 10) {
                    try (RealRedis real = RealRedis.start("--enable-debug-command", "yes", "--dir", dir.toString());
                         RespClient r = new RespClient(real.port())) {
                        // Redis 7.0 digests zset scores as %.17g text, 7.2 (and we) as fpconv_dtoa's: compare the
                        // rest of the dataset (RdbDifferentialTest compares zsets whose scores print alike)
                        dropZsets(c);
                        dropZsets(r);
                        assertEquals(r.call("DEBUG", "DIGEST"), c.call("DEBUG", "DIGEST"), name);
                        compared++;
                    }
                }
                String before = c.call("DEBUG", "DIGEST");
                assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD"), name); // our own save and load
                assertEquals(before, c.call("DEBUG", "DIGEST"), name);
            }
        }
        assertTrue(files.size() >= 20, "fixtures found: " + files.size());
        if (RealRedis.available()) {
            assertTrue(compared >= 15, "compared with redis-server: " + compared);
        }
    }
}
