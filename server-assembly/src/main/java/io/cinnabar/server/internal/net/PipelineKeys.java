package io.cinnabar.server.internal.net;

import io.cinnabar.server.internal.keyspace.Db;

/**
 * The first argument (the key, for most commands) of each complete command waiting in a pipelined client's query
 * buffer, found ahead of running them so that the keyspace can read their buckets and entries together
 * ({@link Db#readAhead}): with 16 commands per read, one lookup after the other waits for memory 16 times over.
 * <p>
 * A scan, never a parse: it reads {@code *<n>\r\n} and n {@code $<len>\r\n<len bytes>\r\n} and stops, with no error,
 * at anything else (an inline command, a command not complete yet, a malformed one): the {@code RequestDecoder} that
 * runs the commands afterwards judges the bytes. Reads only inside {@code [from, to)}, keeps no reference to the
 * buffer, allocates nothing. What it picks need not be a key (a command whose first argument is not one, or a
 * {@code SELECT} in between): a wasted read then, nothing else.
 * <p>
 * Why not a second {@code RequestDecoder} over the same bytes: the decoder is a stateful parser with limits, errors
 * and inline commands, and records every argument of a command (MSET's values too); what is needed here is only
 * where each command's first argument lies, and stopping early costs nothing (the lookups just wait for memory as
 * before). O(header bytes) per command: bulk payloads are skipped by their length, never read.
 * <p><b>Note:</b> This class is not threadsafe (one per event loop).
 */
final class PipelineKeys {
    /** The most commands one scan takes. */
    static final int MAX = Db.KEYS_AHEAD;
    /** Bulk lengths above this stop the scan (nine digits: no int overflow). */
    private static final int MAX_DIGITS = 9;

    final int[] off = new int[MAX];
    final int[] len = new int[MAX];
    /** Keys found by the last {@link #scan}. */
    int count;

    /**
     * Scans complete commands from {@code from} (at most {@value #MAX}, counting those without a first argument) and
     * records the first argument of each; returns where the last complete command scanned ends ({@code from} when
     * none is).
     */
    int scan(byte[] buf, int from, int to) {
        count = 0;
        int p = from;
        for (int cmds = 0; cmds < MAX && p < to; cmds++) {
            int q = command(buf, p, to);
            if (q < 0) {
                break;
            }
            p = q;
        }
        return p;
    }

    /** One multibulk command at p: its end, or -1 (not complete, or not the plain form). */
    private int command(byte[] buf, int p, int to) {
        if (buf[p] != '*') {
            return -1;
        }
        long n = number(buf, p + 1, to);
        if (n < 0) {
            return -1;
        }
        p = (int) (n >>> 32);
        int argc = (int) n;
        int keyOff = 0;
        int keyLen = -1;
        for (int a = 0; a < argc; a++) {
            if (p >= to || buf[p] != '$') {
                return -1;
            }
            long l = number(buf, p + 1, to);
            if (l < 0) {
                return -1;
            }
            int start = (int) (l >>> 32);
            int length = (int) l;
            long end = (long) start + length;
            if (end + 2 > to || buf[(int) end] != '\r' || buf[(int) end + 1] != '\n') {
                return -1;
            }
            if (a == 1) {
                keyOff = start;
                keyLen = length;
            }
            p = (int) end + 2;
        }
        if (keyLen >= 0) {
            off[count] = keyOff;
            len[count] = keyLen;
            count++;
        }
        return p;
    }

    /**
     * The decimal digits at p up to "\r\n": (position after the "\n") << 32 | value, or -1 when there is no digit,
     * more than {@value #MAX_DIGITS}, another byte, or the end of the bytes first.
     */
    private static long number(byte[] buf, int p, int to) {
        int v = 0;
        int digits = 0;
        while (p < to) {
            byte c = buf[p];
            if (c == '\r') {
                if (digits == 0 || p + 1 >= to || buf[p + 1] != '\n') {
                    return -1;
                }
                return ((long) (p + 2) << 32) | v;
            }
            if (c < '0' || c > '9' || ++digits > MAX_DIGITS) {
                return -1;
            }
            v = v * 10 + (c - '0');
            p++;
        }
        return -1;
    }
}
