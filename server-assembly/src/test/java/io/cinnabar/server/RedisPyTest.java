package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * redis-py (the distribution's python3-redis, run by /usr/bin/python3) against the embedded server: pub/sub with
 * channels and patterns, pipelines with and without MULTI, WATCH with a conflicting write, and the Lock helper
 * (src/test/resources/pubsub/redis_py_check.py). Not skipped when redis-py is missing: the test fails, and
 * .ci/run installs python3-redis.
 */
class RedisPyTest {
    @Test
    void redisPyPubSubPipelineTransactionLock() throws Exception {
        Path script = Files.createTempFile("redis_py_check", ".py");
        try (InputStream in = RedisPyTest.class.getResourceAsStream("/pubsub/redis_py_check.py");
             CinnabarServer server = CinnabarServer.builder().port(0).start()) {
            Files.write(script, in.readAllBytes());
            Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), Integer.toString(server.port()))
                .redirectErrorStream(true).start();
            boolean finished = p.waitFor(120, TimeUnit.SECONDS);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!finished) {
                p.destroyForcibly();
            }
            assertTrue(finished, "redis-py check did not finish: " + out);
            assertEquals(0, p.exitValue(), "redis-py check failed (is python3-redis installed?):\n" + out);
            assertTrue(out.contains("OK"), out);
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
