package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.RealRedis;
import io.cinnabar.testkit.RespClient;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The heap guard (#18): a server JVM with a 64 MB heap and a maxmemory of 1 GB it cannot hold, flooded with 1 KB
 * values (pipelined, up to 2.5 times what the heap holds). With noeviction it answers Redis's OOM error once the heap
 * is nearly full, stays up and serves reads (the first keys are intact); with allkeys-lru it evicts and keeps
 * accepting writes. The warning about maxmemory above the heap is logged at startup. The first runs with the
 * parallel collector (bin/cinnabar-server's), the second with G1 (the JVM's default).
 */
class HeapGuardTest {
    private static final int VALUE = 1024;
    private static final int BATCH = 500;
    private static final int TOTAL = 160_000;

    private static Process launch(Path dir, int port, String policy, String gc) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx64m", gc, "-cp", System.getProperty("java.class.path"),
            "io.cinnabar.server.Launcher", "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", dir.toString(), "--maxmemory", "1gb", "--maxmemory-policy", policy));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(dir.resolve("server.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("server exited: " + Files.readString(dir.resolve("server.log")));
            }
            try (RespClient c = new RespClient(port)) {
                if (c.call("PING").equals("+PONG\r\n")) {
                    return p;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new AssertionError("server did not start");
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c == -1) {
                throw new IOException("connection closed after: " + b);
            }
            b.append((char) c);
        }
        return b.toString().trim();
    }

    /**
     * SETs key:0 .. key:TOTAL-1 pipelined in batches; returns {ok, oom}; other replies fail the test. With
     * stopOnOom, stops after 10 batches refused entirely.
     */
    private static long[] flood(int port, boolean stopOnOom) throws IOException {
        byte[] value = new byte[VALUE];
        java.util.Arrays.fill(value, (byte) 'v');
        long ok = 0;
        long oom = 0;
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            int refusedBatches = 0;
            for (int i = 0; i < TOTAL && refusedBatches < 10; i += BATCH) {
                batch.reset();
                for (int j = i; j < i + BATCH; j++) {
                    byte[] key = ("key:" + j).getBytes(StandardCharsets.US_ASCII);
                    batch.write(("*3\r\n$3\r\nSET\r\n$" + key.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    batch.write(key);
                    batch.write(("\r\n$" + VALUE + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    batch.write(value);
                    batch.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                batch.writeTo(out);
                out.flush();
                long before = oom;
                for (int j = 0; j < BATCH; j++) {
                    String r = line(in);
                    if (r.equals("+OK")) {
                        ok++;
                    } else if (r.equals("-OOM command not allowed when used memory > 'maxmemory'.")) {
                        oom++;
                    } else {
                        throw new AssertionError("unexpected reply " + r);
                    }
                }
                if (stopOnOom && oom - before == BATCH) {
                    refusedBatches++;
                }
            }
        }
        return new long[] {ok, oom};
    }

    private static String infoField(RespClient c, String section, String field) throws IOException {
        for (String l : c.call("INFO", section).split("\r\n")) {
            if (l.startsWith(field + ":")) {
                return l.substring(field.length() + 1);
            }
        }
        return null;
    }

    @Test
    void noevictionRefusesWritesAndServesReads() throws Exception {
        Path dir = Files.createTempDirectory("heap-guard");
        int port = RealRedis.freePort();
        Process p = launch(dir, port, "noeviction", "-XX:+UseParallelGC"); // bin/cinnabar-server's collector
        try {
            long[] r = flood(port, true);
            assertTrue(p.isAlive(), "the server survived the flood");
            assertTrue(r[1] > 0, "writes were refused with OOM: " + r[0] + " ok, " + r[1] + " oom");
            assertTrue(r[0] > 1000, "writes were accepted before the heap filled: " + r[0]);
            try (RespClient c = new RespClient(port)) {
                assertEquals("+PONG\r\n", c.call("PING"));
                assertEquals(":" + r[0] + "\r\n", c.call("DBSIZE"), "every acknowledged SET is there");
                assertEquals("$" + VALUE + "\r\n" + "v".repeat(VALUE) + "\r\n", c.call("GET", "key:0"));
                assertEquals("$" + VALUE + "\r\n" + "v".repeat(VALUE) + "\r\n", c.call("GET", "key:" + (r[0] - 1)));
                assertEquals("-OOM command not allowed when used memory > 'maxmemory'.\r\n",
                    c.call("SET", "another", "x"));
                assertEquals(":1\r\n", c.call("DEL", "key:0"), "deletes are not denyoom");
            }
            String log = Files.readString(dir.resolve("server.log"));
            assertTrue(log.contains("is more than the JVM heap can hold"), log);
            assertTrue(log.contains("used_memory is limited to"), log);
        } finally {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void allkeysLruEvictsAndKeepsAcceptingWrites() throws Exception {
        Path dir = Files.createTempDirectory("heap-guard-lru");
        int port = RealRedis.freePort();
        Process p = launch(dir, port, "allkeys-lru", "-XX:+UseG1GC");
        try {
            long[] r = flood(port, false);
            assertTrue(p.isAlive(), "the server survived the flood");
            try (RespClient c = new RespClient(port)) {
                long evicted = Long.parseLong(infoField(c, "stats", "evicted_keys"));
                long keys = Long.parseLong(c.call("DBSIZE").substring(1).trim());
                assertTrue(evicted > 0, "keys were evicted");
                assertEquals(r[0], keys + evicted, "every accepted key is there or was evicted");
                assertTrue(r[0] > TOTAL / 2, "most writes were accepted: " + r[0] + " ok, " + r[1] + " oom");
                assertEquals("$" + VALUE + "\r\n" + "v".repeat(VALUE) + "\r\n", c.call("GET", "key:" + (TOTAL - 1)),
                    "the newest key is there");
            }
        } finally {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
