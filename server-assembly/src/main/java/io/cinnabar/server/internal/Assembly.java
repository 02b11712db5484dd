package io.cinnabar.server.internal;

import io.cinnabar.server.internal.propagate.Propagator;
import io.cinnabar.server.internal.admin.Commands;
import io.cinnabar.server.internal.admin.LatencyReport;
import io.cinnabar.server.internal.admin.ServerCommands;
import io.cinnabar.server.internal.blocking.BlockingKeys;
import io.cinnabar.server.internal.command.CommandDocs;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ServerLog;
import io.cinnabar.server.internal.generic.KeyCommands;
import io.cinnabar.server.internal.generic.SortCommand;
import io.cinnabar.server.internal.multi.Transactions;
import io.cinnabar.server.internal.net.EventLoop;
import io.cinnabar.server.internal.persist.DumpCommands;
import io.cinnabar.server.internal.persist.aof.AofCommands;
import io.cinnabar.server.internal.persist.aof.AppendOnlyFile;
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

    private Assembly(Server server, EventLoop loop, Propagator propagator) {
        this.server = server;
        this.loop = loop;
        this.propagator = propagator;
    }

    /** Assembles a server from a loaded configuration; it listens once {@code loop().listen(...)} is called. */
    public static Assembly create(Config config, ServerLog log) throws IOException {
        Server server = Server.create(config, log);
        BlockingKeys blocking = new BlockingKeys(server, server.dbs.length);
        server.blocking = blocking;
        server.keyspace.addListener(blocking);
        Propagator propagator = new Propagator();
        server.propagation = propagator;
        server.keyspace.addListener(propagator);
        Transactions transactions = new Transactions(server);
        server.transactions = transactions;
        server.keyspace.addListener(transactions);
        registerAll(server.commands, blocking, transactions);
        AppendOnlyFile aof = new AppendOnlyFile(server, propagator);
        server.durability = aof;
        AofCommands.register(server.commands, aof);
        EventLoop loop = new EventLoop(server);
        return new Assembly(server, loop, propagator);
    }

    /**
     * The one list of command families. A family registers the handlers of its commands in the table (whose
     * names, arity, flags and docs come from Redis 7.2's COMMAND output); a command without a handler answers as
     * an unknown command.
     */
    static void registerAll(CommandTable t, BlockingKeys blocking, Transactions transactions) {
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
        t.impl("command|docs", CommandDocs::docs);
        LatencyReport.register(t);
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

    /** The event loop. */
    public EventLoop loop() {
        return loop;
    }
}
