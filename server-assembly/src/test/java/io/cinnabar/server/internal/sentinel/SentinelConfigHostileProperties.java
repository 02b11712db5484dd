package io.cinnabar.server.internal.sentinel;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.cinnabar.server.internal.Assembly;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ServerLog;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
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
 * Hostile {@code sentinel ...} lines of a sentinel config file, applied one after the other to one sentinel as its
 * config loader does ({@link SentinelConfig#apply}): each is accepted or answered with an error text (which the
 * loader turns into Redis's fatal config error), in bounded time, never an exception, whatever came before.
 */
class SentinelConfigHostileProperties {
    private static Assembly assembly;

    @BeforeContainer
    static void start() throws Exception {
        Config config = new Config();
        config.sentinelMode = true;
        assembly = Assembly.create(config, new ServerLog(new PrintStream(OutputStream.nullOutputStream())));
    }

    @AfterContainer
    static void stop() {
        assembly.loop().shutdown();
    }

    @Property(tries = 1000)
    void sentinelLinesAreAcceptedOrRefusedWithAnError(@ForAll("sentinelLines") List<String> args) {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> SentinelConfig.apply(assembly.sentinel(), args));
    }

    @Provide
    Arbitrary<List<String>> sentinelLines() {
        Arbitrary<String> option = Arbitraries.of("monitor", "down-after-milliseconds", "failover-timeout",
            "parallel-syncs", "notification-script", "client-reconfig-script", "auth-pass", "auth-user",
            "current-epoch", "myid", "config-epoch", "leader-epoch", "known-replica", "known-slave",
            "known-sentinel", "rename-command", "announce-ip", "announce-port", "announce-hostnames",
            "resolve-hostnames", "deny-scripts-reconfig", "sentinel-user", "sentinel-pass", "master-reboot-down-after-period",
            "MONITOR", "bogus", "", "\u0000");
        Arbitrary<String> token = Arbitraries.oneOf(
            Arbitraries.of("mymaster", "other", "127.0.0.1", "::1", "localhost", "6379", "0", "-1", "65536",
                "99999999999999999999", "9223372036854775808", "yes", "no", "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca",
                "/bin/true", "/nonexistent", "", "1e3", " ", "a b"),
            Arbitraries.strings().all().ofMaxLength(16),
            Arbitraries.strings().withChars("0123456789abcdef").ofLength(40));
        return Combinators.combine(option, token.list().ofMaxSize(6)).as((o, t) -> {
            List<String> a = new ArrayList<>();
            a.add(o);
            a.addAll(t);
            return a;
        });
    }
}
