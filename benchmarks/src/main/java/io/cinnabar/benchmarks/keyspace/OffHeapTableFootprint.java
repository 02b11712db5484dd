package io.cinnabar.benchmarks.keyspace;

import io.cinnabar.server.internal.keyspace.mem.OffHeapKeyTable;
import io.cinnabar.server.internal.keyspace.mem.SlabAllocator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

/**
 * Bytes per key of the off-heap key table and of {@code HashMap<ByteKey, byte[]>} with N keys "key:0".."key:N-1"
 * and values of V bytes (as {@code DEBUG POPULATE N key V} makes them). For the table: the allocator's allocated
 * and reserved (footprint) bytes, the table's heap arrays, and the growth of the heap in use after a full GC
 * (buckets, slab buffer objects) and of the process RSS (Linux). For the map: heap growth after a full GC.
 * Keys and values are built before the first measurement and not counted, except the copies a map must hold.
 * <pre>
 * java -XX:+UseSerialGC -Xmx3g -cp benchmarks/target/benchmarks.jar \
 *     io.cinnabar.benchmarks.keyspace.OffHeapTableFootprint 1000000 32
 * </pre>
 */
public final class OffHeapTableFootprint {
    static Object keep;

    private OffHeapTableFootprint() {
    }

    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int vlen = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        byte[][] keys = ByteKey.keys(n);
        byte[] value = new byte[vlen];
        java.util.Arrays.fill(value, (byte) 'x');

        long heap0 = usedHeap();
        long rss0 = rss();
        SlabAllocator mem = new SlabAllocator();
        OffHeapKeyTable<Object> t = new OffHeapKeyTable<>(mem);
        for (byte[] k : keys) {
            t.putString(k, 0, k.length, value, 0, vlen, vlen > 44);
        }
        while (t.rehash(1000)) {
            // finish the last resize
        }
        keep = t;
        long heap1 = usedHeap();
        long rss1 = rss();
        System.out.printf("off-heap table, %d keys, %d-byte values, %d buckets:%n", n, vlen, t.buckets());
        System.out.printf("  allocated      %6.1f bytes/key (sum of size-class regions)%n",
                mem.allocatedBytes() / (double) n);
        System.out.printf("  footprint      %6.1f bytes/key (slabs reserved), fragmentation ratio %.3f%n",
                mem.footprintBytes() / (double) n, mem.fragmentationRatio());
        System.out.printf("  table overhead %6.1f bytes/key (off-heap bucket chunks %.1f; expire handles, object slots)%n",
                t.overheadBytes() / (double) n, t.bucketBytes() / (double) n);
        System.out.printf("  heap growth    %6.1f bytes/key (after full GC)%n", (heap1 - heap0) / (double) n);
        System.out.printf("  total          %6.1f bytes/key (footprint + bucket chunks + heap growth)%n",
                (mem.footprintBytes() + t.bucketBytes() + heap1 - heap0) / (double) n);
        if (rss0 > 0) {
            System.out.printf("  RSS growth     %6.1f bytes/key%n", (rss1 - rss0) / (double) n);
        }
        keep = null;
        t.clear();
        t = null;
        mem = null;

        long heap2 = usedHeap();
        HashMap<ByteKey, byte[]> m = new HashMap<>();
        for (byte[] k : keys) {
            m.put(new ByteKey(k.clone(), 0, k.length), value.clone());
        }
        keep = m;
        long heap3 = usedHeap();
        System.out.printf("HashMap<ByteKey, byte[]>, %d keys (key and value copies counted):%n", n);
        System.out.printf("  heap growth    %6.1f bytes/key (after full GC)%n", (heap3 - heap2) / (double) n);
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    /** Resident set size in bytes from /proc/self/status, or -1 off Linux. */
    private static long rss() throws IOException {
        Path p = Path.of("/proc/self/status");
        if (!Files.exists(p)) {
            return -1;
        }
        for (String line : Files.readAllLines(p)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
