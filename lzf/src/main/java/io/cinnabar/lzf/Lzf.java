package io.cinnabar.lzf;

import java.util.Objects;

/**
 * LZF as Redis uses it: decompression of untrusted input, validation, and (through {@link LzfCompressor})
 * compression whose output is byte for byte what Redis 7 writes for the same input.
 *
 * <h2>The compressed format</h2>
 * A stream is a sequence of chunks, each opened by a control byte:
 * <pre>
 *   000LLLLL  &lt;L+1 literal bytes&gt;            literal run of 1..32 bytes
 *   LLLooooo  oooooooo                         back reference, L in 1..6: copy L+2 bytes (3..8)
 *   111ooooo  LLLLLLLL  oooooooo               back reference, copy L+9 bytes (9..264)
 *
 *   o (13 bits) is the distance minus one: the copy starts at (output position - o - 1),
 *   so a reference reaches at most 8192 bytes back; source and destination may overlap,
 *   which is how runs are expressed ("ab" + ref(off 1, len 6) = "abababab").
 * </pre>
 * Worked example: forty {@code a} bytes compress to {@code 01 61 61 e0 1b 00 01 61 61}: a literal run of two
 * ({@code 01 "aa"}), a reference one byte back copying 7+27+2 = 36 bytes ({@code e0 1b 00}), and a literal run of
 * two more ({@code 01 "aa"}): Redis writes exactly these bytes ({@code LzfTest#workedExamples}).
 *
 * <p>The stream carries neither its compressed nor its decompressed length: Redis stores both next to it
 * (RDB {@code 0xC3 <clen> <len> <bytes>}; quicklist node {@code sz} and compressed size). Decompression is
 * therefore always given the expected length, and an input that produces anything else is rejected.
 *
 * <h2>Costs and limits</h2>
 * Decompression is O(output) and never reads or writes outside the given ranges. The largest expansion is
 * 264 output bytes for 3 input bytes, so {@link #MAX_EXPANSION} bounds the output a given input can justify:
 * callers reading untrusted lengths check {@link #plausible(int, int)} before allocating.
 *
 * <p><b>Note:</b> the static methods are thread-safe; {@link LzfCompressor} instances are not.
 */
public final class Lzf {
    /** Largest literal run a control byte can announce. */
    public static final int MAX_LITERAL = 1 << 5;
    /** Largest distance a back reference can reach. */
    public static final int MAX_OFFSET = 1 << 13;
    /** Longest copy a back reference can produce. */
    public static final int MAX_REFERENCE = (1 << 8) + (1 << 3);
    /** Upper bound of decompressed bytes per compressed byte: a 3-byte reference yields 264 bytes. */
    public static final int MAX_EXPANSION = MAX_REFERENCE / 3;

    private static final ThreadLocal<LzfCompressor> COMPRESSORS = ThreadLocal.withInitial(LzfCompressor::new);

    private Lzf() {
    }

    /**
     * Whether {@code compressedLength} bytes of LZF can possibly decompress to {@code length} bytes. Use it to
     * refuse lengths read from untrusted input before allocating the output.
     */
    public static boolean plausible(int compressedLength, int length) {
        return compressedLength > 0 && length > 0 && (long) length <= (long) compressedLength * MAX_EXPANSION;
    }

    /**
     * Compresses {@code in} as Redis would, or returns {@code null} when the result would not be shorter
     * than {@code maxOut} bytes (Redis passes {@code maxOut = len - 4} and then stores the string raw).
     */
    public static byte[] compress(byte[] in, int maxOut) {
        return COMPRESSORS.get().compress(in, maxOut);
    }

    /**
     * Decompresses {@code in[off, off+len)} into a new array of exactly {@code expectedLength} bytes.
     *
     * @throws LzfException if the input is corrupt or does not decompress to exactly that length
     */
    public static byte[] decompress(byte[] in, int off, int len, int expectedLength) {
        Objects.checkFromIndexSize(off, len, in.length);
        if (expectedLength < 0 || (expectedLength > 0 && !plausible(len, expectedLength))) {
            throw new LzfException("decompressed length " + expectedLength + " cannot come from " + len
                + " compressed bytes", 0);
        }
        byte[] out = new byte[expectedLength];
        int n = decompress(in, off, len, out, 0, expectedLength);
        if (n != expectedLength) {
            throw new LzfException("decompressed to " + n + " bytes, expected " + expectedLength, len);
        }
        return out;
    }

    /**
     * Decompresses {@code in[off, off+len)} into {@code out[outOff, outOff+outLen)}.
     *
     * @return the number of bytes written
     * @throws LzfException if the input is corrupt or needs more than {@code outLen} bytes of output
     */
    public static int decompress(byte[] in, int off, int len, byte[] out, int outOff, int outLen) {
        Objects.checkFromIndexSize(off, len, in.length);
        Objects.checkFromIndexSize(outOff, outLen, out.length);
        final int inEnd = off + len;
        final int outEnd = outOff + outLen;
        int ip = off;
        int op = outOff;
        while (ip < inEnd) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < MAX_LITERAL) {
                int run = ctrl + 1;
                if (run > inEnd - ip) {
                    throw new LzfException("literal run of " + run + " bytes passes the end of the input", ip - 1 - off);
                }
                if (run > outEnd - op) {
                    throw new LzfException("output larger than " + outLen + " bytes", ip - 1 - off);
                }
                System.arraycopy(in, ip, out, op, run);
                ip += run;
                op += run;
            } else {
                int start = ip - 1;
                int copy = ctrl >>> 5;
                if (copy == 7) {
                    if (ip >= inEnd) {
                        throw new LzfException("back reference cut short", start - off);
                    }
                    copy += in[ip++] & 0xff;
                }
                if (ip >= inEnd) {
                    throw new LzfException("back reference cut short", start - off);
                }
                int ref = op - ((ctrl & 0x1f) << 8) - 1 - (in[ip++] & 0xff);
                copy += 2;
                if (ref < outOff) {
                    throw new LzfException("back reference before the start of the output", start - off);
                }
                if (copy > outEnd - op) {
                    throw new LzfException("output larger than " + outLen + " bytes", start - off);
                }
                if (op - ref >= copy) {
                    System.arraycopy(out, ref, out, op, copy);
                    op += copy;
                } else {
                    for (int i = 0; i < copy; i++) {
                        out[op++] = out[ref++];
                    }
                }
            }
        }
        return op - outOff;
    }

    /**
     * Checks that {@code in[off, off+len)} is an LZF stream decompressing to exactly {@code expectedLength}
     * bytes, without allocating. Shallow validation checks only that the lengths are plausible; deep
     * validation walks every chunk.
     *
     * @throws LzfException naming the offset of the first problem
     */
    public static void validate(byte[] in, int off, int len, int expectedLength, boolean deep) {
        Objects.checkFromIndexSize(off, len, in.length);
        if (expectedLength < 0 || (expectedLength > 0 && !plausible(len, expectedLength))
            || (expectedLength == 0 && len != 0)) {
            throw new LzfException("decompressed length " + expectedLength + " cannot come from " + len
                + " compressed bytes", 0);
        }
        if (!deep) {
            return;
        }
        final int inEnd = off + len;
        long op = 0;
        int ip = off;
        while (ip < inEnd) {
            int start = ip;
            int ctrl = in[ip++] & 0xff;
            if (ctrl < MAX_LITERAL) {
                int run = ctrl + 1;
                if (run > inEnd - ip) {
                    throw new LzfException("literal run of " + run + " bytes passes the end of the input", start - off);
                }
                ip += run;
                op += run;
            } else {
                int copy = ctrl >>> 5;
                if (copy == 7) {
                    if (ip >= inEnd) {
                        throw new LzfException("back reference cut short", start - off);
                    }
                    copy += in[ip++] & 0xff;
                }
                if (ip >= inEnd) {
                    throw new LzfException("back reference cut short", start - off);
                }
                long distance = ((ctrl & 0x1f) << 8) + 1 + (in[ip++] & 0xff);
                if (distance > op) {
                    throw new LzfException("back reference before the start of the output", start - off);
                }
                op += copy + 2;
            }
            if (op > expectedLength) {
                throw new LzfException("output larger than " + expectedLength + " bytes", start - off);
            }
        }
        if (op != expectedLength) {
            throw new LzfException("decompressed to " + op + " bytes, expected " + expectedLength, len);
        }
    }
}
