package io.cinnabar.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SHUTDOWN waits for replicas as Redis 7.2 (prepareForShutdown/isReadyToShutdown/finishShutdown): writes are paused,
 * the shutdown proceeds once every replica acknowledged the whole stream or {@code shutdown-timeout} passed;
 * SHUTDOWN ABORT cancels the wait (the blocked SHUTDOWN gets the error, the paused writes run); SHUTDOWN NOW does
 * not wait. The replica is kept from acknowledging by DEBUG SLEEP on it.
 */
class ShutdownWaitTest {
    private Nodes nodes;

    @BeforeEach
    void setUp() {
        nodes = new Nodes();
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    private static CompletableFuture<String> async(int port, String... args) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Nodes.call(port, args);
            } catch (java.io.IOException e) {
                return "closed: " + e;
            }
        }, r -> new Thread(r).start()); // a thread each: the common pool may have a single thread
    }

    private static boolean serving(int port) {
        try {
            return Nodes.call(port, "PING").equals("+PONG\r\n");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static void awaitDown(int port) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (serving(port)) {
            assertTrue(System.currentTimeMillis() < deadline, "the master never stopped");
            Thread.sleep(20);
        }
    }

    @Test
    void shutdownWaitsUntilTheReplicaHasEveryWrite() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync-delay", "0");
        int replica = nodes.cinnabarReplicaOf(master);
        var sleeping = async(replica, "DEBUG", "SLEEP", "1");
        Thread.sleep(100);
        RespClient w = nodes.client(master);
        for (int i = 0; i < 200; i++) {
            assertEquals("+OK\r\n", w.call("SET", "k" + i, "v" + i));
        }
        var shutdown = async(master, "SHUTDOWN");
        nodes.awaitLog(master, "Waiting for replicas before shutting down.");
        var paused = async(master, "SET", "late", "x");
        Thread.sleep(200);
        assertFalse(paused.isDone(), "writes are paused while the shutdown waits");
        assertFalse(shutdown.isDone(), "SHUTDOWN has no reply while it waits");
        assertEquals("$2\r\nv0\r\n", Nodes.call(master, "GET", "k0"), "reads are served meanwhile");
        sleeping.get(10, TimeUnit.SECONDS);
        assertTrue(shutdown.get(10, TimeUnit.SECONDS).startsWith("closed"), "the master stopped");
        awaitDown(master);
        nodes.awaitLog(master, "1 of 1 replicas are in sync when shutting down.");
        assertFalse(nodes.log(master).contains("Lagging replica"));
        for (int i = 0; i < 200; i++) {
            assertEquals("$" + ("v" + i).length() + "\r\nv" + i + "\r\n", Nodes.call(replica, "GET", "k" + i));
        }
        assertEquals("$-1\r\n", Nodes.call(replica, "GET", "late"), "the paused write never ran");
    }

    @Test
    void abortDuringTheWaitLeavesTheMasterServing() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync-delay", "0");
        int replica = nodes.cinnabarReplicaOf(master);
        assertEquals("-ERR No shutdown in progress.\r\n", Nodes.call(master, "SHUTDOWN", "ABORT"));
        var sleeping = async(replica, "DEBUG", "SLEEP", "1.5");
        Thread.sleep(100);
        Nodes.call(master, "SET", "a", "1");
        var shutdown = async(master, "SHUTDOWN", "NOSAVE");
        nodes.awaitLog(master, "Waiting for replicas before shutting down.");
        var second = async(master, "SHUTDOWN");
        var paused = async(master, "SET", "b", "2");
        Thread.sleep(200);
        assertFalse(paused.isDone());
        assertFalse(second.isDone(), "a second SHUTDOWN joins the wait");
        assertEquals("+OK\r\n", Nodes.call(master, "SHUTDOWN", "ABORT"));
        assertEquals("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", shutdown.get(5, TimeUnit.SECONDS));
        assertEquals("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", second.get(5, TimeUnit.SECONDS));
        assertEquals("+OK\r\n", paused.get(5, TimeUnit.SECONDS), "the paused write runs after the abort");
        nodes.awaitLog(master, "Shutdown manually aborted.");
        assertEquals("-ERR No shutdown in progress.\r\n", Nodes.call(master, "SHUTDOWN", "ABORT"));
        sleeping.get(10, TimeUnit.SECONDS);
        Thread.sleep(300);
        assertTrue(serving(master), "the master keeps serving after the abort");
        assertEquals("+OK\r\n", Nodes.call(master, "SET", "c", "3"));
        Nodes.awaitSynced(master, replica);
        assertEquals("$1\r\n3\r\n", Nodes.call(replica, "GET", "c"));
    }

    @Test
    void timeoutAndNowDoNotWaitForever() throws Exception {
        int master = nodes.cinnabar("repl-diskless-sync-delay", "0", "shutdown-timeout", "1");
        int replica = nodes.cinnabarReplicaOf(master);
        var sleeping = async(replica, "DEBUG", "SLEEP", "3");
        Thread.sleep(100);
        Nodes.call(master, "SET", "a", "1");
        var shutdown = async(master, "SHUTDOWN");
        assertTrue(shutdown.get(10, TimeUnit.SECONDS).startsWith("closed"));
        awaitDown(master);
        assertFalse(sleeping.isDone(), "the shutdown did not wait for the replica beyond shutdown-timeout");
        nodes.awaitLog(master, "0 of 1 replicas are in sync when shutting down.");
        assertTrue(nodes.log(master).contains("Lagging replica"), nodes.log(master));

        int master2 = nodes.cinnabar("repl-diskless-sync-delay", "0");
        int replica2 = nodes.cinnabarReplicaOf(master2);
        var sleeping2 = async(replica2, "DEBUG", "SLEEP", "3");
        Thread.sleep(100);
        Nodes.call(master2, "SET", "a", "1");
        assertTrue(async(master2, "SHUTDOWN", "NOW").get(2, TimeUnit.SECONDS).startsWith("closed"));
        awaitDown(master2);
        assertFalse(sleeping2.isDone(), "SHUTDOWN NOW does not wait");
        assertFalse(nodes.log(master2).contains("Waiting for replicas"));
        sleeping.get(10, TimeUnit.SECONDS);
        sleeping2.get(10, TimeUnit.SECONDS);
    }

    /**
     * INFO server shows {@code shutdown_in_milliseconds} (what is left of shutdown-timeout) while SHUTDOWN waits for a
     * lagging replica, right after io_threads_active, and not otherwise, and counts the waiting SHUTDOWN in
     * blocked_clients: redis-server 7.0 and Cinnabar side by side (integration/shutdown.tcl checks both).
     */
    @Test
    void shutdownInMillisecondsWhileTheShutdownWaitsAsRedis() throws Exception {
        Nodes n = Nodes.withRedis();
        try {
            RealRedis master = n.redis("--repl-diskless-sync-delay", "0");
            int redisReplica = n.redisReplicaOf(master.port()).port();
            int cinnabar = nodes.cinnabar("repl-diskless-sync-delay", "0");
            int replica = nodes.cinnabarReplicaOf(cinnabar);
            for (int[] pair : new int[][] {{master.port(), redisReplica}, {cinnabar, replica}}) {
                int m = pair[0];
                assertFalse(Nodes.call(m, "INFO", "server").contains("shutdown_in_milliseconds"));
                var sleeping = async(pair[1], "DEBUG", "SLEEP", "1.5");
                Thread.sleep(100);
                Nodes.call(m, "SET", "a", "1");
                var shutdown = async(m, "SHUTDOWN", "NOSAVE");
                long deadline = System.currentTimeMillis() + 5_000;
                String left;
                while ((left = Nodes.info(m, "shutdown_in_milliseconds")) == null) {
                    assertTrue(System.currentTimeMillis() < deadline, "no shutdown_in_milliseconds on " + m);
                    Thread.sleep(10);
                }
                assertEquals("1", Nodes.info(m, "blocked_clients"), "the waiting SHUTDOWN is a blocked client");
                long ms = Long.parseLong(left);
                assertTrue(ms > 0 && ms <= 10_000, left);
                assertTrue(Nodes.call(m, "INFO", "server").contains("io_threads_active:0\r\nshutdown_in_milliseconds:"));
                assertEquals("+OK\r\n", Nodes.call(m, "SHUTDOWN", "ABORT"));
                assertEquals("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", shutdown.get(5, TimeUnit.SECONDS));
                assertFalse(Nodes.call(m, "INFO", "server").contains("shutdown_in_milliseconds"));
                sleeping.get(10, TimeUnit.SECONDS);
            }
        } finally {
            n.close();
        }
    }

    /** redis-server 7.0 gives the same replies: ABORT of a waiting SHUTDOWN answers it with the same error. */
    @Test
    void abortRepliesMatchRedis() throws Exception {
        Nodes n = Nodes.withRedis();
        try {
            RealRedis master = n.redis();
            RealRedis replica = n.redisReplicaOf(master.port());
            var sleeping = async(replica.port(), "DEBUG", "SLEEP", "1.5");
            Thread.sleep(100);
            Nodes.call(master.port(), "SET", "a", "1");
            var shutdown = async(master.port(), "SHUTDOWN", "NOSAVE");
            Thread.sleep(300);
            assertFalse(shutdown.isDone());
            assertEquals("+OK\r\n", Nodes.call(master.port(), "SHUTDOWN", "ABORT"));
            assertEquals("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", shutdown.get(5, TimeUnit.SECONDS));
            assertEquals("-ERR No shutdown in progress.\r\n", Nodes.call(master.port(), "SHUTDOWN", "ABORT"));
            sleeping.get(10, TimeUnit.SECONDS);
        } finally {
            n.close();
        }
    }
}
