package io.cinnabar.server.internal.command;

import io.cinnabar.sds.Numbers;
import java.nio.charset.StandardCharsets;

/**
 * What a command propagates instead of itself, in Redis's forms (relative expiry made absolute, GETDEL as DEL,
 * INCRBYFLOAT as SET ... KEEPTTL, a blocking pop as its plain form ...). Each helper checks
 * {@link PropagationHook#active()} first, so that nothing is built when nothing consumes propagation.
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class Rewrites {
    public static final byte[] SET = ascii("SET");
    public static final byte[] DEL = ascii("DEL");
    public static final byte[] PXAT = ascii("PXAT");
    public static final byte[] PEXPIREAT = ascii("PEXPIREAT");
    public static final byte[] PERSIST = ascii("PERSIST");
    public static final byte[] KEEPTTL = ascii("KEEPTTL");
    public static final byte[] HSET = ascii("HSET");
    public static final byte[] SREM = ascii("SREM");
    public static final byte[] LPOP = ascii("LPOP");
    public static final byte[] RPOP = ascii("RPOP");
    public static final byte[] ZPOPMIN = ascii("ZPOPMIN");
    public static final byte[] ZPOPMAX = ascii("ZPOPMAX");
    public static final byte[] LMOVE = ascii("LMOVE");
    public static final byte[] RPOPLPUSH = ascii("RPOPLPUSH");
    public static final byte[] ABSTTL = ascii("ABSTTL");

    private Rewrites() {
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] num(long v) {
        return Numbers.ll2bytes(v);
    }

    /** Whether anything consumes what commands propagate. */
    public static boolean active(Client c) {
        return c.server.propagation != null && c.server.propagation.active();
    }

    /** c propagates argv instead of itself. */
    public static void rewrite(Client c, byte[]... argv) {
        if (active(c)) {
            c.server.propagation.rewrite(c, argv);
        }
    }

    /** c propagates argv before its own entry. */
    public static void also(Client c, byte[]... argv) {
        if (active(c)) {
            c.server.propagation.alsoPropagate(c, argv);
        }
    }

    /** c propagates nothing of itself. */
    public static void prevent(Client c) {
        if (active(c)) {
            c.server.propagation.prevent(c);
        }
    }

    /** c's arguments without argument i (SET ... GET propagates without GET). */
    public static byte[][] argsWithout(Client c, int skip) {
        byte[][] out = new byte[c.argc - 1][];
        for (int i = 0, k = 0; i < c.argc; i++) {
            if (i != skip) {
                out[k++] = c.arg(i);
            }
        }
        return out;
    }
}
