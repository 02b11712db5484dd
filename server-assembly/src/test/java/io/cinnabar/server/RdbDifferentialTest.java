package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against real redis-server 7.0.15: the same commands (every type in each encoding, expires, a stream with a
 * consumer group) give the same DEBUG DIGEST and DEBUG DIGEST-VALUE; DEBUG RELOAD keeps it on both; each server
 * loads the other's SAVE (ours written as RDB 10 for 7.0) with the same digest. Sorted-set scores are integral or
 * halves, where 7.0's %.17g and 7.2's fpconv_dtoa print the same text (the digest hashes the score's text).
 */
class RdbDifferentialTest {
    @TempDir
    Path ours;

    private static final String[] KEYS = {"s:int", "s:emb", "s:raw", "s:exp", "l:lp", "l:ql", "set:int", "set:lp",
        "set:ht", "z:lp", "z:sl", "h:lp", "h:ht", "st", "missing"};

    @Test
    void digestsAndFilesAgreeWithRedis() throws Exception {
        Assumptions.assumeTrue(RealRedis.available(), "redis-server not installed");
        String digest;
        Path redisFile;
        try (RealRedis real = RealRedis.start("--enable-debug-command", "yes");
             CinnabarServer s = CinnabarServer.builder().port(0).config("dir", ours.toString())
                 .config("enable-debug-command", "yes").config("cinnabar-rdb-version", "10").start();
             RespClient r = new RespClient(real.port()); RespClient c = new RespClient(s.port())) {
            RdbPersistenceTest.populate(r);
            RdbPersistenceTest.populate(c);
            digest = r.call("DEBUG", "DIGEST");
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
            String[] args = new String[KEYS.length + 2];
            args[0] = "DEBUG";
            args[1] = "DIGEST-VALUE";
            System.arraycopy(KEYS, 0, args, 2, KEYS.length);
            assertEquals(r.call(args), c.call(args));
            assertEquals("+OK\r\n", r.call("DEBUG", "RELOAD"));
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD"));
            assertEquals(digest, r.call("DEBUG", "DIGEST"));
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
            assertEquals("+OK\r\n", r.call("SAVE"));
            assertEquals("+OK\r\n", c.call("SAVE"));
            redisFile = Files.createTempFile("redis-dump", ".rdb");
            Files.copy(real.dir().resolve("dump.rdb"), redisFile, StandardCopyOption.REPLACE_EXISTING);
        }
        // Redis loads ours
        try (RealRedis real = RealRedis.start("--enable-debug-command", "yes", "--dir", ours.toString());
             RespClient r = new RespClient(real.port())) {
            assertEquals(digest, r.call("DEBUG", "DIGEST"));
        }
        // we load Redis's
        Files.copy(redisFile, ours.resolve("dump.rdb"), StandardCopyOption.REPLACE_EXISTING);
        Files.delete(redisFile);
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("dir", ours.toString())
                 .config("enable-debug-command", "yes").start();
             RespClient c = new RespClient(s.port())) {
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
            assertTrue(c.call("OBJECT", "ENCODING", "set:int").contains("intset"));
            assertTrue(c.call("OBJECT", "ENCODING", "h:ht").contains("hashtable"));
        }
    }
}
