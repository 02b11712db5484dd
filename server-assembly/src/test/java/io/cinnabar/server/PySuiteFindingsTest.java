package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import io.cinnabar.testkit.ServerUnderTest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What redis-py 4.3.4's own test suite (tests/test_commands.py) found different, checked against real Redis
 * 7.0.15 as transcripts:
 * <ul>
 *   <li>CLIENT KILL USER name killed nothing unless the name was "default" (the filter compared the name with
 *   "default" instead of each client's user), and killed every client when it was;</li>
 *   <li>MODULE was an unknown command: MODULE LIST answers an empty list, MODULE HELP Redis's help, and LOAD,
 *   LOADEX and UNLOAD are protected by enable-module-command and, where allowed, fail like Redis does for a
 *   module that cannot be loaded or is not loaded.</li>
 * </ul>
 */
@Differential(server = CinnabarUnderTest.class)
class PySuiteFindingsTest {

    @Test
    void clientKillUserKillsOnlyThatUsersConnections(DifferentialServers servers) throws Exception {
        Pair.assertSameTranscripts("CLIENT KILL USER", killUserTranscript(servers.redisPort()),
            killUserTranscript(servers.oursPort()));
    }

    private static List<String> killUserTranscript(int port) throws IOException {
        List<String> t = new ArrayList<>();
        try (RespClient admin = new RespClient(port);
             RespClient victim1 = new RespClient(port);
             RespClient victim2 = new RespClient(port);
             RespClient bystander = new RespClient(port)) {
            t.add(admin.call("ACL", "SETUSER", "pyvictim", "on", "nopass", "+@all", "~*"));
            t.add(admin.call("ACL", "SETUSER", "pyother", "on", "nopass", "+@all", "~*"));
            t.add(victim1.call("AUTH", "pyvictim", "x"));
            t.add(victim2.call("AUTH", "pyvictim", "x"));
            t.add(bystander.call("AUTH", "pyother", "x"));
            t.add(admin.call("CLIENT", "KILL", "USER", "pyvictim"));
            t.add("victim1: " + pingOrClosed(victim1));
            t.add("victim2: " + pingOrClosed(victim2));
            t.add(bystander.call("PING"));
            t.add(admin.call("CLIENT", "KILL", "USER", "pyvictim"));
            t.add(admin.call("CLIENT", "KILL", "USER", "nosuchuser"));
            t.add(admin.call("PING"));
            t.add(admin.call("ACL", "DELUSER", "pyvictim", "pyother"));
        }
        return t;
    }

    private static String pingOrClosed(RespClient c) {
        try {
            return c.call("PING");
        } catch (IOException e) {
            return "closed";
        }
    }

    @Test
    void moduleListAndHelpAnswerAndLoadIsProtected(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.same("MODULE", "LIST");
            p.same("MODULE", "HELP");
            p.same("MODULE", "LOAD", "/no/such/module.so");
            p.same("MODULE", "LOADEX", "/no/such/module.so", "CONFIG", "a", "b", "ARGS", "x");
            p.same("MODULE", "UNLOAD", "nosuchmodule");
            p.same("MODULE", "LOAD");
            p.same("MODULE", "NOSUCHSUB");
            p.assertSame();
        }
    }

    @Test
    void moduleLoadWhereAllowedFailsLikeRedisForAModuleItCannotLoad() throws Exception {
        List<String[]> local = List.<String[]>of(new String[] {"enable-module-command", "local"});
        try (RealRedis redis = RealRedis.start("--enable-module-command", "local");
             ServerUnderTest.Running ours = new CinnabarUnderTest().start(local);
             Pair p = Pair.open(redis.port(), ours.port(), 2)) {
            String load = p.same("MODULE", "LOAD", "/no/such/module.so", "arg");
            assertTrue(load.startsWith("-ERR Error loading the extension"), load);
            p.same("MODULE", "LOADEX", "/no/such/module.so", "CONFIG", "a", "b", "ARGS", "x");
            p.same("MODULE", "LOADEX", "/no/such/module.so", "CONFIG", "a");
            p.same("MODULE", "UNLOAD", "nosuchmodule");
            p.same("MODULE", "LIST");
            p.assertSame();
        }
    }
}
