package io.cinnabar.dict;

/**
 * One key of a {@link Dict}: the key bytes, a value, a free 64-bit metadata word and the link to the next entry
 * of the same bucket.
 *
 * <h2>Layout and cost</h2>
 * <pre>
 *   offset  0  object header (mark word + compressed class pointer)   12 bytes
 *          12  byte[] key                                              4
 *          16  long   meta                                             8
 *          24  V      value                                            4
 *          28  DictEntry next                                          4
 *                                                                  = 32 bytes
 * </pre>
 * That is 32 bytes per entry on a 64-bit JVM with compressed oops and class pointers (the default below a
 * 32 GB heap), the same as Redis's 24-byte {@code dictEntry} plus its 8-byte {@code long long} expire that
 * Redis keeps in a second table ({@code db->expires}). {@link #meta()} is where the server keeps such
 * per-key state without another map: an absolute expire time, an LRU clock or LFU counter, or both packed.
 * The key array ({@code 16 + length} bytes rounded up to 8) and the value are the caller's.
 *
 * <p>The key is the array given at insertion and must not be modified while the entry is in a dict: its hash
 * decides the bucket.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 *
 * @param <V> the value type
 */
public final class DictEntry<V> {
    final byte[] key;
    long meta;
    V value;
    DictEntry<V> next;

    DictEntry(byte[] key, DictEntry<V> next) {
        this.key = key;
        this.next = next;
    }

    /** The key; the caller must not modify it. */
    public byte[] key() {
        return key;
    }

    /** The value, {@code null} until set. */
    public V value() {
        return value;
    }

    /** Replaces the value (Redis: {@code dictSetVal}); O(1). */
    public void setValue(V value) {
        this.value = value;
    }

    /** The metadata word, 0 until set; the dict never reads it. */
    public long meta() {
        return meta;
    }

    /** Sets the metadata word (for example an expire time or an LRU/LFU clock); O(1). */
    public void setMeta(long meta) {
        this.meta = meta;
    }

    @Override
    public String toString() {
        return new String(key, java.nio.charset.StandardCharsets.ISO_8859_1) + "=" + value;
    }
}
