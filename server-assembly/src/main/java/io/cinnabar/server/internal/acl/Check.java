package io.cinnabar.server.internal.acl;

import io.cinnabar.server.internal.command.Client;
import io.cinnabar.server.internal.command.Command;
import io.cinnabar.server.internal.command.KeySpecs;
import io.cinnabar.server.internal.config.Glob;

import java.util.ArrayList;
import java.util.List;

/**
 * The permission check of one command line for one user (Redis 7.2's ACLCheckAllUserCommandPerm): each selector
 * is tried in turn and the first that allows the command, all its keys and all its channels lets it run. When
 * none does, the error reported is the "most relevant" one: a channel over a key over a command, and among equals
 * the one at the highest argument position.
 * <p>
 * Keys come from the command's key specs (key specs flagged not_key are skipped; SET and BITFIELD compute their
 * flags from the arguments, SORT finds its STORE key), computed once per check and shared by the selectors. A key
 * spec's "access" flag needs read permission; "insert", "delete" and "update" need write permission; a spec with
 * neither (EXISTS, TYPE ...) is satisfied by any pattern that matches the key.
 * Channels are those of PUBLISH/SPUBLISH (one) and SUBSCRIBE/SSUBSCRIBE/PSUBSCRIBE (all their arguments; a
 * PSUBSCRIBE pattern must equal an allowed pattern literally); unsubscribing is never checked.
 * <p><b>Note:</b> This class is not threadsafe (stateless).
 */
final class Check {
    static final int OK = 0;
    static final int DENIED_CMD = 1;
    static final int DENIED_KEY = 2;
    static final int DENIED_AUTH = 3;
    static final int DENIED_CHANNEL = 4;

    private Check() {
    }

    /** A key argument and the permissions (Selector.READ / WRITE bits) it needs. */
    record Key(int pos, int perms) {
    }

    /** The result: a reason (OK, DENIED_*) and the argument position that caused it (relative to base). */
    record Result(int reason, int pos) {
    }

    static final Result ALLOWED = new Result(OK, 0);

    /** Checks the command whose argv starts at c's argument base and has argc arguments. */
    static Result user(AclUser u, Client c, Command cmd, int base, int argc) {
        int relevant = DENIED_CMD;
        int lastPos = 0;
        List<Key> keys = null;
        for (Selector s : u.selectors) {
            int reason = OK;
            int pos = 0;
            if (!commandAllowed(s, c, cmd, base, argc)) {
                reason = DENIED_CMD;
            } else {
                if ((s.flags & Selector.ALLKEYS) == 0 && !cmd.keySpecs.isEmpty()) {
                    if (keys == null) {
                        keys = keys(c, cmd, base, argc);
                    }
                    for (Key k : keys) {
                        if (!keyAllowed(s, c.argBuf, c.argOff[base + k.pos], c.argLen[base + k.pos], k.perms)) {
                            reason = DENIED_KEY;
                            pos = k.pos;
                            break;
                        }
                    }
                }
                if (reason == OK && (s.flags & Selector.ALLCHANNELS) == 0) {
                    pos = deniedChannel(s, c, cmd, base, argc);
                    if (pos > 0) {
                        reason = DENIED_CHANNEL;
                    }
                }
            }
            if (reason == OK) {
                return ALLOWED;
            }
            if (reason > relevant || reason == relevant && pos > lastPos) {
                relevant = reason;
                lastPos = pos;
            }
        }
        return new Result(relevant, lastPos);
    }

    private static boolean commandAllowed(Selector s, Client c, Command cmd, int base, int argc) {
        if ((s.flags & Selector.ALLCOMMANDS) != 0 || cmd.has(Command.NO_AUTH) || s.bit(cmd.aclId)) {
            return true;
        }
        if (argc < 2 || s.firstArgs == null) {
            return false;
        }
        List<String> allowed = s.firstArgs.get(cmd.aclId);
        if (allowed == null) {
            return false;
        }
        int idx = cmd.parent() != null ? 2 : 1;
        if (idx >= argc) {
            return false;
        }
        String arg = c.argString(base + idx);
        for (String a : allowed) {
            if (a.equalsIgnoreCase(arg)) {
                return true;
            }
        }
        return false;
    }

    static boolean keyAllowed(Selector s, byte[] b, int off, int len, int perms) {
        if ((s.flags & Selector.ALLKEYS) != 0) {
            return true;
        }
        for (Selector.KeyPattern p : s.patterns) {
            if ((p.perms & perms) == perms && Glob.match(p.bytes, 0, p.bytes.length, b, off, len, false)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the selector has the permissions to every key: "~*", "allkeys", or a "*" pattern with them. */
    static boolean unrestrictedKeys(Selector s, int perms) {
        if ((s.flags & Selector.ALLKEYS) != 0) {
            return true;
        }
        for (Selector.KeyPattern p : s.patterns) {
            if ((p.perms & perms) == perms && p.pattern.equals("*")) {
                return true;
            }
        }
        return false;
    }

    /** The position of the first channel argument the selector does not allow, or 0. */
    private static int deniedChannel(Selector s, Client c, Command cmd, int base, int argc) {
        boolean pattern = false;
        int last;
        switch (cmd.fullName) {
            case "publish", "spublish" -> last = Math.min(1, argc - 1);
            case "subscribe", "ssubscribe" -> last = argc - 1;
            case "psubscribe" -> {
                last = argc - 1;
                pattern = true;
            }
            default -> {
                return 0;
            }
        }
        for (int i = 1; i <= last; i++) {
            if (!channelAllowed(s.channels, c.argBuf, c.argOff[base + i], c.argLen[base + i], pattern)) {
                return i;
            }
        }
        return 0;
    }

    static boolean channelAllowed(List<String> allowed, byte[] b, int off, int len, boolean isPattern) {
        for (String p : allowed) {
            byte[] pb = Acl.bytes(p);
            if (isPattern ? java.util.Arrays.equals(pb, 0, pb.length, b, off, off + len)
                    : Glob.match(pb, 0, pb.length, b, off, len, false)) {
                return true;
            }
        }
        return false;
    }

    /** Keys of the command line and the permissions each needs (Redis's getKeysFromCommandWithSpecs). */
    static List<Key> keys(Client c, Command cmd, int base, int argc) {
        List<Key> out = new ArrayList<>();
        if (cmd.fullName.equals("sort") || cmd.fullName.equals("sort_ro")) {
            return sortKeys(c, cmd, base, argc);
        }
        List<int[]> found = KeySpecs.keys(c, cmd, base, argc, true);
        if (found == null) {
            return out;
        }
        for (int[] k : found) {
            List<?> flags = cmd.fullName.equals("bitfield") ? bitfieldFlags(c, base, argc)
                : KeySpecs.flags(c, cmd, k[1], base, argc);
            if (flags.contains("not_key")) {
                continue;
            }
            out.add(new Key(k[0] - base, perms(flags)));
        }
        return out;
    }

    static int perms(List<?> flags) {
        int p = 0;
        if (flags.contains("access")) {
            p |= Selector.READ;
        }
        if (flags.contains("insert") || flags.contains("delete") || flags.contains("update")) {
            p |= Selector.WRITE;
        }
        return p;
    }

    /** SORT's key, and its last STORE destination (Redis's sortGetKeys). */
    private static List<Key> sortKeys(Client c, Command cmd, int base, int argc) {
        List<Key> out = new ArrayList<>();
        if (argc < 2) {
            return out;
        }
        out.add(new Key(1, Selector.READ));
        if (cmd.fullName.equals("sort_ro")) {
            return out;
        }
        int store = -1;
        for (int i = 2; i < argc; i++) {
            if (c.argIs(base + i, "limit")) {
                i += 2;
            } else if (c.argIs(base + i, "get") || c.argIs(base + i, "by")) {
                i += 1;
            } else if (c.argIs(base + i, "store") && i + 1 < argc) {
                store = i + 1;
            }
        }
        if (store > 0) {
            out.add(new Key(store, Selector.WRITE));
        }
        return out;
    }

    /** BITFIELD is read-only when it only has GET (and OVERFLOW) operations (Redis's bitfieldGetKeys). */
    private static List<?> bitfieldFlags(Client c, int base, int argc) {
        for (int i = 2; i < argc; i++) {
            int rem = argc - i - 1;
            if (c.argIs(base + i, "get") && rem >= 2) {
                i += 2;
            } else if (c.argIs(base + i, "overflow") && rem >= 1) {
                i += 1;
            } else {
                return List.of("RW", "access", "update");
            }
        }
        return List.of("RO", "access");
    }
}
