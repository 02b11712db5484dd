package io.cinnabar.server.internal.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarUnderTest;
import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.KnownDifference;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.Replies;
import io.cinnabar.testkit.RespClient;

import io.cinnabar.sds.SdsArgs;
import io.cinnabar.testkit.RealRedis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * CONFIG SET of every parameter both servers know to a battery of boundary and malformed values (the int, long and
 * unsigned limits and one past them, memory units, percentages, blanks, signs, NUL bytes, empty values), compared
 * with redis-server 7.0.15: the OK or the error text, then the CONFIG GET value, then both set back. Also the
 * multi-argument options (save, client-output-buffer-limit, oom-score-adj-values, shutdown-on-sig*,
 * notify-keyspace-events, latency-tracking-info-percentiles), several parameters in one CONFIG SET (the rollback of
 * a failed one, duplicates, aliases) and CONFIG GET patterns.
 * <p>
 * Left out, as server-specific: the listening and file options (port, bind, dir, logfile, unixsocket*, pidfile,
 * dbfilename, append*, aclfile, cluster-config-file, tls-*), replicaof, requirepass (it would lock the connection
 * out), oom-score-adj (writes /proc), save in the battery (a save point could write a file; its own test below uses
 * points that never fire), activedefrag (Debian's redis-server is built without defrag support), maxclients in the
 * battery (for 2^31 redis-server lowers its setrlimit attempt 16 at a time, some 10^8 system calls; its own test
 * below uses values that answer at once) and the options
 * only one server has (7.2's additions).
 */
@Differential(server = CinnabarUnderTest.class)
class ConfigBoundaryDifferentialTest {
    private static final Set<String> SKIP = Set.of("port", "bind", "dir", "logfile", "unixsocket", "unixsocketperm",
        "pidfile", "dbfilename", "appendonly", "appendfilename", "appenddirname", "aclfile", "cluster-config-file",
        "replicaof", "slaveof", "requirepass", "oom-score-adj", "save", "activedefrag", "tls-port", "tls-cluster",
        "tls-replication", "daemonize", "supervised", "maxclients");

    static final String[] VALUES = {
        "-1", "0", "1", "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "18446744073709551615", "18446744073709551616", "99999999999999999999999", "1k", "1kb", "1KB", "1gb", "-1gb",
        "1.5", "0x10", " 5", "5 ", "", "yes", "no", "YES", "maybe", "50%", "101%", "-1%", "100%", "0%", "-100%",
        "-101%", "%", "5%%", "1 2", "+5", "05", "1b", "1B", "1mb", "1m", "1g", "1G", "1tb", "17179869184gb",
        "8589934592g", "9223372036854775807b", "1kkb", "k", "1e3", "\0", "5\0", "\0" + "5", "1".repeat(130),
        "1".repeat(127), "local", "allkeys-lru", "ALLKEYS-LRU", "everysec", "AKE", "Kx", "50 99.9",
    };

    /** Redis 7.2 added loglevel "nothing": its error lists five levels where 7.0 lists four. */
    private static final KnownDifference LOGLEVEL_NOTHING = new KnownDifference("7.2 loglevel 'nothing'",
        (command, redis, ours) -> command.contains("loglevel")
            && redis.replace("debug, verbose, notice, warning", "debug, verbose, notice, warning, nothing")
            .equals(ours));

    @Test
    void everyParameterAtEveryBoundaryAnswersAsRedis(DifferentialServers servers) throws IOException {
        try (Pair p = servers.open(2)) {
            p.allow(LOGLEVEL_NOTHING);
            p.both("CLIENT", "NO-EVICT", "on"); // maxmemory-clients 1 would evict the test's own connections
            Map<String, String> redisAll = configMap(p.redis(), "*");
            Map<String, String> oursAll = configMap(p.ours(), "*");
            int names = 0;
            for (String name : redisAll.keySet()) {
                if (SKIP.contains(name) || !oursAll.containsKey(name)) {
                    continue;
                }
                names++;
                for (String v : VALUES) {
                    p.same("CONFIG", "SET", name, v);
                    p.same("CONFIG", "GET", name);
                    setBack(p, name, redisAll.get(name), oursAll.get(name));
                }
            }
            assertTrue(names > 150, "only " + names + " parameters compared");
            p.assertSame();
        }
    }

    @Test
    void multiArgumentOptionsParseAsRedis(DifferentialServers servers) throws IOException {
        String[][] cases = {
            {"save", "3600 1", "3600 1 300 100", "", "3600", "3600  1", " 3600 1", "3600 1 ", "0 1", "3600 -1",
                "+3600 1", "03600 1", "3600 4294967297", "3600 1x", "3600\t1", "-3600 1", "3600 9223372036854775808",
                "3600 0", "1e3 1", "3600 1 300"},
            {"client-output-buffer-limit", "normal 0 0 0", "normal  0 0 0", "normal 0 0 4294967296",
                "normal 0 0 -0", "normal 0 0 -1", "master 0 0 0", "NORMAL 1k 1kb +5", "replica 1 1 1",
                "slave 1gb 18446744073709551615 60", "pubsub 18446744073709551616 1 1", "pubsub -1 1 1",
                "pubsub 1 1 1x", "pubsub 1 1", "pubsub 1 1 1 slave 2 2 2", "normal 1 1 1 bogus 2 2 2", "",
                "normal 1% 1 1", "normal 1 1 9223372036854775808"},
            {"oom-score-adj-values", "0 200 800", "0  200 800", "0 200 800 ", "+0 0200 800", "-2000 0 2000",
                "-2001 0 0", "0 0 2001", "1 2", "1 2 3 4", "", "a b c", "0 0 9223372036854775808"},
            {"shutdown-on-sigint", "default", "save", "nosave", "now force", "save nosave", "SAVE NOW", "bogus",
                "", "save  now", "default save", "force force"},
            {"shutdown-on-sigterm", "now", "nosave now force", "save ", "Default"},
            {"notify-keyspace-events", "KEA", "AKE", "Kg$lshzxetd", "x", "E", "K", "KA", "KEAm", "KEAn", "KEAt",
                "KEA\0x", "", "KEAq", "KEA ", "gKE"},
            {"latency-tracking-info-percentiles", "50 99 99.9", "0 100", "-1", "100.1", "50  99", "", "abc",
                "1e2", "99.99999999", "50 nan", "0x10", "inf"},
            {"maxmemory-clients", "50%", "0%", "100%", "101%", "-1%", "1gb", "18446744073709551615", "1%%", " 1%"},
            {"proc-title-template", "{title}", "x", "{title} x", "{bogus}", "{", "}", "{{", "}}", "a}b", "{port}",
                "{tls-port}", "{unixsocket}", "{server-mode}", " ", "{title}{title}", "{title} {listen-addr}"},
            {"maxclients", "1", "0", "-1", "10000", "19968", "19969", "25000", "4294967295", "4294967264", "abc",
                "1k"},
            {"cluster-announce-hostname", "a.b-c", "a_b", "a b", "x".repeat(255), "x".repeat(256), "\u00e9",
                "ok\0bad"},
        };
        try (Pair p = servers.open(2)) {
            for (String[] c : cases) {
                String name = c[0];
                String redisWas = configMap(p.redis(), name).get(name);
                String oursWas = configMap(p.ours(), name).get(name);
                for (int i = 1; i < c.length; i++) {
                    p.same("CONFIG", "SET", name, c[i]);
                    p.same("CONFIG", "GET", name);
                    setBack(p, name, redisWas, oursWas);
                }
            }
            p.assertSame();
        }
    }

    @Test
    void severalParametersAtOnceAreAllOrNothing(DifferentialServers servers) throws IOException {
        try (Pair p = servers.open(2)) {
            String[][] sets = {
                {"maxmemory", "10mb", "timeout", "-1"},
                {"timeout", "5", "maxmemory", "1tb"},
                {"maxmemory", "1", "maxmemory", "2"},
                {"hash-max-ziplist-entries", "5", "hash-max-listpack-entries", "6"},
                {"maxmemory-policy", "allkeys-lru", "no-such-option", "1"},
                {"maxmemory-policy", "allkeys-lru", "databases", "4"},
                {"slowlog-max-len", "7", "maxmemory-samples", "0", "hz", "20"},
                {"slowlog-max-len", "7", "hz", "20", "maxmemory-samples", "9"},
                {"MAXMEMORY", "1mb", "maxmemory", "2mb"},
                {"save", "3600 1", "client-output-buffer-limit", "normal 1 1 1", "oom-score-adj-values", "1 2"},
                {"maxmemory"},
                {"maxmemory", "1", "timeout"},
            };
            for (String[] s : sets) {
                String[] cmd = new String[s.length + 2];
                cmd[0] = "CONFIG";
                cmd[1] = "SET";
                System.arraycopy(s, 0, cmd, 2, s.length);
                p.same(cmd);
                for (String probe : new String[] {"maxmemory", "timeout", "maxmemory-policy", "hash-max-listpack-entries",
                    "slowlog-max-len", "maxmemory-samples", "hz", "save", "client-output-buffer-limit",
                    "oom-score-adj-values"}) {
                    p.same("CONFIG", "GET", probe);
                }
                p.same("CONFIG", "SET", "maxmemory", "0", "timeout", "0", "maxmemory-policy", "noeviction",
                    "hash-max-listpack-entries", "512", "slowlog-max-len", "128", "maxmemory-samples", "5", "hz", "10",
                    "client-output-buffer-limit", "normal 0 0 0", "oom-score-adj-values", "0 200 800");
                p.same("CONFIG", "SET", "save", "");
            }
            p.assertSame();
        }
    }

    @Test
    void configGetPatternsMatchAsRedis(DifferentialServers servers) throws IOException {
        String[][] patterns = {
            {"*max*"}, {"hash-max-*"}, {"["}, {"*["}, {"\\*"}, {""}, {"no-such"}, {"MAXMEMORY"}, {"maxmemory*", "*memory"},
            {"key-load-delay"}, {"*delay*"}, {"?z"}, {"[hm]z"}, {"[^a-y]z"}, {"slave-*"}, {"*ziplist*"},
            {"lua-time-limit", "busy-reply-threshold"}, {"*", "*"}, {"\0"}, {"*\0*"},
        };
        // the options only one of the two servers has (Redis 7.2's additions, and ours)
        // the options only one of the two servers has (Redis 7.2's additions, and ours), and those whose values
        // depend on how each server was started (its port, directory and log file, activedefrag's build support)
        Set<String> onlyOne = Set.of("locale-collate", "set-max-listpack-entries", "set-max-listpack-value",
            "cluster-announce-human-nodename", "cinnabar-rdb-version", "port", "dir", "logfile", "bind");
        try (Pair p = servers.open(2)) {
            for (String[] pat : patterns) {
                String[] cmd = new String[pat.length + 2];
                cmd[0] = "CONFIG";
                cmd[1] = "GET";
                System.arraycopy(pat, 0, cmd, 2, pat.length);
                String[] r = p.both(cmd);
                p.countStep();
                p.compare(List.of(cmd), asMap(r[0], onlyOne), asMap(r[1], onlyOne));
            }
            p.assertSame();
        }
    }

    /** One option of each kind of value (Redis's numeric C types, percent, enum, bool, string, the special ones). */
    private static final String[] FILE_OPTIONS = {"maxmemory", "hash-max-listpack-value", "timeout", "slowlog-max-len",
        "maxmemory-clients", "repl-backlog-size", "maxclients", "appendfsync", "protected-mode",
        "cluster-announce-hostname", "notify-keyspace-events", "unixsocketperm", "latency-tracking-info-percentiles",
        "save", "client-output-buffer-limit", "oom-score-adj-values", "shutdown-on-sigint", "loglevel"};

    private static final String[] FILE_LINES = {
        "maxmemory \"abc", "maxmemory 'a'b", "maxmemory \"a\"b", "\"maxmemory\" 1", "MAXMEMORY 1gb", "maxmemory",
        "maxmemory 1 2", "   maxmemory 1   ", "\tmaxmemory 1", "# comment", " # comment", "maxmemory 1 # comment",
        "maxmemory \"\\x31\"", "maxmemory \"\\x3\"", "maxmemory \"\\z1\"", "foo", "include", "include a b",
        "rename-command", "rename-command get", "list-max-ziplist-entries 1", "list-max-ziplist-value 1",
        "lua-replicate-commands yes", "lua-replicate-commands", "x.y", "x.y 1", "\u000bmaxmemory 1", "maxmemory 1\r",
        "enable-protected-configs maybe", "replicaof 127.0.0.1 abc", "slaveof no one", "replicaof a",
        "replicaof 127.0.0.1 65536", "dir /nonexistent/dir", "save 3600 1 300 100", "save \"3600 1\"", "save \"\"",
        "save 3600", "save \"3600 1\" \"300 100\"", "save 3600 1\nsave 300 100", "save \"3600  1\"",
        "client-output-buffer-limit normal 0 0 0 slave 1 1 1", "client-output-buffer-limit \"normal 0 0 0\"",
        "client-output-buffer-limit \"normal  0 0 0\"", "oom-score-adj-values 0 200 800",
        "oom-score-adj-values \"0 200 800\"", "oom-score-adj-values \"0 200\" 800", "oom-score-adj-values \"0 \\\"2\"",
        "latency-tracking-info-percentiles 50 99", "latency-tracking-info-percentiles \"50 99\"",
        "latency-tracking-info-percentiles \"\"", "shutdown-on-sigint save now", "shutdown-on-sigint \"save now\"",
        "shutdown-on-sigint \"\"", "notify-keyspace-events", "notify-keyspace-events \"\"", "bind \"1 2\" 3",
        "hz 100000", "hz -1", "databases 0", "io-threads 129", "maxmemory " + "9".repeat(100_000),
        "x".repeat(5000) + " 1", "maxmemory 1\u0000garbage", "zz\u0000yy\nmaxmemory 1\u0000junk",
        "m\u00e9moire 1", "maxmemory \"1\"\"2\"",
    };

    /**
     * Config files as redis-server reads them: each case is a file of the lines given, then a line no server knows,
     * so Redis always stops with its fatal error (at the case's own bad line, or at the last line when the case was
     * accepted) and never starts; the stderr of redis-server and the message of our loader must be the same text
     * (the version in the banner aside). Also seeded random lines (printable and binary bytes, names of options
     * followed by junk).
     */
    @Test
    void configFileLinesFailAsRedis() throws Exception {
        assertTrue(RealRedis.available(), "redis-server is needed");
        List<String> cases = new ArrayList<>(List.of(FILE_LINES));
        for (String name : FILE_OPTIONS) {
            for (String v : VALUES) {
                cases.add(name + " " + SdsArgs.repr(v));
                if (!v.isEmpty() && v.chars().noneMatch(ch -> ch <= ' ' || ch == '"' || ch == '\'' || ch == '\\')) {
                    cases.add(name + " " + v);
                }
            }
        }
        Random rnd = new Random(20261205);
        // rename-command is left out: this loader call has no command names (Config.commandNames), so it cannot
        // check the command; RenameCommandConfigDifferentialTest runs such files through the launcher
        String[] names = {"maxmemory", "save", "include", "user", "bind", "dir", "hz", ""};
        for (int i = 0; i < 150; i++) {
            StringBuilder b = new StringBuilder(names[rnd.nextInt(names.length)]).append(' ');
            int n = rnd.nextInt(40);
            for (int j = 0; j < n; j++) {
                int c = rnd.nextBoolean() ? 32 + rnd.nextInt(95) : rnd.nextInt(256);
                b.append((char) (c == '\n' || c == 0 ? 'x' : c)); // a NUL or newline would make another case
            }
            String line = b.toString();
            // user, sentinel and include lines are checked elsewhere (Redis validates ACL rules and opens included
            // files while reading; we keep user lines for the ACL code and read includes ourselves)
            if (!line.startsWith("user") && !line.startsWith("include") && !line.toLowerCase(Locale.ROOT).contains("sentinel")) {
                cases.add(line);
            }
        }
        Path dir = Files.createTempDirectory("cfgfile");
        try {
            List<String> redis = new ArrayList<>();
            List<String> ours = new ArrayList<>();
            Path f = dir.resolve("case.conf");
            for (String c : cases) {
                Files.write(f, (c + "\nno-such-directive-ends-the-file\n").getBytes(StandardCharsets.ISO_8859_1));
                String label = Pair.escape(c.length() > 60 ? c.substring(0, 60) + "..." : c);
                redis.add(label + " -> " + redisFileError(f));
                ours.add(label + " -> " + oursFileError(f));
            }
            Pair.assertSameTranscripts("config file lines", redis, ours);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    private static String redisFileError(Path file) throws Exception {
        Process p = new ProcessBuilder(RealRedis.binary("redis-server").toString(), file.toString())
            .directory(file.getParent().toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return "did not exit";
        }
        return "exit " + p.exitValue() + " " + new String(err, StandardCharsets.ISO_8859_1)
            .replace("(Redis 7.0.15)", "(Redis " + Config.VERSION + ")")
            .replace("debug, verbose, notice, warning\n", "debug, verbose, notice, warning, nothing\n"); // 7.2
    }

    private static String oursFileError(Path file) {
        try {
            ConfigFile.load(new Config(), file, null);
            return "exit 0 ";
        } catch (ConfigFile.FatalConfigError e) {
            return "exit 1 " + e.getMessage() + "\n";
        }
    }

    private static void setBack(Pair p, String name, String redisWas, String oursWas) throws IOException {
        String r = p.redis().call("CONFIG", "SET", name, redisWas);
        String o = p.ours().call("CONFIG", "SET", name, oursWas);
        if (!(r.startsWith("+OK") || r.contains("can't set immutable config"))
                || !(o.startsWith("+OK") || o.contains("can't set immutable config"))) {
            throw new AssertionError("cannot set " + name + " back: redis " + Pair.escape(r) + ", ours "
                + Pair.escape(o));
        }
    }

    private static Map<String, String> configMap(RespClient c, String pattern) throws IOException {
        List<String> e = Replies.elements(c.call("CONFIG", "GET", pattern));
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i + 1 < e.size(); i += 2) {
            m.put(Replies.bulk(e.get(i)), Replies.bulk(e.get(i + 1)));
        }
        return m;
    }

    /** A CONFIG GET reply as sorted "name=value" lines (the order of the pairs is a hash order in Redis). */
    private static String asMap(String raw, Set<String> drop) {
        if (!raw.startsWith("*")) {
            return raw;
        }
        List<String> e = Replies.elements(raw);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i + 1 < e.size(); i += 2) {
            String k = Replies.bulk(e.get(i));
            if (!drop.contains(k.toLowerCase(Locale.ROOT))) {
                lines.add(k + "=" + Replies.bulk(e.get(i + 1)));
            }
        }
        lines.sort(null);
        return String.join("\n", lines);
    }
}
