package io.cinnabar.listpack;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile input: random bytes and valid listpacks that were truncated, bit-flipped, or given lengths pointing
 * past the end (with the header's total size fixed up, so that the entries themselves are what is checked).
 * Validation and decoding either succeed or throw {@link ListpackException}; nothing else escapes, nothing hangs,
 * and what decoding allocates is bounded by the input.
 */
class ListpackFuzzPropertiesTest {

    record Mutation(int kind, int position, int value, long seed) {
    }

    @Provide
    Arbitrary<byte[]> validListpacks() {
        Arbitrary<byte[]> element = Arbitraries.oneOf(
            Arbitraries.longs().map(v -> Long.toString(v).getBytes(StandardCharsets.US_ASCII)),
            Arbitraries.integers().between(-5000, 5000).map(v -> Integer.toString(v).getBytes(StandardCharsets.US_ASCII)),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(80),
            Arbitraries.integers().between(60, 5000).map(byte[]::new));
        return element.list().ofMaxSize(30).map(Listpack::encode);
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 7), Arbitraries.integers().between(0, 1 << 20),
            Arbitraries.integers(), Arbitraries.longs()).as(Mutation::new).list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 1000)
    void randomBytesAreRejectedOrDecoded(@ForAll("noise") byte[] noise, @ForAll boolean fixHeader) {
        if (fixHeader && noise.length >= 7) {
            ListpackLayout.putLE(noise, 0, noise.length, 4);
            noise[noise.length - 1] = (byte) 0xFF;
        }
        survive(noise);
    }

    @Provide
    Arbitrary<byte[]> noise() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    }

    @Property(tries = 2000)
    void mutatedListpacksAreRejectedOrDecoded(@ForAll("validListpacks") byte[] valid,
                                              @ForAll("mutations") List<Mutation> mutations) {
        byte[] b = valid.clone();
        for (Mutation m : mutations) {
            b = mutate(b, m);
        }
        survive(b);
    }

    /** Applies one corruption; most of them keep the total size in the header right so entries are reached. */
    static byte[] mutate(byte[] b, Mutation m) {
        Random r = new Random(m.seed());
        int at = b.length == 0 ? 0 : m.position() % b.length;
        switch (m.kind()) {
            case 0 -> { // truncate
                return Arrays.copyOf(b, at);
            }
            case 1 -> { // truncate, then claim the new size and end with a terminator
                byte[] t = Arrays.copyOf(b, Math.max(at, 7));
                ListpackLayout.putLE(t, 0, t.length, 4);
                t[t.length - 1] = (byte) 0xFF;
                return t;
            }
            case 2 -> { // flip one bit
                if (b.length > 0) {
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
                return b;
            }
            case 3 -> { // turn an entry-looking byte into a long-string header pointing far past the end
                if (b.length > 11) {
                    int p = Math.max(6, Math.min(at, b.length - 6));
                    b[p] = (byte) 0xF0;
                    ListpackLayout.putLE(b, p + 1, m.value(), 4);
                }
                return b;
            }
            case 4 -> { // 12-bit string length past the end
                if (b.length > 8) {
                    int p = Math.max(6, Math.min(at, b.length - 3));
                    b[p] = (byte) (0xE0 | (m.value() & 0x0F));
                    b[p + 1] = (byte) (m.value() >> 4);
                }
                return b;
            }
            case 5 -> { // wrong element count
                if (b.length > 6) {
                    ListpackLayout.putLE(b, 4, m.value(), 2);
                }
                return b;
            }
            case 6 -> { // insert random bytes, fix the size
                byte[] extra = new byte[1 + r.nextInt(12)];
                r.nextBytes(extra);
                byte[] t = new byte[b.length + extra.length];
                System.arraycopy(b, 0, t, 0, at);
                System.arraycopy(extra, 0, t, at, extra.length);
                System.arraycopy(b, at, t, at + extra.length, b.length - at);
                if (t.length >= 4) {
                    ListpackLayout.putLE(t, 0, t.length, 4);
                }
                return t;
            }
            default -> { // overwrite a random byte with a back-length-looking byte
                if (b.length > 0) {
                    b[at] = (byte) (0x80 | r.nextInt(128));
                }
                return b;
            }
        }
    }

    /**
     * A corrupt listpack adopted with shallow validation (as Redis does without sanitize-dump-payload): walking,
     * counting, seeking and finding end, either normally or with ListpackException (the one documented exception).
     */
    static void useShallowlyAdopted(byte[] b) {
        Listpack lp = Listpack.adopt(b.clone(), false);
        ListpackEntry e = new ListpackEntry();
        try {
            for (int p = lp.first(); p >= 0; p = lp.next(p)) {
                lp.get(p, e);
            }
        } catch (ListpackException expected) {
            // corrupt entries: reported, not looped on
        }
        try {
            for (int p = lp.last(); p >= 0; p = lp.prev(p)) {
                lp.getBytes(p);
            }
        } catch (ListpackException expected) {
            // same
        }
        try {
            lp.count();
            lp.seek(-2);
            lp.find("x".getBytes(StandardCharsets.US_ASCII), 1);
            lp.toList();
        } catch (ListpackException expected) {
            // same
        }
    }

    /** Validation and decoding succeed or throw ListpackException; anything else fails the property. */
    static void survive(byte[] b) {
        boolean shallowOk;
        try {
            Listpack.validate(b, false);
            shallowOk = true;
        } catch (ListpackException e) {
            assertTrue(e.offset() >= 0 && e.offset() <= Math.max(b.length, 7));
            shallowOk = false;
        }
        int n;
        try {
            n = Listpack.validate(b, true);
        } catch (ListpackException e) {
            assertTrue(e.offset() >= 0 && e.offset() <= Math.max(b.length, 7));
            Statistics.collect(shallowOk ? "rejected by deep validation" : "rejected by shallow validation");
            if (shallowOk) {
                useShallowlyAdopted(b);
            }
            try {
                Listpack.adopt(b.clone());
                throw new AssertionError("adopt accepted what validate rejected");
            } catch (ListpackException expected) {
                return;
            }
        }
        assertTrue(shallowOk, "deep validation passed where shallow failed");
        Statistics.collect("accepted");
        Listpack lp = Listpack.adopt(b.clone());
        List<byte[]> elements = lp.toList();
        assertEquals(n, elements.size());
        assertEquals(n, lp.count());
        long decoded = 0;
        for (byte[] e : elements) {
            decoded += e.length;
        }
        // an entry of k bytes decodes to at most max(k, 20) bytes: bounded by the input
        assertTrue(decoded <= 10L * b.length, "decoded " + decoded + " bytes from " + b.length);
        List<byte[]> backwards = new ArrayList<>();
        for (int p = lp.last(); p >= 0; p = lp.prev(p)) {
            backwards.add(0, lp.getBytes(p));
        }
        assertEquals(n, backwards.size());
        for (int i = 0; i < n; i++) {
            assertTrue(Arrays.equals(elements.get(i), backwards.get(i)));
        }
        // an accepted listpack stays usable: modify it and validate again
        lp.append("x".getBytes(StandardCharsets.US_ASCII));
        if (n > 0) {
            lp.delete(lp.first());
        }
        assertEquals(Math.max(n, 1), Listpack.validate(lp.toByteArray(), true));
    }
}
