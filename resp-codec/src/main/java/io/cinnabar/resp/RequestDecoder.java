package io.cinnabar.resp;

import io.cinnabar.sds.Numbers;
import io.cinnabar.sds.SdsArgs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Reads client requests the way Redis's {@code processInputBuffer} does: multibulk requests
 * ({@code *<n>\r\n$<len>\r\n<bytes>\r\n...}) and inline commands ({@code SET k "v"\r\n}), incrementally, with
 * arguments exposed as slices of the caller's buffer (no copy).
 *
 * <h2>Contract (single-threaded NIO server)</h2>
 * <pre>
 *   buf:   [ consumed ... | from ............................ to | free ]
 *                           ^ first byte not yet consumed      ^ end of bytes read so far
 *
 *   int r = decoder.decode(buf, from, to);
 *   COMMAND     argc() arguments at argOffset(i)/argLength(i) (absolute indexes into buf); the command and any
 *               empty commands before it are consumed(): next call starts at from + consumed()
 *   INCOMPLETE  consumed() bytes (empty lines, *0, *-1) may be dropped; the rest is the start of a command.
 *               Read more bytes, append them after 'to', call again with the new 'from' (= from + consumed()).
 *               requiredBytes() &gt; 0 says how many bytes (from the new 'from') the command needs at least:
 *               grow the buffer if it cannot hold them.
 *   ERROR       error() is Redis's text ("Protocol error: invalid bulk length"); reply with
 *               ReplyEncoder.addError(error()) ("-ERR Protocol error: ...") and close the connection.
 * </pre>
 * Between calls the caller may move the unconsumed bytes (compact its buffer): the decoder remembers its
 * place relative to the first unconsumed byte, never as an absolute index, and never re-parses what it has
 * parsed: a bulk header is read once, and a line terminator is searched for only in bytes not searched yet.
 * Arguments stay valid until the next call or until the caller changes the buffer.
 *
 * <h2>Redis's rules, reproduced</h2>
 * <ul>
 * <li>A request starting with {@code *} is multibulk, anything else inline. {@code *0} and {@code *-1} and empty
 *     inline lines are consumed silently.</li>
 * <li>Counts parse like Redis's {@code string2ll}: no sign but {@code -}, no leading zero, no spaces. A count
 *     line ends at the first {@code \r}; the byte after it is skipped unchecked, as are the two bytes after a
 *     bulk payload (Redis does not check they are {@code \r\n}).</li>
 * <li>Line searches stop at a NUL byte as {@code strchr} does: a line with a NUL before its terminator waits
 *     until the size limit fails it, as in Redis.</li>
 * <li>Inline lines are split by {@code sdssplitargs} ({@code io.cinnabar.sds.SdsArgs}, the one implementation):
 *     blanks separate arguments; {@code "..."} understands {@code \n \r \t \b \a \\ \" \xHH} (other escaped
 *     bytes stand for themselves); {@code '...'} only {@code \'}; a closing quote must be followed by a blank or
 *     the end of the line; an unterminated quote fails with "Protocol error: unbalanced quotes in request". Quoted arguments are unescaped <b>in place</b>
 *     inside the line (the result is never longer than its source), so the caller's bytes of a consumed
 *     inline command may be changed.</li>
 * <li>Limits and error texts: {@link RequestLimits}.</li>
 * </ul>
 *
 * <h2>Costs</h2>
 * O(bytes) per call; no allocation per command once the argument table has grown to the widest command seen
 * (8 bytes per argument; it shrinks back after a command wider than 1024 arguments). Memory never depends on a
 * declared length: the table grows with arguments actually received (each costs at least 6 input bytes).
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class RequestDecoder {
    /** {@link #decode} result: more bytes are needed. */
    public static final int INCOMPLETE = 0;
    /** {@link #decode} result: a complete command is available through {@link #argc()} and friends. */
    public static final int COMMAND = 1;
    /** {@link #decode} result: protocol error, see {@link #error()}. */
    public static final int ERROR = -1;

    private static final int TYPE_NONE = 0;
    private static final int TYPE_INLINE = 1;
    private static final int TYPE_MULTIBULK = 2;
    private static final int INITIAL_ARGS = 16;
    private static final int SHRINK_ARGS = 1024;

    private RequestLimits limits;
    private boolean authRequired;

    // the pending command; positions are relative to its first byte
    private int reqType;
    private boolean countRead;
    private long multibulkLeft;
    private long bulkLen = -1;
    private int pos;
    private int scanned;
    private int argc;
    private long[] args = new long[INITIAL_ARGS];
    private boolean inlineCommand;

    // results of the last call
    private byte[] buffer;
    private int base;
    private int consumed;
    private long required = -1;
    private String error;
    private int errorEnd = -1;

    /** A decoder with Redis's default limits and no authentication required. */
    public RequestDecoder() {
        this(RequestLimits.DEFAULT);
    }

    public RequestDecoder(RequestLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Replaces the limits; they apply from the next header read. */
    public void limits(RequestLimits newLimits) {
        this.limits = Objects.requireNonNull(newLimits, "limits");
    }

    public RequestLimits limits() {
        return limits;
    }

    /**
     * Whether the connection still has to authenticate (Redis's {@code authRequired(c)}): while true the
     * unauthenticated multibulk and bulk limits apply.
     */
    public void authRequired(boolean required) {
        this.authRequired = required;
    }

    public boolean authRequired() {
        return authRequired;
    }

    /** Forgets the pending command and any error: the decoder is as new (limits kept). */
    public void reset() {
        newCommand();
        reqType = TYPE_NONE;
        argc = 0;
        error = null;
        errorEnd = -1;
        consumed = 0;
        required = -1;
        buffer = null;
    }

    /**
     * Decodes the next command from {@code buf[from, to)}.
     *
     * @return {@link #COMMAND}, {@link #INCOMPLETE} or {@link #ERROR}
     */
    public int decode(byte[] buf, int from, int to) {
        Objects.checkFromToIndex(from, to, buf.length);
        if (error != null) {
            return ERROR;
        }
        buffer = buf;
        required = -1;
        int start = from;
        while (true) {
            if (reqType == TYPE_NONE) {
                if (start >= to) {
                    consumed = start - from;
                    return INCOMPLETE;
                }
                newCommand();
                reqType = buf[start] == RespType.ARRAY ? TYPE_MULTIBULK : TYPE_INLINE;
            }
            int r = reqType == TYPE_INLINE ? inline(buf, start, to) : multibulk(buf, start, to);
            if (r != COMMAND) {
                consumed = start - from;
                return r;
            }
            inlineCommand = reqType == TYPE_INLINE;
            reqType = TYPE_NONE;
            if (argc > 0) {
                base = start;
                consumed = start + pos - from;
                return COMMAND;
            }
            start += pos;
        }
    }

    /**
     * Decodes from a heap buffer's position to its limit, and advances the position by {@link #consumed()}.
     * Argument offsets are indexes into {@code buf.array()}.
     *
     * @throws IllegalArgumentException if the buffer has no accessible array (direct or read-only): arguments
     *                                  are slices of an array
     */
    public int decode(ByteBuffer buf) {
        if (!buf.hasArray()) {
            throw new IllegalArgumentException("RequestDecoder reads heap buffers with an accessible array");
        }
        int off = buf.arrayOffset();
        int r = decode(buf.array(), off + buf.position(), off + buf.limit());
        if (r != ERROR) {
            buf.position(buf.position() + consumed);
        }
        return r;
    }

    // ---------------------------------------------------------------- results

    /** @return the number of arguments of the command returned by the last {@link #COMMAND} result */
    public int argc() {
        return argc;
    }

    /** @return the absolute index in the buffer of argument {@code i} */
    public int argOffset(int i) {
        Objects.checkIndex(i, argc);
        return base + (int) (args[i] >>> 32);
    }

    /** @return the length in bytes of argument {@code i} */
    public int argLength(int i) {
        Objects.checkIndex(i, argc);
        return (int) args[i];
    }

    /**
     * @return whether the last command came as an inline line (Redis refuses inline commands from its master:
     *         "Master using the inline protocol. Desync?")
     */
    public boolean inlineCommand() {
        return inlineCommand;
    }

    /** @return the buffer the arguments are slices of (the one given to the last call) */
    public byte[] buffer() {
        return buffer;
    }

    /** @return a copy of argument {@code i} (allocates) */
    public byte[] argBytes(int i) {
        int off = argOffset(i);
        byte[] b = new byte[argLength(i)];
        System.arraycopy(buffer, off, b, 0, b.length);
        return b;
    }

    /** @return argument {@code i} as a string, one char per byte (ISO-8859-1, lossless; allocates) */
    public String argString(int i) {
        return new String(buffer, argOffset(i), argLength(i), StandardCharsets.ISO_8859_1);
    }

    /**
     * @param lowerAscii a lower-case ASCII name such as {@code "get"} as bytes
     * @return whether argument {@code i} equals it ignoring ASCII case (command and option lookup, no allocation)
     */
    public boolean argEqualsIgnoreCase(int i, byte[] lowerAscii) {
        int len = argLength(i);
        if (len != lowerAscii.length) {
            return false;
        }
        int off = argOffset(i);
        for (int k = 0; k < len; k++) {
            int c = buffer[off + k];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lowerAscii[k]) {
                return false;
            }
        }
        return true;
    }

    /** @return bytes from the {@code from} of the last call that the caller may drop */
    public int consumed() {
        return consumed;
    }

    /**
     * After {@link #INCOMPLETE}: the number of bytes, counted from the first unconsumed byte, that must be
     * buffered before the pending bulk argument can complete; -1 when unknown (any new byte may help).
     */
    public long requiredBytes() {
        return required;
    }

    /**
     * @return after {@link #ERROR}: the absolute index in the buffer just after the bytes that showed the request
     *         is malformed: after a wrong type byte, after the CRLF of a bad count or length line, after the
     *         inline line with unbalanced quotes, or the end of the data for a line over the limit (file formats
     *         report it as the error's offset)
     */
    public int errorEnd() {
        return errorEnd;
    }

    /**
     * After {@link #INCOMPLETE} with {@link #requiredBytes()} known: the declared length of the bulk argument being
     * received; -1 otherwise.
     */
    public long pendingBulkLength() {
        return required >= 0 ? bulkLen : -1;
    }

    /** @return after {@link #ERROR}: the error text Redis replies with, without the {@code -ERR } prefix */
    public String error() {
        return error;
    }

    // ---------------------------------------------------------------- multibulk

    private int multibulk(byte[] buf, int s, int to) {
        int avail = to - s;
        if (!countRead) {
            int cr = findLineEnd(buf, s, to, RespType.CR);
            if (cr < 0) {
                return avail > limits.maxInlineLength() ? fail("too big mbulk count string", to) : INCOMPLETE;
            }
            if (cr > avail - 2) {
                return INCOMPLETE;
            }
            // not string2ll's sentinel: Redis reads *-9223372036854775808 as a count <= 0, an empty request
            if (cr <= 1 || !Numbers.isLong(buf, s + 1, cr - 1)) {
                return fail("invalid multibulk length", s + cr + 2);
            }
            long ll = Numbers.parseLong(buf, s + 1, cr - 1);
            if (ll > limits.maxMultibulkLength()) {
                return fail("invalid multibulk length", s + cr + 2);
            }
            if (ll > limits.unauthenticatedMultibulk() && authRequired) {
                return fail("unauthenticated multibulk length", s + cr + 2);
            }
            countRead = true;
            pos = cr + 2;
            scanned = pos;
            if (ll <= 0) {
                return COMMAND;
            }
            multibulkLeft = ll;
        }
        while (multibulkLeft > 0) {
            if (bulkLen < 0) {
                int r = bulkHeader(buf, s, to);
                if (r != COMMAND) {
                    return r;
                }
            }
            if ((long) avail - pos < bulkLen + 2) {
                required = pos + bulkLen + 2;
                return INCOMPLETE;
            }
            addArg(pos, (int) bulkLen);
            pos += (int) bulkLen + 2;
            scanned = pos;
            bulkLen = -1;
            multibulkLeft--;
        }
        return COMMAND;
    }

    /** Reads {@code $<len>\r\n} at {@code pos}; COMMAND means "read". */
    private int bulkHeader(byte[] buf, int s, int to) {
        int avail = to - s;
        int cr = findLineEnd(buf, s, to, RespType.CR);
        if (cr < 0) {
            return avail - pos > limits.maxInlineLength() ? fail("too big bulk count string", to) : INCOMPLETE;
        }
        if (cr > avail - 2) {
            return INCOMPLETE;
        }
        byte type = buf[s + pos];
        if (type != RespType.BULK_STRING) {
            return fail("expected '$', got '" + printable(type) + "'", s + pos + 1);
        }
        long ll = string2ll(buf, s + pos + 1, s + cr);
        if (ll == Long.MIN_VALUE || ll < 0 || ll > limits.maxBulkLength()) {
            return fail("invalid bulk length", s + cr + 2);
        }
        if (ll > limits.unauthenticatedBulk() && authRequired) {
            return fail("unauthenticated bulk length", s + cr + 2);
        }
        pos = cr + 2;
        scanned = pos;
        bulkLen = ll;
        return COMMAND;
    }

    /** The byte as Redis's {@code %c} prints it after {@code addReplyErrorFormat} maps CR and LF to spaces. */
    private static char printable(byte b) {
        return b == '\r' || b == '\n' ? ' ' : (char) (b & 0xff);
    }

    // ---------------------------------------------------------------- inline

    private int inline(byte[] buf, int s, int to) {
        int nl = findLineEnd(buf, s, to, RespType.LF);
        if (nl < 0) {
            return to - s > limits.maxInlineLength() ? fail("too big inline request", to) : INCOMPLETE;
        }
        int lineEnd = nl;
        if (nl > 0 && buf[s + nl - 1] == RespType.CR) {
            lineEnd--;
        }
        if (!split(buf, s, s + lineEnd)) {
            argc = 0;
            return fail("unbalanced quotes in request", s + nl + 1);
        }
        pos = nl + 1;
        return COMMAND;
    }

    /** Where the inline line being split starts: {@link #inlineArg} stores offsets relative to it. */
    private int inlineStart;
    /** Receives the arguments of an inline line from sds's {@code sdssplitargs} (created once: no allocation). */
    private final SdsArgs.ArgSink inlineArg = (offset, length) -> addArg(offset - inlineStart, length);

    /**
     * Splits {@code buf[s, end)} by {@code sdssplitargs} rules (the one implementation, in sds) into arguments,
     * unescaping quoted ones in place.
     *
     * @return false on an unterminated quote or a closing quote followed by something other than a blank
     */
    private boolean split(byte[] buf, int s, int end) {
        inlineStart = s;
        return SdsArgs.splitInPlace(buf, s, end - s, inlineArg) >= 0;
    }

    /**
     * Relative index of the first {@code want} byte at or after {@code max(pos, scanned)}, or -1; stops at a NUL
     * byte as {@code strchr} does, and remembers how far it looked.
     */
    private int findLineEnd(byte[] buf, int s, int to, byte want) {
        int i = s + Math.max(pos, scanned);
        while (i < to) {
            byte b = buf[i];
            if (b == want) {
                scanned = i - s;
                return i - s;
            }
            if (b == 0) {
                scanned = i - s;
                return -1;
            }
            i++;
        }
        scanned = to - s;
        return -1;
    }

    private int fail(String message, int end) {
        error = "Protocol error: " + message;
        errorEnd = end;
        return ERROR;
    }

    private void newCommand() {
        countRead = false;
        multibulkLeft = 0;
        bulkLen = -1;
        pos = 0;
        scanned = 0;
        argc = 0;
        if (args.length > SHRINK_ARGS) {
            args = new long[INITIAL_ARGS];
        }
    }

    private void addArg(int relOffset, int len) {
        if (argc == args.length) {
            long[] grown = new long[args.length * 2];
            System.arraycopy(args, 0, grown, 0, argc);
            args = grown;
        }
        args[argc++] = ((long) relOffset << 32) | (len & 0xffffffffL);
    }

    /**
     * Redis's {@code string2ll} on {@code buf[from, to)} (sds's {@link Numbers#isLong}, the one implementation).
     * Returns {@link Long#MIN_VALUE} for anything it rejects (the bulk length reader rejects every negative
     * length anyway; the multibulk count reader, for which that value is an empty request, checks itself).
     */
    static long string2ll(byte[] buf, int from, int to) {
        int len = to - from;
        return len > 0 && Numbers.isLong(buf, from, len) ? Numbers.parseLong(buf, from, len) : Long.MIN_VALUE;
    }
}
