package io.cinnabar.server.internal.command;

/**
 * Scratch state of the command being executed, kept off the connection: the out-parameter of the argument
 * parsers ({@link #tmp}), options a command parses and then applies ({@link #optExpireAt}), and reusable arrays
 * ({@link #scores}). Commands run one at a time on the event loop, so the server owns one instance, which every
 * client (also a detached one) refers to as {@link Client#ctx}: nothing is allocated per command. Its contents
 * are undefined between commands; a command that runs another one through a detached client (scripting) must
 * not rely on them across that call.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
public final class CallContext {
    /** Out-parameter of argLong/argDouble-style parsers: the parsed value. */
    public final long[] tmp = new long[1];
    /** Absolute expire time parsed from SET/GETEX options, or -1. */
    public long optExpireAt = -1;
    /**
     * Set by EXEC once the queued commands ran as one propagation unit: EXEC itself then propagates nothing
     * (read and cleared by {@link Server#call}).
     */
    public boolean propagatedAsUnit;
    private double[] scores = new double[16];
    /** A stream id's text ({@code ms-seq}, at most 41 bytes) written into a reply: see {@link #writeId}. */
    private final byte[] idText = new byte[41];
    /** The milliseconds whose digits and '-' {@link #idText} starts with, when {@link #idTextMsLen} is not 0. */
    private long idTextMs;
    private int idTextMsLen;
    /** Scratch for one listpack element read for a reply. */
    public final io.cinnabar.listpack.ListpackEntry element = new io.cinnabar.listpack.ListpackEntry();

    /**
     * The stream range reader of the last XRANGE/XREVRANGE/XREAD (a {@code type.stream} iterator, reused while the
     * same stream is read), held weakly: it must not keep a deleted stream reachable.
     */
    public java.lang.ref.WeakReference<Object> streamReader;

    /**
     * Writes {@code ms-seq} (unsigned decimals) into {@link #idText()}; returns its length. The {@code ms-} part
     * stays from the previous call when ms is the same (the entries of a range reply mostly share it): only the
     * sequence number is formatted then. Nothing else writes the array, so what it starts with is known.
     */
    public int writeId(long ms, long seq) {
        byte[] buf = idText;
        int at = idTextMsLen;
        if (at == 0 || idTextMs != ms) {
            at = io.cinnabar.sds.Numbers.ull2string(ms, buf, 0);
            buf[at++] = '-';
            idTextMs = ms;
            idTextMsLen = at;
        }
        return at + io.cinnabar.sds.Numbers.ull2string(seq, buf, at);
    }

    /** The text {@link #writeId} wrote, at offset 0 (read it before the next call). */
    public byte[] idText() {
        return idText;
    }

    /** A scratch array of at least n doubles for the scores of one command (ZADD, ZINCRBY). */
    public double[] scores(int n) {
        if (scores.length < n) {
            scores = new double[Math.max(n, scores.length * 2)];
        }
        return scores;
    }
}
