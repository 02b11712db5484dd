package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code mem_not_counted_for_evict} (Redis's freeMemoryGetNotCountedMemory): the replicas' output buffers and the
 * AOF buffer are part of used_memory but subtracted before the eviction decision. A replica that does not read
 * holds megabytes of propagated writes; with maxmemory between the dataset and the dataset plus that buffer,
 * writes go on without evicting anything. With the AOF on, the AOF buffer is counted and not counted for eviction,
 * in the same relation as redis-server's INFO shows.
 */
class NotCountedForEvictTest {
    private static long field(RespClient c, String section, String name) throws IOException {
        return parse(c.call("INFO", section), name);
    }

    private static long parse(String info, String name) {
        for (String l : info.split("\r\n")) {
            if (l.startsWith(name + ":")) {
                return Long.parseLong(l.substring(name.length() + 1));
            }
        }
        throw new AssertionError("no " + name);
    }

    @Test
    void replicaOutputBufferIsNotCountedForEviction() throws Exception {
        Path dir = Files.createTempDirectory("not-counted");
        try (CinnabarServer s = CinnabarServer.builder().port(0).config("save", "").config("dir", dir.toString())
                .config("maxmemory-policy", "allkeys-random").config("repl-diskless-sync", "no")
                .log(new PrintStream(OutputStream.nullOutputStream())).start();
                RespClient c = new RespClient(s.port());
                Socket replica = new Socket()) {
            replica.setReceiveBufferSize(4096); // the replica reads nothing: the master's output buffer grows
            replica.connect(new InetSocketAddress("127.0.0.1", s.port()));
            replica.getOutputStream().write("SYNC\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 500 && field(c, "replication", "connected_slaves") == 0; i++) {
                Thread.sleep(10);
            }
            assertEquals(1, field(c, "replication", "connected_slaves"));
            String mb = "x".repeat(1 << 20);
            for (int i = 0; i < 16; i++) {
                assertEquals("+OK\r\n", c.call("SET", "big" + i, mb));
            }
            // measured by the cron: wait until two readings agree (a reading taken while the SETs ran is smaller),
            // then take both fields from one INFO reply
            long slaves = 0;
            long notCounted = -1;
            for (int i = 0; i < 200; i++) {
                String info = c.call("INFO", "memory");
                long now = parse(info, "mem_clients_slaves");
                if (now >= 4 << 20 && now == slaves) {
                    notCounted = parse(info, "mem_not_counted_for_evict");
                    break;
                }
                slaves = now;
                Thread.sleep(50);
            }
            assertTrue(slaves >= 4 << 20, "the replica's output buffer holds megabytes: " + slaves);
            // AOF off: the replication buffer beyond repl-backlog-size (1 MB), which mem_clients_slaves shows, less
            // Redis 7's estimate of the backlog's block headers, (1 MB / 16 KB + 1) * 64 bytes
            assertEquals(slaves - (1024 * 1024 / 16384 + 1) * 64, notCounted, "AOF off: only the replicas' buffer");
            long used = field(c, "memory", "used_memory");
            // above what the dataset needs, below the dataset plus the replica's buffer
            long max = used - notCounted + (1 << 20);
            assertTrue(max < used);
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "maxmemory", Long.toString(max)));
            for (int i = 0; i < 20; i++) {
                assertEquals("+OK\r\n", c.call("SET", "small" + i, "v"));
            }
            assertEquals(0, field(c, "stats", "evicted_keys"), "the replica's buffer did not make keys go");
            assertEquals(":36\r\n", c.call("DBSIZE"));
            // the same limit without the replica's buffer subtracted would have evicted: counted, the data is over it
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "maxmemory", Long.toString(used - notCounted - (4 << 20))));
            c.call("SET", "one-more", "v");
            assertTrue(field(c, "stats", "evicted_keys") > 0, "below the dataset itself, keys are evicted");
        }
    }

    /** The AOF buffer relation on both servers: off, 0 and 0; on, mem_not_counted_for_evict == mem_aof_buffer. */
    @Test
    void aofBufferAsRedis() throws Exception {
        Path dir = Files.createTempDirectory("not-counted-aof");
        try (RealRedis r = RealRedis.start();
                CinnabarServer s = CinnabarServer.builder().port(0).config("save", "").config("dir", dir.toString())
                    .log(new PrintStream(OutputStream.nullOutputStream())).start()) {
            for (int port : new int[] {r.port(), s.port()}) {
                try (RespClient c = new RespClient(port)) {
                    assertEquals(0, field(c, "memory", "mem_aof_buffer"), "port " + port);
                    assertEquals(0, field(c, "memory", "mem_not_counted_for_evict"), "port " + port);
                    assertEquals("+OK\r\n", c.call("CONFIG", "SET", "appendonly", "yes"));
                    c.call("SET", "k", "v");
                    long aof = field(c, "memory", "mem_aof_buffer");
                    assertTrue(aof > 0, "port " + port);
                    assertEquals(aof, field(c, "memory", "mem_not_counted_for_evict"), "port " + port);
                }
            }
        }
    }
}
