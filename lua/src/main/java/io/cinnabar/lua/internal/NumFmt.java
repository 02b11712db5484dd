package io.cinnabar.lua.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/** Number text as C's printf and strtod produce it (glibc): %g/%e/%f with exact decimal rounding, and parsing. */
public final class NumFmt {
    private NumFmt() {
    }

    /** Lua 5.1's {@code tostring(number)}: {@code %.14g}. */
    public static String toLua(double v) {
        if (v == (long) v && Math.abs(v) < 1e14) {
            if (v == 0 && 1 / v < 0) {
                return "-0";
            }
            return Long.toString((long) v);
        }
        return g(v, 14, false, false);
    }

    static String special(double v, boolean upper) {
        String s;
        if (v != v) {
            s = (Double.doubleToRawLongBits(v) < 0) ? "-nan" : "nan";
        } else {
            s = v > 0 ? "inf" : "-inf";
        }
        return upper ? s.toUpperCase() : s;
    }

    /** {@code %.{prec}g} ({@code alt} is the '#' flag). */
    public static String g(double v, int prec, boolean alt, boolean upper) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return special(v, upper);
        }
        if (prec == 0) {
            prec = 1;
        }
        boolean neg = v < 0 || (v == 0 && 1 / v < 0);
        String body;
        if (v == 0) {
            body = alt ? fixedZeros(prec - 1) : "0";
            return neg ? "-" + body : body;
        }
        BigDecimal r = new BigDecimal(Math.abs(v)).round(new MathContext(prec, RoundingMode.HALF_EVEN));
        int x = r.precision() - r.scale() - 1;
        if (x < prec && x >= -4) {
            body = r.setScale(prec - 1 - x, RoundingMode.HALF_EVEN).toPlainString();
            if (!alt) {
                body = stripZeros(body);
            } else if (body.indexOf('.') < 0) {
                body = body + ".";
            }
        } else {
            body = e(r, prec - 1, alt, upper, !alt);
        }
        return neg ? "-" + body : body;
    }

    private static String fixedZeros(int decimals) {
        return decimals <= 0 ? "0." : "0." + "0".repeat(decimals);
    }

    private static String stripZeros(String s) {
        if (s.indexOf('.') < 0) {
            return s;
        }
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }

    /** {@code %.{prec}e}. */
    public static String e(double v, int prec, boolean alt, boolean upper) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return special(v, upper);
        }
        boolean neg = v < 0 || (v == 0 && 1 / v < 0);
        String body;
        if (v == 0) {
            body = (prec > 0 ? fixedZeros(prec) : alt ? "0." : "0") + (upper ? "E+00" : "e+00");
        } else {
            BigDecimal r = new BigDecimal(Math.abs(v)).round(new MathContext(prec + 1, RoundingMode.HALF_EVEN));
            body = e(r, prec, alt, upper, false);
        }
        return neg ? "-" + body : body;
    }

    private static String e(BigDecimal r, int prec, boolean alt, boolean upper, boolean strip) {
        int x = r.precision() - r.scale() - 1;
        BigInteger digits = r.unscaledValue();
        String ds = digits.toString();
        // pad or cut to prec+1 digits
        if (ds.length() < prec + 1) {
            ds = ds + "0".repeat(prec + 1 - ds.length());
        } else if (ds.length() > prec + 1) {
            ds = ds.substring(0, prec + 1);
        }
        String mant = prec > 0 || alt ? ds.charAt(0) + "." + ds.substring(1) : ds.substring(0, 1);
        if (strip) {
            mant = stripZeros(mant);
        }
        int ax = Math.abs(x);
        return mant + (upper ? 'E' : 'e') + (x < 0 ? '-' : '+') + (ax < 10 ? "0" : "") + ax;
    }

    /** {@code %.{prec}f}. */
    public static String f(double v, int prec, boolean alt) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return special(v, false);
        }
        boolean neg = v < 0 || (v == 0 && 1 / v < 0);
        String body = new BigDecimal(Math.abs(v)).setScale(prec, RoundingMode.HALF_EVEN).toPlainString();
        if (alt && prec == 0) {
            body += ".";
        }
        return neg ? "-" + body : body;
    }

    private static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /**
     * Lua 5.1's string-to-number ({@code luaO_str2d}: {@code strtod}, then {@code strtoul(s, 16)} for "0x..."),
     * surrounding whitespace allowed; NaN-free {@code null} when the text is not a number.
     */
    public static Double parse(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end && isSpace(b[i])) {
            i++;
        }
        while (end > i && isSpace(b[end - 1])) {
            end--;
        }
        if (i == end) {
            return null;
        }
        int p = i;
        boolean neg = false;
        if (b[p] == '+' || b[p] == '-') {
            neg = b[p] == '-';
            p++;
        }
        if (p + 1 < end && b[p] == '0' && (b[p + 1] == 'x' || b[p + 1] == 'X')) {
            return hex(b, p + 2, end, neg);
        }
        int rest = end - p;
        if (rest == 3 || rest == 8 || (rest >= 3 && (b[p] == 'n' || b[p] == 'N'))) {
            String w = new String(b, p, rest, java.nio.charset.StandardCharsets.ISO_8859_1).toLowerCase();
            if (w.equals("inf") || w.equals("infinity")) {
                return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            if (w.equals("nan") || (w.startsWith("nan(") && w.endsWith(")") && w.substring(4, w.length() - 1)
                    .chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_'))) {
                return Double.NaN;
            }
        }
        int digits = 0;
        int q = p;
        while (q < end && b[q] >= '0' && b[q] <= '9') {
            q++;
            digits++;
        }
        if (q < end && b[q] == '.') {
            q++;
            while (q < end && b[q] >= '0' && b[q] <= '9') {
                q++;
                digits++;
            }
        }
        if (digits == 0) {
            return null;
        }
        if (q < end && (b[q] == 'e' || b[q] == 'E')) {
            int r = q + 1;
            if (r < end && (b[r] == '+' || b[r] == '-')) {
                r++;
            }
            int ed = 0;
            while (r < end && b[r] >= '0' && b[r] <= '9') {
                r++;
                ed++;
            }
            if (ed > 0) {
                q = r;
            }
        }
        if (q != end) {
            return null;
        }
        return Double.parseDouble(new String(b, i, end - i, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    /** After "0x": glibc's strtod reads a hex float; Lua 5.1 then needs the whole text consumed. */
    private static Double hex(byte[] b, int p, int end, boolean neg) {
        double m = 0;
        int digits = 0;
        int exp = 0;
        boolean any = false;
        while (p < end && hexv(b[p]) >= 0) {
            m = m * 16 + hexv(b[p++]);
            any = true;
        }
        if (p < end && b[p] == '.') {
            p++;
            while (p < end && hexv(b[p]) >= 0) {
                m = m * 16 + hexv(b[p++]);
                exp -= 4;
                any = true;
            }
        }
        if (!any) {
            return null;
        }
        if (p < end && (b[p] == 'p' || b[p] == 'P')) {
            int r = p + 1;
            boolean en = false;
            if (r < end && (b[r] == '+' || b[r] == '-')) {
                en = b[r] == '-';
                r++;
            }
            int e = 0;
            int ed = 0;
            while (r < end && b[r] >= '0' && b[r] <= '9') {
                e = Math.min(100000, e * 10 + (b[r++] - '0'));
                ed++;
            }
            if (ed > 0) {
                exp += en ? -e : e;
                p = r;
            }
        }
        if (p != end) {
            return null;
        }
        double v = m * Math.pow(2, exp);
        return neg ? -v : v;
    }

    private static int hexv(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
