package io.cinnabar.server.internal.command;

/**
 * The arguments the slow log and MONITOR show as {@code (redacted)}, as Redis's redactClientCommandArgument calls
 * mark them: every argument of ACL SETUSER after the sub-command, the password (and user name) of AUTH, the user
 * name and password after HELLO's AUTH and MIGRATE's AUTH / AUTH2, and the value of a sensitive option
 * (masterauth, masteruser, requirepass) in CONFIG SET. Derived from the arguments alone, so a command refused
 * after Redis marks its arguments shows them redacted as well.
 * <p><b>Note:</b> This class is stateless.
 */
public final class Redaction {
    /** The text shown in place of a redacted argument. */
    public static final byte[] REDACTED = "(redacted)".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private Redaction() {
    }

    /**
     * The redacted arguments of c's current command: bit i for argument i &lt; 63; bit 63 stands for every
     * argument from 63 on. Zero for every other command.
     */
    public static long mask(Client c) {
        int argc = c.argc;
        if (argc < 2) {
            return 0;
        }
        if (c.argIs(0, "auth")) {
            return argc == 2 ? 1L << 1 : argc == 3 ? (1L << 1) | (1L << 2) : 0;
        }
        if (c.argIs(0, "acl")) {
            return argc >= 3 && c.argIs(1, "setuser") ? -1L << 2 : 0;
        }
        if (c.argIs(0, "config")) {
            long m = 0;
            if (c.argIs(1, "set")) {
                for (int i = 2; i + 1 < argc && i + 1 < 63; i += 2) {
                    if (c.argIs(i, "masterauth") || c.argIs(i, "masteruser") || c.argIs(i, "requirepass")) {
                        m |= 1L << (i + 1);
                    }
                }
            }
            return m;
        }
        if (c.argIs(0, "hello")) {
            long m = 0;
            for (int j = 2; j < argc && j + 2 < 63; j++) {
                if (c.argIs(j, "auth") && argc - 1 - j >= 2) {
                    m |= (1L << (j + 1)) | (1L << (j + 2));
                    j += 2;
                } else if (c.argIs(j, "setname") && argc - 1 - j >= 1) {
                    j++;
                }
            }
            return m;
        }
        if (c.argIs(0, "migrate")) {
            long m = 0;
            for (int j = 6; j < argc && j + 1 < 63; j++) {
                if (c.argIs(j, "keys")) {
                    break;
                } else if (c.argIs(j, "auth") && j + 1 < argc) {
                    m |= 1L << ++j;
                } else if (c.argIs(j, "auth2") && j + 2 < argc && j + 2 < 63) {
                    m |= (1L << (j + 1)) | (1L << (j + 2));
                    j += 2;
                }
            }
            return m;
        }
        return 0;
    }

    /** True when argument i is redacted in mask m. */
    public static boolean redacted(long m, int i) {
        return m != 0 && (m & (1L << Math.min(i, 63))) != 0;
    }
}
