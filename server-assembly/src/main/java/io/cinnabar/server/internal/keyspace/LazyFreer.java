package io.cinnabar.server.internal.keyspace;

/**
 * Where the keyspace hands what a lazy deletion removes (Redis's {@code lazyfree.c}; implemented by
 * {@code evict.LazyFree}, wired by Assembly): a value whose free effort is above {@link Keyspace#LAZYFREE_THRESHOLD}
 * (UNLINK, DEL under lazyfree-lazy-user-del, an expiry, eviction or overwrite under the matching lazyfree option),
 * or the whole detached contents of a database (FLUSHDB/FLUSHALL ASYNC). Called on the event-loop thread; the
 * implementation releases them on a thread of its own.
 * <p><b>Note:</b> Implementations must accept calls from the event-loop thread while their own thread runs.
 */
public interface LazyFreer {
    /** A value no key refers to any more, about {@code effort} allocations. */
    void freeValue(TypedValue v, long effort);

    /** The contents of a flushed database ({@link Db#detach()}), {@code keys} keys. */
    void freeDatabase(Db contents, long keys);
}
