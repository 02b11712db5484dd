package io.cinnabar.server.internal.command;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command table. Metadata of every Redis 7.2 command comes from the resource
 * {@code redis-7.2-command-info.json} (Redis's own {@code COMMAND} reply) and its documentation from
 * {@code redis-7.2-command-docs.json} ({@link CommandDocs}); implementations are attached with
 * {@link #impl}. A command without an implementation is unknown to clients: it is not listed by {@code COMMAND},
 * and calling it gets Redis's unknown-command error.
 * <p>
 * Lookup by the bytes of argv[0] is case-insensitive and allocation-free: an open-addressing table of lower-case
 * names probed with a hash of the lower-cased bytes.
 * <p><b>Note:</b> This class is not threadsafe.
 */
public final class CommandTable {
    private final Map<String, Command> all = new LinkedHashMap<>();
    private Command[] slots = new Command[1024];
    /** The lower-case name each slot is found by: the command's own, or the one rename-command gave it. */
    private String[] slotNames = new String[1024];
    /** rename-command: a command's name for clients (lower case; "" = removed), when not its own. */
    private final Map<Command, String> renamed = new java.util.IdentityHashMap<>();
    private int aclIds;
    /** Sentinel mode: the only top-level commands that may be implemented; null otherwise. */
    private java.util.Set<String> only;

    @SuppressWarnings("unchecked")
    CommandTable() {
        for (Object o : (List<Object>) Json.parse(resource("redis-7.2-command-info.json"))) {
            Command c = new Command((List<Object>) o, null);
            all.put(c.name, c);
            c.aclId = aclIds++;
            for (Command s : c.subcommands.values()) {
                s.aclId = aclIds++;
            }
        }
        CommandDocs.attach(this, (Map<String, Object>) Json.parse(resource(CommandDocs.RESOURCE)));
    }

    /**
     * The lower-case names of Redis 7.2's top-level commands (its command table before any rename-command), a new
     * mutable set: what the config file's rename-command lines are checked against while the file is read
     * ({@code Config.commandNames}). Every one of them is implemented; {@link #rename} checks the lines again on the
     * table itself.
     */
    @SuppressWarnings("unchecked")
    public static java.util.Set<String> redisCommandNames() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Object o : (List<Object>) Json.parse(resource("redis-7.2-command-info.json"))) {
            names.add(((String) ((List<Object>) o).get(0)).toLowerCase(java.util.Locale.ROOT));
        }
        return names;
    }

    static String resource(String name) {
        try (InputStream in = CommandTable.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sentinel mode (Redis's populateCommandTable with sentinel_mode): Redis's {@code SENTINEL} command is added
     * (metadata from redis-sentinel's own COMMAND reply, resource {@code redis-7.2-sentinel-command-info.json}) and
     * every top-level command not in {@code keep} stops being implemented, so it is refused as an unknown command.
     * Called before the ACL code indexes the table.
     */
    @SuppressWarnings("unchecked")
    public void sentinelMode(java.util.Set<String> keep) {
        for (Object o : (List<Object>) Json.parse(resource("redis-7.2-sentinel-command-info.json"))) {
            Command c = new Command((List<Object>) o, null);
            all.put(c.name, c);
            c.aclId = aclIds++;
            for (Command s : c.subcommands.values()) {
                s.aclId = aclIds++;
            }
        }
        only = java.util.Set.copyOf(keep);
        slots = new Command[slots.length];
        slotNames = new String[slots.length];
        for (Command c : all.values()) {
            if (!keep.contains(c.name)) {
                c.handler = null;
                for (Command s : c.subcommands.values()) {
                    s.handler = null;
                }
            } else if (c.implemented()) {
                index(c);
            }
        }
    }

    /** Number of ACL ids given out: every command and subcommand of Redis 7.2 has one. */
    public int aclIds() {
        return aclIds;
    }

    /** A top-level command of Redis 7.2 by lower-case name, implemented or not, or null. */
    public Command declared(String name) {
        return all.get(name);
    }

    /** Attaches an implementation to "name" or "container|sub". */
    public void impl(String fullName, Command.Handler h) {
        int bar = fullName.indexOf('|');
        Command c = all.get(bar < 0 ? fullName : fullName.substring(0, bar));
        if (c == null) {
            throw new IllegalArgumentException("no such command in Redis 7.2: " + fullName);
        }
        if (only != null && !only.contains(c.name)) {
            return; // sentinel mode: a family registered later does not bring its commands back
        }
        if (bar >= 0) {
            c = c.subcommands.get(fullName.substring(bar + 1));
            if (c == null) {
                throw new IllegalArgumentException("no such subcommand in Redis 7.2: " + fullName);
            }
        }
        c.handler = h;
        if (bar < 0 || c.parent.handler == null) {
            index(bar < 0 ? c : c.parent);
        }
    }

    private void index(Command c) {
        String name = renamed.getOrDefault(c, c.name);
        if (name.isEmpty()) {
            return; // removed by rename-command
        }
        int i = hash(name) & (slots.length - 1);
        while (slots[i] != null && !slotNames[i].equals(name)) {
            i = (i + 1) & (slots.length - 1);
        }
        slots[i] = c;
        slotNames[i] = name;
    }

    /**
     * Redis's {@code rename-command from to} directive: the implemented top-level command {@code from} (any case) is
     * known to clients, scripts and the AOF loader as {@code to} from now on, or not at all when {@code to} is empty;
     * its own name stays in COMMAND INFO, INFO commandstats, the slowlog and ACL rules (Redis's orig_commands).
     * Renaming a command to its own name is allowed (the old name goes first).
     *
     * @return null, or Redis's error text for the config line
     */
    public String rename(String from, String to) {
        Command c = lookup(from);
        if (c == null) {
            return "No such command in rename-command";
        }
        String target = to.toLowerCase(java.util.Locale.ROOT);
        renamed.put(c, "");
        reindex();
        if (target.isEmpty()) {
            return null;
        }
        if (lookup(target) != null) {
            return "Target command name already exists";
        }
        renamed.put(c, target);
        index(c);
        return null;
    }

    private void reindex() {
        java.util.Arrays.fill(slots, null);
        java.util.Arrays.fill(slotNames, null);
        for (Command c : all.values()) {
            if (c.implemented()) {
                index(c);
            }
        }
    }

    private static int hash(String s) {
        int h = 0;
        for (int i = 0; i < s.length(); i++) {
            h = h * 31 + s.charAt(i);
        }
        return h ^ (h >>> 16);
    }

    static boolean equalsIgnoreCase(String lower, byte[] b, int off, int len) {
        for (int k = 0; k < len; k++) {
            int c = b[off + k];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** The implemented top-level command named by b[off, off+len), or null. */
    public Command lookup(byte[] b, int off, int len) {
        int h = 0;
        for (int k = 0; k < len; k++) {
            int c = b[off + k];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            h = h * 31 + c;
        }
        h ^= h >>> 16;
        int i = h & (slots.length - 1);
        Command c;
        while ((c = slots[i]) != null) {
            String n = slotNames[i];
            if (n.length() == len && equalsIgnoreCase(n, b, off, len)) {
                return c;
            }
            i = (i + 1) & (slots.length - 1);
        }
        return null;
    }

    public Command lookup(String name) {
        byte[] b = name.getBytes(StandardCharsets.ISO_8859_1);
        return lookup(b, 0, b.length);
    }

    /**
     * The implemented top-level commands clients can call (Redis's server.commands: COMMAND, COMMAND COUNT/LIST/DOCS,
     * LATENCY HISTOGRAM): {@link #implemented()} without those rename-command removed.
     */
    public List<Command> callable() {
        List<Command> l = new ArrayList<>();
        for (Command c : all.values()) {
            if (c.implemented() && !"".equals(renamed.get(c))) {
                l.add(c);
            }
        }
        return l;
    }

    /** Implemented top-level commands, renamed or removed ones too (Redis's orig_commands: ACL). */
    public List<Command> implemented() {
        List<Command> l = new ArrayList<>();
        for (Command c : all.values()) {
            if (c.implemented()) {
                l.add(c);
            }
        }
        return l;
    }

    /** Every command known to Redis 7.2, implemented or not (for tests and docs). */
    public Map<String, Command> known() {
        return all;
    }

    // ---- COMMAND INFO rendering

    public static void reply(Client c, Command cmd) {
        c.array(10);
        c.bulk(cmd.fullName);
        c.integer(cmd.arity);
        statusSet(c, cmd.flagNames);
        c.integer(cmd.firstKey);
        c.integer(cmd.lastKey);
        c.integer(cmd.keyStep);
        statusSet(c, cmd.acl);
        c.set(cmd.tips.size());
        for (String t : cmd.tips) {
            c.bulk(t);
        }
        c.set(cmd.keySpecs.size());
        for (Object ks : cmd.keySpecs) {
            keySpecMap(c, (List<?>) ks);
        }
        List<Command> subs = new ArrayList<>();
        for (Command s : cmd.subcommands.values()) {
            if (s.handler != null) {
                subs.add(s);
            }
        }
        if (subs.isEmpty()) {
            c.set(0);
        } else {
            c.array(subs.size());
        }
        for (Command s : subs) {
            reply(c, s);
        }
    }

    private static void statusSet(Client c, List<String> l) {
        c.set(l.size());
        for (String s : l) {
            c.simple(s);
        }
    }

    /** A key spec (a flat key/value list in the resource) as a map; "flags" values are sets of status strings. */
    private static void keySpecMap(Client c, List<?> kv) {
        c.map(kv.size() / 2);
        for (int i = 0; i < kv.size(); i += 2) {
            String k = (String) kv.get(i);
            Object v = kv.get(i + 1);
            c.bulk(k);
            if (v instanceof List<?> l) {
                if (k.equals("flags")) {
                    c.set(l.size());
                    for (Object f : l) {
                        c.simple((String) f);
                    }
                } else {
                    keySpecMap(c, l);
                }
            } else if (v instanceof Long n) {
                c.integer(n);
            } else {
                c.bulk(String.valueOf(v));
            }
        }
    }

    /** A command or a "container|sub" subcommand by name (any case) that has a handler, or null. */
    public Command lookupFull(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        int bar = n.indexOf('|');
        Command cmd = lookup(bar < 0 ? n : n.substring(0, bar));
        if (cmd == null || bar < 0) {
            return cmd;
        }
        Command sub = cmd.subcommands.get(n.substring(bar + 1));
        return sub != null && sub.handler != null ? sub : null;
    }
}
