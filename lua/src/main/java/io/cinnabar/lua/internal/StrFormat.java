package io.cinnabar.lua.internal;

import io.cinnabar.lua.LuaError;
import io.cinnabar.lua.LuaString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** {@code string.format} as Lua 5.1 does it with C's sprintf (glibc). */
final class StrFormat {
    private StrFormat() {
    }

    static LuaString format(Interp in, Object[] a) {
        LuaString fmt = Lib.checkStr(a, 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream(fmt.length() + 16);
        int n = fmt.length();
        int arg = 0;
        int i = 0;
        while (i < n) {
            int c = fmt.byteAt(i++);
            if (c != '%') {
                out.write(c);
                continue;
            }
            if (i < n && fmt.byteAt(i) == '%') {
                out.write('%');
                i++;
                continue;
            }
            // flags, width, precision
            int start = i;
            boolean left = false;
            boolean plus = false;
            boolean space = false;
            boolean alt = false;
            boolean zero = false;
            while (i < n && "-+ #0".indexOf(fmt.byteAt(i)) >= 0) {
                switch (fmt.byteAt(i)) {
                    case '-': left = true; break;
                    case '+': plus = true; break;
                    case ' ': space = true; break;
                    case '#': alt = true; break;
                    default: zero = true;
                }
                i++;
            }
            if (i - start > 5) {
                throw LuaError.fromLibrary("invalid format (repeated flags)");
            }
            int width = 0;
            int wd = 0;
            while (i < n && isDigit(fmt.byteAt(i))) {
                width = width * 10 + fmt.byteAt(i++) - '0';
                wd++;
            }
            int prec = -1;
            int pd = 0;
            if (i < n && fmt.byteAt(i) == '.') {
                i++;
                prec = 0;
                while (i < n && isDigit(fmt.byteAt(i))) {
                    prec = prec * 10 + fmt.byteAt(i++) - '0';
                    pd++;
                }
            }
            if (wd > 2 || pd > 2) {
                throw LuaError.fromLibrary("invalid format (width or precision too long)");
            }
            int conv = i < n ? fmt.byteAt(i++) : 0;
            arg++;
            if (arg >= a.length) {
                throw LuaError.argError(arg + 1, "no value");
            }
            String body;
            switch (conv) {
                case 'c': {
                    int ch = Lib.checkInt(a, arg);
                    pad(out, new byte[] {(byte) ch}, width, left, false, 0);
                    continue;
                }
                case 'd':
                case 'i': {
                    long v = toLong(Lib.checkNumber(a, arg));
                    String digits = Long.toString(Math.abs(v));
                    if (v == Long.MIN_VALUE) {
                        digits = "9223372036854775808";
                    }
                    body = integer(digits, v < 0, prec, plus, space);
                    zero = zero && prec < 0;
                    break;
                }
                case 'o':
                case 'u':
                case 'x':
                case 'X': {
                    long v = toULong(Lib.checkNumber(a, arg));
                    String digits = conv == 'o' ? Long.toOctalString(v) : conv == 'u' ? Long.toUnsignedString(v)
                            : conv == 'x' ? Long.toHexString(v) : Long.toHexString(v).toUpperCase();
                    if (prec >= 0 && digits.length() < prec) {
                        digits = "0".repeat(prec - digits.length()) + digits;
                    }
                    if (prec == 0 && v == 0) {
                        digits = "";
                    }
                    if (alt && v != 0) {
                        if (conv == 'x') {
                            digits = "0x" + digits;
                        } else if (conv == 'X') {
                            digits = "0X" + digits;
                        }
                    }
                    if (alt && conv == 'o' && !digits.startsWith("0")) {
                        digits = "0" + digits;
                    }
                    body = digits;
                    zero = zero && prec < 0;
                    break;
                }
                case 'e':
                case 'E':
                case 'f':
                case 'g':
                case 'G': {
                    double v = Lib.checkNumber(a, arg);
                    int p = prec < 0 ? 6 : prec;
                    if (conv == 'f') {
                        body = NumFmt.f(v, p, alt);
                    } else if (conv == 'e' || conv == 'E') {
                        body = NumFmt.e(v, p, alt, conv == 'E');
                    } else {
                        body = NumFmt.g(v, p, alt, conv == 'G');
                    }
                    if (!body.startsWith("-")) {
                        if (plus) {
                            body = "+" + body;
                        } else if (space) {
                            body = " " + body;
                        }
                    }
                    if (Double.isNaN(v) || Double.isInfinite(v)) {
                        zero = false;
                    }
                    break;
                }
                case 'q': {
                    LuaString s = Lib.checkStr(a, arg);
                    out.write('"');
                    for (int k = 0; k < s.length(); k++) {
                        int b = s.byteAt(k);
                        if (b == '"' || b == '\\' || b == '\n') {
                            out.write('\\');
                            out.write(b);
                        } else if (b == '\r') {
                            out.write('\\');
                            out.write('r');
                        } else if (b == 0) {
                            out.write('\\');
                            out.write('0');
                            out.write('0');
                            out.write('0');
                        } else {
                            out.write(b);
                        }
                    }
                    out.write('"');
                    continue;
                }
                case 's': {
                    LuaString s = Lib.checkStr(a, arg);
                    if (prec < 0 && s.length() >= 100) {
                        out.write(s.array(), s.offset(), s.length());
                        continue;
                    }
                    int len = 0;
                    while (len < s.length() && s.byteAt(len) != 0) {
                        len++; // sprintf's %s stops at the first zero byte
                    }
                    if (prec >= 0 && prec < len) {
                        len = prec;
                    }
                    pad(out, s.substring(0, len).toBytes(), width, left, false, 0);
                    continue;
                }
                default:
                    throw LuaError.fromLibrary("invalid option '%" + (conv == 0 ? "" : String.valueOf((char) conv))
                            + "' to 'format'");
            }
            byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
            int signLen = 0;
            if (b.length > 0 && (b[0] == '-' || b[0] == '+' || b[0] == ' ')) {
                signLen = 1;
            }
            if (b.length > signLen + 1 && b[signLen] == '0' && (b[signLen + 1] == 'x' || b[signLen + 1] == 'X')) {
                signLen += 2;
            }
            pad(out, b, width, left, zero, signLen);
        }
        return LuaString.wrap(out.toByteArray());
    }

    /** C's (long) cast on x86-64: out of range (and NaN) gives LONG_MIN. */
    static long toLong(double d) {
        if (!(d > -9.223372036854775808E18 - 1025) || d >= 9.223372036854775808E18) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    /** C's (unsigned long) cast as gcc compiles it on x86-64. */
    static long toULong(double d) {
        if (d < 9.223372036854775808E18) {
            return toLong(d);
        }
        return toLong(d - 9.223372036854775808E18) ^ Long.MIN_VALUE;
    }

    private static String integer(String digits, boolean neg, int prec, boolean plus, boolean space) {
        if (prec >= 0 && digits.length() < prec) {
            digits = "0".repeat(prec - digits.length()) + digits;
        }
        if (prec == 0 && digits.equals("0")) {
            digits = "";
        }
        return (neg ? "-" : plus ? "+" : space ? " " : "") + digits;
    }

    private static void pad(ByteArrayOutputStream out, byte[] b, int width, boolean left, boolean zero, int prefix) {
        int fill = width - b.length;
        if (fill <= 0) {
            out.write(b, 0, b.length);
            return;
        }
        if (left) {
            out.write(b, 0, b.length);
            for (int k = 0; k < fill; k++) {
                out.write(' ');
            }
        } else if (zero) {
            out.write(b, 0, prefix);
            for (int k = 0; k < fill; k++) {
                out.write('0');
            }
            out.write(b, prefix, b.length - prefix);
        } else {
            for (int k = 0; k < fill; k++) {
                out.write(' ');
            }
            out.write(b, 0, b.length);
        }
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }
}
