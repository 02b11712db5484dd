package io.cinnabar.skiplist;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** ZSkipList against a TreeSet model (ordered the same way) plus a member-to-score map, ranks included. */
class ZSkipListProperties {

    record Elem(double score, byte[] member) {
        @Override
        public String toString() {
            return score + ":" + new String(member, StandardCharsets.ISO_8859_1);
        }
    }

    static final Comparator<Elem> ORDER = (a, b) ->
        a.score < b.score ? -1 : a.score > b.score ? 1 : Arrays.compareUnsigned(a.member, b.member);

    /** A model sorted set: the ordered elements and member -> score (keys as Latin-1 strings). */
    static final class Model {
        final TreeSet<Elem> set = new TreeSet<>(ORDER);
        final Map<String, Double> scores = new HashMap<>();

        List<Elem> list() {
            return new ArrayList<>(set);
        }
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static byte[] randomMember(Random r, int space) {
        int k = r.nextInt(space);
        // members of different lengths, with bytes above 0x7f to check unsigned order
        byte[] m = new byte[1 + k % 3];
        for (int i = 0; i < m.length; i++) {
            m[i] = (byte) (k * 37 + i * 101);
        }
        return m;
    }

    static double randomScore(Random r, boolean equalScores) {
        if (equalScores) {
            return 0;
        }
        return switch (r.nextInt(10)) {
            case 0 -> Double.NEGATIVE_INFINITY;
            case 1 -> Double.POSITIVE_INFINITY;
            case 2 -> -0.0;
            default -> r.nextInt(20) - 10 + (r.nextBoolean() ? 0.5 : 0);
        };
    }

    static ScoreRange randomScoreRange(Random r) {
        double a = randomScore(r, false);
        double b = randomScore(r, false);
        if (r.nextInt(4) != 0 && a > b) {
            double t = a;
            a = b;
            b = t;
        }
        return new ScoreRange(a, b, r.nextBoolean(), r.nextBoolean());
    }

    static LexRange.Bound randomBound(Random r, int space) {
        return switch (r.nextInt(6)) {
            case 0 -> LexRange.Bound.NEG_INF;
            case 1 -> LexRange.Bound.POS_INF;
            case 2, 3 -> LexRange.Bound.inclusive(randomMember(r, space));
            default -> LexRange.Bound.exclusive(randomMember(r, space));
        };
    }

    static void mutate(Random r, ZSkipList z, Model m, int space, boolean equalScores) {
        byte[] member = randomMember(r, space);
        Double cur = m.scores.get(s(member));
        int op = r.nextInt(10);
        if (cur == null && op < 6) {
            double score = randomScore(r, equalScores);
            ZSkipList.Node n = z.insert(score, member);
            assertEquals(score, n.score());
            m.set.add(new Elem(score, member));
            m.scores.put(s(member), score);
        } else if (cur != null && op < 4) {
            double score = randomScore(r, equalScores);
            ZSkipList.Node before = z.byRank(z.rank(cur, member));
            ZSkipList.Node after = z.updateScore(cur, member, score);
            assertSame(before, after, "the node survives a score update");
            m.set.remove(new Elem(cur, member));
            m.set.add(new Elem(score, member));
            m.scores.put(s(member), score);
        } else if (cur != null) {
            ZSkipList.Node n = z.delete(cur, member);
            assertEquals(s(member), s(n.member()));
            m.set.remove(new Elem(cur, member));
            m.scores.remove(s(member));
        } else {
            assertNull(z.delete(randomScore(r, equalScores), member));
        }
    }

    static void assertSameAsModel(ZSkipList z, Model m) {
        z.validate();
        List<Elem> list = m.list();
        assertEquals(list.size(), z.size());
        int i = 0;
        for (ZSkipList.Node n = z.first(); n != null; n = n.next(), i++) {
            Elem e = list.get(i);
            assertEquals(e.score, n.score());
            assertEquals(s(e.member), s(n.member()));
            assertEquals(i, z.rank(e.score, e.member), "rank of " + e);
            assertSame(n, z.byRank(i));
        }
        assertNull(z.byRank(list.size()));
        assertNull(z.byRank(-1));
    }

    static List<String> names(List<ZSkipList.Node> nodes) {
        return nodes.stream().map(n -> n.score() + ":" + s(n.member())).toList();
    }

    static List<String> elems(List<Elem> es) {
        return es.stream().map(Elem::toString).toList();
    }

    static <T> List<T> page(List<T> all, long offset, long limit) {
        if (offset < 0 || offset >= all.size()) {
            return List.of();
        }
        long end = limit < 0 ? all.size() : Math.min(all.size(), offset + limit);
        return all.subList((int) offset, (int) end);
    }

    @Property(tries = 200)
    void ranksAndOrderMatchTheModel(@ForAll long seed, @ForAll @IntRange(min = 1, max = 400) int space) {
        Random r = new Random(seed);
        ZSkipList z = new ZSkipList(seed);
        Model m = new Model();
        for (int step = 0; step < 600; step++) {
            mutate(r, z, m, space, false);
            if (step % 100 == 0) {
                assertSameAsModel(z, m);
            }
        }
        assertSameAsModel(z, m);
        assertEquals(-1, z.rank(12345.0, new byte[] {1}));
    }

    @Property(tries = 200)
    void scoreRangesMatchTheModel(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int space) {
        Random r = new Random(seed);
        ZSkipList z = new ZSkipList(seed);
        Model m = new Model();
        for (int step = 0; step < 300; step++) {
            mutate(r, z, m, space, false);
        }
        for (int q = 0; q < 30; q++) {
            ScoreRange range = randomScoreRange(r);
            List<Elem> expected = m.set.stream().filter(e -> range.contains(e.score)).toList();
            boolean reverse = r.nextBoolean();
            long offset = r.nextInt(5) == 0 ? r.nextInt(expected.size() + 3) : 0;
            long limit = r.nextInt(3) == 0 ? r.nextInt(10) : -1;
            List<Elem> ordered = new ArrayList<>(expected);
            if (reverse) {
                java.util.Collections.reverse(ordered);
            }
            List<ZSkipList.Node> got = new ArrayList<>();
            long n = z.rangeByScore(range, reverse, offset, limit, got::add);
            assertEquals(elems(page(ordered, offset, limit)), names(got), range + " rev=" + reverse
                + " offset=" + offset + " limit=" + limit);
            assertEquals(got.size(), n);
            assertEquals(expected.size(), z.count(range));
            ZSkipList.Node first = z.firstInRange(range);
            ZSkipList.Node last = z.lastInRange(range);
            assertEquals(expected.isEmpty() ? null : expected.get(0).toString(), first == null ? null : first.toString());
            assertEquals(expected.isEmpty() ? null : expected.get(expected.size() - 1).toString(),
                last == null ? null : last.toString());
        }
        ScoreRange del = randomScoreRange(r);
        List<String> removed = new ArrayList<>();
        long n = z.deleteRangeByScore(del, node -> removed.add(node.toString()));
        List<Elem> expected = m.set.stream().filter(e -> del.contains(e.score)).toList();
        assertEquals(elems(expected), removed);
        assertEquals(expected.size(), n);
        expected.forEach(e -> {
            m.set.remove(e);
            m.scores.remove(s(e.member));
        });
        assertSameAsModel(z, m);
    }

    @Property(tries = 200)
    void lexRangesMatchTheModel(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int space) {
        Random r = new Random(seed);
        ZSkipList z = new ZSkipList(seed);
        Model m = new Model();
        for (int step = 0; step < 300; step++) {
            mutate(r, z, m, space, true);
        }
        for (int q = 0; q < 30; q++) {
            LexRange range = new LexRange(randomBound(r, space), randomBound(r, space));
            List<Elem> expected = m.set.stream().filter(e -> range.contains(e.member)).toList();
            boolean reverse = r.nextBoolean();
            long offset = r.nextInt(5) == 0 ? r.nextInt(expected.size() + 3) : 0;
            long limit = r.nextInt(3) == 0 ? r.nextInt(10) : -1;
            List<Elem> ordered = new ArrayList<>(expected);
            if (reverse) {
                java.util.Collections.reverse(ordered);
            }
            List<ZSkipList.Node> got = new ArrayList<>();
            z.rangeByLex(range, reverse, offset, limit, got::add);
            assertEquals(elems(page(ordered, offset, limit)), names(got), range.toString());
            assertEquals(expected.size(), z.count(range));
        }
        LexRange del = new LexRange(randomBound(r, space), randomBound(r, space));
        List<String> removed = new ArrayList<>();
        z.deleteRangeByLex(del, node -> removed.add(node.toString()));
        List<Elem> expected = m.set.stream().filter(e -> del.contains(e.member)).toList();
        assertEquals(elems(expected), removed);
        expected.forEach(e -> {
            m.set.remove(e);
            m.scores.remove(s(e.member));
        });
        assertSameAsModel(z, m);
    }

    @Property(tries = 200)
    void rankRangesMatchTheModel(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int space) {
        Random r = new Random(seed);
        ZSkipList z = new ZSkipList(seed);
        Model m = new Model();
        for (int step = 0; step < 300; step++) {
            mutate(r, z, m, space, false);
        }
        List<Elem> all = m.list();
        for (int q = 0; q < 30; q++) {
            int start = r.nextInt(all.size() + 3);
            int end = r.nextInt(all.size() + 3);
            boolean reverse = r.nextBoolean();
            List<Elem> ordered = new ArrayList<>(all);
            if (reverse) {
                java.util.Collections.reverse(ordered);
            }
            List<Elem> expected = start > end || start >= ordered.size() ? List.of()
                : ordered.subList(start, Math.min(end, ordered.size() - 1) + 1);
            List<ZSkipList.Node> got = new ArrayList<>();
            z.rangeByRank(start, end, reverse, got::add);
            assertEquals(elems(expected), names(got), start + ".." + end + " rev=" + reverse);
        }
        int start = r.nextInt(all.size() + 2);
        int end = r.nextInt(all.size() + 2);
        List<String> removed = new ArrayList<>();
        z.deleteRangeByRank(start, end, node -> removed.add(node.toString()));
        List<Elem> expected = start > end || start >= all.size() ? List.of()
            : all.subList(start, Math.min(end, all.size() - 1) + 1);
        assertEquals(elems(expected), removed);
        new ArrayList<>(expected).forEach(e -> {
            m.set.remove(e);
            m.scores.remove(s(e.member));
        });
        assertSameAsModel(z, m);
    }

    /**
     * Every node's level is drawn with P = 1/4: the fraction of nodes above level k is close to 4^-k. The tolerance
     * at level 5 is about 3.5 standard deviations, so with a fresh random seed per run an honest generator fails it
     * now and then (it did once in a full build: 887 against 781); the jqwik seed is therefore fixed, which keeps
     * the check reproducible without widening it.
     */
    @Property(tries = 5, seed = "20261204")
    void levelDistribution(@ForAll long seed) {
        ZSkipList z = new ZSkipList(seed);
        int n = 200_000;
        int[] atLeast = new int[ZSkipList.MAX_LEVEL + 1];
        for (int i = 0; i < n; i++) {
            int lvl = z.randomLevel();
            for (int k = 1; k <= lvl; k++) {
                atLeast[k]++;
            }
        }
        assertEquals(n, atLeast[1]);
        for (int k = 2; k <= 5; k++) {
            double expected = n * Math.pow(0.25, k - 1);
            assertEquals(expected, atLeast[k], expected * 0.1 + 20, "level " + k);
        }
    }

}
