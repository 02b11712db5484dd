package io.cinnabar.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Fixtures;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespObjectClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Round trips through a real Redis 7.0 (the oracle on the machine): every fixture converted to RDB 10 loads there
 * with the content of its .json, and {@code rdb dump --format resp | redis-cli --pipe} reproduces it too.
 * Fails (does not skip) when redis-server is missing.
 */
class RealRedisRoundTripTest {
    static Stream<Path> files() {
        return Stream.concat(Fixtures.list("rdb", ".rdb").stream(),
            Stream.of("encodings.rdb", "hash-zipmap.rdb", "hash-ziplist.rdb", "zset-ziplist.rdb", "list-quicklist.rdb")
                .map(n -> Fixtures.fixture("redis-assets/" + n)));
    }

    static Map<String, String> expected(Path rdb) throws Exception {
        return Snapshot.fromFixture(RdbDumpGoldenTest.JSON.readTree(Files.readString(rdb.resolveSibling(
            rdb.getFileName().toString().replace("-uncompressed.rdb", ".json").replace(".rdb", ".json")))));
    }

    @ParameterizedTest
    @MethodSource("files")
    void convertedToVersion10LoadsInRedis70(Path rdb, @TempDir Path dir) throws Exception {
        Path out = dir.resolve("converted.rdb");
        ToolRunner r = ToolRunner.run("rdb", "convert", rdb.toString(), out.toString(), "--rdb-version", "10");
        assertEquals(0, r.rc(), r.err());
        Process check = new ProcessBuilder(RealRedis.binary("redis-check-rdb").toString(), out.toString())
            .redirectErrorStream(true).start();
        String report = new String(check.getInputStream().readAllBytes());
        assertEquals(0, check.waitFor(), report);
        assertTrue(report.contains("RDB looks OK") && report.contains("Checksum OK"), report);
        try (RealRedis redis = RealRedis.start("--dir", dir.toString(), "--dbfilename", "converted.rdb");
             RespObjectClient c = new RespObjectClient(redis.connect())) {
            Snapshot.assertSame(expected(rdb), Snapshot.fromServer(c));
            checkFunctions(rdb, c);
        }
    }

    @ParameterizedTest
    @MethodSource("files")
    void respDumpThroughRedisCliPipe(Path rdb, @TempDir Path dir) throws Exception {
        ToolRunner r = ToolRunner.run("rdb", "dump", rdb.toString(), "--format", "resp");
        assertEquals(0, r.rc(), r.err());
        Path resp = dir.resolve("dump.resp");
        Files.write(resp, r.out());
        try (RealRedis redis = RealRedis.start();
             RespObjectClient c = new RespObjectClient(redis.connect())) {
            Process p = new ProcessBuilder(RealRedis.binary("redis-cli").toString(), "-p", String.valueOf(redis.port()), "--pipe")
                .redirectInput(resp.toFile()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), log);
            assertTrue(log.contains("errors: 0"), log);
            Snapshot.assertSame(expected(rdb), Snapshot.fromServer(c));
            checkFunctions(rdb, c);
        }
    }

    private static void checkFunctions(Path rdb, RespObjectClient c) throws Exception {
        List<?> libs = (List<?>) c.call("FUNCTION", "LIST");
        boolean hasFunction = rdb.getFileName().toString().startsWith("redis-7.");
        assertEquals(hasFunction ? 1 : 0, libs.size(), "function libraries");
    }
}
