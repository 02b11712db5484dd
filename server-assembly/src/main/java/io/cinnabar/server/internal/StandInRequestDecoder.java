package io.cinnabar.server.internal;

import java.util.List;

/**
 * TEMPORARY stand-in for resp-codec's {@code io.cinnabar.resp.RequestDecoder} (same method names), used only until
 * that module is merged into this branch. Multibulk and inline requests with Redis's limits and error texts; it
 * re-parses a pending command from its first byte on every call.
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class StandInRequestDecoder {
    static final int INCOMPLETE = 0;
    static final int COMMAND = 1;
    static final int ERROR = -1;

    private long maxBulk = 512L * 1024 * 1024;
    private boolean authRequired;
    private byte[] buffer;
    private int argc;
    private int[] off = new int[16];
    private int[] len = new int[16];
    private int consumed;
    private long required;
    private String error;
    private byte[] inline = new byte[64];

    void maxBulkLength(long n) {
        maxBulk = n;
    }

    void authRequired(boolean b) {
        authRequired = b;
    }

    int argc() {
        return argc;
    }

    int argOffset(int i) {
        return off[i];
    }

    int argLength(int i) {
        return len[i];
    }

    byte[] buffer() {
        return buffer;
    }

    int consumed() {
        return consumed;
    }

    long requiredBytes() {
        return required;
    }

    String error() {
        return error;
    }

    private int lineEnd(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\r' || b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void add(int o, int l) {
        if (argc == off.length) {
            off = java.util.Arrays.copyOf(off, argc * 2);
            len = java.util.Arrays.copyOf(len, argc * 2);
        }
        off[argc] = o;
        len[argc++] = l;
    }

    int decode(byte[] b, int from, int to) {
        base = from;
        buffer = b;
        consumed = 0;
        required = -1;
        error = null;
        while (true) {
            argc = 0;
            int p = from + consumed;
            if (p >= to) {
                return INCOMPLETE;
            }
            int r = b[p] == '*' ? multibulk(b, p, to) : inline(b, p, to);
            if (r != -2) {
                return r;
            }
        }
    }

    private int inline(byte[] b, int p, int to) {
        int nl = -1;
        for (int i = p; i < to; i++) {
            if (b[i] == '\n') {
                nl = i;
                break;
            }
        }
        if (nl < 0) {
            if (to - p > 64 * 1024) {
                error = "Protocol error: too big inline request";
                return ERROR;
            }
            return INCOMPLETE;
        }
        int end = nl > p && b[nl - 1] == '\r' ? nl - 1 : nl;
        String line = new String(b, p, end - p, java.nio.charset.StandardCharsets.ISO_8859_1);
        List<String> args = Args.split(line);
        consumed = nl + 1 - base;
        if (args == null) {
            error = "Protocol error: unbalanced quotes in request";
            return ERROR;
        }
        if (args.isEmpty()) {
            return -2;
        }
        int total = 0;
        for (String a : args) {
            total += a.length();
        }
        if (inline.length < total) {
            inline = new byte[total * 2];
        }
        buffer = inline;
        int o = 0;
        for (String a : args) {
            for (int i = 0; i < a.length(); i++) {
                inline[o + i] = (byte) a.charAt(i);
            }
            add(o, a.length());
            o += a.length();
        }
        return COMMAND;
    }

    private int base;

    private int multibulk(byte[] b, int p, int to) {
        int start = p;
        int e = lineEnd(b, p, to);
        if (e < 0 || e + 1 >= to) {
            if (to - p > 64 * 1024) {
                error = "Protocol error: too big mbulk count string";
                return ERROR;
            }
            return INCOMPLETE;
        }
        long[] out = new long[1];
        if (!Num.string2ll(b, p + 1, e - p - 1, out) || out[0] > Integer.MAX_VALUE) {
            error = "Protocol error: invalid multibulk length";
            return ERROR;
        }
        long n = out[0];
        if (authRequired && n > 10) {
            error = "Protocol error: unauthenticated multibulk length";
            return ERROR;
        }
        p = e + 2;
        if (n <= 0) {
            consumed = p - base;
            return -2;
        }
        for (long i = 0; i < n; i++) {
            if (p >= to) {
                return INCOMPLETE;
            }
            if (b[p] != '$') {
                error = "Protocol error: expected '$', got '" + (char) b[p] + "'";
                return ERROR;
            }
            e = lineEnd(b, p, to);
            if (e < 0 || e + 1 >= to) {
                if (to - p > 64 * 1024) {
                    error = "Protocol error: too big bulk count string";
                    return ERROR;
                }
                return INCOMPLETE;
            }
            if (!Num.string2ll(b, p + 1, e - p - 1, out) || out[0] < 0 || out[0] > maxBulk) {
                error = "Protocol error: invalid bulk length";
                return ERROR;
            }
            if (authRequired && out[0] > 16384) {
                error = "Protocol error: unauthenticated bulk length";
                return ERROR;
            }
            int l = (int) out[0];
            p = e + 2;
            if ((long) p + l + 2 > to) {
                required = (long) p + l + 2 - start;
                argc = 0;
                return INCOMPLETE;
            }
            add(p, l);
            p += l + 2;
        }
        consumed = p - base;
        return COMMAND;
    }
}
