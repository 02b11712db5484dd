package io.cinnabar.lzf;

import java.util.Arrays;
import java.util.Objects;

/**
 * An LZF compressor that produces the bytes Redis (3.2 and later) produces for the same input: liblzf in
 * Redis's configuration, a 2<sup>16</sup>-slot hash table indexed by {@code ((h >> 8) - h*5)} of three bytes,
 * "very fast" mode (after a match only its last two positions are hashed), matches allowed up to the last
 * byte of the input. Redis 2.8 refused matches that end within four bytes of the end; its output differs
 * only there, and both decompress alike.
 *
 * <p>The hash table maps a hash of three input bytes to the last position where they were seen. Redis leaves
 * the table uninitialised between calls (its stale pointers can never point into a new input); this class
 * gets the same effect without clearing 256 KB per call: each call stores positions offset by a running
 * base, so entries from earlier calls fall below the current base and are ignored. The table is cleared
 * only when the base would overflow.
 *
 * <p>Cost: O(n) time for n input bytes; 256 KB of table per instance, allocated once.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class LzfCompressor {
    private static final int HLOG = 16;
    private static final int HSIZE = 1 << HLOG;

    private final int[] table = new int[HSIZE];
    private int base;

    /**
     * Compresses {@code in}, returning {@code null} when the output would need more than {@code maxOut}
     * bytes (the caller then stores the input as it is).
     */
    public byte[] compress(byte[] in, int maxOut) {
        if (maxOut <= 0) {
            return null;
        }
        byte[] out = new byte[maxOut];
        int n = compress(in, 0, in.length, out, 0, maxOut);
        return n == 0 ? null : Arrays.copyOf(out, n);
    }

    /**
     * Compresses {@code in[off, off+len)} into {@code out[outOff, outOff+outLen)}.
     *
     * @return the compressed length, or 0 when it does not fit in {@code outLen} bytes or the input is empty
     */
    public int compress(byte[] in, int off, int len, byte[] out, int outOff, int outLen) {
        Objects.checkFromIndexSize(off, len, in.length);
        Objects.checkFromIndexSize(outOff, outLen, out.length);
        if (len == 0 || outLen == 0) {
            return 0;
        }
        if (base > Integer.MAX_VALUE - len - 1) {
            Arrays.fill(table, 0);
            base = 0;
        }
        int b = base;
        base += len + 1;
        return compress0(in, off, len, out, outOff, outOff + outLen, b);
    }

    private static int index(int h) {
        return ((h >>> (3 * 8 - HLOG)) - h * 5) & (HSIZE - 1);
    }

    private int compress0(byte[] in, int off, int inEnd, byte[] out, int outOff, int outEnd, int b) {
        final int[] htab = table;
        int ip = 0;
        int op = outOff;
        int lit = 0;
        op++; // start a literal run: its control byte is written when the run ends
        int hval = inEnd >= 2 ? ((in[off] & 0xff) << 8) | (in[off + 1] & 0xff) : 0;
        while (ip < inEnd - 2) {
            hval = (hval << 8) | (in[off + ip + 2] & 0xff);
            int slot = index(hval);
            int ref = htab[slot] - b;
            htab[slot] = b + ip;
            int distance = ip - ref - 1;
            if (ref > 0 && distance < Lzf.MAX_OFFSET
                && in[off + ref] == in[off + ip]
                && in[off + ref + 1] == in[off + ip + 1]
                && in[off + ref + 2] == in[off + ip + 2]) {
                if (op + 3 + 1 >= outEnd && op - (lit == 0 ? 1 : 0) + 3 + 1 >= outEnd) {
                    return 0; // no room for the reference and the next run's control byte
                }
                int len = matchLength(in, off + ref, off + ip, Math.min(inEnd - ip - 2, Lzf.MAX_REFERENCE));
                out[op - lit - 1] = (byte) (lit - 1); // close the literal run
                if (lit == 0) {
                    op--; // an empty run has no control byte
                }
                len -= 2; // now the number of bytes minus one, as the format encodes it
                ip++;
                if (len < 7) {
                    out[op++] = (byte) ((distance >>> 8) + (len << 5));
                } else {
                    out[op++] = (byte) ((distance >>> 8) + (7 << 5));
                    out[op++] = (byte) (len - 7);
                }
                out[op++] = (byte) distance;
                lit = 0;
                op++;
                ip += len + 1;
                if (ip >= inEnd - 2) {
                    break;
                }
                // "very fast" mode: hash only the two positions before the new one
                ip -= 2;
                hval = ((in[off + ip] & 0xff) << 8) | (in[off + ip + 1] & 0xff);
                hval = (hval << 8) | (in[off + ip + 2] & 0xff);
                htab[index(hval)] = b + ip;
                ip++;
                hval = (hval << 8) | (in[off + ip + 2] & 0xff);
                htab[index(hval)] = b + ip;
                ip++;
            } else {
                if (op >= outEnd) {
                    return 0;
                }
                lit++;
                out[op++] = in[off + ip++];
                if (lit == Lzf.MAX_LITERAL) {
                    out[op - lit - 1] = (byte) (lit - 1);
                    lit = 0;
                    op++;
                }
            }
        }
        if (op + 3 > outEnd) {
            return 0;
        }
        while (ip < inEnd) {
            lit++;
            out[op++] = in[off + ip++];
            if (lit == Lzf.MAX_LITERAL) {
                out[op - lit - 1] = (byte) (lit - 1);
                lit = 0;
                op++;
            }
        }
        out[op - lit - 1] = (byte) (lit - 1);
        if (lit == 0) {
            op--;
        }
        return op - outOff;
    }

    /**
     * The match length liblzf computes: three bytes are known equal; it then compares 16 more bytes without
     * looking at {@code maxLen} when {@code maxLen > 16}, and continues byte by byte up to {@code maxLen}.
     * The count can therefore exceed {@code maxLen} by up to two, which stays inside the input because
     * {@code maxLen} was computed two bytes short.
     */
    private static int matchLength(byte[] in, int ref, int ip, int maxLen) {
        int len = 2;
        if (maxLen > 16) {
            for (int k = 0; k < 16; k++) {
                len++;
                if (in[ref + len] != in[ip + len]) {
                    return len;
                }
            }
        }
        do {
            len++;
        } while (len < maxLen && in[ref + len] == in[ip + len]);
        return len;
    }
}
