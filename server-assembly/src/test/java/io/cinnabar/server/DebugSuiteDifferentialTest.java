package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.DifferentialServers;
import io.cinnabar.testkit.Pair;
import io.cinnabar.testkit.Replies;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What Redis's own tcl suite (unit/other, type/set, introspection, multi, functions, scripting) reached once its
 * aborts were fixed, checked against redis-server 7.0.15: DEBUG HTSTATS / HTSTATS-KEY (Redis 7.2's text; 7.0 has
 * no {@code full} argument and always prints the chain statistics, which are compared in shape, and the table sizes
 * and element counts, which are compared in value), DEBUG RELOAD NOFLUSH MERGE with a function library present.
 */
@Differential(server = CinnabarUnderTest.class, config = {"enable-debug-command", "yes"})
class DebugSuiteDifferentialTest {
    private static final Pattern SIZE = Pattern.compile("table size: (\\d+)");
    private static final Pattern ELEMENTS = Pattern.compile("number of elements: (\\d+)");

    @Test
    void htstatsErrorsAndEmptyTables(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.same("FLUSHALL");
            p.same("DEBUG", "HTSTATS", "x");
            p.same("DEBUG", "HTSTATS", "16");
            p.same("DEBUG", "HTSTATS", "-1");
            p.same("DEBUG", "HTSTATS", "9");
            p.same("DEBUG", "HTSTATS-KEY", "nokey");
            p.same("SET", "str", "v");
            p.same("DEBUG", "HTSTATS-KEY", "str");
            p.same("HSET", "smallhash", "f", "v");
            p.same("DEBUG", "HTSTATS-KEY", "smallhash");
            p.same("ZADD", "smallzset", "1", "a");
            p.same("DEBUG", "HTSTATS-KEY", "smallzset");
            p.same("SADD", "intset", "1", "2");
            p.same("DEBUG", "HTSTATS-KEY", "intset");
            p.same("RPUSH", "list", "a");
            p.same("DEBUG", "HTSTATS-KEY", "list");
            p.assertSame();
        }
    }

    @Test
    void htstatsOfTheKeyTableAndItsExpires(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.same("FLUSHALL");
            p.same("SELECT", "3");
            p.same("DEBUG", "POPULATE", "1000");
            for (int i = 0; i < 100; i++) {
                p.same("EXPIRE", "key:" + i, "1000");
            }
            // the cron's active rehashing finishes the last resize on both; then the sizes are the same
            String[] r = settled(p, "DEBUG", "HTSTATS", "3");
            String redis = Replies.bulk(r[0]);
            String ours = Replies.bulk(r[1]);
            String oursFull = Replies.bulk(p.ours().call("DEBUG", "HTSTATS", "3", "full"));
            // keys: the same table size and count as Redis (1024 buckets, 1000 keys)
            assertEquals(first(SIZE, section(redis, 0)), first(SIZE, section(ours, 0)), ours);
            assertEquals("1000", first(ELEMENTS, section(ours, 0)));
            assertEquals(first(ELEMENTS, section(redis, 1)), first(ELEMENTS, section(ours, 1)), ours);
            // 7.2 prints the chain statistics only with FULL; 7.0 always: the same lines in the same order
            assertEquals(shape(redis), shape(oursFull), oursFull);
            assertFalse(ours.contains("max chain length"), ours);
            assertTrue(oursFull.startsWith("[Dictionary HT]\nHash table 0 stats (main hash table):\n table size: "
                + first(SIZE, ours) + "\n number of elements: 1000\n"), oursFull);
            consistent(section(oursFull, 0));
            consistent(section(oursFull, 1));
            p.assertSame();
        }
    }

    @Test
    void htstatsKeyOfSetHashAndZsetTables(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.same("FLUSHALL");
            for (int i = 0; i < 700; i++) { // one member at a time: the tables grow as Redis's do
                p.same("SADD", "set", "m:" + i);
                p.same("HSET", "hash", "f:" + i, "v");
                p.same("ZADD", "zset", String.valueOf(i), "m:" + i);
            }
            String[][] reads = {{"SISMEMBER", "set", "m:1"}, {"HGET", "hash", "f:1"}, {"ZSCORE", "zset", "m:1"}};
            for (String[] read : reads) {
                String key = read[1];
                String[] r = settledKey(p, key, read);
                String redis = Replies.bulk(r[0]);
                String ours = Replies.bulk(r[1]);
                p.compare(List.of("DEBUG", "HTSTATS-KEY", key, "(sizes)"), sizes(redis), sizes(ours));
                String full = Replies.bulk(p.ours().call("DEBUG", "HTSTATS-KEY", key, "FULL"));
                p.compare(List.of("DEBUG", "HTSTATS-KEY", key, "FULL", "(shape)"), shape(redis), shape(full));
                consistent(full);
                assertEquals("Hash table 0 stats (main hash table):\n table size: 1024\n number of elements: 700\n",
                    ours);
            }
            // deletes shrink the set's table (1024 to 128 buckets at 102 members left), as Redis's SREM does
            List<String> srem = new ArrayList<>(List.of("SREM", "set"));
            for (int i = 0; i < 680; i++) {
                srem.add("m:" + i);
            }
            p.same(srem.toArray(String[]::new));
            String[] r = settledKey(p, "set", new String[] {"SISMEMBER", "set", "m:699"});
            p.compare(List.of("DEBUG", "HTSTATS-KEY", "set", "(after SREM)"), sizes(Replies.bulk(r[0])),
                sizes(Replies.bulk(r[1])));
            assertTrue(Replies.bulk(r[1]).contains("table size: 128\n number of elements: 20\n"), r[1]);
            p.assertSame();
        }
    }

    /** Runs a read of the key (each lookup moves a bucket) until neither server rehashes its table. */
    private static String[] settledKey(Pair p, String key, String[] read) throws Exception {
        String[] r = p.both("DEBUG", "HTSTATS-KEY", key);
        for (int i = 0; i < 3000 && (r[0].contains("rehashing target") || r[1].contains("rehashing target")); i++) {
            p.both(read);
            r = p.both("DEBUG", "HTSTATS-KEY", key);
        }
        return r;
    }

    /** Repeats cmd until neither server is rehashing (the cron's active rehashing), at most about 5 s. */
    private static String[] settled(Pair p, String... cmd) throws Exception {
        String[] r = p.both(cmd);
        for (int i = 0; i < 100 && (r[0].contains("rehashing target") || r[1].contains("rehashing target")); i++) {
            Thread.sleep(50);
            r = p.both(cmd);
        }
        return r;
    }

    /** The text of the n-th "[... HT]" section of DEBUG HTSTATS (0 keys, 1 expires). */
    private static String section(String text, int n) {
        int start = text.indexOf(n == 0 ? "[Dictionary HT]" : "[Expires HT]");
        int end = n == 0 ? text.indexOf("[Expires HT]") : text.length();
        return text.substring(start, end);
    }

    private static String first(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : "(none)";
    }

    /** Table headers, table sizes and the total element count: what does not depend on the hash seed. */
    private static String sizes(String text) {
        StringBuilder sb = new StringBuilder();
        long elements = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("Hash table") || line.startsWith(" table size")) {
                sb.append(line).append('\n');
            }
            Matcher m = ELEMENTS.matcher(line);
            if (m.find()) {
                elements += Long.parseLong(m.group(1));
            }
        }
        return sb.append("elements ").append(elements).toString();
    }

    /** The lines without their numbers, the chain-length histogram left out (it depends on the hash seed). */
    private static String shape(String text) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.startsWith("   ")) {
                sb.append(line.replaceAll("[0-9.]+", "#")).append('\n');
            }
        }
        return sb.toString();
    }

    /** Checks one table's full statistics against themselves: the histogram covers every bucket and element. */
    private static void consistent(String text) {
        String[] tables = text.split("(?=Hash table )");
        for (String t : tables) {
            if (!t.startsWith("Hash table ") || t.contains("No stats available")) {
                continue;
            }
            long size = Long.parseLong(first(SIZE, t));
            long elements = Long.parseLong(first(ELEMENTS, t));
            long slots = Long.parseLong(first(Pattern.compile("different slots: (\\d+)"), t));
            long max = Long.parseLong(first(Pattern.compile("max chain length: (\\d+)"), t));
            Matcher m = Pattern.compile("\n   (\\d+): (\\d+) \\(([0-9.]+)%\\)").matcher(t);
            long buckets = 0;
            long empty = 0;
            long counted = 0;
            long longest = 0;
            while (m.find()) {
                long len = Long.parseLong(m.group(1));
                long n = Long.parseLong(m.group(2));
                buckets += n;
                empty += len == 0 ? n : 0;
                counted += len * n;
                longest = Math.max(longest, len);
                assertTrue(Math.abs(Double.parseDouble(m.group(3)) - n * 100.0 / size) <= 0.006, t);
            }
            assertEquals(size, buckets, t);
            assertEquals(elements, counted, t);
            assertEquals(max, longest, t);
            assertEquals(size - empty, slots, t);
            double avg = Double.parseDouble(first(Pattern.compile("avg chain length \\(computed\\): ([0-9.]+)"), t));
            assertTrue(Math.abs(avg - (double) elements / slots) <= 0.006, t);
        }
    }
}
