/**
 * Redis's listpack, byte for byte.
 *
 * <h2>Design</h2>
 * A listpack is one contiguous run of bytes: a 6-byte header (total size, element count), the entries, and a
 * terminator byte. Each entry is self-describing from its first byte (integer or string, and how long) and ends
 * with a back-length, the entry's own size written so that it can be read from right to left; that is what
 * lets the list be walked in both directions without pointers, and why inserting or deleting never touches a
 * neighbour (unlike the ziplist it replaced, whose "previous entry length" fields could cascade). The layout is
 * drawn in {@link io.cinnabar.listpack.Listpack}; constants and field codecs are in
 * {@link io.cinnabar.listpack.ListpackLayout}.
 *
 * <h2>Why a byte array and not objects</h2>
 * The same bytes are what RDB files and {@code DUMP} payloads carry: a listpack read from a file is
 * {@linkplain io.cinnabar.listpack.Listpack#adopt(byte[]) adopted} after validation and written back as it is.
 * Small elements cost one to a few bytes of overhead instead of an object header, an array header and a
 * reference (a quarter to a third of an {@code ArrayList<byte[]>}; see the module README), at the price of
 * O(N) index access and O(bytes) insertion, which is why Redis keeps listpacks small and converts them past
 * its {@code *-max-listpack-*} thresholds.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>the header's total size equals {@link io.cinnabar.listpack.Listpack#bytes()} and the last byte is 0xFF;</li>
 *   <li>each entry's back-length equals the size of its encoding and data;</li>
 *   <li>the header count is the number of entries when below 65535, else 65535;</li>
 *   <li>an element is an integer entry exactly when it is the canonical decimal text of an int64, in the
 *   smallest encoding (so equal element lists give equal bytes).</li>
 * </ul>
 * Bytes from outside (files, network) are checked by {@link io.cinnabar.listpack.Listpack#validate(byte[], int,
 * int, boolean)}, which throws {@link io.cinnabar.listpack.ListpackException} naming the offset.
 *
 * <p>All classes are single-threaded, like the Redis data structures they mirror.
 */
package io.cinnabar.listpack;
