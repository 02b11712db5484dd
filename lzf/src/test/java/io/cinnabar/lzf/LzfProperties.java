package io.cinnabar.lzf;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LzfProperties {

    /** Text-like input with repeats, so that back references of every length and distance occur. */
    @Provide
    Arbitrary<byte[]> compressible() {
        return Arbitraries.integers().between(0, 20_000).flatMap(n ->
            Arbitraries.integers().between(1, 12).map(alphabet -> {
                java.util.Random r = new java.util.Random((long) n * 31 + alphabet);
                byte[] b = new byte[n];
                int i = 0;
                while (i < n) {
                    if (i > 10 && r.nextInt(3) == 0) {
                        int dist = 1 + r.nextInt(Math.min(i, 9000));
                        int len = Math.min(n - i, 1 + r.nextInt(300));
                        for (int k = 0; k < len; k++, i++) {
                            b[i] = b[i - dist];
                        }
                    } else {
                        b[i++] = (byte) ('a' + r.nextInt(alphabet));
                    }
                }
                return b;
            }));
    }

    @Property(tries = 300)
    void compressThenDecompressIsIdentity(@ForAll("compressible") byte[] in) {
        byte[] c = Lzf.compress(in, in.length + in.length / 16 + 64);
        if (in.length == 0) {
            assertEquals(null, c);
            return;
        }
        Lzf.validate(c, 0, c.length, in.length, true);
        assertArrayEquals(in, Lzf.decompress(c, 0, c.length, in.length));
    }

    @Property(tries = 300)
    void randomBytesRoundTripToo(@ForAll @Size(max = 3000) byte[] in) {
        byte[] c = Lzf.compress(in, in.length + in.length / 16 + 64);
        if (in.length > 0) {
            assertArrayEquals(in, Lzf.decompress(c, 0, c.length, in.length));
        }
    }

    /** Whatever the bytes, decompression either succeeds or throws LzfException: never another exception. */
    @Property(tries = 2000)
    void hostileInputOnlyEverThrowsLzfException(@ForAll @Size(max = 200) byte[] in,
                                                @ForAll @IntRange(min = 0, max = 70_000) int expected) {
        boolean validated;
        try {
            Lzf.validate(in, 0, in.length, expected, true);
            validated = true;
        } catch (LzfException e) {
            validated = false;
        }
        try {
            byte[] out = Lzf.decompress(in, 0, in.length, expected);
            assertEquals(expected, out.length);
            assertEquals(true, validated, "validate rejected what decompress accepted");
        } catch (LzfException e) {
            assertEquals(false, validated, "validate accepted what decompress rejected: " + e.getMessage());
        }
    }

    /** Mutations of valid streams: truncation and bit flips. */
    @Property(tries = 1000)
    void mutatedStreamsOnlyEverThrowLzfException(@ForAll("compressible") byte[] in,
                                                 @ForAll @IntRange(min = 0, max = 1 << 20) int where,
                                                 @ForAll @IntRange(min = 0, max = 7) int bit,
                                                 @ForAll boolean truncate) {
        if (in.length < 8) {
            return;
        }
        byte[] c = Lzf.compress(in, in.length + 64);
        byte[] m = truncate ? Arrays.copyOf(c, where % c.length) : c.clone();
        if (!truncate) {
            m[where % m.length] ^= (byte) (1 << bit);
        }
        try {
            Lzf.validate(m, 0, m.length, in.length, true);
            Lzf.decompress(m, 0, m.length, in.length);
        } catch (LzfException expected) {
            // the documented failure
        }
    }
}
