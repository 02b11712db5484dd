package io.cinnabar.server.internal.replication;

import io.cinnabar.server.internal.command.BlockedClients;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Command;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.ReplicationHook;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.keyspace.Keyspace;
import io.cinnabar.server.internal.persist.BackgroundChild;
import io.cinnabar.server.internal.persist.FunctionStore;
import io.cinnabar.server.internal.persist.Snapshot;
import io.cinnabar.server.internal.persist.aof.AppendOnlyFile;
import io.cinnabar.server.internal.persist.rdb.RdbPersistence;
import io.cinnabar.server.internal.propagate.PropagationConsumer;
import io.cinnabar.server.internal.propagate.Propagator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Replication as Redis 7.2's {@code replication.c} does it, master side: SYNC/PSYNC with full resync from a
 * fork-less snapshot (diskless with the EOF marker, or through the RDB file) and partial resync from the backlog
 * ({@code +CONTINUE}), REPLCONF, the replication stream (what the propagation point emits, encoded as RESP with
 * SELECT where the database changes, MULTI/EXEC blocks carrying their SELECT inside), PINGs every
 * {@code repl-ping-replica-period}, replica timeouts, {@code min-replicas-to-write}, WAIT, ROLE and INFO
 * replication. The replica side (the link to a master) is {@link MasterLink}.
 * <p>
 * Offsets: {@link #masterOffset()} counts the bytes of the replication stream since this replication ID began;
 * the stream only moves while a backlog exists (created with the first replica, freed after
 * {@code repl-backlog-ttl} without replicas), as in Redis.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
public final class Replication implements ReplicationHook, PropagationConsumer {
    static final String ZERO_ID = "0000000000000000000000000000000000000000";
    private static final byte[] PING = Shared.b("*1\r\n$4\r\nPING\r\n");
    private static final byte[] GETACK = Shared.b("*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n");
    private static final byte[] NEWLINE = {'\n'};

    final Server server;
    final FunctionStore functions;
    String replid2 = ZERO_ID;
    long secondOffset = -1;
    /** The stream's offset when no backlog exists (it does not move then). */
    private long offsetNoBacklog;
    /**
     * The replication buffer: the backlog and every replica's unsent stream in one list of blocks (Redis 7's
     * repl_buffer_blocks + repl_backlog); null while no backlog exists.
     */
    ReplBuffer backlog;
    final List<Replica> replicas = new ArrayList<>();
    private FullSync sync;
    /** Database the stream last SELECTed, -1 to force a SELECT before the next command. */
    int seldb = -1;
    private byte[] scratch = new byte[256];
    private int slen;
    private long noReplicasSinceMs = System.currentTimeMillis();
    private long lastCronSecondMs;
    private long cronSeconds;
    long syncFull;
    long syncPartialOk;
    long syncPartialErr;
    /** Clients blocked in WAIT. */
    private final List<Client> waiting = new ArrayList<>();
    private boolean getAck;
    /**
     * A WAIT or WAITAOF blocked: GETACK goes in beforeSleep, but not while clients are paused (Redis 7.2's
     * beforeSleep checks PAUSE_ACTION_REPLICA): it would grow the stream a write pause holds still; it goes after
     * the pause. (A failover or shutdown asks through {@link #getAck}, at once.)
     */
    private boolean waitAck;
    // cached configuration (refreshed by the cron)
    private long minToWrite;
    private long minMaxLag;
    /** The replica side (null while this server is a master). */
    MasterLink link;
    /** The stream's database of the file a cluster replica loaded before its master link existed, or -1. */
    private int loadedStreamDb = -1;

    private final Propagator propagator;
    /** RDB persistence (rdb-del-sync-files), or null in a server without it. */
    RdbPersistence rdb;
    /** The AOF (WAITAOF, FACK), or null. */
    AppendOnlyFile aof;

    public Replication(Server server, FunctionStore functions, Propagator propagator) {
        this.server = server;
        this.functions = functions;
        this.propagator = propagator;
        refreshConfig();
    }

    /** Wires RDB persistence: the files a full resync writes or loads are deleted as rdb-del-sync-files says. */
    public void persistence(RdbPersistence rdb) {
        this.rdb = rdb;
    }

    /** Wires the AOF: WAITAOF counts replicas' fsynced offsets, and a replica with the AOF on reports its own. */
    public void appendOnly(AppendOnlyFile aof) {
        this.aof = aof;
    }

    public void register(CommandTable t) {
        t.impl("replconf", this::replconf);
        t.impl("sync", this::sync);
        t.impl("psync", this::sync);
        t.impl("wait", this::waitCommand);
        t.impl("waitaof", this::waitaof);
        t.impl("role", this::role);
        t.impl("replicaof", this::replicaof);
        t.impl("failover", this::failover);
        t.impl("slaveof", this::replicaof);
    }

    // ---- the stream

    /** The master replication offset (master_repl_offset). */
    public long masterOffset() {
        return backlog != null ? backlog.masterOffset() : offsetNoBacklog;
    }

    /**
     * Redis's replicationGetSlaveOffset: the offset of the master this replica applied (of its cached master
     * while disconnected), 0 when it has neither: before its first sync and during a full resync, which
     * discards the cached master.
     */
    public long replicaOffset() {
        return link != null && (link.master != null || link.cached) ? masterOffset() : 0;
    }

    String replid() {
        return server.replId;
    }

    @Override
    public boolean receivesReplicationOnly() {
        return true; // PUBLISH reaches replicas (Redis's PROPAGATE_REPL)
    }

    @Override
    public void propagate(int db, byte[][] argv) {
        if (backlog == null || link != null) {
            return; // no stream without a backlog; a replica forwards its master's stream instead
        }
        slen = 0;
        if (db >= 0 && db != seldb) { // MULTI carries the database of its first command: the SELECT goes before it, as in Redis
            byte[] d = Integer.toString(db).getBytes(StandardCharsets.US_ASCII);
            encode(new byte[][] {SELECT, d});
            seldb = db;
        }
        encode(argv);
        feed(scratch, 0, slen);
        if (server.current != null) {
            server.current.woff = masterOffset();
        }
    }

    private static final byte[] SELECT = Shared.b("SELECT");

    private static boolean eq(byte[] a, String s) {
        if (a.length != s.length()) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if ((a[i] & 0xdf) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void encode(byte[][] argv) {
        put('*');
        putLong(argv.length);
        for (byte[] a : argv) {
            put('$');
            putLong(a.length);
            ensure(a.length + 2);
            System.arraycopy(a, 0, scratch, slen, a.length);
            slen += a.length;
            put('\r');
            put('\n');
        }
    }

    private void putLong(long v) {
        String s = Long.toString(v);
        for (int i = 0; i < s.length(); i++) {
            put(s.charAt(i));
        }
        put('\r');
        put('\n');
    }

    private void put(char ch) {
        ensure(1);
        scratch[slen++] = (byte) ch;
    }

    private void ensure(int n) {
        if (slen + n > scratch.length) {
            scratch = java.util.Arrays.copyOf(scratch, Math.max(scratch.length * 2, slen + n));
        }
    }

    /**
     * Appends stream bytes to the replication buffer once (Redis's feedReplicationBuffer): a replica fed for the first
     * time starts at them, the online ones are scheduled to write, and when a block was added the replicas' output
     * limits are checked and the backlog trimmed.
     */
    void feed(byte[] b, int off, int len) {
        if (backlog == null || len == 0) {
            return;
        }
        int added = backlog.append(b, off, len);
        for (int i = 0; i < replicas.size(); i++) {
            Replica r = replicas.get(i);
            if (r.state == Replica.WAIT_BGSAVE_START || r.rdbOnly || r.client.closed) {
                continue; // its snapshot has not started, it wants the RDB only, or it is being closed
            }
            backlog.attach(r.out);
            if (r.streaming()) {
                server.loop.wantWrite(r.client);
            }
            if (added > 0) {
                server.loop.checkLimits(r.client); // Redis checks the limits when a block is added
            }
        }
        if (added > 0) {
            backlog.trim(ReplBuffer.TRIM_BLOCKS_PER_CALL * added);
        }
    }

    private ReplBuffer newBuffer(long offset) {
        return new ReplBuffer(server.config.getLong("repl-backlog-size"), offset);
    }

    /** Creates the backlog with a new replication ID (Redis: no valid past history without one). */
    private void createBacklog() {
        server.replId = Server.randomHex(40);
        clearReplid2();
        backlog = newBuffer(offsetNoBacklog);
        ensureConsumer(); // only while a backlog exists: no propagation cost for a lone master
    }

    /** Registers this class with the propagation point exactly once. */
    private void ensureConsumer() {
        propagator.removeConsumer(this);
        propagator.addConsumer(this);
    }

    @Override
    public void clearSecondaryId() {
        clearReplid2();
    }

    void clearReplid2() {
        replid2 = ZERO_ID;
        secondOffset = -1;
    }

    /** Redis's shiftReplicationId: the current ID becomes the secondary one, valid up to the current offset. */
    void shiftReplid() {
        replid2 = server.replId;
        secondOffset = masterOffset() + 1;
        server.replId = Server.randomHex(40);
        server.log.notice("Setting secondary replication ID to " + replid2 + ", valid up to offset: " + secondOffset
            + ". New replication ID is " + server.replId);
    }

    // ---- REPLCONF

    private Replica record(Client c) {
        if (c.repl instanceof Replica r) {
            return r;
        }
        Replica r = new Replica(c, System.currentTimeMillis());
        c.repl = r;
        c.shared = r; // its stream is written from the replication buffer after its own replies
        return r;
    }

    void replconf(Client c) {
        if (c.argc % 2 == 0) {
            c.error(Shared.SYNTAX);
            return;
        }
        for (int j = 1; j < c.argc; j += 2) {
            if (c.argIs(j, "listening-port")) {
                if (!c.argLong(j + 1)) {
                    return;
                }
                record(c).listeningPort = (int) c.ctx.tmp[0];
            } else if (c.argIs(j, "ip-address")) {
                String ip = c.argString(j + 1);
                if (ip.length() >= 46) {
                    c.error("ERR REPLCONF ip-address provided by replica instance is too long: " + ip.length()
                        + " bytes");
                    return;
                }
                record(c).announcedIp = ip;
            } else if (c.argIs(j, "capa")) {
                if (c.argIs(j + 1, "eof")) {
                    record(c).capaEof = true;
                } else if (c.argIs(j + 1, "psync2")) {
                    record(c).capaPsync2 = true;
                }
            } else if (c.argIs(j, "ack")) {
                if (c.replRole != Client.ROLE_REPLICA) {
                    return;
                }
                if (!c.argLong(j + 1)) {
                    return;
                }
                long off = c.ctx.tmp[0];
                if (c.argc > j + 3 && c.argIs(j + 2, "fack")) {
                    if (!c.argLong(j + 3)) {
                        return;
                    }
                    Replica r = (Replica) c.repl;
                    r.aofAckOffset = Math.max(r.aofAckOffset, c.ctx.tmp[0]);
                }
                ack((Replica) c.repl, off);
                return;
            } else if (c.argIs(j, "getack")) {
                if (link != null && c.replRole == Client.ROLE_MASTER) {
                    link.sendAck();
                }
                return;
            } else if (c.argIs(j, "rdb-only")) {
                if (!c.argLong(j + 1)) {
                    return;
                }
                long v = c.ctx.tmp[0];
                if (v != 0 && v != 1) {
                    c.error("ERR value is out of range, must be 0 or 1");
                    return;
                }
                record(c).rdbOnly = v == 1;
            } else if (c.argIs(j, "rdb-filter-only")) {
                String filter = "";
                for (String f : c.argString(j + 1).trim().split("\\s+")) {
                    if (f.equalsIgnoreCase("functions")) {
                        filter = "functions";
                    } else if (!f.isEmpty()) {
                        c.error("ERR Unsupported rdb-filter-only option: " + f);
                        return;
                    }
                }
                record(c).rdbFilter = filter;
            } else {
                c.error("ERR Unrecognized REPLCONF option: " + c.argString(j));
                return;
            }
        }
        c.ok();
    }

    private void ack(Replica r, long offset) {
        if (offset > r.ackOffset) {
            r.ackOffset = offset;
        }
        r.ackTimeMs = System.currentTimeMillis();
        if (r.startStreamOnAck && r.state == Replica.ONLINE) {
            startStream(r);
        }
        if (!waiting.isEmpty()) {
            serveWaiting();
        }
    }

    /** The replica loaded its RDB: what the stream produced meanwhile goes now, then the live stream. */
    private void startStream(Replica r) {
        r.startStreamOnAck = false;
        server.loop.wantWrite(r.client); // what it holds in the replication buffer goes now
        server.log.notice("Synchronization with replica " + r.name() + " succeeded");
    }

    // ---- SYNC / PSYNC

    void sync(Client c) {
        if (c.replRole == Client.ROLE_REPLICA) {
            return; // already a replica: ignore
        }
        if (c.argc == 4 && c.argIs(0, "psync") && c.argIs(3, "failover")) {
            // our master hands over (FAILOVER): become the master if we follow the same history (before the
            // NOMASTERLINK check: the old master already dropped our link to it)
            if (link == null || !c.argString(1).equalsIgnoreCase(server.replId)) {
                c.error("ERR PSYNC FAILOVER replid must match my replid.");
                return;
            }
            server.log.notice("Failover request received for replid " + c.argString(1) + ".");
            unsetMaster();
        }
        if (link != null && !link.connected()) {
            c.error("NOMASTERLINK Can't SYNC while not connected with my master");
            return;
        }
        if (c.pendingBytes() > 0) {
            c.error("ERR SYNC and PSYNC are invalid with pending output");
            return;
        }
        Replica r = record(c);
        server.log.notice("Replica " + r.name() + " asks for synchronization");
        boolean psync = c.argIs(0, "psync");
        if (psync) {
            if (c.argc != 3 && !(c.argc == 4 && c.argIs(3, "failover"))) {
                c.error(Shared.SYNTAX);
                return;
            }
            String id = c.argString(1);
            if (!c.argLong(2)) {
                server.log.warning("Replica " + r.name()
                    + " asks for synchronization but with a wrong offset");
                return;
            }
            long off = c.ctx.tmp[0];

            if (tryPartial(c, r, id, off)) {
                syncPartialOk++;
                return;
            }
            if (!id.equals("?")) {
                syncPartialErr++;
            }
        } else {
            r.prePsync = true;
        }
        if (!r.rdbFilter.isEmpty() && !r.capaEof) {
            c.error("ERR Filtered replica requires EOF capability");
            return;
        }
        syncFull++;
        c.replRole = Client.ROLE_REPLICA;
        becameReplica(c);
        r.state = Replica.WAIT_BGSAVE_START;
        replicas.add(r);
        if (backlog == null && !r.rdbOnly) { // an RDB-only client (redis-cli --rdb) needs no stream
            createBacklog();
            server.log.notice("Replication backlog created, my new replication IDs are '" + server.replId + "' and '"
                + replid2 + "'");
        }
        if (sync != null && !sync.diskless) {
            attachToDiskSync(r);
        } else if (sync != null) {
            server.log.notice("Current BGSAVE has socket target. Waiting for next BGSAVE for SYNC");
        } else if (server.config.getBool("repl-diskless-sync") && r.capaEof
            && server.config.getLong("repl-diskless-sync-delay") > 0) {
            server.log.notice("Delay next BGSAVE for diskless SYNC");
        } else {
            maybeStartSync(System.currentTimeMillis());
        }
    }

    /**
     * Redis's syncCommand with a disk BGSAVE in progress: when another replica of it still registers the stream
     * since the snapshot began (WAIT_BGSAVE_END) and r's capabilities cover that replica's, r shares the snapshot:
     * the same +FULLRESYNC offset and a copy of that replica's buffered stream. Otherwise r waits for the next one.
     */
    private void attachToDiskSync(Replica r) {
        Replica peer = null;
        for (Replica o : sync.replicas) {
            if (o.state == Replica.WAIT_BGSAVE_END && !o.client.closed && (!o.capaEof || r.capaEof)
                && (!o.capaPsync2 || r.capaPsync2) && o.rdbOnly == r.rdbOnly && o.rdbFilter.equals(r.rdbFilter)) {
                peer = o;
                break;
            }
        }
        if (peer == null) {
            server.log.notice("Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC");
            return;
        }
        r.state = Replica.WAIT_BGSAVE_END;
        r.initialOffset = sync.offset;
        if (!r.rdbOnly && backlog != null) {
            backlog.copy(peer.out, r.out); // Redis's copyReplicaOutputBuffer: the same place, nothing copied
        }
        if (!r.prePsync) {
            r.client.protocolRaw(Shared.b("+FULLRESYNC " + server.replId + " " + sync.offset + "\r\n"));
            server.loop.wantWrite(r.client);
        }
        sync.replicas.add(r);
        server.log.notice("Waiting for end of BGSAVE for SYNC");
    }

    /**
     * c is a replica from now on: its replies, unless CLIENT REPLY turned them off, disconnect it
     * ({@link Client#REPLY_REPLICA}).
     */
    private static void becameReplica(Client c) {
        if (c.replyMode == Client.REPLY_ON) {
            c.replyMode = Client.REPLY_REPLICA;
        }
    }

    /** Redis's masterTryPartialResynchronization. */
    private boolean tryPartial(Client c, Replica r, String id, long off) {
        boolean known = id.equalsIgnoreCase(server.replId)
            || id.equalsIgnoreCase(replid2) && off <= secondOffset;
        if (!known) {
            if (!id.equals("?")) {
                if (!id.equalsIgnoreCase(replid2)) {
                    server.log.notice("Partial resynchronization not accepted: Replication ID mismatch (Replica asked "
                        + "for '" + id + "', my replication IDs are '" + server.replId + "' and '" + replid2 + "')");
                } else {
                    server.log.notice("Partial resynchronization not accepted: Requested offset for second ID was "
                        + off + ", but I can reply up to " + secondOffset);
                }
            } else {
                server.log.notice("Full resync requested by replica " + r.name());
            }
            return false;
        }
        if (backlog == null || !backlog.covers(off)) {
            server.log.notice("Unable to partial resync with replica " + r.name()
                + " for lack of backlog (Replica request was: " + off + ").");
            return false;
        }
        c.replRole = Client.ROLE_REPLICA;
        becameReplica(c);
        r.state = Replica.ONLINE;
        r.ackTimeMs = System.currentTimeMillis();
        replicas.add(r);
        c.protocolRaw(Shared.b(r.capaPsync2 ? "+CONTINUE " + server.replId + "\r\n" : "+CONTINUE\r\n"));
        long sending = backlog.seek(r.out, off); // it reads the held blocks from there, as a replica that never left
        server.loop.wantWrite(c);
        server.loop.checkLimits(c);
        server.log.notice("Partial resynchronization request from " + r.name() + " accepted. "
            + "Sending " + sending + " bytes of backlog starting from offset " + off + ".");
        return true;
    }

    /** Starts a snapshot for the replicas waiting for one, when no other snapshot runs and the delay allows it. */
    private void maybeStartSync(long now) {
        if (sync != null || server.keyspace.snapshotRunning()) {
            return;
        }
        List<Replica> waitingStart = new ArrayList<>();
        boolean allEof = true;
        long maxIdle = 0;
        String filter = null;
        for (Replica r : replicas) {
            if (r.state == Replica.WAIT_BGSAVE_START && filter == null) {
                filter = r.rdbFilter; // one snapshot serves the replicas asking for the same records
            }
            if (r.state == Replica.WAIT_BGSAVE_START && r.rdbFilter.equals(filter)) {
                waitingStart.add(r);
                allEof &= r.capaEof;
                maxIdle = Math.max(maxIdle, now - r.waitSinceMs);
            }
        }
        if (waitingStart.isEmpty()) {
            return;
        }
        // a filtered RDB is never the RDB file: it goes to the sockets (the replicas have EOF, checked at SYNC)
        boolean diskless = (server.config.getBool("repl-diskless-sync") || !filter.isEmpty()) && allEof;
        if (diskless) {
            long delay = server.config.getLong("repl-diskless-sync-delay");
            long max = server.config.getLong("repl-diskless-sync-max-replicas");
            if (delay > 0 && maxIdle < delay * 1000 && !(max > 0 && waitingStart.size() >= max)) {
                return;
            }
        }
        startSync(waitingStart, diskless, !filter.isEmpty());
    }

    private Snapshot.Options options() {
        Snapshot.Options o = new Snapshot.Options();
        o.version = (int) server.config.getLong("cinnabar-rdb-version");
        o.compression = server.config.getBool("rdbcompression");
        o.checksum = server.config.getBool("rdbchecksum");
        o.usedMemory = server.usedMemory();
        o.keySaveDelayUs = server.config.getLong("rdb-key-save-delay");
        o.functions = functions;
        o.replId = server.replId;
        o.replOffset = masterOffset();
        o.replStreamDb = Math.max(0, seldb);
        return o;
    }

    private void startSync(List<Replica> targets, boolean diskless, boolean functionsOnly) {
        long offset = masterOffset();
        Snapshot.Options opt = options();
        BackgroundChild child = BackgroundChild.forJob(server);
        long pid = child == null ? server.log.pid() : child.pid();
        try {
            if (diskless) {
                // rdb-filter-only functions: the same header, aux fields and functions over no keys at all
                Keyspace ks = functionsOnly ? new Keyspace(server.dbs.length) : server.keyspace;
                sync = FullSync.diskless(ks, opt, targets, offset);
            } else {
                Path file = Path.of(server.config.get("dir")).resolve(server.config.get("dbfilename"));
                sync = FullSync.disk(server.keyspace, opt, targets, offset, file, pid);
            }
        } catch (IOException e) {
            if (child != null) {
                child.end();
            }
            server.log.warning("BGSAVE for replication failed: " + e.getMessage());
            for (Replica r : targets) {
                r.client.error("ERR BGSAVE failed, replication can't continue");
                r.client.closeAfterReply = true;
                server.loop.wantWrite(r.client);
            }
            return;
        }
        server.log.notice("Starting BGSAVE for SYNC with target: " + (diskless ? "replicas sockets" : "disk"));
        for (Replica r : targets) {
            r.state = Replica.WAIT_BGSAVE_END;
            r.initialOffset = offset;
            if (!r.prePsync) {
                r.client.protocolRaw(Shared.b("+FULLRESYNC " + server.replId + " " + offset + "\r\n"));
                server.loop.wantWrite(r.client);
            }
        }
        seldb = -1; // the stream after the RDB starts with a SELECT
        sync.snapshot.child(child);
        sync.snapshot.start(diskless ? "repl-diskless-sync" : "repl-sync");
        if (rdb != null) {
            rdb.replicationSaveStarted(sync.snapshot, !diskless);
        }
        // Redis: a disk target is an rdbSaveBackground (its log line), a socket target rdbSaveToSlavesSockets
        server.log.notice((diskless ? "Background RDB transfer started by pid " : "Background saving started by pid ")
            + pid);
    }

    /** Walks the running snapshot, hands out RDB bytes, finishes transfers. Returns how long the loop may sleep. */
    private long runSync() {
        long wait = Long.MAX_VALUE;
        if (sync != null) {
            Snapshot s = sync.snapshot;
            boolean more = s.step(1_000_000);
            Snapshot.State st = s.state();
            if (st == Snapshot.State.DONE) {
                syncDone();
            } else if (st == Snapshot.State.FAILED) {
                syncFailed();
            } else if (sync.diskless && sync.abandoned()) {
                if (!sync.killed) {
                    sync.killed = true; // Redis's rdbPipeWriteHandlerConnRemoved, then killRDBChild
                    server.log.warning("Diskless rdb transfer, last replica dropped, killing fork child.");
                }
                s.abort();
            } else {
                wait = more && s.progressed() ? 0 : 1;
            }
        }
        for (int i = 0; i < replicas.size(); i++) {
            Replica r = replicas.get(i);
            if (r.feed != null && !r.client.closed) {
                wait = Math.min(wait, feedRdb(r));
            }
        }
        return wait;
    }

    private void syncDone() {
        FullSync s = sync;
        sync = null;
        if (rdb != null) {
            rdb.replicationSaveEnded(true, false);
        }
        if (!s.diskless) {
            server.log.notice("DB saved on disk");
            server.log.notice("Background saving terminated with success");
            if (rdb != null) {
                rdb.replicationWroteFile();
            }
            for (Replica r : s.replicas) {
                try {
                    r.feed = s.fileFeed();
                    r.state = Replica.SEND_BULK;
                } catch (IOException e) {
                    server.log.warning("SYNC failed. Can't open/stat DB after BGSAVE: " + e.getMessage());
                    server.loop.closeAsync(r.client);
                }
            }
        } else {
            // Redis's parent logs this when the child's pipe is exhausted (everything handed to the replicas still
            // connected), before the child's exit is reaped
            server.log.notice("Diskless rdb transfer, done reading from pipe, " + s.replicas.size()
                + " replicas still up.");
            server.log.notice("Background RDB transfer terminated with success");
        }
        maybeStartSync(System.currentTimeMillis());
    }

    private void syncFailed() {
        FullSync s = sync;
        sync = null;
        if (rdb != null) {
            rdb.replicationSaveEnded(false, false);
        }
        if (s.diskless && s.abandoned() && !s.killed) {
            s.killed = true; // the transfer's writer found no replica left before the loop did
            server.log.warning("Diskless rdb transfer, last replica dropped, killing fork child.");
        }
        Throwable t = s.snapshot.error();
        int signal = s.snapshot.childDied() ? s.snapshot.child().signal() : 0;
        if (signal != 0) { // Redis's done handlers for a child ended by a signal (the OOM killer, kill -9)
            server.log.warning((s.diskless ? "Background transfer terminated by signal " : "Background saving "
                + "terminated by signal ") + signal);
        } else {
            server.log.warning((s.diskless ? "Background transfer error" : "Background saving error")
                + (t == null ? "" : ": " + t.getMessage()));
        }
        for (Replica r : new ArrayList<>(s.replicas)) {
            server.log.warning("SYNC failed. BGSAVE child returned an error");
            server.loop.closeAsync(r.client);
        }
    }

    /** Moves RDB chunks into r's output buffer while it is below FullSync.FEED_HIGH. */
    private long feedRdb(Replica r) {
        try {
            while (r.client.pendingBytes() < FullSync.FEED_HIGH) {
                byte[] chunk = r.feed.next();
                if (chunk == null) {
                    break;
                }
                r.client.enc.addRaw(chunk, 0, chunk.length);
                server.stats.netReplOutputBytes += chunk.length;
            }
        } catch (IOException e) {
            server.log.warning("Read error sending DB to replica: " + e.getMessage());
            server.loop.closeAsync(r.client);
            return Long.MAX_VALUE;
        }
        server.loop.wantWrite(r.client);
        if (!r.feed.done()) {
            return 1;
        }
        boolean diskless = r.feed instanceof FullSync.DisklessFeed;
        r.feed = null;
        if (r.rdbOnly) {
            // Redis: a replica that asked for the RDB only is disconnected once it has it
            server.log.notice("Replica " + r.name() + " asked for the RDB only: closing the "
                + "connection after the transfer");
            r.client.closeAfterReply = true;
            server.loop.wantWrite(r.client);
            return Long.MAX_VALUE;
        }
        r.state = Replica.ONLINE;
        r.ackTimeMs = System.currentTimeMillis();
        if (diskless) {
            r.startStreamOnAck = true;
            server.log.notice("Streamed RDB transfer with replica " + r.name()
                + " succeeded (socket). Waiting for REPLCONF ACK from replica to enable streaming");
        } else {
            startStream(r);
        }
        return Long.MAX_VALUE;
    }

    // ---- WAIT

    /**
     * A client blocked in WAIT or WAITAOF: the offset its writes reached and how many replicas must acknowledge it
     * (WAITAOF: fsync it in their AOF; numlocal is 1 when the reply carries the local fsync first).
     */
    private static final class WaitTicket implements BlockedClients.Ticket {
        final long offset;
        final long replicas;
        final long deadlineMs;
        final boolean aof;

        WaitTicket(long offset, long replicas, long deadlineMs, boolean aof) {
            this.offset = offset;
            this.replicas = replicas;
            this.deadlineMs = deadlineMs;
            this.aof = aof;
        }
    }

    /**
     * WAITAOF numlocal numreplicas timeout (Redis 7.2's waitaofCommand): the local part fsyncs the AOF now (so it
     * never waits); the replica part counts replicas whose REPLCONF ACK ... FACK reached the client's offset, blocking
     * until enough do or the timeout. Replicas that send no FACK (Redis 7.0, or without appendonly) count 0.
     */
    void waitaof(Client c) {
        if (!c.argLong(1)) {
            return;
        }
        long numlocal = c.ctx.tmp[0];
        if (!c.argLong(2)) {
            return;
        }
        long numreplicas = c.ctx.tmp[0];
        if (!c.argLongOr(3, "ERR timeout is not an integer or out of range")) {
            return;
        }
        long timeout = c.ctx.tmp[0];
        if (numlocal < 0 || numreplicas < 0) {
            c.error("ERR value is out of range, must be positive");
            return;
        }
        if (timeout < 0) {
            c.error("ERR timeout is negative");
            return;
        }
        if (link != null) {
            c.error("ERR WAITAOF cannot be used with replica instances. Please also note that writes to replicas are "
                + "just local and are not propagated.");
            return;
        }
        boolean aofOn = aof != null && aof.enabled();
        if (numlocal != 0 && !aofOn) {
            c.error("ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.");
            return;
        }
        long acked = countAofAcks(c.woff);
        if (acked >= numreplicas || c.denyBlocking) {
            replyWaitaof(c, acked);
            return;
        }
        long deadline = timeout == 0 ? Long.MAX_VALUE : System.currentTimeMillis() + timeout;
        c.blocked = new WaitTicket(c.woff, numreplicas, deadline, true);
        waiting.add(c);
        waitAck = true;
    }

    private void replyWaitaof(Client c, long acked) {
        long local = aof != null && aof.syncFedNow() ? 1 : 0;
        c.array(2);
        c.integer(local);
        c.integer(acked);
    }

    /** Online replicas whose AOF fsynced the stream up to offset (Redis's replicationCountAOFAcksByOffset). */
    long countAofAcks(long offset) {
        long n = 0;
        for (Replica r : replicas) {
            if (r.state == Replica.ONLINE && r.aofAckOffset >= offset) {
                n++;
            }
        }
        return n;
    }

    void waitCommand(Client c) {
        if (link != null) {
            c.error("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a "
                + "replica is configured to be writable (which is not the default) writes to replicas are just local "
                + "and are not propagated.");
            return;
        }
        if (!c.argLong(1)) {
            return;
        }
        long num = c.ctx.tmp[0];
        if (!c.argLongOr(2, "ERR timeout is not an integer or out of range")) {
            return;
        }
        long timeout = c.ctx.tmp[0];
        if (timeout < 0) {
            c.error("ERR timeout is negative");
            return;
        }
        long acked = countAcks(c.woff);
        if (acked >= num || c.denyBlocking) {
            c.integer(acked);
            return;
        }
        long deadline = timeout == 0 ? Long.MAX_VALUE : System.currentTimeMillis() + timeout;
        c.blocked = new WaitTicket(c.woff, num, deadline, false);
        waiting.add(c);
        waitAck = true;
    }

    /** Replicas online whose acknowledged offset reached offset. */
    long countAcks(long offset) {
        long n = 0;
        for (Replica r : replicas) {
            if (r.state == Replica.ONLINE && r.ackOffset >= offset) {
                n++;
            }
        }
        return n;
    }

    private void serveWaiting() {
        long now = System.currentTimeMillis();
        for (int i = 0; i < waiting.size(); i++) {
            Client c = waiting.get(i);
            WaitTicket t = (WaitTicket) c.blocked;
            long acked = t.aof ? countAofAcks(t.offset) : countAcks(t.offset);
            if (acked >= t.replicas || now >= t.deadlineMs) {
                waiting.remove(i--);
                if (t.aof) { // answered while still blocked, as Redis (a replica's log line shows flags=Sb)
                    replyWaitaof(c, acked);
                } else {
                    c.integer(acked);
                }
                c.blocked = null;
                server.loop.wantWrite(c);
                server.loop.processInput(c);
            }
        }
    }

    @Override
    public boolean unblockByRequest(Client target, boolean error) {
        if (target == null || !(target.blocked instanceof WaitTicket t) || target.closed || !waiting.remove(target)) {
            return false;
        }
        if (error) { // answered while still blocked, then unblocked, as Redis
            target.error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
        } else if (t.aof) {
            replyWaitaof(target, countAofAcks(t.offset)); // Redis's replyToBlockedClientTimedOut
        } else {
            target.integer(countAcks(t.offset));
        }
        target.blocked = null;
        server.loop.wantWrite(target);
        server.outbound.execute(() -> server.loop.processInput(target)); // its pipelined commands: not inside ours
        return true;
    }

    @Override
    public int blockedClients() {
        return waiting.size();
    }

    @Override
    public int blockedWithDeadline() {
        int n = 0;
        for (Client c : waiting) {
            n += ((WaitTicket) c.blocked).deadlineMs != Long.MAX_VALUE ? 1 : 0;
        }
        return n;
    }

    @Override
    public long loadingMemory() {
        return link == null ? 0 : link.loadingMemory();
    }

    private long nextWaitDeadline() {
        long d = Long.MAX_VALUE;
        for (Client c : waiting) {
            d = Math.min(d, ((WaitTicket) c.blocked).deadlineMs);
        }
        return d == Long.MAX_VALUE ? d : Math.max(1, d - System.currentTimeMillis());
    }

    // ---- FAILOVER

    /** 0 no failover, 1 waiting-for-sync (writes paused), 2 failover-in-progress. */
    private int failoverState;
    /** Set by a cluster manual failover (see failoverPause). */
    private boolean failoverPaused;
    private String failoverHost;
    private int failoverPort;
    private boolean failoverForce;
    private long failoverEndMs;

    void failover(Client c) {
        String host = null;
        long port = 0;
        long timeout = 0;
        boolean force = false;
        boolean abort = false;
        for (int j = 1; j < c.argc; j++) {
            if (c.argIs(j, "to") && j + 2 < c.argc) {
                host = c.argString(j + 1);
                if (!c.argLong(j + 2)) {
                    return;
                }
                port = c.ctx.tmp[0];
                j += 2;
            } else if (c.argIs(j, "timeout") && j + 1 < c.argc) {
                if (!c.argLong(j + 1)) {
                    return;
                }
                timeout = c.ctx.tmp[0];
                if (timeout <= 0) {
                    c.error("ERR FAILOVER timeout must be greater than 0");
                    return;
                }
                j++;
            } else if (c.argIs(j, "force")) {
                force = true;
            } else if (c.argIs(j, "abort")) {
                abort = true;
            } else {
                c.error(Shared.SYNTAX);
                return;
            }
        }
        if (abort) {
            if (force || timeout != 0 || host != null) {
                c.error(Shared.SYNTAX);
                return;
            }
            if (failoverState == 0) {
                c.error("ERR No failover in progress.");
                return;
            }
            abortFailover("Failover manually aborted");
            c.ok();
            return;
        }
        if (link != null) {
            c.error("ERR FAILOVER is not valid when server is a replica.");
            return;
        }
        if (replicas.isEmpty()) {
            c.error("ERR FAILOVER requires connected replicas.");
            return;
        }
        if (failoverState != 0) {
            c.error("ERR FAILOVER already in progress.");
            return;
        }
        if (force && (timeout == 0 || host == null)) {
            c.error("ERR FAILOVER with force option requires both a timeout and target HOST and PORT.");
            return;
        }
        if (host != null) {
            Replica t = findReplica(host, (int) port);
            if (t == null) {
                c.error("ERR FAILOVER target HOST and PORT is not a replica.");
                return;
            }
            if (t.state != Replica.ONLINE) {
                c.error("ERR FAILOVER target replica is not online.");
                return;
            }
        }
        failoverHost = host;
        failoverPort = (int) port;
        failoverForce = force;
        failoverEndMs = timeout == 0 ? Long.MAX_VALUE : System.currentTimeMillis() + timeout;
        failoverState = 1;
        server.pauseEndMs = Long.MAX_VALUE; // writes wait while the target catches up, as Redis pauses them
        server.pauseWritesOnly = true;
        getAck = true;
        server.log.notice("FAILOVER requested to " + (host == null ? "any replica" : host + ":" + port) + ".");
        c.ok();
    }

    private Replica findReplica(String host, int port) {
        for (Replica r : replicas) {
            if (r.ip().equalsIgnoreCase(host) && r.listeningPort == port) {
                return r;
            }
        }
        return null;
    }

    /** Redis's abortFailover: a failover already switched (failover-in-progress) makes this server a master again. */
    void abortFailover(String why) {
        if (failoverState == 0) {
            return;
        }
        server.log.notice("FAILOVER to " + (failoverHost == null ? "any replica" : failoverHost + ":" + failoverPort)
            + " aborted: " + why);
        if (failoverState == 2 && link != null) {
            unsetMaster();
        }
        failoverState = 0;
        server.unpause();
    }

    /** The target answered our PSYNC ... FAILOVER with +CONTINUE or +FULLRESYNC: the failover is complete. */
    void failoverAccepted() {
        if (failoverState == 2) {
            server.log.notice("FAILOVER to " + failoverHost + ":" + failoverPort + " completed: the target accepted "
                + "the PSYNC.");
            failoverState = 0;
        }
    }

    /** The failover's progress, before each poll: hands over once a target acknowledged the whole stream. */
    private void failoverStep() {
        long now = System.currentTimeMillis();
        Replica target = null;
        for (Replica r : replicas) {
            boolean wanted = failoverHost == null
                || r.ip().equalsIgnoreCase(failoverHost) && r.listeningPort == failoverPort;
            if (wanted && r.state == Replica.ONLINE && r.ackOffset == masterOffset()) {
                target = r;
                break;
            }
        }
        if (target == null && now >= failoverEndMs) {
            if (!failoverForce) {
                abortFailover("Replica never caught up before timeout");
                return;
            }
            target = findReplica(failoverHost, failoverPort);
            if (target == null) {
                abortFailover("Target replica is gone");
                return;
            }
            server.log.notice("FAILOVER to " + failoverHost + ":" + failoverPort
                + " time out exceeded, failing over.");
        }
        if (target == null) {
            return; // the replicas' once-a-second ACK reports the whole stream (writes are paused)
        }
        String host = target.ip();
        int port = target.listeningPort;
        server.log.notice("Failover target " + host + ":" + port + " is synced, failing over.");
        failoverState = 2;
        failoverHost = host;
        failoverPort = port;
        setMaster(host, port, true);
        link.failover = true; // PSYNC ... FAILOVER: the target promotes itself when it receives it
        // failover-in-progress until the target answers the PSYNC (then done; an error reverts to master). This is a
        // replica now: writes get -READONLY at once, as Redis checks READONLY before its pause; the ones held meet it
        server.unpause();
    }

    // ---- SHUTDOWN's wait

    @Override
    public boolean replicasInSync() {
        long offset = masterOffset();
        for (Replica r : replicas) {
            if (r.ackOffset != offset) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void requestAcks() {
        getAck = true;
    }

    @Override
    public void logShutdownSync() {
        long offset = masterOffset();
        long now = System.currentTimeMillis();
        int lagging = 0;
        for (Replica r : replicas) {
            if (r.ackOffset != offset) {
                lagging++;
                server.log.notice("Lagging replica " + r.name() + " reported offset "
                    + (offset - r.ackOffset) + " behind master, lag=" + (r.state == Replica.ONLINE
                    ? (now - r.ackTimeMs) / 1000 : 0) + ", state=" + r.stateName() + ".");
            }
        }
        if (!replicas.isEmpty()) {
            server.log.notice((replicas.size() - lagging) + " of " + replicas.size()
                + " replicas are in sync when shutting down.");
        }
    }

    // ---- ROLE

    void role(Client c) {
        if (link == null) {
            c.array(3);
            c.bulk("master");
            c.integer(masterOffset());
            int n = 0;
            for (Replica r : replicas) {
                n += r.state == Replica.ONLINE ? 1 : 0;
            }
            c.array(n);
            for (Replica r : replicas) {
                if (r.state == Replica.ONLINE) {
                    c.array(3);
                    c.bulk(r.ip());
                    c.bulk(Integer.toString(r.listeningPort));
                    c.bulk(Long.toString(r.ackOffset));
                }
            }
            return;
        }
        c.array(5);
        c.bulk("slave");
        c.bulk(link.host);
        c.integer(link.port);
        c.bulk(link.roleState());
        c.integer(link.connected() ? link.offset() : -1);
    }

    // ---- hooks

    @Override
    public long beforeSleep() {
        if (backlog != null) {
            backlog.trim(10 * ReplBuffer.TRIM_BLOCKS_PER_CALL); // Redis's beforeSleep: blocks released by replicas
        }
        long wait = runSync();
        if (getAck || waitAck && server.pauseEndMs == 0) {
            getAck = false;
            waitAck = false;
            if (backlog != null && !replicas.isEmpty()) {
                feed(GETACK, 0, GETACK.length);
            }
        }
        if (failoverState == 1) {
            failoverStep();
            wait = Math.min(wait, 10);
        }
        if (!waiting.isEmpty()) {
            serveWaiting();
            wait = Math.min(wait, nextWaitDeadline());
        }
        if (link != null) {
            wait = Math.min(wait, link.beforeSleep());
        }
        return wait;
    }

    @Override
    public void configChanged(String primary) {
        if (primary.startsWith("min-replicas-") || primary.equals("repl-backlog-size")) {
            refreshConfig(); // Redis's updateGoodSlaves / resize apply functions: the next write sees it
        }
    }

    private void refreshConfig() {
        minToWrite = server.config.getLong("min-replicas-to-write");
        minMaxLag = server.config.getLong("min-replicas-max-lag");
        if (backlog != null) {
            backlog.setBacklogSize(server.config.getLong("repl-backlog-size")); // shrinks incrementally, as Redis 7
        }
    }

    @Override
    public void cron(long nowMs) {
        refreshConfig();
        maybeStartSync(nowMs);
        if (nowMs - lastCronSecondMs < 1000) {
            return;
        }
        lastCronSecondMs = nowMs;
        cronSeconds++;
        replicationCron(nowMs);
    }

    /** Redis's replicationCron, once a second. */
    private void replicationCron(long now) {
        if (link != null) {
            link.cron(now);
        }
        long period = server.config.getLong("repl-ping-replica-period");
        if (link == null && !replicas.isEmpty() && cronSeconds % Math.max(1, period) == 0 && !failoverPaused) {
            feed(PING, 0, PING.length);
        }
        for (Replica r : replicas) {
            boolean presync = r.state == Replica.WAIT_BGSAVE_START
                || r.state == Replica.WAIT_BGSAVE_END && sync != null && !sync.diskless;
            if (presync && !r.client.closed) {
                r.client.protocolRaw(NEWLINE);
                server.loop.wantWrite(r.client);
            }
        }
        long timeout = server.config.getLong("repl-timeout") * 1000;
        for (Replica r : new ArrayList<>(replicas)) {
            if (r.state == Replica.WAIT_BGSAVE_END && sync != null && sync.diskless && !r.client.closed) {
                // Redis's replicationCron: a diskless transfer's replica that took no byte of what waits for it for
                // repl-timeout (Redis times its last partial write); one that has everything so far is not behind
                // (it waits with the transfer for a slower one)
                if (r.client.pendingBytes() == 0 || r.client.outBytesTotal != r.transferBytesSeen) {
                    r.transferBytesSeen = r.client.outBytesTotal;
                    r.transferProgressMs = now;
                } else if (now - r.transferProgressMs > timeout) {
                    server.log.warning("Disconnecting timedout replica (full sync): " + r.ip() + ":"
                        + r.listeningPort);
                    server.loop.closeAsync(r.client);
                    continue;
                }
            }
            if (r.state == Replica.ONLINE && !r.prePsync && now - r.ackTimeMs > timeout) {
                server.log.warning("Disconnecting timedout replica (streaming sync): " + r.ip() + ":"
                    + r.listeningPort);
                server.loop.closeAsync(r.client);
            }
        }
        if (!replicas.isEmpty()) {
            noReplicasSinceMs = now;
        }
        if (rdb != null) {
            // Redis's removeRDBUsedToSyncReplicas: a replica still waiting for or reading the file keeps it
            boolean needed = sync != null && !sync.diskless;
            for (Replica r : replicas) {
                needed |= r.state != Replica.ONLINE;
            }
            rdb.removeRdbUsedToSyncReplicas(needed);
        }
        long ttl = server.config.getLong("repl-backlog-ttl");
        if (link == null && replicas.isEmpty() && backlog != null && ttl > 0 && now - noReplicasSinceMs > ttl * 1000) {
            // Redis: a new ID, since the history of the old one can no longer be served
            offsetNoBacklog = backlog.masterOffset();
            backlog = null;
            propagator.removeConsumer(this);
            server.replId = Server.randomHex(40);
            clearReplid2();
            server.log.notice("Replication backlog freed after " + ttl + " seconds without connected replicas.");
        }
    }

    @Override
    public String deny(Client c, int cmdFlags) {
        if (c.replRole == Client.ROLE_MASTER || c.isDetached()) {
            return null;
        }
        boolean write = (cmdFlags & Command.WRITE) != 0;
        if (link == null) {
            if (minToWrite > 0 && minMaxLag > 0 && write && goodReplicas() < minToWrite) {
                return "NOREPLICAS Not enough good replicas to write.";
            }
            return null;
        }
        if (write && server.config.getBool("replica-read-only")) {
            return "READONLY You can't write against a read only replica.";
        }
        if (!link.connected() && (cmdFlags & Command.STALE) == 0
                && !server.config.getBool("replica-serve-stale-data")) {
            return "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
        }
        if (link.loadingBlocking() && (cmdFlags & Command.LOADING) == 0
            || link.asyncLoading() && (cmdFlags & Command.NO_ASYNC_LOADING) != 0) { // Redis's CMD_NO_ASYNC_LOADING
            return "LOADING Redis is loading the dataset in memory";
        }
        return null;
    }

    /** Redis's anyOtherSlaveWaitRdb (the replica being freed already removed): one still waits for the RDB. */
    private boolean anyReplicaWaitsForRdb() {
        for (Replica o : replicas) {
            if (o.state == Replica.WAIT_BGSAVE_END) {
                return true;
            }
        }
        return false;
    }

    /** Replicas online that acknowledged within min-replicas-max-lag seconds. */
    long goodReplicas() {
        long now = System.currentTimeMillis();
        long n = 0;
        for (Replica r : replicas) {
            if (r.state == Replica.ONLINE && (now - r.ackTimeMs) / 1000 <= minMaxLag) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void clientFreed(Client c) {
        if (c.blocked instanceof WaitTicket) {
            waiting.remove(c);
            c.blocked = null;
        }
        if (c.replRole == Client.ROLE_REPLICA && c.repl instanceof Replica r) {
            replicas.remove(r);
            if (backlog != null) {
                backlog.release(r.out); // its blocks may be trimmed now (incrementally)
            }
            if (sync != null) {
                sync.drop(r);
                if (r.state == Replica.WAIT_BGSAVE_END && !sync.diskless && !anyReplicaWaitsForRdb()
                    && (rdb == null || !rdb.hasSavePoints())) {
                    // Redis's freeClient: nobody waits for this disk snapshot and no save point wants it, so it is
                    // stopped (killRDBChild) instead of copying the dataset for nothing
                    stopSync();
                }
            }
            if (r.feed != null) {
                r.feed.close();
                r.feed = null;
            }
            server.log.notice("Connection with replica " + r.name() + " lost.");
            if (replicas.isEmpty()) {
                noReplicasSinceMs = System.currentTimeMillis();
            }
        }
        if (c.replRole == Client.ROLE_MASTER && link != null) {
            link.masterClientFreed(c);
        }
    }

    @Override
    public void masterBytes(Client master, byte[] b, int off, int len) {
        if (link != null && master == link.master) {
            link.streamBytes(b, off, len);
        }
    }

    @Override
    public void masterCommandDone(Client master) {
        server.keyspace.obey = false;
        if (link != null && master == link.master) {
            link.commandApplied();
        }
    }

    // ---- the replica side's effects on the master side

    /** Bytes of our master's stream that were applied: forwarded verbatim to our backlog and replicas. */
    void forward(byte[] b, int off, int len) {
        if (backlog == null) {
            backlog = newBuffer(offsetNoBacklog);
        }
        feed(b, off, len);
    }

    /** +CONTINUE with a new ID: the old one stays valid as the secondary one; our replicas must learn the new one. */
    void newMasterId(String id) {
        replid2 = server.replId;
        secondOffset = masterOffset() + 1;
        server.replId = id;
        server.log.notice("Master replication ID changed to " + id);
        disconnectReplicas();
    }

    /** A full sync from the master begins to load: our replicas must resync, our history is gone. */
    void attachToNewMaster() {
        if (link != null) {
            link.cached = false; // Redis's replicationDiscardCachedMaster: our offset is 0 until the load ends
        }
        disconnectReplicas();
        if (backlog != null) {
            offsetNoBacklog = backlog.masterOffset();
            backlog = null;
            propagator.removeConsumer(this);
        }
    }

    @Override
    public void flushedAll() {
        if (sync == null) {
            return;
        }
        // Redis: killRDBChild (SIGUSR1), then the done handler fails the replicas that waited for it
        FullSync s = sync;
        sync = null;
        List<Replica> waiting = new ArrayList<>(s.replicas);
        for (Replica r : waiting) {
            s.drop(r); // closes its feed: a diskless writer waiting for room there goes on to the abort
        }
        s.snapshot.abort(); // the writer removes a disk sync's temp file as it stops
        if (rdb != null) {
            rdb.replicationSaveEnded(false, true);
        }
        server.log.warning((s.diskless ? "Background transfer terminated by signal "
            : "Background saving terminated by signal ") + BackgroundChild.SIGUSR1);
        for (Replica r : waiting) {
            server.log.warning("SYNC failed. BGSAVE child returned an error");
            server.loop.closeAsync(r.client);
        }
    }

    /** Stops the full resync's snapshot (Redis's killRDBChild: not a failed save) and returns it. */
    private FullSync stopSync() {
        FullSync s = sync;
        sync = null;
        s.snapshot.abort();
        try {
            s.snapshot.join(); // its temp file is gone once the writer stopped
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (rdb != null) {
            rdb.replicationSaveEnded(false, true);
        }
        return s;
    }

    /**
     * Redis's readSyncBulkPayload before it loads the master's RDB (disk: the file was received; socket: the
     * transfer begins): the AOF is stopped (restarted with a rewrite once the load succeeded, see
     * {@link #restartAofAfterSync}), and a background save running now is stopped, so that it neither writes the
     * old data over the file just received nor keeps copying it (Redis kills its RDB child); so is a full resync
     * this replica was making for its own replicas (they are disconnected by the load anyway).
     */
    void prepareForLoad(boolean disk) {
        if (aof != null && aof.enabled()) {
            aof.setAppendonly(false);
        }
        boolean saving = rdb != null && rdb.bgsaveInProgress();
        if (saving || sync != null) {
            if (disk) {
                server.log.notice("Replica is about to load the RDB file received from the master, but there is a "
                    + "pending RDB child running. Killing process " + server.log.pid() + " and removing its temp file "
                    + "to avoid any race");
            }
            if (saving) {
                rdb.killBackground();
            }
            if (sync != null) {
                FullSync s = stopSync();
                for (Replica r : new ArrayList<>(s.replicas)) {
                    server.loop.closeAsync(r.client);
                }
            }
        }
    }

    /**
     * Redis's restartAOFAfterSYNC: with {@code appendonly yes} the AOF stopped for the load starts again from a
     * rewrite of the loaded data (also when a replica is promoted after a failed sync left it off).
     */
    void restartAofAfterSync() {
        if (aof != null && server.config.getBool("appendonly") && !aof.enabled()
            && aof.setAppendonly(true) != null) {
            server.log.warning("Failed enabling the AOF after successful master synchronization!");
        }
    }

    /** The master's RDB is loaded: its ID and offset are ours now, and a backlog serves our own replicas. */
    void fullSyncLoaded(String id, long offset) {
        server.replId = id;
        clearReplid2();
        offsetNoBacklog = offset;
        backlog = newBuffer(offset);
        seldb = -1;
    }

    private void disconnectReplicas() {
        for (Replica r : new ArrayList<>(replicas)) {
            server.loop.closeAsync(r.client);
        }
    }

    // ---- REPLICAOF

    void replicaof(Client c) {
        if (failoverState != 0) {
            c.error("ERR REPLICAOF not allowed while failing over.");
            return;
        }
        if (c.argIs(1, "no") && c.argIs(2, "one")) {
            if (link != null) {
                unsetMaster();
                server.log.notice("MASTER MODE enabled (user request from '" + server.clientInfo.apply(c).trim()
                    + "')");
            }
            c.ok();
            return;
        }
        if (c.replRole == Client.ROLE_REPLICA) {
            c.error("ERR Command is not valid when client is a replica.");
            return;
        }

        if (!c.argLongOr(2, "ERR Invalid master port")) {
            return;
        }
        long port = c.ctx.tmp[0];
        if (port < 0 || port > 65535) {
            c.error("ERR Invalid master port");
            return;
        }
        String host = c.argString(1);
        if (link != null && link.host.equalsIgnoreCase(host) && link.port == port) {
            server.log.notice("REPLICAOF would result into synchronization with the master we are already connected "
                + "with. No operation performed.");
            c.simple("OK Already connected to specified master");
            return;
        }
        setMaster(host, (int) port, true);
        server.log.notice("REPLICAOF " + host + ":" + port + " enabled (user request from '"
            + server.clientInfo.apply(c).trim() + "')");
        c.ok();
    }

    /**
     * Redis's replicationSetMaster: follows host:port from now on. A former master keeps its ID and offset as the
     * history to continue from (PSYNC replid offset+1), so a promoted sibling can accept it partially. Our own
     * replicas stay connected: they are disconnected only when the replication ID changes (+CONTINUE with a new
     * one) or when the new master's RDB is about to be loaded (a full sync), as in Redis.
     */
    public void setMaster(String host, int port, boolean cacheMyself) {
        boolean wasMaster = link == null;
        int streamDb = 0;
        if (link != null) {
            // the cached master keeps its database (Redis keeps the cached client): a PSYNC to the next master
            // continues the stream in it
            streamDb = link.master != null ? link.master.dbIndex : link.streamDb;
            link.shutdown();
        }
        disconnectAllBlockedClients();
        link = new MasterLink(this, host, port, wasMaster ? cacheMyself : link.cached);
        if (!wasMaster) {
            link.streamDb = streamDb;
        } else if (cacheMyself && loadedStreamDb >= 0) {
            link.streamDb = loadedStreamDb; // the stream continues in the database the loaded file names
        }
        loadedStreamDb = -1;
        server.keyspace.replica = true;
        if (backlog == null && cacheMyself) {
            forward(new byte[0], 0, 0); // a backlog from our current offset: the history a PSYNC continues from
        }
        server.log.setRole('S');
        server.roleChanged();
        rememberMaster(host + " " + port);
        link.connect();
    }

    /**
     * Keeps the {@code replicaof} option equal to the current master, so CONFIG REWRITE writes what the server is
     * now (Redis's rewriteConfigReplicaOfOption reads server.masterhost): a sentinel's failover rewrites the files of
     * the servers it reconfigures. Not in cluster mode, where Redis never writes the line (it refuses it at startup).
     */
    private void rememberMaster(String value) {
        if (!server.config.getBool("cluster-enabled")) {
            server.config.putRaw("replicaof", value);
        }
    }

    /**
     * Redis's emptyData(-1, EMPTYDB_NO_FLAGS, NULL): every database and the function libraries are emptied (CLUSTER
     * RESET of a replica).
     */
    public void emptyData() {
        for (io.cinnabar.server.internal.keyspace.Db db : server.dbs) {
            server.keyspace.flush(db);
        }
        server.keyspace.forgetReplicaExpires();
        if (functions != null) {
            functions.clear();
        }
    }

    /** Redis's replicationUnsetMaster: a promotion keeps the old ID as the secondary one. */
    public void unsetMaster() {
        MasterLink l = link;
        link = null;
        l.shutdown();
        server.keyspace.replica = false;
        server.keyspace.obey = false;
        rememberMaster("");
        if (backlog == null) {
            forward(new byte[0], 0, 0);
        }
        ensureConsumer();
        shiftReplid();
        disconnectReplicas();
        seldb = -1;
        noReplicasSinceMs = System.currentTimeMillis();
        server.log.setRole('M');
        server.roleChanged();
        restartAofAfterSync(); // stopped for a sync that did not complete
    }

    /**
     * Redis's disconnectAllBlockedClients (replicationSetMaster): the clients blocked while this server was a master
     * (on keys, in WAIT or WAITAOF) get {@code -UNBLOCKED} and are disconnected after it, so that none of them is
     * served by the new master's stream (a BLPOP popping on a replica would make it differ from its master).
     */
    private void disconnectAllBlockedClients() {
        String err = "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)";
        for (Client c : new ArrayList<>(server.clients.values())) {
            if (c.blocked instanceof WaitTicket) {
                waiting.remove(c);
                c.blocked = null;
                c.error(err);
                c.closeAfterReply = true;
                server.loop.wantWrite(c);
            } else if (server.blocking.unblockWithError(c, err)) {
                c.closeAfterReply = true;
            }
        }
    }

    /** At startup: {@code replicaof} from the configuration (the connection starts with the first cron). */
    public void configure() {
        String r = server.config.get("replicaof").trim();
        if (!r.isEmpty()) {
            String[] t = r.split("\\s+");
            link = new MasterLink(this, t[0], Integer.parseInt(t[1]), false);
            server.keyspace.replica = true;
            server.log.setRole('S');
        }
    }

    @Override
    public String rdbReplId() {
        return backlog != null || link != null && link.cached ? server.replId : null;
    }

    @Override
    public long rdbReplOffset() {
        return masterOffset();
    }

    @Override
    public int rdbReplStreamDb() {
        if (link != null && link.master != null) {
            return link.master.dbIndex;
        }
        return Math.max(0, seldb);
    }

    @Override
    public String latestBacklog() {
        if (backlog == null || backlog.histlen() == 0) {
            return null;
        }
        byte[] b = backlog.latest(256);
        int n = b.length;
        StringBuilder out = new StringBuilder(n + 16).append('"');
        for (byte x : b) { // sdscatrepr
            int ch = x & 0xff;
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 7 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                default -> {
                    if (ch >= 32 && ch < 127) {
                        out.append((char) ch);
                    } else {
                        out.append(String.format("\\x%02x", ch));
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    @Override
    public void feed(int db, byte[][] argv) {
        propagate(db, argv);
    }

    @Override
    public void loadedReplInfo(String id, long offset, int streamDb) {
        if (backlog != null) {
            return;
        }
        if (link != null || !server.iAmMaster()) {
            // a replica continues from the dataset's place in its master's stream; a cluster replica by nodes.conf
            // too (Redis's iAmMaster), though the cluster names its master only after the load (setMaster)
            server.replId = id;
            clearReplid2();
            offsetNoBacklog = offset;
            forward(new byte[0], 0, 0);
            int db = Math.max(0, Math.min(server.dbs.length - 1, streamDb));
            if (link != null) {
                link.cached = true;
                link.streamDb = db;
            } else {
                loadedStreamDb = db;
            }
        } else {
            // a master keeps the old ID as the secondary one: its replicas continue partially
            replid2 = id;
            secondOffset = offset + 1;
            offsetNoBacklog = offset;
            backlog = newBuffer(offset);
            ensureConsumer();
        }
        server.log.notice("Loaded replication ID " + id + " and offset " + offset + " from the RDB file");
    }

    /** How old this replica's data is, in ms (see MasterLink#dataAge); 0 for a master. */
    public long masterDataAge(long now) {
        return link == null ? 0 : link.dataAge(now);
    }

    /**
     * Cluster manual failover: while true, the master sends no PING to its replicas (Redis skips them while a
     * manual failover pauses writes, so the offset the replica must reach stays put).
     */
    public void failoverPause(boolean paused) {
        this.failoverPaused = paused;
    }

    @Override
    public int loadingState() {
        if (link == null) {
            return 0;
        }
        return link.loadingBlocking() ? 1 : link.asyncLoading() ? 2 : 0;
    }

    @Override
    public boolean isReplica() {
        return link != null;
    }

    /**
     * INFO mem_replication_backlog (Redis's getMemoryOverheadData): the replication buffer up to repl-backlog-size
     * while replicas are attached (the rest is theirs, {@link #replicaBuffersMemory}), all of it otherwise.
     */
    @Override
    public long backlogMemory() {
        if (backlog == null) {
            return 0;
        }
        long mem = backlog.memory();
        return !replicas.isEmpty() && mem > backlog.backlogSize() ? backlog.backlogSize() : mem;
    }

    /** INFO mem_clients_slaves: the replication buffer beyond repl-backlog-size while replicas are attached. */
    @Override
    public long replicaBuffersMemory() {
        if (backlog == null) {
            return 0;
        }
        long mem = backlog.memory();
        return !replicas.isEmpty() && mem > backlog.backlogSize() ? mem - backlog.backlogSize() : 0;
    }

    /** INFO mem_total_replication_buffers: every block of the replication buffer (Redis's repl_buffer_mem). */
    @Override
    public long totalReplicationBuffers() {
        return backlog == null ? 0 : backlog.memory();
    }

    /**
     * The replication buffer's part not counted for eviction (Redis's freeMemoryGetNotCountedMemory): what exceeds
     * repl-backlog-size plus an estimate of its blocks' headers, with or without replicas (a buffer still being
     * trimmed after a slow replica left must not make eviction loop).
     */
    @Override
    public long notCountedForEvict() {
        if (backlog == null) {
            return 0;
        }
        long mem = backlog.memory();
        long size = backlog.backlogSize();
        if (mem <= size) {
            return 0;
        }
        long counted = size + (size / ReplBuffer.CHUNK + 1) * (ReplBuffer.BLOCK_HEADER + ReplBuffer.LIST_NODE);
        return Math.max(0, mem - counted);
    }

    @Override
    public void resetStats() {
        syncFull = 0;
        syncPartialOk = 0;
        syncPartialErr = 0;
    }

    /** sync_full, sync_partial_ok, sync_partial_err of INFO stats. */
    @Override
    public long[] syncStats() {
        return new long[] {syncFull, syncPartialOk, syncPartialErr};
    }

    @Override
    public void info(StringBuilder b) {
        b.append("# Replication\r\n");
        long now = System.currentTimeMillis();
        if (link == null) {
            f(b, "role", "master");
        } else {
            f(b, "role", "slave");
            link.info(b, now);
        }
        f(b, "connected_slaves", replicas.size());
        if (minToWrite > 0 && minMaxLag > 0) {
            f(b, "min_slaves_good_slaves", goodReplicas());
        }
        int i = 0;
        for (Replica r : replicas) {
            b.append("slave").append(i++).append(":ip=").append(r.ip()).append(",port=").append(r.listeningPort)
                .append(",state=").append(r.stateName()).append(",offset=").append(r.ackOffset).append(",lag=")
                .append((now - r.ackTimeMs) / 1000).append("\r\n");
        }
        f(b, "master_failover_state", failoverState == 0 ? "no-failover"
            : failoverState == 1 ? "waiting-for-sync" : "failover-in-progress");
        f(b, "master_replid", server.replId);
        f(b, "master_replid2", replid2);
        f(b, "master_repl_offset", masterOffset());
        f(b, "second_repl_offset", secondOffset);
        f(b, "repl_backlog_active", backlog != null ? 1 : 0);
        f(b, "repl_backlog_size", server.config.getLong("repl-backlog-size"));
        f(b, "repl_backlog_first_byte_offset", backlog != null ? backlog.firstByteOffset() : 0);
        f(b, "repl_backlog_histlen", backlog != null ? backlog.histlen() : 0);
    }

    static void f(StringBuilder b, String k, Object v) {
        b.append(k).append(':').append(v).append("\r\n");
    }
}
