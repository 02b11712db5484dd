package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * BGSAVE's answers as redis-server 7.0.15 gives them, on both servers: inside MULTI/EXEC it is scheduled (Redis's
 * {@code in_exec}), and the scheduled save then runs (rdb_saves grows); while an AOF rewrite runs (stretched by
 * rdb-key-save-delay), BGSAVE is refused with Redis's text, BGSAVE SCHEDULE is scheduled, BGREWRITEAOF says it is
 * already in progress; BGSAVE SCHEDULE with nothing running starts at once.
 */
class BgsaveScheduleDifferentialTest {
    private static List<String> transcript(RespClient c) throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            c.call("SET", "k" + i, "v");
        }
        out.add(c.call("MULTI"));
        out.add(c.call("BGSAVE"));
        out.add(c.call("EXEC"));
        awaitSaves(c, 1);
        out.add(c.call("CONFIG", "SET", "appendonly", "yes"));
        awaitNoRewrite(c);
        out.add(c.call("CONFIG", "SET", "rdb-key-save-delay", "150000")); // 3 keys: a rewrite of ~0.45 s
        out.add(c.call("BGREWRITEAOF"));
        out.add(c.call("BGREWRITEAOF"));
        out.add(c.call("BGSAVE"));
        out.add(c.call("BGSAVE", "SCHEDULE"));
        awaitNoRewrite(c);
        awaitSaves(c, 2); // the scheduled save ran after the rewrite
        out.add(c.call("CONFIG", "SET", "rdb-key-save-delay", "0"));
        out.add(c.call("BGSAVE", "SCHEDULE"));
        out.add(c.call("BGSAVE", "NOW"));
        awaitSaves(c, 3);
        return out;
    }

    private static String info(RespClient c) throws Exception {
        return c.call("INFO", "persistence");
    }

    private static void awaitSaves(RespClient c, int n) throws Exception {
        for (int i = 0; i < 1000; i++) {
            String info = info(c);
            if (info.contains("rdb_saves:" + n + "\r\n") && info.contains("rdb_bgsave_in_progress:0")) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("rdb_saves did not reach " + n + ": " + info(c));
    }

    private static void awaitNoRewrite(RespClient c) throws Exception {
        for (int i = 0; i < 1000; i++) {
            String info = info(c);
            if (info.contains("aof_rewrite_in_progress:0") && info.contains("aof_rewrite_scheduled:0")) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the rewrite did not end: " + info(c));
    }

    @Test
    void bgsaveAnswersAsRedis() throws Exception {
        List<String> redis;
        try (RealRedis real = RealRedis.start(); RespClient c = new RespClient(real.port())) {
            redis = transcript(c);
        }
        List<String> ours;
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("save", "")
                .config("dir", Files.createTempDirectory("bgsave-sched").toString()).start();
             RespClient c = new RespClient(s.port())) {
            ours = transcript(c);
        }
        assertEquals(redis, ours);
        assertTrue(redis.get(2).contains("Background saving scheduled"), redis.toString());
    }
}
