package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis 7.2 unblocks a blocked XREADGROUP when its key is deleted, replaced by another type, flushed, renamed over
 * or loses the group ({@code unblock_on_nokey}): the command runs again and answers what that state gives
 * (NOGROUP, WRONGTYPE, or entries). 7.0.15 behaves differently (it keeps some of these clients blocked), so these
 * cases are written from 7.2's own test suite ({@code unit/type/stream-cgroups.tcl}) instead of differentially.
 * A plain XREAD keeps waiting when its key is deleted. No assertion is about time: a client is known to be
 * blocked when INFO says so.
 */
class StreamBlockedGroupTest {
    static final String NOGROUP = "-NOGROUP No such key 'mystream' or consumer group 'mygroup' in XREADGROUP with "
        + "GROUP option\r\n";
    static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    static CinnabarServer server;
    static RespClient admin;
    RespClient reader;

    @BeforeAll
    static void start() throws Exception {
        server = CinnabarServer.builder().port(0).config("save", "").start();
        admin = new RespClient(server.port());
    }

    @AfterAll
    static void stop() throws IOException {
        admin.close();
        server.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        assertEquals("+OK\r\n", admin.call("FLUSHALL"));
        assertEquals("+OK\r\n", admin.call("XGROUP", "CREATE", "mystream", "mygroup", "$", "MKSTREAM"));
        reader = new RespClient(server.port());
    }

    @AfterEach
    void tearDown() throws Exception {
        reader.close();
        awaitBlocked(0);
    }

    /** Polls INFO until exactly n clients are blocked (fails after 10 s). */
    static void awaitBlocked(int n) throws Exception {
        long end = System.currentTimeMillis() + 10_000;
        String want = "blocked_clients:" + n + "\r\n";
        while (!admin.call("INFO", "clients").contains(want)) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("blocked_clients never reached " + n);
            }
            Thread.sleep(2);
        }
    }

    private void blockReader() throws Exception {
        reader.sendRaw(RespClient.encode("XREADGROUP", "GROUP", "mygroup", "Alice", "BLOCK", "0", "STREAMS",
            "mystream", ">"));
        awaitBlocked(1);
    }

    @Test
    void deletedKeyGivesNogroup() throws Exception {
        blockReader();
        admin.call("DEL", "mystream");
        assertEquals(NOGROUP, reader.read());
    }

    @Test
    void keyReplacedWithSetGivesWrongtype() throws Exception {
        blockReader();
        admin.call("SET", "mystream", "val1");
        assertEquals(WRONGTYPE, reader.read());
    }

    @Test
    void typeChangedInTransactionGivesWrongtype() throws Exception {
        blockReader();
        admin.call("MULTI");
        admin.call("DEL", "mystream");
        admin.call("SADD", "mystream", "e1");
        admin.call("EXEC");
        assertEquals(WRONGTYPE, reader.read());
    }

    @Test
    void flushGivesNogroup() throws Exception {
        blockReader();
        admin.call("FLUSHALL");
        assertEquals(NOGROUP, reader.read());
    }

    @Test
    void swapdbAwayGivesNogroup() throws Exception {
        blockReader();
        admin.call("SWAPDB", "0", "4");
        assertEquals(NOGROUP, reader.read());
        admin.call("SWAPDB", "0", "4");
    }

    @Test
    void groupDestroyedGivesNogroupAndCountsAFailedCall() throws Exception {
        admin.call("CONFIG", "RESETSTAT");
        blockReader();
        assertEquals(":1\r\n", admin.call("XGROUP", "DESTROY", "mystream", "mygroup"));
        assertEquals(NOGROUP, reader.read());
        String stats = admin.call("INFO", "commandstats");
        assertTrue(stats.contains("cmdstat_xreadgroup:calls=1,") && stats.contains("failed_calls=1"), stats);
    }

    @Test
    void renameWithoutTheGroupGivesNogroup() throws Exception {
        blockReader();
        admin.call("XADD", "mystream2", "100", "f1", "v1");
        admin.call("RENAME", "mystream2", "mystream");
        assertEquals(NOGROUP, reader.read());
    }

    @Test
    void renameWithTheGroupServesItsEntries() throws Exception {
        blockReader();
        admin.call("XGROUP", "CREATE", "mystream2", "mygroup", "$", "MKSTREAM");
        admin.call("XADD", "mystream2", "100", "f1", "v1");
        admin.call("RENAME", "mystream2", "mystream");
        assertEquals("*1\r\n*2\r\n$8\r\nmystream\r\n*1\r\n*2\r\n$5\r\n100-0\r\n*2\r\n$2\r\nf1\r\n$2\r\nv1\r\n",
            reader.read());
    }

    @Test
    void plainXreadKeepsWaitingAcrossADelete() throws Exception {
        admin.call("XADD", "s2", "1-1", "a", "b");
        reader.sendRaw(RespClient.encode("XREAD", "BLOCK", "0", "STREAMS", "s2", "$"));
        awaitBlocked(1);
        admin.call("DEL", "s2");
        admin.call("SET", "s2", "x");
        admin.call("DEL", "s2");
        awaitBlocked(1);
        admin.call("XADD", "s2", "667-0", "f", "v");
        assertEquals("*1\r\n*2\r\n$2\r\ns2\r\n*1\r\n*2\r\n$5\r\n667-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", reader.read());
    }
}
