package io.cinnabar.dict;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * SipHash, the keyed hash Redis uses for every hash table: SipHash-1-2 (one compression round per 8-byte
 * block, two finalization rounds) with a 128-bit key drawn at random once per process, so that nobody outside
 * the process can predict which keys collide (hash flooding). {@link #sipHash24} is the standard 2-4 variant
 * from the SipHash paper, kept because its published vectors pin the shared algorithm.
 *
 * <h2>Algorithm</h2>
 * <pre>
 *   key k = k0 || k1 (two little-endian 64-bit words of the 16-byte key)
 *   v0 = k0 ^ 0x736f6d6570736575   v1 = k1 ^ 0x646f72616e646f6d
 *   v2 = k0 ^ 0x6c7967656e657261   v3 = k1 ^ 0x7465646279746573
 *   for each full 8-byte little-endian word m:   v3 ^= m; c x SipRound; v0 ^= m
 *   last word b = (len mod 256) &lt;&lt; 56 | the 0..7 remaining bytes (little-endian)
 *                                                v3 ^= b; c x SipRound; v0 ^= b
 *   v2 ^= 0xff; d x SipRound; return v0 ^ v1 ^ v2 ^ v3
 *
 *   SipRound: v0 += v1; v1 = rotl(v1,13) ^ v0; v0 = rotl(v0,32);
 *             v2 += v3; v3 = rotl(v3,16) ^ v2;
 *             v0 += v3; v3 = rotl(v3,21) ^ v0;
 *             v2 += v1; v1 = rotl(v1,17) ^ v2; v2 = rotl(v2,32)
 * </pre>
 * The case-insensitive variant ({@code siphash_nocase} in Redis) maps bytes {@code 'A'..'Z'} to
 * {@code 'a'..'z'} as it reads them (no locale, other bytes unchanged), so it equals SipHash-1-2 of the
 * ASCII-lower-cased input without building that copy. Redis uses it for the command table.
 *
 * <h2>Cost</h2>
 * O(len): one SipRound per 8 input bytes plus three; no allocation.
 *
 * <p><b>Note:</b> the static methods are thread-safe (they keep no state).
 */
public final class SipHash {
    private static final VarHandle LONG_LE =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final long C0 = 0x736f6d6570736575L;
    private static final long C1 = 0x646f72616e646f6dL;
    private static final long C2 = 0x6c7967656e657261L;
    private static final long C3 = 0x7465646279746573L;

    /** The per-process random seed: 16 bytes from {@link SecureRandom}, drawn once when this class loads. */
    private static final byte[] PROCESS_SEED = new byte[16];

    static {
        new SecureRandom().nextBytes(PROCESS_SEED);
    }

    private SipHash() {
    }

    /** A copy of this process's random 16-byte seed (Redis: {@code dictGetHashFunctionSeed}). */
    public static byte[] processSeed() {
        return PROCESS_SEED.clone();
    }

    /** The first key word ({@code k0}) of a 16-byte seed: bytes 0..7, little-endian. */
    public static long k0(byte[] seed) {
        checkSeed(seed);
        return (long) LONG_LE.get(seed, 0);
    }

    /** The second key word ({@code k1}) of a 16-byte seed: bytes 8..15, little-endian. */
    public static long k1(byte[] seed) {
        checkSeed(seed);
        return (long) LONG_LE.get(seed, 8);
    }

    private static void checkSeed(byte[] seed) {
        if (seed.length != 16) {
            throw new IllegalArgumentException("a SipHash key has 16 bytes, got " + seed.length);
        }
    }

    /** SipHash-1-2 of {@code in[off, off+len)} under key ({@code k0}, {@code k1}): Redis's {@code siphash}. */
    public static long sipHash12(long k0, long k1, byte[] in, int off, int len) {
        Objects.checkFromIndexSize(off, len, in.length);
        return hash(1, 2, false, k0, k1, in, off, len);
    }

    /**
     * Case-insensitive SipHash-1-2 (Redis's {@code siphash_nocase}): equal to {@link #sipHash12} of the input
     * with ASCII {@code A-Z} lower-cased.
     */
    public static long sipHash12NoCase(long k0, long k1, byte[] in, int off, int len) {
        Objects.checkFromIndexSize(off, len, in.length);
        return hash(1, 2, true, k0, k1, in, off, len);
    }

    /** Standard SipHash-2-4 (the paper's recommended variant) of {@code in[off, off+len)}. */
    public static long sipHash24(long k0, long k1, byte[] in, int off, int len) {
        Objects.checkFromIndexSize(off, len, in.length);
        return hash(2, 4, false, k0, k1, in, off, len);
    }

    /** SipHash-c-d; bounds already checked. */
    static long hash(int c, int d, boolean nocase, long k0, long k1, byte[] in, int off, int len) {
        long v0 = k0 ^ C0;
        long v1 = k1 ^ C1;
        long v2 = k0 ^ C2;
        long v3 = k1 ^ C3;
        int end = off + (len & ~7);
        for (int p = off; p < end; p += 8) {
            long m = (long) LONG_LE.get(in, p);
            if (nocase) {
                m = lowerAscii(m);
            }
            v3 ^= m;
            for (int r = 0; r < c; r++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        long b = tail(in, end, len & 7, nocase) | ((long) len << 56);
        v3 ^= b;
        for (int r = 0; r < c; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        v0 ^= b;
        v2 ^= 0xff;
        for (int r = 0; r < d; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    /** The 0..7 trailing bytes as the low bytes of a little-endian word. */
    private static long tail(byte[] in, int p, int left, boolean nocase) {
        long b = 0;
        for (int i = left - 1; i >= 0; i--) {
            int x = in[p + i] & 0xff;
            if (nocase && x >= 'A' && x <= 'Z') {
                x += 'a' - 'A';
            }
            b = (b << 8) | x;
        }
        return b;
    }

    /**
     * Lower-cases the ASCII upper-case letters of the 8 bytes packed in {@code m}, leaving every other byte
     * alone (SWAR: per byte, bit 0x80 of {@code (x + 0x3f) & ~(x + 0x25)} is set exactly when 0x41 &lt;= x &lt;= 0x5a
     * for x &lt; 0x80; bytes with the top bit set are masked out).
     */
    static long lowerAscii(long m) {
        long low7 = m & 0x7f7f7f7f7f7f7f7fL;
        long geA = low7 + 0x3f3f3f3f3f3f3f3fL;   // bit 7 set when x >= 0x41
        long gtZ = low7 + 0x2525252525252525L;   // bit 7 set when x >= 0x5b
        long upper = geA & ~gtZ & ~m & 0x8080808080808080L;
        return m | (upper >>> 2);                // 0x80 >>> 2 = 0x20
    }

    /** Whether {@code a} equals {@code b[off, off+len)} ignoring ASCII case (Redis: {@code strcasecmp} == 0). */
    static boolean equalsIgnoreAsciiCase(byte[] a, byte[] b, int off, int len) {
        if (a.length != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            int x = a[i];
            int y = b[off + i];
            if (x != y && lower(x) != lower(y)) {
                return false;
            }
        }
        return true;
    }

    private static int lower(int x) {
        return x >= 'A' && x <= 'Z' ? x + ('a' - 'A') : x;
    }
}
