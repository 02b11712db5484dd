package io.cinnabar.server.internal.acl;

import io.cinnabar.server.internal.command.Command;
import io.cinnabar.server.internal.command.CommandTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The command table as the ACL code sees it: Redis 7.2's command categories (in {@code ACL CAT}'s order), the
 * category bits of every command and subcommand by ACL id, lookup of "name" and "container|sub" among every
 * command Redis 7.2 knows (rules naming a command this server does not implement are accepted, as a file written
 * for Redis must load), and the reserved "future commands" bit after the last id.
 * <p><b>Note:</b> This class is not threadsafe (immutable after construction).
 */
final class CommandIndex {
    /** Redis 7.2's categories, in the order of ACLCommandCategories (ACL CAT, COMMAND INFO). */
    static final String[] CATEGORIES = {"keyspace", "read", "write", "set", "sortedset", "list", "hash", "string",
        "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous",
        "connection", "transaction", "scripting"};

    final CommandTable table;
    /** Bit index reserved for "commands added in the future": set only by +@all / allcommands. */
    final int futureBit;
    /** Words of a selector's command bitmap. */
    final int words;
    /** Category bits (1 &lt;&lt; index in CATEGORIES) by ACL id. */
    final int[] categories;
    /** Every top-level command, in table order. */
    final List<Command> commands = new ArrayList<>();

    CommandIndex(CommandTable table) {
        this.table = table;
        futureBit = table.aclIds();
        words = futureBit / 64 + 1;
        categories = new int[futureBit];
        for (Command c : table.known().values()) {
            commands.add(c);
            categories[c.aclId] = bits(c);
            for (Command s : c.subcommands.values()) {
                categories[s.aclId] = bits(s);
            }
        }
    }

    private static int bits(Command c) {
        int b = 0;
        for (String a : c.acl) {
            int i = category(a.substring(1));
            if (i >= 0) {
                b |= 1 << i;
            }
        }
        return b;
    }

    /** Index of a category name (any case), or -1. */
    static int category(String name) {
        for (int i = 0; i < CATEGORIES.length; i++) {
            if (CATEGORIES[i].equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Redis's ACLLookupCommand: "name" is a top-level command, "container|sub" a subcommand of a container; any
     * other form (an empty part, a third part, a sub of a command without subcommands) is unknown (null).
     */
    Command lookup(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        int bar = n.indexOf('|');
        Command c = table.known().get(bar < 0 ? n : n.substring(0, bar));
        if (c == null || bar < 0) {
            return c;
        }
        String sub = n.substring(bar + 1);
        if (c.subcommands.isEmpty() || sub.indexOf('|') >= 0) {
            return null;
        }
        return c.subcommands.get(sub);
    }
}
