package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.testkit.Differential;
import io.cinnabar.testkit.KnownDifference;
import io.cinnabar.testkit.Pair;
import java.io.IOException;

/**
 * The base of the per-type contract tests (JCTools' QueueSanityTest pattern): an abstract class per type
 * ({@link HashContract}, {@link SetContract}, {@link ZsetContract}, {@link ListContract}, {@link StringContract})
 * holds the command sequences, and one concrete subclass per encoding forces that encoding through CONFIG SET
 * thresholds. Each test creates its key, asserts that the embedded server holds it in the subclass's encoding, then
 * sends the same sequence to the embedded server and to a real redis-server configured the same way: every reply is
 * compared ({@link Pair}), so each encoding of Cinnabar must answer what Redis answers. Where 7.0.15 has no such
 * encoding (listpack sets and lists) its OBJECT ENCODING answer is a known difference and the encoding is asserted on
 * the embedded server alone.
 */
@Differential(server = CinnabarUnderTest.class)
abstract class EncodingContract {
    /** The OBJECT ENCODING this subclass forces. */
    abstract String encoding();

    /** Options set on both servers (name, value pairs). */
    String[] thresholds() {
        return new String[0];
    }

    /** 7.2-only options, set on the embedded server alone (name, value pairs). */
    String[] oursOnlyThresholds() {
        return new String[0];
    }

    /** Registers normalizers and known differences for this encoding. */
    void prepare(Pair pair) {
    }

    /**
     * Sets the thresholds, runs {@code create} on both, and asserts that the key is in {@link #encoding()} on the
     * embedded server before the sequence starts.
     */
    void create(Pair pair, String key, String... create) throws IOException {
        String[] t = thresholds();
        for (int i = 0; i < t.length; i += 2) {
            pair.config(t[i], t[i + 1]);
        }
        String[] o = oursOnlyThresholds();
        for (int i = 0; i < o.length; i += 2) {
            pair.oursConfig(o[i], o[i + 1]);
        }
        pair.allow(KnownDifference.listpackWhere70Says("quicklist", "7.0 has no listpack lists"));
        pair.allow(KnownDifference.listpackWhere70Says("hashtable", "7.0 has no listpack sets"));
        prepare(pair);
        pair.same(create);
        assertEncoding(pair, key);
        pair.assertSame();
    }

    void assertEncoding(Pair pair, String key) throws IOException {
        String enc = encoding();
        assertEquals("$" + enc.length() + "\r\n" + enc + "\r\n", pair.ours().call("OBJECT", "ENCODING", key),
            "OBJECT ENCODING " + key);
        pair.same("OBJECT", "ENCODING", key);
    }

    /** Sends each command to both servers and fails with every differing reply. */
    static void same(Pair pair, String[]... commands) throws IOException {
        pair.same(commands);
        pair.assertSame();
    }

    static String[] c(String... a) {
        return a;
    }
}
