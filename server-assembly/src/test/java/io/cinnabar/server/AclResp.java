package io.cinnabar.server;

import java.util.ArrayList;
import java.util.List;

/**
 * A small reader of the raw RESP text that testkit's RespClient returns: simple strings, errors (kept with their
 * leading '-'), integers (as Long), bulk strings, null (as null), arrays/sets/maps (as lists, maps flattened).
 * Used by the ACL tests to look inside ACL GETUSER and ACL LOG replies.
 */
final class AclResp {
    private final String s;
    private int pos;

    private AclResp(String s) {
        this.s = s;
    }

    static Object parse(String raw) {
        AclResp r = new AclResp(raw);
        Object o = r.next();
        if (r.pos != raw.length()) {
            throw new IllegalArgumentException("trailing bytes in " + raw);
        }
        return o;
    }

    private String line() {
        int e = s.indexOf("\r\n", pos);
        String l = s.substring(pos, e);
        pos = e + 2;
        return l;
    }

    private Object next() {
        char t = s.charAt(pos++);
        String l = line();
        switch (t) {
            case '+', ',':
                return l;
            case '-':
                return "-" + l;
            case ':':
                return Long.parseLong(l);
            case '_':
                return null;
            case '$', '=': {
                int n = Integer.parseInt(l);
                if (n < 0) {
                    return null;
                }
                String v = s.substring(pos, pos + n);
                pos += n + 2;
                return v;
            }
            case '*', '~', '%': {
                int n = Integer.parseInt(l);
                if (n < 0) {
                    return null;
                }
                int count = t == '%' ? 2 * n : n;
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    out.add(next());
                }
                return out;
            }
            default:
                throw new IllegalArgumentException("unexpected type " + t + " in " + s);
        }
    }

    /** The value after key k in a flattened map. */
    static Object field(Object map, String k) {
        List<?> l = (List<?>) map;
        for (int i = 0; i + 1 < l.size(); i += 2) {
            if (k.equals(l.get(i))) {
                return l.get(i + 1);
            }
        }
        throw new IllegalArgumentException("no field " + k + " in " + map);
    }
}
