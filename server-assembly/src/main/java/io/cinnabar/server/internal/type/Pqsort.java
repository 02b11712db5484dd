package io.cinnabar.server.internal.type;

/**
 * The two sorts whose tie order shows in Redis's replies, over an {@code int[]} of element ids compared by a
 * caller's comparator:
 * <ul>
 *   <li>{@link #partial}: Redis's {@code pqsort} (Bentley-McIlroy quicksort from NetBSD's libc, recursing only
 *       into partitions that overlap the requested index range), used by SORT with LIMIT and BY, and by GEO
 *       searches with COUNT. Elements that compare equal end up in the order this algorithm leaves them, so it is
 *       rebuilt step by step (pivot by median of three or ninther, three-way partition, insertion sort below 7
 *       elements; Redis's copy has no switch to insertion sort after a pass without swaps).</li>
 *   <li>{@link #stable}: a top-down merge sort taking the left element on ties, which is what glibc's
 *       {@code qsort} (a merge sort when memory allows) does for Redis's full sorts.</li>
 * </ul>
 * Both are O(N log N) comparisons (pqsort O(N^2) in its worst case, as the original).
 * <p><b>Note:</b> This class is not threadsafe (stateless).
 */
public final class Pqsort {
    private Pqsort() {
    }

    /** Compares the elements with ids a and b (negative, zero, positive). */
    public interface Cmp {
        int compare(int a, int b);
    }

    /** Stable merge sort of v[0, n). */
    public static void stable(int[] v, int n, Cmp cmp) {
        if (n < 2) {
            return;
        }
        mergeSort(v, new int[n], 0, n, cmp);
    }

    private static void mergeSort(int[] v, int[] tmp, int from, int n, Cmp cmp) {
        if (n <= 1) {
            return;
        }
        int n1 = n / 2;
        int n2 = n - n1;
        mergeSort(v, tmp, from, n1, cmp);
        mergeSort(v, tmp, from + n1, n2, cmp);
        int i = from;
        int j = from + n1;
        int end1 = from + n1;
        int end2 = from + n;
        int k = 0;
        while (i < end1 && j < end2) {
            tmp[k++] = cmp.compare(v[i], v[j]) <= 0 ? v[i++] : v[j++];
        }
        while (i < end1) {
            tmp[k++] = v[i++];
        }
        System.arraycopy(tmp, 0, v, from, k); // the rest of the right run is already in place
    }

    /** Redis's pqsort of v[0, n): positions lrange..rrange end up as in a full sort. */
    public static void partial(int[] v, int n, Cmp cmp, long lrange, long rrange) {
        sort(v, 0, n, cmp, lrange, rrange);
    }

    private static void swap(int[] v, int i, int j) {
        int t = v[i];
        v[i] = v[j];
        v[j] = t;
    }

    private static void vecswap(int[] v, int i, int j, int n) {
        for (int k = 0; k < n; k++) {
            swap(v, i + k, j + k);
        }
    }

    private static int med3(int[] v, int a, int b, int c, Cmp cmp) {
        return cmp.compare(v[a], v[b]) < 0
            ? (cmp.compare(v[b], v[c]) < 0 ? b : (cmp.compare(v[a], v[c]) < 0 ? c : a))
            : (cmp.compare(v[b], v[c]) > 0 ? b : (cmp.compare(v[a], v[c]) < 0 ? a : c));
    }

    private static void insertion(int[] v, int a, int n, Cmp cmp) {
        for (int pm = a + 1; pm < a + n; pm++) {
            for (int pl = pm; pl > a && cmp.compare(v[pl - 1], v[pl]) > 0; pl--) {
                swap(v, pl, pl - 1);
            }
        }
    }

    /** Whether the requested range lies entirely on one side of positions [s, e]. */
    private static boolean outside(long lr, long rr, int s, int e) {
        return lr < s && rr < s || lr > e && rr > e;
    }

    private static void sort(int[] v, int a, int n, Cmp cmp, long lr, long rr) {
        while (true) {
            if (n < 7) {
                insertion(v, a, n, cmp);
                return;
            }
            int pm = a + n / 2;
            if (n > 7) {
                int pl = a;
                int pn = a + n - 1;
                if (n > 40) {
                    int d = n / 8;
                    pl = med3(v, pl, pl + d, pl + 2 * d, cmp);
                    pm = med3(v, pm - d, pm, pm + d, cmp);
                    pn = med3(v, pn - 2 * d, pn - d, pn, cmp);
                }
                pm = med3(v, pl, pm, pn, cmp);
            }
            swap(v, a, pm);
            int[] p = partition(v, a, n, cmp);
            int pa = p[0];
            int pb = p[1];
            int pc = p[2];
            int pd = p[3];
            int pn = a + n;
            int r = Math.min(pa - a, pb - pa);
            vecswap(v, a, pb - r, r);
            r = Math.min(pd - pc, pn - pd - 1);
            vecswap(v, pb, pn - r, r);
            if ((r = pb - pa) > 1 && !outside(lr, rr, a, a + r - 1)) {
                sort(v, a, r, cmp, lr, rr);
            }
            if ((r = pd - pc) > 1) {
                a = pn - r;
                n = r;
                if (!outside(lr, rr, a, a + r - 1)) {
                    continue;
                }
            }
            return;
        }
    }

    /** The three-way partition around v[a]: {pa, pb, pc, pd}. */
    private static int[] partition(int[] v, int a, int n, Cmp cmp) {
        int pa = a + 1;
        int pb = a + 1;
        int pc = a + n - 1;
        int pd = a + n - 1;
        for (;;) {
            int r;
            while (pb <= pc && (r = cmp.compare(v[pb], v[a])) <= 0) {
                if (r == 0) {
                    swap(v, pa, pb);
                    pa++;
                }
                pb++;
            }
            while (pb <= pc && (r = cmp.compare(v[pc], v[a])) >= 0) {
                if (r == 0) {
                    swap(v, pc, pd);
                    pd--;
                }
                pc--;
            }
            if (pb > pc) {
                break;
            }
            swap(v, pb, pc);
            pb++;
            pc--;
        }
        return new int[] {pa, pb, pc, pd};
    }
}
