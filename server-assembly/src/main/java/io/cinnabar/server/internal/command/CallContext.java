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
    /** Scratch for a stream id's text ({@code ms-seq}, at most 41 bytes) written into a reply. */
    public final byte[] idText = new byte[41];
    /** Scratch for one listpack element read for a reply. */
    public final io.cinnabar.listpack.ListpackEntry element = new io.cinnabar.listpack.ListpackEntry();

    /**
     * The stream range reader of the last XRANGE/XREVRANGE/XREAD (a {@code type.stream} iterator, reused while the
     * same stream is read), held weakly: it must not keep a deleted stream reachable.
     */
    public java.lang.ref.WeakReference<Object> streamReader;

    /** A scratch array of at least n doubles for the scores of one command (ZADD, ZINCRBY). */
    public double[] scores(int n) {
        if (scores.length < n) {
            scores = new double[Math.max(n, scores.length * 2)];
        }
        return scores;
    }
}
