package io.cinnabar.server.internal.admin;

import io.cinnabar.server.internal.persist.aof.AppendOnlyFile;

import io.cinnabar.sds.Numbers;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Command;
import io.cinnabar.server.internal.command.CommandTable;
import io.cinnabar.server.internal.command.KeySpecs;
import io.cinnabar.server.internal.command.LatencyMonitor;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.command.Shared;
import io.cinnabar.server.internal.command.SlowLog;
import io.cinnabar.server.internal.config.Config;
import io.cinnabar.server.internal.config.ConfigException;
import io.cinnabar.server.internal.config.ConfigRewrite;
import io.cinnabar.server.internal.config.Glob;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Introspection and administration: CONFIG, COMMAND, SLOWLOG, LATENCY, DEBUG, LASTSAVE (INFO is in {@link Info}).
 * <p><b>Note:</b> This class is not threadsafe (stateless; commands run on the event loop).
 */
public final class ServerCommands {
    private ServerCommands() {
    }

    public static void register(CommandTable t) {
        t.impl("info", Info::info);
        t.impl("config|get", ServerCommands::configGet);
        t.impl("config|set", ServerCommands::configSet);
        t.impl("config|resetstat", ServerCommands::configResetstat);
        t.impl("config|rewrite", ServerCommands::configRewrite);
        t.impl("config|help", c -> c.help("CONFIG", new String[] {
            "GET <pattern>",
            "    Return parameters matching the glob-like <pattern> and their values.",
            "SET <directive> <value>",
            "    Set the configuration <directive> to <value>.",
            "RESETSTAT",
            "    Reset statistics reported by the INFO command.",
            "REWRITE",
            "    Rewrite the configuration file."}));
        t.impl("command|count", c -> c.integer(c.server.commands.callable().size()));
        t.impl("command|info", ServerCommands::commandInfo);
        t.impl("command|list", ServerCommands::commandList);
        t.impl("command|getkeys", c -> getkeys(c, false));
        t.impl("command|getkeysandflags", c -> getkeys(c, true));
        t.impl("command|help", c -> c.help("COMMAND", new String[] {
            "(no subcommand)",
            "    Return details about all Redis commands.",
            "COUNT",
            "    Return the total number of commands in this Redis server.",
            "LIST",
            "    Return a list of all commands in this Redis server.",
            "INFO [<command-name> ...]",
            "    Return details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "DOCS [<command-name> ...]",
            "    Return documentation details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "GETKEYS <full-command>",
            "    Return the keys from a full Redis command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Return the keys and the access flags from a full Redis command."}));
        t.impl("command", ServerCommands::command);
        t.impl("slowlog|get", ServerCommands::slowlogGet);
        t.impl("slowlog|len", c -> c.integer(c.server.slowlog.size()));
        t.impl("slowlog|reset", c -> {
            c.server.slowlog.reset();
            c.ok();
        });
        t.impl("slowlog|help", c -> c.help("SLOWLOG", new String[] {
            "GET [<count>]",
            "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "    Entries are made of:",
            "    id, timestamp, time in microseconds, arguments array, client IP and port,",
            "    client name",
            "LEN",
            "    Return the length of the slowlog.",
            "RESET",
            "    Reset the slowlog."}));
        t.impl("latency|latest", ServerCommands::latencyLatest);
        t.impl("latency|history", ServerCommands::latencyHistory);
        t.impl("latency|reset", ServerCommands::latencyReset);
        t.impl("latency|histogram", ServerCommands::latencyHistogram);
        t.impl("latency|help", c -> c.help("LATENCY", new String[] {
            "DOCTOR",
            "    Return a human readable latency analysis report.",
            "GRAPH <event>",
            "    Return an ASCII latency graph for the <event> class.",
            "HISTORY <event>",
            "    Return time-latency samples for the <event> class.",
            "LATEST",
            "    Return the latest latency samples for all events.",
            "RESET [<event> ...]",
            "    Reset latency data of one or more <event> classes.",
            "    (default: reset all data for all event classes)",
            "HISTOGRAM [COMMAND ...]",
            "    Return a cumulative distribution of latencies in the format of a histogram for the specified "
                + "command names.",
            "    If no commands are specified then all histograms are replied."}));
        t.impl("lastsave", c -> c.integer(c.server.lastSave));
        t.impl("debug", Debug::debug);
    }

    // ---- CONFIG

    static void configGet(Client c) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 2; i < c.argc; i++) {
            c.server.config.getMatching(c.argString(i), out);
        }
        c.map(out.size());
        for (Map.Entry<String, String> e : out.entrySet()) {
            c.bulk(e.getKey());
            c.bulk(e.getValue());
        }
    }

    /** The options CONFIG SET refuses while the dataset loads (Redis's DENY_LOADING_CONFIG). */
    private static final java.util.Set<String> DENY_LOADING = java.util.Set.of("appendonly", "repl-diskless-load", "dir");

    static void configSet(Client c) {
        if (c.argc < 4) {
            c.error("ERR wrong number of arguments for 'config|set' command");
            return;
        }
        if (c.argc % 2 != 0) { // an odd count passes the arity check (-4): Redis answers a syntax error
            c.error("ERR syntax error");
            return;
        }
        Server s = c.server;
        Config cfg = s.config;
        if (s.loading.active || s.replication != null && s.replication.loadingState() != 0) {
            // Redis's DENY_LOADING_CONFIG, answered before any other CONFIG SET error while a load (async too) runs
            for (int i = 2; i < c.argc; i += 2) {
                Config.Def d = Config.lookup(c.argString(i));
                if (d != null && DENY_LOADING.contains(Config.primary(d).name)) {
                    c.error("LOADING Redis is loading the dataset in memory");
                    return;
                }
            }
        }
        List<Config.Def> defs = new ArrayList<>();
        List<String> vals = new ArrayList<>();
        for (int i = 2; i < c.argc; i += 2) {
            String name = c.argString(i);
            Config.Def d = Config.lookup(name);
            if (d == null) {
                c.error("ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'");
                return;
            }
            if (d.immutable) {
                c.error("ERR CONFIG SET failed (possibly related to argument '" + name + "') - can't set immutable config");
                return;
            }
            if (d.protectedConfig && !protectedAllowed(c)) {
                c.error("ERR CONFIG SET failed (possibly related to argument '" + name + "') - can't set protected config");
                return;
            }
            for (Config.Def o : defs) {
                if (o == d) { // as Redis: a name and its alias are two entries, the later one wins
                    c.error("ERR CONFIG SET failed (possibly related to argument '" + name + "') - duplicate parameter");
                    return;
                }
            }
            defs.add(d);
            vals.add(c.argString(i + 1));
        }
        Map<String, String> snap = cfg.snapshot();
        for (int k = 0; k < defs.size(); k++) {
            Config.Def d = defs.get(k);
            String v = vals.get(k);
            List<String> args = Config.configSetArgs(d, v);
            try {
                cfg.set(d, args, false);
            } catch (ConfigException e) {
                cfg.restore(snap);
                c.error("ERR CONFIG SET failed (possibly related to argument '" + d.name + "') - " + e.getMessage());
                return;
            }
        }
        for (Config.Def d : defs) {
            String p = Config.primary(d).name;
            try {
                apply(s, p, snap.get(p));
            } catch (ConfigException e) {
                cfg.restore(snap);
                boolean relisten = false;
                boolean oom = false;
                for (Config.Def r : defs) {
                    s.configChanged(r.name);
                    String n = Config.primary(r).name;
                    relisten |= n.equals("port") || n.equals("bind");
                    oom |= n.equals("oom-score-adj") || n.equals("oom-score-adj-values");
                }
                if (oom) {
                    s.oomScoreAdj.apply(s); // an apply that succeeded is undone too (Redis restores every backup)
                }
                if (relisten) { // as Redis's restore of the backup: listen again where the old values say
                    try {
                        s.loop.rebind("port", cfg.get("port"));
                    } catch (ConfigException again) {
                        s.log.warning("Failed to listen again after a CONFIG SET rollback: " + again.getMessage());
                    }
                }
                c.error("ERR CONFIG SET failed (possibly related to argument '" + d.name + "') - " + e.getMessage());
                return;
            }
        }
        c.ok();
    }

    private static boolean protectedAllowed(Client c) {
        String mode = c.server.config.get("enable-protected-configs");
        return mode.equals("yes") || mode.equals("local") && isLocal(c);
    }

    static boolean isLocal(Client c) {
        return c.unix || c.addr.startsWith("127.") || c.addr.startsWith("[::1]");
    }

    /**
     * Redis's adjustOpenFilesLimit as seen by updateMaxclients: maxclients + 32 reserved descriptors (computed as
     * a C unsigned int, so it wraps near 2^32) must fit the process's open-files limit. The JVM already raised its
     * soft limit to the hard one at startup (MaxFDLimit), so no more can be had: returns the maxclients that fits
     * (limit - 32) when the value does not, else -1 (also when /proc/self/limits cannot be read).
     */
    static long maxclientsTheOsAllows(long maxclients) {
        long maxfiles = (maxclients + 32) & 0xffffffffL;
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    if (soft.equals("unlimited")) {
                        return -1;
                    }
                    long limit = Long.parseLong(soft);
                    return maxfiles > limit ? limit - 32 : -1;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static void apply(Server s, String name, String old) throws ConfigException {
        if (name.equals("repl-backlog-size") && s.config.getLong(name) < 16384) {
            s.config.putRaw(name, "16384"); // Redis's updateReplBacklogSize: CONFIG_REPL_BACKLOG_MIN_SIZE
        }
        s.configChanged(name);
        switch (name) {
            case "proto-max-bulk-len" -> s.loop.updateLimits();
            case "maxclients" -> {
                long fit = maxclientsTheOsAllows(s.config.getLong("maxclients"));
                if (fit >= 0) {
                    throw new ConfigException("The operating system is not able to handle the specified number of "
                        + "clients, try with " + fit);
                }
            }
            case "appendonly" -> {
                String err = ((AppendOnlyFile) s.durability).setAppendonly(s.config.getBool("appendonly"));
                if (err != null) {
                    throw new ConfigException(err);
                }
            }
            case "appendfsync", "aof-timestamp-enabled" -> ((AppendOnlyFile) s.durability).configChanged();
            case "aof-disable-auto-gc" -> {
                if (!s.config.getBool(name)) { // Redis's updateAofAutoGCEnabled: the kept history goes now
                    ((AppendOnlyFile) s.durability).autoGcEnabled();
                }
            }
            case "oom-score-adj", "oom-score-adj-values" -> {
                if (!s.oomScoreAdj.apply(s)) {
                    throw new ConfigException("Failed to set current oom_score_adj. Check server logs.");
                }
            }
            case "port", "bind" -> {
                if (!s.config.get(name).equals(old)) {
                    s.loop.rebind(name, old);
                }
            }
            default -> {
            }
        }
    }

    static void configResetstat(Client c) {
        Server s = c.server;
        s.stats.reset();
        s.keyspace.resetStats();
        if (s.memory != null) {
            s.memory.resetStats();
        }
        if (s.replication != null) {
            s.replication.resetStats();
        }
        for (Command cmd : s.commands.known().values()) {
            resetCmd(cmd);
        }
        s.maxInputBufferSeen = 0;
        s.maxOutputBufferSeen = 0;
        c.ok();
    }

    private static void resetCmd(Command cmd) {
        cmd.calls = 0;
        cmd.usec = 0;
        cmd.rejectedCalls = 0;
        cmd.failedCalls = 0;
        cmd.latency.reset();
        for (Command s : cmd.subcommands.values()) {
            resetCmd(s);
        }
    }

    static void configRewrite(Client c) {
        if (c.server.config.configFile == null) {
            c.error("ERR The server is running without a config file");
            return;
        }
        try {
            ConfigRewrite.rewrite(c.server.config);
            c.server.log.notice("CONFIG REWRITE executed with success.");
            c.ok();
        } catch (java.io.IOException e) {
            c.server.log.warning("CONFIG REWRITE failed: " + e.getMessage());
            c.error("ERR Rewriting config file: " + e.getMessage());
        }
    }

    // ---- COMMAND

    static void command(Client c) {
        if (c.argc > 1) {
            c.error("ERR unknown subcommand '" + c.argString(1) + "'. Try COMMAND HELP.");
            return;
        }
        List<Command> all = c.server.commands.callable();
        c.array(all.size());
        for (Command cmd : all) {
            CommandTable.reply(c, cmd);
        }
    }

    static void commandInfo(Client c) {
        if (c.argc == 2) {
            command(c);
            return;
        }
        c.array(c.argc - 2);
        for (int i = 2; i < c.argc; i++) {
            Command cmd = lookupFull(c, c.argString(i));
            if (cmd == null) {
                c.nullBulk();
            } else {
                CommandTable.reply(c, cmd);
            }
        }
    }

    /** "get" or "config|get" to an implemented command, or null. */
    public static Command lookupFull(Client c, String name) {
        return c.server.commands.lookupFull(name);
    }

    static void commandList(Client c) {
        String filter = null;
        String value = null;
        if (c.argc == 5 && c.argIs(2, "filterby")) {
            filter = c.argString(3).toLowerCase(Locale.ROOT);
            value = c.argString(4);
            if (!List.of("module", "aclcat", "pattern").contains(filter)) {
                c.error(Shared.SYNTAX);
                return;
            }
        } else if (c.argc != 2) {
            c.error(Shared.SYNTAX);
            return;
        }
        List<String> names = new ArrayList<>();
        for (Command cmd : c.server.commands.callable()) {
            addNames(cmd, filter, value, names);
        }
        c.array(names.size());
        for (String n : names) {
            c.bulk(n);
        }
    }

    private static void addNames(Command cmd, String filter, String value, List<String> out) {
        boolean ok;
        if (filter == null) {
            ok = true;
        } else if (filter.equals("module")) {
            ok = false;
        } else if (filter.equals("aclcat")) {
            ok = cmd.acl.contains("@" + value.toLowerCase(Locale.ROOT));
        } else {
            ok = Glob.match(value.getBytes(StandardCharsets.ISO_8859_1),
                cmd.fullName.getBytes(StandardCharsets.ISO_8859_1), true);
        }
        if (ok && (cmd.handler != null || cmd.implemented())) {
            out.add(cmd.fullName);
        }
        for (Command s : cmd.subcommands.values()) {
            if (s.handler != null) {
                addNames(s, filter, value, out);
            }
        }
    }

    static void getkeys(Client c, boolean withFlags) {
        Command cmd = c.server.commands.lookup(c.argBuf, c.argOff[2], c.argLen[2]);
        int argc = c.argc - 2;
        if (cmd != null && !cmd.subcommands.isEmpty() && cmd.handler == null && argc >= 2) {
            cmd = cmd.sub(c.argBuf, c.argOff[3], c.argLen[3]);
        }
        if (cmd == null) {
            c.error("ERR Invalid command specified");
            return;
        }
        if (cmd.arity > 0 && cmd.arity != argc || argc < -cmd.arity) {
            c.error("ERR Invalid number of arguments specified for command");
            return;
        }
        List<int[]> keys = KeySpecs.keys(c, cmd, 2, argc);
        if (keys == null) {
            c.error("ERR Invalid arguments specified for command");
            return;
        }
        if (keys.isEmpty() && cmd.has(Command.NO_MANDATORY_KEYS)) {
            c.array(0);
            return;
        }
        if (keys.isEmpty()) {
            c.error(cmd.keySpecs.isEmpty() ? "ERR The command has no key arguments"
                : "ERR Invalid arguments specified for command");
            return;
        }
        c.array(keys.size());
        for (int[] k : keys) {
            if (withFlags) {
                c.array(2);
                c.bulk(c.argBuf, c.argOff[k[0]], c.argLen[k[0]]);
                List<?> flags = KeySpecs.flags(c, cmd, k[1], 2, argc);
                c.set(flags.size());
                for (Object f : flags) {
                    c.simple((String) f);
                }
            } else {
                c.bulk(c.argBuf, c.argOff[k[0]], c.argLen[k[0]]);
            }
        }
    }

    // ---- SLOWLOG

    static void slowlogGet(Client c) {
        long count = 10;
        if (c.argc == 3) {
            if (!Numbers.string2ll(c.argBuf, c.argOff[2], c.argLen[2], c.ctx.tmp) || c.ctx.tmp[0] < -1) {
                c.error("ERR count should be greater than or equal to -1");
                return;
            }
            count = c.ctx.tmp[0];
        } else if (c.argc > 3) {
            c.error("ERR wrong number of arguments for 'slowlog|get' command");
            return;
        }
        List<SlowLog.Item> items = c.server.slowlog.newest(count);
        c.array(items.size());
        for (SlowLog.Item it : items) {
            c.array(6);
            c.integer(it.id());
            c.integer(it.time());
            c.integer(it.usec());
            c.array(it.args().size());
            for (byte[] a : it.args()) {
                c.bulk(a);
            }
            c.bulk(it.addr());
            c.bulk(it.name());
        }
    }

    // ---- LATENCY

    static void latencyLatest(Client c) {
        Map<String, LatencyMonitor.Series> ev = c.server.latency.events;
        c.array(ev.size());
        for (Map.Entry<String, LatencyMonitor.Series> e : ev.entrySet()) {
            long[] last = e.getValue().samples.peekLast();
            c.array(4);
            c.bulk(e.getKey());
            c.integer(last[0]);
            c.integer(last[1]);
            c.integer(e.getValue().max);
        }
    }

    static void latencyHistory(Client c) {
        LatencyMonitor.Series s = c.server.latency.events.get(c.argString(2));
        if (s == null) {
            c.array(0);
            return;
        }
        c.array(s.samples.size());
        for (long[] v : s.samples) {
            c.array(2);
            c.integer(v[0]);
            c.integer(v[1]);
        }
    }

    static void latencyReset(Client c) {
        List<String> names = new ArrayList<>();
        for (int i = 2; i < c.argc; i++) {
            names.add(c.argString(i));
        }
        c.integer(c.server.latency.reset(names));
    }

    static void latencyHistogram(Client c) {
        List<Command> cmds = new ArrayList<>();
        if (c.argc == 2) {
            for (Command cmd : c.server.commands.callable()) {
                collect(cmd, cmds);
            }
        } else {
            for (int i = 2; i < c.argc; i++) {
                Command cmd = lookupFull(c, c.argString(i));
                if (cmd != null) {
                    collect(cmd, cmds); // a container command stands for its sub-commands too
                }
            }
        }
        c.map(cmds.size());
        for (Command cmd : cmds) {
            c.bulk(cmd.fullName);
            c.map(2);
            c.bulk("calls");
            c.integer(cmd.latency.total());
            c.bulk("histogram_usec");
            long[][] buckets = cmd.latency.powersOfTwo();
            c.map(buckets.length);
            for (long[] b : buckets) {
                c.integer(b[0]);
                c.integer(b[1]);
            }
        }
    }

    private static void collect(Command cmd, List<Command> out) {
        if (cmd.handler != null && cmd.latency.total() > 0) {
            out.add(cmd);
        }
        for (Command s : cmd.subcommands.values()) {
            collect(s, out);
        }
    }
}
