package io.cinnabar.server.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile redis.conf text: random bytes, lines made of option names and junk, unbalanced quotes, a file that
 * includes itself, huge lines and huge line counts. Loading either succeeds or stops with the documented
 * {@link ConfigFile.FatalConfigError} (Redis's fatal config error text), within seconds, never another exception.
 */
class ConfigFileHostileProperties {
    private static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("cfghostile");
    }

    @AfterContainer
    static void removeDir() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    /** Loads bytes as a config file: null when accepted, else the fatal error's message. */
    static String load(byte[] content) {
        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Path f = dir.resolve("hostile.conf");
            Files.write(f, content);
            try {
                ConfigFile.load(new Config(), f, null);
                return null;
            } catch (ConfigFile.FatalConfigError e) {
                return e.getMessage();
            }
        });
    }

    /**
     * Accepted (null), or one of the loader's fatal errors: a bad line, a file-level error, or Redis's abort for a
     * module option ("name.sub value", which random bytes can form) with no module loaded.
     */
    private static boolean isConfigError(String err) {
        return err == null || err.startsWith("\n*** FATAL CONFIG FILE ERROR") || err.startsWith("Fatal error")
            || err.startsWith("Module Configuration detected without loadmodule directive");
    }

    @Property(tries = 300)
    void randomBytesLoadOrFailWithTheConfigError(@ForAll("bytes") byte[] content) {
        String err = load(content);
        assertTrue(isConfigError(err), err);
    }

    @Property(tries = 400)
    void optionNamesWithJunkLoadOrFailWithTheConfigError(@ForAll("lines") List<String> lines) {
        String err = load(String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(isConfigError(err), err);
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(4096);
    }

    @Provide
    Arbitrary<List<String>> lines() {
        List<String> names = new java.util.ArrayList<>(Config.DEFS.keySet());
        names.addAll(List.of("include", "rename-command", "user", "sentinel", "loadmodule", "x.y", "#", ""));
        Arbitrary<String> name = Arbitraries.of(names);
        Arbitrary<String> token = Arbitraries.oneOf(
            Arbitraries.strings().withChars("0123456789-+%kKmMgGbB. \"'\\x{}").ofMaxLength(24),
            Arbitraries.strings().all().ofMaxLength(12).map(s -> s.replace('\n', ' ')),
            Arbitraries.of("-1", "0", "18446744073709551616", "9223372036854775808", "\"\"", "''", "\"a b\"", "yes",
                "no", "1gb", "50%", "\"\\x00\"", "\"unterminated", "a\"b\"", "\\"));
        Arbitrary<String> line = net.jqwik.api.Combinators.combine(name, token.list().ofMaxSize(6))
            .as((n, t) -> n + (t.isEmpty() ? "" : " " + String.join(" ", t)));
        return line.list().ofMinSize(1).ofMaxSize(8);
    }

    @Example
    void aFileThatIncludesItselfStopsWithAnError() throws IOException {
        Path f = dir.resolve("self.conf");
        Files.writeString(f, "include " + f + "\n");
        // Redis recurses until its stack overflows (redis-server 7.0.15 dies with SIGSEGV); we stop at depth 16
        String err = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try {
                ConfigFile.load(new Config(), f, null);
                return null;
            } catch (ConfigFile.FatalConfigError e) {
                return e.getMessage();
            }
        });
        assertEquals("Fatal error: too many nested includes ('" + f + "')", err);
    }

    @Example
    void hugeLinesAndManyLinesAreReadInBoundedTime() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 200_000; i++) {
            many.append("hz ").append(1 + i % 500).append('\n');
        }
        assertEquals(null, load(many.toString().getBytes(StandardCharsets.ISO_8859_1)));
        String err = load(("maxmemory " + "9".repeat(10_000_000) + "\n").getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(err.endsWith("\nargument must be a memory value"), err.substring(err.length() - 60));
        err = load(("maxmemory \"" + "1".repeat(1_000_000) + "\n").getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(err.endsWith("\nUnbalanced quotes in configuration line"), err.substring(err.length() - 60));
    }

    @Example
    void aNulByteEndsItsReadChunkAsInRedis() {
        // fgets reads "zz\0yy\n" then "maxmemory 1\0junk\n" then "foo\n"; sdscat keeps each up to its NUL
        String err = load("zz\0yy\nmaxmemory 1\0junk\nfoo\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("\n*** FATAL CONFIG FILE ERROR (Redis " + Config.VERSION + ") ***\nReading the configuration "
            + "file, at line 1\n>>> 'zzmaxmemory 1foo'\nBad directive or wrong number of arguments", err);
    }

}
