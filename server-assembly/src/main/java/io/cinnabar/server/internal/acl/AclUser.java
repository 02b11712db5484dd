package io.cinnabar.server.internal.acl;

import io.cinnabar.sds.SdsArgs;
import io.cinnabar.server.internal.command.AccessControl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * One ACL user (Redis 7.2's {@code user}): name, flags (on/off, nopass, sanitize-payload), passwords as SHA-256
 * hex digests, and selectors, the first being the root selector. {@link #set} applies one rule as ACL SETUSER
 * does; {@link #describe} is the rule text of ACL LIST and the ACL file.
 * <p><b>Note:</b> This class is not threadsafe.
 */
final class AclUser implements AccessControl.User {
    static final int ENABLED = 1;
    static final int DISABLED = 1 << 1;
    static final int NOPASS = 1 << 2;
    static final int SKIP_SANITIZE = 1 << 3;
    static final int SANITIZE = 1 << 4;
    /** Flag names in the order Redis prints them. */
    static final String[] FLAG_NAMES = {"on", "off", "nopass", "skip-sanitize-payload", "sanitize-payload"};

    final String name;
    private final CommandIndex index;
    private final boolean allChannelsDefault;
    int flags = DISABLED | SANITIZE;
    final List<String> passwords = new ArrayList<>();
    final List<Selector> selectors = new ArrayList<>();
    private boolean unrestricted;
    private String described;

    AclUser(String name, CommandIndex index, boolean allChannelsDefault) {
        this.name = name;
        this.index = index;
        this.allChannelsDefault = allChannelsDefault;
        selectors.add(new Selector(index, Selector.ROOT, allChannelsDefault));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean unrestricted() {
        return unrestricted;
    }

    Selector root() {
        return selectors.get(0);
    }

    /** Makes this user's rules a copy of src's (the name stays). */
    void copyFrom(AclUser src) {
        flags = src.flags;
        passwords.clear();
        passwords.addAll(src.passwords);
        selectors.clear();
        for (Selector s : src.selectors) {
            selectors.add(s.copy());
        }
        changed();
    }

    /** Recomputes what the pipeline reads after any change. */
    void changed() {
        described = null;
        boolean all = false;
        for (Selector s : selectors) {
            int need = Selector.ALLCOMMANDS | Selector.ALLKEYS | Selector.ALLCHANNELS;
            if ((s.flags & need) == need) {
                all = true;
                break;
            }
        }
        unrestricted = all;
    }

    boolean enabled() {
        return (flags & DISABLED) == 0;
    }

    /** Redis's ACLSetUser: one rule (user flag, password, selector, or a root selector operation). */
    void set(String op) throws Selector.RuleException {
        try {
            apply(op);
        } finally {
            changed();
        }
    }

    private void apply(String op) throws Selector.RuleException {
        if (op.isEmpty()) {
            return;
        }
        if (op.equalsIgnoreCase("on")) {
            flags = flags & ~DISABLED | ENABLED;
        } else if (op.equalsIgnoreCase("off")) {
            flags = flags & ~ENABLED | DISABLED;
        } else if (op.equalsIgnoreCase("skip-sanitize-payload")) {
            flags = flags & ~SANITIZE | SKIP_SANITIZE;
        } else if (op.equalsIgnoreCase("sanitize-payload")) {
            flags = flags & ~SKIP_SANITIZE | SANITIZE;
        } else if (op.equalsIgnoreCase("nopass")) {
            flags |= NOPASS;
            passwords.clear();
        } else if (op.equalsIgnoreCase("resetpass")) {
            flags &= ~NOPASS;
            passwords.clear();
        } else if (op.charAt(0) == '>' || op.charAt(0) == '#') {
            String hash = op.charAt(0) == '>' ? hash(op.substring(1)) : checkedHash(op.substring(1));
            if (!passwords.contains(hash)) {
                passwords.add(hash);
            }
            flags &= ~NOPASS;
        } else if (op.charAt(0) == '<' || op.charAt(0) == '!') {
            String hash = op.charAt(0) == '<' ? hash(op.substring(1)) : checkedHash(op.substring(1));
            if (!passwords.remove(hash)) {
                throw new Selector.RuleException(Selector.Error.ENODEV);
            }
        } else if (op.charAt(0) == '(' && op.charAt(op.length() - 1) == ')') {
            Selector s = new Selector(index, 0, allChannelsDefault);
            List<String> ops = op.length() < 2 ? null : SdsArgs.split(op.substring(1, op.length() - 1));
            if (ops != null) {
                for (String o : ops) {
                    s.apply(o);
                }
            }
            selectors.add(s);
        } else if (op.equalsIgnoreCase("clearselectors")) {
            selectors.subList(1, selectors.size()).clear();
        } else if (op.equalsIgnoreCase("reset")) {
            apply("resetpass");
            apply("resetkeys");
            apply("resetchannels");
            if (allChannelsDefault) {
                apply("allchannels");
            }
            apply("off");
            apply("sanitize-payload");
            apply("clearselectors");
            apply("-@all");
        } else {
            root().apply(op);
        }
    }

    private static String checkedHash(String h) throws Selector.RuleException {
        if (h.length() != 64) {
            throw new Selector.RuleException(Selector.Error.EBADMSG);
        }
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if ((c < 'a' || c > 'f') && (c < '0' || c > '9')) {
                throw new Selector.RuleException(Selector.Error.EBADMSG);
            }
        }
        return h;
    }

    /** SHA-256 of the password's bytes (ISO-8859-1 strings carry raw bytes) as lower-case hex. */
    static String hash(String password) {
        return hash(password.getBytes(StandardCharsets.ISO_8859_1));
    }

    static String hash(byte[] password) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(password);
            StringBuilder b = new StringBuilder(64);
            for (byte x : d) {
                b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
            }
            return b.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Whether the password matches (nopass matches anything); compares every stored hash in full. */
    boolean checkPassword(byte[] password) {
        if ((flags & NOPASS) != 0) {
            return true;
        }
        byte[] h = hash(password).getBytes(StandardCharsets.ISO_8859_1);
        boolean ok = false;
        for (String p : passwords) {
            ok |= MessageDigest.isEqual(h, p.getBytes(StandardCharsets.ISO_8859_1));
        }
        return ok;
    }

    /** The rules after "user name " in ACL LIST and the ACL file (ACLDescribeUser). */
    String describe() {
        if (described != null) {
            return described;
        }
        StringBuilder b = new StringBuilder();
        for (int j = 0; j < FLAG_NAMES.length; j++) {
            if ((flags & (1 << j)) != 0) {
                b.append(FLAG_NAMES[j]).append(' ');
            }
        }
        for (String p : passwords) {
            b.append('#').append(p).append(' ');
        }
        for (Selector s : selectors) {
            if ((s.flags & Selector.ROOT) != 0) {
                b.append(s.describe());
            } else {
                b.append(" (").append(s.describe()).append(')');
            }
        }
        described = b.toString();
        return described;
    }
}
