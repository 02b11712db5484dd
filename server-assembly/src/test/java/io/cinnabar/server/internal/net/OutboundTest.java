package io.cinnabar.server.internal.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.internal.Assembly;
import io.cinnabar.server.internal.TestConfigs;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Link;
import io.cinnabar.server.internal.config.ServerLog;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The event loop's peer connections: connect, listen, execute and adopt, against plain Java sockets. */
class OutboundTest {
    private Assembly assembly;
    private EventLoop loop;

    @BeforeEach
    void start() throws Exception {
        assembly = Assembly.create(TestConfigs.noSave(), new ServerLog(new PrintStream(OutputStream.nullOutputStream())));
        loop = assembly.loop();
        loop.listen(true);
        loop.start();
    }

    @AfterEach
    void stop() throws Exception {
        loop.shutdown();
        loop.join();
    }

    private static byte[] readN(InputStream in, int n) throws Exception {
        byte[] b = in.readNBytes(n);
        assertEquals(n, b.length);
        return b;
    }

    @Test
    void connectWritesAndReceivesOnTheLoopThread() throws Exception {
        try (ServerSocket peer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> got = new CompletableFuture<>();
            CompletableFuture<String> connectedOn = new CompletableFuture<>();
            StringBuilder acc = new StringBuilder();
            loop.execute(() -> loop.connect("127.0.0.1", peer.getLocalPort(), new Link.Handler() {
                @Override
                public void connected(Link link) {
                    connectedOn.complete(Thread.currentThread().getName() + " " + link.isConnected());
                    link.write("hello".getBytes(StandardCharsets.US_ASCII));
                }

                @Override
                public void received(Link link, ByteBuffer in) {
                    while (in.hasRemaining()) {
                        acc.append((char) in.get());
                    }
                    if (acc.length() >= 5) {
                        got.complete(acc.toString());
                    }
                }

                @Override
                public void closed(Link link, String reason) {
                    got.completeExceptionally(new AssertionError(reason));
                }
            }));
            try (Socket s = peer.accept()) {
                assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), readN(s.getInputStream(), 5));
                s.getOutputStream().write("wo".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                Thread.sleep(20);
                s.getOutputStream().write("rld".getBytes(StandardCharsets.US_ASCII));
                assertEquals("world", got.get(10, TimeUnit.SECONDS));
                assertEquals("cinnabar-event-loop true", connectedOn.get(10, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void unconsumedBytesArePresentedAgain() throws Exception {
        try (ServerSocket peer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> line = new CompletableFuture<>();
            loop.execute(() -> loop.connect("127.0.0.1", peer.getLocalPort(), new Link.Handler() {
                @Override
                public void received(Link link, ByteBuffer in) {
                    for (int i = in.position(); i < in.limit(); i++) {
                        if (in.get(i) == '\n') { // consume only whole lines
                            byte[] b = new byte[i - in.position()];
                            in.get(b);
                            in.get();
                            line.complete(new String(b, StandardCharsets.US_ASCII));
                            return;
                        }
                    }
                }

                @Override
                public void closed(Link link, String reason) {
                    line.completeExceptionally(new AssertionError(reason));
                }
            }));
            try (Socket s = peer.accept()) {
                OutputStream out = s.getOutputStream();
                out.write("+FULLRE".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(30);
                out.write("SYNC x 1\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("+FULLRESYNC x 1", line.get(10, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void aRefusedConnectionIsReportedAsClosed() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        CompletableFuture<String> reason = new CompletableFuture<>();
        AtomicReference<Link> made = new AtomicReference<>();
        loop.execute(() -> made.set(loop.connect("127.0.0.1", port, new Link.Handler() {
            @Override
            public void connected(Link link) {
                reason.completeExceptionally(new AssertionError("connected to a closed port"));
            }

            @Override
            public void received(Link link, ByteBuffer in) {
            }

            @Override
            public void closed(Link link, String why) {
                reason.complete(why);
            }
        })));
        assertNotNull(reason.get(10, TimeUnit.SECONDS));
        assertFalse(made.get().isOpen());
    }

    @Test
    void anUnresolvableNameIsReportedAsClosedNotThrown() throws Exception {
        CompletableFuture<String> reason = new CompletableFuture<>();
        loop.execute(() -> loop.connect("no-such-host.invalid", 6379, new Link.Handler() {
            @Override
            public void received(Link link, ByteBuffer in) {
            }

            @Override
            public void closed(Link link, String why) {
                reason.complete(why);
            }
        }));
        assertTrue(reason.get(20, TimeUnit.SECONDS).contains("no-such-host.invalid"), reason.get());
    }

    @Test
    void anExtraListenerHandsAcceptedConnectionsToItsHandler() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        CompletableFuture<AutoCloseable> listening = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                listening.complete(loop.listen("127.0.0.1", port, link -> new Link.Handler() {
                    @Override
                    public void received(Link l, ByteBuffer in) {
                        byte[] b = new byte[in.remaining()];
                        in.get(b);
                        l.write(b); // echo
                    }

                    @Override
                    public void closed(Link l, String reason) {
                    }
                }));
            } catch (Exception e) {
                listening.completeExceptionally(e);
            }
        });
        AutoCloseable handle = listening.get(10, TimeUnit.SECONDS);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write("ping-bus".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals("ping-bus".getBytes(StandardCharsets.US_ASCII), readN(s.getInputStream(), 8));
        }
        loop.execute(() -> {
            try {
                handle.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void anAdoptedLinkRunsWhatFollowsAsCommands() throws Exception {
        try (ServerSocket peer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Client> adopted = new CompletableFuture<>();
            loop.execute(() -> loop.connect("127.0.0.1", peer.getLocalPort(), new Link.Handler() {
                @Override
                public void connected(Link link) {
                    link.write("HI\n".getBytes(StandardCharsets.US_ASCII));
                }

                @Override
                public void received(Link link, ByteBuffer in) {
                    if (in.remaining() >= 6) {
                        in.position(in.position() + 6); // a 6-byte preamble, then commands in the same packet
                        adopted.complete(loop.adopt(link));
                    }
                }

                @Override
                public void closed(Link link, String reason) {
                    adopted.completeExceptionally(new AssertionError(reason));
                }
            }));
            try (Socket s = peer.accept()) {
                assertArrayEquals("HI\n".getBytes(StandardCharsets.US_ASCII), readN(s.getInputStream(), 3));
                s.getOutputStream().write("READY\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
                assertArrayEquals("+OK\r\n$1\r\nv\r\n".getBytes(StandardCharsets.US_ASCII),
                    readN(s.getInputStream(), 12));
                Client c = adopted.get(10, TimeUnit.SECONDS);
                assertTrue(c.id > 0);
                s.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
                assertArrayEquals("+PONG\r\n".getBytes(StandardCharsets.US_ASCII), readN(s.getInputStream(), 7));
            }
        }
    }
}
