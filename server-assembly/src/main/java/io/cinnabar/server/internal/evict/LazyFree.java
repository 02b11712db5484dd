package io.cinnabar.server.internal.evict;

import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.LazyFreer;
import io.cinnabar.server.internal.keyspace.TypedValue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Redis's lazy freeing ({@code lazyfree.c} + the BIO_LAZY_FREE thread): values and flushed databases that a lazy
 * deletion removed are handed to one background thread, which releases them; INFO counts them as Redis does.
 * <p>
 * What "freeing" means here. On the GC heap, dropping the last reference to a value is O(1) whatever its size:
 * the collector reclaims it concurrently, and a dead object graph costs a collector nothing to trace. The event
 * loop therefore never walks a value to free it, lazy or not (a DEL of a 10 M-element set is one unlink). What
 * this thread adds is ownership: the value lives until the thread drops it (so {@code lazyfree_pending_objects}
 * is a true count of what waits), and memory that is not the GC's to reclaim is released here, off the event loop
 * ({@link Releasable} values, e.g. off-heap storage).
 * <p>
 * Counting follows Redis: a value goes here only when its free effort is above LAZYFREE_THRESHOLD (64) and counts
 * as one object; a flushed database counts as its number of keys. {@link #pending()} rises when a job is queued
 * and falls when it is done, when {@link #freed()} rises by the same amount.
 * <p><b>Note:</b> {@link #freeValue} and {@link #freeDatabase} are called on the event-loop thread; the counters
 * are safe to read from any thread; the worker is the only consumer of the queue.
 */
public final class LazyFree implements LazyFreer, AutoCloseable {
    /** A value holding memory outside the GC heap, released by the lazy-free thread. */
    public interface Releasable {
        void release();
    }

    private record Job(Object what, long objects) {
    }

    private static final Job STOP = new Job(null, 0);

    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong freed = new AtomicLong();
    private final Thread worker;

    public LazyFree() {
        worker = new Thread(this::run, "cinnabar-lazyfree");
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    public void freeValue(TypedValue v, long effort) {
        submit(v, 1);
    }

    @Override
    public void freeDatabase(Db contents, long keys) {
        submit(contents, keys);
    }

    private void submit(Object what, long objects) {
        pending.addAndGet(objects);
        queue.add(new Job(what, objects));
    }

    /** INFO lazyfree_pending_objects. */
    public long pending() {
        return pending.get();
    }

    /** INFO lazyfreed_objects. */
    public long freed() {
        return freed.get();
    }

    /** CONFIG RESETSTAT. */
    public void resetStats() {
        freed.set(0);
    }

    private void run() {
        while (true) {
            Job j;
            try {
                j = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (j == STOP) {
                return;
            }
            release(j.what);
            pending.addAndGet(-j.objects);
            freed.addAndGet(j.objects);
        }
    }

    private static void release(Object what) {
        if (what instanceof Releasable r) {
            r.release();
        } else if (what instanceof Db db) {
            db.forEachValue(v -> { // the table's heap objects: no entry views off the event loop
                if (v instanceof Releasable r) {
                    r.release();
                }
            });
        }
        // anything else: the job held the last reference, which goes now; the collector reclaims it
    }

    /** Stops the worker once the queued jobs are done (server shutdown). */
    @Override
    public void close() {
        queue.add(STOP);
    }
}
