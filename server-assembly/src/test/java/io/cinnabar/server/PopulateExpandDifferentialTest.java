package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
 * DEBUG POPULATE sizes the key table for its keys before adding them (Redis's {@code dictExpand(db, count)}), so
 * right after it the table has Redis's size and no resize in progress: the commands that follow a populate (the
 * latency benchmark's set phase) pay no incremental rehash that Redis does not. Compared with redis-server 7.0.15 on
 * DEBUG HTSTATS' table sizes and the absence of a rehashing target, read at once after the populate (no settling:
 * before the change, 5000 keys left the table rehashing from 4096 to 8192 buckets).
 */
@Differential(server = CinnabarUnderTest.class, config = {"enable-debug-command", "yes"})
class PopulateExpandDifferentialTest {
    private static final Pattern SIZE = Pattern.compile("table size: (\\d+)");

    @Test
    void populateSizesTheTableFirst(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.same("FLUSHALL");
            p.same("SELECT", "5");
            p.same("DEBUG", "POPULATE", "5000");
            sameTables(p, "5", List.of("8192"));
            p.same("DEBUG", "POPULATE", "5000"); // every key exists: nothing changes
            sameTables(p, "5", List.of("8192"));
            p.same("DBSIZE");
            // a database that already has keys: the table grows to the power of two at or above the count
            p.same("SELECT", "6");
            p.same("SET", "a", "1");
            p.same("DEBUG", "POPULATE", "3000", "k", "10");
            sameTables(p, "6", List.of("4096"));
            p.same("DBSIZE");
            p.same("GET", "k:2999");
            // a count smaller than the table: no shrink
            p.same("DEBUG", "POPULATE", "10", "k", "10");
            sameTables(p, "6", List.of("4096"));
            p.assertSame();
        }
    }

    /**
     * The values: "value:N" with no size or a size of 0 (ours stored an empty string for 0), cut to a smaller size,
     * padded with zero bytes to a larger one; int-looking prefixes and long counts included.
     */
    @Test
    void populateValuesAreRediss(DifferentialServers servers) throws Exception {
        try (Pair p = servers.open(2)) {
            p.same("FLUSHALL");
            p.same("DEBUG", "POPULATE", "12", "zero", "0");
            p.same("DEBUG", "POPULATE", "12", "none");
            p.same("DEBUG", "POPULATE", "12", "cut", "3");
            p.same("DEBUG", "POPULATE", "1200", "pad", "10");
            p.same("DEBUG", "POPULATE", "1200", "big", "100");
            p.same("DEBUG", "POPULATE", "3", "7", "6");
            for (String k : List.of("zero:0", "zero:11", "none:11", "cut:0", "cut:11", "pad:0", "pad:9", "pad:999",
                    "pad:1199", "big:0", "big:1199", "7:2")) {
                p.same("GET", k);
                p.same("OBJECT", "ENCODING", k);
                p.same("STRLEN", k);
            }
            p.same("DBSIZE");
            p.assertSame();
        }
    }

    /** DEBUG HTSTATS db on both: the key table's sizes are the expected ones and no resize is in progress. */
    private static void sameTables(Pair p, String db, List<String> expected) throws Exception {
        String[] r = p.both("DEBUG", "HTSTATS", db);
        String redis = Replies.bulk(r[0]);
        String ours = Replies.bulk(r[1]);
        assertEquals(expected, keySizes(redis), redis);
        assertEquals(expected, keySizes(ours), ours);
        assertFalse(keySection(ours).contains("rehashing target"), ours);
    }

    /** The part of HTSTATS about the key table (before the expires table's section). */
    private static String keySection(String htstats) {
        int exp = htstats.indexOf("[Expires HT]");
        return exp < 0 ? htstats : htstats.substring(0, exp);
    }

    private static List<String> keySizes(String htstats) {
        List<String> out = new ArrayList<>();
        Matcher m = SIZE.matcher(keySection(htstats));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
