package io.cinnabar.lua.internal;

import io.cinnabar.lua.LuaError;
import io.cinnabar.lua.LuaString;
import io.cinnabar.lua.LuaTable;
import java.io.ByteArrayOutputStream;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;

/** Redis's {@code cjson} (lua-cjson 2.1.0 with its defaults): encode, decode, {@code cjson.null}. */
public final class CjsonLib {
    private CjsonLib() {
    }

    /** {@code cjson.null}: a NULL light userdata. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "userdata: (nil)";
        }
    };

    /** One module instance's settings ({@code cjson.new()} makes another), lua-cjson 2.1.0's defaults. */
    static final class Config {
        boolean sparseConvert;
        int sparseRatio = 2;
        int sparseSafe = 10;
        int encodeMaxDepth = 1000;
        int decodeMaxDepth = 1000;
        int precision = 14;
        boolean keepBuffer = true;
        /** 0: refuse NaN/Inf, 1: write inf/nan as %g does, 2: write null. */
        int encodeInvalid;
        boolean decodeInvalid = true;
    }
    private static final String[] ESCAPES = new String[256];

    static {
        for (int c = 0; c < 32; c++) {
            ESCAPES[c] = String.format("\\u%04x", c);
        }
        ESCAPES['\b'] = "\\b";
        ESCAPES['\t'] = "\\t";
        ESCAPES['\n'] = "\\n";
        ESCAPES['\f'] = "\\f";
        ESCAPES['\r'] = "\\r";
        ESCAPES['"'] = "\\\"";
        ESCAPES['\\'] = "\\\\";
        ESCAPES['/'] = "\\/";
        ESCAPES[127] = "\\u007f";
    }

    public static void install(Interp in) {
        in.globals.put("cjson", module(in));
    }

    /** A module table with its own settings. */
    static LuaTable module(Interp in) {
        Config cfg = new Config();
        LuaTable t = new LuaTable();
        t.put("null", NULL);
        t.put("_NAME", LuaString.of("cjson"));
        t.put("_VERSION", LuaString.of("2.1.0"));
        Lib.reg(t, new Lib("new") {
            @Override
            public Object[] call(Object[] a) {
                return one(module(in));
            }
        });
        Lib.reg(t, new Lib("encode_sparse_array") {
            @Override
            public Object[] call(Object[] a) {
                argCount(a, 3);
                cfg.sparseConvert = enumOption(a, 0, cfg.sparseConvert ? 1 : 0, ON_OFF) != 0;
                cfg.sparseRatio = intOption(a, 1, cfg.sparseRatio, 0);
                cfg.sparseSafe = intOption(a, 2, cfg.sparseSafe, 0);
                return new Object[] {cfg.sparseConvert, (double) cfg.sparseRatio, (double) cfg.sparseSafe};
            }
        });
        depthSetting(t, "encode_max_depth", () -> cfg.encodeMaxDepth, d -> cfg.encodeMaxDepth = d);
        depthSetting(t, "decode_max_depth", () -> cfg.decodeMaxDepth, d -> cfg.decodeMaxDepth = d);
        Lib.reg(t, new Lib("encode_number_precision") {
            @Override
            public Object[] call(Object[] a) {
                argCount(a, 1);
                int p = cfg.precision;
                if (a.length > 0 && a[0] != null) {
                    p = checkInt(a, 0);
                    if (p < 1 || p > 14) {
                        throw LuaError.argError(1, "expected integer between 1 and 14");
                    }
                }
                cfg.precision = p;
                return one((double) p);
            }
        });
        onOffSetting(t, "encode_keep_buffer", () -> cfg.keepBuffer, v -> cfg.keepBuffer = v);
        Lib.reg(t, new Lib("encode_invalid_numbers") {
            @Override
            public Object[] call(Object[] a) {
                argCount(a, 1);
                cfg.encodeInvalid = enumOption(a, 0, cfg.encodeInvalid, INVALID_OPTIONS);
                return one(cfg.encodeInvalid > 1 ? LuaString.of(INVALID_OPTIONS[cfg.encodeInvalid])
                        : (Object) (cfg.encodeInvalid != 0));
            }
        });
        onOffSetting(t, "decode_invalid_numbers", () -> cfg.decodeInvalid, v -> cfg.decodeInvalid = v);
        Lib.reg(t, new Lib("encode") {
            @Override
            public Object[] call(Object[] a) {
                if (a.length != 1) {
                    throw LuaError.argError(1, "expected 1 argument");
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                encode(cfg, out, a[0], 0);
                return one(LuaString.wrap(out.toByteArray()));
            }
        });
        Lib.reg(t, new Lib("decode") {
            @Override
            public Object[] call(Object[] a) {
                if (a.length > 1) {
                    throw LuaError.argError(2, "found too many arguments");
                }
                LuaString s = checkStr(a, 0);
                if (s.length() >= 2 && (s.byteAt(0) == 0 || s.byteAt(1) == 0)) {
                    throw LuaError.fromLibrary("JSON parser does not support UTF-16 or UTF-32");
                }
                return one(new Decoder(cfg, s).decode());
            }
        });
        return t;
    }

    private static final String[] ON_OFF = {"off", "on"};
    private static final String[] INVALID_OPTIONS = {"off", "on", "null"};

    /** json_arg_init: at most {@code max} arguments. */
    private static void argCount(Object[] a, int max) {
        if (a.length > max) {
            throw LuaError.argError(max + 1, "found too many arguments");
        }
    }

    /** lua-cjson 2.1.0's json_enum_option: a boolean (false/true as the first two) or one of the names. */
    /** A setting taking an optional depth (an integer, at least 1); returns the depth now in force. */
    private static void depthSetting(LuaTable t, String name, IntSupplier get, IntConsumer set) {
        Lib.reg(t, new Lib(name) {
            @Override
            public Object[] call(Object[] a) {
                argCount(a, 1);
                set.accept(intOption(a, 0, get.getAsInt(), 1));
                return one((double) get.getAsInt());
            }
        });
    }

    /** A setting taking an optional "on" or "off" (or a boolean); returns the value now in force. */
    private static void onOffSetting(LuaTable t, String name, BooleanSupplier get, Consumer<Boolean> set) {
        Lib.reg(t, new Lib(name) {
            @Override
            public Object[] call(Object[] a) {
                argCount(a, 1);
                set.accept(enumOption(a, 0, get.getAsBoolean() ? 1 : 0, ON_OFF) != 0);
                return one(get.getAsBoolean());
            }
        });
    }

    private static int enumOption(Object[] a, int i, int current, String[] names) {
        if (i >= a.length || a[i] == null) {
            return current;
        }
        if (a[i] instanceof Boolean b) {
            return b ? 1 : 0;
        }
        LuaString s = Lib.checkStr(a, i);
        for (int k = 0; k < names.length; k++) {
            if (s.equals(LuaString.of(names[k]))) {
                return k;
            }
        }
        throw LuaError.argError(i + 1, "invalid option '" + s + "'");
    }

    /** json_integer_option: an integer in [min, INT_MAX]; its range error names argument 1, as 2.1.0 does. */
    private static int intOption(Object[] a, int i, int current, int min) {
        if (i >= a.length || a[i] == null) {
            return current;
        }
        int v = Lib.checkInt(a, i);
        if (v < min) {
            throw LuaError.argError(1, "expected integer between " + min + " and 2147483647");
        }
        return v;
    }

    private static LuaError cannot(Object v, String reason) {
        return LuaError.fromLibrary("Cannot serialise " + Interp.typeName(v) + ": " + reason);
    }

    private static void number(Config cfg, ByteArrayOutputStream out, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            if (cfg.encodeInvalid == 0) {
                throw cannot(d, "must not be NaN or Inf");
            }
            if (cfg.encodeInvalid == 2) {
                out.write('n');
                out.write('u');
                out.write('l');
                out.write('l');
                return;
            }
        }
        byte[] b = NumFmt.g(d, cfg.precision, false, false).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        out.write(b, 0, b.length);
    }

    private static void string(ByteArrayOutputStream out, LuaString s) {
        out.write('"');
        for (int i = 0; i < s.length(); i++) {
            int c = s.byteAt(i);
            String e = ESCAPES[c];
            if (e == null) {
                out.write(c);
            } else {
                for (int k = 0; k < e.length(); k++) {
                    out.write(e.charAt(k));
                }
            }
        }
        out.write('"');
    }

    static void encode(Config cfg, ByteArrayOutputStream out, Object v, int depth) {
        if (v == null || v == NULL) {
            out.write('n');
            out.write('u');
            out.write('l');
            out.write('l');
        } else if (v instanceof Boolean b) {
            byte[] x = (b ? "true" : "false").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            out.write(x, 0, x.length);
        } else if (v instanceof Double d) {
            number(cfg, out, d);
        } else if (v instanceof LuaString s) {
            string(out, s);
        } else if (v instanceof LuaTable t) {
            int len = arrayLength(cfg, t);
            if (depth + 1 > cfg.encodeMaxDepth) {
                throw LuaError.fromLibrary("Cannot serialise, excessive nesting (" + (depth + 1) + ")");
            }
            if (len > 0) {
                out.write('[');
                for (int i = 1; i <= len; i++) {
                    if (i > 1) {
                        out.write(',');
                    }
                    encode(cfg, out, t.get(i), depth + 1);
                }
                out.write(']');
            } else {
                out.write('{');
                boolean comma = false;
                for (int p = t.nextPosition(null); p >= 0; p = t.nextPosition(t.keyAt(p))) {
                    if (comma) {
                        out.write(',');
                    }
                    comma = true;
                    Object k = t.keyAt(p);
                    if (k instanceof Double d) {
                        out.write('"');
                        number(cfg, out, d);
                        out.write('"');
                    } else if (k instanceof LuaString s) {
                        string(out, s);
                    } else {
                        throw cannot(k, "table key must be a number or string");
                    }
                    out.write(':');
                    encode(cfg, out, t.valueAt(p), depth + 1);
                }
                out.write('}');
            }
        } else {
            throw cannot(v, "type not supported");
        }
    }

    /** -1 for an object; else the largest index (lua-cjson's lua_array_length with its sparse-array defaults). */
    private static int arrayLength(Config cfg, LuaTable t) {
        // C's "int max" assigned from a double: x86-64 turns an index past INT_MAX (or inf) into INT_MIN, which
        // makes the table an object; the ratio test is C's int arithmetic
        int max = 0;
        int items = 0;
        for (int p = t.nextPosition(null); p >= 0; p = t.nextPosition(t.keyAt(p))) {
            if (t.keyAt(p) instanceof Double k && k >= 1 && Math.floor(k) == k) {
                if (k > max) {
                    max = k < 2147483648.0 ? (int) (double) k : Integer.MIN_VALUE;
                }
                items++;
                continue;
            }
            return -1;
        }
        if (cfg.sparseRatio > 0 && max > items * cfg.sparseRatio && max > cfg.sparseSafe) {
            if (!cfg.sparseConvert) {
                throw LuaError.fromLibrary("Cannot serialise table: excessively sparse array");
            }
            return -1;
        }
        return max;
    }

    // ---- decoding

    private static final int T_OBJ_BEGIN = 0, T_OBJ_END = 1, T_ARR_BEGIN = 2, T_ARR_END = 3, T_STRING = 4,
            T_NUMBER = 5, T_BOOLEAN = 6, T_NULL = 7, T_COLON = 8, T_COMMA = 9, T_END = 10, T_ERROR = 12;
    private static final String[] TOKEN_NAMES = {"T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END",
        "T_STRING", "T_NUMBER", "T_BOOLEAN", "T_NULL", "T_COLON", "T_COMMA", "T_END", "T_WHITESPACE", "T_ERROR",
        "T_UNKNOWN"};

    private static final class Decoder {
        final Config cfg;
        final LuaString s;
        int index;
        int depth;
        // current token
        int type;
        int tokIndex;
        Object value;
        String error;

        Decoder(Config cfg, LuaString s) {
            this.cfg = cfg;
            this.s = s;
        }

        int ch(int i) {
            return i < s.length() ? s.byteAt(i) : 0; // the C text ends with a zero byte
        }

        Object decode() {
            next();
            Object v = value();
            next();
            if (type != T_END) {
                throw parseError("the end");
            }
            return v;
        }

        LuaError parseError(String expected) {
            String found = type == T_ERROR ? error : TOKEN_NAMES[type];
            return LuaError.fromLibrary("Expected " + expected + " but found " + found + " at character "
                    + (tokIndex + 1));
        }

        void setError(String e) {
            type = T_ERROR;
            tokIndex = index;
            error = e;
        }

        Object value() {
            switch (type) {
                case T_STRING:
                case T_NUMBER:
                case T_BOOLEAN:
                    return value;
                case T_NULL:
                    return NULL;
                case T_OBJ_BEGIN: {
                    enter();
                    LuaTable t = new LuaTable();
                    next();
                    if (type == T_OBJ_END) {
                        depth--;
                        return t;
                    }
                    while (true) {
                        if (type != T_STRING) {
                            throw parseError("object key string");
                        }
                        Object k = value;
                        next();
                        if (type != T_COLON) {
                            throw parseError("colon");
                        }
                        next();
                        Object v = value();
                        t.put(k, v);
                        next();
                        if (type == T_OBJ_END) {
                            depth--;
                            return t;
                        }
                        if (type != T_COMMA) {
                            throw parseError("comma or object end");
                        }
                        next();
                    }
                }
                case T_ARR_BEGIN: {
                    enter();
                    LuaTable t = new LuaTable();
                    next();
                    if (type == T_ARR_END) {
                        depth--;
                        return t;
                    }
                    for (int i = 1;; i++) {
                        t.put(i, value());
                        next();
                        if (type == T_ARR_END) {
                            depth--;
                            return t;
                        }
                        if (type != T_COMMA) {
                            throw parseError("comma or array end");
                        }
                        next();
                    }
                }
                default:
                    throw parseError("value");
            }
        }

        void enter() {
            if (++depth > cfg.decodeMaxDepth) {
                throw LuaError.fromLibrary("Found too many nested data structures (" + depth + ") at character "
                        + index);
            }
        }

        void next() {
            int c = ch(index);
            while (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                c = ch(++index);
            }
            tokIndex = index;
            switch (c) {
                case 0: type = T_END; return;
                case '{': type = T_OBJ_BEGIN; index++; return;
                case '}': type = T_OBJ_END; index++; return;
                case '[': type = T_ARR_BEGIN; index++; return;
                case ']': type = T_ARR_END; index++; return;
                case ':': type = T_COLON; index++; return;
                case ',': type = T_COMMA; index++; return;
                case '"': string(); return;
                default:
                    break;
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                if (!cfg.decodeInvalid && invalidNumber()) {
                    setError("invalid number");
                    return;
                }
                number();
            } else if (!cfg.decodeInvalid || !invalidNumber()) {
                literal();
            } else {
                number();
            }
        }

        void literal() {
            if (startsWith("true")) {
                type = T_BOOLEAN;
                value = Boolean.TRUE;
                index += 4;
            } else if (startsWith("false")) {
                type = T_BOOLEAN;
                value = Boolean.FALSE;
                index += 5;
            } else if (startsWith("null")) {
                type = T_NULL;
                index += 4;
            } else {
                setError("invalid token");
            }
        }

        boolean startsWith(String w) {
            for (int k = 0; k < w.length(); k++) {
                if (ch(index + k) != w.charAt(k)) {
                    return false;
                }
            }
            return true;
        }

        /** json_is_invalid_number: a leading '+', hex, leading zeros, inf or nan. */
        boolean invalidNumber() {
            int i = index;
            if (ch(i) == '+') {
                return true;
            }
            if (ch(i) == '-') {
                i++;
            }
            if (ch(i) == '0') {
                int c2 = ch(i + 1);
                return (c2 | 0x20) == 'x' || (c2 >= '0' && c2 <= '9');
            }
            if (ch(i) <= '9') {
                return false;
            }
            String w = new String(new char[] {(char) (ch(i) | 0x20), (char) (ch(i + 1) | 0x20),
                (char) (ch(i + 2) | 0x20)});
            return w.equals("inf") || w.equals("nan");
        }

        /** strtod at index: the longest prefix that is a number (decimal, hex, inf, nan). */
        void number() {
            type = T_NUMBER;
            int i = index;
            if (ch(i) == '+' || ch(i) == '-') {
                i++;
            }
            int e = -1;
            if (ch(i) == '0' && (ch(i + 1) | 0x20) == 'x' && isHex(ch(i + 2))) {
                int j = i + 2;
                while (isHex(ch(j))) {
                    j++;
                }
                if (ch(j) == '.') {
                    j++;
                    while (isHex(ch(j))) {
                        j++;
                    }
                }
                e = exponent(j, 'p');
            } else if (matchWord(i, "infinity")) {
                e = i + 8;
            } else if (matchWord(i, "inf")) {
                e = i + 3;
            } else if (matchWord(i, "nan")) {
                e = i + 3;
                if (ch(e) == '(') {
                    int j = e + 1;
                    while (Character.isLetterOrDigit(ch(j)) || ch(j) == '_') {
                        j++;
                    }
                    if (ch(j) == ')') {
                        e = j + 1;
                    }
                }
            } else {
                int j = i;
                int digits = 0;
                while (ch(j) >= '0' && ch(j) <= '9') {
                    j++;
                    digits++;
                }
                if (ch(j) == '.') {
                    j++;
                    while (ch(j) >= '0' && ch(j) <= '9') {
                        j++;
                        digits++;
                    }
                }
                if (digits > 0) {
                    e = exponent(j, 'e');
                }
            }
            Double d = e < 0 ? null : NumFmt.parse(s.array(), s.offset() + index, e - index);
            if (d == null) {
                setError("invalid number");
                return;
            }
            value = d;
            index = e;
        }

        int exponent(int j, int letter) {
            if ((ch(j) | 0x20) == letter) {
                int k = j + 1;
                if (ch(k) == '+' || ch(k) == '-') {
                    k++;
                }
                if (ch(k) >= '0' && ch(k) <= '9') {
                    while (ch(k) >= '0' && ch(k) <= '9') {
                        k++;
                    }
                    return k;
                }
            }
            return j;
        }

        boolean isHex(int c) {
            return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
        }

        boolean matchWord(int i, String w) {
            for (int k = 0; k < w.length(); k++) {
                if ((ch(i + k) | 0x20) != w.charAt(k)) {
                    return false;
                }
            }
            return true;
        }

        boolean isSpace(int c) {
            return c == ' ' || (c >= 9 && c <= 13);
        }

        void string() {
            index++;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                int c = ch(index);
                if (c == '"') {
                    break;
                }
                if (index >= s.length() || c == 0) {
                    setError("unexpected end of string");
                    return;
                }
                if (c == '\\') {
                    int e = ch(index + 1);
                    int r;
                    switch (e) {
                        case '"': case '\\': case '/': r = e; break;
                        case 'b': r = '\b'; break;
                        case 'f': r = '\f'; break;
                        case 'n': r = '\n'; break;
                        case 'r': r = '\r'; break;
                        case 't': r = '\t'; break;
                        case 'u':
                            if (unicode(out)) {
                                continue;
                            }
                            setError("invalid unicode escape code");
                            return;
                        default:
                            setError("invalid escape code");
                            return;
                    }
                    index++;
                    c = r;
                }
                out.write(c);
                index++;
            }
            index++;
            type = T_STRING;
            value = LuaString.wrap(out.toByteArray());
        }

        int hex4(int at) {
            int v = 0;
            for (int k = 0; k < 4; k++) {
                int c = ch(at + k);
                int d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
                        : -1;
                if (d < 0) {
                    return -1;
                }
                v = (v << 4) | d;
            }
            return v;
        }

        boolean unicode(ByteArrayOutputStream out) {
            int cp = hex4(index + 2);
            if (cp < 0) {
                return false;
            }
            int len = 6;
            if ((cp & 0xF800) == 0xD800) {
                if ((cp & 0x400) != 0) {
                    return false;
                }
                if (ch(index + 6) != '\\' || ch(index + 7) != 'u') {
                    return false;
                }
                int low = hex4(index + 8);
                if (low < 0 || (low & 0xFC00) != 0xDC00) {
                    return false;
                }
                cp = (((cp & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
                len = 12;
            }
            if (cp <= 0x7F) {
                out.write(cp);
            } else if (cp <= 0x7FF) {
                out.write((cp >> 6) | 0xC0);
                out.write((cp & 0x3F) | 0x80);
            } else if (cp <= 0xFFFF) {
                out.write((cp >> 12) | 0xE0);
                out.write(((cp >> 6) & 0x3F) | 0x80);
                out.write((cp & 0x3F) | 0x80);
            } else {
                out.write((cp >> 18) | 0xF0);
                out.write(((cp >> 12) & 0x3F) | 0x80);
                out.write(((cp >> 6) & 0x3F) | 0x80);
                out.write((cp & 0x3F) | 0x80);
            }
            index += len;
            return true;
        }
    }
}
