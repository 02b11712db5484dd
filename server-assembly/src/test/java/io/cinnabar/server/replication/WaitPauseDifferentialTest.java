package io.cinnabar.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * WAIT under CLIENT PAUSE, Cinnabar master against a redis-server 7.0.15 master, each with a redis-server replica: the
 * blocked WAIT's REPLCONF GETACK is held while clients are paused (Redis's beforeSleep skips it under a pause, so the
 * stream a write pause holds still does not grow and a replica acknowledges nothing new) and goes once the pause
 * ends. Sending it during the pause let a replica that was still running acknowledge a transaction that started the
 * pause (Redis's unit/wait "WAIT implicitly blocks on client pause since ACKs aren't sent", flaky against a JVM
 * replica whose SIGSTOP lands late on a loaded machine).
 */
class WaitPauseDifferentialTest {
    @RegisterExtension
    final Nodes nodes = Nodes.withRedis();

    /** master_repl_offset deltas: during a WRITE pause with a WAIT blocked, then after the pause ends. */
    private static List<Long> scenario(int master, int replica) throws Exception {
        Nodes.awaitSynced(master, replica);
        List<Long> out = new ArrayList<>();
        long start = Long.parseLong(Nodes.info(master, "master_repl_offset"));
        try (RespClient c = new RespClient(master)) {
            c.call("MULTI");
            c.call("INCR", "foo");
            c.call("CLIENT", "PAUSE", "10000", "WRITE");
            c.call("EXEC");
            long afterExec = Long.parseLong(Nodes.info(master, "master_repl_offset"));
            out.add(afterExec - start > 0 ? 1L : 0L); // the transaction propagated at EXEC despite its pause
            c.call("WAIT", "2", "200"); // one replica exists: blocks, times out (its count depends on the 1 s ACKs)
            out.add(Long.parseLong(Nodes.info(master, "master_repl_offset")) - afterExec);
            c.call("CLIENT", "UNPAUSE");
            long deadline = System.currentTimeMillis() + 5000;
            long grown = 0;
            while (System.currentTimeMillis() < deadline && grown == 0) {
                grown = Long.parseLong(Nodes.info(master, "master_repl_offset")) - afterExec;
                Thread.sleep(10);
            }
            out.add(grown); // the held GETACK, once the pause is over
        }
        return out;
    }

    @Test
    void waitSendsNoGetackWhileClientsArePaused() throws Exception {
        String[] quiet = {"--repl-ping-replica-period", "3600"};
        RealRedis redisMaster = nodes.redis(quiet);
        RealRedis redisReplica = nodes.redisReplicaOf(redisMaster.port());
        List<Long> expected = scenario(redisMaster.port(), redisReplica.port());
        int master = nodes.cinnabar("repl-ping-replica-period", "3600");
        RealRedis replica = nodes.redisReplicaOf(master);
        assertEquals(expected, scenario(master, replica.port()));
        assertEquals(List.of(1L, 0L, 37L), expected);
    }
}
