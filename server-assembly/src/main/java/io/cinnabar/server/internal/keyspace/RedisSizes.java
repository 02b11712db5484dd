package io.cinnabar.server.internal.keyspace;

/**
 * What Redis 7.2 (x86-64, jemalloc 5.3) would allocate for a structure: the model behind {@code MEMORY USAGE},
 * which reports Redis's own estimate ({@code objectComputeSize} in {@code object.c}) rather than the JVM heap, so
 * that numbers compare with a real Redis holding the same data.
 * <pre>
 *   jemalloc size classes (usable size of a request, LG_QUANTUM 4):
 *     8, 16, 32, 48, ..., 128                         spacing 16 after the 8-byte class
 *     160, 192, 224, 256, 320, 384, ...               four classes per doubling, also for large (&gt; 14 KiB)
 *                                                     requests: 16384, 20480, 24576, 28672, 32768, 40960 ...
 *   sds header by length (sdsReqType): &lt; 32: 1 byte (type 5; an empty sds uses type 8: 3), &lt; 256: 3,
 *     &lt; 64 Ki: 5, &lt; 4 Gi: 9, else 17; an sds allocation is header + length + 1 (the NUL)
 *   structs: robj 16, dictEntry 24, dict 56, quicklist 40, quicklistNode 40, zset 16, zskiplist 32,
 *     zskiplistNode 24 + 16 per level, stream 80, streamCG 40, streamConsumer 32 (7.2 adds active_time), streamNACK 24
 * </pre>
 * Every figure here was checked against {@code MEMORY USAGE} of a real Redis for the same data (see
 * MemoryUsageDifferentialTest). All methods are O(1).
 * <p><b>Note:</b> This class is stateless and threadsafe.
 */
public final class RedisSizes {
    /** sizeof(robj). */
    public static final long ROBJ = 16;
    /** sizeof(dictEntry) (dictEntryMemUsage). */
    public static final long DICT_ENTRY = 24;
    /** sizeof(dict). */
    public static final long DICT = 56;
    /** A bucket pointer of a dict table. */
    public static final long DICT_SLOT = 8;
    /** sizeof(quicklist). */
    public static final long QUICKLIST = 40;
    /** sizeof(quicklistNode). */
    public static final long QUICKLIST_NODE = 40;
    /** sizeof(zset): the dict and skiplist pointers. */
    public static final long ZSET = 16;
    /** sizeof(zskiplist). */
    public static final long ZSKIPLIST = 32;
    /** ZSKIPLIST_MAXLEVEL: levels of the skiplist header node. */
    public static final int ZSKIPLIST_MAXLEVEL = 32;
    /** sizeof(stream). */
    public static final long STREAM = 80;
    /** sizeof(streamCG). */
    public static final long STREAM_CG = 40;
    /** sizeof(streamConsumer) in 7.2 (seen_time, active_time, name, pel). */
    public static final long STREAM_CONSUMER = 32;
    /** sizeof(streamNACK). */
    public static final long STREAM_NACK = 24;
    /** sizeof(streamID). */
    public static final long STREAM_ID = 16;
    /** sizeof(raxNode): its 32-bit header. */
    public static final long RAX_NODE = 4;
    /** The fixed per-node overhead streamRadixTreeMemoryUsage adds (sizeof(long) * 30). */
    public static final long RAX_NODE_EXTRA = 8 * 30;
    /** Bytes a new stream node's listpack is allocated with (STREAM_LISTPACK_MAX_PRE_ALLOCATE). */
    public static final int STREAM_LISTPACK_PREALLOC = 4096;

    private RedisSizes() {
    }

    /** The usable size jemalloc returns for a request of {@code size} bytes (je_malloc_usable_size). */
    public static long mallocSize(long size) {
        if (size <= 8) {
            return 8;
        }
        if (size <= 128) {
            return (size + 15) & ~15L;
        }
        // four classes per doubling: for size in (2^k, 2^(k+1)], spacing 2^(k-2)
        int k = 63 - Long.numberOfLeadingZeros(size - 1);
        long spacing = 1L << (k - 2);
        return (size + spacing - 1) & -spacing;
    }

    /** The header bytes of an sds of {@code len} bytes created at that length (sdsReqType). */
    public static int sdsHeader(long len) {
        if (len == 0) {
            return 3;
        }
        if (len < 1L << 5) {
            return 1;
        }
        if (len < 1L << 8) {
            return 3;
        }
        if (len < 1L << 16) {
            return 5;
        }
        if (len < 1L << 32) {
            return 9;
        }
        return 17;
    }

    /** zmalloc_size of an sds whose buffer holds {@code alloc} bytes (sdsZmallocSize of an exact-size sds). */
    public static long sdsSize(long alloc) {
        return mallocSize(sdsHeader(alloc) + alloc + 1);
    }

    /** zmalloc_size of an embstr object: robj, sdshdr8 and the bytes with their NUL in one allocation. */
    public static long embstrSize(long len) {
        return mallocSize(ROBJ + 3 + len + 1);
    }

    /** zmalloc_size of a skiplist node of {@code level} levels. */
    public static long skiplistNodeSize(int level) {
        return mallocSize(24 + 16L * level);
    }

    /** streamRadixTreeMemoryUsage for a rax of {@code elements} keys and {@code nodes} nodes (Redis's formula). */
    public static long streamRaxSize(long elements, long nodes) {
        return elements * STREAM_ID + nodes * (RAX_NODE + RAX_NODE_EXTRA);
    }

    /** Scales a sampled element size to a whole collection as Redis does ((double) sum / samples * total). */
    public static long scaled(long sampledBytes, long samples, long total) {
        return samples == 0 ? 0 : (long) ((double) sampledBytes / samples * total);
    }
}
