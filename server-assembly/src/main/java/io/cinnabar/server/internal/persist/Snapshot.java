package io.cinnabar.server.internal.persist;

import io.cinnabar.rdb.RdbWriter;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.Entry;
import io.cinnabar.server.internal.keyspace.Keyspace;
import io.cinnabar.server.internal.keyspace.SnapshotBarrier;
import io.cinnabar.server.internal.type.stream.StreamRdb;
import io.cinnabar.server.internal.type.stream.StreamValue;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fork-less point-in-time snapshot of the keyspace, written as an RDB stream to a {@link SnapshotSink}
 * (ARCHITECTURE: "Snapshots without fork").
 * <p>
 * {@link #start} writes the header, the aux fields and the function libraries and stamps a new epoch on the
 * keyspace ({@link Keyspace#beginSnapshot}): every key present is now "not yet saved". The saver then walks the
 * databases in slices on the event-loop thread ({@link #step}, called once per loop iteration with a time
 * budget), with Redis's reverse-binary SCAN cursor, which visits every key present for the whole walk at least
 * once even while the table resizes; a key already saved is skipped. Before anything changes or removes a key not
 * yet saved, the keyspace calls this snapshot ({@link SnapshotBarrier#beforeChange}), which writes the key's old
 * value first (copy-before-write). Keys added after the start carry the new epoch and are never written. So the
 * stream holds exactly the dataset of the moment {@link #start} ran, and no write waits for the save.
 * <p>
 * FLUSHDB under a snapshot detaches the database's contents (O(1)) and the walk continues over them; SWAPDB
 * exchanges the walk's state with the contents. Copy-before-write records of another database than the one being
 * walked are preceded by a SELECTDB record (loaders accept SELECTDB anywhere).
 * <p>
 * Bytes: an {@link RdbWriter} on the event loop fills 64 KiB chunks that a writer thread hands to the sink. The walk
 * pauses while more than {@link #QUEUE_LIMIT} bytes wait; copy-before-write records never wait (they are bounded by
 * the write rate). Extra memory is therefore the queue plus the records of keys written before the walk reached
 * them, not a copy of the dataset.
 * <p><b>Note:</b> This class is not threadsafe: every method except the writer thread's loop runs on the event-loop
 * thread.
 */
public final class Snapshot implements SnapshotBarrier {
    /** Bytes allowed in the queue before the walk pauses. */
    static final long QUEUE_LIMIT = 4L << 20;
    private static final int CHUNK = 1 << 16;
    private static final Chunk END = new Chunk(0);
    private static final Chunk ABORT = new Chunk(0);

    /** What a snapshot writes. */
    public static final class Options {
        /** RDB version: 11 (Redis 7.2) or 10 (Redis 7.0 peers). */
        public int version = 11;
        public boolean compression = true;
        public boolean checksum = true;
        /** The aof-base aux field: 1 when this stream is the base of an AOF (RDB preamble). */
        public boolean aofBase;
        /** Replication aux fields (repl-stream-db, repl-id, repl-offset) when replId is not null. */
        public String replId;
        public long replOffset;
        public int replStreamDb;
        /** used-mem aux field. */
        public long usedMemory;
        /** rdb-key-save-delay in microseconds per key: stretches the walk (the event loop never sleeps for it). */
        public long keySaveDelayUs;
        /** The function libraries to save, or null. */
        public FunctionStore functions;
        /**
         * Write the dataset as commands instead of RDB: the base of an AOF with {@code aof-use-rdb-preamble no}
         * ({@link CommandForm}); version, compression, checksum and the aux fields do not apply then.
         */
        public boolean commandForm;
        /** Command form: the {@code #TS:} annotation (unix seconds) the stream opens with, or 0 for none. */
        public long timestampAnnotation;
        /** Per-key access records as maxmemory-policy makes Redis write them: {@link #ACCESS_NONE}, ... */
        public int accessRecords = ACCESS_NONE;
        /**
         * Cursors per walk call when the walk is not paced, their buckets and entries read ahead together
         * ({@link Db#scanReading(long, int, Db.Visitor)}); 1 walks one cursor per call (tests interleave writes
         * with every bucket that way).
         */
        public int walkAhead = Db.SCAN_AHEAD;
    }

    /** No IDLE/FREQ records (a maxmemory-policy that is neither LRU nor LFU). */
    public static final int ACCESS_NONE = 0;
    /** An IDLE record (idle seconds) before each key: an LRU maxmemory-policy. */
    public static final int ACCESS_IDLE = 1;
    /** A FREQ record (the decayed LFU counter) before each key: an LFU maxmemory-policy. */
    public static final int ACCESS_FREQ = 2;

    /** The access records maxmemory-policy asks for (Redis's MAXMEMORY_FLAG_LRU / MAXMEMORY_FLAG_LFU). */
    public static int accessRecordsFor(String maxmemoryPolicy) {
        return maxmemoryPolicy.endsWith("-lru") ? ACCESS_IDLE : maxmemoryPolicy.endsWith("-lfu") ? ACCESS_FREQ
            : ACCESS_NONE;
    }

    /** Where a snapshot is. */
    public enum State { WALKING, DRAINING, DONE, FAILED }

    /** One database of the snapshot: where its contents are now, and the walk over them. */
    private static final class Part {
        final int orig;
        Db src;
        long cursor;
        boolean started;
        boolean done;
        final long keys;
        final long expires;

        Part(int orig, Db src) {
            this.orig = orig;
            this.src = src;
            this.keys = src.size();
            this.expires = src.expiresCount();
            this.done = keys == 0;
        }
    }

    private final Keyspace ks;
    private final Options opt;
    private final SnapshotSink sink;
    private final Part[] parts;
    /** The part whose contents live in dbs[i] now, or null (detached by a flush). */
    private final Part[] byLive;
    private final Pipe pipe = new Pipe();
    /** The RDB writer, or null in command form. */
    private final RdbWriter w;
    /** The command writer in command form, or null. */
    private final CommandForm cf;
    private final Db.Visitor walker = this::visit;
    /** {@link #runToEnd}: each database not started yet is walked whole, in bucket order ({@link #linearWalker}). */
    private boolean linear;
    /** The whole-table walk of {@link #runToEnd}: waits for the writer thread when the queue is full. */
    private final Db.Visitor linearWalker = this::visitLinear;
    private Part visiting;
    private int walking;
    private int selected = -1;
    private State state = State.WALKING;
    private Thread thread;
    private volatile Throwable error;
    private volatile boolean sinkDone;
    private long keysWritten;
    /** Keys the walk reached (saved by it, or already copied before a write): what rdb-key-save-delay paces. */
    private long keysVisited;
    private boolean progressed;
    private long cowKeys;
    /**
     * The memory of the keys copied out before a write changed them (their MEMORY USAGE): what a forked child would
     * have had duplicated for those writes, page rounding aside (INFO current_cow_size; see {@link #cowBytes()}).
     */
    private long cowBytes;
    /** Elements MEMORY USAGE samples of an aggregate (its default) when a key is copied out. */
    private static final long COW_SAMPLES = 5;
    private long delayBudgetUs;
    private long lastStepNs;
    private final long startMs = System.currentTimeMillis();
    private BackgroundChild child;
    private boolean childDied;

    public Snapshot(Keyspace ks, Options opt, SnapshotSink sink) {
        this.ks = ks;
        this.opt = opt;
        this.sink = sink;
        this.parts = new Part[ks.dbs.length];
        this.byLive = new Part[ks.dbs.length];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = new Part(i, ks.dbs[i]);
            byLive[i] = parts[i];
        }
        if (opt.commandForm) {
            this.w = null;
            this.cf = new CommandForm(pipe);
        } else {
            this.w = RdbWriter.create(pipe, opt.version).compression(opt.compression).checksum(opt.checksum);
            this.cf = null;
        }
    }

    /** Writes the header, aux fields and functions, begins copy-before-write and starts the writer thread. */
    public void start(String threadName) {
        if (cf != null) {
            if (opt.timestampAnnotation > 0) {
                cf.timestamp(opt.timestampAnnotation);
            }
            if (opt.functions != null) {
                for (byte[] code : opt.functions.libraries()) {
                    cf.function(code);
                }
            }
        } else {
            rdbPrologue();
        }
        ks.beginSnapshot(this);
        lastStepNs = System.nanoTime();
        // Redis sleeps rdb-key-save-delay after each key: the first key goes at once, and a walk of n keys takes n
        // delays (its last step, past the last key, waits for the delay after it)
        delayBudgetUs = Math.max(0, opt.keySaveDelayUs);
        thread = new Thread(this::drain, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    private void rdbPrologue() {
        w.header();
        w.aux("redis-ver", Config.VERSION);
        w.aux("redis-bits", "64");
        w.aux("ctime", Long.toString(startMs / 1000));
        w.aux("used-mem", Long.toString(opt.usedMemory));
        if (opt.replId != null) {
            w.aux("repl-stream-db", Integer.toString(opt.replStreamDb));
            w.aux("repl-id", opt.replId);
            w.aux("repl-offset", Long.toString(opt.replOffset));
        }
        w.aux("aof-base", opt.aofBase ? "1" : "0");
        if (opt.functions != null) {
            for (byte[] code : opt.functions.libraries()) {
                w.function(code);
            }
        }
    }

    /**
     * Gives the snapshot the stand-in of Redis's child process for its job: the child ends when the snapshot ends
     * (done, failed or aborted), and a child that dies first (killed) stops the snapshot ({@link #childDied}).
     */
    public void child(BackgroundChild c) {
        this.child = c;
    }

    /** The stand-in child, or null. */
    public BackgroundChild child() {
        return child;
    }

    /** Whether the snapshot failed because its child died (someone killed it; its signal: {@code child().signal()}). */
    public boolean childDied() {
        return childDied;
    }

    public State state() {
        if (child != null && !childDied && (state == State.WALKING || state == State.DRAINING) && child.died()) {
            // Redis's parent sees its child's death at waitpid: the job stops, its temporary file is removed. Not
            // joined: the writer thread may be held by a diskless feed only the event loop drains (the replicas the
            // owner now drops release it); it removes the temporary file as it handles the abort
            childDied = true;
            abort();
            state = State.FAILED;
        }
        if (state == State.DRAINING) {
            if (error != null) {
                state = State.FAILED;
            } else if (sinkDone) {
                state = State.DONE;
            }
        } else if (state == State.WALKING && error != null) {
            fail();
        }
        if (child != null && (state == State.DONE || state == State.FAILED)) {
            child.end();
        }
        return state;
    }

    /** Why the snapshot failed (the sink's exception), or null. */
    public Throwable error() {
        return error;
    }

    /** Unix ms when the snapshot started. */
    public long startMs() {
        return startMs;
    }

    /** Keys written so far (walked and copied before a write). */
    public long keysWritten() {
        return keysWritten;
    }

    /** Changes rdb-key-save-delay of the running walk (CONFIG SET while a save runs). */
    public void keySaveDelay(long us) {
        opt.keySaveDelayUs = us;
    }

    /** Keys present when the snapshot started. */
    public long keysTotal() {
        long n = 0;
        for (Part p : parts) {
            n += p.keys;
        }
        return n;
    }

    /** Keys written by copy-before-write (a write reached them before the walk did). */
    public long copiedBeforeWrite() {
        return cowKeys;
    }

    /** Bytes produced so far. */
    public long bytesWritten() {
        return cf != null ? cf.written() : w.written();
    }

    /** The most bytes that waited for the writer thread at once: the snapshot's extra memory. */
    public long peakQueuedBytes() {
        return pipe.peak;
    }

    /** Bytes of 64 KiB chunks this snapshot allocated for its queue (a bounded pool, not per key). */
    long chunkBytesAllocated() {
        return pipe.chunksAllocated * (long) CHUNK;
    }

    /** Bytes waiting for the writer thread. */
    public long queuedBytes() {
        return pipe.queued.get();
    }

    /**
     * Walks for about budgetNs (at least one key), unless the queue is full or rdb-key-save-delay holds it back.
     * Returns true while the walk has more to do.
     */
    public boolean step(long budgetNs) {
        long startKeys = keysWritten;
        try {
            return walk(budgetNs);
        } finally {
            progressed = keysWritten != startKeys;
        }
    }

    /** Whether the last {@link #step} wrote anything (false: held back by the queue or rdb-key-save-delay). */
    public boolean progressed() {
        return progressed;
    }

    private boolean walk(long budgetNs) {
        if (state() != State.WALKING) {
            return false;
        }
        long now = System.nanoTime();
        long allowed = Long.MAX_VALUE;
        if (opt.keySaveDelayUs > 0) {
            // the budget saved up between steps, capped at a second's worth or one key's delay if longer (a delay of
            // more than a second, e.g. the tcl suite's 10 s, must still let a key through now and then)
            long cap = Math.max(1_000_000, opt.keySaveDelayUs);
            delayBudgetUs = Math.min(delayBudgetUs + (now - lastStepNs) / 1000, cap);
            allowed = delayBudgetUs / opt.keySaveDelayUs;
            delayBudgetUs -= allowed * opt.keySaveDelayUs;
        }
        lastStepNs = now;
        long end = budgetNs >= Long.MAX_VALUE / 2 ? Long.MAX_VALUE : now + budgetNs; // SAVE: no budget, no overflow
        long n = 0;
        while (walking < parts.length && n < allowed) {
            if (pipe.queued.get() > QUEUE_LIMIT) {
                return true;
            }
            Part p = parts[walking];
            if (p.done) {
                walking++;
                continue;
            }
            if (!p.started) {
                p.started = true;
                selectDb(p.orig);
                if (w != null) {
                    w.resizeDb(p.keys, p.expires);
                }
            }
            long before = keysVisited;
            visiting = p;
            if (linear && p.cursor == 0) {
                // SAVE: nothing runs until the walk ends, so the table is walked in bucket order (its bucket array
                // read sequentially, not in SCAN's reverse-binary jumps: a third of the walk's time at 1 M keys)
                p.src.forEachReading(linearWalker);
                p.cursor = 0;
            } else {
                // lent views: the walk allocates nothing per key; unpaced, it takes walkAhead cursors at a time, their
                // buckets and entries read ahead together (the walk otherwise waits for memory at every key)
                p.cursor = p.src.scanReading(p.cursor, opt.keySaveDelayUs > 0 ? 1 : opt.walkAhead, walker);
            }
            // rdb-key-save-delay paces every key the walk reaches, also one a write already copied out: a save
            // takes keys x delay as Redis's child does, however many keys the writes copied meanwhile
            n += keysVisited - before;
            if (p.cursor == 0) {
                p.done = true;
                if (byLive[p.src.id] == p) {
                    byLive[p.src.id] = null;
                }
                walking++;
            }
            if (System.nanoTime() > end) {
                return walking < parts.length;
            }
            if (n > 0 && opt.keySaveDelayUs > 0 && n >= allowed) {
                return true;
            }
        }
        if (walking < parts.length) {
            return true;
        }
        finishWalk();
        return false;
    }

    /** SAVE: walks to the end and waits for the sink, on the calling (event-loop) thread. */
    public void runToEnd() {
        linear = opt.keySaveDelayUs <= 0; // a paced walk (rdb-key-save-delay) keeps its cursor steps
        while (state() == State.WALKING) {
            if (pipe.queued.get() > QUEUE_LIMIT) {
                pipe.awaitBelow(QUEUE_LIMIT / 2);
            }
            step(Long.MAX_VALUE);
            if (opt.keySaveDelayUs > 0) {
                try {
                    Thread.sleep(1); // rdb-key-save-delay: the walk is paced, do not spin
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    abort();
                }
            }
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        state();
    }

    /** Stops the snapshot: the sink is told to abort, the keyspace leaves copy-before-write. */
    public void abort() {
        if (child != null) {
            child.end();
        }
        if (state == State.WALKING) {
            ks.endSnapshot(false);
            state = State.FAILED;
            pipe.offer(ABORT);
        } else if (state == State.DRAINING) {
            pipe.offer(ABORT);
        }
    }

    /** Waits for the writer thread (shutdown, tests). */
    public void join() throws InterruptedException {
        thread.join();
    }

    private void fail() {
        ks.endSnapshot(false);
        state = State.FAILED;
        pipe.offer(ABORT);
    }

    private void visitLinear(Entry e) {
        if (pipe.queued.get() > QUEUE_LIMIT) {
            pipe.awaitBelow(QUEUE_LIMIT / 2);
        }
        if (error == null) {
            visit(e);
        }
    }

    private void visit(Entry e) {
        keysVisited++;
        if (!ks.saved(e)) {
            writeEntry(visiting, e);
        }
    }

    private void selectDb(int db) {
        if (cf != null) {
            cf.selectDb(db);
        } else {
            w.selectDb(db);
        }
        selected = db;
    }

    private void finishWalk() {
        ks.endSnapshot(true);
        try {
            if (w != null) {
                w.finish();
            }
            pipe.flush();
        } catch (RuntimeException e) {
            error = e;
        }
        state = State.DRAINING;
        pipe.offer(END);
    }

    // ---- copy-before-write

    @Override
    public void beforeChange(Db db, Entry e) {
        Part p = byLive[db.id];
        if (p == null) {
            // no part walks this database (it was empty at the start, flushed or walked): nothing of it is unsaved
            ks.markSaved(e);
            return;
        }
        cowKeys++;
        cowBytes += e.memoryUsage(COW_SAMPLES); // before the write: the value as the save keeps it
        writeEntry(p, e);
    }

    @Override
    public long cowBytes() {
        return cowBytes;
    }

    @Override
    public long keysProcessed() {
        return keysWritten;
    }

    @Override
    public long keysAtStart() {
        return keysTotal();
    }

    @Override
    public void beforeFlush(Db db) {
        Part p = byLive[db.id];
        if (p != null && !p.done) {
            p.src = db.detach(); // the walk goes on over the old contents, which nothing else sees any more
            byLive[db.id] = null;
        }
    }

    @Override
    public void beforeSwap(Db a, Db b) {
        Part pa = byLive[a.id];
        Part pb = byLive[b.id];
        if (pa != null) {
            pa.src = b;
        }
        if (pb != null) {
            pb.src = a;
        }
        byLive[a.id] = pb;
        byLive[b.id] = pa;
    }

    /**
     * Writes one key as it is now. A string goes out without a copy (key and value as slices of the entry's
     * arrays, an int-encoded value as its number); aggregates through {@link TypeDump#body}.
     */
    private void writeEntry(Part p, Entry e) {
        if (selected != p.orig) {
            selectDb(p.orig);
        }
        long expire = p.src.expireOf(e);
        if (cf != null) {
            cf.key(e.keyBytes(), e, expire);
        } else {
            rdbEntry(e, expire);
        }
        ks.markSaved(e);
        keysWritten++;
    }

    private void rdbEntry(Entry e, long expire) {
        long idle = -1;
        int freq = -1;
        if (opt.accessRecords == ACCESS_IDLE) {
            idle = ks.idleMs(e) / 1000;
        } else if (opt.accessRecords == ACCESS_FREQ) {
            freq = ks.lfuDecr(e);
        }
        int klen = e.klen();
        switch (e.type()) {
            case Entry.TYPE_STRING -> {
                w.key(io.cinnabar.rdb.RdbFormat.TYPE_STRING, e.keyArray(), 0, klen, expire, idle, freq);
                if (e.isInt()) {
                    w.longString(e.intValue());
                } else {
                    w.string(e.valArray(), e.valOff(), e.strlen());
                }
            }
            case Entry.TYPE_STREAM -> {
                StreamValue s = (StreamValue) e.value();
                w.key(w.streamValueType(), e.keyArray(), 0, klen, expire, idle, freq);
                w.streamBody(StreamRdb.listpacks(s), StreamRdb.metadata(s), StreamRdb.groups(s));
            }
            default -> {
                w.key(TypeDump.rdbType(e, opt.version), e.keyArray(), 0, klen, expire, idle, freq);
                TypeDump.body(w, e);
            }
        }
    }

    // ---- the writer thread

    private void drain() {
        boolean failed = false;
        try {
            while (true) {
                Chunk c = pipe.take();
                if (c == END) {
                    if (!failed) {
                        sink.finish();
                        sinkDone = true;
                    }
                    return;
                }
                if (c == ABORT) {
                    sink.abort();
                    return;
                }
                if (!failed) {
                    try {
                        sink.write(c.b, 0, c.len);
                    } catch (IOException | RuntimeException ex) {
                        error = ex;
                        failed = true;
                    }
                }
                pipe.recycle(c);
            }
        } catch (IOException | RuntimeException ex) {
            error = ex;
            sink.abort();
        } catch (InterruptedException ex) {
            error = ex;
            sink.abort();
        }
    }

    /** A chunk of the stream: a fixed-size array and how much of it is filled. */
    private static final class Chunk {
        final byte[] b;
        int len;

        Chunk(int size) {
            b = new byte[size];
        }
    }

    /**
     * The chunk queue between the event loop (an OutputStream under the writer) and the writer thread. The event
     * loop fills the current chunk and queues it when full (or at {@link #flush}); the writer thread hands each
     * chunk back to a bounded free list after the sink took it, so a snapshot allocates at most
     * {@code QUEUE_LIMIT / CHUNK} + a few chunks, not one per write.
     */
    private static final class Pipe extends OutputStream {
        final LinkedBlockingQueue<Chunk> q = new LinkedBlockingQueue<>();
        final ArrayBlockingQueue<Chunk> free = new ArrayBlockingQueue<>((int) (QUEUE_LIMIT / CHUNK) + 4);
        final AtomicLong queued = new AtomicLong();
        /** Highest value of queued (written by the event loop only). */
        long peak;
        private Chunk cur;
        private final Object lock = new Object();

        @Override
        public void write(int b) {
            if (cur == null) {
                cur = fresh();
            }
            cur.b[cur.len++] = (byte) b;
            if (cur.len == CHUNK) {
                enqueue();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                if (cur == null) {
                    cur = fresh();
                }
                int n = Math.min(len, CHUNK - cur.len);
                System.arraycopy(b, off, cur.b, cur.len, n);
                cur.len += n;
                off += n;
                len -= n;
                if (cur.len == CHUNK) {
                    enqueue();
                }
            }
        }

        /** Queues the partly filled current chunk. */
        @Override
        public void flush() {
            if (cur != null && cur.len > 0) {
                enqueue();
            }
        }

        /** Chunks allocated (the pool; bounded by the queue limit, its size depends on the writer's speed). */
        long chunksAllocated;

        private Chunk fresh() {
            Chunk c = free.poll();
            if (c == null) {
                chunksAllocated++;
                c = new Chunk(CHUNK);
            }
            return c;
        }

        private void enqueue() {
            long waiting = queued.addAndGet(cur.len);
            if (waiting > peak) {
                peak = waiting;
            }
            q.add(cur);
            cur = null;
        }

        void offer(Chunk marker) {
            q.add(marker);
        }

        Chunk take() throws InterruptedException {
            return q.take();
        }

        void recycle(Chunk c) {
            int len = c.len;
            c.len = 0;
            free.offer(c);
            queued.addAndGet(-len);
            synchronized (lock) {
                lock.notifyAll();
            }
        }

        void awaitBelow(long limit) {
            synchronized (lock) {
                while (queued.get() > limit) {
                    try {
                        lock.wait(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }
}
