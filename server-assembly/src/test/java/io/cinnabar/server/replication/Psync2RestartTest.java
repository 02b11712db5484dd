package io.cinnabar.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.testkit.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PSYNC2 after a restart: a Cinnabar master restarted from its RDB lets its replicas continue with +CONTINUE. */
class Psync2RestartTest {
    @RegisterExtension
    final Nodes nodes = Nodes.withRedis();

    private static CinnabarServer start(int port, Path dir) {
        return CinnabarServer.builder().port(port).config("dir", dir.toString()).config("enable-debug-command", "yes")
            .config("cinnabar-rdb-version", "10").config("repl-diskless-sync-delay", "0")
            .config("repl-ping-replica-period", "3600").log(log(dir)).start();
    }

    private static java.io.PrintStream log(Path dir) {
        try {
            return new java.io.PrintStream(new java.io.FileOutputStream(dir.resolve("master.log").toFile(), true), true);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void masterRestartedFromItsRdbContinuesPartially() throws Exception {
        Path dir = Files.createTempDirectory("psync2");
        int port = RealRedis.freePort();
        CinnabarServer master = start(port, dir);
        try {
            RealRedis redisReplica = nodes.redis("--replicaof", "127.0.0.1", Integer.toString(port));
            int cinnabarReplica = nodes.cinnabar("replicaof", "127.0.0.1 " + port);
            Nodes.load(port, 41, 600);
            Nodes.awaitSynced(port, redisReplica.port());
            Nodes.awaitSynced(port, cinnabarReplica);
            try {
                Nodes.call(port, "SHUTDOWN", "SAVE"); // the last thing the old master does: nothing after the save
            } catch (java.io.IOException closed) {
                // the server closes the connection
            }
            master.close();
            master = start(port, dir);
            Nodes.awaitSynced(port, redisReplica.port());
            Nodes.awaitSynced(port, cinnabarReplica);
            Nodes.load(port, 42, 400);
            // no active expiry from here on: a DEL between the master's digest and a replica's would race
            Nodes.call(port, "DEBUG", "SET-ACTIVE-EXPIRE", "0");
            Nodes.awaitSynced(port, redisReplica.port());
            Nodes.awaitSynced(port, cinnabarReplica);
            assertEquals("0", Nodes.info(port, "sync_full"), () -> {
                try {
                    return Files.readString(dir.resolve("master.log"));
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            });
            assertEquals("2", Nodes.info(port, "sync_partial_ok"));
            Nodes.assertSameData(port, redisReplica.port());
            Nodes.assertSameData(port, cinnabarReplica);
        } finally {
            master.close();
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
