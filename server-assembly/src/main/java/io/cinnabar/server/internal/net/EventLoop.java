package io.cinnabar.server.internal.net;

import io.cinnabar.sds.SdsArgs;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Command;
import io.cinnabar.server.internal.command.Connections;
import io.cinnabar.server.internal.command.Link;
import io.cinnabar.server.internal.command.Outbound;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.command.Stats;
import io.cinnabar.server.internal.config.ConfigException;
import io.cinnabar.server.internal.keyspace.RedisSizes;

import io.cinnabar.resp.RequestDecoder;
import io.cinnabar.resp.RequestLimits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * The single thread that owns the server: an NIO selector over the listening sockets (TCP and, with
 * {@code unixsocket}, a Unix domain socket) and the clients, and the timer that runs the cron {@code hz} times a
 * second.
 * <p>
 * Per readable client: read into its query buffer, decode every complete command with resp-codec's
 * {@link RequestDecoder} (arguments stay slices of the buffer), execute each one, and queue the client for writing.
 * Before each poll the loop writes pending replies directly (Redis's {@code handleClientsWithPendingWrites}) and
 * only registers interest in writability for sockets that could not take everything. Pipelined commands are
 * therefore executed in one pass and answered with one write.
 * <p>
 * Abusive clients are closed without affecting others: a query buffer above {@code client-query-buffer-limit},
 * an output buffer above the hard {@code client-output-buffer-limit} (or above the soft one for too long), a
 * protocol error, or idleness beyond {@code timeout}.
 * <p><b>Note:</b> This class is not threadsafe: only {@link #shutdown()} may be called from another thread.
 */
public final class EventLoop implements Runnable, Connections, Outbound {
    private static final byte[] DENIED = Shared.b("-DENIED Redis is running in protected mode because protected mode "
        + "is enabled and no password is set for the default user. In this mode connections are only accepted from "
        + "the loopback interface. If you want to connect from external computers to Redis you may adopt one of the "
        + "following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' "
        + "from the loopback interface by connecting to Redis from the same host the server is running, however MAKE "
        + "SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change "
        + "permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration "
        + "file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started "
        + "the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an "
        + "authentication password for the default user. NOTE: You only need to do one of the above things in order "
        + "for the server to start accepting connections from the outside.\r\n");
    private static final byte[] MAXCLIENTS = Shared.b("-ERR max number of clients reached\r\n");

    final Server server;
    private final Selector selector;
    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    private final List<String> listenerNames = new ArrayList<>();
    private Path unixPath;
    private final List<Client> pendingWrites = new ArrayList<>();
    private final List<Client> toClose = new ArrayList<>();
    private final RequestDecoder decoder = new RequestDecoder();
    private final PipelineKeys pipelineKeys = new PipelineKeys();
    /** Peer connections (see {@link Outbound}), their pending writes, and tasks handed over from other threads. */
    private final List<NetLink> links = new ArrayList<>();
    private final List<NetLink> linkWrites = new ArrayList<>();
    private final List<NetLink> linkFailures = new ArrayList<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /**
     * The keys one select found ready, handled after select returns (not inside its callback) so that a long
     * script can serve the other clients with a nested select (processEventsWhileBlocked); reused, no allocation.
     */
    private final ArrayList<SelectionKey> ready = new ArrayList<>();
    private final java.util.function.Consumer<SelectionKey> collect = ready::add;
    private RequestLimits limits = RequestLimits.DEFAULT;
    private volatile boolean stop;
    private int tcpPort;
    private long nextCronMs;
    /** Whether the last selection found work while many clients were connected (see {@link #busyPoll}). */
    private boolean busy;
    /** A busy poll needs more clients than this: a lone client or a test suite's few never make the loop poll. */
    static final int BUSY_POLL_MIN_CLIENTS = 4;
    /** Busy selections to let pass before the next poll, and the failed polls in a row (2^n - 1 are let pass). */
    private int pollSkip;
    private int pollFailures;
    /** Busy polls so far, and those that found work (read on the loop's thread; for tests). */
    private long polls;
    private long pollHits;

    /** {busy polls, polls that found work}; call on the loop's thread. */
    public long[] busyPollCounts() {
        return new long[] {polls, pollHits};
    }

    /**
     * Polls unless a recent poll found nothing: after n failed polls in a row the next 2^n - 1 chances pass (n at
     * most 10), so a load whose requests come too far apart for a poll to catch (where every poll would be wasted
     * CPU) soon polls once in a thousand selections; a poll that finds work resets it. Returns what the poll found.
     */
    private boolean pollNow() throws IOException {
        if (pollSkip > 0) {
            pollSkip--;
            return false;
        }
        polls++;
        if (busyPoll(server.busyPollNs)) {
            pollHits++;
            pollFailures = 0;
            return true;
        }
        pollFailures = Math.min(pollFailures + 1, 10);
        pollSkip = (1 << pollFailures) - 1;
        return false;
    }
    final Thread thread;

    public EventLoop(Server server) throws IOException {
        this.server = server;
        this.selector = Selector.open();
        server.loop = this;
        server.outbound = this;
        this.thread = new Thread(this, "cinnabar-event-loop");
        server.watchdog.watch(thread);
        updateLimits();
    }

    @Override
    public void updateLimits() {
        limits = RequestLimits.DEFAULT.withMaxBulkLength(server.protoMaxBulkLen);
    }

    /** Binds the listening sockets as configured; randomPort picks a free port when "port" is 0. */
    public void listen(boolean randomPort) throws IOException {
        int port = (int) server.config.getLong("port");
        if (port != 0 || randomPort) {
            String bind = server.config.get("bind");
            List<String> addrs = new ArrayList<>(List.of(bind.trim().split("\\s+")));
            if (bind.equals("* -::*")) {
                addrs = List.of("*");
            }
            for (String a : addrs) {
                if (a.isEmpty()) {
                    continue;
                }
                boolean optional = a.startsWith("-");
                String host = optional ? a.substring(1) : a;
                InetSocketAddress sa = host.equals("*") ? new InetSocketAddress(port)
                    : host.equals("::*") ? new InetSocketAddress(InetAddress.getByName("::"), port)
                    : new InetSocketAddress(InetAddress.getByName(host), port);
                ServerSocketChannel ss = ServerSocketChannel.open();
                ss.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                try {
                    ss.bind(sa, (int) server.config.getLong("tcp-backlog"));
                } catch (IOException e) {
                    ss.close();
                    if (optional) {
                        continue;
                    }
                    throw new IOException("Warning: Could not create server TCP listening socket " + host + ":" + port
                        + ": " + e.getMessage(), e);
                }
                if (port == 0) {
                    port = ((InetSocketAddress) ss.getLocalAddress()).getPort();
                    server.config.putRaw("port", Integer.toString(port));
                }
                ss.configureBlocking(false);
                ss.register(selector, SelectionKey.OP_ACCEPT, null);
                listeners.add(ss);
                listenerNames.add(host);
            }
        }
        tcpPort = port;
        String unix = server.config.get("unixsocket");
        if (!unix.isEmpty()) {
            unixPath = Path.of(unix);
            Files.deleteIfExists(unixPath);
            ServerSocketChannel us = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            us.bind(UnixDomainSocketAddress.of(unixPath));
            String perm = server.config.get("unixsocketperm");
            if (!perm.equals("0")) {
                Files.setPosixFilePermissions(unixPath, perms(Integer.parseInt(perm, 8)));
            }
            us.configureBlocking(false);
            us.register(selector, SelectionKey.OP_ACCEPT, Boolean.TRUE);
            listeners.add(us);
            listenerNames.add("unix");
        }
    }

    private static Set<PosixFilePermission> perms(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }

    /**
     * Closes the TCP listeners and binds again with the current port/bind options (CONFIG SET port|bind). When the
     * new value cannot be bound, the old value's listeners are bound again and the error is thrown: the server
     * keeps listening where it did (Redis's changeListenPort / changeBindAddr).
     */
    @Override
    public void rebind(String name, String old) throws ConfigException {
        closeTcpListeners();
        String unix = server.config.get("unixsocket");
        server.config.putRaw("unixsocket", "");
        try {
            listen(false);
        } catch (IOException e) {
            closeTcpListeners();
            String now = server.config.get(name);
            server.config.putRaw(name, old);
            try {
                listen(false);
            } catch (IOException again) {
                server.log.warning("Failed to listen again on the previous " + name + " " + old + ": "
                    + again.getMessage());
            } finally {
                server.config.putRaw(name, now);
            }
            server.log.warning("Failed to listen with " + name + " " + now + ": " + e.getMessage());
            throw new ConfigException(name.equals("bind") ? "Failed to bind to specified addresses."
                : "Unable to listen on this port. Check server logs.");
        } finally {
            server.config.putRaw("unixsocket", unix);
        }
    }

    private void closeTcpListeners() {
        for (int i = listeners.size() - 1; i >= 0; i--) {
            if (!listenerNames.get(i).equals("unix")) {
                ServerSocketChannel ss = listeners.remove(i);
                listenerNames.remove(i);
                try {
                    ss.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
        try {
            selector.selectNow(k -> { }); // a closed channel's socket is released when its key is deregistered
        } catch (IOException e) {
            server.log.verbose("Releasing closed listeners: " + e.getMessage());
        }
    }

    @Override
    public int port() {
        return tcpPort;
    }

    @Override
    public List<String> listenerNames() {
        return listenerNames;
    }

    public void start() {
        thread.start();
    }

    /**
     * Polls (selectNow) for up to ns nanoseconds before the loop blocks in select (cinnabar-busy-poll), right after
     * a selection that found work while more than {@value #BUSY_POLL_MIN_CLIENTS} clients were connected: a request
     * arriving meanwhile is served without the sleep and wake-up of the loop's thread. A lone client (redis-cli, a
     * test suite's connections) never makes it poll. Returns whether it found something (keys collected, or a task
     * queued from another thread).
     */
    private boolean busyPoll(long ns) throws IOException {
        long deadline = System.nanoTime() + ns;
        do {
            // a selectNow clears a pending wakeup(): the flags a wakeup announces (stop, a signal's shutdown) end
            // the poll as a found key would, so the loop sees them now rather than after its next select's timeout
            if (selector.selectNow(collect) > 0 || !ready.isEmpty() || !tasks.isEmpty() || stop
                    || server.shutdownAsap) {
                return true;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() < deadline);
        return false;
    }

    /** Names the loop's thread (before {@link #start()}): a private server's thread is told apart in a dump. */
    public void threadName(String name) {
        thread.setName(name);
    }

    /** Asks the loop to stop; safe from any thread. */
    public void shutdown() {
        stop = true;
        selector.wakeup();
    }

    /** Wakes the loop so it notices a flag set from another thread (signals). */
    public void wakeup() {
        selector.wakeup();
    }

    public void join() throws InterruptedException {
        thread.join();
    }

    @Override
    public void run() {
        nextCronMs = System.currentTimeMillis();
        try {
            while (!stop && iterate()) {
                // one iteration per call: see iterate()
            }
        } catch (IOException | RuntimeException e) {
            server.log.warning("Event loop failure: " + e);
        } finally {
            closeAll();
        }
    }

    /**
     * One turn of the loop: the tasks, the cron, Redis's beforeSleep, the wait for ready sockets and their handling.
     * False when a shutdown ended the loop. A method of its own, not the body of run()'s loop: the JIT compiles it
     * from its calls (every loop of the JVM counts, the JIT warm-up's private servers' too), where a loop body
     * inside run() is compiled only by on-stack replacement of the one thread that runs it, which for a server's
     * event loop happened under the user's first load (a C2 compilation of the whole loop, ~100 ms, after the
     * warm-up).
     */
    private boolean iterate() throws IOException {
        if (server.shutdownAsap && server.shutdownFromLoop()) {
            return false; // a failed attempt was logged and cleared: keep serving, as Redis does
        }
        server.keyspace.releaseViews(); // nothing holds an entry view between iterations
        long start = System.nanoTime();
        long commandsBefore = server.stats.commandsProcessed;
        runTasks();
        long now = System.currentTimeMillis();
        boolean evicting = server.memory != null && server.memory.continueEviction(now);
        if (now >= nextCronMs) {
            server.cron();
            nextCronMs = now + 1000 / server.hz;
        }
        server.activeExpireCycle(true);
        server.blocking.beforeSleep();
        long maxWait = server.persistence == null ? Long.MAX_VALUE : server.persistence.beforeSleep();
        server.pubsub.beforeSleep();
        if (server.cluster != null) {
            server.cluster.beforeSleep();
        }
        long aofNs = 0;
        if (server.durability != null) {
            long a = System.nanoTime();
            server.durability.beforeSleep(); // the AOF is written (and fsynced) before any reply leaves
            aofNs = System.nanoTime() - a;
        }
        if (server.replication != null) {
            maxWait = Math.min(maxWait, server.replication.beforeSleep()); // after the AOF, as Redis
        }
        flushPending();
        if (server.memory != null) {
            server.memory.evictClients(null); // Redis's beforeSleep: after the writes
        }
        long wake = Math.min(nextCronMs, server.blocking.nextTimeoutMs()); // a blocked client's deadline
        // an unfinished eviction (Redis's evictionTimeProc, due at once) polls without sleeping
        long wait = maxWait == 0 || evicting || !tasks.isEmpty() || !linkFailures.isEmpty() ? 0
            : Math.min(maxWait, Math.max(1, wake - System.currentTimeMillis()));
        long beforeWait = System.nanoTime();
        // the Consumer form collects the ready keys into a reused list: no selected-keys set to fill
        if (wait == 0) { // a snapshot's walk has more to do
            selector.selectNow(collect);
        } else if (!(busy && server.busyPollNs > 0 && pollNow())) {
            selector.select(collect, wait);
        }
        long woke = System.nanoTime();
        busy = !ready.isEmpty() && server.clients.size() > BUSY_POLL_MIN_CLIENTS; // more requests likely soon
        for (int i = 0; i < ready.size(); i++) {
            handle(ready.get(i));
        }
        ready.clear();
        releaseClosedListeners();
        closePending();
        // Redis's cycle runs from the wake-up through the events, the cron and beforeSleep to the next wait: here
        // the turn's work before its wait (tasks, cron, beforeSleep's parts) plus the handling of what woke it
        Stats st = server.stats;
        long usec = (beforeWait - start + System.nanoTime() - woke) / 1000;
        st.eventloopCycles++;
        st.eventloopDurationSum += usec;
        st.eventloopDurationMax = Math.max(st.eventloopDurationMax, usec);
        st.eventloopDurationAofSum += aofNs / 1000;
        st.eventloopDurationCronSum += (beforeWait - start - aofNs) / 1000; // without the AOF, as Redis
        st.eventloopCmdPerCycleMax = Math.max(st.eventloopCmdPerCycleMax, st.commandsProcessed - commandsBefore);
        return true;
    }

    @Override
    public void processEventsWhileBlocked(Client running) {
        Client current = server.current;
        long cmdTime = server.keyspace.cmdTimeMs;
        try {
            selector.selectNow(k -> {
                if (k.attachment() != running || running == null) {
                    handle(k);
                }
            });
            releaseClosedListeners();
            if (server.durability != null) {
                server.durability.beforeSleep(); // as Redis's beforeSleep while blocked: the AOF before replies
            }
            flushPending();
            closePending();
        } catch (IOException e) {
            server.log.verbose("Serving clients while blocked: " + e.getMessage());
        } finally {
            server.current = current;
            server.keyspace.cmdTimeMs = cmdTime;
        }
    }

    @Override
    public boolean blockingIo(Client c, boolean on) {
        try {
            if (on) {
                if (c.key != null) {
                    c.key.cancel();
                }
                selector.selectNow(k -> { }); // deregisters the cancelled key; readiness is level-triggered
                c.ch.configureBlocking(true);
            } else {
                c.ch.configureBlocking(false);
                c.key = c.ch.register(selector, SelectionKey.OP_READ, c);
                wantWrite(c);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            server.log.verbose("Switching blocking mode of client id=" + c.id + ": " + e.getMessage());
            if (!on) {
                closeAsync(c);
            }
            return false;
        }
    }

    private void handle(SelectionKey k) {
        if (!k.isValid()) {
            return;
        }
        Object att = k.attachment();
        if (att instanceof NetLink link) {
            handleLink(link, k);
            return;
        }
        if (k.isAcceptable()) {
            if (att instanceof ExtraListener el) {
                acceptLinks(el);
            } else {
                accept((ServerSocketChannel) k.channel(), att != null);
            }
            return;
        }
        Client c = (Client) att;
        if (server.durability != null && server.durability.writeBeforeRead()) {
            // appendfsync always (Redis's AE_BARRIER): a reply produced by this read waits for beforeSleep's fsync
            if (k.isWritable() && !c.closed) {
                write(c);
            }
            if (k.isValid() && k.isReadable() && !c.closed) {
                read(c);
            }
            return;
        }
        if (k.isReadable()) {
            read(c);
        }
        if (k.isValid() && k.isWritable() && !c.closed) {
            write(c);
        }
    }

    // ---- accept

    private void accept(ServerSocketChannel ss, boolean unix) {
        while (true) {
            SocketChannel ch;
            try {
                ch = ss.accept();
            } catch (IOException e) {
                server.log.verbose("Accepting client connection: " + e.getMessage());
                return;
            }
            if (ch == null) {
                return;
            }
            try {
                setup(ch, unix);
            } catch (IOException e) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
        }
    }

    private void setup(SocketChannel ch, boolean unix) throws IOException {
        ch.configureBlocking(false);
        String addr;
        String laddr;
        boolean local;
        if (unix) {
            addr = "/unixsocket:0";
            laddr = String.valueOf(unixPath);
            local = true;
        } else {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            long ka = server.config.getLong("tcp-keepalive");
            if (ka > 0) {
                ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                try {
                    ch.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, (int) ka);
                    ch.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, (int) Math.max(1, ka / 3));
                    ch.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT, 3);
                } catch (UnsupportedOperationException | IOException e) {
                    // platform without per-socket keepalive tuning: SO_KEEPALIVE alone
                }
            }
            InetSocketAddress ra = (InetSocketAddress) ch.getRemoteAddress();
            addr = format(ra);
            laddr = format((InetSocketAddress) ch.getLocalAddress());
            local = ra.getAddress().isLoopbackAddress();
        }
        server.stats.connectionsReceived++;
        if (server.clients.size() >= server.maxclients) {
            ch.write(ByteBuffer.wrap(MAXCLIENTS));
            ch.close();
            server.stats.rejectedConnections++;
            return;
        }
        if (server.protectedMode && server.acl.defaultNoPass() && !local) {
            ch.write(ByteBuffer.wrap(DENIED));
            ch.close();
            server.stats.rejectedConnections++;
            return;
        }
        Client c = new Client(server, server.nextClientId++, ch, addr, laddr, unix);
        c.db = server.dbs[0];
        c.authenticated = !server.defaultAuthRequired;
        c.key = ch.register(selector, SelectionKey.OP_READ, c);
        server.clients.put(c.id, c);
        if (server.memory != null) {
            server.memory.clientChanged(c); // its buffers count in used_memory from the accept, as in Redis
        }
        server.log.verbose("Accepted " + addr);
    }

    static String format(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        int pct = h.indexOf('%');
        if (pct >= 0) {
            h = h.substring(0, pct);
        }
        if (h.contains(":")) {
            if (h.startsWith("0:0:0:0:0:ffff:")) {
                h = h.substring(15);
            } else {
                return "[" + compressV6(a.getAddress()) + "]:" + a.getPort();
            }
        }
        return h + ":" + a.getPort();
    }

    private static String compressV6(InetAddress a) {
        String h = a.getHostAddress();
        int pct = h.indexOf('%');
        if (pct >= 0) {
            h = h.substring(0, pct);
        }
        if (h.equals("0:0:0:0:0:0:0:1")) {
            return "::1";
        }
        return h.replaceFirst("(^|:)(0(:|$)){2,}", "::").replaceFirst("^:::", "::");
    }

    // ---- read and execute

    private void read(Client c) {
        if (c.qlen == c.qbuf.length && !growQuery(c, Math.max(Client.QUERY_IO_BUF, c.qbuf.length * 2))) {
            return;
        }
        c.qwrap.limit(c.qbuf.length).position(c.qlen);
        int n;
        try {
            n = c.ch.read(c.qwrap);
        } catch (IOException e) {
            server.log.verbose("Reading from client: " + e.getMessage());
            free(c);
            return;
        }
        if (n < 0) {
            server.log.verbose("Client closed connection id=" + c.id + " addr=" + c.addr);
            free(c);
            return;
        }
        c.qlen += n;
        // a conditional move, not a branch: which way it goes depends on the clients' batch sizes and the cron's
        // last reset, and a direction the JIT never saw (a warm-up's fixed batches) deoptimized the request path at
        // the first new client of a benchmark (-Xlog:deoptimization, session 12)
        c.qbufPeak = Math.max(c.qbufPeak, c.qlen - c.qpos);
        server.stats.netInputBytes += n;
        server.stats.readsProcessed++;
        c.lastInteraction = System.currentTimeMillis();
        if (server.memory != null) {
            // what was read counts in used_memory before its commands' eviction checks, as Redis's allocator counts
            // the query buffer (its arguments are in it: measured between commands, they are not counted twice)
            server.memory.clientChanged(c);
        }
        processInput(c);
        if (server.memory != null) {
            // used_memory counts what the read buffered (and what the commands left) at once, as Redis's allocator.
            // Redis evicts clients before it sleeps; right after the read is as soon: a big argument's header
            // alone reserves its size
            server.memory.clientChanged(c);
            server.memory.evictClients(null);
        }
    }

    /**
     * Gives c's query buffer capacity cap (the live bytes moved to its start); false when the heap could not hold
     * it: c was closed (a huge argument the JVM cannot buffer), the other clients go on.
     */
    private boolean growQuery(Client c, int cap) {
        int live = c.qlen - c.qpos;
        int newCap = Math.max(cap, Client.INITIAL_BUFFER);
        if (newCap < live) {
            newCap = live;
        }
        byte[] n;
        try {
            n = newCap == c.qbuf.length ? c.qbuf : new byte[newCap];
        } catch (OutOfMemoryError e) {
            queryBufOutOfMemory(c, newCap);
            return false;
        }
        System.arraycopy(c.qbuf, c.qpos, n, 0, live);
        if (newCap > c.qbufPeak && newCap > c.qbuf.length) {
            c.qbufPeak = newCap; // room for an argument being received counts as needed
        }
        c.qbuf = n;
        c.qwrap = ByteBuffer.wrap(n);
        c.qlen = live;
        c.qpos = 0;
        return true;
    }

    /**
     * The heap cannot hold c's query buffer (Redis would buffer up to client-query-buffer-limit, but its memory is
     * the machine's; ours is -Xmx): c is closed as at that limit, its buffer released, the server keeps serving.
     */
    private void queryBufOutOfMemory(Client c, long wanted) {
        server.log.warning("Closing client whose query buffer the JVM heap cannot hold: id=" + c.id + " addr="
            + c.addr + " qbuf=" + (c.qlen - c.qpos) + " wanted=" + wanted + " (raise -Xmx or lower "
            + "client-query-buffer-limit / proto-max-bulk-len)");
        c.qbuf = Client.NO_QUERY;
        c.qwrap = ByteBuffer.wrap(c.qbuf);
        c.qlen = 0;
        c.qpos = 0;
        c.qbufReserved = 0;
        c.qbufBigArgSkip = 0;
        free(c);
    }

    /** Runs the command whose arguments c holds, then what follows it (a master's stream, the output limits). */
    private void runCommand(Client c) {
        if (c.replRole == Client.ROLE_REPLICA) {
            runReplicaCommand(c);
            return;
        }
        server.processCommand(c);
        c.replyBufUsed();
        if (c.replRole == Client.ROLE_MASTER) {
            if (c.postponed != null) {
                server.keyspace.obey = false; // held by a pause: its offset moves when it runs
            } else {
                server.replication.masterCommandDone(c);
            }
        }
        c.argc = 0;
        checkOutputLimits(c);
    }

    /**
     * A command that came on a replication link (after SYNC/PSYNC): REPLCONF ACK answers nothing; any command
     * that adds a reply disconnects the replica (Redis checks where a reply is added; every reply of ours goes
     * through c's reply buffer, so its length before and after the command tells).
     */
    private void runReplicaCommand(Client c) {
        io.cinnabar.resp.ReplyEncoder enc = c.enc;
        int before = enc.length();
        server.processCommand(c);
        if (c.enc != enc || enc.length() != before) {
            server.replicaGeneratedReply(c);
        }
        c.replyBufUsed();
        c.argc = 0;
        if (!c.closed) {
            checkOutputLimits(c);
        }
    }

    /**
     * Has the client's database read ahead the keys of the next pipelined commands ({@link PipelineKeys}, at least
     * two): on 5 M keys, where a lookup's bucket and entry are rarely in the CPU's caches, the lookups of a
     * 16-command batch then find them there. Returns where the commands scanned end (the buffer's end when none is
     * complete: no new scan before more bytes arrive).
     */
    private int readAhead(Client c) {
        PipelineKeys k = pipelineKeys;
        int end = k.scan(c.qbuf, c.qpos, c.qlen);
        if (k.count >= 2 && c.db != null) {
            c.db.readAhead(c.qbuf, k.off, k.len, 0, 1, k.count);
        }
        return end > c.qpos ? end : c.qlen;
    }

    /** Decodes and runs every complete command in the query buffer. */
    @Override
    public void processInput(Client c) {
        if (c.closed || c.closeAfterReply || c.postponed != null) {
            return;
        }
        RequestDecoder d = c.decoder;
        d.limits(limits);
        d.authRequired(!c.authenticated);
        int readAhead = c.qpos; // the commands before this position had their keys read ahead
        while (c.qpos < c.qlen && !c.closeAfterReply && !c.closed && c.blocked == null && c.postponed == null) {
            if (server.busyReply != null && c.replRole == Client.ROLE_MASTER) {
                break; // a busy script: the master's stream waits in the query buffer (never -BUSY), run after it
            }
            if (c.qpos >= readAhead) {
                readAhead = readAhead(c);
            }
            int r = d.decode(c.qbuf, c.qpos, c.qlen);
            if (r == RequestDecoder.COMMAND) {
                c.qbufReserved = 0;
                c.qbufBigArgSkip = 0;
                c.argBuf = d.buffer();
                int argc = d.argc();
                if (c.argOff.length < argc) {
                    c.argOff = new int[Math.max(argc, c.argOff.length * 2)];
                    c.argLen = new int[c.argOff.length];
                }
                for (int i = 0; i < argc; i++) {
                    c.argOff[i] = d.argOffset(i);
                    c.argLen[i] = d.argLength(i);
                }
                c.argc = argc;
                int consumed = d.consumed();
                if (c.replRole == Client.ROLE_MASTER) {
                    server.replication.masterBytes(c, c.qbuf, c.qpos, consumed); // the stream, for offsets and chaining
                    server.keyspace.obey = true; // keys whose time passed exist for the master's commands
                }
                c.qpos += consumed;
                runCommand(c);
                d.authRequired(!c.authenticated);
            } else if (r == RequestDecoder.ERROR) {
                String err = d.error();
                server.log.verbose("Protocol error (" + err + ") from client: id=" + c.id + " addr=" + c.addr);
                server.stats.errorReply("ERR " + err);
                if (c.replRole == Client.ROLE_REPLICA) {
                    // Redis's addReplyError on a replica: logged ("Replica generated a reply", "== CRITICAL =="),
                    // never sent; the link closes
                    server.unexpectedErrorReply(c, "ERR " + err);
                } else {
                    c.enc.addError(err);
                }
                c.closeAfterReply = true;
                c.qpos = c.qlen;
                break;
            } else {
                if (c.replRole == Client.ROLE_MASTER && d.consumed() > 0) {
                    server.replication.masterBytes(c, c.qbuf, c.qpos, d.consumed());
                }
                c.qpos += d.consumed();
                long need = d.requiredBytes();
                // Redis sizes its buffer for a big argument once its header is read: counted, not allocated
                long bulk = d.pendingBulkLength();
                if (bulk >= Client.BIG_ARG) {
                    // sdsMakeRoomForNonGreedy(bulk + 2) of a buffer holding just this argument: jemalloc's size class
                    long n = bulk + 2;
                    c.qbufReserved = RedisSizes.sdsSize(n);
                    c.qbufBigArgAlloc = c.qbufReserved - RedisSizes.sdsHeader(n) - 1;
                    c.qbufBigArgSkip = (int) (need - n);
                } else {
                    c.qbufReserved = 0;
                    c.qbufBigArgSkip = 0;
                }
                if (need > 0 && need > c.qbuf.length - c.qpos) {
                    if (need > server.queryBufLimit) {
                        queryBufOverflow(c);
                        return;
                    }
                    // Grow with the bytes that actually arrived (at most twice what this command has sent so
                    // far), never to a declared bulk length the client has not backed with data: a 15-byte
                    // "$536870912" header must not cost 512 MB. read() doubles the buffer again when it fills.
                    long live = c.qlen - c.qpos;
                    long cap = Math.min(need, Math.max(c.qbuf.length, 2 * live + Client.INITIAL_BUFFER));
                    if (!growQuery(c, (int) Math.min(Integer.MAX_VALUE - 16, cap))) {
                        return;
                    }
                }
                break;
            }
        }
        if (c.qpos == c.qlen) {
            c.qpos = 0; // a buffer grown for a large argument is trimmed by the cron (resizeQueryBuffer)
            c.qlen = 0;
        } else if (c.qpos > 0 && c.qbuf.length - c.qlen < 4096 && !growQuery(c, c.qbuf.length)) {
            return;
        }
        if (c.qlen - c.qpos > server.queryBufLimit) {
            queryBufOverflow(c);
            return;
        }
        server.maxInputBufferSeen = Math.max(server.maxInputBufferSeen, c.qbuf.length);
        if (c.pendingBytes() > 0) {
            wantWrite(c);
        }
        if (c.closeAfterReply && c.pendingBytes() == 0) {
            if (listenersClosing) {
                closeAsync(c); // after the listeners' sockets closed: SHUTDOWN's caller then finds the port closed
            } else {
                free(c);
            }
        }
    }

    /**
     * Runs the commands a pause held, in the order they were held, then what each client sent meanwhile; a client
     * the pause in effect still holds (a WRITE pause replacing an ALL one) is held again.
     */
    @Override
    public void resumePaused() {
        int n = server.paused.size();
        for (int i = 0; i < n && !server.paused.isEmpty(); i++) {
            Client c = server.paused.poll();
            Client.Postponed p = c.postponed;
            if (c.closed || p == null) {
                continue;
            }
            c.postponed = null;
            p.restore(c);
            if (c.replRole == Client.ROLE_MASTER) {
                server.keyspace.obey = true;
            }
            runCommand(c);
            if (c.postponed == null) {
                processInput(c);
                if (c.pendingBytes() > 0) {
                    wantWrite(c);
                }
            }
        }
    }

    private void queryBufOverflow(Client c) {
        server.log.warning("Closing client that reached max query buffer length: id=" + c.id + " addr=" + c.addr
            + " qbuf=" + (c.qlen - c.qpos) + " (qbuf initial bytes: "
            + SdsArgs.repr(new String(c.qbuf, c.qpos, Math.min(64, c.qlen - c.qpos), StandardCharsets.ISO_8859_1)) + ")");
        free(c);
    }

    /** Closes c asynchronously when its pending output is over the limits of its class (a replica's stream). */
    @Override
    public void checkLimits(Client c) {
        checkOutputLimits(c);
    }

    @Override
    public void pushed(Client c) {
        if (c.closed) {
            return;
        }
        if (c.replRole == Client.ROLE_REPLICA) {
            // a Pub/Sub message or an invalidation reached a replica (subscribed or tracking before its SYNC):
            // Redis's _addReplyToBufferOrList logs and disconnects it; the push is never written
            server.replicaGeneratedReply(c);
            return;
        }
        wantWrite(c);
        checkOutputLimits(c);
    }

    /**
     * Closes c asynchronously once its pending output is over the hard limit of its class (pubsub for a client
     * subscribed to something, normal otherwise), or over the soft limit for the soft seconds.
     */
    private void checkOutputLimits(Client c) {
        long pending = c.outputMemory();
        if (pending > server.maxOutputBufferSeen) {
            server.maxOutputBufferSeen = pending;
        }
        boolean replica = c.replRole == Client.ROLE_REPLICA;
        long hardLimit = replica ? server.replicaHardLimit() : c.pubsub ? server.outPubsubHard : server.outHard;
        long softLimit = replica ? server.outReplicaSoft : c.pubsub ? server.outPubsubSoft : server.outSoft;
        long softSecs = replica ? server.outReplicaSoftSecs : c.pubsub ? server.outPubsubSoftSecs : server.outSoftSecs;
        if (c.replRole == Client.ROLE_MASTER) {
            return; // the master link is never closed for its output (it has none)
        }
        if (hardLimit == 0 && softLimit == 0 || c.closed) {
            return;
        }
        if (c.shared == null && !c.hasReplyBlocks()) {
            return; // Redis's closeClientOnOutputBufferLimitReached: no reply list, no check (the soft timer stays)
        }
        boolean hard = hardLimit > 0 && pending >= hardLimit;
        boolean soft = false;
        if (softLimit > 0 && pending >= softLimit) {
            long now = System.currentTimeMillis() / 1000; // Redis's server.unixtime: whole seconds
            if (c.softLimitReachedAt == 0) {
                c.softLimitReachedAt = now;
            } else if (now - c.softLimitReachedAt > softSecs) {
                soft = true;
            }
        } else {
            c.softLimitReachedAt = 0;
        }
        if (hard || soft) {
            server.log.warning("Client id=" + c.id + " addr=" + c.addr + " scheduled to be closed ASAP for "
                + "overcoming of output buffer limits.");
            c.closed = true; // not evicted_clients: that counts maxmemory-clients evictions only
            toClose.add(c);
        }
    }

    // ---- write

    @Override
    public void wantWrite(Client c) {
        if (!c.pendingWrite && !c.closed) {
            c.pendingWrite = true;
            pendingWrites.add(c);
        }
    }

    private void flushPending() {
        for (int i = 0; i < pendingWrites.size(); i++) {
            Client c = pendingWrites.get(i);
            c.pendingWrite = false;
            if (!c.closed) {
                write(c);
            }
        }
        pendingWrites.clear();
        flushLinks();
        closePending();
    }

    private void write(Client c) {
        io.cinnabar.resp.ReplyEncoder enc = c.enc;
        try {
            while (enc.flushable() > 0) {
                if (c.owrap.array() != enc.array()) {
                    c.owrap = ByteBuffer.wrap(enc.array());
                }
                int from = enc.readIndex();
                c.owrap.limit(from + enc.flushable()).position(from);
                int n = c.ch.write(c.owrap);
                if (n <= 0) {
                    break;
                }
                c.consumeReplies(n);
                server.stats.netOutputBytes += n;
                c.outBytesTotal += n;
            }
            if (c.shared != null && enc.flushable() == 0 && c.shared.pending() > 0) {
                long n = c.shared.write(c.ch); // a replica's stream, straight from the shared replication buffer
                server.stats.netOutputBytes += n;
                server.stats.netReplOutputBytes += n; // Redis counts what replicas get in both
                c.outBytesTotal += n;
            }
            server.stats.writesProcessed++;
        } catch (IOException e) {
            server.log.verbose("Error writing to client: " + e.getMessage());
            free(c);
            return;
        }
        if (server.memory != null) {
            server.memory.clientChanged(c); // Redis's writeToClient: the output buffer shrank
        }
        if (c.shared != null && !enc.hasPending() && c.shared.streaming() && enc.array().length > c.replyBufSize) {
            // a replica's RDB went through its reply buffer; Redis sends it beside the client, whose own buffer
            // stays small: once streaming, the buffer grown for the transfer goes
            c.newReplyBuffer(c.replyBufSize);
        }
        if (!enc.hasPending() && (c.shared == null || c.shared.pending() == 0)) {
            if (enc.array().length > 1024 * 1024) {
                c.newReplyBuffer(c.replyBufSize);
            }
            if (c.closeAfterReply) {
                free(c);
                return;
            }
            if (c.key.isValid() && (c.key.interestOps() & SelectionKey.OP_WRITE) != 0) {
                c.key.interestOps(SelectionKey.OP_READ);
            }
        } else if (c.key.isValid()) {
            c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
    }

    // ---- close

    @Override
    public void closeNow(Client c) {
        free(c);
    }

    @Override
    public void closeAsync(Client c) {
        if (!c.closed) {
            c.closed = true;
            c.closeRequestedMs = System.currentTimeMillis();
            toClose.add(c);
        }
    }

    private void closePending() {
        for (Client c : toClose) {
            freeNow(c);
        }
        toClose.clear();
    }

    void free(Client c) {
        c.closed = true;
        freeNow(c);
    }

    private void freeNow(Client c) {
        if (server.clients.remove(c.id) == null) {
            return;
        }
        c.closed = true;
        server.monitors.remove(c);
        server.paused.remove(c);
        server.blocking.clientFreed(c);
        server.transactions.clientFreed(c);
        server.pubsub.clientFreed(c);
        if (server.replication != null) {
            server.replication.clientFreed(c);
        }
        if (server.memory != null) {
            server.memory.clientFreed(c);
        }
        if (c.key != null) {
            c.key.cancel();
        }
        try {
            c.ch.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** Part of the cron: idle timeouts and output-buffer soft limits over time. */
    @Override
    public void clientsCron(long now) {
        // Redis visits numclients/hz clients per cron call, at least 5: each client about once a second, every
        // client at each call when there are at most 5
        boolean resize = server.clients.size() <= 5 || now - lastResizeMs >= 1000;
        if (resize) {
            lastResizeMs = now;
            for (Client c : server.clients.values()) {
                resizeQueryBuffer(c, now);
                resizeReplyBuffer(c, now);
            }
        }
        if (server.timeoutSec <= 0 && server.outSoft == 0 && server.outPubsubSoft == 0 && server.outReplicaSoft == 0) {
            return;
        }
        List<Client> idle = new ArrayList<>();
        for (Client c : server.clients.values()) {
            if (server.timeoutSec > 0 && !c.monitor && c.blocked == null && !c.pubsub && c.replRole == Client.ROLE_NORMAL
                    && (now - c.lastInteraction) / 1000 > server.timeoutSec) {
                idle.add(c);
            } else if (c.outputMemory() > 0) {
                checkOutputLimits(c);
            }
        }
        for (Client c : idle) {
            server.log.verbose("Closing idle client id=" + c.id + " addr=" + c.addr);
            free(c);
        }
        closePending();
    }

    // ---- peer links (Outbound)

    /** An extra listener's accept hook (the cluster bus). */
    private record ExtraListener(ServerSocketChannel ss, Function<Link, Link.Handler> accept) {
    }

    @Override
    public Link connect(String host, int port, Link.Handler handler) {
        SocketChannel ch;
        try {
            ch = SocketChannel.open();
        } catch (IOException e) {
            NetLink failed = new NetLink(this, null, handler, host + ":" + port);
            links.add(failed);
            failed.failure = e.getMessage() == null ? e.toString() : e.getMessage();
            linkFailures.add(failed);
            return failed;
        }
        NetLink link = new NetLink(this, ch, handler, host + ":" + port);
        links.add(link);
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(host), port);
            String source = server.config.get("bind-source-addr");
            if (!source.isEmpty()) {
                ch.bind(new InetSocketAddress(InetAddress.getByName(source), 0)); // Redis's connConnect src_addr
            }
            link.remote = format(target);
            if (ch.connect(target)) {
                connectedLink(link);
                link.key = ch.register(selector, 0, link);
                updateInterest(link);
                tasks.add(() -> {
                    if (link.open) {
                        link.handler.connected(link);
                    }
                });
            } else {
                link.key = ch.register(selector, SelectionKey.OP_CONNECT, link);
            }
        } catch (IOException | RuntimeException e) {
            link.failure = e.getMessage() == null ? e.toString() : e.getMessage();
            linkFailures.add(link);
        }
        return link;
    }

    private void connectedLink(NetLink link) throws IOException {
        link.connected = true;
        link.local = format((InetSocketAddress) link.ch.getLocalAddress());
        link.remote = format((InetSocketAddress) link.ch.getRemoteAddress());
    }

    @Override
    public AutoCloseable listen(String bindHost, int port, Function<Link, Link.Handler> accept) throws IOException {
        ServerSocketChannel ss = ServerSocketChannel.open();
        try {
            ss.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            InetSocketAddress sa = bindHost == null || bindHost.equals("*") ? new InetSocketAddress(port)
                : new InetSocketAddress(InetAddress.getByName(bindHost), port);
            ss.bind(sa, (int) server.config.getLong("tcp-backlog"));
            ss.configureBlocking(false);
            SelectionKey key = ss.register(selector, SelectionKey.OP_ACCEPT, new ExtraListener(ss, accept));
            return () -> {
                key.cancel();
                ss.close();
            };
        } catch (IOException e) {
            ss.close();
            throw e;
        }
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    private void runTasks() {
        for (int i = 0; i < linkFailures.size(); i++) {
            NetLink l = linkFailures.get(i);
            closeLink(l, l.failure);
        }
        linkFailures.clear();
        Runnable r;
        int budget = 1024; // tasks queued by tasks wait for the next turn
        while (budget-- > 0 && (r = tasks.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                server.log.warning("Event loop task failed: " + e);
            }
        }
    }

    private void acceptLinks(ExtraListener el) {
        while (true) {
            SocketChannel ch;
            try {
                ch = el.ss().accept();
                if (ch == null) {
                    return;
                }
            } catch (IOException e) {
                server.log.verbose("Accepting peer connection: " + e.getMessage());
                return;
            }
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                NetLink link = new NetLink(this, ch, null, format((InetSocketAddress) ch.getRemoteAddress()));
                connectedLink(link);
                link.key = ch.register(selector, SelectionKey.OP_READ, link);
                links.add(link);
                link.handler = el.accept().apply(link);
                if (link.handler == null) {
                    closeLink(link, null);
                }
            } catch (IOException | RuntimeException e) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
        }
    }

    private void handleLink(NetLink link, SelectionKey k) {
        if (!link.open) {
            return;
        }
        if (k.isConnectable()) {
            try {
                if (!link.ch.finishConnect()) {
                    return;
                }
                connectedLink(link);
            } catch (IOException e) {
                closeLink(link, e.getMessage() == null ? e.toString() : e.getMessage());
                return;
            }
            updateInterest(link);
            link.handler.connected(link);
            return;
        }
        if (k.isValid() && k.isWritable()) {
            if (!link.flush()) {
                closeLink(link, link.failure);
                return;
            }
            updateInterest(link);
        }
        if (link.open && k.isValid() && k.isReadable()) {
            readLink(link);
        }
    }

    private void readLink(NetLink link) {
        ByteBuffer in = link.in;
        if (!in.hasRemaining()) {
            if (in.capacity() >= NetLink.MAX_INPUT) {
                closeLink(link, "peer input buffer over " + NetLink.MAX_INPUT + " bytes not consumed");
                return;
            }
            ByteBuffer n = ByteBuffer.allocate(Math.min(NetLink.MAX_INPUT, in.capacity() * 2));
            in.flip();
            n.put(in);
            link.in = in = n;
        }
        int n;
        try {
            n = link.ch.read(in);
        } catch (IOException e) {
            closeLink(link, e.getMessage() == null ? e.toString() : e.getMessage());
            return;
        }
        if (n < 0) {
            closeLink(link, "connection lost");
            return;
        }
        server.stats.netInputBytes += n;
        deliver(link);
    }

    private void deliver(NetLink link) {
        ByteBuffer in = link.in;
        in.flip();
        link.delivering = true;
        try {
            link.handler.received(link, in);
        } finally {
            link.delivering = false;
            if (link.in == in) { // not adopted meanwhile
                in.compact();
            }
        }
    }

    void linkWantsWrite(NetLink link) {
        if (!link.queued) {
            link.queued = true;
            linkWrites.add(link);
        }
    }

    private void flushLinks() {
        for (int i = 0; i < linkWrites.size(); i++) {
            NetLink l = linkWrites.get(i);
            l.queued = false;
            if (!l.open || !l.connected) {
                continue;
            }
            long before = l.pendingBytes();
            if (!l.flush()) {
                closeLink(l, l.failure);
                continue;
            }
            server.stats.netOutputBytes += before - l.pendingBytes();
            updateInterest(l);
        }
        linkWrites.clear();
    }

    void updateInterest(NetLink link) {
        if (!link.open || link.key == null || !link.key.isValid()) {
            return;
        }
        int ops = !link.connected ? SelectionKey.OP_CONNECT
            : (link.readingOn ? SelectionKey.OP_READ : 0) | (link.pendingBytes() > 0 ? SelectionKey.OP_WRITE : 0);
        link.key.interestOps(ops);
    }

    /** Closes link; reason non-null tells the handler (a failure), null is a local close (no callback). */
    void closeLink(NetLink link, String reason) {
        if (!link.open) {
            return;
        }
        link.open = false;
        links.remove(link);
        if (link.key != null) {
            link.key.cancel();
        }
        if (link.ch != null) {
            try {
                link.ch.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        if (reason != null && link.handler != null) {
            link.handler.closed(link, reason);
        }
    }

    @Override
    public Client adopt(Link l) {
        NetLink link = (NetLink) l;
        if (!link.open || !link.connected) {
            throw new IllegalStateException("only a connected link can become a client");
        }
        Client c = new Client(server, server.nextClientId++, link.ch, link.remote, link.local, false);
        c.db = server.dbs[0];
        c.authenticated = true;
        ByteBuffer in = link.in;
        if (!link.delivering) { // outside received(): the buffer is in write mode
            in.flip();
        }
        int left = in.remaining();
        if (left > c.qbuf.length) {
            c.qbuf = new byte[left];
            c.qwrap = ByteBuffer.wrap(c.qbuf);
        }
        in.get(c.qbuf, 0, left);
        c.qlen = left;
        if (link.pendingBytes() > 0) {
            c.enc.addRaw(link.out, link.outPos, link.outLen - link.outPos);
        }
        link.open = false;
        link.in = ByteBuffer.allocate(0);
        links.remove(link);
        c.key = link.key;
        c.key.attach(c);
        c.key.interestOps(SelectionKey.OP_READ);
        server.clients.put(c.id, c);
        if (server.memory != null) {
            server.memory.clientChanged(c);
        }
        tasks.add(() -> {
            if (!c.closed) {
                processInput(c);
                if (c.pendingBytes() > 0) {
                    wantWrite(c);
                }
            }
        });
        return c;
    }

    private long lastResizeMs;

    /**
     * Redis's clientsCronResizeQueryBuffer: a query buffer wasting more than 4 KB is freed down to its unread bytes
     * when the client was idle for over 2 seconds (0 bytes for an idle client), or trimmed to its peak use (at least
     * the unread bytes) when larger than 32 KB and more than twice that peak; the peak then restarts from the unread
     * bytes.
     */
    private void resizeQueryBuffer(Client c, long now) {
        if (c.ch == null || c.postponed != null) {
            return;
        }
        int size = c.qbuf.length;
        int used = c.qlen - c.qpos;
        if (size - used > 4 * 1024) {
            int newCap = -1;
            if ((now - c.lastInteraction) / 1000 > 2) {
                newCap = used;
            } else if (size > 32 * 1024 && size / 2 > c.qbufPeak) {
                newCap = Math.max(used, c.qbufPeak);
            }
            if (newCap >= 0 && newCap < size) {
                byte[] n = newCap == 0 ? Client.NO_QUERY : new byte[newCap];
                System.arraycopy(c.qbuf, c.qpos, n, 0, used);
                c.qbuf = n;
                c.qwrap = ByteBuffer.wrap(n);
                c.qlen = used;
                c.qpos = 0;
            }
        }
        c.qbufPeak = used;
    }

    /**
     * Redis's clientsCronResizeOutputBuffer: halves-or-less the reply buffer of a client whose peak stayed under
     * half of it (not below 1 KB, peak + 1), doubles (up to 16 KB) one that filled it, and resets the peak every
     * {@code replyBufferPeakResetTime} ms (DEBUG REPLYBUFFER). The encoder's array follows while it holds nothing to
     * send.
     */
    private void resizeReplyBuffer(Client c, long now) {
        if (!server.replyBufferResizing || c.ch == null) {
            return;
        }
        int size = c.replyBufSize;
        int newSize = 0;
        if (size / 2 >= Client.REPLY_MIN_BYTES && c.replyBufPeak < size / 2) {
            newSize = Math.max(Client.REPLY_MIN_BYTES, c.replyBufPeak + 1);
            server.stats.replyBufferShrinks++;
        } else if (size * 2 < Client.REPLY_CHUNK_BYTES * 2 && c.replyBufPeak == size) {
            newSize = Math.min(Client.REPLY_CHUNK_BYTES, size * 2);
            server.stats.replyBufferExpands++;
        }
        if (server.replyBufferPeakResetTime >= 0 && now - c.replyBufPeakResetMs >= server.replyBufferPeakResetTime) {
            c.replyBufPeak = Math.min(c.enc.length(), newSize != 0 ? newSize : size);
            c.replyBufPeakResetMs = now;
        }
        if (newSize != 0) {
            c.replyBufSize = newSize;
            int len = c.enc.array().length;
            // a shrink replaces only an array that is the static buffer (not one grown for large replies, which
            // the 1 MB rule of write() handles), an expansion only a smaller one
            boolean replace = newSize < size ? len <= size && len > newSize : len < newSize;
            if (replace && !c.enc.hasPending()) {
                c.newReplyBuffer(newSize);
            }
        }
    }

    @Override
    public void stopListening() {
        for (ServerSocketChannel ss : listeners) {
            try {
                ss.close();
            } catch (IOException e) {
                server.log.verbose("Closing a listener: " + e.getMessage());
            }
        }
        listenersClosing = true;
    }

    /** Set by stopListening: a registered channel's socket closes at the next selection, run it before replies. */
    private boolean listenersClosing;

    private void releaseClosedListeners() throws IOException {
        if (listenersClosing) {
            listenersClosing = false;
            selector.selectNow(k -> { }); // deregisters the closed listeners: their sockets close now
        }
    }

    /** Closes the listeners of a loop that never started (startup failed). */
    public void close() {
        closeAll();
    }

    private void closeAll() {
        for (NetLink l : new ArrayList<>(links)) {
            closeLink(l, null);
        }
        for (Client c : new ArrayList<>(server.clients.values())) {
            freeNow(c);
        }
        for (ServerSocketChannel ss : listeners) {
            try {
                ss.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        if (unixPath != null) {
            try {
                Files.deleteIfExists(unixPath);
            } catch (IOException e) {
                // best effort
            }
        }
        for (SelectionKey k : new ArrayList<>(selector.keys())) {
            if (k.attachment() instanceof ExtraListener el) { // extra listeners (the cluster bus) close too
                try {
                    el.ss().close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
