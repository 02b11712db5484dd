package io.cinnabar.server.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.sds.SdsArgs;
import io.cinnabar.testkit.RealRedis;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Redis's {@code sdssplitargs} rule for {@code \v} and {@code \f} in a config file line, checked against a real
 * redis-server 7.0.15 reading the same file: they are skipped between arguments (and after a closing quote) but do
 * not end an unquoted argument, so {@code hz\v20} is one unknown directive and {@code hz 20\f} an argument that is
 * not an integer. (The server's own splitter split at them; it now calls sds's {@code SdsArgs}.)
 */
class ConfigFileBlanksTest {
    /** The cases, with {@code <v>} and {@code <f>} standing for the two bytes. */
    @ParameterizedTest
    // The line is trimmed of " \t\r\n" only (a trailing \f stays part of the last argument), and a known
    // option with the wrong number of arguments is refused with Redis's text, not as a bad directive.
    @ValueSource(strings = {"<v><f>hz\t20 <v><f>", "hz<v>20", "hz<f> 20", "hz \"20\"<v>", "<v>hz<v>", "hz <v>20",
        "hz 20<f>", "hz '20'<f>x", "hz", "hz 1 2", "nosuchdirective 1", "\thz 20\t", "maxmemory 1mb<f>"})
    void configLineSplitsAsRedisDoes(String form) throws Exception {
        String line = form.replace("<v>", "\u000b").replace("<f>", "\u000c");
        String redis = redisVerdict(line + "\n");
        Config c = new Config();
        String ours;
        try {
            ConfigFile.loadString(c, line + "\n", 0);
            ours = "OK";
        } catch (ConfigFile.FatalConfigError e) {
            ours = e.getMessage().substring(e.getMessage().lastIndexOf('\n') + 1);
        }
        assertEquals(redis, ours, form);
        if (ours.equals("OK")) {
            assertEquals("20", c.get("hz"), form);
        }
    }

    /** The sdssplitargs results behind the cases above, spelled out. */
    @Test
    void splitKeepsVerticalTabAndFormFeedInsideAnArgument() {
        assertEquals(List.of("hz", "20"), SdsArgs.split("\u000b\u000chz\t20 \u000b\u000c"));
        assertEquals(List.of("hz\u000b20"), SdsArgs.split("hz\u000b20"));
        assertEquals(List.of("hz", "20\u000c"), SdsArgs.split("hz 20\u000c"));
        assertEquals(List.of("hz", "20"), SdsArgs.split("hz \"20\"\u000b"));
        assertEquals(List.of("hz", "20", "x"), SdsArgs.split("hz '20'\u000cx"));
        assertThrows(ConfigFile.FatalConfigError.class, () -> ConfigFile.loadString(new Config(), "hz\u000b20\n", 0));
    }

    /**
     * Starts redis-server on the file (listening on a Unix socket only) and returns "OK" once it is ready, or the
     * last line it printed when it refused the file.
     */
    private static String redisVerdict(String text) throws Exception {
        Path bin = RealRedis.binary("redis-server");
        assertNotNull(bin, "redis-server is not installed");
        Path dir = Files.createTempDirectory("conf-blanks");
        Path conf = dir.resolve("r.conf");
        Files.write(conf, text.getBytes(StandardCharsets.ISO_8859_1));
        Process p = new ProcessBuilder(bin.toString(), conf.toString(), "--port", "0", "--unixsocket",
            dir.resolve("s.sock").toString(), "--save", "", "--appendonly", "no", "--dir", dir.toString(),
            "--daemonize", "no", "--logfile", "").redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        // a watchdog: the output ends when the process does, so a server that never gets ready cannot hang the test
        java.util.concurrent.CompletableFuture.delayedExecutor(15, TimeUnit.SECONDS).execute(p::destroyForcibly);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.ISO_8859_1))) {
            String l;
            while ((l = r.readLine()) != null) {
                if (l.toLowerCase(java.util.Locale.ROOT).contains("ready to accept connections")) {
                    return "OK";
                }
                lines.add(l);
            }
        } catch (IOException e) {
            throw new IOException("reading redis-server's output: " + lines, e);
        } finally {
            p.destroy();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "redis-server did not stop");
        }
        assertTrue(!lines.isEmpty(), "redis-server printed nothing");
        return lines.get(lines.size() - 1);
    }
}
