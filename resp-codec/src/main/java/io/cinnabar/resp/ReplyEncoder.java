package io.cinnabar.resp;

import io.cinnabar.sds.Numbers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Writes replies the way Redis's {@code addReply*} family does, into one growable, reusable byte array that
 * the server flushes to its channel. The connection's protocol ({@link #protocol(int)}: 2 or 3, Redis's
 * {@code HELLO}) selects RESP3 types or Redis's RESP2 fallbacks:
 *
 * <pre>
 *  method                 RESP3                      RESP2 fallback
 *  addNull()              _\r\n                      $-1\r\n            (addReplyNull)
 *  addNullArray()         _\r\n                      *-1\r\n            (addReplyNullArray)
 *  addDouble(1.5)         ,1.5\r\n                   $3\r\n1.5\r\n      (d2string text: sds Numbers)
 *  addBool(true)          #t\r\n                     :1\r\n
 *  addBigNumber("123")    (123\r\n                   $3\r\n123\r\n
 *  addVerbatim(txt, "hi") =6\r\ntxt:hi\r\n           $2\r\nhi\r\n
 *  addMapLen(2)           %2\r\n                     *4\r\n             (then 2 keys and 2 values)
 *  addSetLen(2)           ~2\r\n                     *2\r\n
 *  addPushLen(2)          &gt;2\r\n                     *2\r\n
 *  addAttributeLen(1)     |1\r\n                     nothing: the attribute's 2n elements are dropped too
 *  addBlobError("x")      !1\r\nx\r\n                -x\r\n
 *  addError("oops")       -ERR oops\r\n              (same; "-CODE text" is written as given)
 * </pre>
 *
 * <h2>Deferred lengths</h2>
 * {@link #addDeferredLen()} marks where an aggregate header goes when its length is not known yet (Redis's
 * {@code addReplyDeferredLen}); {@link #setDeferredArrayLen} and friends insert the header there later, moving
 * the bytes written since (O(those bytes)). Bytes at or after an unset mark are never flushed.
 *
 * <h2>Buffer</h2>
 * <pre>
 *   [ flushed | readIndex ... flushable ... | unresolved deferred header ... length | free ]
 * </pre>
 * The array doubles when full (after first moving unflushed bytes to the front); nothing else allocates.
 *
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class ReplyEncoder {
    private static final int MAX_HEADER = 1 + Numbers.MAX_LONG_CHARS + 2;

    private byte[] buf;
    private ByteBuffer view;
    private int length;
    private int readIndex;
    private int protocol = 2;

    // deferred headers: positions (absolute), -1 when resolved
    private int[] deferred = new int[8];
    private int deferredCount;
    private int deferredOpen;

    // RESP2: elements of an attribute being dropped (counts of elements left per open aggregate)
    private long[] skip = new long[8];
    private boolean[] skipIsAttribute = new boolean[8];
    private int skipDepth;
    private int skipMark;

    /** Told before the array grows; may {@link #clear()} the encoder to drop what it holds. */
    private GrowthListener growth;

    /**
     * Told before the encoder's array grows (never on the fast path): a server checks a connection's output-buffer
     * limit there, in the middle of a long reply, and may {@link #clear()} the encoder to drop the reply.
     */
    @FunctionalInterface
    public interface GrowthListener {
        /**
         * @param encoder the encoder about to grow
         * @param wanted  the bytes it must hold after the pending write (may exceed the 2 GB an array can hold)
         */
        void growing(ReplyEncoder encoder, long wanted);
    }

    public ReplyEncoder() {
        this(16 * 1024);
    }

    public ReplyEncoder(int initialCapacity) {
        buf = new byte[Math.max(64, initialCapacity)];
    }

    /** Selects RESP2 (2) or RESP3 (3) for the replies written from now on. */
    public ReplyEncoder protocol(int version) {
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("protocol must be 2 or 3: " + version);
        }
        this.protocol = version;
        return this;
    }

    public int protocol() {
        return protocol;
    }

    /** Sets (or, with null, removes) the listener told before the array grows. */
    public ReplyEncoder growthListener(GrowthListener listener) {
        this.growth = listener;
        return this;
    }

    // ---------------------------------------------------------------- buffer

    /** @return the array holding the encoded bytes: {@code [readIndex(), length())} */
    public byte[] array() {
        return buf;
    }

    /** @return the end of the encoded bytes in {@link #array()} */
    public int length() {
        return length;
    }

    /** @return the first byte not flushed yet */
    public int readIndex() {
        return readIndex;
    }

    /** @return how many bytes can be flushed now (all unflushed bytes before the first unset deferred header) */
    public int flushable() {
        return flushLimit() - readIndex;
    }

    /** @return whether bytes are waiting to be flushed (including ones held back by a deferred header) */
    public boolean hasPending() {
        return length > readIndex;
    }

    /** Drops everything written and not flushed, and every deferred mark. */
    public void clear() {
        length = 0;
        readIndex = 0;
        deferredCount = 0;
        deferredOpen = 0;
        skipDepth = 0;
    }

    /** @return a copy of the unflushed bytes (tests, tools) */
    public byte[] toByteArray() {
        byte[] out = new byte[length - readIndex];
        System.arraycopy(buf, readIndex, out, 0, out.length);
        return out;
    }

    /**
     * Writes flushable bytes to {@code ch} (one {@code write} call) and forgets what was written.
     *
     * @return bytes written
     */
    public int writeTo(WritableByteChannel ch) throws IOException {
        if (view == null || view.array() != buf) {
            view = ByteBuffer.wrap(buf);
        }
        view.clear().limit(readIndex + flushable()).position(readIndex);
        int n = ch.write(view);
        consume(n);
        return n;
    }

    /** Copies as many flushable bytes as fit into {@code dst}; returns how many. */
    public int writeTo(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), flushable());
        dst.put(buf, readIndex, n);
        consume(n);
        return n;
    }

    /** Marks {@code n} flushable bytes as sent (for callers that wrote {@link #array()} themselves). */
    public void consume(int n) {
        if (n < 0 || n > flushable()) {
            throw new IllegalArgumentException("cannot consume " + n + " of " + flushable() + " flushable bytes");
        }
        readIndex += n;
        if (readIndex == length && deferredOpen == 0 && skipDepth == 0) {
            readIndex = 0;
            length = 0;
        }
    }

    private int flushLimit() {
        int limit = length;
        if (deferredOpen > 0) {
            for (int i = 0; i < deferredCount; i++) {
                if (deferred[i] >= 0 && deferred[i] < limit) {
                    limit = deferred[i];
                }
            }
        }
        if (skipDepth > 0 && skipMark < limit) {
            limit = skipMark;
        }
        return limit;
    }

    /** Makes room for {@code n} more bytes. */
    private void ensure(int n) {
        if (length + n <= buf.length) {
            return;
        }
        if (readIndex > 0) {
            compact();
            if (length + n <= buf.length) {
                return;
            }
        }
        if (growth != null) {
            growth.growing(this, (long) length + n);
            if (length + n <= buf.length) {
                return; // the listener dropped the buffered replies
            }
        }
        long want = Math.max((long) buf.length * 2, (long) length + n);
        if (want > Integer.MAX_VALUE - 8) {
            want = Integer.MAX_VALUE - 8;
            if (length + (long) n > want) {
                throw new IllegalStateException("reply buffer cannot exceed 2 GB");
            }
        }
        byte[] grown = new byte[(int) want];
        System.arraycopy(buf, 0, grown, 0, length);
        buf = grown;
    }

    private void compact() {
        int shift = readIndex;
        System.arraycopy(buf, readIndex, buf, 0, length - readIndex);
        length -= shift;
        readIndex = 0;
        for (int i = 0; i < deferredCount; i++) {
            if (deferred[i] >= 0) {
                deferred[i] -= shift;
            }
        }
        skipMark -= shift;
    }

    // ---------------------------------------------------------------- scalars

    /** Appends bytes that are already RESP (shared replies such as {@code +OK\r\n}); counts as one element. */
    public ReplyEncoder addRaw(byte[] b, int off, int len) {
        put(b, off, len);
        element();
        return this;
    }

    /** {@code +text\r\n} (Redis's addReplyStatus); {@code text} is ASCII/Latin-1, one byte per char. */
    public ReplyEncoder addStatus(CharSequence text) {
        ensure(text.length() + 3);
        buf[length++] = RespType.SIMPLE_STRING;
        putChars(text, false);
        putCrlf();
        element();
        return this;
    }

    /** {@code +<bytes>\r\n}. */
    public ReplyEncoder addStatus(byte[] b, int off, int len) {
        ensure(len + 3);
        buf[length++] = RespType.SIMPLE_STRING;
        put(b, off, len);
        putCrlf();
        element();
        return this;
    }

    /**
     * An error reply with Redis's rule (addReplyErrorLength): {@code -ERR } is prepended unless the text starts
     * with {@code -} (then the text carries its own code: {@code "-WRONGTYPE Operation..."}); CR and LF in the
     * text become spaces so the reply stays one line.
     */
    public ReplyEncoder addError(CharSequence text) {
        ensure(text.length() + 8);
        if (text.length() == 0 || text.charAt(0) != '-') {
            put((byte) '-', (byte) 'E', (byte) 'R', (byte) 'R', (byte) ' ');
        }
        putChars(text, true);
        putCrlf();
        element();
        return this;
    }

    /** {@code :v\r\n}. */
    public ReplyEncoder addLong(long v) {
        ensure(MAX_HEADER);
        buf[length++] = RespType.INTEGER;
        length += Numbers.ll2string(v, buf, length);
        putCrlf();
        element();
        return this;
    }

    /** {@code $len\r\n<bytes>\r\n}. */
    public ReplyEncoder addBulk(byte[] b, int off, int len) {
        header(RespType.BULK_STRING, len, len + 2); // reserves the bytes and the CRLF: no second check
        byte[] out = buf;
        int at = length;
        System.arraycopy(b, off, out, at, len);
        at += len;
        out[at] = '\r';
        out[at + 1] = '\n';
        length = at + 2;
        element();
        return this;
    }

    public ReplyEncoder addBulk(byte[] b) {
        return addBulk(b, 0, b.length);
    }

    /** A bulk string of {@code s} in UTF-8 (no allocation when {@code s} is ASCII). */
    public ReplyEncoder addBulk(CharSequence s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return addBulk(s.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        header(RespType.BULK_STRING, n, n + 2);
        putChars(s, false);
        putCrlf();
        element();
        return this;
    }

    /** A bulk string holding {@code v} in decimal (addReplyBulkLongLong). */
    public ReplyEncoder addBulkLong(long v) {
        int n = Numbers.stringLength(v);
        header(RespType.BULK_STRING, n, n + 2);
        length += Numbers.ll2string(v, buf, length);
        putCrlf();
        element();
        return this;
    }

    /** Null: {@code _\r\n} in RESP3, the null bulk {@code $-1\r\n} in RESP2 (addReplyNull). */
    public ReplyEncoder addNull() {
        if (protocol == 3) {
            put((byte) '_', (byte) '\r', (byte) '\n');
        } else {
            put((byte) '$', (byte) '-', (byte) '1', (byte) '\r', (byte) '\n');
        }
        element();
        return this;
    }

    /** Null: {@code _\r\n} in RESP3, the null array {@code *-1\r\n} in RESP2 (addReplyNullArray). */
    public ReplyEncoder addNullArray() {
        if (protocol == 3) {
            put((byte) '_', (byte) '\r', (byte) '\n');
        } else {
            put((byte) '*', (byte) '-', (byte) '1', (byte) '\r', (byte) '\n');
        }
        element();
        return this;
    }

    /** {@code #t}/{@code #f} in RESP3, {@code :1}/{@code :0} in RESP2. */
    public ReplyEncoder addBool(boolean v) {
        if (protocol == 3) {
            put((byte) '#', (byte) (v ? 't' : 'f'), (byte) '\r', (byte) '\n');
        } else {
            put((byte) ':', (byte) (v ? '1' : '0'), (byte) '\r', (byte) '\n');
        }
        element();
        return this;
    }

    /** {@code ,<d2string>\r\n} in RESP3, a bulk string of the same text in RESP2 (addReplyDouble, Redis 7.2). */
    public ReplyEncoder addDouble(double v) {
        ensure(Numbers.MAX_D2STRING_CHARS + 16);
        if (protocol == 3) {
            buf[length++] = RespType.DOUBLE;
            length += Numbers.d2string(v, buf, length);
        } else {
            // write the text after room for the longest header, then move it next to the real header
            int start = length + 6;
            int n = Numbers.d2string(v, buf, start);
            buf[length++] = RespType.BULK_STRING;
            length += Numbers.ll2string(n, buf, length);
            putCrlf();
            System.arraycopy(buf, start, buf, length, n);
            length += n;
        }
        putCrlf();
        element();
        return this;
    }

    /** {@code (<digits>\r\n} in RESP3, a bulk string in RESP2. {@code digits} is ASCII. */
    public ReplyEncoder addBigNumber(CharSequence digits) {
        int n = digits.length();
        if (protocol == 3) {
            ensure(n + 3);
            buf[length++] = RespType.BIG_NUMBER;
        } else {
            header(RespType.BULK_STRING, n, n + 2);
        }
        putChars(digits, false);
        putCrlf();
        element();
        return this;
    }

    /**
     * A verbatim string (addReplyVerbatim): {@code =<len+4>\r\n<ext>:<bytes>\r\n} in RESP3, a bulk string of
     * the bytes alone in RESP2.
     *
     * @param ext exactly three ASCII characters such as {@code "txt"} or {@code "mkd"}
     */
    public ReplyEncoder addVerbatim(byte[] b, int off, int len, String ext) {
        if (ext.length() != 3) {
            throw new IllegalArgumentException("verbatim format must be 3 characters: " + ext);
        }
        if (protocol == 3) {
            header(RespType.VERBATIM_STRING, len + 4, len + 6);
            putChars(ext, false);
            buf[length++] = ':';
        } else {
            header(RespType.BULK_STRING, len, len + 2);
        }
        put(b, off, len);
        putCrlf();
        element();
        return this;
    }

    /** {@code !<len>\r\n<bytes>\r\n} in RESP3; a simple error line in RESP2 (CR/LF become spaces). */
    public ReplyEncoder addBlobError(byte[] b, int off, int len) {
        if (protocol == 3) {
            header(RespType.BLOB_ERROR, len, len + 2);
            put(b, off, len);
        } else {
            ensure(len + 3);
            buf[length++] = RespType.ERROR;
            for (int i = 0; i < len; i++) {
                byte c = b[off + i];
                buf[length++] = c == '\r' || c == '\n' ? (byte) ' ' : c;
            }
        }
        putCrlf();
        element();
        return this;
    }

    // ---------------------------------------------------------------- aggregates

    /** {@code *n\r\n}; n elements follow. */
    public ReplyEncoder addArrayLen(long n) {
        header(RespType.ARRAY, n, 0);
        aggregate(n, false);
        return this;
    }

    /** {@code %n\r\n} in RESP3, {@code *2n\r\n} in RESP2; n keys and n values follow, alternating. */
    public ReplyEncoder addMapLen(long n) {
        if (protocol == 3) {
            header(RespType.MAP, n, 0);
        } else {
            header(RespType.ARRAY, 2 * n, 0);
        }
        aggregate(2 * n, false);
        return this;
    }

    /** {@code ~n\r\n} in RESP3, {@code *n\r\n} in RESP2. */
    public ReplyEncoder addSetLen(long n) {
        header(protocol == 3 ? RespType.SET : RespType.ARRAY, n, 0);
        aggregate(n, false);
        return this;
    }

    /** {@code >n\r\n} in RESP3, {@code *n\r\n} in RESP2. */
    public ReplyEncoder addPushLen(long n) {
        header(protocol == 3 ? RespType.PUSH : RespType.ARRAY, n, 0);
        aggregate(n, false);
        return this;
    }

    /**
     * {@code |n\r\n} in RESP3, then n keys and n values, then the value they describe. In RESP2 the attribute
     * and its 2n elements are dropped (the described value is written normally).
     */
    public ReplyEncoder addAttributeLen(long n) {
        if (protocol == 3) {
            header(RespType.ATTRIBUTE, n, 0);
            aggregate(2 * n, true);
        } else if (n > 0 || skipDepth > 0) {
            if (skipDepth == 0) {
                skipMark = length;
            }
            pushSkip(2 * n, true);
            if (n == 0) {
                popFinished();
            }
        }
        return this;
    }

    /**
     * Reserves the place of an aggregate header whose length is not known yet.
     *
     * @return a handle for {@link #setDeferredArrayLen} and friends
     */
    public int addDeferredLen() {
        if (skipDepth > 0) {
            throw new IllegalStateException("deferred lengths are not supported inside a dropped RESP2 attribute");
        }
        if (deferredOpen == 0) {
            deferredCount = 0;
        }
        if (deferredCount == deferred.length) {
            int[] grown = new int[deferred.length * 2];
            System.arraycopy(deferred, 0, grown, 0, deferredCount);
            deferred = grown;
        }
        deferred[deferredCount] = length;
        deferredOpen++;
        return deferredCount++;
    }

    public void setDeferredArrayLen(int handle, long n) {
        setDeferred(handle, RespType.ARRAY, n);
    }

    /** Sets a deferred map header: {@code %n} in RESP3, {@code *2n} in RESP2. */
    public void setDeferredMapLen(int handle, long n) {
        if (protocol == 3) {
            setDeferred(handle, RespType.MAP, n);
        } else {
            setDeferred(handle, RespType.ARRAY, 2 * n);
        }
    }

    public void setDeferredSetLen(int handle, long n) {
        setDeferred(handle, protocol == 3 ? RespType.SET : RespType.ARRAY, n);
    }

    public void setDeferredPushLen(int handle, long n) {
        setDeferred(handle, protocol == 3 ? RespType.PUSH : RespType.ARRAY, n);
    }

    private void setDeferred(int handle, byte type, long n) {
        if (handle < 0 || handle >= deferredCount || deferred[handle] < 0) {
            throw new IllegalArgumentException("no open deferred length " + handle);
        }
        int at = deferred[handle];
        int hlen = 1 + Numbers.stringLength(n) + 2;
        ensure(hlen);
        if (handle >= deferredCount) {
            return; // the growth listener cleared the encoder
        }
        at = deferred[handle]; // ensure may have compacted
        System.arraycopy(buf, at, buf, at + hlen, length - at);
        buf[at] = type;
        int p = at + 1 + Numbers.ll2string(n, buf, at + 1);
        buf[p] = '\r';
        buf[p + 1] = '\n';
        length += hlen;
        deferred[handle] = -1;
        deferredOpen--;
        for (int i = 0; i < deferredCount; i++) {
            int d = deferred[i];
            if (d > at || (d == at && i > handle)) {
                deferred[i] = d + hlen;
            }
        }
    }

    // ---------------------------------------------------------------- value trees

    /**
     * Writes a decoded value tree with this encoder's protocol (so a tree decoded from RESP3 is re-encoded
     * byte for byte by a RESP3 encoder, and downgraded by a RESP2 one). Recursion depth is the tree's depth.
     */
    public ReplyEncoder addValue(RespValue value) {
        switch (value) {
            case RespValue.SimpleString s -> addStatus(s.value(), 0, s.value().length);
            case RespValue.SimpleError e -> addErrorBytes(e.message());
            case RespValue.Int i -> addLong(i.value());
            case RespValue.BulkString b -> addBulk(b.value());
            case RespValue.Null n -> {
                if (n.kind() == RespValue.NullKind.ARRAY) {
                    addNullArray();
                } else {
                    addNull();
                }
            }
            case RespValue.Dbl d -> addDouble(d.value());
            case RespValue.Bool b -> addBool(b.value());
            case RespValue.BlobError e -> addBlobError(e.message(), 0, e.message().length);
            case RespValue.Verbatim v -> addVerbatim(v.text(), 0, v.text().length, v.format());
            case RespValue.BigNumber n -> addBigNumber(n.digits());
            case RespValue.Aggregate a -> addAggregate(a);
            case RespValue.Attributed a -> {
                addAttributeLen(a.attributes().size() / 2);
                for (RespValue v : a.attributes()) {
                    addValue(v);
                }
                addValue(a.value());
            }
        }
        return this;
    }

    private void addAggregate(RespValue.Aggregate a) {
        int n = a.items().size();
        switch (a.kind()) {
            case ARRAY -> addArrayLen(n);
            case MAP -> addMapLen(n / 2);
            case SET -> addSetLen(n);
            case PUSH -> addPushLen(n);
        }
        for (RespValue v : a.items()) {
            addValue(v);
        }
    }

    /** {@code -<message>\r\n} exactly as given (a decoded error already carries its code). */
    private void addErrorBytes(byte[] message) {
        ensure(message.length + 3);
        buf[length++] = RespType.ERROR;
        put(message, 0, message.length);
        putCrlf();
        element();
    }

    // ---------------------------------------------------------------- RESP2 attribute dropping

    /** One scalar element is being written. */
    private void element() {
        if (skipDepth > 0) {
            skip[skipDepth - 1]--;
            popFinished();
        }
    }

    /** An aggregate header of {@code children} elements is being written. */
    private void aggregate(long children, boolean attribute) {
        if (skipDepth > 0) {
            if (children <= 0 && !attribute) {
                element();
            } else {
                pushSkip(children, attribute);
                if (children <= 0) {
                    popFinished();
                }
            }
        }
    }

    private void pushSkip(long children, boolean attribute) {
        if (skipDepth == skip.length) {
            skip = java.util.Arrays.copyOf(skip, skipDepth * 2);
            skipIsAttribute = java.util.Arrays.copyOf(skipIsAttribute, skipDepth * 2);
        }
        skip[skipDepth] = children;
        skipIsAttribute[skipDepth] = attribute;
        skipDepth++;
    }

    /** Pops finished aggregates; when the dropped attribute is complete, truncates what was written for it. */
    private void popFinished() {
        while (skipDepth > 0 && skip[skipDepth - 1] <= 0) {
            boolean attribute = skipIsAttribute[skipDepth - 1];
            skipDepth--;
            if (skipDepth == 0) {
                length = skipMark;
                return;
            }
            if (!attribute) {
                skip[skipDepth - 1]--;
            }
        }
    }

    // ---------------------------------------------------------------- low level

    /** Writes {@code <type><n>\r\n}, reserving {@code extra} more bytes. */
    private void header(byte type, long n, int extra) {
        ensure(MAX_HEADER + extra);
        byte[] out = buf;
        int at = length;
        out[at++] = type;
        if (n >= 0 && n < 100) { // most headers: array and bulk lengths of one or two digits
            int v = (int) n;
            if (v >= 10) {
                out[at++] = (byte) ('0' + v / 10);
                v %= 10;
            }
            out[at++] = (byte) ('0' + v);
        } else {
            at += Numbers.ll2string(n, out, at);
        }
        out[at] = '\r';
        out[at + 1] = '\n';
        length = at + 2;
    }

    private void put(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, length, len);
        length += len;
    }

    private void put(byte a, byte b, byte c) {
        ensure(3);
        buf[length++] = a;
        buf[length++] = b;
        buf[length++] = c;
    }

    private void put(byte a, byte b, byte c, byte d) {
        ensure(4);
        buf[length++] = a;
        buf[length++] = b;
        buf[length++] = c;
        buf[length++] = d;
    }

    private void put(byte a, byte b, byte c, byte d, byte e) {
        ensure(5);
        buf[length++] = a;
        buf[length++] = b;
        buf[length++] = c;
        buf[length++] = d;
        buf[length++] = e;
    }

    private void putCrlf() {
        ensure(2);
        buf[length++] = '\r';
        buf[length++] = '\n';
    }

    private void putChars(CharSequence s, boolean noNewlines) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (noNewlines && (c == '\r' || c == '\n')) {
                c = ' ';
            }
            buf[length++] = (byte) c;
        }
    }
}
