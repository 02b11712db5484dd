package io.cinnabar.benchmarks.listpack;

import io.cinnabar.listpack.Listpack;

import java.util.ArrayList;
import java.util.List;

/**
 * Bytes per element of a listpack and of an {@code ArrayList<byte[]>} holding the same elements, by the
 * arithmetic of a 64-bit HotSpot JVM with compressed oops and class pointers (what JOL reports): an object
 * header is 12 bytes, an array header 16 (12 + length), objects are padded to 8 bytes, a reference takes 4.
 * <pre>
 *   byte[] of k bytes          = align8(16 + k)
 *   ArrayList                  = align8(12 + 4 (modCount) + 4 (size) + 4 (elementData)) = 24
 *   Object[] of capacity c     = align8(16 + 4c)
 *   Listpack                   = align8(12 + 4 (buf) + 4 (size) + 4 (count)) = 24, plus its byte[]
 * </pre>
 * Both are measured once built by appending one element at a time (capacity as growth leaves it) and after
 * trimming ({@code trimToSize}). Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.cinnabar.benchmarks.listpack.ListpackFootprint}.
 */
public final class ListpackFootprint {
    private ListpackFootprint() {
    }

    static long align8(long x) {
        return (x + 7) & ~7L;
    }

    static long byteArray(long k) {
        return align8(16 + k);
    }

    public static void main(String[] args) {
        System.out.println("| data | n | listpack bytes/element (grown / trimmed) | ArrayList<byte[]> bytes/element (grown / trimmed) |");
        System.out.println("|---|---|---|---|");
        for (String data : new String[] {"mixed", "strings"}) {
            for (int n : new int[] {128, 512}) {
                byte[][] elements = ListpackBenchmark.elements(n, data);
                Listpack lp = new Listpack();
                List<byte[]> list = new ArrayList<>();
                int capacity = 0;
                for (byte[] e : elements) {
                    lp.append(e);
                    list.add(e);
                    capacity = capacity == 0 ? 10 : list.size() > capacity ? capacity + (capacity >> 1) : capacity;
                }
                long lpGrown = 24 + byteArray(lp.array().length);
                long lpTrim = 24 + byteArray(lp.bytes());
                long payload = 0;
                for (byte[] e : elements) {
                    payload += byteArray(e.length);
                }
                long alGrown = 24 + align8(16 + 4L * capacity) + payload;
                long alTrim = 24 + align8(16 + 4L * n) + payload;
                System.out.printf("| %s | %d | %.1f / %.1f | %.1f / %.1f |%n", data, n,
                    (double) lpGrown / n, (double) lpTrim / n, (double) alGrown / n, (double) alTrim / n);
            }
        }
    }
}
