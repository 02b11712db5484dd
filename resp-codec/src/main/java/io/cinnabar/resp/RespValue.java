package io.cinnabar.resp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A decoded reply as a tree: what {@link ReplyTreeBuilder} builds from {@link ReplyDecoder} events and what
 * {@link ReplyEncoder#addValue(RespValue)} writes back. Streamed strings and aggregates become their plain
 * equivalents. Byte contents are compared by value ({@code equals}); {@code toString()} is a readable form.
 *
 * <p><b>Note:</b> Instances are immutable as long as the arrays they hold are not changed.
 */
public sealed interface RespValue {

    /** Which null: RESP2's null bulk ({@code $-1}), null array ({@code *-1}), or RESP3's {@code _}. */
    enum NullKind { BULK, ARRAY, RESP3 }

    /** Aggregate kinds; a MAP's items alternate key, value. */
    enum Kind { ARRAY, MAP, SET, PUSH }

    /** Decodes exactly one reply from {@code bytes}. */
    static RespValue parse(byte[] bytes) {
        ReplyTreeBuilder b = new ReplyTreeBuilder();
        ReplyDecoder d = new ReplyDecoder();
        int n = d.decode(bytes, 0, bytes.length, b);
        if (!d.complete() || n != bytes.length) {
            throw new RespProtocolException(d.complete() ? "Protocol error: bytes after the reply"
                : "Protocol error: incomplete reply", n);
        }
        return b.take();
    }

    record SimpleString(byte[] value) implements RespValue {
        @Override
        public boolean equals(Object o) {
            return o instanceof SimpleString s && Arrays.equals(value, s.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "+" + latin1(value);
        }
    }

    /** An error; {@code message} excludes the {@code -} ({@code "ERR unknown command"}). */
    record SimpleError(byte[] message) implements RespValue {
        @Override
        public boolean equals(Object o) {
            return o instanceof SimpleError s && Arrays.equals(message, s.message);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(message);
        }

        @Override
        public String toString() {
            return "-" + latin1(message);
        }
    }

    record Int(long value) implements RespValue {
        @Override
        public String toString() {
            return ":" + value;
        }
    }

    record BulkString(byte[] value) implements RespValue {
        @Override
        public boolean equals(Object o) {
            return o instanceof BulkString s && Arrays.equals(value, s.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "$" + latin1(value);
        }
    }

    record Null(NullKind kind) implements RespValue {
        @Override
        public String toString() {
            return "null(" + kind + ")";
        }
    }

    record Dbl(double value) implements RespValue {
        @Override
        public boolean equals(Object o) {
            return o instanceof Dbl d && Double.compare(value, d.value) == 0;
        }

        @Override
        public int hashCode() {
            return Double.hashCode(value);
        }

        @Override
        public String toString() {
            return "," + value;
        }
    }

    record Bool(boolean value) implements RespValue {
        @Override
        public String toString() {
            return value ? "#t" : "#f";
        }
    }

    record BlobError(byte[] message) implements RespValue {
        @Override
        public boolean equals(Object o) {
            return o instanceof BlobError s && Arrays.equals(message, s.message);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(message);
        }

        @Override
        public String toString() {
            return "!" + latin1(message);
        }
    }

    /** A verbatim string: a 3-character format ({@code txt}, {@code mkd}) and the text. */
    record Verbatim(String format, byte[] text) implements RespValue {
        @Override
        public boolean equals(Object o) {
            return o instanceof Verbatim s && format.equals(s.format) && Arrays.equals(text, s.text);
        }

        @Override
        public int hashCode() {
            return format.hashCode() * 31 + Arrays.hashCode(text);
        }

        @Override
        public String toString() {
            return "=" + format + ":" + latin1(text);
        }
    }

    /** A big number's digits as sent. */
    record BigNumber(String digits) implements RespValue {
        @Override
        public String toString() {
            return "(" + digits;
        }
    }

    /** An array, map (items alternate key, value), set or push. */
    record Aggregate(Kind kind, List<RespValue> items) implements RespValue {
        @Override
        public String toString() {
            return kind + items.toString();
        }
    }

    /** A value preceded by an attribute; {@code attributes} alternate key, value. */
    record Attributed(List<RespValue> attributes, RespValue value) implements RespValue {
        @Override
        public String toString() {
            return "|" + attributes + value;
        }
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
