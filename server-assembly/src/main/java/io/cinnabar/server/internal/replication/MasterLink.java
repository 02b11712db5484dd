package io.cinnabar.server.internal.replication;

import io.cinnabar.rdb.RdbReader;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Link;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.keyspace.Db;
import io.cinnabar.server.internal.persist.FunctionStore;
import io.cinnabar.server.internal.persist.RdbLoad;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * The replica side (Redis's {@code connectWithMaster}/{@code syncWithMaster}/{@code readSyncBulkPayload}): the
 * link to this server's master, from the TCP connect through the handshake to the applied stream.
 * <pre>
 *   CONNECT -> CONNECTING -> RECEIVE_PONG -> HANDSHAKE (AUTH, REPLCONF listening-port, REPLCONF capa eof psync2)
 *           -> RECEIVE_PSYNC -> +CONTINUE ................................................-> CONNECTED
 *                            -> +FULLRESYNC id off -> TRANSFER ($len or $EOF:mark, to a temp file)
 *                                                  -> flush, load the RDB -> CONNECTED
 *                                                  -> TRANSFER into a SocketLoad (diskless load) -> swap -> CONNECTED
 * </pre>
 * Once CONNECTED the link is adopted as a master client (Outbound.adopt): its commands run through the normal
 * pipeline with replies suppressed; after each command its bytes advance the replication offset and are forwarded
 * verbatim to this server's own backlog and replicas (chained replication). A lost link returns to CONNECT and the
 * cron reconnects with {@code PSYNC replid offset+1}.
 * <p>
 * With {@code repl-diskless-load disabled} (and {@code on-empty-db} while the dataset is not empty) the RDB goes
 * through a temp file in {@code dir}: the old data is flushed once the file is complete, then the file is loaded.
 * With {@code swapdb} (and {@code on-empty-db} on an empty dataset) it is parsed from the socket by a
 * {@link SocketLoad} into fresh databases that replace the old ones when the load succeeds; a cut transfer leaves
 * the old data as it was.
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
final class MasterLink implements Link.Handler {
    enum State { CONNECT, CONNECTING, RECEIVE_PONG, HANDSHAKE, RECEIVE_PSYNC, TRANSFER, CONNECTED }

    final String host;
    final int port;
    private final Replication repl;
    private final Server server;
    private final FunctionStore functions;
    private State state = State.CONNECT;
    private Link link;
    /** The master client once CONNECTED. */
    Client master;
    /** Replies of the pipelined handshake still to read. */
    private int handshakeLeft;
    private boolean authSent;
    /** PSYNC with our replid and offset (a history to continue), else "? -1". */
    boolean cached;
    /** Send PSYNC ... FAILOVER: this server hands its role over to the master it now follows. */
    boolean failover;
    /** The PSYNC ... FAILOVER was sent and not answered yet. */
    private boolean failoverPending;
    /** The database the master's stream is in when a partial resync continues it (repl-stream-db). */
    int streamDb;
    private long lastIoMs = System.currentTimeMillis();
    private long downSinceMs = -1;
    // transfer
    private String fullId;
    private long fullOffset;
    private long transferSize = -1;
    private long transferRead;
    private byte[] mark;
    private final byte[] tail = new byte[FullSync.MARK_LEN];
    private Path tmp;
    private FileChannel tmpCh;
    private boolean headerDone;
    /** The diskless load of this transfer, or null when it goes through the temp file. */
    private SocketLoad socketLoad;

    /** Memory of the twin keyspace a diskless load in progress fills, or 0 (see {@link SocketLoad#twinBytes}). */
    long loadingMemory() {
        SocketLoad s = socketLoad;
        return s == null ? 0 : s.twinBytes;
    }
    /** Every byte of a diskless transfer arrived; the bytes after it are the stream, left for the master client. */
    private boolean transferComplete;
    /** Bytes of the current master command not yet applied (forwarded once it completes). */
    private byte[] cmdBytes = new byte[1024];
    private int cmdLen;
    /** Bytes read from the master's stream (slave_read_repl_offset). */
    private long readOffset;

    MasterLink(Replication repl, String host, int port, boolean cached) {
        this.repl = repl;
        this.server = repl.server;
        this.functions = repl.functions;
        this.host = host;
        this.port = port;
        this.cached = cached;
    }

    boolean connected() {
        return state == State.CONNECTED;
    }

    String roleState() {
        return switch (state) {
            case CONNECT -> "connect";
            case CONNECTING -> "connecting";
            case RECEIVE_PONG, HANDSHAKE, RECEIVE_PSYNC -> "handshake";
            case TRANSFER -> "sync";
            case CONNECTED -> "connected";
        };
    }

    /** The replication offset this replica applied (slave_repl_offset). */
    long offset() {
        return repl.masterOffset();
    }

    // ---- connect and handshake

    void connect() {
        server.log.notice("Connecting to MASTER " + host + ":" + port);
        state = State.CONNECTING;
        lastIoMs = System.currentTimeMillis();
        link = server.outbound.connect(host, port, this);
        server.log.notice("MASTER <-> REPLICA sync started");
    }

    @Override
    public void connected(Link l) {
        server.log.notice("Non blocking connect for SYNC fired the event.");
        lastIoMs = System.currentTimeMillis();
        state = State.RECEIVE_PONG;
        send("PING");
    }

    private void send(String... args) {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        link.write(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void closed(Link l, String reason) {
        if (l != link) {
            return;
        }
        if (state == State.CONNECTING) {
            server.log.warning("Error condition on socket for SYNC: " + reason);
        } else {
            server.log.warning("Master " + host + ":" + port + " closed the link during the " + roleState() + ": "
                + reason);
        }
        fail();
    }

    /** Drops the link and whatever the transfer wrote; the cron connects again. */
    private void fail() {
        if (link != null && link.isOpen()) {
            link.close();
        }
        link = null;
        dropTmp();
        if (socketLoad != null && !socketLoad.parsed) {
            // the transfer was cut under a diskless load: Redis's rdbLoad fails on the short read, logged as Redis
            server.log.warning("Internal error in RDB reading offset 0, function at rdb.c:0 -> Unexpected EOF "
                + "reading RDB file");
            server.log.warning("Failed trying to load the MASTER synchronization DB from socket, check server logs.");
        }
        dropSocketLoad();
        state = State.CONNECT;
        // a failed handshake or transfer leaves the down time alone, as Redis's cancelReplicationHandshake: a
        // replica that never completed a sync has data of unknown age and never starts a cluster failover
    }

    /** Stops everything (REPLICAOF NO ONE, another master): the master client is closed too. */
    void shutdown() {
        if (master != null) {
            Client m = master;
            master = null;
            server.loop.closeAsync(m);
        }
        if (link != null && link.isOpen()) {
            link.close();
        }
        link = null;
        dropTmp();
        dropSocketLoad();
        state = State.CONNECT;
    }

    /** A diskless load that will not complete: its loader stops, its databases are dropped, the old data stays. */
    private void dropSocketLoad() {
        if (socketLoad != null) {
            socketLoad.abort();
            if (server.config.get("repl-diskless-load").equals("swapdb")) {
                server.log.notice("MASTER <-> REPLICA sync: Discarding the half-loaded data");
            }
            socketLoad = null;
        }
        transferComplete = false;
    }

    /** Redis's loading (commands without the loading flag get -LOADING) during a diskless load that is not async. */
    boolean loadingBlocking() {
        return socketLoad != null && !socketLoad.async;
    }

    /** Redis's async_loading: a swapdb load of the same history, the old data serving reads meanwhile. */
    boolean asyncLoading() {
        return socketLoad != null && socketLoad.async;
    }

    private void dropTmp() {
        if (tmpCh != null) {
            try {
                tmpCh.close();
            } catch (IOException e) {
                // deleting it anyway
            }
            tmpCh = null;
        }
        if (tmp != null) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // best effort, as Redis's unlink of a temp file
            }
            tmp = null;
        }
    }

    @Override
    public void received(Link l, ByteBuffer in) {
        lastIoMs = System.currentTimeMillis();
        while (link == l && in.hasRemaining()) {
            if (state == State.TRANSFER && transferComplete) {
                return; // the stream waits for the end of the diskless load
            }
            if (state == State.TRANSFER && headerDone) {
                transfer(in);
                continue;
            }
            String line = line(in);
            if (line == null) {
                return;
            }
            switch (state) {
                case RECEIVE_PONG -> pong(line);
                case HANDSHAKE -> handshakeReply(line);
                case RECEIVE_PSYNC -> psyncReply(line, in);
                case TRANSFER -> bulkHeader(line);
                default -> {
                    return;
                }
            }
        }
    }

    /** A line ending in \n (without \r\n), or null when incomplete; nothing is consumed then. */
    private static String line(ByteBuffer in) {
        int start = in.position();
        for (int i = start; i < in.limit(); i++) {
            if (in.get(i) == '\n') {
                int end = i > start && in.get(i - 1) == '\r' ? i - 1 : i;
                byte[] b = new byte[end - start];
                in.get(start, b);
                in.position(i + 1);
                return new String(b, StandardCharsets.ISO_8859_1);
            }
        }
        if (in.remaining() > 64 * 1024) {
            in.position(in.limit()); // an endless line: not a master
        }
        return null;
    }

    private void pong(String line) {
        if (line.startsWith("-") && !line.startsWith("-NOAUTH") && !line.startsWith("-NOPERM")
            && !line.startsWith("-ERR operation not permitted")) {
            server.log.warning("Error reply to PING from master: '" + line.substring(1) + "'");
            fail();
            return;
        }
        server.log.notice("Master replied to PING, replication can continue...");
        String auth = server.config.get("masterauth");
        String user = server.config.get("masteruser");
        handshakeLeft = 0;
        authSent = !auth.isEmpty();
        if (authSent) {
            if (user.isEmpty()) {
                send("AUTH", auth);
            } else {
                send("AUTH", user, auth);
            }
            handshakeLeft++;
        }
        long announcePort = server.config.getLong("replica-announce-port");
        send("REPLCONF", "listening-port", Long.toString(announcePort != 0 ? announcePort : server.loop.port()));
        handshakeLeft++;
        String ip = server.config.get("replica-announce-ip");
        if (!ip.isEmpty()) {
            send("REPLCONF", "ip-address", ip);
            handshakeLeft++;
        }
        send("REPLCONF", "capa", "eof", "capa", "psync2");
        handshakeLeft++;
        state = State.HANDSHAKE;
    }

    private void handshakeReply(String line) {
        if (authSent) {
            authSent = false;
            if (line.startsWith("-")) {
                server.log.warning("Unable to AUTH to MASTER: " + line.substring(1));
                fail();
                return;
            }
        } else if (line.startsWith("-")) {
            server.log.notice("(Non critical) Master does not understand REPLCONF: " + line.substring(1));
        }
        if (--handshakeLeft == 0) {
            psync();
        }
    }

    private void psync() {
        if (cached) {
            long off = repl.masterOffset() + 1;
            server.log.notice("Trying a partial resynchronization (request " + server.replId + ":" + off + ").");
            if (failover) {
                failover = false;
                failoverPending = true;
                send("PSYNC", server.replId, Long.toString(off), "FAILOVER");
            } else {
                send("PSYNC", server.replId, Long.toString(off));
            }
        } else {
            server.log.notice("Partial resynchronization not possible (no cached master)");
            send("PSYNC", "?", "-1");
        }
        state = State.RECEIVE_PSYNC;
    }

    /** Whether s is a decimal long (an optional '-' and 1-19 digits within range): what the master's lines may hold. */
    private static boolean isLong(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return b.length > 0 && io.cinnabar.sds.Numbers.isLong(b, 0, b.length);
    }

    private void psyncReply(String line, ByteBuffer in) {
        if (line.isEmpty()) {
            return; // the master keeps the link alive while it prepares the sync
        }
        if (failoverPending) {
            failoverPending = false;
            if (line.startsWith("+FULLRESYNC") || line.startsWith("+CONTINUE")) {
                repl.failoverAccepted();
            } else {
                server.log.warning("Failover target rejected the PSYNC: " + line);
                repl.abortFailover("Failover target rejected psync request");
                return;
            }
        }
        if (line.startsWith("+FULLRESYNC")) {
            String[] t = line.split(" ");
            // Redis checks the id is 40 characters; the offset is strtoll's (a hostile master's
            // "-99999999999999999999" threw NumberFormatException here and stopped the event loop)
            if (t.length < 3 || t[1].length() != 40 || !isLong(t[2])) {
                server.log.warning("Master replied with wrong +FULLRESYNC syntax.");
                fail();
                return;
            }
            fullId = t[1];
            fullOffset = Long.parseLong(t[2]);
            // the cached master stays until the RDB is about to be loaded (Redis's replicationAttachToNewMaster): a
            // transfer cut before that leaves it, and the next PSYNC (to the old master) can still continue
            server.log.notice("Full resync from master: " + fullId + ":" + fullOffset);
            state = State.TRANSFER;
            headerDone = false;
            return;
        }
        if (line.startsWith("+CONTINUE")) {
            String id = line.length() > 10 ? line.substring(10).trim() : "";
            server.log.notice("Successful partial resynchronization with master.");
            if (!id.isEmpty() && !id.equals(server.replId)) {
                repl.newMasterId(id);
            }
            server.log.notice("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
            becomeConnected();
            return;
        }
        if (line.startsWith("-NOMASTERLINK") || line.startsWith("-LOADING")) {
            server.log.notice("Master is currently unable to PSYNC but should be in the future: " + line);
            fail();
            return;
        }
        server.log.warning("Unexpected reply to PSYNC from master: " + line);
        fail();
    }

    private void bulkHeader(String line) {
        if (line.isEmpty()) {
            return; // keepalive newline while the master saves
        }
        if (line.startsWith("-")) {
            server.log.warning("MASTER aborted replication with an error: " + line.substring(1));
            fail();
            return;
        }
        if (!line.startsWith("$")) {
            server.log.warning("Bad protocol from MASTER, the first byte is not '$' (we received '" + line
                + "'), are you sure the host and port are right?");
            fail();
            return;
        }
        String mode = server.config.get("repl-diskless-load");
        boolean diskless = mode.equals("swapdb") || mode.equals("on-empty-db") && datasetEmpty();
        String target = diskless ? "to parser" : "to disk";
        if (line.startsWith("$EOF:") && line.length() == 5 + FullSync.MARK_LEN) {
            mark = line.substring(5).getBytes(StandardCharsets.ISO_8859_1);
            transferSize = -1;
            server.log.notice("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF " + target);
        } else {
            transferSize = isLong(line.substring(1)) ? Long.parseLong(line.substring(1)) : -1;
            if (transferSize < 0) { // a negative size would read as the EOF-mark mode without a mark
                server.log.warning("Bad bulk length from MASTER: " + line);
                fail();
                return;
            }
            mark = null;
            server.log.notice("MASTER <-> REPLICA sync: receiving " + transferSize + " bytes from master " + target);
        }
        transferRead = 0;
        Arrays.fill(tail, (byte) 0);
        if (diskless) {
            startSocketLoad(mode);
            headerDone = true;
            return;
        }
        try {
            tmp = Path.of(server.config.get("dir")).resolve("temp-" + System.currentTimeMillis() + "."
                + server.log.pid() + ".rdb");
            tmpCh = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            server.log.warning("Opening the temp file needed for MASTER <-> REPLICA synchronization: "
                + e.getMessage());
            fail();
            return;
        }
        headerDone = true;
    }

    private void transfer(ByteBuffer in) {
        int n = in.remaining();
        if (transferSize >= 0) {
            n = (int) Math.min(n, transferSize - transferRead);
        }
        ByteBuffer part = in.slice(in.position(), n);
        if (mark != null) {
            // keep the last MARK_LEN bytes seen to recognise the end
            int take = Math.min(n, tail.length);
            System.arraycopy(tail, take, tail, 0, tail.length - take);
            part.get(n - take, tail, tail.length - take, take);
        }
        try {
            if (socketLoad != null) {
                server.loading.loadedBytes += part.remaining(); // INFO loading_loaded_bytes: what reached the loader
                socketLoad.offer(part.duplicate());
            }
            while (socketLoad == null && part.hasRemaining()) {
                tmpCh.write(part);
            }
        } catch (IOException e) {
            server.log.warning("Write error or short write writing to the DB dump file needed for MASTER <-> "
                + "REPLICA synchronization: " + e.getMessage());
            fail();
            return;
        }
        in.position(in.position() + n);
        transferRead += n;
        server.stats.netReplInputBytes += n;
        boolean done = transferSize >= 0 ? transferRead == transferSize
            : transferRead >= FullSync.MARK_LEN && Arrays.equals(tail, mark);
        if (done && socketLoad != null) {
            transferComplete = true;
            socketLoad.transferEnded();
            link.reading(false); // what follows is the stream: it waits in the link for the master client
            finishSocketLoad();
        } else if (done) {
            loadTransferred();
        }
    }

    private boolean datasetEmpty() {
        for (Db db : server.dbs) {
            if (db.size() > 0) {
                return false;
            }
        }
        return true;
    }

    private void startSocketLoad(String mode) {
        repl.prepareForLoad(false);
        boolean async = mode.equals("swapdb") && fullId.equals(server.replId);
        if (mode.equals("swapdb")) {
            server.log.notice("MASTER <-> REPLICA sync: " + (async ? "Loading DB in memory (async: the current data "
                + "keeps serving until the swap)" : "Loading DB in memory (the current data is kept until the swap)"));
        } else {
            server.log.notice("MASTER <-> REPLICA sync: Loading DB in memory");
        }
        transferComplete = false;
        socketLoad = new SocketLoad(server, link, async, transferSize);
        server.loading.track(Math.max(0, transferSize)); // INFO's loading_* fields (the loader thread never yields)
        SocketLoad mine = socketLoad;
        mine.start(() -> {
            if (socketLoad == mine) {
                finishSocketLoad();
            }
        });
    }

    /** Once the transfer ended and the loader finished: swaps the loaded databases in, or keeps the old data. */
    private void finishSocketLoad() {
        SocketLoad s = socketLoad;
        if (s == null || !s.parsed) {
            return;
        }
        if (s.error != null) {
            server.log.warning("Failed trying to load the MASTER synchronization DB from socket, check server logs. ("
                + s.error.getMessage() + ")");
            fail();
            return;
        }
        if (!transferComplete) {
            // the RDB ended before the transfer did (the EOF mark is still to come): wait for it
            return;
        }
        if (functions != null && !swapFunctions(s.functions)) {
            fail();
            return;
        }
        socketLoad = null;
        transferComplete = false;
        repl.attachToNewMaster();
        if (server.config.get("repl-diskless-load").equals("swapdb")) {
            server.log.notice("MASTER <-> REPLICA sync: Swapping active DB with loaded DB");
        }
        server.keyspace.adopt(s.twin);
        server.log.notice("Done loading RDB, keys loaded: " + s.result.keysLoaded + ", keys expired: "
            + s.result.keysExpired + ".");
        repl.fullSyncLoaded(fullId, fullOffset);
        streamDb = 0;
        server.log.notice("MASTER <-> REPLICA sync: Finished with success");
        repl.restartAofAfterSync();
        becomeConnected();
    }

    /** The loaded libraries replace the current ones; if one does not load, the current ones stay. */
    private boolean swapFunctions(FunctionStore.Held loaded) {
        java.util.List<byte[]> old = functions.libraries();
        functions.clear();
        try {
            for (byte[] code : loaded.libraries()) {
                functions.load(code);
            }
            return true;
        } catch (IllegalArgumentException e) {
            server.log.warning("Failed trying to load the MASTER synchronization functions: " + e.getMessage());
            functions.clear();
            for (byte[] code : old) {
                functions.load(code);
            }
            return false;
        }
    }

    private void loadTransferred() {
        try {
            if (mark != null) {
                tmpCh.truncate(transferRead - FullSync.MARK_LEN);
            }
            tmpCh.force(true);
            tmpCh.close();
            tmpCh = null;
        } catch (IOException e) {
            server.log.warning("Failed trying to sync the temp DB to disk in MASTER <-> REPLICA synchronization: "
                + e.getMessage());
            fail();
            return;
        }
        Path target = Path.of(server.config.get("dir")).resolve(server.config.get("dbfilename"));
        repl.prepareForLoad(true);
        repl.attachToNewMaster();
        server.log.notice("MASTER <-> REPLICA sync: Flushing old data");
        emptyData();
        server.log.notice("MASTER <-> REPLICA sync: Loading DB in memory");
        RdbLoad load = new RdbLoad(server.keyspace, server.limits, functions, false, false, System.currentTimeMillis());
        load.keyLoadDelayUs = server.config.getLong("key-load-delay");
        load.loading = server.loading;
        server.keyspace.loading = true;
        // clients are served meanwhile, answered -LOADING; the master's link waits (as Redis removes its handler)
        Link l = link;
        l.reading(false);
        server.loading.start(fileSize(tmp), null);
        try {
            load.load(RdbReader.open(tmp).verifyChecksum(server.config.getBool("rdbchecksum")));
        } catch (io.cinnabar.server.internal.command.Loading.Aborted e) {
            return; // a SHUTDOWN during the load succeeded: the event loop stops at its next iteration
        } catch (IOException | RuntimeException e) {
            server.log.warning("Failed trying to load the MASTER synchronization DB from disk, check server logs.");
            emptyData();
            fail();
            return;
        } finally {
            server.loading.stop();
            server.keyspace.loading = false;
            if (l.isOpen()) {
                l.reading(true);
            }
        }
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            server.log.warning("Failed trying to rename the temp DB into " + target.getFileName()
                + " in MASTER <-> REPLICA synchronization: " + e.getMessage());
        }
        tmp = null;
        if (repl.rdb != null) {
            repl.rdb.deleteSyncFileAfterLoad(); // rdb-del-sync-files on a replica without persistence
        }
        server.log.notice("Done loading RDB, keys loaded: " + load.keysLoaded + ", keys expired: " + load.keysExpired
            + ".");
        repl.fullSyncLoaded(fullId, fullOffset);
        streamDb = 0;
        server.log.notice("MASTER <-> REPLICA sync: Finished with success");
        repl.restartAofAfterSync();
        becomeConnected();
    }

    private static long fileSize(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }

    private void emptyData() {
        for (Db db : server.dbs) {
            server.keyspace.flush(db);
        }
        server.keyspace.forgetReplicaExpires();
        if (functions != null) {
            functions.clear();
        }
    }

    /** The link becomes the master client; the unconsumed bytes are the first of the stream. */
    private void becomeConnected() {
        Link l = link;
        link = null;
        Client c = server.outbound.adopt(l);
        c.replRole = Client.ROLE_MASTER;
        c.repl = this;
        c.replyMode = Client.REPLY_OFF;
        c.db = server.dbs[streamDb];
        c.dbIndex = streamDb;
        c.name = null;
        master = c;
        cached = true;
        cmdLen = 0;
        readOffset = repl.masterOffset();
        state = State.CONNECTED;
        downSinceMs = -1;
        sendAck();
    }

    // ---- the stream

    /** Bytes of the master's stream were consumed from the query buffer (a whole command or part of one). */
    void streamBytes(byte[] b, int off, int len) {
        if (cmdLen + len > cmdBytes.length) {
            cmdBytes = Arrays.copyOf(cmdBytes, Math.max(cmdBytes.length * 2, cmdLen + len));
        }
        System.arraycopy(b, off, cmdBytes, cmdLen, len);
        cmdLen += len;
        readOffset += len;
        server.stats.netReplInputBytes += len;
    }

    /** A command of the master was applied: its bytes advance the offset and go to our backlog and replicas. */
    void commandApplied() {
        repl.forward(cmdBytes, 0, cmdLen);
        cmdLen = 0;
        if (cmdBytes.length > 64 * 1024) {
            cmdBytes = new byte[1024];
        }
    }

    /** REPLCONF ACK offset to the master (GETACK, once a second). */
    void sendAck() {
        if (master == null || master.closed) {
            return;
        }
        String off = Long.toString(repl.masterOffset());
        String s;
        if (repl.aof != null && repl.aof.syncFedNow()) {
            // Redis 7.2: with the AOF on, FACK reports the offset the AOF fsynced (here: fsynced now, with the ACK)
            s = "*5\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$" + off.length() + "\r\n" + off + "\r\n$4\r\nFACK\r\n$"
                + off.length() + "\r\n" + off + "\r\n";
        } else {
            s = "*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$" + off.length() + "\r\n" + off + "\r\n";
        }
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        master.enc.addRaw(b, 0, b.length);
        server.loop.wantWrite(master);
    }

    void masterClientFreed(Client c) {
        if (c != master) {
            return;
        }
        server.log.notice("Connection with master lost.");
        server.log.notice("Caching the disconnected master state.");
        streamDb = c.dbIndex; // the stream continues (PSYNC) in the database it was in
        master = null;
        cmdLen = 0;
        state = State.CONNECT;
        // Redis frees a killed master at once (replicationHandleMasterDisconnection): the link is down since the
        // kill, not since the end of a transaction that went on (DEBUG SLEEP) after it
        downSinceMs = c.closeRequestedMs != 0 ? c.closeRequestedMs : System.currentTimeMillis();
    }

    long beforeSleep() {
        return Long.MAX_VALUE;
    }

    /** Once a second: connect, time out a stuck handshake or a silent master, send an ACK. */
    void cron(long now) {
        long timeout = server.config.getLong("repl-timeout") * 1000;
        if (state == State.CONNECT) {
            connect();
        } else if (state != State.CONNECTED && !transferComplete && now - lastIoMs > timeout) {
            server.log.warning(state == State.TRANSFER ? "Timeout receiving bulk data from MASTER... If the problem "
                + "persists try to set the 'repl-timeout' parameter in redis.conf to a larger value."
                : "Timeout connecting to the MASTER...");
            fail();
        } else if (state == State.CONNECTED && master != null && now - master.lastInteraction > timeout) {
            server.log.warning("MASTER timeout: no data nor PING received...");
            server.loop.closeAsync(master);
        } else if (state == State.CONNECTED) {
            sendAck();
        }
    }

    /**
     * Milliseconds since the master last sent anything while the link is up, else since the link went down
     * (Redis's data_age of clusterHandleSlaveFailover); Long.MAX_VALUE when it was never up.
     */
    long dataAge(long now) {
        if (state == State.CONNECTED && master != null) {
            return now - master.lastInteraction;
        }
        return downSinceMs < 0 ? Long.MAX_VALUE : now - downSinceMs;
    }

    void info(StringBuilder b, long now) {
        Replication.f(b, "master_host", host);
        Replication.f(b, "master_port", port);
        Replication.f(b, "master_link_status", state == State.CONNECTED ? "up" : "down");
        Replication.f(b, "master_last_io_seconds_ago", master != null ? (now - master.lastInteraction) / 1000 : -1);
        Replication.f(b, "master_sync_in_progress", state == State.TRANSFER ? 1 : 0);
        Replication.f(b, "slave_read_repl_offset", state == State.CONNECTED ? readOffset : repl.masterOffset());
        Replication.f(b, "slave_repl_offset", repl.masterOffset());
        if (state == State.TRANSFER) {
            long total = Math.max(0, transferSize);
            Replication.f(b, "master_sync_total_bytes", transferSize);
            Replication.f(b, "master_sync_read_bytes", transferRead);
            Replication.f(b, "master_sync_left_bytes", total - transferRead);
            Replication.f(b, "master_sync_perc", String.format(Locale.ROOT, "%.2f",
                total == 0 ? 0.0 : transferRead * 100.0 / total));
            Replication.f(b, "master_sync_last_io_seconds_ago", (now - lastIoMs) / 1000);
        }
        if (state != State.CONNECTED) {
            Replication.f(b, "master_link_down_since_seconds", downSinceMs < 0 ? -1 : (now - downSinceMs) / 1000);
        }
        Replication.f(b, "slave_priority", server.config.getLong("replica-priority"));
        Replication.f(b, "slave_read_only", server.config.getBool("replica-read-only") ? 1 : 0);
        Replication.f(b, "replica_announced", server.config.getBool("replica-announced") ? 1 : 0);
    }
}
