package io.cinnabar.server.internal.command;

import io.cinnabar.sds.Numbers;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.keyspace.Entry;

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
public final class Client {
    /** Initial size of the query and reply buffers; both grow on demand and shrink back when idle. */
    public static final int INITIAL_BUFFER = 4 * 1024;
    public static final int REPLY_ON = 0;
    public static final int REPLY_OFF = 1;
    public static final int REPLY_SKIP_NEXT = 2;
    static final int REPLY_SKIP = 3;
    /**
     * The client is being closed for its output-buffer limit (Redis's CLIENT_CLOSE_ASAP): the rest of the running
     * command's replies are dropped, so a huge reply stops growing the buffer mid-command.
     */
    public static final int REPLY_DROPPED = 4;
    /**
     * A replica of ours (after SYNC/PSYNC) with replies on: its link carries the replication stream only, so the
     * first reply that reaches it, in its own command or later (a blocked WAIT's answer, a Pub/Sub message, a
     * tracking invalidation), logs it and disconnects it (Redis's _addReplyToBufferOrList on a CLIENT_SLAVE client)
     * and is not sent. CLIENT REPLY OFF|SKIP on it drop replies silently, as in Redis.
     */
    public static final int REPLY_REPLICA = 5;
    /** The most bytes a reply buffer can hold (a Java array); a client whose replies need more is closed. */
    static final long MAX_REPLY_BYTES = Integer.MAX_VALUE - 8;

    public final Server server;
    public final long id;
    public final SocketChannel ch;
    public SelectionKey key;
    public final String addr;
    public final String laddr;
    public final boolean unix;
    public final long ctime;
    public long lastInteraction;

    /** Writes an element popped from a quicklist as a bulk reply, straight from the node's bytes. */
    public final io.cinnabar.quicklist.Quicklist.ElementSink bulkSink = new io.cinnabar.quicklist.Quicklist.ElementSink() {
        @Override
        public void string(byte[] array, int offset, int length) {
            bulk(array, offset, length);
        }

        @Override
        public void integer(long value) {
            bulkLong(value);
        }
    };

    // query buffer and the current command's arguments. Empty until the first read (Redis's sdsempty() of
    // createClient: CLIENT LIST shows qbuf=0 qbuf-free=0 for a client that sent nothing, and an idle connection holds
    // no 16 KiB). The read path's growth of an empty buffer is then every new client's first read, the same branch
    // that serves a client whose idle buffer the cron freed: the JIT sees it taken (the warm-up's reconnecting
    // client), not a never-taken branch whose first use deoptimizes the event loop's request path.
    public byte[] qbuf = NO_QUERY;
    public int qpos;
    public int qlen;
    public ByteBuffer qwrap = ByteBuffer.wrap(qbuf);
    public int[] argOff = new int[16];
    public int[] argLen = new int[16];
    public int argc;
    public byte[] argBuf; // the buffer the current arguments point into (qbuf)
    /**
     * The most bytes the query buffer needed since the cron last looked (Redis's querybuf_peak): the cron trims a
     * buffer more than twice as large as its peak, and frees the buffer of a client idle for over 2 seconds.
     */
    public int qbufPeak;
    /** The query buffer of a client that has none (shared: nothing is ever written into a 0-length array). */
    public static final byte[] NO_QUERY = new byte[0];
    /** Redis's PROTO_IOBUF_LEN: what one read asks for; an empty query buffer gets this much before a read. */
    public static final int QUERY_IO_BUF = 16 * 1024;
    public final RequestDecoder decoder = new RequestDecoder();
    /**
     * While a bulk argument of at least {@link #BIG_ARG} bytes is being received: what Redis allocates for it (the
     * size class of an sds of the argument and its CRLF), else 0. Redis sizes its buffer for such an
     * argument as soon as its header arrives (sdsMakeRoomForNonGreedy), so that much counts in the client's memory
     * (tot-mem, client eviction) at once; here the array grows with the bytes that arrive (a header alone must not
     * cost its declared size) and the reservation is only counted.
     */
    public long qbufReserved;
    /**
     * With {@link #qbufReserved}: the room Redis's buffer has for the big argument (its sds alloc: jemalloc's usable
     * size less the sds header and NUL, so CLIENT LIST qbuf-free shows the size class's slack as Redis's does).
     */
    public long qbufBigArgAlloc;
    /**
     * With {@link #qbufReserved}: the bytes of the pending command before the big argument's data (the header and
     * earlier arguments), which Redis has moved out of its query buffer by then (CLIENT LIST qbuf counts the
     * argument's bytes only).
     */
    public int qbufBigArgSkip;
    /** Redis's PROTO_MBULK_BIG_ARG: a bulk argument this large gets a query buffer sized for it. */
    public static final int BIG_ARG = 32 * 1024;
    /**
     * The memory last counted for this client in the clients' total of INFO mem_clients_normal and client eviction
     * (Redis's last_memory_usage: the cron's figure, or the last update while maxmemory-clients is on).
     */
    public long memCounted;
    /**
     * The memory counted for this client in used_memory (Redis's allocator counts a buffer as it grows): updated
     * after every read, before every command and after every write, whatever maxmemory-clients.
     */
    public long memLive;
    /** The fixed part of a client's memory (its structures), in tot-mem and the clients' total. */
    public static final long CLIENT_BASE = 1024;

    // reply buffer
    public ReplyEncoder enc = new ReplyEncoder(INITIAL_BUFFER);
    /**
     * The reply buffer's growth listener, made once per client at this one call site: every buffer the client gets
     * shares it. A method reference at a second site (the cron's resize, {@link #newReplyBuffer}) was a second
     * class implementing the listener, spun on the event loop at the first resize after start; loading it broke
     * the compiled request path's assumption of one implementation, and the deoptimization's handshake with every
     * thread waited 160-320 ms for the thread zeroing a keyspace growth's slab (a stall of the pinned set phase of
     * bench/latency.sh, session 16).
     */
    private final ReplyEncoder.GrowthListener growth = this::replyGrowing;
    /**
     * Redis's static reply buffer, as CLIENT LIST shows it (rbs, rbp): its size (16 KB at first, resized by the
     * cron between 1 KB and 16 KB from the peak use) and the most bytes of replies it held at once since the last
     * peak reset. The encoder's array follows the size when it is idle; larger replies grow it as they need
     * (Redis's reply list).
     */
    public int replyBufSize = REPLY_CHUNK_BYTES;
    public int replyBufPeak = REPLY_CHUNK_BYTES;
    public long replyBufPeakResetMs;
    public static final int REPLY_CHUNK_BYTES = 16 * 1024;
    public static final int REPLY_MIN_BYTES = 1024;

    /** Where Redis would hold the pending replies: its static buffer and its reply list (see {@link ReplyBlocks}). */
    private final ReplyBlocks blocks = new ReplyBlocks();
    /** The placeholder in {@link #blocks} of each open deferred length, by the encoder's handle. */
    private long[] deferredSeq = new long[4];

    /** Feeds the replies appended since the last look to {@link #blocks} (a cleared encoder starts it over). */
    private void syncBlocks() {
        long held = enc.length() - enc.readIndex();
        if (held < blocks.pending) {
            blocks.reset();
        }
        if (held > blocks.pending) {
            blocks.append(held - blocks.pending, replyBufSize);
        }
    }

    /** n bytes of replies were written to the socket. */
    public void consumeReplies(int n) {
        syncBlocks();
        enc.consume(n);
        blocks.consume(n);
    }

    /** CLIENT LIST obl: the bytes in Redis's static reply buffer (a replica: its own replies). */
    public long replyBufBytes() {
        if (shared != null) {
            return replyPending();
        }
        syncBlocks();
        return blocks.bufUsed;
    }

    /**
     * Whether Redis would hold reply blocks for this client (reply_bytes &gt; 0): its closeClientOnOutputBufferLimitReached
     * looks at a non-replica's limits only then, so neither a close nor the soft limit's reset happens without.
     */
    public boolean hasReplyBlocks() {
        syncBlocks();
        return blocks.replyBytes() > 0;
    }

    /** CLIENT LIST oll: the nodes of Redis's reply list (a replica: of the replication buffer). */
    public long replyListLength() {
        if (shared != null) {
            return shared.blocks();
        }
        syncBlocks();
        return blocks.count;
    }

    /** Records the bytes of replies the buffer holds now (Redis's _addReplyToBuffer peak). */
    public void replyBufUsed() {
        int used = Math.min(enc.length(), replyBufSize);
        if (used > replyBufPeak) {
            replyBufPeak = used;
        }
    }
    /** Wraps enc.array() for channel writes; replaced when the encoder grows its array. */
    public ByteBuffer owrap = ByteBuffer.wrap(enc.array());
    public long outBytesTotal;

    // session state
    public Db db;
    public int dbIndex;
    public int resp = 2;
    public boolean authenticated;
    /**
     * The user the connection is authenticated as (at first the default user); null for a detached client,
     * which, as Redis's internal clients, may run anything.
     */
    public AccessControl.User user;
    public String name;
    public String libName;
    public String libVer;
    public boolean closeAfterReply;
    public boolean closed;
    /** When (unix ms) an asynchronous close was requested (CLIENT KILL inside a transaction closes after EXEC). */
    public long closeRequestedMs;
    public boolean monitor;
    public boolean noEvict;
    /**
     * A client whose commands must run whatever the memory (Redis's mustObeyClient: the master link, the AOF
     * loader): never refused with OOM. See {@link #obeyed()}.
     */
    public boolean mustObey;
    /** Flags of the commands queued since MULTI (Redis's mstate.cmd_flags): EXEC of a denyoom queue is refused on OOM. */
    public int queuedFlags;
    /** The complement flags of the queued commands OR-ed (mstate.cmd_inv_flags): EXEC is stale-ok only if all are. */
    public int queuedInvFlags;
    public boolean noTouch;
    public int replyMode = REPLY_ON;
    public boolean pendingWrite;
    public String lastCmd = "NULL";
    long totalArgBytes;
    /** The scratch state of the command being executed (the server's one {@link CallContext}). */
    public final CallContext ctx;
    /** The command being executed. */
    public Command cmd;
    /** When the output buffer was first seen over the soft limit (Redis's obuf_soft_limit_reached_time), s; or 0. */
    public long softLimitReachedAt;
    /**
     * The command held by a client pause (Redis's BLOCKED_POSTPONE), run when the pause ends; null otherwise.
     * While set, the client's input is not processed.
     */
    public Postponed postponed;

    /** A postponed command's arguments: slices of {@code buf}. */
    public record Postponed(byte[] buf, int[] off, int[] len) {
        /** Makes these the client's current arguments. */
        public void restore(Client c) {
            if (c.argOff.length < off.length) {
                c.argOff = new int[off.length];
                c.argLen = new int[off.length];
            }
            System.arraycopy(off, 0, c.argOff, 0, off.length);
            System.arraycopy(len, 0, c.argLen, 0, len.length);
            c.argBuf = buf;
            c.argc = off.length;
        }
    }

    /** Set while the client is blocked on keys (BLPOP ...): its input is then not processed. */
    public BlockedClients.Ticket blocked;
    /** Set between MULTI and EXEC/DISCARD: commands other than EXEC, DISCARD, MULTI, WATCH, QUIT, RESET queue. */
    public boolean inMulti;
    /** Set while EXEC runs the queued commands: blocking commands answer as on a timeout instead of blocking. */
    public boolean denyBlocking;
    /** The client of redis.call (a script engine's): ACL LOG entries it causes have the context "lua". */
    public boolean script;
    /** The transaction code's record of this client (queued commands, watched keys), or null. */
    public Transactions.State tx;
    /** Set while the client subscribes to a channel, pattern or shard channel (Redis's CLIENT_PUBSUB). */
    public boolean pubsub;
    /** Cluster: ASKING was sent (lasts one command, or until EXEC). */
    public boolean asking;
    /** Cluster: READONLY was sent (reads on a replica are served, not redirected). */
    public boolean readonly;
    /** The Pub/Sub code's record of this client (subscriptions, tracking), or null. */
    public PubSub.State ps;
    /** {@link #ROLE_NORMAL}, {@link #ROLE_REPLICA} (a replica of this server) or {@link #ROLE_MASTER} (our master). */
    public int replRole;
    public static final int ROLE_NORMAL = 0;
    public static final int ROLE_REPLICA = 1;
    public static final int ROLE_MASTER = 2;
    /** The replication code's record of this client (a replica's state, a WAIT), or null. */
    public Object repl;
    /** Output read from a shared buffer after this client's own replies (a replica's replication stream), or null. */
    public SharedOutput shared;
    /** The master replication offset after this client's last propagated write (Redis's woff, for WAIT). */
    public long woff;

    /** Whether this client's commands are never refused for memory: {@link #mustObey}, or data is being loaded. */
    public boolean obeyed() {
        return mustObey || server.keyspace.loading;
    }

    public Client(Server server, long id, SocketChannel ch, String addr, String laddr, boolean unix) {
        this.server = server;
        this.id = id;
        this.ch = ch;
        this.addr = addr;
        this.laddr = laddr;
        this.unix = unix;
        this.ctime = System.currentTimeMillis();
        this.lastInteraction = ctime;
        this.replyBufPeakResetMs = ctime;
        this.argBuf = qbuf;
        this.ctx = server.ctx;
        this.user = server.acl == null ? null : server.acl.defaultUser();
        if (ch != null) {
            enc.growthListener(growth);
        }
    }

    /** Replaces the reply buffer with an empty one of the given size (after a large reply was written). */
    public void newReplyBuffer(int size) {
        enc = new ReplyEncoder(size).protocol(resp);
        if (ch != null) {
            enc.growthListener(growth);
        }
        owrap = ByteBuffer.wrap(enc.array());
    }

    /**
     * The reply buffer must grow (Redis checks the limits each time a reply block is added): a client over its
     * output-buffer limit is closed now, not after the command, and the rest of the command's replies are
     * dropped; a reply over {@link #MAX_REPLY_BYTES} closes the client the same way.
     */
    private void replyGrowing(ReplyEncoder e, long wanted) {
        if (!closed) {
            if (wanted > MAX_REPLY_BYTES) {
                server.log.warning("Client id=" + id + " addr=" + addr + " closed: its replies need more than "
                    + MAX_REPLY_BYTES + " bytes of output buffer");
                server.loop.closeAsync(this);
            } else if (server.loop != null) {
                server.loop.checkLimits(this);
            }
        }
        if (closed) {
            replyMode = REPLY_DROPPED;
            e.clear();
        }
    }

    /**
     * A client without a socket, for commands that do not come from a connection (the AOF loader, scripting, a
     * master link): authenticated, not listed by CLIENT LIST; {@link Server#execute} runs a command for it and
     * its replies accumulate in its reply buffer until {@link #takeReplies()}.
     */
    public static Client detached(Server server) {
        Client c = new Client(server, server.nextClientId++, null, "", "", false);
        c.authenticated = true;
        c.user = null;
        c.db = server.dbs[0];
        c.dbIndex = 0;
        return c;
    }

    /** Whether this client has no socket ({@link #detached}). */
    public boolean isDetached() {
        return ch == null;
    }

    /**
     * Makes argv the current command's arguments, copied into this client's query buffer (which a detached
     * client does not otherwise use); argv must not be empty.
     */
    public void setArgs(byte[][] argv) {
        int total = 0;
        for (byte[] a : argv) {
            total += a.length;
        }
        if (qbuf.length < total) {
            qbuf = new byte[total];
            qwrap = ByteBuffer.wrap(qbuf);
        }
        if (argOff.length < argv.length) {
            argOff = new int[argv.length];
            argLen = new int[argv.length];
        }
        int off = 0;
        for (int i = 0; i < argv.length; i++) {
            System.arraycopy(argv[i], 0, qbuf, off, argv[i].length);
            argOff[i] = off;
            argLen[i] = argv[i].length;
            off += argv[i].length;
        }
        argBuf = qbuf;
        argc = argv.length;
    }

    /**
     * The command changed the key in argument arg (Redis's signalModifiedKey): the keyspace listeners are told
     * and the dirty counter moves by changes (Redis's count for the command; 0 when it does not count).
     */
    public void modified(int arg, long changes) {
        server.keyspace.modified(db, argBuf, argOff[arg], argLen[arg], changes);
    }

    /** Emits a keyspace event about the key in argument arg of this client's database (if its class is on). */
    public void notify(int type, String event, int arg) {
        server.keyspace.events.notify(type, event, db, argBuf, argOff[arg], argLen[arg]);
    }

    /** The replies written since the last call (RESP bytes, in the client's protocol); empties the buffer. */
    public byte[] takeReplies() {
        byte[] b = java.util.Arrays.copyOfRange(enc.array(), enc.readIndex(), enc.length());
        enc.clear();
        return b;
    }

    // ---- arguments

    public boolean argIs(int i, String lower) {
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

    public byte[] arg(int i) {
        byte[] b = new byte[argLen[i]];
        System.arraycopy(argBuf, argOff[i], b, 0, b.length);
        return b;
    }

    public String argString(int i) {
        return new String(argBuf, argOff[i], argLen[i], StandardCharsets.ISO_8859_1);
    }

    /** Parses argument i as a long (string2ll); on failure replies "value is not an integer" and returns false. */
    public boolean argLong(int i) {
        if (Numbers.string2ll(argBuf, argOff[i], argLen[i], ctx.tmp)) {
            return true;
        }
        error("ERR value is not an integer or out of range");
        return false;
    }

    public boolean argLongOr(int i, String err) {
        if (Numbers.string2ll(argBuf, argOff[i], argLen[i], ctx.tmp)) {
            return true;
        }
        error(err);
        return false;
    }

    // ---- replies, encoded by resp-codec's ReplyEncoder (RESP2 or RESP3 per HELLO)

    /**
     * Whether a reply must not be written: replies are off or skipped, the client is closing, or it is a replica
     * ({@link #REPLY_REPLICA}: the first attempt disconnects it). Nothing but a compare while replies are on.
     */
    public boolean muted() {
        return replyMode != REPLY_ON && mutedReply();
    }

    private boolean mutedReply() {
        if (replyMode == REPLY_REPLICA) {
            server.replicaGeneratedReply(this); // then REPLY_DROPPED: once
        }
        return true;
    }

    /** Replies on again (CLIENT REPLY ON, the end of a SKIP, RESET): for a replica, {@link #REPLY_REPLICA}. */
    public void repliesOn() {
        replyMode = replRole == ROLE_REPLICA ? REPLY_REPLICA : REPLY_ON;
    }

    /**
     * Bytes for the socket that are not a reply, so also for a replica (Redis writes them with connWrite, outside
     * the reply path): the +FULLRESYNC/+CONTINUE lines, the newlines that keep a waiting replica's link alive.
     */
    public void protocolRaw(byte[] b) {
        enc.addRaw(b, 0, b.length);
    }

    public void raw(byte[] b) {
        if (!muted()) {
            enc.addRaw(b, 0, b.length);
        }
    }

    public void ok() {
        raw(Shared.OK);
    }

    public void simple(String s) {
        if (!muted()) {
            enc.addStatus(s);
        }
    }

    /** An error reply; msg starts with the code (e.g. "ERR ..."). CR/LF in it become spaces, as in Redis. */
    public void error(String msg) {
        server.stats.errorReply(msg);
        if (replRole != ROLE_NORMAL) {
            server.unexpectedErrorReply(this, msg);
        }
        if (!muted()) {
            enc.addError("-" + msg);
        }
    }

    public void integer(long v) {
        if (!muted()) {
            enc.addLong(v);
        }
    }

    public void bulk(byte[] b, int off, int len) {
        if (!muted()) {
            enc.addBulk(b, off, len);
        }
    }

    public void bulk(byte[] b) {
        bulk(b, 0, b.length);
    }

    public void bulk(String s) {
        if (!muted()) {
            enc.addBulk(s);
        }
    }

    public void bulkLong(long v) {
        if (!muted()) {
            enc.addBulkLong(v);
        }
    }

    /** The string value of an entry as a bulk reply. */
    public void bulkEntry(Entry e) {
        if (e.isInt()) {
            bulkLong(e.intValue());
        } else {
            bulk(e.valArray(), e.valOff(), e.strlen());
        }
    }

    /** A double: RESP3 double, RESP2 bulk string (Redis 7.2 text). */
    public void dbl(double v) {
        if (!muted()) {
            enc.addDouble(v);
        }
    }

    public void nullBulk() {
        if (!muted()) {
            enc.addNull();
        }
    }

    public void nullArray() {
        if (!muted()) {
            enc.addNullArray();
        }
    }

    public void array(long n) {
        if (!muted()) {
            enc.addArrayLen(n);
        }
    }

    /**
     * Reserves an array header whose length {@link #setDeferredArray} writes once the elements are (Redis's
     * addReplyDeferredLen); returns its handle, -1 while replies are off.
     */
    public int deferredArray() {
        if (muted()) {
            return -1;
        }
        syncBlocks();
        int h = enc.addDeferredLen();
        if (h >= deferredSeq.length) {
            deferredSeq = java.util.Arrays.copyOf(deferredSeq, Math.max(h + 1, deferredSeq.length * 2));
        }
        deferredSeq[h] = blocks.openDeferred();
        return h;
    }

    /** Writes the length of the array header {@link #deferredArray} reserved. */
    public void setDeferredArray(int handle, long n) {
        if (handle >= 0 && replyMode != REPLY_DROPPED) {
            syncBlocks();
            int before = enc.length();
            enc.setDeferredArrayLen(handle, n);
            if (enc.length() > before) {
                blocks.closeDeferred(deferredSeq[handle], enc.length() - before);
            }
        }
    }

    public void map(long n) {
        if (!muted()) {
            enc.addMapLen(n);
        }
    }

    public void set(long n) {
        if (!muted()) {
            enc.addSetLen(n);
        }
    }

    /** Verbatim text (RESP3 "=" with format "txt"), a bulk string in RESP2. */
    public void verbatim(String text) {
        if (!muted()) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            enc.addVerbatim(b, 0, b.length, "txt");
        }
    }

    public void bool(boolean v) {
        if (!muted()) {
            enc.addBool(v);
        }
    }

    public void protocol(int version) {
        resp = version;
        enc.protocol(version);
    }

    /**
     * The query buffer's size as Redis would have allocated it (sdsZmallocSize): the array, or the reservation of a
     * big argument.
     */
    public long qbufAlloc() {
        return Math.max(qbuf.length, qbufReserved);
    }

    /**
     * Bytes of the arguments of the command being run, plus a pointer each (Redis's argv_len_sum + sizeof(robj*) *
     * argc, CLIENT LIST argv-mem without the pointers); 0 between commands.
     */
    public long argvBytes() {
        long n = 0;
        for (int i = 0; i < argc; i++) {
            n += argLen[i];
        }
        return n;
    }

    /**
     * This client's memory as Redis's getClientMemoryUsage counts it (CLIENT LIST tot-mem, maxmemory-clients): the
     * query buffer (with a big argument's reservation), the reply buffer, the fixed part, the current command's
     * arguments, the MULTI queue and watched keys, and the Pub/Sub and tracking-prefix structures.
     */
    public long memoryUsage() {
        // Redis's static reply buffer (rbs) plus its reply list (omem: the blocks of the replies not yet written,
        // each freed once written, so that written invalidations an eviction sent to tracking clients do not count
        // as memory to evict for: maxmemory.tcl's feedback loop). Not the encoder's array: it grows by doubling,
        // and a 100 KB reply that doubled it counted 1.6 MB more where Redis counts 100 KB (unit/maxmemory's MGET
        // clients each went over maxmemory-clients alone, in one step); kept for the next large reply (up to 1 MB),
        // it is the allocator's free memory of Redis: in the RSS, not in used_memory. A replica's RDB transfer is
        // staged in its reply buffer here, beside the client in Redis: not counted either
        long reply = shared == null ? replyBufSize + outputMemory() : replyBufSize;
        long mem = qbufAlloc() + reply + CLIENT_BASE;
        if (argc > 0) {
            mem += argvBytes() + 8L * argc;
        }
        if (tx != null) {
            mem += server.transactions.memoryOverhead(this);
        }
        if (ps != null) {
            mem += server.pubsub.memoryOverhead(this);
        }
        if (shared != null) {
            mem += shared.memory();
        }
        return mem;
    }

    /**
     * The output buffer as Redis's getClientOutputBufferMemoryUsage counts it (CLIENT LIST omem, the output buffer
     * limits): a replica's share of the replication buffer, else Redis's reply list for the replies not yet written
     * (not its static buffer, which the first 16 KB fill: {@link ReplyBlocks}).
     */
    public long outputMemory() {
        if (shared != null) {
            return shared.memory();
        }
        syncBlocks();
        return blocks.memory();
    }

    /** Bytes queued and not yet written: the replies, then what the shared output has ready. */
    public long pendingBytes() {
        return enc.length() - enc.readIndex() + (shared == null ? 0 : shared.pending());
    }

    /** The replies queued and not yet written (without the shared output). */
    public int replyPending() {
        return enc.length() - enc.readIndex();
    }

    public String name() {
        return name == null ? "" : name;
    }

    /** The reply of a HELP subcommand: a header, the given lines, then HELP's own two lines. */
    public void help(String cmd, String[] lines) {
        int header = deferredArray(); // as Redis's addReplyHelp: the lines go to the reply list (output limits)
        simple(cmd + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String l : lines) {
            simple(l);
        }
        simple("HELP");
        simple("    Prints this help.");
        setDeferredArray(header, lines.length + 3);
    }
}
