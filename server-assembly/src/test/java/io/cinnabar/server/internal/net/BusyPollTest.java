package io.cinnabar.server.internal.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.internal.Assembly;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ConfigFile;
import io.cinnabar.server.internal.config.ServerLog;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * cinnabar-busy-poll: the event loop polls before it sleeps only after a selection with work while more than four
 * clients are connected; polls that find nothing back off (a load whose requests come too far apart stops paying
 * for them); replies, blocked-client timeouts and other threads' tasks are served as without it.
 */
class BusyPollTest {
    private Assembly assembly;
    private EventLoop loop;
    private final List<Socket> sockets = new ArrayList<>();

    private void start(int busyPollUs) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Config c = new Config();
        ConfigFile.load(c, null, "save \"\"\nbind 127.0.0.1\nport " + port + "\ncinnabar-busy-poll " + busyPollUs + "\n");
        assembly = Assembly.create(c, new ServerLog(new PrintStream(OutputStream.nullOutputStream())));
        loop = assembly.loop();
        loop.listen(true);
        loop.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        loop.shutdown();
        loop.join();
    }

    private Socket connect() throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), loop.port());
        s.setTcpNoDelay(true);
        s.setSoTimeout(10_000);
        sockets.add(s);
        return s;
    }

    private static String roundTrip(Socket s, String cmd, int replyBytes) throws Exception {
        s.getOutputStream().write(cmd.getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        byte[] b = in.readNBytes(replyBytes);
        return new String(b, StandardCharsets.US_ASCII);
    }

    private long[] counts() throws Exception {
        CompletableFuture<long[]> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(loop.busyPollCounts()));
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aLoneClientNeverMakesTheLoopPoll() throws Exception {
        start(1000);
        Socket s = connect();
        for (int i = 0; i < 500; i++) {
            assertEquals("+PONG\r\n", roundTrip(s, "PING\r\n", 7));
        }
        assertArrayEquals(new long[] {0, 0}, counts());
    }

    @Test
    void manyClientsMakeItPollAndEverythingIsServed() throws Exception {
        start(1000);
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            clients.add(connect());
        }
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < clients.size(); i++) {
            Socket s = clients.get(i);
            String key = "k" + i;
            Thread t = new Thread(() -> {
                try {
                    for (int j = 0; j < 300; j++) {
                        assertEquals(":" + (j + 1) + "\r\n", roundTrip(s, "INCR " + key + "\r\n",
                                (":" + (j + 1) + "\r\n").length()));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertTrue(failures.isEmpty(), failures.toString());
        long[] c = counts();
        assertTrue(c[0] > 0, "8 clients at once: the loop polled");
        // a blocked client's timeout still fires while the loop polls between other clients' requests
        Socket blocked = clients.get(0);
        long t0 = System.nanoTime();
        assertEquals("*-1\r\n", roundTrip(blocked, "BLPOP nolist 0.2\r\n", 5));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 150 && ms < 5_000, "BLPOP timed out after " + ms + " ms");
        // a task from another thread runs during a poll
        CompletableFuture<String> ran = new CompletableFuture<>();
        loop.execute(() -> ran.complete(Thread.currentThread().getName()));
        assertTrue(ran.get(10, TimeUnit.SECONDS).contains("event-loop"));
    }

    @Test
    void pollsThatFindNothingBackOff() throws Exception {
        start(50);
        for (int i = 0; i < 8; i++) {
            connect(); // idle connections: more than four clients
        }
        Socket s = connect();
        for (int i = 0; i < 300; i++) { // requests 2 ms apart: no 50 us poll catches the next one
            assertEquals("+PONG\r\n", roundTrip(s, "PING\r\n", 7));
            Thread.sleep(2);
        }
        long[] c = counts();
        // without back-off every one of the ~300 busy selections would poll; with it about log2(300) + 1 do
        assertTrue(c[0] >= 1 && c[0] <= 12, "polls " + c[0]);
    }

    @Test
    void zeroTurnsItOff() throws Exception {
        start(0);
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            clients.add(connect());
        }
        for (int j = 0; j < 100; j++) {
            for (Socket s : clients) {
                s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            for (Socket s : clients) {
                assertEquals("+PONG\r\n", new String(s.getInputStream().readNBytes(7), StandardCharsets.US_ASCII));
            }
        }
        assertArrayEquals(new long[] {0, 0}, counts());
    }
}
