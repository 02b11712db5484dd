package io.cinnabar.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code redis-server} (the apt package, 7.0.15 here) started by a test on a free loopback port with
 * {@code --save '' --appendonly no}, in a temporary directory, and stopped by {@link #close()}.
 * Tests that need it call {@link #available()} first and fail (not skip) when CI promised it.
 */
public final class RealRedis implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private RealRedis(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** The {@code redis-server} binary on the PATH, or null. */
    public static Path binary(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    public static boolean available() {
        return binary("redis-server") != null;
    }

    /** Starts a server with the given extra arguments ({@code "--name", "value", ...}). */
    public static RealRedis start(String... extraArgs) throws IOException {
        Path bin = binary("redis-server");
        if (bin == null) {
            throw new IllegalStateException("redis-server is not installed: apt-get install -y redis-server redis-tools");
        }
        Path dir = Files.createTempDirectory("real-redis");
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            List<String> cmd = new ArrayList<>(List.of(bin.toString(), "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString()));
            cmd.addAll(List.of(extraArgs));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
            if (waitReady(port, p, Duration.ofSeconds(10))) {
                return new RealRedis(p, port, dir);
            }
            p.destroyForcibly();
            last = new IOException("redis-server did not start on port " + port + "; see " + dir);
        }
        throw last;
    }

    private static boolean waitReady(int port, Process p, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && p.isAlive()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                OutputStream out = s.getOutputStream();
                out.write("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] buf = new byte[7];
                int n = in.readNBytes(buf, 0, 7);
                if (n == 7 && new String(buf, java.nio.charset.StandardCharsets.US_ASCII).startsWith("+PONG")) {
                    return true;
                }
            } catch (IOException e) {
                // not yet
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** A TCP port that was free a moment ago on 127.0.0.1. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    /** The server's working directory ({@code --dir}). */
    public Path dir() {
        return dir;
    }

    /** Opens a raw socket to the server. */
    public Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        s.setSoTimeout(10_000);
        return s;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
