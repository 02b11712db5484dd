package io.cinnabar.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ConfigFile;
import io.cinnabar.server.internal.config.ServerLog;
import io.cinnabar.testkit.RealRedis;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A sentinel whose start is slow (a JVM on a loaded machine: Redis's sentinel test suite restarts sentinels and
 * saw seconds between loading the config and serving) starts its clocks when it starts running, as redis-sentinel
 * (which inits the sentinel state right before its event loop): no TILT from the load-to-first-tick gap and no
 * SDOWN of a live master whose only fault is that nobody pinged it during the start.
 */
class SentinelSlowStartTest {
    @TempDir
    Path dir;

    @Test
    void slowStartIsNeitherTiltNorSdown() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server missing");
        try (RealRedis master = RealRedis.start()) {
            Path conf = dir.resolve("sentinel.conf");
            Files.writeString(conf, "sentinel monitor mymaster 127.0.0.1 " + master.port() + " 1\n"
                + "sentinel down-after-milliseconds mymaster 1000\n");
            Config config = new Config();
            config.sentinelMode = true;
            ConfigFile.load(config, conf, ConfigFile.optionsToText(List.of("--port", "0", "--protected-mode", "no")));
            ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
            Assembly a = Assembly.create(config, new ServerLog(out));
            a.loop().listen(true);
            assertTrue(a.server().started());
            Thread.sleep(2_500); // longer than the TILT trigger (2 s) and the master's down-after (1 s)
            a.sentinel().started();
            a.loop().start();
            try (Jedis j = new Jedis("127.0.0.1", a.loop().port())) {
                // a few timer ticks and at least one PING round trip
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (!j.sentinelMaster("mymaster").get("last-ok-ping-reply").matches("[0-9]{1,3}")
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                Thread.sleep(300);
                String info = j.info("sentinel");
                assertTrue(info.contains("sentinel_tilt:0"), info);
                assertEquals("master", j.sentinelMaster("mymaster").get("flags"));
            } finally {
                a.loop().shutdown();
                a.loop().join();
            }
            String log = logBytes.toString(StandardCharsets.UTF_8);
            assertTrue(!log.contains("+tilt") && !log.contains("+sdown"), log);
        }
    }
}
