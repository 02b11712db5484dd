package io.cinnabar.server.internal.acl;

import io.cinnabar.sds.SdsArgs;
import io.cinnabar.server.internal.command.Command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One selector of a user (Redis 7.2's aclSelector): which commands it allows (a bitmap by ACL id, plus allowed
 * first arguments of otherwise denied commands), which keys (patterns, each with read and/or write permission)
 * and which Pub/Sub channels. The root selector holds the rules given outside parentheses; {@code (...)} adds
 * more, and a command passes when any selector allows it entirely.
 * <p>
 * {@link #rules} is the ordered, compacted list of command rules that produced the bitmap ("+get -@write
 * +config|get"): a new rule removes an earlier one on the same command or category (and the subcommand rules of a
 * command it names), and +@all / -@all clear it. ACL GETUSER and ACL LIST print "+@all " or "-@all " followed by
 * it, which replays to the same bitmap.
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class Selector {
    static final int ROOT = 1;
    static final int ALLKEYS = 1 << 1;
    static final int ALLCHANNELS = 1 << 2;
    static final int ALLCOMMANDS = 1 << 3;
    static final int READ = 1;
    static final int WRITE = 2;

    /** A key pattern with its permissions (READ, WRITE or both). */
    static final class KeyPattern {
        final String pattern;
        final byte[] bytes;
        int perms;

        KeyPattern(String pattern, int perms) {
            this.pattern = pattern;
            this.bytes = Acl.bytes(pattern);
            this.perms = perms;
        }
    }

    /** Why ACLSetSelector / ACLSetUser refused an operation (Redis's errno values). */
    enum Error {
        ENOENT("Unknown command or category name in ACL"),
        EINVAL("Syntax error"),
        EEXIST("Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any "
            + "effect. Try 'resetkeys' to start with an empty list of patterns"),
        EISDIR("Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any "
            + "effect. Try 'resetchannels' to start with an empty list of channels"),
        ENODEV("The password you are trying to remove from the user does not exist"),
        EBADMSG("The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters"),
        ECHILD("Allowing first-arg of a subcommand is not supported");

        final String text;

        Error(String text) {
            this.text = text;
        }
    }

    /** Thrown by a refused operation. */
    static final class RuleException extends Exception {
        final Error error;

        RuleException(Error error) {
            super(error.text, null, false, false);
            this.error = error;
        }
    }

    private final CommandIndex index;
    int flags;
    final long[] allowed;
    /** Allowed first arguments by ACL id of a denied command, or null when none is set. */
    Map<Integer, List<String>> firstArgs;
    final List<KeyPattern> patterns = new ArrayList<>();
    final List<String> channels = new ArrayList<>();
    String rules = "";

    /** A selector that allows nothing; channels per acl-pubsub-default. */
    Selector(CommandIndex index, int flags, boolean allChannelsDefault) {
        this.index = index;
        this.flags = flags | (allChannelsDefault ? ALLCHANNELS : 0);
        this.allowed = new long[index.words];
    }

    Selector copy() {
        Selector s = new Selector(index, flags, false);
        System.arraycopy(allowed, 0, s.allowed, 0, allowed.length);
        if (firstArgs != null) {
            s.firstArgs = new HashMap<>();
            firstArgs.forEach((k, v) -> s.firstArgs.put(k, new ArrayList<>(v)));
        }
        for (KeyPattern p : patterns) {
            s.patterns.add(new KeyPattern(p.pattern, p.perms));
        }
        s.channels.addAll(channels);
        s.rules = rules;
        return s;
    }

    boolean bit(int id) {
        return (allowed[id >>> 6] & (1L << id)) != 0;
    }

    private void setBit(int id, boolean value) {
        if (value) {
            allowed[id >>> 6] |= 1L << id;
        } else {
            allowed[id >>> 6] &= ~(1L << id);
            flags &= ~ALLCOMMANDS;
        }
    }

    boolean canRunFutureCommands() {
        return bit(index.futureBit);
    }

    /** Redis's ACLSetSelector: applies one selector operation. */
    void apply(String op) throws RuleException {
        if (op.isEmpty()) {
            throw new RuleException(Error.EINVAL);
        }
        if (op.equalsIgnoreCase("allkeys") || op.equals("~*")) {
            flags |= ALLKEYS;
            patterns.clear();
        } else if (op.equalsIgnoreCase("resetkeys")) {
            flags &= ~ALLKEYS;
            patterns.clear();
        } else if (op.equalsIgnoreCase("allchannels") || op.equals("&*")) {
            flags |= ALLCHANNELS;
            channels.clear();
        } else if (op.equalsIgnoreCase("resetchannels")) {
            flags &= ~ALLCHANNELS;
            channels.clear();
        } else if (op.equalsIgnoreCase("allcommands") || op.equalsIgnoreCase("+@all")) {
            Arrays.fill(allowed, -1L);
            flags |= ALLCOMMANDS;
            rules = "";
            firstArgs = null;
        } else if (op.equalsIgnoreCase("nocommands") || op.equalsIgnoreCase("-@all")) {
            Arrays.fill(allowed, 0L);
            flags &= ~ALLCOMMANDS;
            rules = "";
            firstArgs = null;
        } else if (op.charAt(0) == '~' || op.charAt(0) == '%') {
            keyPattern(op);
        } else if (op.charAt(0) == '&') {
            if ((flags & ALLCHANNELS) != 0) {
                throw new RuleException(Error.EISDIR);
            }
            String p = op.substring(1);
            if (Acl.hasSpaces(p)) {
                throw new RuleException(Error.EINVAL);
            }
            if (!channels.contains(p)) {
                channels.add(p);
            }
            flags &= ~ALLCHANNELS;
        } else if (op.charAt(0) == '+' && !op.startsWith("+@")) {
            allowCommand(op.substring(1));
        } else if (op.charAt(0) == '-' && !op.startsWith("-@")) {
            Command cmd = index.lookup(op.substring(1));
            if (cmd == null) {
                throw new RuleException(Error.ENOENT);
            }
            changePerm(cmd, false);
            updateRules(cmd.fullName, false);
        } else if (op.startsWith("+@") || op.startsWith("-@")) {
            int cat = CommandIndex.category(op.substring(2));
            if (cat < 0) {
                throw new RuleException(Error.ENOENT);
            }
            boolean allow = op.charAt(0) == '+';
            updateRules(op.substring(1), allow);
            for (Command c : index.commands) {
                category(c, 1 << cat, allow);
            }
        } else {
            throw new RuleException(Error.EINVAL);
        }
    }

    private void keyPattern(String op) throws RuleException {
        if ((flags & ALLKEYS) != 0) {
            throw new RuleException(Error.EEXIST);
        }
        int perms = 0;
        int offset = 1;
        if (op.charAt(0) == '%') {
            for (; offset < op.length(); offset++) {
                char ch = Character.toUpperCase(op.charAt(offset));
                if (ch == 'R' && (perms & READ) == 0) {
                    perms |= READ;
                } else if (ch == 'W' && (perms & WRITE) == 0) {
                    perms |= WRITE;
                } else if (op.charAt(offset) == '~' && perms != 0) {
                    offset++;
                    break;
                } else {
                    throw new RuleException(Error.EINVAL);
                }
            }
        } else {
            perms = READ | WRITE;
        }
        String p = op.substring(Math.min(offset, op.length()));
        if (Acl.hasSpaces(p)) {
            throw new RuleException(Error.EINVAL);
        }
        for (KeyPattern k : patterns) {
            if (k.pattern.equals(p)) {
                k.perms |= perms;
                flags &= ~ALLKEYS;
                return;
            }
        }
        patterns.add(new KeyPattern(p, perms));
        flags &= ~ALLKEYS;
    }

    /** "+name", "+container|sub" or "+command|first-arg". */
    private void allowCommand(String name) throws RuleException {
        int bar = name.lastIndexOf('|');
        if (bar < 0) {
            Command cmd = index.lookup(name);
            if (cmd == null) {
                throw new RuleException(Error.ENOENT);
            }
            changePerm(cmd, true);
            updateRules(cmd.fullName, true);
            return;
        }
        Command cmd = index.lookup(name.substring(0, bar));
        String sub = name.substring(bar + 1);
        if (cmd == null) {
            throw new RuleException(Error.ENOENT);
        }
        if (cmd.parent() != null) {
            throw new RuleException(Error.ECHILD);
        }
        if (sub.isEmpty()) {
            throw new RuleException(Error.EINVAL);
        }
        if (!cmd.subcommands.isEmpty()) {
            Command s = index.lookup(name);
            if (s == null) {
                throw new RuleException(Error.ENOENT);
            }
            changePerm(s, true);
        } else {
            if (firstArgs == null) {
                firstArgs = new HashMap<>();
            }
            List<String> l = firstArgs.computeIfAbsent(cmd.aclId, k -> new ArrayList<>());
            for (String a : l) {
                if (a.equalsIgnoreCase(sub)) {
                    updateRules(name, true);
                    return;
                }
            }
            l.add(sub);
        }
        updateRules(name, true);
    }

    /** ACLChangeSelectorPerm: a command and all its subcommands. */
    private void changePerm(Command cmd, boolean allow) {
        setBit(cmd.aclId, allow);
        if (firstArgs != null) {
            firstArgs.remove(cmd.aclId);
        }
        for (Command s : cmd.subcommands.values()) {
            setBit(s.aclId, allow);
        }
    }

    private void category(Command c, int bit, boolean allow) {
        if ((index.categories[c.aclId] & bit) != 0) {
            changePerm(c, allow);
        }
        for (Command s : c.subcommands.values()) {
            category(s, bit, allow);
        }
    }

    /** ACLUpdateCommandRules: drops the earlier rules on the same thing, appends this one. */
    private void updateRules(String rule, boolean allow) {
        String r = rule.toLowerCase(Locale.ROOT);
        StringBuilder b = new StringBuilder();
        if (!rules.isEmpty()) {
            for (String existing : rules.split(" ")) {
                String body = existing.substring(1);
                boolean same = body.equals(r) || body.length() > r.length() && body.startsWith(r)
                    && body.charAt(r.length()) == '|';
                if (!same) {
                    if (b.length() > 0) {
                        b.append(' ');
                    }
                    b.append(existing);
                }
            }
        }
        if (b.length() > 0) {
            b.append(' ');
        }
        b.append(allow ? '+' : '-').append(r);
        rules = b.toString();
    }

    /** The command part of the description: "+@all"/"-@all" and the rules (ACLDescribeSelectorCommandRules). */
    String describeCommands() {
        String start = canRunFutureCommands() ? "+@all" : "-@all";
        return rules.isEmpty() ? start : start + " " + rules;
    }

    /** Keys, channels and commands, as ACL LIST prints a selector (ACLDescribeSelector). */
    String describe() {
        StringBuilder b = new StringBuilder();
        if ((flags & ALLKEYS) != 0) {
            b.append("~* ");
        } else {
            for (KeyPattern p : patterns) {
                b.append(patternString(p)).append(' ');
            }
        }
        if ((flags & ALLCHANNELS) != 0) {
            b.append("&* ");
        } else {
            b.append("resetchannels ");
            for (String ch : channels) {
                b.append('&').append(ch).append(' ');
            }
        }
        return b.append(describeCommands()).toString();
    }

    static String patternString(KeyPattern p) {
        return switch (p.perms) {
            case READ -> "%R~";
            case WRITE -> "%W~";
            default -> "~";
        } + p.pattern;
    }

    /** Replays the rules on a fresh selector: the same bitmap must come out (the check Redis makes before printing). */
    boolean rulesReplay() {
        Selector fake = new Selector(index, 0, false);
        try {
            fake.apply(canRunFutureCommands() ? "+@all" : "-@all");
            List<String> ops = rules.isEmpty() ? List.of() : SdsArgs.split(rules);
            for (String op : ops) {
                fake.apply(op);
            }
        } catch (RuleException e) {
            return false;
        }
        return Arrays.equals(fake.allowed, allowed);
    }
}
