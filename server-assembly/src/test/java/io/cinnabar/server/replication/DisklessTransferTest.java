package io.cinnabar.server.replication;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A diskless transfer's ends, as Redis's integration/replication "diskless {no,slow,fast,all,timeout} replicas drop
 * during rdb pipe" read them from the master's log: the transfer's end with the replicas still up, the stop once
 * the last replica went away, and a replica that took no byte for repl-timeout disconnected (Redis's
 * repl_last_partial_write check). None of the three was logged before, and a stalled replica held the transfer
 * (and every other replica of it) until its connection failed.
 */
class DisklessTransferTest {
    @RegisterExtension
    final Nodes nodes = Nodes.withRedis();

    /** A replica by hand: asks for a full resync and reads nothing (a 4 KiB receive buffer). */
    private static Socket silentReplica(int master) throws Exception {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", master));
        OutputStream out = s.getOutputStream();
        out.write(RespClient.encode("REPLCONF", "capa", "eof", "capa", "psync2"));
        out.flush();
        byte[] ok = s.getInputStream().readNBytes(5); // +OK: PSYNC is refused while a reply is pending
        if (!new String(ok, java.nio.charset.StandardCharsets.US_ASCII).equals("+OK\r\n")) {
            throw new AssertionError("REPLCONF: " + new String(ok, java.nio.charset.StandardCharsets.US_ASCII));
        }
        out.write(RespClient.encode("PSYNC", "?", "-1"));
        out.flush();
        return s;
    }

    @Test
    void theEndOfATransferCountsTheReplicasStillUp() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync", "yes", "repl-diskless-sync-delay", "5",
            "repl-diskless-sync-max-replicas", "2");
        Nodes.call(master, "DEBUG", "POPULATE", "2000", "k", "100");
        RealRedis a = nodes.redis("--replicaof", "127.0.0.1", Integer.toString(master));
        RealRedis b = nodes.redis("--replicaof", "127.0.0.1", Integer.toString(master));
        Nodes.awaitSynced(master, a.port());
        Nodes.awaitSynced(master, b.port());
        nodes.awaitLog(master, "Diskless rdb transfer, done reading from pipe, 2 replicas still up.");
        nodes.awaitLog(master, "Background RDB transfer terminated with success");
    }

    @Test
    void theLastReplicaGoneStopsTheTransfer() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync", "yes", "repl-diskless-sync-delay", "0",
            "rdb-key-save-delay", "2000"); // 3000 keys: a walk of 6 s
        Nodes.call(master, "DEBUG", "POPULATE", "3000", "k", "100");
        try (Socket replica = silentReplica(master)) {
            nodes.awaitLog(master, "Starting BGSAVE for SYNC with target: replicas sockets");
            Nodes.awaitInfo(master, "rdb_bgsave_in_progress", "1");
        }
        nodes.awaitLog(master, "Diskless rdb transfer, last replica dropped, killing fork child.");
        Nodes.awaitInfo(master, "rdb_bgsave_in_progress", "0");
        Nodes.call(master, "CONFIG", "SET", "rdb-key-save-delay", "0");
    }

    @Test
    void aReplicaThatTakesNothingForReplTimeoutIsDisconnected() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync", "yes", "repl-diskless-sync-delay", "0",
            "repl-timeout", "1", "rdbcompression", "no");
        Nodes.call(master, "DEBUG", "POPULATE", "2000", "k", "10000"); // 20 MB: more than the sockets buffer
        try (Socket replica = silentReplica(master)) {
            nodes.awaitLog(master, "Starting BGSAVE for SYNC with target: replicas sockets");
            nodes.awaitLog(master, "Disconnecting timedout replica (full sync): 127.0.0.1:");
            nodes.awaitLog(master, "Diskless rdb transfer, last replica dropped, killing fork child.");
            Nodes.awaitInfo(master, "rdb_bgsave_in_progress", "0");
        }
    }
}
