package io.cinnabar.dict;

import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * A hash table from byte-string keys to values, built the way Redis's {@code dict.c} is: chained buckets in
 * power-of-two tables, two tables while resizing, and a rehash that moves a bounded number of buckets per
 * operation so that no single call ever pays for the whole table.
 *
 * <h2>Layout</h2>
 * <pre>
 *   t0 (size 2^n)                           t1 (size 2^m, only while rehashing)
 *   +---+                                   +---+
 *   | 0 | -&gt; (already moved: empty)         | 0 | -&gt; e5 -&gt; null
 *   | 1 | -&gt; (already moved: empty)         | 1 | -&gt; null
 *   | 2 | -&gt; e1 -&gt; e2 -&gt; null     &lt;- rehashIndex   ...
 *   | 3 | -&gt; e3 -&gt; null
 *   +---+
 *   bucket of a key = sipHash(key) &amp; (size - 1); a new key goes to the head of its chain, in t1 while rehashing
 * </pre>
 * Each {@link DictEntry} costs 32 bytes with compressed oops (see there) and each bucket one 4-byte
 * reference; {@link #memoryUsage()} adds them up.
 *
 * <h2>Invariants</h2>
 * <ul>
 * <li>While rehashing, buckets {@code 0 .. rehashIndex-1} of {@code t0} are empty: every key lives either in
 *     {@code t0} at or after the rehash index, or in {@code t1}.</li>
 * <li>Table sizes are powers of two from {@link #INITIAL_SIZE} up to 2^30.</li>
 * <li>A key is present at most once (compared byte for byte, or ignoring ASCII case for a case-insensitive
 *     dict).</li>
 * </ul>
 *
 * <h2>Resizing (Redis 7.2's rules)</h2>
 * <ul>
 * <li><b>Grow</b> on insert when not already rehashing: to {@link #INITIAL_SIZE} when empty; else when
 *     {@code used >= size} under {@link ResizePolicy#ENABLE}, or {@code used / size > 5}
 *     ({@link #FORCE_RESIZE_RATIO}) under {@link ResizePolicy#AVOID}; the new size is the smallest power of
 *     two above {@code used}, so the table doubles.</li>
 * <li><b>Shrink</b> only on request, as the server's cron and the hash/set/zset delete paths do:
 *     {@link #needsResize()} is true when {@code buckets > 4} and {@code used * 100 / buckets < 10}
 *     ({@link #MIN_FILL_PERCENT}); {@link #resize()} then starts a rehash into the smallest power of two
 *     holding {@code used} (only under {@link ResizePolicy#ENABLE}).</li>
 * <li>The policy is process-wide ({@link #setResizePolicy}), as in Redis: the server sets {@code AVOID} while a
 *     snapshot is in progress.</li>
 * </ul>
 *
 * <h2>Cost of each operation</h2>
 * Let a <em>rehash step</em> be: move one non-empty bucket of {@code t0} (all its entries) to {@code t1},
 * visiting at most 10 empty buckets ({@link #EMPTY_VISITS_PER_STEP}) on the way; a step touches at most
 * 10 + 1 buckets and the entries of one chain. While a rehash is in progress and not paused, {@link #find},
 * {@link #add}, {@link #put}, {@link #remove} and {@link #randomEntry} each do one step first;
 * {@link #someEntries} does up to {@code count} steps. Beyond that step:
 * <ul>
 * <li>find / add / put / remove: O(1) expected (hash the key, walk one chain per table). Starting a resize
 *     allocates the new bucket array (zeroing it is O(new size), done by the JVM) but moves nothing.</li>
 * <li>{@link #rehash(int) rehash(n)}: at most {@code n} buckets moved and {@code 10 n} empty ones visited.</li>
 * <li>{@link #rehashFor(long)}: steps of 100 buckets until the time budget is spent (the budget can be exceeded
 *     by one such step).</li>
 * <li>{@link #scan}: one bucket of the smaller table plus its 2^(m-n) expansions in the larger one.</li>
 * <li>{@link #randomEntry()}: O(1) expected buckets probed (the table is kept at least ~10% full by the
 *     shrink rule), plus one chain walk. {@link #someEntries}: at most {@code 10 count} bucket visits.</li>
 * <li>iteration: O(buckets + size) for the whole table; {@link #clear()}: O(1).</li>
 * </ul>
 *
 * <h2>Hashing</h2>
 * Keys are hashed with SipHash-1-2 ({@link SipHash}) under the process's random seed unless a seed is given,
 * so an attacker cannot choose keys that collide. A {@linkplain #caseInsensitive() case-insensitive} dict
 * uses {@code siphash_nocase} and compares keys ignoring ASCII case (Redis's command table).
 *
 * <p>Lookups accept a slice of any array ({@link #get(byte[], int, int)}), so the server can look a key up
 * straight from its network buffer; {@link #addOrFind(byte[], int, int)} copies the slice only when it inserts.
 *
 * <p><b>Note:</b> This class is not threadsafe. It is single-threaded by design: the server's data thread
 * owns every dict, so no operation takes a lock.
 *
 * @param <V> the value type
 */
public final class Dict<V> {
    /** Size of a table when the first key arrives (Redis: {@code DICT_HT_INITIAL_SIZE}). */
    public static final int INITIAL_SIZE = 4;
    /** Under {@link ResizePolicy#AVOID}, grow anyway once keys outnumber buckets by more than this. */
    public static final int FORCE_RESIZE_RATIO = 5;
    /** {@link #needsResize()} below this fill percentage (Redis: {@code HASHTABLE_MIN_FILL}). */
    public static final int MIN_FILL_PERCENT = 10;
    /** Empty buckets one rehash step may visit (Redis: {@code empty_visits = n * 10}). */
    public static final int EMPTY_VISITS_PER_STEP = 10;
    /** Buckets moved per step of {@link #rehashFor(long)} between two looks at the clock. */
    public static final int REHASH_BATCH = 100;
    /** Bytes of one {@link DictEntry} with compressed oops. */
    public static final int ENTRY_BYTES = 32;
    /** Bytes of one bucket slot with compressed oops. */
    public static final int BUCKET_BYTES = 4;
    /** Entries {@link #fairRandomEntry()} samples before picking one (Redis: {@code GETFAIR_NUM_ENTRIES}). */
    public static final int FAIR_SAMPLE = 15;

    private static final int MAX_EXP = 30;
    private static final DictEntry<?>[] EMPTY = new DictEntry<?>[0];
    private static final ThreadLocal<DictEntry<?>[]> FAIR_SCRATCH =
        ThreadLocal.withInitial(() -> new DictEntry<?>[FAIR_SAMPLE]);

    private static ResizePolicy resizePolicy = ResizePolicy.ENABLE;

    private final long k0;
    private final long k1;
    private final boolean nocase;

    private DictEntry<V>[] t0 = empty();
    private DictEntry<V>[] t1 = empty();
    private int used0;
    private int used1;
    private int rehashIndex = -1;
    private int pauseRehash;

    /** A case-sensitive dict keyed by the process's random SipHash seed. */
    public Dict() {
        this(SipHash.processSeed(), false);
    }

    /**
     * A dict with an explicit 16-byte SipHash seed (tests, reproducible layouts).
     *
     * @param nocase whether keys compare and hash ignoring ASCII case
     */
    public Dict(byte[] seed, boolean nocase) {
        this.k0 = SipHash.k0(seed);
        this.k1 = SipHash.k1(seed);
        this.nocase = nocase;
    }

    /** A dict whose keys compare and hash ignoring ASCII case, for command-name tables. */
    public static <V> Dict<V> caseInsensitive() {
        return new Dict<>(SipHash.processSeed(), true);
    }

    @SuppressWarnings("unchecked")
    private static <V> DictEntry<V>[] empty() {
        return (DictEntry<V>[]) EMPTY;
    }

    @SuppressWarnings("unchecked")
    private static <V> DictEntry<V>[] newTable(int size) {
        return (DictEntry<V>[]) new DictEntry<?>[size];
    }

    // ------------------------------------------------------------------ policy

    /** Sets the process-wide resize policy (Redis: {@code dictSetResizeEnabled}); call it from the data thread. */
    public static void setResizePolicy(ResizePolicy policy) {
        resizePolicy = Objects.requireNonNull(policy);
    }

    /** The process-wide resize policy. */
    public static ResizePolicy resizePolicy() {
        return resizePolicy;
    }

    // ------------------------------------------------------------------ size and state

    /** Number of keys; O(1). */
    public int size() {
        return used0 + used1;
    }

    /** Whether the dict has no key; O(1). */
    public boolean isEmpty() {
        return used0 + used1 == 0;
    }

    /** Buckets of both tables (Redis: {@code dictBuckets}); O(1). */
    public long buckets() {
        return (long) t0.length + t1.length;
    }

    /** Size of the main table, 0 before the first key. */
    public int tableSize() {
        return t0.length;
    }

    /** Size of the table being rehashed into, 0 when not rehashing. */
    public int rehashTargetSize() {
        return t1.length;
    }

    /** Whether a rehash is in progress (two tables). */
    public boolean isRehashing() {
        return rehashIndex >= 0;
    }

    /** The next bucket of the old table to move, or -1 when not rehashing (Redis: {@code rehashidx}). */
    public int rehashIndex() {
        return rehashIndex;
    }

    /** Whether this dict compares keys ignoring ASCII case. */
    public boolean isCaseInsensitive() {
        return nocase;
    }

    /**
     * Bytes of the table structure: entries and bucket slots, excluding keys and values
     * (Redis: {@code dictMemUsage}); O(1).
     */
    public long memoryUsage() {
        return (long) size() * ENTRY_BYTES + buckets() * BUCKET_BYTES;
    }

    /** The SipHash-1-2 hash this dict uses for {@code buf[off, off+len)} (Redis: {@code dictGetHash}). */
    public long hash(byte[] buf, int off, int len) {
        return nocase ? SipHash.sipHash12NoCase(k0, k1, buf, off, len) : SipHash.sipHash12(k0, k1, buf, off, len);
    }

    private boolean keyEquals(byte[] key, byte[] buf, int off, int len) {
        if (key == buf && off == 0 && len == key.length) {
            return true;
        }
        if (nocase) {
            return SipHash.equalsIgnoreAsciiCase(key, buf, off, len);
        }
        return key.length == len && Arrays.equals(key, 0, len, buf, off, off + len);
    }

    // ------------------------------------------------------------------ lookup

    /** The entry of {@code key}, or {@code null}; one rehash step, then O(1) expected. */
    public DictEntry<V> find(byte[] key) {
        return find(key, 0, key.length);
    }

    /** The entry whose key equals {@code buf[off, off+len)}, or {@code null}; the slice is not copied. */
    public DictEntry<V> find(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (size() == 0) {
            return null;
        }
        rehashStepIfNeeded();
        return lookup(hash(buf, off, len), buf, off, len);
    }

    private DictEntry<V> lookup(long h, byte[] buf, int off, int len) {
        int idx = (int) h & (t0.length - 1);
        if (rehashIndex < 0 || idx >= rehashIndex) {
            for (DictEntry<V> e = t0[idx]; e != null; e = e.next) {
                if (keyEquals(e.key, buf, off, len)) {
                    return e;
                }
            }
        }
        if (rehashIndex >= 0) {
            for (DictEntry<V> e = t1[(int) h & (t1.length - 1)]; e != null; e = e.next) {
                if (keyEquals(e.key, buf, off, len)) {
                    return e;
                }
            }
        }
        return null;
    }

    /** The value of {@code key}, or {@code null} when absent (or mapped to {@code null}). */
    public V get(byte[] key) {
        DictEntry<V> e = find(key, 0, key.length);
        return e == null ? null : e.value;
    }

    /** The value of the key equal to {@code buf[off, off+len)}, or {@code null}; the slice is not copied. */
    public V get(byte[] buf, int off, int len) {
        DictEntry<V> e = find(buf, off, len);
        return e == null ? null : e.value;
    }

    /** Whether {@code key} is present. */
    public boolean containsKey(byte[] key) {
        return find(key, 0, key.length) != null;
    }

    // ------------------------------------------------------------------ insertion

    /**
     * Adds {@code key} with a {@code null} value and returns its new entry, or returns {@code null} when the key
     * is already present (Redis: {@code dictAddRaw}). The dict keeps {@code key} itself, not a copy.
     */
    public DictEntry<V> addRaw(byte[] key) {
        long h = hash(key, 0, key.length);
        rehashStepIfNeeded();
        expandIfNeeded();
        if (lookup(h, key, 0, key.length) != null) {
            return null;
        }
        return insert(h, key);
    }

    /** Adds {@code key -> value} unless the key is present (Redis: {@code dictAdd}); true if added. */
    public boolean add(byte[] key, V value) {
        DictEntry<V> e = addRaw(key);
        if (e == null) {
            return false;
        }
        e.value = value;
        return true;
    }

    /**
     * The entry of {@code key}, inserted with a {@code null} value if absent (Redis: {@code dictAddOrFind}).
     * The dict keeps {@code key} itself when it inserts.
     */
    public DictEntry<V> addOrFind(byte[] key) {
        long h = hash(key, 0, key.length);
        rehashStepIfNeeded();
        expandIfNeeded();
        DictEntry<V> e = lookup(h, key, 0, key.length);
        return e != null ? e : insert(h, key);
    }

    /**
     * The entry of the key equal to {@code buf[off, off+len)}, inserting a copy of the slice with a
     * {@code null} value if absent: the slice is copied only when a key is created.
     */
    public DictEntry<V> addOrFind(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        long h = hash(buf, off, len);
        rehashStepIfNeeded();
        expandIfNeeded();
        DictEntry<V> e = lookup(h, buf, off, len);
        return e != null ? e : insert(h, Arrays.copyOfRange(buf, off, off + len));
    }

    /**
     * Sets {@code key -> value}, adding the key if absent (Redis: {@code dictReplace}); returns the previous
     * value, or {@code null} if the key was added.
     */
    public V put(byte[] key, V value) {
        DictEntry<V> e = addOrFind(key);
        V old = e.value;
        e.value = value;
        return old;
    }

    private DictEntry<V> insert(long h, byte[] key) {
        DictEntry<V> e;
        if (rehashIndex >= 0) {
            int idx = (int) h & (t1.length - 1);
            e = new DictEntry<>(key, t1[idx]);
            t1[idx] = e;
            used1++;
        } else {
            int idx = (int) h & (t0.length - 1);
            e = new DictEntry<>(key, t0[idx]);
            t0[idx] = e;
            used0++;
        }
        return e;
    }

    // ------------------------------------------------------------------ removal

    /** Removes {@code key} and returns its entry, or {@code null} (Redis: {@code dictUnlink}). */
    public DictEntry<V> unlink(byte[] key) {
        return unlink(key, 0, key.length);
    }

    /** Removes the key equal to {@code buf[off, off+len)} and returns its entry, or {@code null}. */
    public DictEntry<V> unlink(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (size() == 0) {
            return null;
        }
        rehashStepIfNeeded();
        long h = hash(buf, off, len);
        int idx = (int) h & (t0.length - 1);
        if (rehashIndex < 0 || idx >= rehashIndex) {
            DictEntry<V> e = unlinkFromChain(t0, idx, buf, off, len);
            if (e != null) {
                used0--;
                return e;
            }
        }
        if (rehashIndex >= 0) {
            DictEntry<V> e = unlinkFromChain(t1, (int) h & (t1.length - 1), buf, off, len);
            if (e != null) {
                used1--;
                return e;
            }
        }
        return null;
    }

    private DictEntry<V> unlinkFromChain(DictEntry<V>[] t, int idx, byte[] buf, int off, int len) {
        DictEntry<V> prev = null;
        for (DictEntry<V> e = t[idx]; e != null; prev = e, e = e.next) {
            if (keyEquals(e.key, buf, off, len)) {
                if (prev == null) {
                    t[idx] = e.next;
                } else {
                    prev.next = e.next;
                }
                e.next = null;
                return e;
            }
        }
        return null;
    }

    /** Removes {@code key}; returns its value, or {@code null} when absent (Redis: {@code dictDelete}). */
    public V remove(byte[] key) {
        DictEntry<V> e = unlink(key, 0, key.length);
        return e == null ? null : e.value;
    }

    /** Removes {@code key}; true if it was present. */
    public boolean delete(byte[] key) {
        return unlink(key, 0, key.length) != null;
    }

    /** Removes every key and both tables (Redis: {@code dictEmpty}); O(1), the garbage collector frees. */
    public void clear() {
        t0 = empty();
        t1 = empty();
        used0 = 0;
        used1 = 0;
        rehashIndex = -1;
        pauseRehash = 0;
    }

    // ------------------------------------------------------------------ resizing

    private void expandIfNeeded() {
        if (rehashIndex >= 0) {
            return;
        }
        if (t0.length == 0) {
            expand(INITIAL_SIZE);
            return;
        }
        ResizePolicy policy = resizePolicy;
        long size = t0.length;
        if ((policy == ResizePolicy.ENABLE && used0 >= size)
            || (policy != ResizePolicy.FORBID && used0 / size > FORCE_RESIZE_RATIO)) {
            expand((long) used0 + 1);
        }
    }

    /**
     * Starts a resize to the smallest power of two holding {@code size} keys (Redis: {@code dictExpand}).
     * Refused (false) while rehashing, when {@code size} is below the number of keys, when it exceeds 2^30, or
     * when the table already has that size. The first table is installed directly; otherwise the new table
     * becomes the rehash target and keys move incrementally. O(new size) to allocate the array.
     */
    public boolean expand(long size) {
        if (rehashIndex >= 0 || used0 > size || size > (1L << MAX_EXP)) {
            return false;
        }
        int newSize = 1 << nextExp(size);
        if (newSize == t0.length) {
            return false;
        }
        DictEntry<V>[] table = newTable(newSize);
        if (t0.length == 0 || used0 == 0) {
            t0 = table;
            return true;
        }
        t1 = table;
        rehashIndex = 0;
        return true;
    }

    private static int nextExp(long size) {
        if (size <= INITIAL_SIZE) {
            return 2;
        }
        return 64 - Long.numberOfLeadingZeros(size - 1);
    }

    /**
     * Whether the table is sparse enough to shrink (Redis 7.2 {@code htNeedsResize}): more than
     * {@link #INITIAL_SIZE} buckets and fewer than {@link #MIN_FILL_PERCENT}% of them used. O(1).
     */
    public boolean needsResize() {
        long buckets = buckets();
        return buckets > INITIAL_SIZE && (long) size() * 100 / buckets < MIN_FILL_PERCENT;
    }

    /**
     * Starts a resize to the smallest table holding the current keys (Redis: {@code dictResize}); refused unless
     * the policy is {@link ResizePolicy#ENABLE} and no rehash is in progress. O(new size).
     */
    public boolean resize() {
        if (resizePolicy != ResizePolicy.ENABLE || rehashIndex >= 0) {
            return false;
        }
        return expand(Math.max(used0, INITIAL_SIZE));
    }

    /** {@link #resize()} when {@link #needsResize()}: what the server's cron does for each dict. */
    public boolean resizeIfNeeded() {
        return needsResize() && resize();
    }

    // ------------------------------------------------------------------ rehashing

    /** Pauses incremental rehashing (Redis: {@code dictPauseRehashing}); calls nest. */
    public void pauseRehashing() {
        pauseRehash++;
    }

    /** Undoes one {@link #pauseRehashing()}. */
    public void resumeRehashing() {
        if (pauseRehash == 0) {
            throw new IllegalStateException("rehashing is not paused");
        }
        pauseRehash--;
    }

    /** Whether rehashing is paused (by a safe iterator, a scan callback or {@link #pauseRehashing()}). */
    public boolean isRehashingPaused() {
        return pauseRehash > 0;
    }

    private void rehashStepIfNeeded() {
        if (rehashIndex >= 0 && pauseRehash == 0) {
            rehash(1);
        }
    }

    /**
     * Performs up to {@code n} rehash steps (Redis: {@code dictRehash}): each moves one non-empty bucket of the
     * old table, and at most {@code 10 n} empty buckets are visited in all. Does nothing while paused, under
     * {@link ResizePolicy#FORBID}, or under {@link ResizePolicy#AVOID} unless the two tables differ in size by
     * at least {@link #FORCE_RESIZE_RATIO}.
     *
     * @return true if keys remain to be moved and rehashing may continue, false when done or not allowed
     */
    public boolean rehash(int n) {
        if (rehashIndex < 0 || pauseRehash > 0 || !rehashAllowed()) {
            return false;
        }
        long emptyVisits = (long) n * EMPTY_VISITS_PER_STEP;
        while (n-- > 0 && used0 != 0) {
            while (t0[rehashIndex] == null) {
                rehashIndex++;
                if (--emptyVisits == 0) {
                    return true;
                }
            }
            moveBucket(rehashIndex);
            rehashIndex++;
        }
        if (used0 == 0) {
            t0 = t1;
            used0 = used1;
            t1 = empty();
            used1 = 0;
            rehashIndex = -1;
            return false;
        }
        return true;
    }

    private boolean rehashAllowed() {
        ResizePolicy policy = resizePolicy;
        if (policy == ResizePolicy.FORBID) {
            return false;
        }
        if (policy == ResizePolicy.AVOID) {
            long s0 = t0.length;
            long s1 = t1.length;
            return s1 > s0 ? s1 / s0 >= FORCE_RESIZE_RATIO : s0 / s1 >= FORCE_RESIZE_RATIO;
        }
        return true;
    }

    private void moveBucket(int idx) {
        boolean growing = t1.length > t0.length;
        int mask1 = t1.length - 1;
        DictEntry<V> e = t0[idx];
        while (e != null) {
            DictEntry<V> next = e.next;
            int h = growing ? (int) hash(e.key, 0, e.key.length) & mask1 : idx & mask1;
            e.next = t1[h];
            t1[h] = e;
            used0--;
            used1++;
            e = next;
        }
        t0[idx] = null;
    }

    /**
     * Rehashes in batches of {@link #REHASH_BATCH} steps until {@code micros} microseconds have passed or the
     * rehash is done (Redis: {@code dictRehashMicroseconds}, what the cron's {@code activerehashing} spends).
     * The budget may be exceeded by one batch. Does nothing while paused.
     *
     * @return the number of steps performed (a multiple of 100)
     */
    public int rehashFor(long micros) {
        if (pauseRehash > 0) {
            return 0;
        }
        long start = System.nanoTime();
        long budget = micros * 1000;
        int steps = 0;
        while (rehash(REHASH_BATCH)) {
            steps += REHASH_BATCH;
            if (System.nanoTime() - start >= budget) {
                break;
            }
        }
        return steps;
    }

    // ------------------------------------------------------------------ scan

    /**
     * One step of a stateless scan (Redis: {@code dictScan}). Start with cursor 0; call again with the returned
     * cursor until it returns 0. Every key present for the whole scan is passed to {@code fn} at least once,
     * even if the table grows, shrinks or rehashes between calls; a key may be passed more than once.
     *
     * <p>How: the cursor is incremented on its <em>reversed</em> bits, over the mask of the smaller table.
     * A bucket {@code b} of a table of size 2^n splits, in a table of size 2^m &gt; 2^n, into the buckets whose
     * low n bits are {@code b}; by counting from the high bits down, all of those come after every cursor
     * already visited, so a grown table neither skips nor restarts; a shrunk table folds buckets together that
     * were all visited or none. While rehashing, the smaller table's bucket is visited, then each of its
     * expansions in the larger table.
     *
     * <p>Cost: one bucket of the smaller table plus its expansions in the larger one (2^(m-n) buckets),
     * and their chains. Rehashing is paused while {@code fn} runs, so {@code fn} may look keys up or delete the
     * entry it was given.
     *
     * @return the next cursor, 0 when the scan is complete
     */
    public long scan(long cursor, Consumer<? super DictEntry<V>> fn) {
        if (size() == 0) {
            return 0;
        }
        pauseRehash++;
        try {
            long v = cursor;
            if (rehashIndex < 0) {
                long m0 = t0.length - 1;
                emit(t0[(int) (v & m0)], fn);
                return nextCursor(v, m0);
            }
            DictEntry<V>[] small = t0.length <= t1.length ? t0 : t1;
            DictEntry<V>[] large = small == t0 ? t1 : t0;
            long m0 = small.length - 1;
            long m1 = large.length - 1;
            emit(small[(int) (v & m0)], fn);
            do {
                emit(large[(int) (v & m1)], fn);
                v = nextCursor(v, m1);
            } while ((v & (m0 ^ m1)) != 0);
            return v;
        } finally {
            pauseRehash--;
        }
    }

    /** Increments the reversed cursor over the bits of {@code mask}. */
    static long nextCursor(long v, long mask) {
        v |= ~mask;
        v = Long.reverse(v);
        v++;
        return Long.reverse(v);
    }

    private static <V> void emit(DictEntry<V> e, Consumer<? super DictEntry<V>> fn) {
        while (e != null) {
            DictEntry<V> next = e.next;
            fn.accept(e);
            e = next;
        }
    }

    // ------------------------------------------------------------------ random sampling

    /**
     * A random entry, or {@code null} when empty (Redis: {@code dictGetRandomKey}): a random non-empty bucket,
     * then a random element of its chain. Entries in long chains are less likely; see {@link #fairRandomEntry()}.
     * One rehash step, then O(1) expected.
     */
    public DictEntry<V> randomEntry() {
        if (size() == 0) {
            return null;
        }
        rehashStepIfNeeded();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        DictEntry<V> e;
        if (rehashIndex >= 0) {
            long s0 = t0.length;
            long span = s0 + t1.length - rehashIndex;
            do {
                long h = rehashIndex + rnd.nextLong(span);
                e = h >= s0 ? t1[(int) (h - s0)] : t0[(int) h];
            } while (e == null);
        } else {
            int mask = t0.length - 1;
            do {
                e = t0[rnd.nextInt() & mask];
            } while (e == null);
        }
        int len = 0;
        for (DictEntry<V> x = e; x != null; x = x.next) {
            len++;
        }
        for (int i = rnd.nextInt(len); i > 0; i--) {
            e = e.next;
        }
        return e;
    }

    /** A new array for {@link #someEntries} (Java cannot create generic arrays directly). */
    public static <V> DictEntry<V>[] entryArray(int length) {
        return newTable(length);
    }

    /**
     * Samples up to {@code count} entries from random places (Redis: {@code dictGetSomeKeys}) into {@code dest}
     * and returns how many were stored. Not uniform and possibly fewer than asked, but fast: it walks buckets
     * from a random start, jumping elsewhere after a run of empty buckets, for at most {@code 10 count} bucket
     * visits; a chain that overflows {@code dest} is reservoir-sampled so its tail has a chance too. Used by
     * eviction and active expiry. Does up to {@code count} rehash steps first.
     */
    public int someEntries(DictEntry<V>[] dest, int count) {
        if (count > dest.length) {
            throw new IllegalArgumentException("count " + count + " exceeds the array length " + dest.length);
        }
        count = Math.min(count, size());
        if (count <= 0) {
            return 0;
        }
        for (int j = 0; j < count && rehashIndex >= 0; j++) {
            rehashStepIfNeeded();
            if (pauseRehash > 0) {
                break;
            }
        }
        return sample(dest, count);
    }

    private int sample(DictEntry<V>[] dest, int count) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int tables = rehashIndex >= 0 ? 2 : 1;
        long maxMask = Math.max(t0.length, tables == 2 ? t1.length : 0) - 1;
        long i = rnd.nextLong() & maxMask;
        long emptyLen = 0;
        int stored = 0;
        long maxSteps = (long) count * 10;
        while (stored < count && maxSteps-- > 0) {
            for (int j = 0; j < tables; j++) {
                if (tables == 2 && j == 0 && i < rehashIndex) {
                    if (i >= t1.length) {
                        i = rehashIndex;
                    } else {
                        continue;
                    }
                }
                DictEntry<V>[] t = j == 0 ? t0 : t1;
                if (i >= t.length) {
                    continue;
                }
                DictEntry<V> e = t[(int) i];
                if (e == null) {
                    emptyLen++;
                    if (emptyLen >= 5 && emptyLen > count) {
                        i = rnd.nextLong() & maxMask;
                        emptyLen = 0;
                    }
                    continue;
                }
                emptyLen = 0;
                for (; e != null; e = e.next) {
                    if (stored < count) {
                        dest[stored] = e;
                    } else {
                        int r = rnd.nextInt(stored + 1);
                        if (r < count) {
                            dest[r] = e;
                        }
                    }
                    stored++;
                }
                if (stored >= count) {
                    return count;
                }
            }
            i = (i + 1) & maxMask;
        }
        return Math.min(stored, count);
    }

    /**
     * A random entry with a fairer distribution than {@link #randomEntry()} (Redis:
     * {@code dictGetFairRandomKey}): samples {@link #FAIR_SAMPLE} entries with {@link #someEntries} and picks
     * one of them, falling back to {@link #randomEntry()} when the sample came back empty. Same cost as
     * {@code someEntries(15)}.
     */
    public DictEntry<V> fairRandomEntry() {
        @SuppressWarnings("unchecked")
        DictEntry<V>[] scratch = (DictEntry<V>[]) FAIR_SCRATCH.get();
        int n = someEntries(scratch, FAIR_SAMPLE);
        if (n == 0) {
            return randomEntry();
        }
        DictEntry<V> e = scratch[ThreadLocalRandom.current().nextInt(n)];
        Arrays.fill(scratch, 0, n, null);
        return e;
    }

    // ------------------------------------------------------------------ iteration

    /**
     * An iterator that tolerates changes (Redis: safe iterator): it pauses rehashing from its first
     * {@code next()} until {@code close()}, so the caller may add, look up and delete keys, including the entry
     * just returned. Every key present for the whole iteration is returned exactly once; keys added meanwhile
     * may or may not be. Close it (try-with-resources), or rehashing stays paused.
     */
    public DictIterator<V> safeIterator() {
        return new DictIterator<>(this, true);
    }

    /**
     * An iterator for read-only walks (Redis: unsafe iterator): it does not pause rehashing, and its
     * {@code close()} throws {@link ConcurrentModificationException} if the dict was changed (any add, delete
     * or lookup that rehashed) since its first {@code next()}.
     */
    public DictIterator<V> iterator() {
        return new DictIterator<>(this, false);
    }

    /** Passes every entry to {@code fn} through a safe iterator; {@code fn} may modify the dict. O(size + buckets). */
    public void forEach(Consumer<? super DictEntry<V>> fn) {
        try (DictIterator<V> it = safeIterator()) {
            for (DictEntry<V> e = it.next(); e != null; e = it.next()) {
                fn.accept(e);
            }
        }
    }

    DictEntry<V>[] table(int i) {
        return i == 0 ? t0 : t1;
    }

    /**
     * A number that changes with the tables' identities, sizes and key counts (Redis: {@code dictFingerprint}),
     * compared by unsafe iterators.
     */
    long fingerprint() {
        long hash = 0;
        hash = fingerprintMix(hash, System.identityHashCode(t0));
        hash = fingerprintMix(hash, t0.length);
        hash = fingerprintMix(hash, used0);
        hash = fingerprintMix(hash, System.identityHashCode(t1));
        hash = fingerprintMix(hash, t1.length);
        return fingerprintMix(hash, used1);
    }

    /** One step of {@link #fingerprint()}: Redis's dictFingerprint mixes each integer in turn (Tomas Wang's hash). */
    private static long fingerprintMix(long hash, long x) {
        hash += x;
        hash = (~hash) + (hash << 21);
        hash ^= hash >>> 24;
        hash = (hash + (hash << 3)) + (hash << 8);
        hash ^= hash >>> 14;
        hash = (hash + (hash << 2)) + (hash << 4);
        hash ^= hash >>> 28;
        hash += hash << 31;
        return hash;
    }

    /**
     * The sum of {@code fn} over the first {@code n} entries in {@link #iterator()} order (the old table from the
     * rehash index on, then the new one): a read-only walk that allocates nothing, for sampling such as Redis's
     * objectComputeSize, which sizes the first entries of a big aggregate. Visits at most {@code min(n, size())}
     * entries and the empty buckets before them. {@code fn} must not modify the dict.
     */
    public long sumOfFirst(long n, ToLongFunction<? super DictEntry<V>> fn) {
        long sum = 0;
        long seen = 0;
        for (int table = 0; table < 2 && seen < n; table++) {
            if (table == 1 && !isRehashing()) {
                break;
            }
            DictEntry<V>[] t = table(table);
            int from = table == 0 && isRehashing() ? rehashIndex() : 0;
            for (int i = Math.max(from, 0); i < t.length && seen < n; i++) {
                for (DictEntry<V> e = t[i]; e != null && seen < n; e = e.next) {
                    sum += fn.applyAsLong(e);
                    seen++;
                }
            }
        }
        return sum;
    }

    // ------------------------------------------------------------------ stats

    /** Reports the chain length of one bucket of a table (see {@link #appendStats}). */
    @FunctionalInterface
    public interface ChainLengths {
        /** The number of entries chained in bucket {@code bucket}. */
        int chainLength(int bucket);
    }

    /** Redis's DICT_STATS_VECTLEN: chains of this length or longer share the last histogram slot. */
    private static final int STATS_VECTLEN = 50;
    /** Redis formats the stats of one dict into a 4096-byte buffer: longer text is cut to 4095 characters. */
    private static final int STATS_BUF = 4096;

    /** {@link #stats(boolean)} with the chain statistics ({@code full}). */
    public String stats() {
        return stats(true);
    }

    /**
     * Redis 7.2's {@code dictGetStats} text ({@code DEBUG HTSTATS-KEY}): for the main table, and for the rehashing
     * target while a rehash runs, the table size and element count; with {@code full} also the number of non-empty
     * buckets, the longest and average chain and the chain-length histogram. O(buckets) when {@code full}, else O(1).
     */
    public String stats(boolean full) {
        StringBuilder sb = new StringBuilder();
        appendStats(sb, 0, t0.length, used0, full, b -> chain(t0[b]));
        if (rehashIndex >= 0) {
            appendStats(sb, 1, t1.length, used1, full, b -> chain(t1[b]));
        }
        return truncateStats(sb);
    }

    private static int chain(DictEntry<?> head) {
        int len = 0;
        for (DictEntry<?> e = head; e != null; e = e.next) {
            len++;
        }
        return len;
    }

    /** Cuts one dict's stats text to what Redis's 4096-byte buffer holds (4095 characters). */
    public static String truncateStats(CharSequence text) {
        return text.length() < STATS_BUF ? text.toString() : text.subSequence(0, STATS_BUF - 1).toString();
    }

    /**
     * Appends the stats of one table of a chained hash table in Redis 7.2's {@code _dictGetStatsHt} text: table
     * {@code idx} (0 the main table, 1 the rehashing target) of {@code size} buckets holding {@code used} entries;
     * with {@code full}, {@code chains} is asked for the chain length of every bucket. Averages and percentages are
     * computed in single precision and printed with two decimals, as Redis does.
     */
    public static void appendStats(StringBuilder sb, int idx, long size, long used, boolean full,
            ChainLengths chains) {
        String name = idx == 0 ? "main hash table" : "rehashing target";
        sb.append("Hash table ").append(idx).append(" stats (").append(name).append("):\n");
        if (used == 0) {
            sb.append("No stats available for empty dictionaries\n");
            return;
        }
        sb.append(" table size: ").append(size).append('\n')
            .append(" number of elements: ").append(used).append('\n');
        if (!full) {
            return;
        }
        long[] hist = new long[STATS_VECTLEN];
        long slots = 0;
        long maxChain = 0;
        long totChain = 0;
        for (int b = 0; b < size; b++) {
            int len = chains.chainLength(b);
            if (len == 0) {
                hist[0]++;
                continue;
            }
            slots++;
            hist[Math.min(len, STATS_VECTLEN - 1)]++;
            maxChain = Math.max(maxChain, len);
            totChain += len;
        }
        sb.append(" different slots: ").append(slots).append('\n')
            .append(" max chain length: ").append(maxChain).append('\n')
            .append(" avg chain length (counted): ").append(twoDecimals((float) totChain / slots)).append('\n')
            .append(" avg chain length (computed): ").append(twoDecimals((float) used / slots)).append('\n')
            .append(" Chain length distribution:\n");
        for (int i = 0; i < STATS_VECTLEN - 1; i++) {
            if (hist[i] != 0) {
                sb.append("   ").append(i).append(": ").append(hist[i]).append(" (")
                    .append(twoDecimals((float) hist[i] / size * 100)).append("%)\n");
            }
        }
    }

    /** C's {@code %.02f} of a float: the exact binary value rounded half-even to two decimals. */
    private static String twoDecimals(float v) {
        if (Float.isNaN(v) || Float.isInfinite(v)) {
            return Float.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
        }
        return new java.math.BigDecimal(v).setScale(2, java.math.RoundingMode.HALF_EVEN).toPlainString();
    }
}
