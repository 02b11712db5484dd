package io.cinnabar.server.internal.replication;

import io.cinnabar.rdb.RdbReader;
import io.cinnabar.server.internal.command.Link;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.keyspace.Keyspace;
import io.cinnabar.server.internal.persist.FunctionStore;
import io.cinnabar.server.internal.persist.RdbLoad;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A replica's diskless load (Redis's {@code repl-diskless-load on-empty-db|swapdb}): the master's RDB goes from the
 * socket straight into a {@link Keyspace#loadingTwin() twin keyspace}, parsed by a loader thread; nothing is written
 * to disk. The event loop hands each received part of the transfer to a bounded pipe and stops reading the link
 * while the pipe holds more than {@link #PIPE_HIGH} bytes; the loader thread resumes it below {@link #PIPE_LOW}.
 * When both the transfer and the parse are complete, the event loop swaps the twin's contents in
 * ({@link Keyspace#adopt}); if the transfer is cut or the RDB does not load, the twin is dropped and the old data
 * is still there.
 * <p>
 * The old data keeps serving clients meanwhile when {@link #async} (Redis's async loading: swapdb, and the master's
 * replication ID is the one this replica already follows); otherwise commands without the {@code loading} flag are
 * answered {@code -LOADING} until the swap.
 * <p><b>Note:</b> Threads: {@link #offer}, {@link #transferEnded}, {@link #abort} and the result run on the
 * event-loop thread; the twin keyspace and the held functions belong to the loader thread until it posts its result
 * through {@code Server.loop.execute} (which orders its writes before the event loop's reads).
 */
final class SocketLoad {
    /** Bytes the pipe may hold before the event loop stops reading the master link. */
    static final long PIPE_HIGH = 4L << 20;
    static final long PIPE_LOW = 1L << 20;
    private static final byte[] END = new byte[0];

    final boolean async;
    final Keyspace twin;
    final FunctionStore.Held functions = new FunctionStore.Held();
    private final Server server;
    private final Link link;
    private final Pipe pipe = new Pipe();
    private final long size;
    private final boolean verifyChecksum;
    /** The loader gives up after this long without input (repl-timeout): it never outlives a stopped server. */
    private final long idleLimitMs;
    /** Set on the event loop when the loader thread reported; error null means the RDB loaded. */
    boolean parsed;
    Throwable error;
    RdbLoad result;
    private volatile boolean paused;
    /**
     * The twin's memory (dataset and tables) as the loader thread last measured it, once per part taken from the
     * pipe: INFO used_memory counts it while the load runs (Redis's temporary databases are allocated memory too).
     */
    volatile long twinBytes;
    private Thread thread;

    SocketLoad(Server server, Link link, boolean async, long size) {
        this.server = server;
        this.link = link;
        this.async = async;
        this.size = size;
        this.twin = server.keyspace.loadingTwin();
        this.verifyChecksum = server.config.getBool("rdbchecksum");
        this.idleLimitMs = Math.max(1, server.config.getLong("repl-timeout")) * 1000;
    }

    /** Starts the loader thread; done runs on the event loop once it finished (see {@link #parsed}). */
    void start(Runnable done) {
        long now = System.currentTimeMillis();
        thread = Thread.ofPlatform().name("cinnabar-repl-load").daemon(true).unstarted(() -> {
            RdbLoad load = new RdbLoad(twin, server.limits, functions, false, false, now);
            load.keyLoadDelayUs = server.config.getLong("key-load-delay");
            Throwable failure = null;
            try {
                RdbReader r = size >= 0 ? RdbReader.of(pipe, size) : RdbReader.of(pipe);
                load.load(r.verifyChecksum(verifyChecksum));
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            Throwable f = failure;
            server.outbound.execute(() -> {
                parsed = true;
                error = f;
                result = load;
                done.run();
            });
        });
        thread.start();
    }

    /** A part of the transfer arrived (event loop): queued for the loader; reading stops while the pipe is full. */
    void offer(ByteBuffer part) {
        if (!part.hasRemaining()) {
            return;
        }
        byte[] b = new byte[part.remaining()];
        part.get(b);
        long q = pipe.queued.addAndGet(b.length);
        pipe.q.add(b);
        if (q > PIPE_HIGH && !paused) {
            paused = true;
            link.reading(false);
            if (pipe.queued.get() < PIPE_LOW) { // the loader drained it meanwhile: it saw paused false
                resume();
            }
        }
    }

    /** Every byte of the transfer was offered: the loader sees the end of its input. */
    void transferEnded() {
        pipe.q.add(END);
    }

    /** The transfer was cut or the link is given up: the loader stops with an error, the twin is dropped. */
    void abort() {
        pipe.aborted = true;
        pipe.q.add(END);
    }

    private void resume() {
        if (paused) {
            paused = false;
            if (link.isOpen()) {
                link.reading(true);
            }
        }
    }

    /** The bounded queue between the event loop and the loader thread, read as a stream. */
    private final class Pipe extends InputStream {
        final LinkedBlockingQueue<byte[]> q = new LinkedBlockingQueue<>();
        final AtomicLong queued = new AtomicLong();
        volatile boolean aborted;
        private byte[] cur;
        private int pos;
        private boolean ended;
        private long lastInputMs = System.currentTimeMillis();

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (cur == null || pos == cur.length) {
                if (aborted) {
                    throw new IOException("the transfer from the master was cut");
                }
                if (ended) {
                    return -1;
                }
                byte[] next;
                try {
                    next = q.poll(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
                if (next == null) {
                    if (System.currentTimeMillis() - lastInputMs > idleLimitMs) {
                        throw new IOException("no data from the master for " + idleLimitMs / 1000 + " seconds");
                    }
                    continue;
                }
                lastInputMs = System.currentTimeMillis();
                if (next == END) {
                    ended = true;
                    continue;
                }
                twinBytes = twin.usedDatasetBytes() + twin.dictOverhead(); // the loader thread owns the twin
                cur = next;
                pos = 0;
                if (queued.addAndGet(-next.length) < PIPE_LOW && paused) {
                    server.outbound.execute(SocketLoad.this::resume);
                }
            }
            if (aborted) {
                throw new IOException("the transfer from the master was cut");
            }
            int n = Math.min(len, cur.length - pos);
            System.arraycopy(cur, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
