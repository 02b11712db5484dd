package io.cinnabar.skiplist;

import java.nio.charset.StandardCharsets;

/**
 * The subset of C's {@code strtod} that Redis's range parsing relies on, over bytes: the number must use up the
 * whole input. Grammar accepted (what glibc's {@code strtod} consumes):
 * <pre>
 *   [space]* [+|-] ( digits [. digits] [(e|E) [+|-] digits]
 *                  | . digits [(e|E) [+|-] digits]
 *                  | (0x|0X) hexdigits [. hexdigits] [(p|P) [+|-] digits]
 *                  | (0x|0X) . hexdigits [(p|P) [+|-] digits]
 *                  | inf | infinity | nan | nan( [alnum_]* )      (letters in any case) )
 * </pre>
 * An input with no number at all consumes nothing, which is a whole-input match only for the empty input (0).
 * Out-of-range magnitudes become infinities or zero, as {@code strtod} returns them.
 */
final class Strtod {
    private Strtod() {
    }

    /** The value of {@code b[from..]}, or NaN when it is not entirely a number (or is a NaN). */
    static double parseWhole(byte[] b, int from) {
        int n = b.length;
        int i = from;
        if (i == n) {
            return 0.0; // strtod("") == 0 with nothing left over
        }
        while (i < n && isSpace(b[i])) {
            i++;
        }
        boolean negative = false;
        if (i < n && (b[i] == '+' || b[i] == '-')) {
            negative = b[i] == '-';
            i++;
        }
        double v;
        if (matchWord(b, i, "infinity") || matchWord(b, i, "inf")) {
            v = Double.POSITIVE_INFINITY;
        } else if (i + 1 < n && b[i] == '0' && (b[i + 1] == 'x' || b[i + 1] == 'X') && hasHexMantissa(b, i + 2)) {
            v = hex(b, i + 2);
        } else {
            v = decimal(b, i);
        }
        return negative ? -v : v;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** Whether {@code b[i..]} is exactly {@code word}, ignoring ASCII case. */
    private static boolean matchWord(byte[] b, int i, String word) {
        if (b.length - i != word.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (Character.toLowerCase((char) b[i + k]) != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHex(byte c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean hasHexMantissa(byte[] b, int i) {
        return (i < b.length && isHex(b[i])) || (i + 1 < b.length && b[i] == '.' && isHex(b[i + 1]));
    }

    /** Decimal mantissa and exponent filling the rest of the input, else NaN. */
    private static double decimal(byte[] b, int start) {
        int n = b.length;
        int i = start;
        int digits = 0;
        while (i < n && isDigit(b[i])) {
            i++;
            digits++;
        }
        if (i < n && b[i] == '.') {
            i++;
            while (i < n && isDigit(b[i])) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        i = exponent(b, i, 'e');
        if (i != n) {
            return Double.NaN;
        }
        return Math.abs(Double.parseDouble(new String(b, start, n - start, StandardCharsets.US_ASCII)));
    }

    /** Position after an optional exponent {@code (e|E)[+|-]digits}; an incomplete one is not consumed. */
    private static int exponent(byte[] b, int i, char letter) {
        int n = b.length;
        if (i < n && (b[i] | 0x20) == letter) {
            int j = i + 1;
            if (j < n && (b[j] == '+' || b[j] == '-')) {
                j++;
            }
            if (j < n && isDigit(b[j])) {
                while (j < n && isDigit(b[j])) {
                    j++;
                }
                return j;
            }
        }
        return i;
    }

    /** Hexadecimal mantissa (after "0x") and binary exponent filling the rest of the input, else NaN. */
    private static double hex(byte[] b, int start) {
        int n = b.length;
        int i = start;
        while (i < n && isHex(b[i])) {
            i++;
        }
        if (i < n && b[i] == '.') {
            i++;
            while (i < n && isHex(b[i])) {
                i++;
            }
        }
        int mantissaEnd = i;
        i = exponent(b, i, 'p');
        if (i != n) {
            return Double.NaN;
        }
        String text = "0x" + new String(b, start, mantissaEnd - start, StandardCharsets.US_ASCII)
            + (i == mantissaEnd ? "p0" : new String(b, mantissaEnd, n - mantissaEnd, StandardCharsets.US_ASCII));
        return Double.parseDouble(text);
    }
}
