package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RespClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * tests/integration/replication.tcl "Discard cache master before loading transferred RDB when full sync",
 * differential against redis-server 7.0.15: a replica of master1 told to follow master2 keeps master1's history (its
 * cached master) through master2's +FULLRESYNC, until master2's RDB is about to be loaded (Redis's
 * replicationAttachToNewMaster). When master2 goes away before that, REPLICAOF master1 continues partially. Ours
 * dropped the cached master at +FULLRESYNC, so master1 had to send a second full sync.
 */
class CachedMasterDifferentialTest {
    private static String info(RespClient c, String field) throws IOException {
        for (String l : c.call("INFO", "all").split("\r\n")) {
            if (l.startsWith(field + ":")) {
                return l.substring(field.length() + 1);
            }
        }
        return "";
    }

    private static void await(RespClient c, String field, String value) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!info(c, field).contains(value)) {
            assertTrue(System.nanoTime() < deadline, field + " never showed " + value + ": " + info(c, field));
            Thread.sleep(20);
        }
    }

    @Test
    void aFullSyncCutBeforeTheLoadKeepsTheOldMastersHistory() throws Exception {
        for (boolean ours : new boolean[] {false, true}) {
            String who = ours ? "ours" : "redis";
            try (IntegrationSuiteFindingsTest.Child master1 = IntegrationSuiteFindingsTest.Child.redis(null);
                 IntegrationSuiteFindingsTest.Child master2 = IntegrationSuiteFindingsTest.Child.redis(null,
                     "--enable-debug-command", "yes", "--repl-diskless-sync", "no");
                 IntegrationSuiteFindingsTest.Child replica = ours ? IntegrationSuiteFindingsTest.Child.start()
                     : IntegrationSuiteFindingsTest.Child.redis(null);
                 RespClient m1 = new RespClient(master1.port);
                 RespClient m2 = new RespClient(master2.port);
                 RespClient r = new RespClient(replica.port)) {
                m1.call("SET", "a", "b");
                assertEquals("+OK\r\n", m2.call("DEBUG", "POPULATE", "10", "master2", "10"));
                m2.call("CONFIG", "SET", "rdb-key-save-delay", "1000000"); // its RDB takes 10 s
                r.call("REPLICAOF", "127.0.0.1", String.valueOf(master1.port));
                await(r, "master_link_status", "up");
                assertEquals("$1\r\nb\r\n", r.call("GET", "a"), who);

                r.call("REPLICAOF", "127.0.0.1", String.valueOf(master2.port));
                await(m2, "slave0", "wait_bgsave");
                m2.sendRaw(RespClient.encode("SHUTDOWN", "NOSAVE"));
                master2.process.waitFor(30, TimeUnit.SECONDS);

                String full = info(m1, "sync_full");
                long partial = Long.parseLong(info(m1, "sync_partial_ok"));
                r.call("REPLICAOF", "127.0.0.1", String.valueOf(master1.port));
                await(r, "master_link_status", "up");
                assertEquals(full, info(m1, "sync_full"), who + ": no second full sync");
                assertEquals(partial + 1, Long.parseLong(info(m1, "sync_partial_ok")), who);
                assertEquals("$1\r\nb\r\n", r.call("GET", "a"), who);
            }
        }
    }
}
