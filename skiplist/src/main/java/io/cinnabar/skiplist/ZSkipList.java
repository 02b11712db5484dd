package io.cinnabar.skiplist;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The skip list behind Redis's sorted sets ({@code zskiplist} in {@code t_zset.c}): members ordered by score,
 * then by member bytes, with a span on every link so that ranks cost O(log N).
 *
 * <h2>Layout</h2>
 * <pre>
 *  level 3  header ---------------------------- 3 -----------------------------&gt; C ------------ 2 ------&gt; null
 *  level 2  header ------------ 1 ------------&gt; A ------------ 2 ------------&gt; C ------------ 2 ------&gt; null
 *  level 1  header ---- 1 ----&gt; A --- 1 ---&gt; B --- 1 ---&gt; C --- 1 ---&gt; D --- 1 ---&gt; null
 *                      null &lt;--- A &lt;-------- B &lt;-------- C &lt;-------- D  (backward links, level 1 only)
 *                                                                      ^ tail
 *  the number on a link is its span: how many level-1 steps it jumps; the rank of a node is the sum of the
 *  spans on the path from the header to it (the header is rank 0, the first node rank 1)
 * </pre>
 * A node has a random level from 1 to {@link #MAX_LEVEL}: each extra level with probability {@link #P} = 1/4,
 * so a node has 4/3 links on average.
 *
 * <h2>Invariants</h2>
 * <ul>
 * <li>Order: score ascending (compared as IEEE doubles with {@code <}, so -0.0 equals 0.0), then member as
 *     unsigned bytes ({@code memcmp}, a prefix first). Scores are never NaN.</li>
 * <li>For every node and level, the span of its link is the number of level-1 steps to the node it points to
 *     (or to the end of the list, for a null link at the header's used levels).</li>
 * <li>{@code backward} of the first node is {@code null}; the tail is the last node.</li>
 * <li>A member appears at most once: the caller (the sorted set, which also keeps a member-to-score hash
 *     table) does not insert a member that is present. This list does not check it, as Redis does not.</li>
 * </ul>
 *
 * <h2>Cost</h2>
 * Expected O(log N) for insert, delete, score update, rank, element at a rank, first/last in a range; range
 * iteration adds O(1) per element returned; a range deletion adds O(log N) per element deleted.
 *
 * <h2>Memory</h2>
 * The level-1 link and its span live in the node itself; only nodes of level 2 and up (one in four) carry two
 * arrays for the higher levels. With compressed oops a node object is 48 bytes (header 12, member 4, score 8,
 * span0 8, backward 4, next0 4, two array references 8); a level-k node (k &gt;= 2) adds a {@code Node[k-1]}
 * (16 + 4 per level, rounded up to 8) and a {@code long[k-1]} (16 + 8 per level): 48 bytes for 3 nodes in 4,
 * 96 for a level-2 node, about 61 on average, plus the member array.
 *
 * <p>Ranks in this API are 0-based (the first element has rank 0), as {@code ZRANK} replies; Redis's C code
 * counts from 1 internally.
 *
 * <p><b>Note:</b> This class is not threadsafe. It is single-threaded by design: the server's data thread owns
 * every sorted set. Scratch arrays for the search path are kept per list, so even reads are not safe from two
 * threads.
 */
public final class ZSkipList {
    /** Highest level of a node (Redis: {@code ZSKIPLIST_MAXLEVEL}). */
    public static final int MAX_LEVEL = 32;
    /** Probability that a node has one more level (Redis: {@code ZSKIPLIST_P}). */
    public static final double P = 0.25;

    private static final int LEVEL_THRESHOLD = (int) (P * (1 << 24));

    private final Node header = new Node(MAX_LEVEL, null, 0);
    private final Node[] update = new Node[MAX_LEVEL];
    private final long[] rank = new long[MAX_LEVEL];
    private Node tail;
    private long length;
    private int level = 1;
    private long seed;

    /**
     * One element: a member, its score, and its links. The member array is the caller's and must not be
     * modified while the node is in a list.
     */
    public static final class Node {
        byte[] member;
        double score;
        Node backward;
        /** Level-1 link and its span, kept in the node: 3 nodes in 4 have no other level. */
        Node next0;
        long span0;
        /** Links and spans of levels 2 and up ({@code null} for a level-1 node). */
        final Node[] up;
        final long[] upSpan;

        Node(int level, byte[] member, double score) {
            this.up = level > 1 ? new Node[level - 1] : null;
            this.upSpan = level > 1 ? new long[level - 1] : null;
            this.member = member;
            this.score = score;
        }

        /** The member bytes. */
        public byte[] member() {
            return member;
        }

        /** The score. */
        public double score() {
            return score;
        }

        /** The next element in ascending order, or {@code null} after the last. */
        public Node next() {
            return next0;
        }

        /** The previous element, or {@code null} before the first (Redis: {@code backward}). */
        public Node previous() {
            return backward;
        }

        /** Number of levels of this node (1 to 32). */
        public int level() {
            return up == null ? 1 : up.length + 1;
        }

        @Override
        public String toString() {
            return score + ":" + new String(member, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    /** An empty list whose levels are drawn from a random seed. */
    public ZSkipList() {
        this(System.nanoTime() ^ 0x9E3779B97F4A7C15L);
    }

    /** An empty list whose levels are drawn from {@code seed} (tests, reproducible shapes). */
    public ZSkipList(long seed) {
        this.seed = seed;
    }

    /** Number of elements; O(1). */
    public long size() {
        return length;
    }

    /** Highest level in use (1 when empty); O(1). */
    public int level() {
        return level;
    }

    /** The lowest element, or {@code null}; O(1). */
    public Node first() {
        return header.next0;
    }

    /** The highest element, or {@code null}; O(1). */
    public Node last() {
        return tail;
    }

    // ------------------------------------------------------------------ comparisons

    /** Whether node {@code x} sorts before ({@code score}, {@code member}). */
    private static boolean before(Node x, double score, byte[] member) {
        return x.score < score || (x.score == score && Arrays.compareUnsigned(x.member, member) < 0);
    }

    /** Whether node {@code x} sorts before or equal to ({@code score}, {@code member}). */
    private static boolean beforeOrAt(Node x, double score, byte[] member) {
        return x.score < score || (x.score == score && Arrays.compareUnsigned(x.member, member) <= 0);
    }

    /** Draws a level: 1, plus one more with probability 1/4 each time, at most 32 (Redis: zslRandomLevel). */
    int randomLevel() {
        int lvl = 1;
        while (lvl < MAX_LEVEL && nextRandom24() < LEVEL_THRESHOLD) {
            lvl++;
        }
        return lvl;
    }

    private int nextRandom24() {
        long z = (seed += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (int) ((z ^ (z >>> 31)) >>> 40);
    }

    // ------------------------------------------------------------------ insert / delete / update

    /**
     * Inserts a new element (Redis: {@code zslInsert}) and returns its node. The member must not be present
     * (see the class invariants); the list keeps the array itself. Expected O(log N).
     *
     * @throws IllegalArgumentException if {@code score} is NaN
     */
    public Node insert(double score, byte[] member) {
        Objects.requireNonNull(member);
        if (Double.isNaN(score)) {
            throw new IllegalArgumentException("score is NaN");
        }
        Node x = new Node(randomLevel(), member, score);
        insertNode(x);
        return x;
    }

    /** Links {@code x} (with its level, score and member set, links clear) at its place. */
    private void insertNode(Node x) {
        double score = x.score;
        byte[] member = x.member;
        Node n = header;
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            while (fwd(n, i) != null && before(fwd(n, i), score, member)) {
                rank[i] += span(n, i);
                n = fwd(n, i);
            }
            update[i] = n;
        }
        int lvl = x.level();
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = header;
                setSpan(header, i, length);
            }
            level = lvl;
        }
        for (int i = 0; i < lvl; i++) {
            setFwd(x, i, fwd(update[i], i));
            setFwd(update[i], i, x);
            setSpan(x, i, span(update[i], i) - (rank[0] - rank[i]));
            setSpan(update[i], i, (rank[0] - rank[i]) + 1);
        }
        for (int i = lvl; i < level; i++) {
            setSpan(update[i], i, span(update[i], i) + 1);
        }
        x.backward = update[0] == header ? null : update[0];
        if (x.next0 != null) {
            x.next0.backward = x;
        } else {
            tail = x;
        }
        length++;
        Arrays.fill(update, null);
    }

    /** Fills {@code update} with, per level, the last node before ({@code score}, {@code member}). */
    private Node searchPath(double score, byte[] member) {
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (fwd(x, i) != null && before(fwd(x, i), score, member)) {
                x = fwd(x, i);
            }
            update[i] = x;
        }
        return x.next0;
    }

    /** Unlinks {@code x} given the search path in {@code update} (Redis: {@code zslDeleteNode}). */
    private void deleteNode(Node x) {
        for (int i = 0; i < level; i++) {
            if (fwd(update[i], i) == x) {
                setSpan(update[i], i, span(update[i], i) + span(x, i) - 1);
                setFwd(update[i], i, fwd(x, i));
            } else {
                setSpan(update[i], i, span(update[i], i) - 1);
            }
        }
        if (x.next0 != null) {
            x.next0.backward = x.backward;
        } else {
            tail = x.backward;
        }
        while (level > 1 && fwd(header, level - 1) == null) {
            level--;
        }
        length--;
    }

    private static void clearLinks(Node x) {
        x.next0 = null;
        x.span0 = 0;
        if (x.up != null) {
            Arrays.fill(x.up, null);
            Arrays.fill(x.upSpan, 0);
        }
        x.backward = null;
    }

    /** The link of {@code x} at level {@code i} (0-based). */
    private static Node fwd(Node x, int i) {
        return i == 0 ? x.next0 : x.up[i - 1];
    }

    private static void setFwd(Node x, int i, Node to) {
        if (i == 0) {
            x.next0 = to;
        } else {
            x.up[i - 1] = to;
        }
    }

    /** The span of the link of {@code x} at level {@code i}. */
    private static long span(Node x, int i) {
        return i == 0 ? x.span0 : x.upSpan[i - 1];
    }

    private static void setSpan(Node x, int i, long v) {
        if (i == 0) {
            x.span0 = v;
        } else {
            x.upSpan[i - 1] = v;
        }
    }

    /**
     * Deletes the element ({@code score}, {@code member}) and returns its node, or {@code null} if there is no
     * such element (Redis: {@code zslDelete}). Expected O(log N).
     */
    public Node delete(double score, byte[] member) {
        Node x = searchPath(score, member);
        Node found = null;
        if (x != null && x.score == score && Arrays.equals(x.member, member)) {
            deleteNode(x);
            clearLinks(x);
            found = x;
        }
        Arrays.fill(update, null);
        return found;
    }

    /**
     * Changes the score of the element ({@code curScore}, {@code member}) to {@code newScore} (Redis:
     * {@code zslUpdateScore}) and returns its node, which stays the same object. When the new score keeps the
     * node strictly between its neighbours' scores it is updated in place, without touching any link; otherwise
     * the node is unlinked and linked again at its new place with the same level. Expected O(log N).
     *
     * @throws IllegalArgumentException if the element is not in the list or {@code newScore} is NaN
     */
    public Node updateScore(double curScore, byte[] member, double newScore) {
        if (Double.isNaN(newScore)) {
            throw new IllegalArgumentException("score is NaN");
        }
        Node x = searchPath(curScore, member);
        if (x == null || x.score != curScore || !Arrays.equals(x.member, member)) {
            Arrays.fill(update, null);
            throw new IllegalArgumentException("no such element");
        }
        if ((x.backward == null || x.backward.score < newScore)
            && (x.next0 == null || x.next0.score > newScore)) {
            x.score = newScore;
            Arrays.fill(update, null);
            return x;
        }
        deleteNode(x);
        clearLinks(x);
        x.score = newScore;
        insertNode(x);
        return x;
    }

    // ------------------------------------------------------------------ ranks

    /**
     * The 0-based rank of ({@code score}, {@code member}), or -1 if absent (Redis: {@code zslGetRank} minus 1).
     * Expected O(log N).
     */
    public long rank(double score, byte[] member) {
        long r = 0;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (fwd(x, i) != null && beforeOrAt(fwd(x, i), score, member)) {
                r += span(x, i);
                x = fwd(x, i);
            }
            if (x != header && x.score == score && Arrays.equals(x.member, member)) {
                return r - 1;
            }
        }
        return -1;
    }

    /** The 0-based rank of a node of this list; expected O(log N). */
    public long rank(Node node) {
        return rank(node.score, node.member);
    }

    /**
     * The element at 0-based {@code rank}, or {@code null} when out of range (Redis:
     * {@code zslGetElementByRank}). Expected O(log N).
     */
    public Node byRank(long rank) {
        if (rank < 0 || rank >= length) {
            return null;
        }
        long target = rank + 1;
        long traversed = 0;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (fwd(x, i) != null && traversed + span(x, i) <= target) {
                traversed += span(x, i);
                x = fwd(x, i);
            }
            if (traversed == target) {
                return x;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ score and lex ranges
    // One walk serves both kinds: range is a ScoreRange (bounds on the score) or a LexRange (bounds on the member).

    private static boolean isEmpty(Object range) {
        return range instanceof ScoreRange r ? r.isEmpty() : ((LexRange) range).isEmpty();
    }

    /** Whether x is at or above range's minimum. */
    private static boolean gteMin(Object range, Node x) {
        return range instanceof ScoreRange r ? r.gteMin(x.score) : ((LexRange) range).gteMin(x.member);
    }

    /** Whether x is at or below range's maximum. */
    private static boolean lteMax(Object range, Node x) {
        return range instanceof ScoreRange r ? r.lteMax(x.score) : ((LexRange) range).lteMax(x.member);
    }

    /** Whether some element may lie in range: not empty, and overlapping [first, last]. O(1). */
    private boolean isIn(Object range) {
        if (isEmpty(range)) {
            return false;
        }
        Node x = tail;
        if (x == null || !gteMin(range, x)) {
            return false;
        }
        return lteMax(range, header.next0);
    }

    private Node firstIn(Object range) {
        if (!isIn(range)) {
            return null;
        }
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (fwd(x, i) != null && !gteMin(range, fwd(x, i))) {
                x = fwd(x, i);
            }
        }
        x = x.next0;
        return x != null && lteMax(range, x) ? x : null;
    }

    private Node lastIn(Object range) {
        if (!isIn(range)) {
            return null;
        }
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (fwd(x, i) != null && lteMax(range, fwd(x, i))) {
                x = fwd(x, i);
            }
        }
        return x != header && gteMin(range, x) ? x : null;
    }

    private long countIn(Object range) {
        Node first = firstIn(range);
        if (first == null) {
            return 0;
        }
        return rank(lastIn(range)) - rank(first) + 1;
    }

    private long rangeIn(Object range, boolean reverse, long offset, long limit, Consumer<Node> fn) {
        if (offset < 0) {
            return 0;
        }
        Node x = reverse ? lastIn(range) : firstIn(range);
        x = skip(x, reverse, offset);
        long n = 0;
        while (x != null && n != limit && (reverse ? gteMin(range, x) : lteMax(range, x))) {
            fn.accept(x);
            n++;
            x = reverse ? x.backward : x.next0;
        }
        return n;
    }

    private Node skip(Node x, boolean reverse, long offset) {
        if (x == null || offset == 0) {
            return x;
        }
        long r = rank(x);
        return byRank(reverse ? r - offset : r + offset);
    }

    private long deleteIn(Object range, Consumer<Node> removed) {
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (fwd(x, i) != null && !gteMin(range, fwd(x, i))) {
                x = fwd(x, i);
            }
            update[i] = x;
        }
        x = x.next0;
        long n = 0;
        while (x != null && lteMax(range, x)) {
            Node next = x.next0;
            deleteNode(x);
            clearLinks(x);
            removed.accept(x);
            n++;
            x = next;
        }
        Arrays.fill(update, null);
        return n;
    }

    /** Whether some element may lie in {@code range}: not empty, and overlapping [first, last]. O(1). */
    public boolean isInRange(ScoreRange range) {
        return isIn(range);
    }

    /** The lowest element in {@code range}, or {@code null} (Redis: {@code zslNthInRange} with n = 0). */
    public Node firstInRange(ScoreRange range) {
        return firstIn(range);
    }

    /** The highest element in {@code range}, or {@code null} (Redis: {@code zslNthInRange} with n = -1). */
    public Node lastInRange(ScoreRange range) {
        return lastIn(range);
    }

    /** Number of elements in {@code range} (what ZCOUNT replies); expected O(log N). */
    public long count(ScoreRange range) {
        return countIn(range);
    }

    /**
     * Passes the elements in {@code range} to {@code fn} in ascending order, or descending when {@code reverse},
     * skipping the first {@code offset} and stopping after {@code limit} (negative: no limit), as
     * {@code ZRANGEBYSCORE ... LIMIT offset count} does. A negative offset yields nothing. The offset is skipped
     * by rank, in O(log N), not by walking. Returns the number of elements passed.
     */
    public long rangeByScore(ScoreRange range, boolean reverse, long offset, long limit, Consumer<Node> fn) {
        return rangeIn(range, reverse, offset, limit, fn);
    }

    /**
     * Deletes every element in {@code range}, passing each deleted node to {@code removed} (so the sorted set
     * can drop it from its hash table), and returns how many (Redis: {@code zslDeleteRangeByScore}).
     * Expected O(log N + M) for M deleted.
     */
    public long deleteRangeByScore(ScoreRange range, Consumer<Node> removed) {
        return deleteIn(range, removed);
    }

    /** Whether some element may lie in {@code range} (Redis: {@code zslIsInLexRange}). O(1). */
    public boolean isInLexRange(LexRange range) {
        return isIn(range);
    }

    /** The first element in the lex {@code range}, or {@code null}; expected O(log N). */
    public Node firstInLexRange(LexRange range) {
        return firstIn(range);
    }

    /** The last element in the lex {@code range}, or {@code null}; expected O(log N). */
    public Node lastInLexRange(LexRange range) {
        return lastIn(range);
    }

    /** Number of elements in the lex {@code range} (what ZLEXCOUNT replies); expected O(log N). */
    public long count(LexRange range) {
        return countIn(range);
    }

    /**
     * Passes the elements in the lex {@code range} to {@code fn}, as {@code ZRANGEBYLEX ... LIMIT offset count}
     * does; see {@link #rangeByScore} for direction, offset and limit.
     */
    public long rangeByLex(LexRange range, boolean reverse, long offset, long limit, Consumer<Node> fn) {
        return rangeIn(range, reverse, offset, limit, fn);
    }

    /**
     * Deletes every element in the lex {@code range}, passing each to {@code removed}; returns how many (Redis:
     * {@code zslDeleteRangeByLex}). Expected O(log N + M).
     */
    public long deleteRangeByLex(LexRange range, Consumer<Node> removed) {
        return deleteIn(range, removed);
    }

    // ------------------------------------------------------------------ rank ranges

    /**
     * Passes the elements with 0-based ranks {@code start..end} (inclusive, already normalized to non-negative
     * values; {@code end} is clamped to the last rank) to {@code fn}, as {@code ZRANGE start end} does; with
     * {@code reverse}, ranks count from the highest element ({@code ZRANGE ... REV}). Returns the number passed.
     * Expected O(log N + M).
     */
    public long rangeByRank(long start, long end, boolean reverse, Consumer<Node> fn) {
        if (start < 0 || end < 0) {
            throw new IllegalArgumentException("ranks must be normalized: " + start + ".." + end);
        }
        end = Math.min(end, length - 1);
        if (start > end) {
            return 0;
        }
        Node x = byRank(reverse ? length - 1 - start : start);
        long n = 0;
        for (long r = start; r <= end; r++) {
            fn.accept(x);
            n++;
            x = reverse ? x.backward : x.next0;
        }
        return n;
    }

    /**
     * Deletes the elements with 0-based ranks {@code start..end} (inclusive, clamped to the list), passing each
     * to {@code removed}; returns how many (Redis: {@code zslDeleteRangeByRank}). Expected O(log N + M).
     */
    public long deleteRangeByRank(long start, long end, Consumer<Node> removed) {
        if (start < 0 || end < 0) {
            throw new IllegalArgumentException("ranks must be normalized: " + start + ".." + end);
        }
        long from = start + 1;
        long to = Math.min(end, length - 1) + 1;
        if (from > to) {
            return 0;
        }
        long traversed = 0;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (fwd(x, i) != null && traversed + span(x, i) < from) {
                traversed += span(x, i);
                x = fwd(x, i);
            }
            update[i] = x;
        }
        traversed++;
        x = x.next0;
        long n = 0;
        while (x != null && traversed <= to) {
            Node next = x.next0;
            deleteNode(x);
            clearLinks(x);
            removed.accept(x);
            n++;
            traversed++;
            x = next;
        }
        Arrays.fill(update, null);
        return n;
    }

    // ------------------------------------------------------------------ checking

    /**
     * Checks every invariant (order, spans, backward links, tail, length, level) in O(N * levels) and throws
     * {@link IllegalStateException} on the first violation. For tests and debugging.
     */
    public void validate() {
        long count = 0;
        Node prev = null;
        for (Node x = header.next0; x != null; x = x.next0) {
            count++;
            if (x.backward != prev) {
                throw new IllegalStateException("backward link of " + x);
            }
            if (prev != null && !before(prev, x.score, x.member)) {
                throw new IllegalStateException("order: " + prev + " then " + x);
            }
            if (Double.isNaN(x.score)) {
                throw new IllegalStateException("NaN score");
            }
            prev = x;
        }
        if (count != length || tail != prev) {
            throw new IllegalStateException("length " + length + " counted " + count + " or wrong tail");
        }
        validateSpans();
    }

    private void validateSpans() {
        for (int i = 0; i < MAX_LEVEL; i++) {
            if (i >= level && fwd(header, i) != null) {
                throw new IllegalStateException("link above the level " + level);
            }
        }
        if (level > 1 && fwd(header, level - 1) == null) {
            throw new IllegalStateException("level " + level + " is empty");
        }
        for (int i = 0; i < level; i++) {
            long pos = 0;
            Node x = header;
            Node walk = header;
            while (x != null) {
                Node target = fwd(x, i);
                long steps = 0;
                while (walk.next0 != target) {
                    walk = walk.next0;
                    steps++;
                    if (walk == null) {
                        throw new IllegalStateException("level " + i + " link skips the end");
                    }
                }
                steps += target == null ? 0 : 1;
                if (span(x, i) != steps) {
                    throw new IllegalStateException("span at level " + i + " after rank " + pos + ": "
                        + span(x, i) + " instead of " + steps);
                }
                pos += steps;
                walk = target == null ? walk : target;
                x = target;
            }
        }
    }
}
