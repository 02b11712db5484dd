package io.cinnabar.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * Raw RESP2/RESP3 replies (as {@link RespClient} returns them) taken apart: the top-level elements of an
 * aggregate, each as its own raw reply, and canonical forms for replies whose order Redis leaves unspecified.
 */
public final class Replies {
    private Replies() {
    }

    /**
     * The raw top-level elements of an array, set, push or map reply (a map's keys and values alternate); an empty
     * list for a null or a scalar.
     */
    public static List<String> elements(String raw) {
        List<String> out = new ArrayList<>();
        if (raw.isEmpty()) {
            return out;
        }
        char t = raw.charAt(0);
        int e = raw.indexOf("\r\n");
        if ("*~>%".indexOf(t) < 0 || e < 0) {
            return out;
        }
        long n = Long.parseLong(raw.substring(1, e));
        if (t == '%') {
            n *= 2;
        }
        int p = e + 2;
        for (long i = 0; i < n; i++) {
            int end = end(raw, p);
            out.add(raw.substring(p, end));
            p = end;
        }
        return out;
    }

    /** The end offset of the reply that starts at {@code p}. */
    static int end(String s, int p) {
        char t = s.charAt(p);
        int e = s.indexOf("\r\n", p);
        String head = s.substring(p + 1, e);
        int q = e + 2;
        switch (t) {
            case '$', '=', '!' -> {
                long n = Long.parseLong(head);
                return n < 0 ? q : (int) (q + n + 2);
            }
            case '*', '~', '>', '%', '|' -> {
                long n = Long.parseLong(head);
                if (t == '%' || t == '|') {
                    n *= 2;
                }
                for (long i = 0; i < n; i++) {
                    q = end(s, q);
                }
                return t == '|' ? end(s, q) : q; // an attribute precedes the reply it describes
            }
            default -> {
                return q;
            }
        }
    }

    /** The bytes of a bulk (or verbatim) string reply, null for a null bulk; the line of a simple reply. */
    public static String bulk(String raw) {
        int e = raw.indexOf("\r\n");
        char t = raw.charAt(0);
        if (t == '$' || t == '=' || t == '!') {
            long n = Long.parseLong(raw.substring(1, e));
            return n < 0 ? null : raw.substring(e + 2, (int) (e + 2 + n));
        }
        return raw.substring(1, e);
    }

    /** An aggregate with its top-level elements (groups of {@code width}: 2 for field/value pairs) sorted. */
    public static String sorted(String raw, int width) {
        List<String> e = elements(raw);
        if (e.isEmpty()) {
            return raw;
        }
        List<String> groups = new ArrayList<>();
        for (int i = 0; i + width <= e.size(); i += width) {
            groups.add(String.join("", e.subList(i, i + width)));
        }
        groups.sort(null);
        return raw.substring(0, raw.indexOf("\r\n") + 2) + "sorted:" + String.join("", groups);
    }
}
