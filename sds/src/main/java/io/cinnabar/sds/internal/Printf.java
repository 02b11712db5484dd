package io.cinnabar.sds.internal;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The two glibc {@code printf} conversions Redis uses on finite binary floating-point values, computed exactly
 * from the value's decimal expansion: glibc prints the correctly rounded decimal, ties to even in the default
 * rounding mode.
 */
public final class Printf {
    private static final MathContext SEVENTEEN = new MathContext(17, RoundingMode.HALF_EVEN);

    private Printf() {
    }

    /**
     * {@code %.17g}: 17 significant digits; exponent form {@code d.ddde[+-]XX} (at least two exponent digits)
     * when the decimal exponent is below -4 or at least 17, plain form otherwise; trailing zeros and a trailing
     * point removed. A zero value prints {@code 0} or {@code -0} (pass {@code negativeZero}).
     */
    public static String g17(BigDecimal exact, boolean negativeZero) {
        if (exact.signum() == 0) {
            return negativeZero ? "-0" : "0";
        }
        BigDecimal r = exact.round(SEVENTEEN);
        String digits = r.unscaledValue().abs().toString();
        int x = digits.length() - r.scale() - 1; // decimal exponent of the leading digit
        int n = digits.length();
        while (n > 1 && digits.charAt(n - 1) == '0') {
            n--;
        }
        digits = digits.substring(0, n);
        StringBuilder sb = new StringBuilder(32);
        if (r.signum() < 0) {
            sb.append('-');
        }
        if (x < -4 || x >= 17) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(x < 0 ? '-' : '+');
            int ax = Math.abs(x);
            if (ax < 10) {
                sb.append('0');
            }
            sb.append(ax);
        } else if (x >= 0) {
            if (digits.length() <= x + 1) {
                sb.append(digits);
                sb.append("0".repeat(x + 1 - digits.length()));
            } else {
                sb.append(digits, 0, x + 1).append('.').append(digits, x + 1, digits.length());
            }
        } else {
            sb.append("0.").append("0".repeat(-x - 1)).append(digits);
        }
        return sb.toString();
    }

    /**
     * Redis's human form of a long double ({@code ld2string} with {@code LD_STR_HUMAN}): {@code %.17Lf}, then
     * trailing zeros after the point and a bare trailing point removed, and {@code -0} turned into {@code 0}.
     */
    public static String human17(BigDecimal exact) {
        String s = exact.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        int n = s.length();
        while (s.charAt(n - 1) == '0') {
            n--;
        }
        if (s.charAt(n - 1) == '.') {
            n--;
        }
        s = s.substring(0, n);
        return s.equals("-0") ? "0" : s;
    }
}
