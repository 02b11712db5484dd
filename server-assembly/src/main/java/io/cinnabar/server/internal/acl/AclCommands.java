package io.cinnabar.server.internal.acl;

import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Command;
import io.cinnabar.server.internal.command.CommandTable;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The ACL command (Redis 7.2's aclCommand): SETUSER, GETUSER, DELUSER, USERS, LIST, WHOAMI, CAT, GENPASS, LOG,
 * SAVE, LOAD, DRYRUN and HELP. Replies, error texts and the order of fields are Redis's.
 * <p><b>Note:</b> This class is not threadsafe: commands run on the event loop.
 */
public final class AclCommands {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String NO_FILE = "ERR This Redis instance is not configured to use an ACL file. You may want "
        + "to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis "
        + "configuration file set) in order to store users in the Redis configuration.";

    private final Acl acl;

    private AclCommands(Acl acl) {
        this.acl = acl;
    }

    /** Registers ACL's subcommands. */
    public static void register(CommandTable t, Acl acl) {
        AclCommands a = new AclCommands(acl);
        t.impl("acl|setuser", a::setuser);
        t.impl("acl|getuser", a::getuser);
        t.impl("acl|deluser", a::deluser);
        t.impl("acl|users", a::users);
        t.impl("acl|list", a::list);
        t.impl("acl|whoami", c -> {
            if (c.user == null) {
                c.nullBulk();
            } else {
                c.bulk(c.user.name());
            }
        });
        t.impl("acl|cat", a::cat);
        t.impl("acl|genpass", AclCommands::genpass);
        t.impl("acl|log", a::log);
        t.impl("acl|save", a::save);
        t.impl("acl|load", a::load);
        t.impl("acl|dryrun", a::dryrun);
        t.impl("acl|help", AclCommands::help);
    }

    void setuser(Client c) {
        String name = c.argString(2);
        if (Acl.hasSpaces(name)) {
            c.error("ERR Usernames can't contain spaces or null characters");
            return;
        }
        List<String> ops = new ArrayList<>();
        for (int i = 3; i < c.argc; i++) {
            ops.add(c.argString(i));
        }
        String err = acl.setUser(name, ops);
        if (err == null) {
            c.ok();
        } else {
            c.error("ERR " + err.replace('\r', ' ').replace('\n', ' '));
        }
    }

    void getuser(Client c) {
        AclUser u = acl.user(c.argString(2));
        if (u == null) {
            c.nullBulk();
            return;
        }
        c.map(6);
        c.bulk("flags");
        int n = 0;
        for (int j = 0; j < AclUser.FLAG_NAMES.length; j++) {
            if ((u.flags & (1 << j)) != 0) {
                n++;
            }
        }
        c.set(n);
        for (int j = 0; j < AclUser.FLAG_NAMES.length; j++) {
            if ((u.flags & (1 << j)) != 0) {
                c.bulk(AclUser.FLAG_NAMES[j]);
            }
        }
        c.bulk("passwords");
        c.array(u.passwords.size());
        for (String p : u.passwords) {
            c.bulk(p);
        }
        selector(c, u.root());
        c.bulk("selectors");
        c.array(u.selectors.size() - 1);
        for (int i = 1; i < u.selectors.size(); i++) {
            c.map(3);
            selector(c, u.selectors.get(i));
        }
    }

    private static void selector(Client c, Selector s) {
        c.bulk("commands");
        c.bulk(s.describeCommands());
        c.bulk("keys");
        if ((s.flags & Selector.ALLKEYS) != 0) {
            c.bulk("~*");
        } else {
            StringBuilder b = new StringBuilder();
            for (Selector.KeyPattern p : s.patterns) {
                if (b.length() > 0) {
                    b.append(' ');
                }
                b.append(Selector.patternString(p));
            }
            c.bulk(b.toString());
        }
        c.bulk("channels");
        if ((s.flags & Selector.ALLCHANNELS) != 0) {
            c.bulk("&*");
        } else {
            StringBuilder b = new StringBuilder();
            for (String ch : s.channels) {
                if (b.length() > 0) {
                    b.append(' ');
                }
                b.append('&').append(ch);
            }
            c.bulk(b.toString());
        }
    }

    void deluser(Client c) {
        for (int j = 2; j < c.argc; j++) {
            if (c.argString(j).equals("default")) {
                c.error("ERR The 'default' user cannot be removed");
                return;
            }
        }
        int deleted = 0;
        for (int j = 2; j < c.argc; j++) {
            if (acl.deleteUser(c.argString(j))) {
                deleted++;
            }
        }
        c.integer(deleted);
    }

    void users(Client c) {
        c.array(acl.users.size());
        for (AclUser u : acl.users.values()) {
            c.bulk(u.name);
        }
    }

    void list(Client c) {
        c.array(acl.users.size());
        for (AclUser u : acl.users.values()) {
            c.bulk("user " + u.name + " " + u.describe());
        }
    }

    void cat(Client c) {
        if (c.argc == 2) {
            c.array(CommandIndex.CATEGORIES.length);
            for (String s : CommandIndex.CATEGORIES) {
                c.bulk(s);
            }
            return;
        }
        if (c.argc > 3) {
            syntaxError(c);
            return;
        }
        String name = c.argString(2);
        int cat = CommandIndex.category(name);
        if (cat < 0) {
            c.error("ERR Unknown category '" + (name.length() > 128 ? name.substring(0, 128) : name) + "'");
            return;
        }
        List<String> names = new ArrayList<>();
        for (Command cmd : acl.server.commands.implemented()) {
            collect(cmd, 1 << cat, names);
        }
        c.array(names.size());
        for (String s : names) {
            c.bulk(s);
        }
    }

    private void collect(Command cmd, int bit, List<String> out) {
        boolean runnable = cmd.handler != null || cmd.implemented();
        if (runnable && (acl.index.categories[cmd.aclId] & bit) != 0) {
            out.add(cmd.fullName);
        }
        for (Command s : cmd.subcommands.values()) {
            if (s.handler != null) {
                collect(s, bit, out);
            }
        }
    }

    static void genpass(Client c) {
        long bits = 256;
        if (c.argc > 3) {
            syntaxError(c);
            return;
        }
        if (c.argc == 3) {
            if (!c.argLong(2)) {
                return;
            }
            bits = c.ctx.tmp[0];
        }
        if (bits <= 0 || bits > 4096) {
            c.error("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number "
                + "up to 4096");
            return;
        }
        int chars = (int) ((bits + 3) / 4);
        StringBuilder b = new StringBuilder(chars);
        for (int i = 0; i < chars; i++) {
            b.append(Character.forDigit(RANDOM.nextInt(16), 16));
        }
        c.bulk(b.toString());
    }

    void log(Client c) {
        long count = 10;
        if (c.argc > 3) {
            syntaxError(c);
            return;
        }
        if (c.argc == 3) {
            if (c.argIs(2, "reset")) {
                acl.log.entries.clear();
                c.ok();
                return;
            }
            if (!c.argLong(2)) {
                return;
            }
            count = Math.max(0, c.ctx.tmp[0]);
        }
        count = Math.min(count, acl.log.entries.size());
        c.array((int) count);
        long now = acl.server.keyspace.cmdTimeMs;
        for (AclLog.Entry e : acl.log.entries) {
            if (count-- == 0) {
                break;
            }
            c.map(10);
            c.bulk("count");
            c.integer(e.count);
            c.bulk("reason");
            c.bulk(AclLog.REASONS[e.reason]);
            c.bulk("context");
            c.bulk(AclLog.CONTEXTS[e.context]);
            c.bulk("object");
            c.bulk(e.object);
            c.bulk("username");
            c.bulk(e.username);
            c.bulk("age-seconds");
            c.dbl((double) (now - e.ctime) / 1000);
            c.bulk("client-info");
            c.bulk(e.clientInfo);
            c.bulk("entry-id");
            c.integer(e.id);
            c.bulk("timestamp-created");
            c.integer(e.created);
            c.bulk("timestamp-last-updated");
            c.integer(e.ctime);
        }
    }

    void save(Client c) {
        String file = acl.server.config.get("aclfile");
        if (file.isEmpty()) {
            c.error(NO_FILE);
        } else if (AclFile.save(acl, file)) {
            c.ok();
        } else {
            c.error("ERR There was an error trying to save the ACLs. Please check the server logs for more "
                + "information");
        }
    }

    void load(Client c) {
        String file = acl.server.config.get("aclfile");
        if (file.isEmpty()) {
            c.error(NO_FILE);
            return;
        }
        String errors = AclFile.load(acl, file);
        if (errors == null) {
            c.ok();
        } else {
            c.error("ERR " + errors);
        }
    }

    void dryrun(Client c) {
        AclUser u = acl.user(c.argString(2));
        if (u == null) {
            c.error("ERR User '" + c.argString(2) + "' not found");
            return;
        }
        // every command of Redis 7.2, also one this server does not implement yet: the question is what ACL allows
        Command cmd = acl.index.lookup(c.argString(3));
        if (cmd != null && !cmd.subcommands.isEmpty() && c.argc > 4) {
            cmd = cmd.subcommands.get(c.argString(4).toLowerCase(java.util.Locale.ROOT));
        }
        if (cmd == null || c.argString(3).indexOf('|') >= 0) {
            c.error("ERR Command '" + c.argString(3) + "' not found");
            return;
        }
        int argc = c.argc - 3;
        if (cmd.arity > 0 && cmd.arity != argc || argc < -cmd.arity) {
            c.error("ERR wrong number of arguments for '" + cmd.fullName + "' command");
            return;
        }
        Check.Result r = Check.user(u, c, cmd, 3, argc);
        if (r.reason() == Check.OK) {
            c.ok();
        } else {
            c.bulk(Acl.message(r.reason(), u, cmd, c.argString(3 + r.pos())));
        }
    }

    /** Redis's addReplySubcommandSyntaxError. */
    private static void syntaxError(Client c) {
        String sub = c.argString(1);
        c.error("ERR unknown subcommand or wrong number of arguments for '"
            + (sub.length() > 128 ? sub.substring(0, 128) : sub) + "'. Try "
            + c.argString(0).toUpperCase(java.util.Locale.ROOT) + " HELP.");
    }

    static void help(Client c) {
        c.help("ACL", new String[] {
            "CAT [<category>]",
            "    List all commands that belong to <category>, or all command categories",
            "    when no category is specified.",
            "DELUSER <username> [<username> ...]",
            "    Delete a list of users.",
            "DRYRUN <username> <command> [<arg> ...]",
            "    Returns whether the user can execute the given command without executing the command.",
            "GETUSER <username>",
            "    Get the user's details.",
            "GENPASS [<bits>]",
            "    Generate a secure 256-bit user password. The optional `bits` argument can",
            "    be used to specify a different size.",
            "LIST",
            "    Show users details in config file format.",
            "LOAD",
            "    Reload users from the ACL file.",
            "LOG [<count> | RESET]",
            "    Show the ACL log entries.",
            "SAVE",
            "    Save the current config to the ACL file.",
            "SETUSER <username> <attribute> [<attribute> ...]",
            "    Create or modify a user with the specified attributes.",
            "USERS",
            "    List all the registered usernames.",
            "WHOAMI",
            "    Return the current connection username.",
        });
    }
}
