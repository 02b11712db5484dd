package io.cinnabar.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis 7's one replication buffer shared by the backlog and the replicas (integration/replication-buffer.tcl), the
 * same scenario run against a redis-server 7.0.15 master and a Cinnabar master, each with the same two replicas: a
 * Cinnabar replica A that keeps up, and a redis-server replica B whose full sync never ends (rdb-key-save-delay), so
 * that B still references the stream from its snapshot on. Both masters produce the same stream, byte for byte, so
 * the figures are compared exactly: the backlog's history grows past repl-backlog-size while B holds it
 * ({@code repl_backlog_histlen}, {@code repl_backlog_first_byte_offset}), the buffer is counted once
 * ({@code mem_total_replication_buffers}, {@code mem_clients_slaves}, {@code mem_not_counted_for_evict}), each
 * replica's share in CLIENT LIST ({@code omem}, {@code oll}); A leaves for another master and comes back with a
 * partial resync from that history (in database 9, where the stream was); once B is gone the history is trimmed
 * back to repl-backlog-size.
 */
class ReplBufferTest {
    @RegisterExtension
    final Nodes nodes = Nodes.withRedis();

    private static final Pattern FIELD = Pattern.compile("(?m)^([a-z_0-9]+):([^\r\n]*)");

    private static Map<String, String> info(int port) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        Matcher x = FIELD.matcher(Nodes.call(port, "INFO", "everything"));
        while (x.find()) {
            m.put(x.group(1), x.group(2));
        }
        return m;
    }

    /** omem and oll of the master's replica connections, smallest share first. */
    private static List<String> replicaShares(int master) throws Exception {
        List<long[]> shares = new ArrayList<>();
        for (String line : Nodes.call(master, "CLIENT", "LIST", "TYPE", "replica").split("\n")) {
            Matcher omem = Pattern.compile(" omem=(\\d+)").matcher(line);
            Matcher oll = Pattern.compile(" oll=(\\d+)").matcher(line);
            if (omem.find() && oll.find()) {
                shares.add(new long[] {Long.parseLong(omem.group(1)), Long.parseLong(oll.group(1))});
            }
        }
        shares.sort((a, b) -> Long.compare(a[0], b[0]));
        List<String> out = new ArrayList<>();
        for (long[] s : shares) {
            out.add("omem=" + s[0] + " oll=" + s[1]);
        }
        return out;
    }

    private static void await(String what, java.util.concurrent.Callable<Boolean> cond) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!cond.call()) {
            assertTrue(System.currentTimeMillis() < deadline, what);
            Thread.sleep(20);
        }
    }

    private static void writes(int port, String prefix, int n, int size) throws Exception {
        String v = "v".repeat(size);
        try (RespClient c = new RespClient(port)) {
            c.call("SELECT", "9");
            for (int i = 0; i < n; i++) {
                c.call("SET", prefix + i, v);
            }
        }
    }

    /** Runs the scenario against master and returns what is compared. */
    private Map<String, Object> scenario(int master) throws Exception {
        Map<String, Object> seen = new LinkedHashMap<>();
        for (String[] kv : new String[][] {{"repl-backlog-size", "16384"}, {"client-output-buffer-limit",
            "replica 0 0 0"}, {"repl-diskless-sync-delay", "0"}, {"repl-ping-replica-period", "3600"},
            {"repl-timeout", "600"}}) {
            assertEquals("+OK\r\n", Nodes.call(master, "CONFIG", "SET", kv[0], kv[1]), kv[0]);
        }
        int a = nodes.cinnabarReplicaOf(master);
        writes(master, "slow:", 100, 10);
        Nodes.awaitSynced(master, a);
        await("the history settles", () -> Long.parseLong(info(master).get("repl_backlog_histlen")) <= 16384 + 20440);
        seen.put("caught-up replica", replicaShares(master));

        // B: its full sync takes 100 s, it references the stream from its snapshot on
        Nodes.call(master, "CONFIG", "SET", "rdb-key-save-delay", "1000000");
        RealRedis b = nodes.redis("--replicaof", "127.0.0.1", Integer.toString(master));
        await("B's sync runs", () -> info(master).getOrDefault("slave1", "").contains("state=wait_bgsave")
            && "1".equals(info(master).get("rdb_bgsave_in_progress")));
        writes(master, "k:", 2000, 1000);
        Nodes.awaitSynced(master, a);
        Map<String, String> i1 = info(master);
        assertTrue(Long.parseLong(i1.get("repl_backlog_histlen")) > 2_000_000, "the history outgrows the backlog: "
            + i1.get("repl_backlog_histlen"));
        for (String f : new String[] {"master_repl_offset", "repl_backlog_histlen", "repl_backlog_first_byte_offset",
            "mem_total_replication_buffers", "mem_clients_slaves", "mem_not_counted_for_evict"}) {
            seen.put("held: " + f, i1.get(f));
        }
        seen.put("held: replicas", replicaShares(master));

        // A follows another (unreachable) master, the stream goes on, A comes back: +CONTINUE from the held history
        Nodes.call(a, "REPLICAOF", "127.0.0.1", Integer.toString(RealRedis.freePort()));
        writes(master, "later:", 300, 1000);
        Nodes.call(a, "REPLICAOF", "127.0.0.1", Integer.toString(master));
        Nodes.assertSameData(master, a);
        seen.put("sync_partial_ok", info(master).get("sync_partial_ok"));

        // B goes away: the blocks it held are trimmed (incrementally) down to repl-backlog-size
        Nodes.call(b.port(), "REPLICAOF", "NO", "ONE");
        await("B disconnected", () -> "1".equals(info(master).get("connected_slaves")));
        await("the history shrinks", () -> Long.parseLong(info(master).get("repl_backlog_histlen")) < 100_000);
        Map<String, String> i2 = info(master);
        for (String f : new String[] {"repl_backlog_histlen", "repl_backlog_first_byte_offset",
            "mem_total_replication_buffers", "mem_clients_slaves", "mem_not_counted_for_evict"}) {
            seen.put("released: " + f, i2.get(f));
        }
        return seen;
    }

    /**
     * A replica that leaves takes little memory with it once its full sync is over (unit/maxmemory "replica buffer
     * don't induce eviction"): Redis sends the RDB beside the replica's reply buffer, which stays small; here the RDB
     * is staged in it, which does not count (and the buffer grown for it is dropped once the replica streams), so
     * used_memory moves neither when the sync ends nor when the replica leaves. Measured as the
     * tcl test does, used_memory - mem_not_counted_for_evict before and after the replica left, on both servers.
     * Also: the stream a replica receives counts in total_net_repl_output_bytes (and total_net_output_bytes).
     */
    @Test
    void aReplicaAfterItsSyncHoldsNoTransferBufferAsInRedis() throws Exception {
        RealRedis redis = nodes.redis("--save", "", "--appendonly", "no", "--repl-diskless-sync-delay", "0");
        int cinnabar = nodes.cinnabar("save", "", "appendonly", "no", "repl-diskless-sync-delay", "0");
        for (int master : new int[] {redis.port(), cinnabar}) {
            for (int j = 0; j < 100; j++) {
                Nodes.call(master, "SETRANGE", "key:" + j, "100000", "asdf");
            }
            RealRedis replica = nodes.redisReplicaOf(master);
            Nodes.call(master, "SET", "after", "sync");
            Nodes.awaitSynced(master, replica.port());
            // what the replica receives counts in total_net_repl_output_bytes and in total_net_output_bytes
            Map<String, String> net = info(master);
            Nodes.call(master, "SET", "big", "x".repeat(1 << 20));
            Nodes.awaitSynced(master, replica.port());
            Map<String, String> net2 = info(master);
            String who = master == cinnabar ? "cinnabar" : "redis";
            assertTrue(Long.parseLong(net2.get("total_net_repl_output_bytes"))
                - Long.parseLong(net.get("total_net_repl_output_bytes")) >= 1 << 20, who);
            assertTrue(Long.parseLong(net2.get("total_net_output_bytes"))
                - Long.parseLong(net.get("total_net_output_bytes")) >= 1 << 20, who);
            Thread.sleep(1200); // the cron's client measurement (Redis: clientsCron, here: the memory cron)
            Map<String, String> before = info(master);
            Nodes.call(replica.port(), "REPLICAOF", "NO", "ONE");
            await("the replica left", () -> "0".equals(info(master).get("connected_slaves")));
            Thread.sleep(1200);
            Map<String, String> after = info(master);
            long delta = Long.parseLong(after.get("used_memory")) - Long.parseLong(after.get("mem_not_counted_for_evict"))
                - Long.parseLong(before.get("used_memory")) + Long.parseLong(before.get("mem_not_counted_for_evict"));
            assertTrue(Math.abs(delta) < 50_000, (master == cinnabar ? "cinnabar" : "redis") + ": " + delta);
        }
    }

    @Test
    void theBacklogAndTheReplicasShareOneBufferAsInRedis() throws Exception {
        RealRedis redis = nodes.redis("--save", "", "--appendonly", "no");
        Map<String, Object> expected = scenario(redis.port());
        int cinnabar = nodes.cinnabar("save", "", "appendonly", "no");
        Map<String, Object> actual = scenario(cinnabar);
        assertEquals(expected, actual);
        assertEquals("1", actual.get("sync_partial_ok"));
    }
}
