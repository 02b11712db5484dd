package io.cinnabar.server.internal.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Redis's {@code sdssplitargs} (the config-file tokenizer) and {@code sdscatrepr} (its inverse, used to turn
 * command-line options into config lines).
 * <p><b>Note:</b> This class is not threadsafe (stateless).
 */
public final class Args {
    private Args() {
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0x0b || c == '\f';
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    /** Splits a line into arguments; null when quotes are unbalanced (or a closing quote is not followed by space). */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        int p = 0;
        int n = line.length();
        while (true) {
            while (p < n && isSpace(line.charAt(p))) {
                p++;
            }
            if (p >= n) {
                return out;
            }
            boolean inq = false;
            boolean insq = false;
            StringBuilder cur = new StringBuilder();
            while (true) {
                if (inq) {
                    if (p >= n) {
                        return null;
                    }
                    char c = line.charAt(p);
                    if (c == '\\' && p + 3 < n && line.charAt(p + 1) == 'x' && hex(line.charAt(p + 2)) >= 0
                            && hex(line.charAt(p + 3)) >= 0) {
                        cur.append((char) (hex(line.charAt(p + 2)) * 16 + hex(line.charAt(p + 3))));
                        p += 3;
                    } else if (c == '\\' && p + 1 < n) {
                        p++;
                        char e = line.charAt(p);
                        switch (e) {
                            case 'n' -> cur.append('\n');
                            case 'r' -> cur.append('\r');
                            case 't' -> cur.append('\t');
                            case 'b' -> cur.append('\b');
                            case 'a' -> cur.append((char) 7);
                            default -> cur.append(e);
                        }
                    } else if (c == '"') {
                        if (p + 1 < n && !isSpace(line.charAt(p + 1))) {
                            return null;
                        }
                        p++;
                        break;
                    } else {
                        cur.append(c);
                    }
                } else if (insq) {
                    if (p >= n) {
                        return null;
                    }
                    char c = line.charAt(p);
                    if (c == '\\' && p + 1 < n && line.charAt(p + 1) == '\'') {
                        p++;
                        cur.append('\'');
                    } else if (c == '\'') {
                        if (p + 1 < n && !isSpace(line.charAt(p + 1))) {
                            return null;
                        }
                        p++;
                        break;
                    } else {
                        cur.append(c);
                    }
                } else {
                    if (p >= n) {
                        break;
                    }
                    char c = line.charAt(p);
                    if (isSpace(c)) {
                        break;
                    } else if (c == '"') {
                        inq = true;
                    } else if (c == '\'') {
                        insq = true;
                    } else {
                        cur.append(c);
                    }
                }
                p++;
            }
            out.add(cur.toString());
        }
    }

    /** Redis's sdscatrepr: a double-quoted, escaped representation. */
    public static String repr(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case 7 -> b.append("\\a");
                case '\b' -> b.append("\\b");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        b.append(c);
                    } else {
                        b.append(String.format("\\x%02x", c & 0xff));
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** sdscatrepr over bytes (used for MONITOR, CLIENT LIST). */
    public static void repr(StringBuilder b, byte[] s, int off, int len) {
        b.append('"');
        for (int i = off; i < off + len; i++) {
            int c = s[i] & 0xff;
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case 7 -> b.append("\\a");
                case '\b' -> b.append("\\b");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        b.append((char) c);
                    } else {
                        b.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    }
                }
            }
        }
        b.append('"');
    }
}
