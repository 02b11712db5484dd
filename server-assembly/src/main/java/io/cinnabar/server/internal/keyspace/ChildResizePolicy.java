package io.cinnabar.server.internal.keyspace;

import io.cinnabar.dict.Dict;
import io.cinnabar.dict.ResizePolicy;

/**
 * Redis's updateDictResizePolicy for the dicts of the collections (hashtable sets and hashes, sorted sets): while
 * a background job's child exists, {@link ResizePolicy#AVOID} (no growth until the load passes 5, no shrink, a
 * rehash in progress waits unless the tables differ 5-fold), {@link ResizePolicy#ENABLE} otherwise. The key tables
 * follow the same rule per keyspace ({@code OffHeapKeyTable.setResizeAvoid}). {@link Dict}'s policy is
 * process-wide, as Redis's {@code dict_can_resize}; the servers of one JVM (tests, embedding) share it, so it is
 * AVOID while any of them has a child: the running snapshots are counted. O(1) per snapshot start and end.
 * <p><b>Note:</b> This class is threadsafe: the count is guarded by the class lock (each server's data thread calls
 * it); {@code Dict}'s policy field itself is read by those threads without synchronization, as a hint.
 */
final class ChildResizePolicy {
    private static int children;

    private ChildResizePolicy() {
    }

    static synchronized void childStarted() {
        if (children++ == 0) {
            Dict.setResizePolicy(ResizePolicy.AVOID);
        }
    }

    static synchronized void childEnded() {
        if (children > 0 && --children == 0) {
            Dict.setResizePolicy(ResizePolicy.ENABLE);
        }
    }
}
