package io.cinnabar.server.internal.replication;

import io.cinnabar.server.internal.keyspace.Keyspace;
import io.cinnabar.server.internal.persist.Snapshot;
import io.cinnabar.server.internal.persist.SnapshotSink;
import io.cinnabar.server.internal.persist.rdb.RdbFileSink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One full resynchronization: a fork-less {@link Snapshot} whose RDB stream reaches one or more replicas.
 * <ul>
 * <li><b>Diskless</b> ({@code repl-diskless-sync yes}, replicas with {@code capa eof}): the snapshot's writer thread
 *     hands each chunk to a queue per replica; the event loop moves chunks into the replica's output buffer while
 *     that buffer is below {@link #FEED_HIGH}. The transfer is framed as Redis's EOF-marker format:
 *     {@code $EOF:<40 random chars>\r\n} + RDB + the same 40 chars. The writer thread waits while a replica's queue
 *     holds more than {@link #QUEUE_HIGH} bytes, which in turn pauses the snapshot's walk: memory stays bounded
 *     by the slowest replica's queue, not by the dataset.</li>
 * <li><b>Disk</b>: the snapshot is written to the RDB file ({@code dir}/{@code dbfilename}, as Redis's
 *     BGSAVE for replication), then each replica receives {@code $<size>\r\n} + the file, read in 64 KiB chunks on
 *     the event loop.</li>
 * </ul>
 * <p><b>Note:</b> This class is not threadsafe: everything except {@link FanOut} runs on the event-loop thread.
 */
final class FullSync {
    /** Output bytes a replica may have pending before the next RDB chunk is moved into its buffer. */
    static final int FEED_HIGH = 1 << 20;
    /** Bytes a replica's diskless queue may hold before the snapshot's writer thread waits. */
    static final long QUEUE_HIGH = 8L << 20;
    static final int MARK_LEN = 40;

    /** A source of RDB transfer bytes for one replica, drained by the event loop. */
    interface Feed {
        /** The next chunk, or null when nothing is available now. */
        byte[] next() throws IOException;

        /** Whether every byte was handed out. */
        boolean done();

        /** Stops the feed (the replica went away). */
        void close();
    }

    final boolean diskless;
    final Snapshot snapshot;
    final List<Replica> replicas = new ArrayList<>();
    final long offset;
    private final Path file;
    private final FanOut fanOut;

    private FullSync(boolean diskless, Snapshot snapshot, long offset, Path file, FanOut fanOut) {
        this.diskless = diskless;
        this.snapshot = snapshot;
        this.offset = offset;
        this.file = file;
        this.fanOut = fanOut;
    }

    /** A diskless sync to the given replicas (each gets its queue). */
    static FullSync diskless(Keyspace ks, Snapshot.Options opt, List<Replica> targets, long offset) {
        FanOut f = new FanOut();
        for (Replica r : targets) {
            DisklessFeed d = new DisklessFeed();
            f.feeds.add(d);
            r.feed = d;
        }
        FullSync s = new FullSync(true, new Snapshot(ks, opt, f), offset, null, f);
        s.replicas.addAll(targets);
        return s;
    }

    /** A disk-based sync: the snapshot goes to the RDB file. */
    static FullSync disk(Keyspace ks, Snapshot.Options opt, List<Replica> targets, long offset, Path file, long pid)
            throws IOException {
        FullSync s = new FullSync(false, new Snapshot(ks, opt, new RdbFileSink(file, pid)), offset, file, null);
        s.replicas.addAll(targets);
        return s;
    }

    /** After a disk snapshot completed: a feed of {@code $<size>\r\n} and the file. */
    Feed fileFeed() throws IOException {
        return new FileFeed(file);
    }

    /** A replica of a diskless sync went away: it no longer holds the writer back. */
    void drop(Replica r) {
        replicas.remove(r);
        if (r.feed != null) {
            r.feed.close();
        }
    }

    /** A diskless sync whose last replica went away was stopped (logged once). */
    boolean killed;

    /** Whether a diskless sync has nobody left to send to. */
    boolean abandoned() {
        return replicas.isEmpty();
    }

    // ---- diskless

    /** The sink of a diskless snapshot: copies each chunk once and queues it for every replica still listening. */
    static final class FanOut implements SnapshotSink {
        final List<DisklessFeed> feeds = new ArrayList<>();

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            byte[] chunk = Arrays.copyOfRange(b, off, off + len);
            for (DisklessFeed f : feeds) {
                while (!f.closed && f.queued.get() > QUEUE_HIGH) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted");
                    }
                }
                if (!f.closed) {
                    f.queued.addAndGet(len);
                    f.q.add(chunk);
                }
            }
            boolean anyone = false;
            for (DisklessFeed f : feeds) {
                anyone |= !f.closed;
            }
            if (!anyone) {
                throw new IOException("all replicas of the diskless sync are gone");
            }
        }

        @Override
        public void finish() {
            for (DisklessFeed f : feeds) {
                f.q.add(f.mark);
                f.finished = true;
            }
        }

        @Override
        public void abort() {
            for (DisklessFeed f : feeds) {
                f.aborted = true;
            }
        }
    }

    /** One replica's queue of a diskless transfer: the EOF preamble, the chunks, the mark. */
    static final class DisklessFeed implements Feed {
        final ConcurrentLinkedQueue<byte[]> q = new ConcurrentLinkedQueue<>();
        final AtomicLong queued = new AtomicLong();
        final byte[] mark = randomMark();
        volatile boolean finished;
        volatile boolean aborted;
        volatile boolean closed;
        private boolean preamble;
        private boolean markSent;

        @Override
        public byte[] next() {
            if (!preamble) {
                preamble = true;
                return ("$EOF:" + new String(mark, StandardCharsets.US_ASCII) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            }
            byte[] c = q.poll();
            if (c == null) {
                return null;
            }
            if (c == mark) {
                markSent = true;
            } else {
                queued.addAndGet(-c.length);
            }
            return c;
        }

        @Override
        public boolean done() {
            return markSent;
        }

        @Override
        public void close() {
            closed = true;
            q.clear();
        }

        private static byte[] randomMark() {
            return io.cinnabar.server.internal.command.Server.randomHex(MARK_LEN).getBytes(StandardCharsets.US_ASCII);
        }
    }

    // ---- disk

    /** {@code $<size>\r\n} and the RDB file, 64 KiB per call. */
    static final class FileFeed implements Feed {
        private final FileChannel ch;
        private final long size;
        private long pos;
        private boolean header;

        FileFeed(Path file) throws IOException {
            this.ch = FileChannel.open(file, StandardOpenOption.READ);
            this.size = ch.size();
        }

        @Override
        public byte[] next() throws IOException {
            if (!header) {
                header = true;
                return ("$" + size + "\r\n").getBytes(StandardCharsets.US_ASCII);
            }
            if (pos >= size) {
                return null;
            }
            ByteBuffer bb = ByteBuffer.allocate((int) Math.min(1 << 16, size - pos));
            while (bb.hasRemaining()) {
                int n = ch.read(bb, pos + bb.position());
                if (n < 0) {
                    throw new IOException("RDB file shrank while being sent");
                }
            }
            pos += bb.capacity();
            if (pos >= size) {
                close();
            }
            return bb.array();
        }

        @Override
        public boolean done() {
            return header && pos >= size;
        }

        @Override
        public void close() {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing left to read
            }
        }
    }
}
