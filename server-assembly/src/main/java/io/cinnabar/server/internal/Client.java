package io.cinnabar.server.internal;

import io.cinnabar.resp.ReplyEncoder;
import io.cinnabar.resp.RequestDecoder;
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
 * commands (resp-codec's {@link ReplyEncoder}); both buffers are wrapped once in heap {@link ByteBuffer}s for the
 * channel calls.
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class Client {
    /** Initial size of the query and reply buffers; both grow on demand and shrink back when idle. */
    static final int INITIAL_BUFFER = 4 * 1024;
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

    /** Writes an element popped from a quicklist as a bulk reply, straight from the node's bytes. */
    final io.cinnabar.quicklist.Quicklist.ElementSink bulkSink = new io.cinnabar.quicklist.Quicklist.ElementSink() {
        @Override
        public void string(byte[] array, int offset, int length) {
            bulk(array, offset, length);
        }

        @Override
        public void integer(long value) {
            bulkLong(value);
        }
    };

    // query buffer and the current command's arguments
    byte[] qbuf = new byte[INITIAL_BUFFER];
    int qpos;
    int qlen;
    ByteBuffer qwrap = ByteBuffer.wrap(qbuf);
    int[] argOff = new int[16];
    int[] argLen = new int[16];
    int argc;
    byte[] argBuf; // the buffer the current arguments point into (qbuf)
    int qbufPeak;
    final RequestDecoder decoder = new RequestDecoder();

    // reply buffer
    ReplyEncoder enc = new ReplyEncoder(INITIAL_BUFFER);
    /** Wraps enc.array() for channel writes; replaced when the encoder grows its array. */
    ByteBuffer owrap = ByteBuffer.wrap(enc.array());
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
    /** Set while the client is blocked on keys (BLPOP ...): its input is then not processed. */
    BlockingKeys.Blocked blocked;

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

    // ---- replies, encoded by resp-codec's ReplyEncoder (RESP2 or RESP3 per HELLO)

    private boolean muted() {
        return replyMode != REPLY_ON;
    }

    void raw(byte[] b) {
        if (!muted()) {
            enc.addRaw(b, 0, b.length);
        }
    }

    void ok() {
        raw(Shared.OK);
    }

    void simple(String s) {
        if (!muted()) {
            enc.addStatus(s);
        }
    }

    /** An error reply; msg starts with the code (e.g. "ERR ..."). CR/LF in it become spaces, as in Redis. */
    void error(String msg) {
        server.stats.errorReply(msg);
        if (!muted()) {
            enc.addError("-" + msg);
        }
    }

    void integer(long v) {
        if (!muted()) {
            enc.addLong(v);
        }
    }

    void bulk(byte[] b, int off, int len) {
        if (!muted()) {
            enc.addBulk(b, off, len);
        }
    }

    void bulk(byte[] b) {
        bulk(b, 0, b.length);
    }

    void bulk(String s) {
        if (!muted()) {
            enc.addBulk(s);
        }
    }

    void bulkLong(long v) {
        if (!muted()) {
            enc.addBulkLong(v);
        }
    }

    /** The string value of an entry as a bulk reply. */
    void bulkEntry(Entry e) {
        if (e.enc == Entry.ENC_INT) {
            bulkLong(e.num);
        } else {
            bulk(e.valArray(), e.valOff(), (int) e.num);
        }
    }

    /** A double: RESP3 double, RESP2 bulk string (Redis 7.2 text). */
    void dbl(double v) {
        if (!muted()) {
            enc.addDouble(v);
        }
    }

    void nullBulk() {
        if (!muted()) {
            enc.addNull();
        }
    }

    void nullArray() {
        if (!muted()) {
            enc.addNullArray();
        }
    }

    void array(long n) {
        if (!muted()) {
            enc.addArrayLen(n);
        }
    }

    void map(long n) {
        if (!muted()) {
            enc.addMapLen(n);
        }
    }

    void set(long n) {
        if (!muted()) {
            enc.addSetLen(n);
        }
    }

    /** Verbatim text (RESP3 "=" with format "txt"), a bulk string in RESP2. */
    void verbatim(String text) {
        if (!muted()) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            enc.addVerbatim(b, 0, b.length, "txt");
        }
    }

    void bool(boolean v) {
        if (!muted()) {
            enc.addBool(v);
        }
    }

    void protocol(int version) {
        resp = version;
        enc.protocol(version);
    }

    /** Bytes queued and not yet written. */
    int pendingBytes() {
        return enc.length() - enc.readIndex();
    }

    String name() {
        return name == null ? "" : name;
    }
}
