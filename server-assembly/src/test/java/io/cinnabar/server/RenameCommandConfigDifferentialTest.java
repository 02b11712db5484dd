package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * rename-command lines in a config file, against redis-server 7.0.15 (the same code in 7.2's config.c): Redis renames
 * in its command table while it reads the file, so an unknown command, or a new name already taken, stops the file
 * at that line with its fatal error, before the lines after it are read and before anything is logged. Each file
 * below has a bad rename-command line followed by other errors (a bad value, an unknown directive); both servers
 * are started on it as processes and their stderr and stdout must be the same (the version in the banner aside).
 */
class RenameCommandConfigDifferentialTest {
    private static final String[] FILES = {
        // an unknown command, then a bad value and an unknown directive
        "port 0\nrename-command foocmd barcmd\nmaxmemory-policy bogus\nfoo bar\n",
        // a valid file up to the bad line, then a valid line
        "port 0\nsave \"\"\nrename-command nosuch \"\"\nsave 900 1\n",
        // renamed twice: the second line finds the command under its new name, the third by its old name fails
        "port 0\nrename-command get g1\nrename-command g1 g2\nrename-command get g3\nmaxmemory lots\n",
        // removed, then removed again
        "rename-command flushall \"\"\nrename-command FLUSHALL \"\"\nhz bogus\n",
        // a taken target, then an unknown command
        "rename-command get set\nrename-command nosuch x\n",
        // renamed to itself (allowed), then a taken target (case-insensitively)
        "rename-command get GET\nrename-command del Get\nfoo\n",
        // the rename-command lines are fine; the error is a later line's
        "rename-command get x\nrename-command x get\nrename-command keys \"\"\nmaxmemory lots\n",
    };

    @Test
    void badRenameCommandStopsTheFileAtItsLine() throws Exception {
        assertTrue(RealRedis.available(), "redis-server is needed");
        Path dir = Files.createTempDirectory("renamecfg");
        try {
            Path f = dir.resolve("r.conf");
            List<String> redis = new ArrayList<>();
            List<String> ours = new ArrayList<>();
            for (String file : FILES) {
                Files.writeString(f, file, StandardCharsets.ISO_8859_1);
                redis.add(run(dir, List.of(RealRedis.binary("redis-server").toString(), f.toString()))
                    .replace("(Redis 7.0.15)", "(Redis 7.2.4)"));
                String java = ProcessHandle.current().info().command().orElse("java");
                ours.add(run(dir, List.of(java, "-cp", System.getProperty("java.class.path"),
                    "io.cinnabar.server.Launcher", f.toString())));
            }
            for (int i = 0; i < FILES.length; i++) {
                assertTrue(redis.get(i).startsWith("exit 1 "), redis.get(i)); // every file stops the server
                assertEquals(redis.get(i), ours.get(i), "file: " + FILES[i]);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    /** Runs a server on the file: its exit status, stdout and stderr (it must stop at the file's error). */
    private static String run(Path dir, List<String> cmd) throws Exception {
        Path out = dir.resolve("out.log");
        Path err = dir.resolve("err.log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile())
            .redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return "did not exit";
        }
        return "exit " + p.exitValue() + " stdout=[" + Files.readString(out, StandardCharsets.ISO_8859_1)
            + "] stderr=[" + Files.readString(err, StandardCharsets.ISO_8859_1) + "]";
    }
}
