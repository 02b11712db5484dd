package io.cinnabar.server.internal.keyspace.mem;

import static io.cinnabar.server.internal.keyspace.mem.EntryLayout.*;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * One database's keys in off-heap memory: Redis's dict with the dictEntry, key, robj and string value of each key
 * folded into one {@link SlabAllocator} allocation ({@link EntryLayout}). Entries are addressed by {@code long}
 * handles; the GC sees only the bucket arrays ({@code long[]}, no references to trace), the array of keys that
 * have an expire ({@code long[]}), and the array of aggregate values (lists, sets, hashes, ... stay heap objects
 * and an entry holds their slot in it).
 * <p>
 * <b>Table</b>: power-of-two buckets, grown x2 when the load reaches 1, shrunk when it falls under 1/8; rehashed
 * incrementally over two tables. While a resize runs, every lookup, insert and delete first moves one bucket,
 * visiting at most 10 empty ones, and new keys go to the new table; {@link #rehash(int)} lets a cron move more.
 * No operation pays for the whole table. Lookups take a slice of the request buffer and allocate nothing.
 * <p>
 * <b>Handles</b>: an entry handle stays valid while the table only rehashes (moving a bucket relinks entries, it
 * never moves them). A value setter, {@link #setExpire}, {@link #removeExpire}, {@link #append}, {@link #setRange} or
 * {@link #defrag(long)} may move the entry to a new allocation: each setter returns the handle to use from then
 * on, and the old one is dead. Value setters keep the key's expire and LRU/LFU bits.
 * <p>
 * <b>SCAN</b> uses Redis's reverse-binary cursor: a key present for the whole scan is returned at least once
 * even if the table grows or shrinks between calls; rehashing is paused while the visitor runs, so the visitor may
 * delete or rewrite the entry it is given (not others).
 * <p><b>Note:</b> This class is not threadsafe.
 *
 * @param <V> the type of aggregate (non-string) values
 */
public final class OffHeapKeyTable<V> {
    /** The most buckets one table may have (a Java array of longs). */
    public static final int MAX_BUCKETS = 1 << 30;
    /** The most buckets {@link #expand} allocates on a file's word (a hostile RESIZEDB cannot ask for more). */
    public static final int MAX_EXPAND = 1 << 24;
    private static final int MIN_SIZE = 4;
    /** Up to this load a growth can be refused for memory (Redis's HASHTABLE_MAX_LOAD_FACTOR); beyond it, never. */
    static final double MAX_LOAD_REFUSABLE = 1.618;

    /** Receives entries of a SCAN step or a full walk. */
    @FunctionalInterface
    public interface EntryVisitor {
        void visit(long entry);
    }

    private final SlabAllocator mem;
    /** The chunks of both tables, pooled and counted. */
    private final Buckets.Pool chunks;
    private Buckets t0;
    /** The table being rehashed into, or null. */
    private Buckets t1;
    /** Whether a resize that would reserve more memory may start (Redis's dictExpandAllowed). */
    private ExpandPolicy expandPolicy = ExpandPolicy.ALWAYS;
    /**
     * Redis's DICT_RESIZE_AVOID, set while a background job's child exists: no growth until the load passes
     * {@value #FORCE_RESIZE_RATIO}, no shrink, and a resize in progress moves no bucket unless the two tables differ
     * {@value #FORCE_RESIZE_RATIO}-fold (7.2's dictRehash).
     */
    private boolean resizeAvoid;
    /** Redis's dict_force_resize_ratio. */
    static final int FORCE_RESIZE_RATIO = 5;
    /** Next bucket of t0 to move to t1; -1 when not rehashing. */
    private int rehashIdx = -1;
    private int pauseRehash;
    private int size;
    /** Handles of the entries that have an expire, in 64 KiB chunks; each entry stores its index here. */
    private final VolatileArray vol = new VolatileArray();
    private Object[] objects = new Object[16];
    private int[] freeSlots = new int[16];
    private int freeSlotCount;
    private int nextSlot;
    /** Where the running {@link #defrag(long, DefragStats)} counts, or null. */
    private DefragStats defragStats;

    public OffHeapKeyTable(SlabAllocator mem) {
        this(mem, new Buckets.Pool());
    }

    /** A table whose bucket chunks come from the given pool (tests choose its slab size and background). */
    OffHeapKeyTable(SlabAllocator mem, Buckets.Pool chunks) {
        this.mem = Objects.requireNonNull(mem);
        this.chunks = chunks;
        this.t0 = new Buckets(MIN_SIZE, chunks);
    }

    public SlabAllocator allocator() {
        return mem;
    }

    public int size() {
        return size;
    }

    // ---------------------------------------------------------------- lookup

    /** The entry of key b[off..off+len), or 0 ({@link SlabAllocator#NULL}). Allocation-free. */
    public long find(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (t1 != null) {
            rehashStep();
        }
        int h = KeyHash.hash(b, off, len);
        long e = findIn(t0, h, b, off, len);
        return e == 0 && t1 != null ? findIn(t1, h, b, off, len) : e;
    }

    public long find(byte[] key) {
        return find(key, 0, key.length);
    }

    private long findIn(Buckets t, int h, byte[] b, int off, int len) {
        for (long e = t.get(h & t.mask); e != 0; e = mem.getLong(e + NEXT)) {
            if (keyLength(e) == len && mem.equals(e + keyOff(e), b, off, len)) {
                return e;
            }
        }
        return 0;
    }

    // ---------------------------------------------------------------- insert or overwrite by key

    /** Sets key to an int-encoded string; returns the entry. */
    public long putInt(byte[] k, int koff, int klen, long value) {
        long e = find(k, koff, klen);
        return e != 0 ? setInt(e, value) : add(k, koff, klen, TYPE_STRING, ENC_INT, value, 0, null, 0, 0);
    }

    /** Sets key to a string, embstr (inline in the entry) or raw (its own allocation); returns the entry. */
    public long putString(byte[] k, int koff, int klen, byte[] v, int voff, int vlen, boolean raw) {
        Objects.checkFromIndexSize(voff, vlen, v.length);
        long e = find(k, koff, klen);
        if (e != 0) {
            return setString(e, v, voff, vlen, raw);
        }
        if (!raw) {
            return add(k, koff, klen, TYPE_STRING, ENC_EMBSTR, 0, vlen, v, voff, vlen);
        }
        long w = rawCopy(v, voff, vlen, vlen);
        try {
            return add(k, koff, klen, TYPE_STRING, ENC_RAW, w, vlen, null, 0, 0);
        } catch (RuntimeException ex) {
            mem.free(w);
            throw ex;
        }
    }

    /** Sets key to an aggregate value of the given type and encoding (Redis's numbers); returns the entry. */
    public long putObject(byte[] k, int koff, int klen, int type, int encoding, V obj) {
        checkHeapEncoding(type, encoding);
        long e = find(k, koff, klen);
        if (e != 0) {
            return setObject(e, type, encoding, obj);
        }
        int slot = takeSlot(obj);
        try {
            return add(k, koff, klen, type, encoding, 0, slot, null, 0, 0);
        } catch (RuntimeException ex) {
            releaseSlot(slot);
            throw ex;
        }
    }

    /** Deletes the key if present; returns whether it was. */
    public boolean delete(byte[] k, int koff, int klen) {
        long e = find(k, koff, klen);
        if (e == 0) {
            return false;
        }
        delete(e);
        return true;
    }

    private long add(byte[] k, int koff, int klen, int type, int enc, long word, int aux, byte[] in, int ioff,
            int ilen) {
        Objects.checkFromIndexSize(koff, klen, k.length);
        boolean hasWord = hasWord(type, enc);
        int bytes = EntryLayout.size(false, hasWord, klen, ilen);
        if (t1 != null) {
            rehashStep();
        } else {
            growIfNeeded();
        }
        int h = KeyHash.hash(k, koff, klen);
        Buckets t = tableFor(h);
        int i = h & t.mask;
        t.reserve(i); // before allocating: a failure leaves nothing behind
        long e = mem.allocate(bytes);
        mem.putInt(e + META, EntryLayout.meta(type, enc, 0));
        mem.putInt(e + KLEN, klen);
        mem.putInt(e + AUX, aux);
        int ko = EntryLayout.keyOffset(false, hasWord);
        if (hasWord) {
            mem.putLong(e + HEADER, word);
        }
        mem.copyIn(k, koff, e + ko, klen);
        if (ilen > 0) {
            mem.copyIn(in, ioff, e + ko + klen, ilen);
        }
        mem.putLong(e + NEXT, t.get(i));
        t.set(i, e);
        size++;
        return e;
    }

    /**
     * The table a new key of hash h goes to: t0 unless a rehash already moved its bucket there. (Redis puts every
     * new key in the new table; keeping it in the old table's unmoved bucket instead means the new table is written
     * only in rehash order, so each chunk the rehash frees in the old table is reused by the new one.)
     */
    private Buckets tableFor(int h) {
        return t1 == null || (h & t0.mask) >= rehashIdx ? t0 : t1;
    }

    /**
     * From load 3/4 on, has the chunk pool prepare a slab for the growth ahead ({@link Buckets.Pool#prepare}).
     * Starts doubling the table when the load reaches 1 (Redis's _dictExpandIfNeeded): unless a SCAN visitor runs,
     * and unless the {@link ExpandPolicy} refuses the memory while the load is at most
     * {@value #MAX_LOAD_REFUSABLE} (Redis's dictExpandAllowed with maxmemory).
     */
    private void growIfNeeded() {
        if (size < t0.length) {
            if (size >= t0.length - (t0.length >>> 2) && t0.length >= Buckets.CHUNK_BUCKETS) {
                chunks.prepare(t0.length, expandPolicy, (double) size / t0.length); // a slab for the growth ahead
            }
            return;
        }
        if (t0.length < MAX_BUCKETS && pauseRehash == 0) {
            if (resizeAvoid) {
                // Redis's _dictExpandIfNeeded under DICT_RESIZE_AVOID: only past the ratio, to used + 1 rounded up
                if (size / t0.length > FORCE_RESIZE_RATIO) {
                    long n = Math.min(MAX_BUCKETS, Long.highestOneBit(size) << 1);
                    if (expandPolicy.allowed(8L * n, (double) size / t0.length)) {
                        startResize((int) n);
                        rehash(1);
                    }
                }
                return;
            }
            double load = (double) size / t0.length;
            if (load > MAX_LOAD_REFUSABLE || expandPolicy.allowed(8L * t0.length * 2, load)) {
                startResize(t0.length * 2);
                // one bucket moves at once: Redis puts the key that triggered the growth in the new table, so the
                // new table is never seen empty after an insert (DEBUG HTSTATS shows its size); ours keeps new keys
                // in the old table's unmoved buckets (see tableFor), and a step gives the new table its first ones
                rehash(1);
            }
        }
    }

    /** Sets Redis's DICT_RESIZE_AVOID (a background job's child exists) or back to DICT_RESIZE_ENABLE. */
    public void setResizeAvoid(boolean avoid) {
        resizeAvoid = avoid;
    }

    /** Sets who decides whether a growth may reserve memory (Redis's dictExpandAllowed; default: always). */
    public void setExpandPolicy(ExpandPolicy p) {
        expandPolicy = Objects.requireNonNull(p);
    }

    // ---------------------------------------------------------------- overwrite by entry

    /** Makes e's value the integer v (OBJ_ENCODING_INT); returns the entry's handle from now on. */
    public long setInt(long e, long v) {
        if (type(e) == TYPE_STRING && encoding(e) == ENC_INT) {
            mem.putLong(e + wordOffset(hasExpire(e)), v);
            return e;
        }
        return replace(e, TYPE_STRING, ENC_INT, v, 0, null, 0, 0);
    }

    /** Makes e's value a copy of v[voff..voff+vlen) as embstr (raw false) or raw; returns the new handle. */
    public long setString(long e, byte[] v, int voff, int vlen, boolean raw) {
        Objects.checkFromIndexSize(voff, vlen, v.length);
        if (!raw) {
            return replace(e, TYPE_STRING, ENC_EMBSTR, 0, vlen, v, voff, vlen);
        }
        if (type(e) == TYPE_STRING && encoding(e) == ENC_RAW) {
            long w = mem.getLong(e + wordOffset(hasExpire(e)));
            if (SizeClasses.roundUp(vlen) == mem.usableSize(w)) { // same class: overwrite in place
                mem.copyIn(v, voff, w, vlen);
                mem.putInt(e + AUX, vlen);
                return e;
            }
        }
        long w = rawCopy(v, voff, vlen, vlen);
        return replace(e, TYPE_STRING, ENC_RAW, w, vlen, null, 0, 0);
    }

    /** Makes e's value an aggregate; returns the new handle. */
    public long setObject(long e, int type, int encoding, V obj) {
        checkHeapEncoding(type, encoding);
        if (EntryLayout.hasSlot(type(e), encoding(e)) && type(e) != TYPE_STRING) {
            // reuse the slot (a heap aggregate's; a heap raw string's or a blob's is replaced)
            objects[mem.getInt(e + AUX)] = obj;
            mem.putInt(e + META, EntryLayout.meta(type, encoding, lru(e)));
            return e;
        }
        int slot = takeSlot(obj);
        try {
            return replace(e, type, encoding, 0, slot, null, 0, 0);
        } catch (RuntimeException ex) {
            releaseSlot(slot);
            throw ex;
        }
    }

    /**
     * Appends src[off..off+len) to e's string value (Redis's APPEND): {@link #setRange} at the current length.
     * Returns the new handle.
     */
    /**
     * Makes e's value an aggregate of the given type held as an off-heap blob of len bytes in encoding
     * ({@link EntryLayout#ENC_LISTPACK} or {@link EntryLayout#ENC_INTSET}); returns the entry's handle from now on.
     * The blob's bytes are undefined until the caller writes them at {@link #blobBuffer}/{@link #blobIndex}. A blob
     * of the same size class is reused in place; a heap value held before is released from its slot.
     *
     * @throws OffHeapLimitException when the allocator cannot grow (e is unchanged then)
     */
    public long setBlob(long e, int type, int encoding, int len) {
        checkAggregate(type);
        if (!EntryLayout.isBlob(type, encoding)) {
            throw new IllegalArgumentException("not a blob encoding: " + encoding);
        }
        SizeClasses.check(len);
        if (EntryLayout.isBlob(type(e), encoding(e))) {
            long w = mem.getLong(e + wordOffset(hasExpire(e)));
            if (SizeClasses.roundUp(len) == mem.usableSize(w)) { // same class: in place
                mem.putInt(e + META, EntryLayout.meta(type, encoding, lru(e)));
                mem.putInt(e + AUX, len);
                return e;
            }
        }
        long w = mem.allocate(len);
        return replace(e, type, encoding, w, len, null, 0, 0);
    }

    /** Whether e holds an aggregate as an off-heap blob ({@link #setBlob}). */
    public boolean isBlob(long e) {
        int meta = mem.getInt(e + META);
        return EntryLayout.isBlob(EntryLayout.type(meta), EntryLayout.encoding(meta));
    }

    /** The length in bytes of e's blob. */
    public int blobLength(long e) {
        requireBlob(e);
        return mem.getInt(e + AUX);
    }

    /** The little-endian buffer holding e's blob, at {@link #blobIndex}; valid until e's value changes or moves. */
    public ByteBuffer blobBuffer(long e) {
        requireBlob(e);
        return mem.buffer(mem.getLong(e + wordOffset(hasExpire(e))));
    }

    /** Where e's blob starts in {@link #blobBuffer}. */
    public int blobIndex(long e) {
        requireBlob(e);
        return (int) mem.getLong(e + wordOffset(hasExpire(e)));
    }

    private void requireBlob(long e) {
        if (!isBlob(e)) {
            throw new IllegalStateException("not a blob aggregate");
        }
    }

    public long append(long e, byte[] src, int off, int len) {
        return setRange(e, stringLength(e), src, off, len);
    }

    /**
     * Overwrites e's string value from position pos with src[off..off+len), zero-padding it first if pos is past
     * the end (Redis's SETRANGE; SETBIT writes one byte this way). The value becomes raw with room to grow as an
     * sds does (double below 1 MiB, then +1 MiB); a write that fits the room copies only the new bytes.
     * Returns the new handle. (SETRANGE with an empty value changes nothing in Redis: the command checks that.)
     *
     * @throws IllegalArgumentException if the result would exceed {@link SizeClasses#MAX_ALLOCATION}
     */
    public long setRange(long e, int pos, byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        requireString(e);
        if (pos < 0) {
            throw new IndexOutOfBoundsException("negative offset " + pos);
        }
        int cur = stringLength(e);
        long need = Math.max(cur, (long) pos + len);
        SizeClasses.check(need);
        if (encoding(e) == ENC_RAW) {
            long w = mem.getLong(e + wordOffset(hasExpire(e)));
            if (mem.usableSize(w) >= need) {
                writeRange(w, cur, pos, src, off, len);
                mem.putInt(e + AUX, (int) need);
                return e;
            }
        }
        long cap = need <= cur ? need : need < (1 << 20) ? need * 2 : need + (1 << 20);
        long w = mem.allocate((int) Math.min(cap, SizeClasses.MAX_ALLOCATION));
        if (encoding(e) == ENC_INT) {
            byte[] digits = Long.toString(intValue(e)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            mem.copyIn(digits, 0, w, cur);
        } else {
            mem.copy(stringAddress(e), w, cur);
        }
        writeRange(w, cur, pos, src, off, len);
        return replace(e, TYPE_STRING, ENC_RAW, w, (int) need, null, 0, 0);
    }

    /** Writes src at pos of a value of length cur held at w, zeroing the gap [cur, pos). */
    private void writeRange(long w, int cur, int pos, byte[] src, int off, int len) {
        for (int i = cur; i < pos; i++) {
            mem.putByte(w + i, (byte) 0);
        }
        mem.copyIn(src, off, w + pos, len);
    }

    private long rawCopy(byte[] v, int voff, int vlen, int capacity) {
        long w = mem.allocate(capacity);
        mem.copyIn(v, voff, w, vlen);
        return w;
    }

    /**
     * Gives e a new value (the raw allocation or object slot in word/aux is already taken): in place when the
     * layout is unchanged and the entry keeps its size class, otherwise in a new allocation that is linked where
     * e was. Frees what the old value held. On failure to allocate, e is unchanged and the new raw value freed.
     */
    private long replace(long e, int type, int enc, long word, int aux, byte[] in, int ioff, int ilen) {
        int oldMeta = mem.getInt(e + META);
        int oldType = EntryLayout.type(oldMeta);
        int oldEnc = EntryLayout.encoding(oldMeta);
        boolean exp = hasExpire(e);
        boolean oldWord = hasWord(oldType, oldEnc);
        boolean newWord = hasWord(type, enc);
        long oldRaw = ownsWord(oldType, oldEnc) ? mem.getLong(e + wordOffset(exp)) : 0;
        int oldSlot = EntryLayout.hasSlot(oldType, oldEnc) ? mem.getInt(e + AUX) : -1;
        int klen = keyLength(e);
        long n;
        try {
            int bytes = EntryLayout.size(exp, newWord, klen, ilen);
            n = oldWord == newWord && SizeClasses.roundUp(bytes) == mem.usableSize(e) ? e : mem.allocate(bytes);
        } catch (RuntimeException ex) {
            if (ownsWord(type, enc) && word != oldRaw) {
                mem.free(word);
            }
            throw ex;
        }
        int ko = EntryLayout.keyOffset(exp, newWord);
        if (n != e) {
            mem.putLong(n + NEXT, mem.getLong(e + NEXT));
            mem.putInt(n + KLEN, mem.getInt(e + KLEN));
            if (exp) {
                mem.putLong(n + EXPIRE, mem.getLong(e + EXPIRE));
                mem.putInt(n + VOL_INDEX, mem.getInt(e + VOL_INDEX));
            }
            mem.copy(e + EntryLayout.keyOffset(exp, oldWord), n + ko, klen);
        }
        mem.putInt(n + META, EntryLayout.meta(type, enc, oldMeta & LRU_MASK));
        mem.putInt(n + AUX, aux);
        if (newWord) {
            mem.putLong(n + wordOffset(exp), word);
        }
        if (ilen > 0) {
            mem.copyIn(in, ioff, n + ko + klen, ilen);
        }
        if (oldRaw != 0 && oldRaw != word) {
            mem.free(oldRaw);
        }
        if (oldSlot >= 0 && !(EntryLayout.hasSlot(type, enc) && aux == oldSlot)) {
            releaseSlot(oldSlot);
        }
        if (n != e) {
            moved(e, n);
            mem.free(e);
        }
        return n;
    }

    /** Links n where e was (n's next already copied) and points the volatile array at n. */
    private void moved(long e, long n) {
        if (!replaceLink(e, n)) {
            throw new IllegalStateException("entry 0x" + Long.toHexString(e) + " is not in the table");
        }
        if (hasExpire(n)) {
            int i = mem.getInt(n + VOL_INDEX);
            if (i >= 0) { // -1 while an expire is being added
                vol.set(i, n);
            }
        }
    }

    /**
     * Makes whatever points at e (its bucket or the previous entry) point at r instead. The bucket is found from
     * the key's hash: in t0 unless that bucket was already moved, and in t1 for keys added during the rehash.
     */
    private boolean replaceLink(long e, long r) {
        int h = entryHash(e);
        int i0 = h & t0.mask;
        if (t1 == null || i0 >= rehashIdx) {
            if (replaceIn(t0, i0, e, r)) {
                return true;
            }
        }
        return t1 != null && replaceIn(t1, h & t1.mask, e, r);
    }

    private boolean replaceIn(Buckets t, int i, long e, long r) {
        long p = t.get(i);
        if (p == e) {
            t.set(i, r);
            return true;
        }
        while (p != 0) {
            long next = mem.getLong(p + NEXT);
            if (next == e) {
                mem.putLong(p + NEXT, r);
                return true;
            }
            p = next;
        }
        return false;
    }

    // ---------------------------------------------------------------- delete

    /** Deletes entry e (its handle is dead afterwards). */
    public void delete(long e) {
        if (!replaceLink(e, mem.getLong(e + NEXT))) {
            throw new IllegalStateException("entry 0x" + Long.toHexString(e) + " is not in the table");
        }
        size--;
        release(e);
        if (t1 != null) {
            rehashStep();
        } else if (t0.length > MIN_SIZE && size * 8L < t0.length && pauseRehash == 0 && !resizeAvoid) { // frees memory
            startResize(Math.max(MIN_SIZE, Integer.highestOneBit(Math.max(size, 1)) * 2));
        }
    }

    /** Frees an unlinked entry and what its value holds. */
    private void release(long e) {
        int meta = mem.getInt(e + META);
        boolean exp = hasExpire(e);
        if (exp) {
            volRemove(e);
        }
        if (EntryLayout.hasSlot(EntryLayout.type(meta), EntryLayout.encoding(meta))) {
            releaseSlot(mem.getInt(e + AUX));
        } else if (ownsWord(EntryLayout.type(meta), EntryLayout.encoding(meta))) {
            mem.free(mem.getLong(e + wordOffset(exp)));
        }
        mem.free(e);
    }

    /** Deletes every key. O(N): each entry is freed. Not from a SCAN visitor. */
    public void clear() {
        for (Buckets t : new Buckets[] {t0, t1}) {
            if (t == null) {
                continue;
            }
            for (int i = 0; i < t.length; i++) {
                if (!t.chunkReserved(i)) {
                    i += t.chunkBuckets() - 1;
                    continue;
                }
                for (long e = t.get(i); e != 0; ) {
                    long next = mem.getLong(e + NEXT);
                    release(e);
                    e = next;
                }
            }
            t.dropAll();
        }
        chunks.clear();
        t0 = new Buckets(MIN_SIZE, chunks);
        t1 = null;
        rehashIdx = -1;
        size = 0;
        vol.clear();
        objects = new Object[16];
        freeSlotCount = 0;
        nextSlot = 0;
    }

    // ---------------------------------------------------------------- rehash

    private void startResize(int n) {
        if (n != t0.length) {
            t1 = new Buckets(n, chunks); // reserves nothing: chunks come as the rehash or inserts write them
            rehashIdx = 0;
        }
    }

    private void rehashStep() {
        if (pauseRehash == 0) {
            rehash(1);
        }
    }

    /**
     * Moves up to n non-empty buckets to the new table, visiting at most 10 * n empty ones (Redis's dictRehash);
     * returns whether a rehash is still in progress. With n over 1, the entries of each next {@value #AHEAD}
     * buckets are read ahead together ({@link #readAhead(int, int)}) before they move: a move otherwise waits for
     * each entry in turn (its key is hashed again).
     */
    public boolean rehash(int n) {
        if (t1 == null || pauseRehash > 0) {
            return t1 != null;
        }
        if (resizeAvoid && Math.max(t0.length, t1.length) / Math.min(t0.length, t1.length) < FORCE_RESIZE_RATIO) {
            return true; // 7.2's dictRehash: the resize waits for the child to end
        }
        int emptyVisits = n * 10;
        Buckets src = t0;
        Buckets dst = t1;
        int mask = dst.mask;
        int batch = 0;
        while (n-- > 0 && rehashIdx < src.length) {
            if (batch-- == 0 && n > 0) { // two or more buckets to go: the next ones' entries, loaded together
                batch = Math.min(n + 1, AHEAD) - 1;
                readAhead(0, rehashHeads(0, batch + 1));
            }
            long e;
            while ((e = src.get(rehashIdx)) == 0) {
                advance(src);
                if (rehashIdx == src.length || --emptyVisits == 0) {
                    return finishIfDone();
                }
            }
            while (e != 0) {
                ByteBuffer b = mem.buffer(e);
                int p = (int) e;
                long next = b.getLong(p + NEXT);
                int i = entryHash(b, p) & mask;
                dst.reserve(i); // if this fails, the bucket still holds the entries not moved yet
                b.putLong(p + NEXT, dst.get(i));
                dst.set(i, e);
                src.set(rehashIdx, next);
                e = next;
            }
            advance(src);
        }
        return finishIfDone();
    }

    /** Steps past bucket rehashIdx of src (empty now); a chunk of src left all empty goes back to the pool. */
    private void advance(Buckets src) {
        if (src.lastOfChunk(rehashIdx)) {
            src.releaseChunkOf(rehashIdx);
        }
        rehashIdx++;
    }

    private boolean finishIfDone() {
        if (rehashIdx < t0.length) {
            return true;
        }
        boolean shrunk = t1.length < t0.length;
        t0 = t1;
        t1 = null;
        rehashIdx = -1;
        if (shrunk) {
            chunks.trim(); // slabs of the bigger table are freed whole
        }
        return false;
    }

    public boolean rehashing() {
        return t1 != null;
    }

    /**
     * Grows the table at once to hold n keys without resizing while they are added (Redis's dictExpand on an RDB's
     * RESIZEDB record): the buckets become the power of two at or above n (at most {@value #MAX_EXPAND}) and the
     * keys present move now (a resize in progress is finished first). Does nothing while a SCAN visitor runs or when
     * the table is big enough. O(size + buckets).
     */
    public void expand(long n) {
        if (pauseRehash != 0) {
            return;
        }
        while (rehash(1024)) {
            // a resize in progress ends first
        }
        if (n <= t0.length) {
            return;
        }
        int cap = n >= MAX_EXPAND ? MAX_EXPAND : Integer.highestOneBit((int) n - 1) << 1;
        if (cap <= t0.length) {
            return;
        }
        startResize(cap);
        while (rehash(1024)) {
            // moves every bucket: nothing else runs meanwhile
        }
    }

    /** Buckets of table idx: 0 the main table, 1 the table being rehashed into (0 when not rehashing). */
    public int tableLength(int idx) {
        return idx == 0 ? t0.length : t1 == null ? 0 : t1.length;
    }

    /** Entries chained in bucket b of table idx (see {@link #tableLength}); O(chain length), for DEBUG HTSTATS. */
    public int chainLength(int idx, int b) {
        Buckets t = idx == 0 ? t0 : t1;
        int n = 0;
        for (long e = t.get(b); e != 0; e = mem.getLong(e + NEXT)) {
            n++;
        }
        return n;
    }

    /** Slots of the array of keys that have an expire (its capacity; {@link #volatileCount()} are used). */
    public int volatileCapacity() {
        return (int) vol.capacity();
    }

    /** Buckets of both tables (the second exists only while rehashing). */
    public int buckets() {
        return t0.length + (t1 == null ? 0 : t1.length);
    }

    /**
     * Bytes of the table's own structures: the bucket chunks held (pooled ones included: Redis's dict tables),
     * and the arrays of volatile handles and object slots.
     */
    public long overheadBytes() {
        return chunks.bytes() + vol.bytes() + 4L * objects.length + 4L * freeSlots.length;
    }

    /** Bytes of bucket chunks held (both tables and the pool of empty chunks). */
    public long bucketBytes() {
        return chunks.bytes();
    }

    /** Bytes of the empty bucket chunks pooled for the next resize. */
    public long pooledBucketBytes() {
        return chunks.pooledBytes();
    }

    /** Slabs the bucket chunks of growths were cut from since the table was created. */
    public long bucketSlabs() {
        return chunks.slabs();
    }

    /** Bucket chunks allocated since the table was created (not reused from its pool). */
    public long bucketChunkReservations() {
        return chunks.reservations();
    }

    // ---------------------------------------------------------------- expire

    public boolean hasExpire(long e) {
        return (mem.getInt(e + KLEN) & HAS_EXPIRE) != 0;
    }

    /** The expire time (unix ms) of e, or -1 when it has none. */
    public long expireAt(long e) {
        return hasExpire(e) ? mem.getLong(e + EXPIRE) : -1;
    }

    /** Sets e's expire time; returns the entry's handle from now on. */
    public long setExpire(long e, long when) {
        if (hasExpire(e)) {
            mem.putLong(e + EXPIRE, when);
            return e;
        }
        long n = relayout(e, true);
        mem.putLong(n + EXPIRE, when);
        volAdd(n);
        return n;
    }

    /** Removes e's expire (PERSIST); returns the entry's handle from now on. */
    public long removeExpire(long e) {
        if (!hasExpire(e)) {
            return e;
        }
        volRemove(e);
        return relayout(e, false);
    }

    /** Copies e into a new allocation with or without the expire field, links it in e's place, frees e. */
    private long relayout(long e, boolean exp) {
        boolean oldExp = hasExpire(e);
        int meta = mem.getInt(e + META);
        boolean word = hasWord(EntryLayout.type(meta), EntryLayout.encoding(meta));
        int klen = keyLength(e);
        int inline = EntryLayout.type(meta) == TYPE_STRING && EntryLayout.encoding(meta) == ENC_EMBSTR
                ? mem.getInt(e + AUX) : 0;
        long n = mem.allocate(EntryLayout.size(exp, word, klen, inline));
        mem.putLong(n + NEXT, mem.getLong(e + NEXT));
        mem.putInt(n + META, meta);
        int snap = mem.getInt(e + KLEN) & SNAP;
        mem.putInt(n + KLEN, (exp ? klen | HAS_EXPIRE : klen) | snap);
        mem.putInt(n + AUX, mem.getInt(e + AUX));
        if (word) {
            mem.putLong(n + wordOffset(exp), mem.getLong(e + wordOffset(oldExp)));
        }
        mem.copy(e + EntryLayout.keyOffset(oldExp, word), n + EntryLayout.keyOffset(exp, word), klen + inline);
        if (exp) {
            mem.putLong(n + EXPIRE, oldExp ? mem.getLong(e + EXPIRE) : -1);
            mem.putInt(n + VOL_INDEX, oldExp ? mem.getInt(e + VOL_INDEX) : -1);
        }
        moved(e, n);
        mem.free(e);
        return n;
    }

    private void volAdd(long e) {
        mem.putInt(e + VOL_INDEX, vol.add(e));
    }

    private void volRemove(long e) {
        int i = mem.getInt(e + VOL_INDEX);
        long moved = vol.removeAt(i);
        if (moved != 0) {
            mem.putInt(moved + VOL_INDEX, i);
        }
    }

    /** Number of keys with an expire (Redis's expires dict size). */
    public int volatileCount() {
        return vol.size();
    }

    /**
     * The i-th key with an expire (0 &lt;= i &lt; {@link #volatileCount()}), for the active expiry cycle to sample
     * by index or walk with a cursor. Deleting or persisting a key moves the last one into its index.
     */
    public long volatileEntry(int i) {
        return vol.get(i);
    }

    // ---------------------------------------------------------------- heap raw strings, snapshot bit

    /**
     * Makes e's value the string arr[0, len) held on the heap (arr is taken, its spare room kept: commands write
     * into it in place and then call {@link #setHeapRawLength}). Returns the entry's handle from now on.
     */
    public long setHeapRaw(long e, byte[] arr, int len) {
        Objects.checkFromIndexSize(0, len, arr.length);
        if (type(e) == TYPE_STRING && encoding(e) == ENC_HEAP_RAW) {
            objects[mem.getInt(e + AUX)] = arr;
            mem.putLong(e + wordOffset(hasExpire(e)), len);
            return e;
        }
        int slot = takeSlot(arr);
        try {
            return replace(e, TYPE_STRING, ENC_HEAP_RAW, len, slot, null, 0, 0);
        } catch (RuntimeException ex) {
            releaseSlot(slot);
            throw ex;
        }
    }

    /** Sets the length of a heap raw string after bytes were written into its array in place. */
    public void setHeapRawLength(long e, int len) {
        Objects.checkFromIndexSize(0, len, heapRaw(e).length);
        mem.putLong(e + wordOffset(hasExpire(e)), len);
    }

    /** The array of a heap raw string. @throws IllegalStateException for any other value */
    public byte[] heapRaw(long e) {
        if (type(e) != TYPE_STRING || encoding(e) != ENC_HEAP_RAW) {
            throw new IllegalStateException("not a heap raw string");
        }
        return (byte[]) objects[mem.getInt(e + AUX)];
    }

    /** Adds a key known to be absent, holding the int 0 until a setter stores its value; returns the entry. */
    public long addNew(byte[] k, int koff, int klen) {
        return add(k, koff, klen, TYPE_STRING, ENC_INT, 0, 0, null, 0, 0);
    }

    /**
     * Adds key k[koff..koff+klen) holding a string that lives in the entry itself, unless the key is present: the
     * integer {@code intValue} when {@code isInt} (OBJ_ENCODING_INT), otherwise the embstr v[voff..voff+vlen)
     * (at most 44 bytes: callers choose the encoding), with its expire time (or -1), its 24 LRU/LFU bits and its
     * snapshot bit, in one allocation written once and hashing the key once. What a loader needs ({@link #addNew}
     * and then the setters allocate, hash and relink the entry up to three times). Returns the entry, or 0 (and
     * changes nothing) when the key is present.
     *
     * @throws IllegalArgumentException when vlen exceeds 44 or the entry its limit
     */
    public long addStringIfAbsent(byte[] k, int koff, int klen, boolean isInt, long intValue, byte[] v, int voff,
            int vlen, long expireAt, int lru, boolean snap) {
        Objects.checkFromIndexSize(koff, klen, k.length);
        int inline = 0;
        if (!isInt) {
            Objects.checkFromIndexSize(voff, vlen, v.length);
            if (vlen > 44) {
                throw new IllegalArgumentException("an embstr holds at most 44 bytes, not " + vlen);
            }
            inline = vlen;
        }
        if (t1 != null) {
            rehashStep();
        }
        int h = KeyHash.hash(k, koff, klen);
        if (findIn(t0, h, k, koff, klen) != 0 || t1 != null && findIn(t1, h, k, koff, klen) != 0) {
            return 0;
        }
        boolean exp = expireAt != -1;
        int bytes = EntryLayout.size(exp, isInt, klen, inline);
        if (t1 == null) {
            growIfNeeded();
        }
        Buckets t = tableFor(h);
        int i = h & t.mask;
        t.reserve(i); // before allocating: a failure leaves nothing behind
        if (exp) {
            vol.reserveOne();
        }
        long e = mem.allocate(bytes);
        mem.putInt(e + META, EntryLayout.meta(TYPE_STRING, isInt ? ENC_INT : ENC_EMBSTR, lru));
        mem.putInt(e + KLEN, klen | (exp ? HAS_EXPIRE : 0) | (snap ? SNAP : 0));
        mem.putInt(e + AUX, inline);
        if (exp) {
            mem.putLong(e + EXPIRE, expireAt);
            volAdd(e);
        }
        if (isInt) {
            mem.putLong(e + wordOffset(exp), intValue);
        }
        int ko = EntryLayout.keyOffset(exp, isInt);
        mem.copyIn(k, koff, e + ko, klen);
        if (inline > 0) {
            mem.copyIn(v, voff, e + ko + klen, inline);
        }
        mem.putLong(e + NEXT, t.get(i));
        t.set(i, e);
        size++;
        return e;
    }

    /**
     * INCRBY in place on an int-encoded string entry: adds incr to its integer and returns 1, or returns 0 (changing
     * nothing) when e is not an int-encoded string, or -1 when the sum would overflow. The result is
     * {@link #intValue}. One read of the entry's header, no relink.
     */
    public int incrIntInPlace(long e, long incr) {
        int meta = mem.getInt(e + META);
        if (EntryLayout.type(meta) != TYPE_STRING || EntryLayout.encoding(meta) != ENC_INT) {
            return 0;
        }
        long w = e + wordOffset((mem.getInt(e + KLEN) & HAS_EXPIRE) != 0);
        long value = mem.getLong(w);
        if (incr < 0 && value < 0 && incr < Long.MIN_VALUE - value
                || incr > 0 && value > 0 && incr > Long.MAX_VALUE - value) {
            return -1;
        }
        mem.putLong(w, value + incr);
        return 1;
    }

    /**
     * Overwrites e's value in place when it is an embstr of exactly vlen bytes (a SET/MSET of a value of the same
     * length, the common overwrite): copies v[voff..voff+vlen) over it and returns true; otherwise changes nothing
     * and returns false (the caller uses {@link #setString}).
     */
    public boolean overwriteEmbstrInPlace(long e, byte[] v, int voff, int vlen) {
        int meta = mem.getInt(e + META);
        if (EntryLayout.type(meta) != TYPE_STRING || EntryLayout.encoding(meta) != ENC_EMBSTR
                || mem.getInt(e + AUX) != vlen) {
            return false;
        }
        Objects.checkFromIndexSize(voff, vlen, v.length);
        int kl = mem.getInt(e + KLEN);
        mem.copyIn(v, voff, e + EntryLayout.keyOffset((kl & HAS_EXPIRE) != 0, false) + (kl & KLEN_MASK), vlen);
        return true;
    }

    /** The snapshot epoch parity bit of e. */
    public boolean snapBit(long e) {
        return (mem.getInt(e + KLEN) & SNAP) != 0;
    }

    public void setSnapBit(long e, boolean on) {
        int v = mem.getInt(e + KLEN);
        mem.putInt(e + KLEN, on ? v | SNAP : v & ~SNAP);
    }

    /**
     * Visits every heap object the table holds (aggregate values, heap raw strings) without reading entries: a
     * lazy-free thread may walk a detached table this way.
     */
    public void forEachObject(java.util.function.Consumer<Object> visitor) {
        Object[] o = objects;
        for (int i = 0; i < nextSlot; i++) {
            if (o[i] != null) {
                visitor.accept(o[i]);
            }
        }
    }

    // ---------------------------------------------------------------- entry accessors

    public int keyLength(long e) {
        return mem.getInt(e + KLEN) & KLEN_MASK;
    }

    /** Copies e's key to dst[off..]. */
    public void copyKey(long e, byte[] dst, int off) {
        mem.copyOut(e + keyOff(e), dst, off, keyLength(e));
    }

    public byte[] keyBytes(long e) {
        byte[] b = new byte[keyLength(e)];
        copyKey(e, b, 0);
        return b;
    }

    /** The Redis type number (OBJ_STRING 0, OBJ_LIST 1, ...). */
    public int type(long e) {
        return EntryLayout.type(mem.getInt(e + META));
    }

    /** The Redis encoding number (OBJ_ENCODING_RAW 0, INT 1, EMBSTR 8, LISTPACK 11, ...). */
    public int encoding(long e) {
        return EntryLayout.encoding(mem.getInt(e + META));
    }

    /** Changes the recorded encoding of an aggregate (after its object converted itself, e.g. listpack to hashtable). */
    public void setEncoding(long e, int encoding) {
        int meta = mem.getInt(e + META);
        checkAggregate(EntryLayout.type(meta));
        if (EntryLayout.isBlob(EntryLayout.type(meta), EntryLayout.encoding(meta))
                || EntryLayout.isBlob(EntryLayout.type(meta), encoding)) {
            throw new IllegalArgumentException("a blob's encoding changes only through setBlob/setObject");
        }
        mem.putInt(e + META, EntryLayout.meta(EntryLayout.type(meta), encoding, meta & LRU_MASK));
    }

    /** The 24 LRU/LFU bits. */
    public int lru(long e) {
        return mem.getInt(e + META) & LRU_MASK;
    }

    public void setLru(long e, int lru) {
        int meta = mem.getInt(e + META);
        mem.putInt(e + META, (meta & ~LRU_MASK) | (lru & LRU_MASK));
    }

    /** The integer of an int-encoded string. @throws IllegalStateException for any other value */
    public long intValue(long e) {
        if (type(e) != TYPE_STRING || encoding(e) != ENC_INT) {
            throw new IllegalStateException("not an int-encoded string");
        }
        return mem.getLong(e + wordOffset(hasExpire(e)));
    }

    /** The string's length in bytes (for int, the length of its decimal text). */
    public int stringLength(long e) {
        requireString(e);
        if (encoding(e) == ENC_INT) {
            long v = intValue(e);
            int n = v < 0 ? 2 : 1;
            for (long x = Math.abs(v / 10); x != 0; x /= 10) {
                n++;
            }
            return n;
        }
        if (encoding(e) == ENC_HEAP_RAW) {
            return (int) mem.getLong(e + wordOffset(hasExpire(e)));
        }
        return mem.getInt(e + AUX);
    }

    /** Capacity of a raw string's allocation (stringLength plus spare room); for other strings their length. */
    public int stringCapacity(long e) {
        requireString(e);
        int enc = encoding(e);
        if (enc == ENC_HEAP_RAW) {
            return heapRaw(e).length;
        }
        return enc == ENC_RAW ? mem.usableSize(mem.getLong(e + wordOffset(hasExpire(e)))) : stringLength(e);
    }

    /** Copies len bytes of an embstr or raw value from position from to dst[off..]. */
    public void copyString(long e, int from, byte[] dst, int off, int len) {
        Objects.checkFromIndexSize(from, len, stringLength(e));
        mem.copyOut(stringAddress(e) + from, dst, off, len);
    }

    /** Copies len bytes of an embstr or raw value from position from to dst at index (e.g. a reply buffer). */
    public void copyString(long e, int from, ByteBuffer dst, int index, int len) {
        Objects.checkFromIndexSize(from, len, stringLength(e));
        mem.copyOut(stringAddress(e) + from, dst, index, len);
    }

    /** The string value as a new array (the decimal text for int). */
    public byte[] stringBytes(long e) {
        if (encoding(e) == ENC_INT && type(e) == TYPE_STRING) {
            return Long.toString(intValue(e)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        byte[] b = new byte[stringLength(e)];
        copyString(e, 0, b, 0, b.length);
        return b;
    }

    /** The aggregate value of e. @throws IllegalStateException for a string */
    @SuppressWarnings("unchecked")
    public V object(long e) {
        if (type(e) == TYPE_STRING || isBlob(e)) {
            throw new IllegalStateException(type(e) == TYPE_STRING ? "a string has no object" : "a blob has no object");
        }
        return (V) objects[mem.getInt(e + AUX)];
    }

    private long stringAddress(long e) {
        int enc = encoding(e);
        if (enc == ENC_EMBSTR) {
            return e + keyOff(e) + keyLength(e);
        }
        if (enc != ENC_RAW) {
            throw new IllegalStateException("not an embstr or raw string");
        }
        return mem.getLong(e + wordOffset(hasExpire(e)));
    }

    private void requireString(long e) {
        if (type(e) != TYPE_STRING) {
            throw new IllegalStateException("not a string");
        }
    }

    private static void checkAggregate(int type) {
        if (type == TYPE_STRING || type < 0 || type > 15) {
            throw new IllegalArgumentException("not an aggregate type: " + type);
        }
    }

    /** A heap aggregate's recorded encoding must not read as a blob's (6 and 11 mean an off-heap blob). */
    private static void checkHeapEncoding(int type, int encoding) {
        checkAggregate(type);
        if (EntryLayout.isBlob(type, encoding) || encoding < 0 || encoding > 15) {
            throw new IllegalArgumentException("encoding " + encoding + " of a heap aggregate (6 and 11 are blobs)");
        }
    }

    private int keyOff(long e) {
        int meta = mem.getInt(e + META);
        return EntryLayout.keyOffset(hasExpire(e), hasWord(EntryLayout.type(meta), EntryLayout.encoding(meta)));
    }

    private int entryHash(long e) {
        return entryHash(mem.buffer(e), (int) e);
    }

    /** The hash of the key of the entry at index p of b: the header read once. */
    private static int entryHash(ByteBuffer b, int p) {
        int meta = b.getInt(p + META);
        int kl = b.getInt(p + KLEN);
        int ko = EntryLayout.keyOffset((kl & HAS_EXPIRE) != 0,
                hasWord(EntryLayout.type(meta), EntryLayout.encoding(meta)));
        return KeyHash.hash(b, p + ko, kl & KLEN_MASK);
    }

    private int takeSlot(Object obj) {
        int s;
        if (freeSlotCount > 0) {
            s = freeSlots[--freeSlotCount];
        } else {
            if (nextSlot == objects.length) {
                objects = Arrays.copyOf(objects, objects.length * 2);
            }
            s = nextSlot++;
        }
        objects[s] = obj;
        return s;
    }

    private void releaseSlot(int s) {
        objects[s] = null;
        if (freeSlotCount == freeSlots.length) {
            freeSlots = Arrays.copyOf(freeSlots, freeSlots.length * 2);
        }
        freeSlots[freeSlotCount++] = s;
    }

    // ---------------------------------------------------------------- sampling, scan, defrag

    /** A random entry, or 0 when empty (Redis's dictGetRandomKey: a random non-empty bucket, a random chain link). */
    public long randomEntry() {
        return randomEntry(ThreadLocalRandom.current());
    }

    public long randomEntry(RandomGenerator r) {
        if (size == 0) {
            return 0;
        }
        long head;
        if (t1 == null) {
            do {
                head = t0.get(r.nextInt(t0.length));
            } while (head == 0);
        } else { // buckets of t0 below rehashIdx are empty: skip them
            int span = t0.length - rehashIdx + t1.length;
            do {
                int i = rehashIdx + r.nextInt(span);
                head = i < t0.length ? t0.get(i) : t1.get(i - t0.length);
            } while (head == 0);
        }
        int n = 0;
        for (long e = head; e != 0; e = mem.getLong(e + NEXT)) {
            n++;
        }
        long e = head;
        for (int k = r.nextInt(n); k > 0; k--) {
            e = mem.getLong(e + NEXT);
        }
        return e;
    }

    /**
     * Visits the bucket(s) of cursor v and returns the next cursor (0 when the scan is complete): Redis's dictScan.
     * While rehashing, the bucket of the smaller table and every bucket of the larger one that it expands to are
     * visited, so a key is never missed whichever table holds it. O(chain lengths).
     */
    public long scan(long v, EntryVisitor visitor) {
        return walk(v, Objects.requireNonNull(visitor));
    }

    /** The most cursors {@link #scanAhead} takes at once. */
    public static final int AHEAD = 64;
    /** {@link #scanAhead}'s bucket heads. */
    private final long[] ahead = new long[AHEAD];
    /** What {@link #scanAhead} read ahead, kept so the JIT cannot drop the reads. */
    private int aheadSink;

    /**
     * {@link #scan} of up to n cursors from v (fewer when the scan completes or the table starts or ends a rehash
     * between two of them), returning the next cursor as {@link #scan} does. Same keys, same order, same guarantees:
     * it is {@link #scan} called once per cursor, preceded by passes that only read: the buckets of those cursors,
     * then the first entry of each (its header, then its last byte and the start of a raw value or blob of its own).
     * The buckets of consecutive cursors and their entries lie far apart in memory; loads that do not depend on each
     * other are in flight together, where a one-cursor scan waits for the bucket, then for its entry, then for the
     * next bucket. A bulk walker (the snapshot) spends most of its time in those waits otherwise. The visitor must
     * not add keys (a delete of the visited entry is allowed, as in {@link #scan}). O(n + chain lengths).
     */
    public long scanAhead(long v, int n, EntryVisitor visitor) {
        Objects.requireNonNull(visitor);
        if (t1 != null || n <= 1) {
            return walk(v, visitor); // rehashing: several buckets per cursor, one cursor at a time
        }
        Buckets t = t0;
        long m = t.length - 1;
        int k = 0;
        long c = v;
        do {
            ahead[k++] = t.get((int) (c & m));
            c = nextCursor(c, m);
        } while (k < n && k < AHEAD && c != 0);
        readAhead(k);
        c = v;
        for (int i = 0; i < k && t0 == t && t1 == null; i++) {
            c = walk(c, visitor);
            if (c == 0) {
                break;
            }
        }
        return c;
    }

    /** The most keys {@link #readAhead(byte[], int[], int[], int, int, int)} takes at once. */
    public static final int KEYS_AHEAD = 32;
    /** {@link #readAhead(byte[], int[], int[], int, int, int)}'s hashes. */
    private final int[] aheadHash = new int[KEYS_AHEAD];

    /**
     * Reads, and changes nothing, what lookups of n keys (at most {@value #KEYS_AHEAD}) are about to read: key j is
     * {@code b[offs[i], offs[i] + lens[i])} for {@code i = first + j * step}. It reads the bucket of each, then its
     * first entry, as {@link #scanAhead} does for cursors. The event loop calls it with the keys of a pipelined
     * client's next commands, MGET/MSET/DEL/EXISTS with their own keys: those buckets and entries lie far apart in
     * memory, and one lookup after the other waits for each bucket, then for its entry, where these passes have the
     * loads of all the keys in flight together. Hashes first, loads after, so that no hash computation stands
     * between two loads. No rehash step, no expiry, no statistics: a lookup that follows does all of that.
     * O(n + total key length).
     */
    public void readAhead(byte[] b, int[] offs, int[] lens, int first, int step, int n) {
        int k = Math.min(n, KEYS_AHEAD);
        for (int j = 0, i = first; j < k; j++, i += step) {
            Objects.checkFromIndexSize(offs[i], lens[i], b.length);
            aheadHash[j] = KeyHash.hash(b, offs[i], lens[i]);
        }
        for (int j = 0; j < k; j++) {
            int h = aheadHash[j];
            Buckets t = tableFor(h);
            ahead[j] = t.get(h & t.mask);
        }
        // mid-rehash, each of those lookups (and inserts) moves a bucket first: those buckets are read ahead too
        int r = t1 == null || pauseRehash > 0 ? 0 : rehashHeads(k, Math.min(2 * k, AHEAD - k));
        readAhead(k, k + r);
    }

    /**
     * Puts the heads of the next non-empty buckets the rehash will move (at most max, visiting at most 10 empty
     * buckets per head, as {@link #rehash} does) into {@link #ahead} from index at; returns how many.
     */
    private int rehashHeads(int at, int max) {
        Buckets src = t0;
        int i = rehashIdx;
        int n = 0;
        int emptyVisits = max * 10;
        while (n < max && i < src.length) {
            long e = src.get(i++);
            if (e != 0) {
                ahead[at + n++] = e;
            } else if (--emptyVisits == 0) {
                break;
            }
        }
        return n;
    }

    /**
     * Reads the first entry of each of the k bucket heads in {@link #ahead}: its header in one pass, then its last
     * byte (an entry may span two cache lines) and the start of a raw value or blob of its own in another. The loads
     * of one pass do not depend on each other, so the CPU has many of them in flight at once.
     */
    private void readAhead(int k) {
        readAhead(k, k);
    }

    /**
     * {@link #readAhead(int)} of the first k heads of {@link #ahead}, and of the heads from k to total (buckets a
     * rehash is about to move) what moving them reads: the header (with the key, when it fits in the line), and the
     * header of the second entry of the chain.
     */
    private void readAhead(int k, int total) {
        int sink = 0;
        for (int i = 0; i < total; i++) {
            long e = ahead[i];
            if (e != 0) {
                sink += mem.getInt(e + KLEN);
            }
        }
        for (int i = k; i < total; i++) {
            long next = mem.getLong(ahead[i] + NEXT);
            if (next != 0) {
                sink += mem.getInt(next + KLEN);
            }
        }
        for (int i = 0; i < k; i++) {
            long e = ahead[i];
            if (e != 0) {
                int meta = mem.getInt(e + META);
                int kl = mem.getInt(e + KLEN);
                int type = EntryLayout.type(meta);
                int enc = EntryLayout.encoding(meta);
                boolean expire = (kl & HAS_EXPIRE) != 0;
                boolean word = hasWord(type, enc);
                int inline = type == TYPE_STRING && enc == ENC_EMBSTR ? mem.getInt(e + AUX) : 0;
                sink += mem.getByte(e + keyOffset(expire, word) + (kl & KLEN_MASK) + inline - 1);
                if (ownsWord(type, enc)) {
                    sink += mem.getInt(mem.getLong(e + wordOffset(expire)));
                }
            }
        }
        aheadSink += sink;
    }

    /**
     * Defragments the buckets of cursor v (same cursor as {@link #scan}): every entry, and every raw value, that
     * {@link SlabAllocator#shouldRelocate} picks is moved to a fuller slab and relinked. Returns the next cursor.
     * A cron calls it with a time budget, as Redis's activeDefragCycle does.
     */
    public long defrag(long v) {
        return defrag(v, null);
    }

    /**
     * {@link #defrag(long)}, counting into stats (when not null) the allocations moved and left in place and the
     * keys that had at least one allocation moved (Redis's active_defrag_hits/misses/key_hits/key_misses).
     */
    public long defrag(long v, DefragStats stats) {
        defragStats = stats;
        try {
            return walk(v, null);
        } finally {
            defragStats = null;
        }
    }

    private long walk(long v, EntryVisitor visitor) {
        pauseRehash++;
        try {
            if (t1 == null) {
                long m = t0.length - 1;
                bucket(t0, (int) (v & m), visitor);
                return nextCursor(v, m);
            }
            Buckets small = t0.length <= t1.length ? t0 : t1;
            Buckets large = small == t0 ? t1 : t0;
            long m0 = small.length - 1;
            long m1 = large.length - 1;
            bucket(small, (int) (v & m0), visitor);
            do {
                bucket(large, (int) (v & m1), visitor);
                v = nextCursor(v, m1);
            } while ((v & (m0 ^ m1)) != 0);
            return v;
        } finally {
            pauseRehash--;
        }
    }

    private void bucket(Buckets t, int i, EntryVisitor visitor) {
        if (visitor != null) {
            for (long e = t.get(i); e != 0; ) {
                long next = mem.getLong(e + NEXT);
                visitor.visit(e);
                e = next;
            }
            return;
        }
        long prev = 0;
        DefragStats stats = defragStats;
        for (long e = t.get(i); e != 0; e = mem.getLong(e + NEXT)) {
            long moves = mem.relocations();
            int visited = 1;
            long n = mem.relocate(e);
            if (n != e) {
                if (prev == 0) {
                    t.set(i, n);
                } else {
                    mem.putLong(prev + NEXT, n);
                }
                if (hasExpire(n)) {
                    vol.set(mem.getInt(n + VOL_INDEX), n);
                }
                e = n;
            }
            if (ownsWord(type(e), encoding(e))) { // a raw string's or a blob's own allocation
                long wo = e + wordOffset(hasExpire(e));
                long w = mem.getLong(wo);
                long nw = mem.relocate(w);
                visited++;
                if (nw != w) {
                    mem.putLong(wo, nw);
                }
            }
            if (stats != null) {
                stats.count(visited, mem.relocations() - moves);
            }
            prev = e;
        }
    }

    /** Increments the reversed cursor under mask m (the high bits first). */
    private static long nextCursor(long v, long m) {
        v |= ~m;
        v = Long.reverse(v);
        v++;
        return Long.reverse(v);
    }

    /** Visits every entry; the visitor must not add, delete or move entries. */
    public void forEach(EntryVisitor visitor) {
        for (Buckets t : new Buckets[] {t0, t1}) {
            if (t != null) {
                for (int i = 0; i < t.length; i++) {
                    if (!t.chunkReserved(i)) {
                        i += t.chunkBuckets() - 1;
                        continue;
                    }
                    for (long e = t.get(i); e != 0; e = mem.getLong(e + NEXT)) {
                        visitor.visit(e);
                    }
                }
            }
        }
    }
}
