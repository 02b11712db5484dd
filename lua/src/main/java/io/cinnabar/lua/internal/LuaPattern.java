package io.cinnabar.lua.internal;

import io.cinnabar.lua.LuaError;
import io.cinnabar.lua.LuaFunction;
import io.cinnabar.lua.LuaString;
import io.cinnabar.lua.LuaTable;
import java.io.ByteArrayOutputStream;

/** Lua 5.1 patterns: find, match, gmatch (and gfind), gsub. */
final class LuaPattern {
    private static final int MAX_CAPTURES = 32;
    private static final int CAP_UNFINISHED = -1;
    private static final int CAP_POSITION = -2;
    private static final String SPECIALS = "^$*+?.([%-";

    // ---- one matching run

    private final byte[] s;
    private final int sOff; // the subject is s[sOff, sEnd)
    private final int sEnd;
    private final byte[] p;
    private final int pOff;
    private final int pEnd;
    int level;
    final int[] capStart = new int[MAX_CAPTURES];
    final int[] capLen = new int[MAX_CAPTURES];

    private final Interp in;
    /** Matching steps since the hook was last charged. */
    private int steps;

    private LuaPattern(Interp in, LuaString src, LuaString pat) {
        this.in = in;
        s = src.array();
        sOff = src.offset();
        sEnd = sOff + src.length();
        p = pat.array();
        pOff = pat.offset();
        int e = pOff;
        int pe = pOff + pat.length();
        while (e < pe && p[e] != 0) {
            e++; // Lua 5.1 reads the pattern as a C string
        }
        pEnd = e;
    }

    private int pc(int i) {
        return i < pEnd ? p[i] & 0xff : 0;
    }

    private int classEnd(int i) {
        int c = pc(i++);
        if (c == '%') {
            if (i >= pEnd) {
                throw LuaError.fromLibrary("malformed pattern (ends with '%')");
            }
            return i + 1;
        }
        if (c == '[') {
            if (pc(i) == '^') {
                i++;
            }
            do {
                if (i >= pEnd) {
                    throw LuaError.fromLibrary("malformed pattern (missing ']')");
                }
                int cc = pc(i++);
                if (cc == '%' && i < pEnd) {
                    i++;
                }
            } while (pc(i) != ']');
            return i + 1;
        }
        return i;
    }

    private static boolean matchClass(int c, int cl) {
        boolean r;
        switch (cl | 0x20) {
            case 'a': r = isAlpha(c); break;
            case 'c': r = c < 32 || c == 127; break;
            case 'd': r = c >= '0' && c <= '9'; break;
            case 'l': r = c >= 'a' && c <= 'z'; break;
            case 'p': r = isPunct(c); break;
            case 's': r = c == ' ' || (c >= 9 && c <= 13); break;
            case 'u': r = c >= 'A' && c <= 'Z'; break;
            case 'w': r = isAlpha(c) || (c >= '0' && c <= '9'); break;
            case 'x': r = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); break;
            case 'z': r = c == 0; break;
            default: return cl == c;
        }
        return (cl >= 'A' && cl <= 'Z') != r;
    }

    private static boolean isAlpha(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isPunct(int c) {
        return c > 32 && c < 127 && !isAlpha(c) && !(c >= '0' && c <= '9');
    }

    /** p[i] is '['; ec is the index of the closing ']'. */
    private boolean matchBracket(int c, int i, int ec) {
        boolean sig = true;
        if (pc(i + 1) == '^') {
            sig = false;
            i++;
        }
        while (++i < ec) {
            int pi = pc(i);
            if (pi == '%') {
                i++;
                if (matchClass(c, pc(i))) {
                    return sig;
                }
            } else if (pc(i + 1) == '-' && i + 2 < ec) {
                i += 2;
                if (pi <= c && c <= pc(i)) {
                    return sig;
                }
            } else if (pi == c) {
                return sig;
            }
        }
        return !sig;
    }

    private boolean singleMatch(int si, int pi, int ep) {
        if (si >= sEnd) {
            return false;
        }
        int c = s[si] & 0xff;
        switch (pc(pi)) {
            case '.': return true;
            case '%': return matchClass(c, pc(pi + 1));
            case '[': return matchBracket(c, pi, ep - 1);
            default: return pc(pi) == c;
        }
    }

    /** The end of the match of p[pi..] at s[si..], or -1. */
    int match(int si, int pi) {
        step();
        while (true) {
            if (pi >= pEnd) {
                return si;
            }
            switch (pc(pi)) {
                case '(':
                    if (pc(pi + 1) == ')') {
                        return startCapture(si, pi + 2, CAP_POSITION);
                    }
                    return startCapture(si, pi + 1, CAP_UNFINISHED);
                case ')':
                    return endCapture(si, pi + 1);
                case '%':
                    switch (pc(pi + 1)) {
                        case 'b':
                            si = matchBalance(si, pi + 2);
                            if (si == -1) {
                                return -1;
                            }
                            pi += 4;
                            continue;
                        case 'f': {
                            pi += 2;
                            if (pc(pi) != '[') {
                                throw LuaError.fromLibrary("missing '[' after '%f' in pattern");
                            }
                            int ep = classEnd(pi);
                            int prev = si == sOff ? 0 : s[si - 1] & 0xff;
                            int cur = si < sEnd ? s[si] & 0xff : 0;
                            if (matchBracket(prev, pi, ep - 1) || !matchBracket(cur, pi, ep - 1)) {
                                return -1;
                            }
                            pi = ep;
                            continue;
                        }
                        default:
                            if (pc(pi + 1) >= '0' && pc(pi + 1) <= '9') {
                                si = matchCapture(si, pc(pi + 1));
                                if (si == -1) {
                                    return -1;
                                }
                                pi += 2;
                                continue;
                            }
                    }
                    break;
                case '$':
                    if (pi + 1 == pEnd) {
                        return si == sEnd ? si : -1;
                    }
                    break;
                default:
                    break;
            }
            int ep = classEnd(pi);
            boolean m = singleMatch(si, pi, ep);
            switch (pc(ep)) {
                case '?': {
                    if (m) {
                        int r = match(si + 1, ep + 1);
                        if (r != -1) {
                            return r;
                        }
                    }
                    pi = ep + 1;
                    continue;
                }
                case '*':
                    return maxExpand(si, pi, ep);
                case '+':
                    return m ? maxExpand(si + 1, pi, ep) : -1;
                case '-':
                    return minExpand(si, pi, ep);
                default:
                    if (!m) {
                        return -1;
                    }
                    si++;
                    pi = ep;
            }
        }
    }

    /** Charges the hook once per 4096 matching steps, so a pathological pattern can be stopped. */
    private void step() {
        if (++steps == 4096) {
            steps = 0;
            in.charge(1);
        }
    }

    private int maxExpand(int si, int pi, int ep) {
        int i = 0;
        while (singleMatch(si + i, pi, ep)) {
            i++;
            step();
        }
        while (i >= 0) {
            int r = match(si + i, ep + 1);
            if (r != -1) {
                return r;
            }
            i--;
        }
        return -1;
    }

    private int minExpand(int si, int pi, int ep) {
        while (true) {
            int r = match(si, ep + 1);
            if (r != -1) {
                return r;
            }
            if (singleMatch(si, pi, ep)) {
                si++;
            } else {
                return -1;
            }
        }
    }

    private int startCapture(int si, int pi, int what) {
        if (level >= MAX_CAPTURES) {
            throw LuaError.fromLibrary("too many captures");
        }
        capStart[level] = si;
        capLen[level] = what;
        level++;
        int r = match(si, pi);
        if (r == -1) {
            level--;
        }
        return r;
    }

    private int endCapture(int si, int pi) {
        int l = -1;
        for (int k = level - 1; k >= 0; k--) {
            if (capLen[k] == CAP_UNFINISHED) {
                l = k;
                break;
            }
        }
        if (l < 0) {
            throw LuaError.fromLibrary("invalid pattern capture");
        }
        capLen[l] = si - capStart[l];
        int r = match(si, pi);
        if (r == -1) {
            capLen[l] = CAP_UNFINISHED;
        }
        return r;
    }

    private int matchBalance(int si, int pi) {
        if (pi + 1 >= pEnd) {
            throw LuaError.fromLibrary("unbalanced pattern");
        }
        if (si >= sEnd || (s[si] & 0xff) != pc(pi)) {
            return -1;
        }
        int b = pc(pi);
        int e = pc(pi + 1);
        int cont = 1;
        int i = si + 1;
        while (i < sEnd) {
            int c = s[i] & 0xff;
            if (c == e) {
                if (--cont == 0) {
                    return i + 1;
                }
            } else if (c == b) {
                cont++;
            }
            i++;
        }
        return -1;
    }

    private int matchCapture(int si, int l) {
        l = checkCapture(l);
        int len = capLen[l];
        if (sEnd - si >= len && java.util.Arrays.equals(s, capStart[l], capStart[l] + len, s, si, si + len)) {
            return si + len;
        }
        return -1;
    }

    private int checkCapture(int l) {
        l -= '1';
        if (l < 0 || l >= level || capLen[l] == CAP_UNFINISHED) {
            throw LuaError.fromLibrary("invalid capture index");
        }
        return l;
    }

    /** Capture i (0-based) of a match s[si, e). */
    Object capture(int i, int si, int e) {
        if (i >= level) {
            if (i == 0) {
                return LuaString.copyOf(s, si, e - si);
            }
            throw LuaError.fromLibrary("invalid capture index");
        }
        int l = capLen[i];
        if (l == CAP_UNFINISHED) {
            throw LuaError.fromLibrary("unfinished capture");
        }
        if (l == CAP_POSITION) {
            return (double) (capStart[i] - sOff + 1);
        }
        return LuaString.copyOf(s, capStart[i], l);
    }

    /** All captures (or the whole match when there are none). */
    Object[] captures(int si, int e, boolean wholeIfNone) {
        int n = level == 0 && wholeIfNone ? 1 : level;
        Object[] r = new Object[n];
        for (int i = 0; i < n; i++) {
            r[i] = capture(i, si, e);
        }
        return r;
    }

    private int matchSafe(int si, int pi) {
        try {
            return match(si, pi);
        } catch (StackOverflowError e) {
            throw LuaError.fromLibrary("pattern too complex");
        }
    }

    // ---- library functions

    private static boolean noSpecials(LuaString pat) {
        for (int i = 0; i < pat.length(); i++) {
            int c = pat.byteAt(i);
            if (c == 0) {
                return true; // strpbrk stops at the zero byte
            }
            if (SPECIALS.indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(LuaString s, LuaString sub, int from) {
        int n = s.length();
        int m = sub.length();
        outer:
        for (int i = from; i + m <= n; i++) {
            for (int k = 0; k < m; k++) {
                if (s.byteAt(i + k) != sub.byteAt(k)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static Object[] strFind(Interp in, Object[] a, boolean find) {
        LuaString src = Lib.checkStr(a, 0);
        LuaString pat = Lib.checkStr(a, 1);
        int ls = src.length();
        int init = StringLib.posrelat(Lib.optInteger(a, 2, 1), ls) - 1;
        if (init < 0) {
            init = 0;
        } else if (init > ls) {
            init = ls;
        }
        if (find && (Interp.truthy(Lib.arg(a, 3)) || noSpecials(pat))) {
            int i = indexOf(src, pat, init);
            return i < 0 ? Lib.one(null) : new Object[] {(double) (i + 1), (double) (i + pat.length())};
        }
        LuaPattern m = new LuaPattern(in, src, pat);
        int pi = m.pOff;
        boolean anchor = m.pc(pi) == '^';
        if (anchor) {
            pi++;
        }
        int si = m.sOff + init;
        do {
            m.level = 0;
            int e = m.matchSafe(si, pi);
            if (e != -1) {
                if (find) {
                    Object[] caps = m.captures(si, e, false);
                    Object[] r = new Object[caps.length + 2];
                    r[0] = (double) (si - m.sOff + 1);
                    r[1] = (double) (e - m.sOff);
                    System.arraycopy(caps, 0, r, 2, caps.length);
                    return r;
                }
                return m.captures(si, e, true);
            }
        } while (si++ < m.sEnd && !anchor);
        return Lib.one(null);
    }

    static void install(Interp in, LuaTable str) {
        Lib.reg(str, new Lib("find") {
            @Override
            public Object[] call(Object[] a) {
                return strFind(in, a, true);
            }
        });
        Lib.reg(str, new Lib("match") {
            @Override
            public Object[] call(Object[] a) {
                return strFind(in, a, false);
            }
        });
        Lib gmatch = new Lib("gmatch") {
            @Override
            public Object[] call(Object[] a) {
                LuaString src = Lib.checkStr(a, 0);
                LuaString pat = Lib.checkStr(a, 1);
                return one(new LuaFunction() {
                    int pos = 0;

                    @Override
                    public Object[] call(Object[] ignored) {
                        LuaPattern m = new LuaPattern(in, src, pat);
                        for (int si = m.sOff + pos; si <= m.sEnd; si++) {
                            m.level = 0;
                            int e = m.matchSafe(si, m.pOff);
                            if (e != -1) {
                                int next = e - m.sOff;
                                if (e == si) {
                                    next++;
                                }
                                pos = next;
                                return m.captures(si, e, true);
                            }
                        }
                        pos = src.length() + 1;
                        return one(null);
                    }
                });
            }
        };
        Lib.reg(str, gmatch);
        str.put("gfind", gmatch);
        Lib.reg(str, new Lib("gsub") {
            @Override
            public Object[] call(Object[] a) {
                return gsub(in, a);
            }
        });
    }

    private static Object[] gsub(Interp in, Object[] a) {
        LuaString src = Lib.checkStr(a, 0);
        LuaString pat = Lib.checkStr(a, 1);
        Object repl = Lib.arg(a, 2);
        int maxN = Lib.optInt(a, 3, src.length() + 1);
        if (!(repl instanceof Double || repl instanceof LuaString || repl instanceof LuaTable
                || repl instanceof LuaFunction)) {
            throw LuaError.argError(3, "string/function/table expected");
        }
        LuaString replStr = repl instanceof LuaTable || repl instanceof LuaFunction ? null : Interp.toStr(repl);
        LuaPattern m = new LuaPattern(in, src, pat);
        int pi = m.pOff;
        boolean anchor = m.pc(pi) == '^';
        if (anchor) {
            pi++;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(src.length());
        int si = m.sOff;
        int n = 0;
        while (n < maxN) {
            m.level = 0;
            int e = m.matchSafe(si, pi);
            if (e != -1) {
                n++;
                addValue(in, m, out, si, e, repl, replStr);
            }
            if (e != -1 && e > si) {
                si = e;
            } else if (si < m.sEnd) {
                put(in, out, m.s[si++]);
            } else {
                break;
            }
            if (anchor) {
                break;
            }
        }
        put(in, out, m.s, si, m.sEnd - si);
        return new Object[] {LuaString.wrap(out.toByteArray()), (double) n};
    }

    /** Appends to a gsub result, refusing one past the memory limit. */
    private static void put(Interp in, ByteArrayOutputStream out, byte[] b, int off, int len) {
        long size = (long) out.size() + len;
        in.checkSize(size);
        if (len >= 1 << 16) {
            in.reserve(2 * size);
        }
        out.write(b, off, len);
    }

    private static void put(Interp in, ByteArrayOutputStream out, int c) {
        in.checkSize(out.size() + 1L);
        out.write(c);
    }

    private static void addValue(Interp in, LuaPattern m, ByteArrayOutputStream out, int si, int e, Object repl,
            LuaString rs) {
        Object v;
        if (rs != null) {
            int n = rs.length();
            for (int i = 0; i < n; i++) {
                int c = rs.byteAt(i);
                if (c != '%') {
                    put(in, out, c);
                    continue;
                }
                i++;
                int d = i < n ? rs.byteAt(i) : 0;
                if (d < '0' || d > '9') {
                    if (i < n) {
                        put(in, out, d);
                    }
                    continue;
                }
                Object cap = d == '0' ? LuaString.copyOf(m.s, si, e - si) : m.capture(d - '1', si, e);
                LuaString cs = Interp.toStr(cap);
                put(in, out, cs.array(), cs.offset(), cs.length());
            }
            return;
        }
        Object first = m.capture(0, si, e);
        if (repl instanceof LuaTable t) {
            v = in.index(null, 0, t, first, null);
        } else {
            v = Interp.first(in.call(repl, m.captures(si, e, true)));
        }
        if (!Interp.truthy(v)) {
            put(in, out, m.s, si, e - si);
            return;
        }
        LuaString vs = v instanceof LuaString || v instanceof Double ? Interp.toStr(v) : null;
        if (vs == null) {
            throw LuaError.fromLibrary("invalid replacement value (a " + Interp.typeName(v) + ")");
        }
        put(in, out, vs.array(), vs.offset(), vs.length());
    }
}
