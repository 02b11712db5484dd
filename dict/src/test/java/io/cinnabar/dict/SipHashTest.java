package io.cinnabar.dict;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class SipHashTest {
    /** Key 00 01 .. 0f, as in the SipHash paper's test vectors. */
    private static final byte[] KEY = new byte[16];

    static {
        for (int i = 0; i < 16; i++) {
            KEY[i] = (byte) i;
        }
    }

    /**
     * SipHash-2-4 of the messages 00, 00 01, ... (lengths 0..63) under key 00..0f: the paper's vectors, as
     * little-endian 64-bit words (the same table Redis's siphash.c tests against).
     */
    private static final long[] SIP24 = {
        0x726fdb47dd0e0e31L, 0x74f839c593dc67fdL, 0x0d6c8009d9a94f5aL, 0x85676696d7fb7e2dL,
        0xcf2794e0277187b7L, 0x18765564cd99a68dL, 0xcbc9466e58fee3ceL, 0xab0200f58b01d137L,
        0x93f5f5799a932462L, 0x9e0082df0ba9e4b0L, 0x7a5dbbc594ddb9f3L, 0xf4b32f46226bada7L,
        0x751e8fbc860ee5fbL, 0x14ea5627c0843d90L, 0xf723ca908e7af2eeL, 0xa129ca6149be45e5L,
        0x3f2acc7f57c29bdbL, 0x699ae9f52cbe4794L, 0x4bc1b3f0968dd39cL, 0xbb6dc91da77961bdL,
        0xbed65cf21aa2ee98L, 0xd0f2cbb02e3b67c7L, 0x93536795e3a33e88L, 0xa80c038ccd5ccec8L,
        0xb8ad50c6f649af94L, 0xbce192de8a85b8eaL, 0x17d835b85bbb15f3L, 0x2f2e6163076bcfadL,
        0xde4daaaca71dc9a5L, 0xa6a2506687956571L, 0xad87a3535c49ef28L, 0x32d892fad841c342L,
        0x7127512f72f27cceL, 0xa7f32346f95978e3L, 0x12e0b01abb051238L, 0x15e034d40fa197aeL,
        0x314dffbe0815a3b4L, 0x027990f029623981L, 0xcadcd4e59ef40c4dL, 0x9abfd8766a33735cL,
        0x0e3ea96b5304a7d0L, 0xad0c42d6fc585992L, 0x187306c89bc215a9L, 0xd4a60abcf3792b95L,
        0xf935451de4f21df2L, 0xa9538f0419755787L, 0xdb9acddff56ca510L, 0xd06c98cd5c0975ebL,
        0xe612a3cb9ecba951L, 0xc766e62cfcadaf96L, 0xee64435a9752fe72L, 0xa192d576b245165aL,
        0x0a8787bf8ecb74b2L, 0x81b3e73d20b49b6fL, 0x7fa8220ba3b2eceaL, 0x245731c13ca42499L,
        0xb78dbfaf3a8d83bdL, 0xea1ad565322a1a0bL, 0x60e61c23a3795013L, 0x6606d7e446282b93L,
        0x6ca4ecb15c5f91e1L, 0x9f626da15c9625f3L, 0xe51b38608ef25f57L, 0x958a324ceb064572L,
    };

    /**
     * SipHash-1-2 of the same messages under the same key: produced by Redis's own {@code siphash()} (which is
     * 1-2) compiled from src/siphash.c, used here as the reference.
     */
    private static final long[] SIP12 = {
        0xcea28b51565c12e2L, 0x94aaf38c34ce7ba6L, 0xfe7a42c2c5fab434L, 0x1c0d255229c3364cL,
        0x8be7847a474dfdf5L, 0x2858f0420f752296L, 0xe61a8a7d8ac52626L, 0xf03c4cbcf492b05aL,
        0x606845b4d093af74L, 0xe304e78271c74a56L, 0xc936e00e33b32633L, 0x226212e5f29ab45cL,
        0xa4377b74fbbfe0daL, 0x624317667190806fL, 0x4a72ad78e3e197d7L, 0xec8f61bc1c8966a6L,
        0x1311f4dfe747a751L, 0x899c7b292c85339cL, 0xa3b20ae95368b5ddL, 0xb613412ee70eefceL,
        0xe4247448e02aa65aL, 0x7e041ab05b9fee13L, 0x871bc8cc515684feL, 0x436662cf8cde1a76L,
        0xd5fd6251d879f3a2L, 0x82c424b8c1744fe7L, 0x967028a3aba506d5L, 0xf2179336b1ddbf10L,
        0xdef90e3211d9aa84L, 0xa33e74ba1d89ae41L, 0xed0920815dc55e0eL, 0x3d9450fef5eaa3b3L,
        0x8bd10d4a226548bcL, 0xb0dfbbd1a243bfa1L, 0x365f27632baf7303L, 0x545100bc1366dcf9L,
        0x611b500c069bb1b4L, 0xc7bc320c00c54c5aL, 0x5e0af95633715151L, 0x1443529b74c90453L,
        0x1634523d495d5230L, 0x75958e88d02999f2L, 0x1295663c11127d2bL, 0xcdb2696d6a9bd60dL,
        0x36712f75aaf32cefL, 0xae62d7408dc29d3fL, 0xd8eb27deb0abba06L, 0xc24d440279e9ed9fL,
        0x327d416c3fb96508L, 0x84bc07d711537949L, 0xc480fb0251dbfaceL, 0xff513fb91356eb67L,
        0x9cd4dc2c38a39e31L, 0x3cbd87ea4988b51aL, 0x7b735caca5b1397bL, 0x1f2319ee309ba4e1L,
        0x5834e51f881c96f9L, 0x1a8588a92b5770d7L, 0xd437a8e6ded16e58L, 0xf51e09a0226ae839L,
        0xfebb93e58a6cca86L, 0xa31e05072d42c065L, 0xad7b019fe5fc8b4cL, 0xff6d07afacbad6d9L,
    };

    private static byte[] message(int len) {
        byte[] m = new byte[len];
        for (int i = 0; i < len; i++) {
            m[i] = (byte) i;
        }
        return m;
    }

    @Test
    void sipHash24MatchesThePaperVectors() {
        long k0 = SipHash.k0(KEY);
        long k1 = SipHash.k1(KEY);
        for (int len = 0; len < 64; len++) {
            assertEquals(SIP24[len], SipHash.sipHash24(k0, k1, message(len), 0, len), "length " + len);
        }
    }

    @Test
    void sipHash12MatchesRedis() {
        long k0 = SipHash.k0(KEY);
        long k1 = SipHash.k1(KEY);
        for (int len = 0; len < 64; len++) {
            assertEquals(SIP12[len], SipHash.sipHash12(k0, k1, message(len), 0, len), "length " + len);
        }
        byte[] seed = "1234567812345678".getBytes(StandardCharsets.US_ASCII);
        byte[] hello = "hello world".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x89cb5e38dae0f000L, SipHash.sipHash12(SipHash.k0(seed), SipHash.k1(seed), hello, 0, 11));
    }

    @Test
    void slicesHashLikeTheirBytes() {
        byte[] buf = message(80);
        long k0 = SipHash.k0(KEY);
        long k1 = SipHash.k1(KEY);
        for (int off = 0; off < 16; off++) {
            for (int len = 0; len < 64; len++) {
                byte[] copy = java.util.Arrays.copyOfRange(buf, off, off + len);
                assertEquals(SipHash.sipHash12(k0, k1, copy, 0, len), SipHash.sipHash12(k0, k1, buf, off, len));
            }
        }
    }

    @Test
    void noCaseAsInRedisSelfTest() {
        byte[] seed = "1234567812345678".getBytes(StandardCharsets.US_ASCII);
        long k0 = SipHash.k0(seed);
        long k1 = SipHash.k1(seed);
        byte[] lower = "hello world".getBytes(StandardCharsets.US_ASCII);
        byte[] upper = "HELLO world".getBytes(StandardCharsets.US_ASCII);
        assertEquals(SipHash.sipHash12(k0, k1, lower, 0, 11), SipHash.sipHash12NoCase(k0, k1, lower, 0, 11));
        assertEquals(SipHash.sipHash12(k0, k1, lower, 0, 11), SipHash.sipHash12NoCase(k0, k1, upper, 0, 11));
        assertNotEquals(SipHash.sipHash12(k0, k1, upper, 0, 11), SipHash.sipHash12NoCase(k0, k1, upper, 0, 11));
    }

    @Test
    void swarLowerCaseMatchesBytewiseForEveryByte() {
        for (int x = 0; x < 256; x++) {
            for (int pos = 0; pos < 8; pos++) {
                long word = ((long) x << (pos * 8)) | 0x4142_5a5b_6061_7a40L & ~(0xffL << (pos * 8));
                long expected = 0;
                for (int b = 0; b < 8; b++) {
                    int c = (int) (word >>> (b * 8)) & 0xff;
                    if (c >= 'A' && c <= 'Z') {
                        c += 32;
                    }
                    expected |= (long) c << (b * 8);
                }
                assertEquals(expected, SipHash.lowerAscii(word), "byte " + x + " at " + pos);
            }
        }
    }

    @Property(tries = 500)
    void noCaseEqualsHashOfLowerCased(@ForAll @Size(max = 70) byte[] in, @ForAll long k0, @ForAll long k1) {
        byte[] lower = in.clone();
        for (int i = 0; i < lower.length; i++) {
            if (lower[i] >= 'A' && lower[i] <= 'Z') {
                lower[i] += 32;
            }
        }
        assertEquals(SipHash.sipHash12(k0, k1, lower, 0, lower.length),
            SipHash.sipHash12NoCase(k0, k1, in, 0, in.length));
    }
}
