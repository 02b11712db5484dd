package io.cinnabar.server.internal.type.stream;

import io.cinnabar.rax.Rax;

/**
 * A consumer of a group (Redis's {@code streamConsumer}): its name, when it was last seen (any XREADGROUP,
 * XCLAIM, XAUTOCLAIM naming it), when it last got or claimed entries (7.2's active time, -1 before), and its
 * own PEL: the {@link StreamNack}s it owns, keyed by 16-byte id, shared with the group's PEL.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class StreamConsumer {
    final byte[] name;
    long seenTime;
    long activeTime;
    final Rax<StreamNack> pel = new Rax<>();

    StreamConsumer(byte[] name, long seenTime, long activeTime) {
        this.name = name;
        this.seenTime = seenTime;
        this.activeTime = activeTime;
    }

    public byte[] name() {
        return name;
    }

    public long seenTime() {
        return seenTime;
    }

    /** Sets the seen time (Redis refreshes it on every command that names the consumer). */
    public void seen(long nowMs) {
        seenTime = nowMs;
    }

    /** Unix ms of the last successful read or claim, -1 if none. */
    public long activeTime() {
        return activeTime;
    }

    /** The consumer's pending entries, keyed by 16-byte id; read-only for callers. */
    public Rax<StreamNack> pel() {
        return pel;
    }

    public long pendingCount() {
        return pel.size();
    }
}
