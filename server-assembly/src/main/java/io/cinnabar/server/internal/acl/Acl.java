package io.cinnabar.server.internal.acl;

import io.cinnabar.server.internal.command.AccessControl;
import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Command;
import io.cinnabar.server.internal.command.Server;
import io.cinnabar.server.internal.config.Config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The users, the permission check and the ACL LOG: the command layer's {@link AccessControl}.
 * <p>
 * Users are kept sorted by name (ACL USERS, ACL LIST and the ACL file list them in that order, as Redis's radix
 * tree does). The default user object lives as long as the server: ACL LOAD copies the loaded rules into it, so
 * connections that refer to it keep working. Changing a user applies at once to every connection authenticated
 * as it (they hold the same object); deleting a user, or replacing all users with ACL LOAD, closes the
 * connections authenticated as the users that went away (as Redis 7.2 does).
 * <p><b>Note:</b> This class is not threadsafe: everything runs on the event-loop thread.
 */
public final class Acl implements AccessControl {
    final Server server;
    final CommandIndex index;
    TreeMap<String, AclUser> users = new TreeMap<>();
    final AclUser defaultUser;
    final AclLog log = new AclLog();

    public Acl(Server server) {
        this.server = server;
        this.index = new CommandIndex(server.commands);
        this.defaultUser = createDefaultUser();
        users.put("default", defaultUser);
        requirepass(server.config.get("requirepass"));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Redis's ACLStringHasSpaces: whitespace or NUL. */
    static boolean hasSpaces(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == 0x0b || ch == '\f' || ch == 0) {
                return true;
            }
        }
        return false;
    }

    boolean allChannelsDefault() {
        return server.config.get("acl-pubsub-default").equals("allchannels");
    }

    AclUser newUser(String name) {
        return new AclUser(name, index, allChannelsDefault());
    }

    private AclUser createDefaultUser() {
        AclUser u = newUser("default");
        try {
            for (String op : List.of("+@all", "~*", "&*", "on", "nopass")) {
                u.set(op);
            }
        } catch (Selector.RuleException e) {
            throw new IllegalStateException(e);
        }
        return u;
    }

    /** Re-reads what the pipeline caches about the default user (after any change to it). */
    void defaultUserChanged() {
        server.defaultAuthRequired = (defaultUser.flags & AclUser.NOPASS) == 0 || !defaultUser.enabled();
    }

    AclUser user(String name) {
        return users.get(name);
    }

    // ---- AccessControl

    @Override
    public AccessControl.User defaultUser() {
        return defaultUser;
    }

    @Override
    public boolean userExists(String name) {
        return users.containsKey(name);
    }

    @Override
    public boolean defaultNoPass() {
        return (defaultUser.flags & AclUser.NOPASS) != 0;
    }

    @Override
    public void requirepass(String password) {
        try {
            defaultUser.set("resetpass");
            defaultUser.set(password.isEmpty() ? "nopass" : ">" + password);
        } catch (Selector.RuleException e) {
            throw new IllegalStateException(e);
        }
        defaultUserChanged();
    }

    @Override
    public boolean permits(Client c, Command cmd) {
        Check.Result r = Check.user((AclUser) c.user, c, cmd, 0, c.argc);
        if (r.reason() == Check.OK) {
            return true;
        }
        addLogEntry(c, r.reason(), c.script ? 2 : c.inMulti ? 1 : 0, r.pos(), cmd, null, null);
        String err = "NOPERM " + message(r.reason(), (AclUser) c.user, cmd, null);
        if (cmd.fullName.equals("exec")) { // Redis's rejectCommand of EXEC: execCommandAbort, in MULTI or not
            server.transactions.clientFreed(c);
            c.error("EXECABORT Transaction discarded because of: " + err);
        } else {
            c.error(err);
        }
        return false;
    }

    @Override
    public boolean allows(Client c, Command cmd) {
        return Check.user((AclUser) c.user, c, cmd, 0, c.argc).reason() == Check.OK;
    }

    @Override
    public boolean permitsAtExec(Client c, Command cmd) {
        Check.Result r = Check.user((AclUser) c.user, c, cmd, 0, c.argc);
        if (r.reason() == Check.OK) {
            return true;
        }
        String reason = switch (r.reason()) {
            case Check.DENIED_CMD -> "no permission to execute the command or subcommand";
            case Check.DENIED_KEY -> "no permission to touch the specified keys";
            case Check.DENIED_CHANNEL -> "no permission to access one of the channels used as arguments";
            default -> "no permission";
        };
        addLogEntry(c, r.reason(), 1, r.pos(), cmd, null, null);
        c.error("NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. "
            + "This command is no longer allowed for the following reason: " + reason);
        return false;
    }

    @Override
    public boolean unrestrictedReadAccess(Client c, Command cmd) {
        AclUser u = (AclUser) c.user;
        if (u == null || u.unrestricted()) {
            return true;
        }
        for (Selector s : u.selectors) {
            Check.Result r = Check.user(single(u, s), c, cmd, 0, c.argc);
            if (r.reason() == Check.OK && Check.unrestrictedKeys(s, Selector.READ)) {
                return true;
            }
        }
        return false;
    }

    /** A throw-away user with just one selector of u (to check one selector with the user-level check). */
    private AclUser single(AclUser u, Selector s) {
        AclUser t = new AclUser(u.name, index, false);
        t.selectors.set(0, s);
        return t;
    }

    @Override
    public boolean authenticate(Client c, String name, byte[] password) {
        AclUser u = users.get(name);
        if (u != null && u.enabled() && u.checkPassword(password)) {
            c.authenticated = true;
            c.user = u;
            return true;
        }
        addLogEntry(c, Check.DENIED_AUTH, c.inMulti ? 1 : 0, 0, null, name, c.argString(0));
        return false;
    }

    /** The NOPERM text of a denial (Redis's getAclErrorMessage); verbose names the key or channel (ACL DRYRUN). */
    static String message(int reason, AclUser u, Command cmd, String value) {
        return switch (reason) {
            case Check.DENIED_CMD -> "User " + u.name + " has no permissions to run the '" + cmd.fullName + "' command";
            case Check.DENIED_KEY -> value != null
                ? "User " + u.name + " has no permissions to access the '" + value + "' key"
                : "No permissions to access a key";
            default -> value != null
                ? "User " + u.name + " has no permissions to access the '" + value + "' channel"
                : "No permissions to access a channel";
        };
    }

    /** Redis's addACLLogEntry, with the INFO stats counter of the reason. */
    void addLogEntry(Client c, int reason, int context, int pos, Command cmd, String username, String object) {
        switch (reason) {
            case Check.DENIED_AUTH -> server.stats.aclDeniedAuth++;
            case Check.DENIED_CMD -> server.stats.aclDeniedCmd++;
            case Check.DENIED_KEY -> server.stats.aclDeniedKey++;
            default -> server.stats.aclDeniedChannel++;
        }
        String obj = object != null ? object : reason == Check.DENIED_CMD ? cmd.fullName : c.argString(pos);
        String user = username != null ? username : c.user == null ? "default" : c.user.name();
        Client real = server.current != null ? server.current : c;
        long now = System.currentTimeMillis();
        log.add(reason, context, obj, user, now, server.clientInfo.apply(real),
            server.config.getLong("acllog-max-len"));
    }

    // ---- changes to users

    /** ACL SETUSER's rules on a copy of u (or a new user): null when applied, else the error text. */
    String setUser(String name, List<String> ops) {
        List<String> merged = mergeSelectors(ops);
        if (merged == null) {
            return "Unmatched parenthesis in acl selector starting at '" + unmatched(ops) + "'.";
        }
        AclUser existing = users.get(name);
        AclUser temp = newUser(name);
        if (existing != null) {
            temp.copyFrom(existing);
        }
        for (String op : merged) {
            try {
                temp.set(op);
            } catch (Selector.RuleException e) {
                return "Error in ACL SETUSER modifier '" + op + "': " + e.error.text;
            }
        }
        if (existing == null) {
            existing = newUser(name);
            users.put(name, existing);
        } else {
            killPubsubClientsIfNeeded(temp, existing);
        }
        existing.copyFrom(temp);
        if (existing == defaultUser) {
            defaultUserChanged();
        }
        return null;
    }

    /**
     * Redis's ACLMergeSelectorArguments: a selector spread over several arguments ("(+get", "~key)") becomes one
     * argument; null when a parenthesis is left open.
     */
    static List<String> mergeSelectors(List<String> ops) {
        List<String> out = new ArrayList<>();
        StringBuilder open = null;
        for (String op : ops) {
            if (open == null && !op.isEmpty() && op.charAt(0) == '(' && op.charAt(op.length() - 1) != ')') {
                open = new StringBuilder(op);
                continue;
            }
            if (open != null) {
                open.append(' ').append(op);
                if (!op.isEmpty() && op.charAt(op.length() - 1) == ')') {
                    out.add(open.toString());
                    open = null;
                }
                continue;
            }
            out.add(op);
        }
        return open == null ? out : null;
    }

    private static String unmatched(List<String> ops) {
        String start = null;
        boolean inside = false;
        for (String op : ops) {
            if (!inside && !op.isEmpty() && op.charAt(0) == '(' && op.charAt(op.length() - 1) != ')') {
                inside = true;
                start = op;
            } else if (inside && !op.isEmpty() && op.charAt(op.length() - 1) == ')') {
                inside = false;
            }
        }
        return start;
    }

    /** ACL DELUSER of one user: its connections are closed (the current one after its reply). */
    boolean deleteUser(String name) {
        AclUser u = users.remove(name);
        if (u == null) {
            return false;
        }
        dropClients(u);
        return true;
    }

    /**
     * Redis 7.2's ACLKillPubsubClientsIfNeeded: when the channels of all the upcoming selectors together no longer
     * include every channel rule of the original user (and no upcoming selector allows all channels), every
     * connection of the user subscribed to a channel or shard channel they do not match, or to a pattern that is
     * not literally one of them, is closed (the current one after its reply).
     */
    void killPubsubClientsIfNeeded(AclUser upcoming, AclUser original) {
        List<String> allowed = new ArrayList<>();
        for (Selector s : upcoming.selectors) {
            if ((s.flags & Selector.ALLCHANNELS) != 0) {
                return;
            }
            allowed.addAll(s.channels);
        }
        boolean superset = true;
        for (Selector s : original.selectors) {
            if ((s.flags & Selector.ALLCHANNELS) != 0 || !allowed.containsAll(s.channels)) {
                superset = false;
                break;
            }
        }
        if (superset) {
            return;
        }
        List<Client> victims = new ArrayList<>();
        for (Client o : server.clients.values()) {
            if (o.user == original && o.ps != null && server.pubsub.anySubscription(o,
                    (b, pattern) -> !Check.channelAllowed(allowed, b, 0, b.length, pattern))) {
                victims.add(o);
            }
        }
        for (Client o : victims) {
            if (o == server.current) {
                o.closeAfterReply = true;
            } else {
                server.loop.closeAsync(o);
            }
        }
    }

    /** Redis's ACLFreeUserAndKillClients: the connections of u become unauthenticated default-user ones and close. */
    void dropClients(AclUser u) {
        List<Client> victims = new ArrayList<>();
        for (Client o : server.clients.values()) {
            if (o.user == u) {
                victims.add(o);
            }
        }
        for (Client o : victims) {
            o.user = defaultUser;
            o.authenticated = false;
            if (o == server.current) {
                o.closeAfterReply = true;
            } else {
                server.loop.closeAsync(o);
            }
        }
    }

    // ---- startup

    /**
     * Redis's ACLLoadUsersAtStartup: the {@code user} lines of the configuration, or the aclfile (not both).
     *
     * @throws IllegalArgumentException with Redis's message when startup must stop
     */
    public void loadAtStartup() {
        String file = server.config.get("aclfile");
        List<Config.UserLine> lines = server.config.userLines;
        validateConfigLines(lines);
        if (!file.isEmpty() && !lines.isEmpty()) {
            String msg = "Configuring Redis with users defined in redis.conf and at the same setting an ACL file path "
                + "is invalid. This setup is very likely to lead to configuration errors and security holes, please "
                + "define either an ACL file or declare users directly in your redis.conf, but not both.";
            server.log.warning(msg);
            throw new IllegalArgumentException(msg);
        }
        for (Config.UserLine l : lines) {
            loadConfigured(l);
        }
        if (!file.isEmpty()) {
            String errors = AclFile.load(this, file);
            if (errors != null) {
                String msg = "Aborting Redis startup because of ACL errors: " + errors;
                server.log.warning(msg);
                throw new IllegalArgumentException(msg);
            }
        }
        defaultUserChanged();
    }

    /** ACLAppendUserForLoading's checks: a rule that would fail (other than an unknown command) is fatal. */
    private void validateConfigLines(List<Config.UserLine> lines) {
        List<String> seen = new ArrayList<>();
        for (Config.UserLine l : lines) {
            List<String> args = l.args();
            String bad = null;
            String why = null;
            if (seen.contains(args.get(0))) {
                bad = args.get(0);
                why = "Duplicate user found. A user can only be defined once in config files";
            } else {
                List<String> merged = mergeSelectors(args.subList(1, args.size()));
                if (merged == null) {
                    bad = unmatched(args.subList(1, args.size()));
                    why = "Syntax error";
                } else {
                    AclUser fake = newUser("__fakeuser__");
                    for (String op : merged) {
                        try {
                            fake.set(op);
                        } catch (Selector.RuleException e) {
                            if (e.error != Selector.Error.ENOENT) {
                                bad = op;
                                why = e.error.text;
                                break;
                            }
                        }
                    }
                }
            }
            if (bad != null) {
                throw new IllegalArgumentException("\n*** FATAL CONFIG FILE ERROR (Redis " + Config.VERSION + ") ***\n"
                    + "Reading the configuration file, at line " + l.line() + "\n>>> '" + l.text() + "'\n"
                    + "Error in user declaration '" + bad + "': " + why);
            }
            seen.add(args.get(0));
        }
    }

    private void loadConfigured(Config.UserLine l) {
        String name = l.args().get(0);
        if (hasSpaces(name)) {
            server.log.warning("Spaces not allowed in ACL usernames");
            throw new IllegalArgumentException("Critical error while loading ACLs. Exiting.");
        }
        AclUser u = users.get(name);
        try {
            if (u == null) {
                u = newUser(name);
                users.put(name, u);
            } else {
                u.set("reset");
            }
            for (String op : mergeSelectors(l.args().subList(1, l.args().size()))) {
                try {
                    u.set(op);
                } catch (Selector.RuleException e) {
                    server.log.warning("Error loading ACL rule '" + op + "' for the user named '" + name + "': "
                        + e.error.text);
                    server.log.warning("Critical error while loading ACLs. Exiting.");
                    throw new IllegalArgumentException("Critical error while loading ACLs. Exiting.");
                }
            }
        } catch (Selector.RuleException e) {
            throw new IllegalStateException(e);
        }
        if (!u.enabled()) {
            server.log.notice("The user '" + name + "' is disabled (there is no 'on' modifier in the user "
                + "description). Make sure this is not a configuration error.");
        }
    }
}
