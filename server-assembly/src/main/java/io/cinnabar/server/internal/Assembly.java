package io.cinnabar.server.internal;

import io.cinnabar.server.internal.propagate.Propagator;
import io.cinnabar.server.internal.acl.Acl;
import io.cinnabar.server.internal.acl.AclCommands;
import io.cinnabar.server.internal.admin.Commands;
import io.cinnabar.server.internal.admin.LatencyReport;
import io.cinnabar.server.internal.admin.MemoryCommands;
import io.cinnabar.server.internal.admin.ModuleCommands;
import io.cinnabar.server.internal.admin.ServerCommands;
import io.cinnabar.server.internal.blocking.BlockingKeys;
import io.cinnabar.server.internal.cluster.Cluster;
import io.cinnabar.server.internal.cluster.ClusterCommands;
import io.cinnabar.server.internal.cluster.Migrate;
import io.cinnabar.server.internal.command.CommandDocs;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ServerLog;
import io.cinnabar.server.internal.evict.LazyFree;
import io.cinnabar.server.internal.evict.MemoryLimits;
import io.cinnabar.server.internal.generic.KeyCommands;
import io.cinnabar.server.internal.generic.SortCommand;
import io.cinnabar.server.internal.multi.Transactions;
import io.cinnabar.server.internal.net.EventLoop;
import io.cinnabar.server.internal.persist.DumpCommands;
import io.cinnabar.server.internal.persist.aof.AofCommands;
import io.cinnabar.server.internal.persist.aof.AppendOnlyFile;
import io.cinnabar.server.internal.persist.FunctionStore;
import io.cinnabar.server.internal.scripting.Functions;
import io.cinnabar.server.internal.sentinel.Sentinel;
import io.cinnabar.server.internal.sentinel.SentinelCommands;
import io.cinnabar.server.internal.sentinel.SentinelConfig;
import io.cinnabar.server.internal.admin.Info;
import io.cinnabar.server.internal.scripting.Scripting;
import io.cinnabar.server.internal.persist.rdb.RdbPersistence;
import io.cinnabar.server.internal.pubsub.PubSubService;
import io.cinnabar.server.internal.replication.Replication;
import io.cinnabar.server.internal.type.geo.GeoCommands;
import io.cinnabar.server.internal.type.hash.HashCommands;
import io.cinnabar.server.internal.type.hll.HllCommands;
import io.cinnabar.server.internal.type.list.BlockingCommands;
import io.cinnabar.server.internal.type.list.ListCommands;
import io.cinnabar.server.internal.type.set.SetCommands;
import io.cinnabar.server.internal.type.stream.StreamCommands;
import io.cinnabar.server.internal.type.string.BitCommands;
import io.cinnabar.server.internal.type.string.StringCommands;
import io.cinnabar.server.internal.type.zset.ZSetCommands;
import java.io.IOException;

/**
 * Builds a server from its parts and wires the seams between the layers: the command pipeline ({@link Server}),
 * the blocking code (registered as a keyspace listener on every database and as the pipeline's
 * {@code BlockedClients}), the event loop (the pipeline's {@code Connections}), and the one list of command
 * families ({@link #registerAll}). Nothing below this package knows the classes above it; this class is where
 * they meet.
 * <p><b>Note:</b> This class is not threadsafe: a server is assembled once, before its event loop starts.
 */
public final class Assembly {
    private final Server server;
    private final EventLoop loop;
    private final Propagator propagator;
    private final Scripting scripting;
    private final Sentinel sentinel;
    private final LazyFree lazyFree;

    private Assembly(Server server, EventLoop loop, Propagator propagator, Scripting scripting, Sentinel sentinel,
                     LazyFree lazyFree) {
        this.server = server;
        this.lazyFree = lazyFree;
        this.sentinel = sentinel;
        this.loop = loop;
        this.propagator = propagator;
        this.scripting = scripting;
    }

    /** Assembles a server from a loaded configuration; it listens once {@code loop().listen(...)} is called. */
    public static Assembly create(Config config, ServerLog log) throws IOException {
        Server server = Server.create(config, log);
        BlockingKeys blocking = new BlockingKeys(server, server.dbs.length);
        server.blocking = blocking;
        server.keyspace.paused = () -> server.pauseEndMs != 0;
        server.keyspace.addListener(blocking);
        Propagator propagator = new Propagator();
        server.propagation = propagator;
        server.keyspace.addListener(propagator);
        Transactions transactions = new Transactions(server);
        server.transactions = transactions;
        server.keyspace.addListener(transactions);
        Scripting scripting = new Scripting(server);
        server.scripting = scripting;
        RdbPersistence rdb = new RdbPersistence(server, functionStore(scripting));
        server.persistence = rdb;
        rdb.register(server.commands);
        PubSubService pubsub = new PubSubService(server);
        server.pubsub = pubsub;
        server.keyspace.addListener(pubsub.tracking());
        server.keyspace.events.setPublisher(pubsub::publish);
        registerAll(server.commands, blocking, transactions, scripting);
        pubsub.register(server.commands);
        Sentinel sentinel = null;
        if (config.sentinelMode) {
            server.commands.sentinelMode(SentinelCommands.SERVED);
            sentinel = new Sentinel(server);
            try {
                SentinelConfig.load(sentinel, config);
            } catch (io.cinnabar.server.internal.config.ConfigFile.FatalConfigError e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            new SentinelCommands(sentinel, sections -> Info.generate(server, sections)).register(server.commands);
        }
        Acl acl = new Acl(server);
        server.acl = acl;
        server.clientInfo = c -> Commands.clientInfo(c, c);
        AclCommands.register(server.commands, acl);
        acl.loadAtStartup();
        AppendOnlyFile aof = new AppendOnlyFile(server, propagator, rdb.functions());
        server.durability = aof;
        rdb.addSnapshotOwner(aof);
        AofCommands.register(server.commands, aof);
        Replication replication = new Replication(server, functionStore(scripting), propagator);
        server.replication = replication;
        replication.register(server.commands);
        replication.persistence(rdb);
        replication.appendOnly(aof);
        replication.configure();
        if (sentinel != null) { // the sentinel's ROLE, INFO, ... win over the data server's
            new SentinelCommands(sentinel, sections -> Info.generate(server, sections)).register(server.commands);
        }
        LazyFree lazyFree = new LazyFree();
        MemoryLimits memory = new MemoryLimits(server, lazyFree);
        server.memory = memory;
        memory.startupChecks();
        server.memStartup = MemoryLimits.STARTUP;
        EventLoop loop = new EventLoop(server);
        if (config.getBool("cluster-enabled")) {
            Cluster cluster = new Cluster(server);
            server.cluster = cluster;
            cluster.replication(replication);
            ClusterCommands.register(server.commands, cluster);
            Migrate migrate = ClusterCommands.registerMigrate(server.commands, server);
            cluster.migrate(migrate);
            server.migrateCachedSockets = migrate::cachedSockets;
        } else {
            ClusterCommands.registerDisabled(server.commands);
            Migrate migrate = ClusterCommands.registerMigrate(server.commands, server);
            server.migrateCachedSockets = migrate::cachedSockets;
            // without a cluster, MIGRATE's idle connections are closed from here (a sentinel replaces this: it has
            // no MIGRATE to serve)
            server.modeCron = () -> migrate.closeIdle(System.currentTimeMillis());
        }
        if (sentinel != null) {
            // a sentinel keeps no dataset: nothing is loaded, saved or appended
            server.persistence = null;
            server.durability = null;
            server.mode = "sentinel";
            server.log.setRole('X');
            Sentinel s = sentinel;
            server.modeCron = s::timer;
        }
        renameCommands(server.commands, config);
        return new Assembly(server, loop, propagator, scripting, sentinel, lazyFree);
    }

    /**
     * The config's {@code rename-command} lines, in order, once every family has registered its commands (Redis
     * applies them while reading the file, to a table that is complete by then).
     *
     * @throws IllegalArgumentException with Redis's fatal config error text
     */
    private static void renameCommands(CommandTable t, Config config) {
        for (Config.UserLine l : config.renameLines) {
            String err = t.rename(l.args().get(0), l.args().get(1));
            if (err != null) {
                throw new IllegalArgumentException(
                    io.cinnabar.server.internal.config.ConfigFile.fatal(l.line(), l.text(), err).getMessage());
            }
        }
    }

    /**
     * The one list of command families. A family registers the handlers of its commands in the table (whose
     * names, arity, flags and docs come from Redis 7.2's COMMAND output); a command without a handler answers as
     * an unknown command.
     */
    static void registerAll(CommandTable t, BlockingKeys blocking, Transactions transactions, Scripting scripting) {
        StringCommands.register(t);
        KeyCommands.register(t);
        ServerCommands.register(t);
        HashCommands.register(t);
        SetCommands.register(t);
        ZSetCommands.register(t);
        ListCommands.register(t);
        BitCommands.register(t);
        HllCommands.register(t);
        BlockingCommands.register(t, blocking);
        GeoCommands.register(t);
        StreamCommands.register(t, blocking);
        SortCommand.register(t);
        DumpCommands.register(t);
        transactions.register(t);
        scripting.register(t);
        t.impl("command|docs", CommandDocs::docs);
        LatencyReport.register(t);
        MemoryCommands.register(t);
        ModuleCommands.register(t);
        Commands.register(t);
    }

    /** The command pipeline and the server state. */
    public Server server() {
        return server;
    }

    /** The propagation point: AOF, replicas and other consumers register here. */
    public Propagator propagator() {
        return propagator;
    }

    /** EVAL, SCRIPT, FUNCTION and FCALL: the script cache and the function libraries (for persistence). */
    public Scripting scripting() {
        return scripting;
    }

    /**
     * The function libraries as persistence saves and loads them: scripting's {@link Functions} behind persist's
     * {@link FunctionStore} (a load that fails throws with Redis's error text).
     */
    public FunctionStore functionStore() {
        return functionStore(scripting);
    }

    private static FunctionStore functionStore(Scripting scripting) {
        Functions f = scripting.functions();
        return new FunctionStore() {
            @Override
            public java.util.List<byte[]> libraries() {
                return f.libraryCodes();
            }

            @Override
            public void load(byte[] code) {
                load(code, false);
            }

            @Override
            public void load(byte[] code, boolean replace) {
                String err = f.loadLibrary(code, replace);
                if (err != null) {
                    throw new IllegalArgumentException(err);
                }
            }

            @Override
            public void clear() {
                f.flushAll();
            }
        };
    }

    /** Sentinel mode's state, or null in standalone mode. */
    public Sentinel sentinel() {
        return sentinel;
    }

    /** The event loop. */
    public EventLoop loop() {
        return loop;
    }

    /**
     * Stops a started server and every thread it made (the event loop, which closes its connections and listeners,
     * and the lazy-free worker) and waits for the loop to end; for a server thrown away inside a process that goes
     * on (the JIT warm-up's private server). Persistence is not involved: such a server saves nothing.
     */
    public void discard() throws InterruptedException {
        loop.shutdown();
        loop.join();
        lazyFree.close();
    }

    /** {@link #discard()} for a server whose loop never started (its listen failed): closes the listeners too. */
    public void discardUnstarted() {
        loop.close();
        lazyFree.close();
    }
}
