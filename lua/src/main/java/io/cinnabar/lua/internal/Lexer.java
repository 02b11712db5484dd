package io.cinnabar.lua.internal;

import io.cinnabar.lua.LuaError;
import io.cinnabar.lua.LuaString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.HashMap;

/** Lua 5.1's lexer over bytes, with its error messages ("chunk:line: msg near 'token'"). */
final class Lexer {
    static final int EOF = -1;
    static final int NAME = 256;
    static final int STRING = 257;
    static final int NUMBER = 258;
    // reserved words
    static final int AND = 260, BREAK = 261, DO = 262, ELSE = 263, ELSEIF = 264, END = 265, FALSE = 266,
            FOR = 267, FUNCTION = 268, IF = 269, IN = 270, LOCAL = 271, NIL = 272, NOT = 273, OR = 274,
            REPEAT = 275, RETURN = 276, THEN = 277, TRUE = 278, UNTIL = 279, WHILE = 280;
    // multi-char symbols
    static final int CONCAT = 290, DOTS = 291, EQ = 292, GE = 293, LE = 294, NE = 295;

    private static final String[] WORDS = {"and", "break", "do", "else", "elseif", "end", "false", "for",
        "function", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while"};
    private static final Map<String, Integer> RESERVED = new HashMap<>();

    static {
        for (int i = 0; i < WORDS.length; i++) {
            RESERVED.put(WORDS[i], AND + i);
        }
    }

    private final byte[] src;
    private int pos;
    final String chunk;
    int line = 1;
    int lastLine = 1;

    int tok;
    LuaString sval;
    double nval;
    private int tokStart;
    private int tokEnd;
    private int tokLine;

    // one token of lookahead
    private int aTok = Integer.MIN_VALUE;
    private LuaString aS;
    private double aN;
    private int aStart;
    private int aEnd;
    private int aLine;
    private int aAfterLine;
    private int aAfterPos;

    Lexer(byte[] src, String chunk) {
        this.src = src;
        this.chunk = chunk;
    }

    static String tokenText(int t) {
        if (t == EOF) {
            return "<eof>";
        }
        if (t < 256) {
            return String.valueOf((char) t);
        }
        if (t >= AND && t <= WHILE) {
            return WORDS[t - AND];
        }
        switch (t) {
            case CONCAT: return "..";
            case DOTS: return "...";
            case EQ: return "==";
            case GE: return ">=";
            case LE: return "<=";
            case NE: return "~=";
            case NAME: return "<name>";
            case STRING: return "<string>";
            case NUMBER: return "<number>";
            default: return "?";
        }
    }

    /** The current token as the "near" part of an error shows it. */
    String currentText() {
        if (tok == NAME || tok == STRING || tok == NUMBER) {
            return new String(src, tokStart, tokEnd - tokStart, StandardCharsets.ISO_8859_1);
        }
        return tokenText(tok);
    }

    LuaError error(String msg, boolean withToken) {
        String m = chunk + ":" + line + ": " + msg;
        if (withToken) {
            m += " near '" + currentText() + "'";
        }
        return new LuaError(LuaString.of(m));
    }

    private LuaError lexError(String msg, String near) {
        return new LuaError(LuaString.of(chunk + ":" + line + ": " + msg + (near == null ? "" : " near '" + near + "'")));
    }

    void next() {
        lastLine = line;
        if (aTok != Integer.MIN_VALUE) {
            tok = aTok;
            sval = aS;
            nval = aN;
            tokStart = aStart;
            tokEnd = aEnd;
            tokLine = aLine;
            line = aAfterLine;
            pos = aAfterPos;
            aTok = Integer.MIN_VALUE;
            return;
        }
        tok = scan();
        tokLine = line;
    }

    int peek() {
        if (aTok == Integer.MIN_VALUE) {
            int t0 = tok;
            LuaString s0 = sval;
            double n0 = nval;
            int st0 = tokStart;
            int en0 = tokEnd;
            int l0 = line;
            int p0 = pos;
            int tl0 = tokLine;
            aTok = scan();
            aS = sval;
            aN = nval;
            aStart = tokStart;
            aEnd = tokEnd;
            aLine = line;
            aAfterLine = line;
            aAfterPos = pos;
            tok = t0;
            sval = s0;
            nval = n0;
            tokStart = st0;
            tokEnd = en0;
            line = l0;
            pos = p0;
            tokLine = tl0;
        }
        return aTok;
    }

    private int ch(int p) {
        return p < src.length ? src[p] & 0xff : -1;
    }

    private void newline() {
        int c = src[pos];
        pos++;
        if (pos < src.length && (src[pos] == '\n' || src[pos] == '\r') && src[pos] != c) {
            pos++;
        }
        line++;
    }

    private int scan() {
        while (true) {
            int c = ch(pos);
            tokStart = pos;
            switch (c) {
                case -1:
                    tokEnd = pos;
                    return EOF;
                case '\n':
                case '\r':
                    newline();
                    continue;
                case ' ': case '\t': case 0x0b: case '\f':
                    pos++;
                    continue;
                case '-':
                    if (ch(pos + 1) != '-') {
                        pos++;
                        return '-';
                    }
                    pos += 2;
                    if (ch(pos) == '[') {
                        int level = longBracketLevel();
                        if (level >= 0) {
                            longString(level, false);
                            continue;
                        }
                    }
                    while (pos < src.length && src[pos] != '\n' && src[pos] != '\r') {
                        pos++;
                    }
                    continue;
                case '[': {
                    int level = longBracketLevel();
                    if (level >= 0) {
                        sval = longString(level, true);
                        tokEnd = pos;
                        return STRING;
                    } else if (level == -1) {
                        pos++;
                        return '[';
                    }
                    int near = pos + 1;
                    while (ch(near) == '=') {
                        near++;
                    }
                    throw lexError("invalid long string delimiter", new String(src, tokStart, near - tokStart,
                            StandardCharsets.ISO_8859_1));
                }
                case '=':
                    pos++;
                    if (ch(pos) == '=') {
                        pos++;
                        return EQ;
                    }
                    return '=';
                case '<':
                    pos++;
                    if (ch(pos) == '=') {
                        pos++;
                        return LE;
                    }
                    return '<';
                case '>':
                    pos++;
                    if (ch(pos) == '=') {
                        pos++;
                        return GE;
                    }
                    return '>';
                case '~':
                    pos++;
                    if (ch(pos) == '=') {
                        pos++;
                        return NE;
                    }
                    return '~';
                case '"':
                case '\'':
                    sval = string(c);
                    tokEnd = pos;
                    return STRING;
                case '.':
                    if (ch(pos + 1) == '.') {
                        if (ch(pos + 2) == '.') {
                            pos += 3;
                            return DOTS;
                        }
                        pos += 2;
                        return CONCAT;
                    }
                    if (!isDigit(ch(pos + 1))) {
                        pos++;
                        return '.';
                    }
                    return number();
                default:
                    if (isDigit(c)) {
                        return number();
                    }
                    if (isAlpha(c)) {
                        while (isAlnum(ch(pos))) {
                            pos++;
                        }
                        tokEnd = pos;
                        String w = new String(src, tokStart, pos - tokStart, StandardCharsets.ISO_8859_1);
                        Integer r = RESERVED.get(w);
                        if (r != null) {
                            return r;
                        }
                        sval = LuaString.copyOf(src, tokStart, pos - tokStart);
                        return NAME;
                    }
                    pos++;
                    return c;
            }
        }
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAlpha(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isAlnum(int c) {
        return isAlpha(c) || isDigit(c);
    }

    private int number() {
        while (isDigit(ch(pos)) || ch(pos) == '.') {
            pos++;
        }
        if (ch(pos) == 'e' || ch(pos) == 'E') {
            pos++;
            if (ch(pos) == '+' || ch(pos) == '-') {
                pos++;
            }
        }
        while (isAlnum(ch(pos))) {
            pos++;
        }
        tokEnd = pos;
        Double d = NumFmt.parse(src, tokStart, pos - tokStart);
        if (d == null) {
            throw lexError("malformed number", new String(src, tokStart, pos - tokStart,
                    StandardCharsets.ISO_8859_1));
        }
        nval = d;
        return NUMBER;
    }

    /** At '[': the level of "[==[" (>= 0), -1 for a lone '[', -2 for "[=" without the second '['. */
    private int longBracketLevel() {
        int p = pos + 1;
        int level = 0;
        while (ch(p) == '=') {
            p++;
            level++;
        }
        if (ch(p) == '[') {
            return level;
        }
        return level == 0 ? -1 : -2;
    }

    private LuaString longString(int level, boolean keep) {
        pos += level + 2;
        if (ch(pos) == '\r' || ch(pos) == '\n') {
            newline();
        }
        ByteArrayOutputStream out = keep ? new ByteArrayOutputStream() : null;
        while (true) {
            int c = ch(pos);
            if (c == -1) {
                tokEnd = pos;
                throw lexError(keep ? "unfinished long string" : "unfinished long comment", "<eof>");
            }
            if (c == ']') {
                int p = pos + 1;
                int l = 0;
                while (ch(p) == '=') {
                    p++;
                    l++;
                }
                if (l == level && ch(p) == ']') {
                    pos = p + 1;
                    return keep ? LuaString.wrap(out.toByteArray()) : null;
                }
                if (keep) {
                    out.write(c);
                }
                pos++;
            } else if (c == '\n' || c == '\r') {
                newline();
                if (keep) {
                    out.write('\n');
                }
            } else {
                if (keep) {
                    out.write(c);
                }
                pos++;
            }
        }
    }

    private LuaString string(int quote) {
        pos++;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            int c = ch(pos);
            if (c == quote) {
                pos++;
                return LuaString.wrap(out.toByteArray());
            }
            switch (c) {
                case -1:
                    throw lexError("unfinished string", "<eof>");
                case '\n':
                case '\r':
                    throw lexError("unfinished string", new String(src, tokStart, pos - tokStart,
                            StandardCharsets.ISO_8859_1));
                case '\\': {
                    int backslash = pos;
                    pos++;
                    int e = ch(pos);
                    switch (e) {
                        case 'a': out.write(7); pos++; break;
                        case 'b': out.write(8); pos++; break;
                        case 'f': out.write(12); pos++; break;
                        case 'n': out.write(10); pos++; break;
                        case 'r': out.write(13); pos++; break;
                        case 't': out.write(9); pos++; break;
                        case 'v': out.write(11); pos++; break;
                        case '\n':
                        case '\r':
                            newline();
                            out.write('\n');
                            break;
                        case -1:
                            continue; // reported as unfinished string
                        default:
                            if (isDigit(e)) {
                                int v = 0;
                                int i = 0;
                                while (i < 3 && isDigit(ch(pos))) {
                                    v = v * 10 + ch(pos) - '0';
                                    pos++;
                                    i++;
                                }
                                if (v > 255) {
                                    throw lexError("escape sequence too large", new String(src, tokStart,
                                            backslash - tokStart, StandardCharsets.ISO_8859_1));
                                }
                                out.write(v);
                            } else {
                                out.write(e);
                                pos++;
                            }
                    }
                    break;
                }
                default:
                    out.write(c);
                    pos++;
            }
        }
    }
}
