package io.cinnabar.resp;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Reads replies (every RESP2 and RESP3 type, streamed strings and aggregates included) incrementally and
 * reports them to a {@link ReplyVisitor} as events; {@link RespValue#parse} and {@link ReplyTreeBuilder} turn
 * them into a value tree.
 *
 * <h2>Contract</h2>
 * <pre>
 *   int n = decoder.decode(buf, from, to, visitor);
 *     events for every element completed in buf[from, from + n); stops right after a top-level reply
 *     (complete() is then true) or at the first incomplete element (complete() false: keep
 *     buf[from + n, to), append more bytes, call again from there; requiredBytes() says how many
 *     bytes a pending bulk needs, so the caller can grow its buffer).
 * </pre>
 * The decoder keeps its place between calls (the stack of open aggregates and how far the pending line was
 * searched), so bytes are examined once however the stream is split. An element is reported only when all
 * of it is buffered: a bulk string needs its whole payload (or, streamed, one chunk at a time).
 *
 * <h2>Validation and limits</h2>
 * Lines must end with {@code \r\n}; payloads must be followed by {@code \r\n}; integers, lengths, doubles,
 * booleans and big numbers must be well formed; {@code .} must close a streamed aggregate and {@code ;} chunks
 * appear only in a streamed string. {@link Limits} bounds bulk and line lengths, declared aggregate sizes and
 * nesting depth. A violation throws {@link RespProtocolException}; the decoder must then be {@link #reset()}.
 * Memory: the decoder holds only its stack (bounded by the depth limit); it never allocates by a declared
 * length.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class ReplyDecoder {

    /**
     * Limits for untrusted replies. Defaults: bulk strings up to 512 MB (Redis's {@code proto-max-bulk-len}),
     * lines ({@code +}, {@code -}, numbers) up to 512 MB, aggregates up to {@code 2^31-1} declared elements,
     * nesting up to 128 levels.
     *
     * @param maxBulkLength      longest bulk string, blob error, verbatim string or streamed chunk
     * @param maxLineLength      longest line (simple string, error, number), terminator excluded
     * @param maxAggregateLength largest declared element count of an aggregate
     * @param maxDepth           deepest nesting of aggregates (and attributes, streamed strings)
     */
    public record Limits(long maxBulkLength, int maxLineLength, long maxAggregateLength, int maxDepth) {
        public static final Limits DEFAULT = new Limits(512L * 1024 * 1024, 512 * 1024 * 1024, Integer.MAX_VALUE, 128);

        public Limits {
            if (maxBulkLength < 0 || maxLineLength < 0 || maxAggregateLength < 0 || maxDepth < 1) {
                throw new IllegalArgumentException("invalid limits");
            }
        }
    }

    private static final byte F_ARRAY = 1;
    private static final byte F_MAP = 2;
    private static final byte F_SET = 3;
    private static final byte F_PUSH = 4;
    private static final byte F_ATTRIBUTE = 5;
    private static final byte F_STREAMED_STRING = 6;

    private final Limits limits;
    private byte[] frameType = new byte[8];
    private long[] frameLeft = new long[8];
    private int depth;
    private int lineScanned;
    private boolean complete;
    private long required = -1;
    private int base;

    public ReplyDecoder() {
        this(Limits.DEFAULT);
    }

    public ReplyDecoder(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Forgets any partial reply. */
    public void reset() {
        depth = 0;
        lineScanned = 0;
        complete = false;
        required = -1;
    }

    /** @return whether the last {@link #decode} call ended with a complete top-level reply */
    public boolean complete() {
        return complete;
    }

    /** @return after an incomplete call, the bytes (from the first unconsumed one) a pending bulk needs; else -1 */
    public long requiredBytes() {
        return required;
    }

    /** @return how many aggregates (and attributes, streamed strings) are open */
    public int depth() {
        return depth;
    }

    /**
     * Decodes elements from {@code buf[from, to)}, reporting them to {@code v}, up to the end of the first
     * top-level reply.
     *
     * @return bytes consumed
     * @throws RespProtocolException if the bytes are not valid RESP or break a limit
     */
    public int decode(byte[] buf, int from, int to, ReplyVisitor v) {
        Objects.checkFromToIndex(from, to, buf.length);
        complete = false;
        required = -1;
        base = from;
        int p = from;
        while (p < to) {
            int next = depth > 0 && frameType[depth - 1] == F_STREAMED_STRING
                ? chunk(buf, p, to, v) : element(buf, p, to, v);
            if (next < 0) {
                return p - from;
            }
            p = next;
            lineScanned = 0;
            if (complete) {
                return p - from;
            }
        }
        return p - from;
    }

    /** Parses one element at p; returns the index after it, or -1 if incomplete. */
    private int element(byte[] buf, int p, int to, ReplyVisitor v) {
        int cr = lineEnd(buf, p, to);
        if (cr < 0) {
            return -1;
        }
        byte type = buf[p];
        int s = p + 1;
        int next = cr + 2;
        switch (type) {
            case RespType.SIMPLE_STRING -> {
                v.simpleString(buf, s, cr - s);
                done(v);
            }
            case RespType.ERROR -> {
                v.error(buf, s, cr - s);
                done(v);
            }
            case RespType.INTEGER -> {
                v.integer(parseLong(buf, s, cr, p));
                done(v);
            }
            case RespType.DOUBLE -> {
                v.doubleValue(parseDouble(buf, s, cr, p));
                done(v);
            }
            case RespType.BOOLEAN -> {
                if (cr - s != 1 || (buf[s] != 't' && buf[s] != 'f')) {
                    throw error("invalid boolean", p);
                }
                v.bool(buf[s] == 't');
                done(v);
            }
            case RespType.NULL -> {
                if (cr != s) {
                    throw error("invalid null", p);
                }
                v.nil();
                done(v);
            }
            case RespType.BIG_NUMBER -> {
                checkBigNumber(buf, s, cr, p);
                v.bigNumber(buf, s, cr - s);
                done(v);
            }
            case RespType.BULK_STRING, RespType.BLOB_ERROR, RespType.VERBATIM_STRING -> {
                return blob(type, buf, p, s, cr, to, v);
            }
            case RespType.ARRAY, RespType.MAP, RespType.SET, RespType.PUSH, RespType.ATTRIBUTE -> {
                aggregate(type, buf, p, s, cr, v);
            }
            case RespType.STREAMED_END -> {
                if (cr != s || depth == 0 || frameLeft[depth - 1] != -1) {
                    throw error("unexpected streamed aggregate end", p);
                }
                depth--;
                v.end();
                done(v);
            }
            default -> throw error("invalid type byte " + printable(type), p);
        }
        return next;
    }

    /** {@code $}, {@code !}, {@code =}: a length line then a payload. */
    private int blob(byte type, byte[] buf, int p, int s, int cr, int to, ReplyVisitor v) {
        if (type == RespType.BULK_STRING && cr - s == 1 && buf[s] == RespType.STREAMED_LENGTH) {
            push(F_STREAMED_STRING, -1, p);
            v.beginStreamedString();
            return cr + 2;
        }
        if (type == RespType.BULK_STRING && cr - s == 2 && buf[s] == '-' && buf[s + 1] == '1') {
            v.nullBulk();
            done(v);
            return cr + 2;
        }
        long len = parseLength(buf, s, cr, p);
        if (len > limits.maxBulkLength()) {
            throw error("bulk length " + len + " exceeds the limit " + limits.maxBulkLength(), p);
        }
        int data = cr + 2;
        if ((long) to - data < len + 2) {
            required = data - p + len + 2;
            return -1;
        }
        int end = data + (int) len;
        if (buf[end] != '\r' || buf[end + 1] != '\n') {
            throw error("bulk payload not followed by CRLF", p);
        }
        if (type == RespType.BULK_STRING) {
            v.bulkString(buf, data, (int) len);
        } else if (type == RespType.BLOB_ERROR) {
            v.blobError(buf, data, (int) len);
        } else {
            if (len < RespType.VERBATIM_PREFIX || buf[data + 3] != ':') {
                throw error("verbatim string without format prefix", p);
            }
            v.verbatim(buf, data, data + RespType.VERBATIM_PREFIX, (int) len - RespType.VERBATIM_PREFIX);
        }
        done(v);
        return end + 2;
    }

    private void aggregate(byte type, byte[] buf, int p, int s, int cr, ReplyVisitor v) {
        byte frame = switch (type) {
            case RespType.ARRAY -> F_ARRAY;
            case RespType.MAP -> F_MAP;
            case RespType.SET -> F_SET;
            case RespType.PUSH -> F_PUSH;
            default -> F_ATTRIBUTE;
        };
        long n;
        if (cr - s == 1 && buf[s] == RespType.STREAMED_LENGTH && frame != F_ATTRIBUTE) {
            n = -1;
        } else if (type == RespType.ARRAY && cr - s == 2 && buf[s] == '-' && buf[s + 1] == '1') {
            v.nullArray();
            done(v);
            return;
        } else {
            n = parseLength(buf, s, cr, p);
            if (n > limits.maxAggregateLength()) {
                throw error("aggregate length " + n + " exceeds the limit " + limits.maxAggregateLength(), p);
            }
        }
        switch (frame) {
            case F_ARRAY -> v.beginArray(n);
            case F_MAP -> v.beginMap(n);
            case F_SET -> v.beginSet(n);
            case F_PUSH -> v.beginPush(n);
            default -> v.beginAttribute(n);
        }
        long elements = n < 0 ? -1 : (frame == F_MAP || frame == F_ATTRIBUTE ? 2 * n : n);
        if (elements == 0) {
            v.end();
            if (frame != F_ATTRIBUTE) {
                done(v);
            }
            return;
        }
        push(frame, elements, p);
    }

    /** A {@code ;<len>} chunk of a streamed string. */
    private int chunk(byte[] buf, int p, int to, ReplyVisitor v) {
        int cr = lineEnd(buf, p, to);
        if (cr < 0) {
            return -1;
        }
        if (buf[p] != RespType.STREAMED_CHUNK) {
            throw error("expected a streamed string chunk, got " + printable(buf[p]), p);
        }
        long len = parseLength(buf, p + 1, cr, p);
        if (len == 0) {
            depth--;
            v.endStreamedString();
            done(v);
            return cr + 2;
        }
        if (len > limits.maxBulkLength()) {
            throw error("chunk length " + len + " exceeds the limit " + limits.maxBulkLength(), p);
        }
        int data = cr + 2;
        if ((long) to - data < len + 2) {
            required = data - p + len + 2;
            return -1;
        }
        int end = data + (int) len;
        if (buf[end] != '\r' || buf[end + 1] != '\n') {
            throw error("chunk payload not followed by CRLF", p);
        }
        v.streamedStringChunk(buf, data, (int) len);
        return end + 2;
    }

    /** An element completed: count it in the enclosing aggregates, closing those that are full. */
    private void done(ReplyVisitor v) {
        while (depth > 0) {
            int top = depth - 1;
            if (frameLeft[top] < 0) {
                return;
            }
            if (--frameLeft[top] > 0) {
                return;
            }
            depth--;
            v.end();
            if (frameType[top] == F_ATTRIBUTE) {
                return;
            }
        }
        complete = true;
    }

    private void push(byte type, long left, int p) {
        if (depth >= limits.maxDepth()) {
            throw error("nesting deeper than " + limits.maxDepth(), p);
        }
        if (depth == frameType.length) {
            frameType = java.util.Arrays.copyOf(frameType, depth * 2);
            frameLeft = java.util.Arrays.copyOf(frameLeft, depth * 2);
        }
        frameType[depth] = type;
        frameLeft[depth] = left;
        depth++;
    }

    /** Index of the CR of the line starting at p, or -1 if the line is not complete yet. */
    private int lineEnd(byte[] buf, int p, int to) {
        int i = p + Math.max(1, lineScanned);
        while (i < to) {
            if (buf[i] == '\r') {
                if (i + 1 >= to) {
                    lineScanned = i - p;
                    return -1;
                }
                if (buf[i + 1] != '\n') {
                    throw error("CR not followed by LF", p);
                }
                return i;
            }
            if (buf[i] == '\n') {
                throw error("LF without CR", p);
            }
            i++;
        }
        lineScanned = i - p;
        if (lineScanned - 1 > limits.maxLineLength()) {
            throw error("line longer than " + limits.maxLineLength(), p);
        }
        return -1;
    }

    private long parseLong(byte[] buf, int s, int e, int p) {
        int i = s;
        boolean neg = false;
        if (i < e && (buf[i] == '-' || buf[i] == '+')) {
            neg = buf[i] == '-';
            i++;
        }
        if (i == e) {
            throw error("invalid integer", p);
        }
        long v = 0;
        for (; i < e; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                throw error("invalid integer", p);
            }
            // accumulate negatively so that Long.MIN_VALUE fits
            if (v < (Long.MIN_VALUE + d) / 10) {
                throw error("integer out of range", p);
            }
            v = v * 10 - d;
        }
        if (!neg) {
            if (v == Long.MIN_VALUE) {
                throw error("integer out of range", p);
            }
            return -v;
        }
        return v;
    }

    private long parseLength(byte[] buf, int s, int e, int p) {
        if (s == e || e - s > 19) {
            throw error("invalid length", p);
        }
        long v = 0;
        for (int i = s; i < e; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                throw error("invalid length", p);
            }
            v = v * 10 + d;
        }
        if (v < 0) {
            throw error("invalid length", p);
        }
        return v;
    }

    private double parseDouble(byte[] buf, int s, int e, int p) {
        int len = e - s;
        if (len == 0 || len > 64) {
            throw error("invalid double", p);
        }
        String text = new String(buf, s, len, StandardCharsets.ISO_8859_1);
        switch (text) {
            case "inf", "+inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "nan", "-nan", "+nan" -> {
                return Double.NaN;
            }
            default -> {
                for (int i = 0; i < len; i++) {
                    char c = text.charAt(i);
                    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+')) {
                        throw error("invalid double", p);
                    }
                }
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException ex) {
                    throw error("invalid double", p);
                }
            }
        }
    }

    private void checkBigNumber(byte[] buf, int s, int e, int p) {
        int i = s;
        if (i < e && (buf[i] == '-' || buf[i] == '+')) {
            i++;
        }
        if (i == e) {
            throw error("invalid big number", p);
        }
        for (; i < e; i++) {
            if (buf[i] < '0' || buf[i] > '9') {
                throw error("invalid big number", p);
            }
        }
    }

    private RespProtocolException error(String message, int p) {
        return new RespProtocolException("Protocol error: " + message, p - base);
    }

    private static String printable(byte b) {
        return b >= 0x20 && b < 0x7f ? "'" + (char) b + "'" : String.format("0x%02x", b & 0xff);
    }
}
