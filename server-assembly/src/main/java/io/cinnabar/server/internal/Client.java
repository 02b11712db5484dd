package io.cinnabar.server.internal;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One connection: its query buffer and parsed arguments, its reply buffer, and its session state (database, protocol,
 * name, authentication, flags).
 * <p>
 * Arguments are slices of {@link #qbuf} ({@code argOff[i]}, {@code argLen[i]}): a command reads them in place and
 * copies only what it stores. Replies are encoded into {@link #out}, which grows as needed and is reused across
 * commands; both buffers are wrapped once in heap {@link ByteBuffer}s for the channel calls.
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class Client {
    static final int REPLY_ON = 0;
    static final int REPLY_OFF = 1;
    static final int REPLY_SKIP_NEXT = 2;
    static final int REPLY_SKIP = 3;

    final Server server;
    final long id;
    final SocketChannel ch;
    SelectionKey key;
    final String addr;
    final String laddr;
    final boolean unix;
    final long ctime;
    long lastInteraction;

    // query buffer and the current command's arguments
    byte[] qbuf = new byte[16 * 1024];
    int qpos;
    int qlen;
    ByteBuffer qwrap = ByteBuffer.wrap(qbuf);
    int[] argOff = new int[16];
    int[] argLen = new int[16];
    int argc;
    byte[] argBuf; // the buffer the current arguments point into (qbuf)
    int qbufPeak;
    final StandInRequestDecoder decoder = new StandInRequestDecoder();

    // reply buffer
    byte[] out = new byte[16 * 1024];
    int outLen;
    int outSent;
    ByteBuffer owrap = ByteBuffer.wrap(out);
    long outBytesTotal;

    // session state
    Db db;
    int dbIndex;
    int resp = 2;
    boolean authenticated;
    String name;
    String libName;
    String libVer;
    boolean closeAfterReply;
    boolean closed;
    boolean monitor;
    boolean noEvict;
    boolean noTouch;
    int replyMode = REPLY_ON;
    boolean pendingWrite;
    String lastCmd = "NULL";
    long totalArgBytes;
    final long[] tmp = new long[1];
    /** Absolute expire time parsed from SET/GETEX options, or -1. */
    long optExpireAt = -1;
    /** The command being executed. */
    Command cmd;
    long softLimitReachedAt;

    Client(Server server, long id, SocketChannel ch, String addr, String laddr, boolean unix) {
        this.server = server;
        this.id = id;
        this.ch = ch;
        this.addr = addr;
        this.laddr = laddr;
        this.unix = unix;
        this.ctime = System.currentTimeMillis();
        this.lastInteraction = ctime;
        this.argBuf = qbuf;
    }

    // ---- arguments

    boolean argIs(int i, String lower) {
        int len = argLen[i];
        if (len != lower.length()) {
            return false;
        }
        int off = argOff[i];
        for (int k = 0; k < len; k++) {
            int c = argBuf[off + k];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    byte[] arg(int i) {
        byte[] b = new byte[argLen[i]];
        System.arraycopy(argBuf, argOff[i], b, 0, b.length);
        return b;
    }

    String argString(int i) {
        return new String(argBuf, argOff[i], argLen[i], StandardCharsets.ISO_8859_1);
    }

    /** Parses argument i as a long (string2ll); on failure replies "value is not an integer" and returns false. */
    boolean argLong(int i) {
        if (Num.string2ll(argBuf, argOff[i], argLen[i], tmp)) {
            return true;
        }
        error("ERR value is not an integer or out of range");
        return false;
    }

    boolean argLongOr(int i, String err) {
        if (Num.string2ll(argBuf, argOff[i], argLen[i], tmp)) {
            return true;
        }
        error(err);
        return false;
    }

    // ---- reply encoding (RESP2 / RESP3)

    private boolean muted() {
        return replyMode != REPLY_ON;
    }

    private void ensure(int n) {
        if (outLen + n > out.length) {
            grow(outLen + n);
        }
    }

    private void grow(int need) {
        int cap = Math.max(need, out.length * 2);
        byte[] n = new byte[cap];
        System.arraycopy(out, 0, n, 0, outLen);
        out = n;
        owrap = ByteBuffer.wrap(out);
        server.stats.replyBufferExpands++;
    }

    void raw(byte[] b) {
        if (muted()) {
            return;
        }
        ensure(b.length);
        System.arraycopy(b, 0, out, outLen, b.length);
        outLen += b.length;
    }

    private void crlf() {
        out[outLen++] = '\r';
        out[outLen++] = '\n';
    }

    private void header(char t, long n) {
        ensure(24);
        out[outLen++] = (byte) t;
        outLen = Num.ll2string(n, out, outLen);
        crlf();
    }

    void ok() {
        raw(Shared.OK);
    }

    void simple(String s) {
        if (muted()) {
            return;
        }
        ensure(s.length() + 3);
        out[outLen++] = '+';
        for (int i = 0; i < s.length(); i++) {
            out[outLen++] = (byte) s.charAt(i);
        }
        crlf();
    }

    /** An error reply; msg starts with the code (e.g. "ERR ..."). CR/LF in it become spaces, as in Redis. */
    void error(String msg) {
        server.stats.errorReply(msg);
        if (muted()) {
            return;
        }
        ensure(msg.length() + 3);
        out[outLen++] = '-';
        for (int i = 0; i < msg.length(); i++) {
            char c = msg.charAt(i);
            out[outLen++] = (byte) (c == '\r' || c == '\n' ? ' ' : c);
        }
        crlf();
    }

    void integer(long v) {
        if (muted()) {
            return;
        }
        header(':', v);
    }

    void bulk(byte[] b, int off, int len) {
        if (muted()) {
            return;
        }
        ensure(len + 24);
        out[outLen++] = '$';
        outLen = Num.ll2string(len, out, outLen);
        crlf();
        System.arraycopy(b, off, out, outLen, len);
        outLen += len;
        crlf();
    }

    void bulk(byte[] b) {
        bulk(b, 0, b.length);
    }

    void bulk(String s) {
        bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    void bulkLong(long v) {
        if (muted()) {
            return;
        }
        ensure(48);
        out[outLen++] = '$';
        outLen = Num.ll2string(Num.digits(v), out, outLen);
        crlf();
        outLen = Num.ll2string(v, out, outLen);
        crlf();
    }

    /** The string value of an entry as a bulk reply. */
    void bulkEntry(Entry e) {
        if (e.enc == Entry.ENC_INT) {
            bulkLong(e.num);
        } else {
            bulk(e.val, 0, (int) e.num);
        }
    }

    void nullBulk() {
        raw(resp == 3 ? Shared.NULL3 : Shared.NULL_BULK);
    }

    void nullArray() {
        raw(resp == 3 ? Shared.NULL3 : Shared.NULL_ARRAY);
    }

    void array(long n) {
        if (muted()) {
            return;
        }
        header('*', n);
    }

    void map(long n) {
        if (muted()) {
            return;
        }
        if (resp == 3) {
            header('%', n);
        } else {
            header('*', n * 2);
        }
    }

    void set(long n) {
        if (muted()) {
            return;
        }
        header(resp == 3 ? '~' : '*', n);
    }

    /** Verbatim text (RESP3 "=" with format "txt"), a bulk string in RESP2. */
    void verbatim(String text) {
        if (muted()) {
            return;
        }
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (resp == 3) {
            ensure(b.length + 32);
            out[outLen++] = '=';
            outLen = Num.ll2string(b.length + 4, out, outLen);
            crlf();
            out[outLen++] = 't';
            out[outLen++] = 'x';
            out[outLen++] = 't';
            out[outLen++] = ':';
            System.arraycopy(b, 0, out, outLen, b.length);
            outLen += b.length;
            crlf();
        } else {
            bulk(b);
        }
    }

    void bool(boolean v) {
        if (resp == 3) {
            raw(v ? Shared.TRUE3 : Shared.FALSE3);
        } else {
            raw(v ? Shared.ONE : Shared.ZERO);
        }
    }

    /** Bytes queued and not yet written. */
    int pendingBytes() {
        return outLen - outSent;
    }

    String name() {
        return name == null ? "" : name;
    }
}
