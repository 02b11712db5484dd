package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Pair;
import org.junit.jupiter.api.Test;

/**
 * What Jedis 5.2.0's own test suite (its command tests, run against Cinnabar and against redis-server 7.0.15; see
 * the server README's "Jedis's test suite") found different, each checked against real Redis.
 */
@Differential(server = CinnabarUnderTest.class, config = {"enable-debug-command", "yes"})
class JedisSuiteFindingsTest {

    /**
     * Jedis's AllKindOfValuesCommandsTest.reset: MULTI, RESET (leaves MULTI and logs out), then EXEC. Redis's
     * rejectCommand turns any refused EXEC into EXECABORT, also outside MULTI.
     */
    @Test
    void execRefusedOutsideMultiIsAnExecAbort(Pair p) throws Exception {
        p.config("requirepass", "foobared");
        try {
            p.same("MULTI");
            p.same("INCR", "counter");
            assertEquals("+RESET\r\n", p.same("RESET"));
            assertEquals("-EXECABORT Transaction discarded because of: NOAUTH Authentication required.\r\n",
                p.same("EXEC"));
            assertEquals("+OK\r\n", p.same("AUTH", "foobared"));
            p.same("GET", "counter");
            // not in MULTI, authenticated: the plain error
            p.same("EXEC");
            // a refused EXEC also drops the watches (Redis's discardTransaction)
            p.same("WATCH", "w");
            p.same("SET", "w", "0"); // the watch is now dirty
            p.same("EXEC", "extra-arg");
            p.same("MULTI");
            p.same("SET", "w", "1");
            assertEquals("*1\r\n+OK\r\n", p.same("EXEC"));
        } finally {
            p.both("AUTH", "foobared");
        }
        p.assertSame();
    }

    /**
     * Jedis's ClientCommandsTest.killUser: CLIENT KILL USER name closes the connections authenticated as that user
     * (ours matched only "default").
     */
    @Test
    void clientKillUserClosesThatUsersConnections(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2); Pair other = servers.open(2)) {
            p.same("ACL", "SETUSER", "test_kill", "on", "+acl", ">password1");
            try {
                assertEquals("+OK\r\n", other.same("AUTH", "test_kill", "password1"));
                assertEquals(":0\r\n", p.same("CLIENT", "KILL", "USER", "default", "SKIPME", "yes"));
                assertEquals(":1\r\n", p.same("CLIENT", "KILL", "USER", "test_kill"));
                assertEquals(true, other.redis().closedByServer());
                assertEquals(true, other.ours().closedByServer());
                assertEquals(":0\r\n", p.same("CLIENT", "KILL", "USER", "test_kill"));
                p.same("CLIENT", "KILL", "USER", "nobody");
            } finally {
                p.both("ACL", "DELUSER", "test_kill");
            }
            p.assertSame();
        }
    }

    /**
     * Lettuce's ServerCommandIntegrationTests.debugSdslen: DEBUG SDSLEN was unknown. Lengths, free space and jemalloc
     * sizes of the key's and the value's sds, for embstr values and raw values as SET stores them.
     */
    @Test
    void debugSdslenReportsTheSdsSizes(Pair p) throws Exception {
        p.same("SET", "key", "value");
        p.same("SET", "k40", "a".repeat(40)); // the longest embstr but 4
        p.same("SET", "k44", "a".repeat(44));
        p.same("SET", "k45", "a".repeat(45)); // raw, trimmed by SET
        p.same("SET", "k100", "a".repeat(100)); // raw, spare room under a tenth kept
        p.same("SET", "a-much-longer-key-name-of-40-bytes-xxxxx", "v");
        p.same("SET", "int", "12345");
        p.same("RPUSH", "list", "a");
        for (String k : new String[] {"key", "k40", "k44", "k45", "k100", "a-much-longer-key-name-of-40-bytes-xxxxx"}) {
            assertEquals(true, p.same("DEBUG", "SDSLEN", k).startsWith("+key_sds_len:"), k);
        }
        assertEquals("-ERR Not an sds encoded string.\r\n", p.same("DEBUG", "SDSLEN", "int"));
        p.same("DEBUG", "SDSLEN", "list");
        assertEquals("-ERR no such key\r\n", p.same("DEBUG", "SDSLEN", "nokey"));
        p.same("DEBUG", "SDSLEN");
        p.same("DEBUG", "SDSLEN", "key", "extra");
        p.assertSame();
    }
}
