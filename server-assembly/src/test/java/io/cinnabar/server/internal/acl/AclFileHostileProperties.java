package io.cinnabar.server.internal.acl;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.internal.Assembly;
import io.cinnabar.server.internal.TestConfigs;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ConfigFile;
import io.cinnabar.server.internal.config.ServerLog;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile ACL files loaded with ACL LOAD: random bytes, and user lines of real and broken rules (selectors with
 * unbalanced parentheses, key and channel patterns, passwords and hashes of odd lengths, duplicates). The reply is
 * +OK or one error line, in bounded time, and the server still answers commands afterwards.
 */
class AclFileHostileProperties {
    private static Assembly assembly;
    private static Client client;
    private static Path dir;
    private static Path aclfile;

    @BeforeContainer
    static void start() throws Exception {
        dir = Files.createTempDirectory("aclhostile");
        aclfile = dir.resolve("users.acl");
        Files.writeString(aclfile, "user default on nopass ~* &* +@all\n");
        Config config = new Config();
        ConfigFile.load(config, null, "save \"\"\ndir " + dir + "\naclfile " + aclfile + "\n");
        assembly = Assembly.create(config, new ServerLog(new PrintStream(OutputStream.nullOutputStream())));
        client = Client.detached(assembly.server());
    }

    @AfterContainer
    static void stop() throws IOException {
        assembly.loop().shutdown();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private static void loadChecked(byte[] content) {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Files.write(aclfile, content);
            String r = TestConfigs.run(assembly.server(), client, "ACL", "LOAD");
            assertTrue(r.equals("+OK\r\n") || r.startsWith("-ERR ") && r.indexOf('\n') == r.length() - 1, r);
            // the default user may have been replaced by the file: make sure this client can still act
            Files.writeString(aclfile, "user default on nopass ~* &* +@all\n");
            assertTrue(TestConfigs.run(assembly.server(), client, "ACL", "LOAD").equals("+OK\r\n"));
            assertTrue(TestConfigs.run(assembly.server(), client, "PING").equals("+PONG\r\n"));
        });
    }

    @Property(tries = 300)
    void randomBytesLoadOrAreRefused(@ForAll("bytes") byte[] content) {
        loadChecked(content);
    }

    @Property(tries = 500)
    void userLinesWithBrokenRulesLoadOrAreRefused(@ForAll("userLines") List<String> lines) {
        loadChecked(String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1));
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
    }

    @Provide
    Arbitrary<List<String>> userLines() {
        Arbitrary<String> name = Arbitraries.of("default", "alice", "bob", "", "a b", "\u00e9", "x".repeat(300));
        Arbitrary<String> rule = Arbitraries.oneOf(
            Arbitraries.of("on", "off", "nopass", "resetpass", "reset", "allkeys", "allchannels", "allcommands",
                "nocommands", "resetkeys", "resetchannels", "+@all", "-@all", "+get", "-set", "+config|get",
                "+config|", "+|", "-@bogus", "+bogus", "~*", "%R~k*", "%W~", "%RW~x", "%X~y", "&chan*", ">pw", "<pw",
                "#" + "a".repeat(64), "#" + "g".repeat(64), "#abc", "!" + "0".repeat(64), "(", ")", "(~x +get)",
                "(~x", "~x)", "((", "clearselectors", "", " ", "\t", "user", "+select|0", "+@dangerous"),
            Arbitraries.strings().all().ofMaxLength(10).map(s -> s.replace('\n', ' ')));
        Arbitrary<String> line = Combinators.combine(Arbitraries.of("user", "user", "USER", "usr", ""), name,
            rule.list().ofMaxSize(8)).as((u, n, r) -> u + " " + n + (r.isEmpty() ? "" : " " + String.join(" ", r)));
        return line.list().ofMinSize(1).ofMaxSize(5);
    }
}
