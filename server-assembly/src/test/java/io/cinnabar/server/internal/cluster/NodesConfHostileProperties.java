package io.cinnabar.server.internal.cluster;

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
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile cluster nodes.conf files (random bytes, node lines with junk fields, slot ranges and epochs past their
 * types): {@link NodesConf#load} answers true/false or throws the documented IOException naming the corrupted
 * line ("Unrecoverable error: corrupted cluster config file"), in bounded time, never another exception.
 */
class NodesConfHostileProperties {
    private static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("nodeshostile");
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

    private static void loadChecked(byte[] content) {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Path f = dir.resolve("nodes.conf");
            Files.write(f, content);
            try {
                NodesConf.load(f, new ClusterState(), System.currentTimeMillis());
            } catch (IOException e) {
                assertTrue(e.getMessage().startsWith("Unrecoverable error: corrupted cluster config file"),
                    e.toString());
            }
        });
    }

    @Property(tries = 300)
    void randomBytesLoadOrAreCorrupted(@ForAll("bytes") byte[] content) {
        loadChecked(content);
    }

    @Property(tries = 500)
    void nodeLinesWithJunkLoadOrAreCorrupted(@ForAll("nodeLines") List<String> lines) {
        loadChecked(String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1));
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(4096);
    }

    @Provide
    Arbitrary<List<String>> nodeLines() {
        Arbitrary<String> name = Arbitraries.oneOf(Arbitraries.strings().withChars("0123456789abcdef").ofLength(40),
            Arbitraries.of("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca", "-", "x", ""));
        Arbitrary<String> addr = Arbitraries.of("127.0.0.1:30001@40001", "127.0.0.1:30001@40001,host", ":0@0",
            "127.0.0.1:99999999999@1", "[::1]:1@2,,shard-id=abc", "nocolon", "1.2.3.4:-1@-1", "a:b@c,d=e,f",
            "127.0.0.1:30001", "127.0.0.1:30001@40001,hostname,tls-port=x,shard-id=" + "f".repeat(40));
        Arbitrary<String> flags = Arbitraries.of("myself,master", "slave", "master,fail?", "noaddr", "handshake",
            "myself,slave", "nofailover", "bogus", ",", "");
        Arbitrary<String> number = Arbitraries.of("0", "1", "-1", "18446744073709551615", "18446744073709551616",
            "9223372036854775808", "x", "");
        Arbitrary<String> slot = Arbitraries.of("0-16383", "0", "16383", "16384", "-1", "5-3", "0-99999999999",
            "[1->-e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca]", "[1-<-x]", "[", "[99999-<-a]", "1-", "-");
        Arbitrary<String> node = Combinators.combine(name, addr, flags, name, number, number, number,
            Arbitraries.of("connected", "disconnected", "x"))
            .as((n, a, f, m, p1, p2, e, l) -> n + " " + a + " " + f + " " + m + " " + p1 + " " + p2 + " " + e + " " + l);
        Arbitrary<String> line = Arbitraries.oneOf(
            Combinators.combine(node, slot.list().ofMaxSize(5)).as((n, s) -> n + (s.isEmpty() ? "" : " " + String.join(" ", s))),
            Combinators.combine(Arbitraries.of("vars", "VARS"), number, number)
                .as((v, a, b) -> v + " currentEpoch " + a + " lastVoteEpoch " + b),
            Arbitraries.of("vars currentEpoch", "vars", "\"unbalanced", "   "));
        return line.list().ofMinSize(1).ofMaxSize(6);
    }

    @Example
    void bytesThatAreNotUtf8AreAConfigErrorNotACharsetError() {
        // Redis reads bytes: a Latin-1 byte in a node line makes the line corrupted, not an unreadable file
        loadChecked("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@40001,h\u00e9 myself,master - 0 0 0 connected\n"
            .getBytes(StandardCharsets.ISO_8859_1));
    }
}
