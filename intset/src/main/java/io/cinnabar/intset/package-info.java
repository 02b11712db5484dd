/**
 * Redis's intset: {@link io.cinnabar.intset.Intset} keeps sorted distinct integers in the exact blob that RDB and
 * DUMP carry ({@code <uint32 encoding><uint32 length><contents>}, little-endian), so sets move between disk,
 * network and memory without re-encoding. Untrusted blobs go through
 * {@link io.cinnabar.intset.Intset#validate(byte[], int, int, boolean)} first, which throws
 * {@link io.cinnabar.intset.IntsetFormatException}.
 */
package io.cinnabar.intset;
