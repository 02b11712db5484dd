package io.cinnabar.server.internal.replication;

/**
 * The replication backlog (Redis's {@code repl_backlog}): a ring of the last {@code repl-backlog-size} bytes of the
 * replication stream, so that a replica that lost its link can continue from its offset ({@code +CONTINUE}) instead
 * of loading a new RDB.
 * <pre>
 *   stream offsets:   firstByteOffset ..................... firstByteOffset + histlen - 1 == masterOffset
 *   ring:             [ ....older.... | write position idx ^ | ....oldest.... ]   (size bytes, wraps)
 * </pre>
 * The byte at stream offset {@code o} (with {@code firstByteOffset <= o <= masterOffset}) lives at
 * {@code (idx - (masterOffset + 1 - o)) mod size}. Offsets count from 1 as in Redis: a stream that has carried n
 * bytes has masterOffset n, and its first byte has offset 1.
 * <p>
 * Cost: append is a copy of the bytes (at most two arraycopy calls); nothing is allocated after construction.
 * Resizing (CONFIG SET repl-backlog-size) keeps the newest bytes that fit.
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class Backlog {
    private byte[] ring;
    /** Where the next byte goes. */
    private int idx;
    /** Bytes of history held (at most ring.length). */
    private long histlen;
    /** Stream offset of the newest byte (the master's replication offset). */
    private long masterOffset;

    Backlog(int size, long masterOffset) {
        this.ring = new byte[Math.max(16 * 1024, size)];
        this.masterOffset = masterOffset;
    }

    int size() {
        return ring.length;
    }

    long histlen() {
        return histlen;
    }

    /** Stream offset of the oldest byte held (masterOffset + 1 when empty). */
    long firstByteOffset() {
        return masterOffset + 1 - histlen;
    }

    long masterOffset() {
        return masterOffset;
    }

    void append(byte[] b, int off, int len) {
        masterOffset += len;
        if (len >= ring.length) {
            System.arraycopy(b, off + len - ring.length, ring, 0, ring.length);
            idx = 0;
            histlen = ring.length;
            return;
        }
        int first = Math.min(len, ring.length - idx);
        System.arraycopy(b, off, ring, idx, first);
        if (first < len) {
            System.arraycopy(b, off + first, ring, 0, len - first);
        }
        idx = (idx + len) % ring.length;
        histlen = Math.min(ring.length, histlen + len);
    }

    /** Whether the bytes after stream offset {@code offset} are all here (a PSYNC from offset + 1 can continue). */
    boolean covers(long psyncOffset) {
        return psyncOffset >= firstByteOffset() && psyncOffset <= masterOffset + 1;
    }

    /** The bytes from stream offset psyncOffset (inclusive) to the end; {@link #covers} must hold. */
    byte[] from(long psyncOffset) {
        int n = (int) (masterOffset + 1 - psyncOffset);
        byte[] out = new byte[n];
        int start = Math.floorMod(idx - n, ring.length);
        int first = Math.min(n, ring.length - start);
        System.arraycopy(ring, start, out, 0, first);
        if (first < n) {
            System.arraycopy(ring, 0, out, first, n - first);
        }
        return out;
    }

    /** Changes the capacity, keeping the newest history that fits. */
    void resize(int size) {
        size = Math.max(16 * 1024, size);
        if (size == ring.length) {
            return;
        }
        long keep = Math.min(histlen, size);
        byte[] old = histlen == 0 ? new byte[0] : from(masterOffset + 1 - keep);
        ring = new byte[size];
        System.arraycopy(old, 0, ring, 0, old.length);
        idx = old.length % size;
        histlen = keep;
    }
}
