package io.cinnabar.server.internal.keyspace;

import java.nio.ByteBuffer;

/**
 * A list, set, sorted set or hash whose small encoding is one byte blob (a listpack or an intset), which the
 * keyspace keeps in off-heap memory between commands (issue #12): an {@link Entry} loads the blob into a value it
 * reuses when a command asks for the value, and stores the blob back after the command if the key was looked up
 * for writing. A value in a big encoding (quicklist, hashtable, skiplist) stays a heap object.
 * <p><b>Note:</b> Implementations are not threadsafe.
 */
public interface CompactValue extends TypedValue {
    /** Redis's OBJ_ENCODING_INTSET. */
    int ENC_INTSET = 6;
    /** Redis's OBJ_ENCODING_LISTPACK. */
    int ENC_LISTPACK = 11;

    /** {@link #ENC_LISTPACK} or {@link #ENC_INTSET} while the value is one blob; -1 in a big encoding. O(1). */
    int blobEncoding();

    /** The blob's length in bytes (only while {@link #blobEncoding()} is not -1). O(1). */
    int blobLength();

    /** Copies the blob into dst at index (position and limit unchanged). Allocation-free, O(blob). */
    void writeBlob(ByteBuffer dst, int index);

    /**
     * Makes this value the blob of the given encoding at {@code src[index, index+len)} (a blob {@link #writeBlob}
     * wrote), dropping whatever it held and reusing its arrays: allocation-free once they are large enough. O(len).
     */
    void loadBlob(int encoding, ByteBuffer src, int index, int len);

    /**
     * Makes this value empty in its listpack encoding (a new key's value), dropping whatever it held and reusing the
     * listpack's array: allocation-free once the value has one. O(1).
     */
    void loadEmpty();

    /** A new value of the same class, to be {@link #loadBlob loaded} before any other use. */
    CompactValue newValue();
}
