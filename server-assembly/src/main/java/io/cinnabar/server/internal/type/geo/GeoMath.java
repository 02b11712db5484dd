package io.cinnabar.server.internal.type.geo;

/**
 * Correctly rounded {@code sin}, {@code cos} and {@code asin} for the arguments geo distances use
 * (|x| &lt;= 4 for sin and cos, 0 &lt;= x &lt;= 1 for asin), so that distances match Redis's to the last bit as
 * often as possible: glibc's libm, which Redis calls, is within about 0.55 units in the last place and returns the
 * correctly rounded result for all but about 0.1% of arguments, while {@link StrictMath} (fdlibm) differs for 3
 * to 5% of them, which shows in the 17 digits of a STOREDIST score.
 * <p>
 * Method: double-double arithmetic (an unevaluated sum hi + lo, about 106 bits). sin and cos reduce the argument
 * by the nearest multiple of pi/2 (held in three doubles), then sum the Taylor series of the reduced argument
 * (|r| &lt;= pi/4): terms in double-double while they matter to 2^-50 of the sum, the tail in plain doubles (its
 * rounding errors stay below 2^-100). asin refines fdlibm's result with one Newton step
 * {@code y + (x - sin y) / cos y}, {@code sin y} in double-double (the residual is about one ulp of x, so the
 * cosine only needs double precision). The final hi + lo rounds once. Cost: about ten double-double
 * multiply-adds per call, no allocation.
 * <p><b>Note:</b> This class is not threadsafe (stateless).
 */
public final class GeoMath {
    private GeoMath() {
    }

    // pi/2 = P1 + P2 + P3
    private static final double P1 = 1.5707963267948966;
    private static final double P2 = 6.123233995736766e-17;
    private static final double P3 = -1.4973849048591698e-33;
    /** Terms smaller than this fraction of the sum are added in plain double precision. */
    private static final double DD_CUTOFF = 0x1p-50;

    /**
     * sin (or cos) of x rounded once; or, when minuend is a number, {@code minuend - sin(x)} (or cos) computed in
     * double-double and rounded once (asin's Newton residual).
     */
    private static double trig(double x, boolean cosine, double minuend) {
        double k = Math.rint(x / P1);
        // r = x - k * pi/2 in double-double, each product split exactly with fma
        double rh = x;
        double rl = 0;
        double p = k * P1;
        double pe = Math.fma(k, P1, -p);
        double s = rh - p;
        double bb = s - rh;
        double err = (rh - (s - bb)) + (-p - bb);
        rh = s;
        rl = err - pe;
        double q = k * P2;
        double qe = Math.fma(k, P2, -q);
        s = rh - q;
        bb = s - rh;
        err = (rh - (s - bb)) + (-q - bb);
        double t = err + rl - qe - k * P3;
        rh = s + t;
        rl = t - (rh - s);
        int quadrant = ((int) k) & 3;
        boolean odd = cosine ? quadrant % 2 == 1 : quadrant % 2 == 0; // which series: sin when odd
        boolean negate = cosine ? quadrant == 1 || quadrant == 2 : quadrant >= 2;
        return series(rh, rl, odd, negate, minuend);
    }

    /**
     * The sin (odd) or cos series of r = rh + rl, |r| &lt;= pi/4 + tiny, negated when asked, rounded once (or
     * subtracted from minuend first, see {@link #trig}).
     */
    private static double series(double rh, double rl, boolean odd, boolean negate, double minuend) {
        // r2 = r * r
        double r2h = rh * rh;
        double r2l = Math.fma(rh, rh, -r2h) + 2 * rh * rl;
        double x = r2h + r2l;
        r2l = r2l - (x - r2h);
        r2h = x;
        double th = odd ? rh : 1;
        double tl = odd ? rl : 0;
        double sh = th;
        double sl = tl;
        int n = odd ? 2 : 1;
        for (; n < 40; n++) {
            int a = odd ? 2 * n - 2 : 2 * n - 1;
            double d = (double) a * (a + 1);
            // t *= -r2
            double ph = th * -r2h;
            double pl = Math.fma(th, -r2h, -ph) + th * -r2l + tl * -r2h;
            th = ph + pl;
            tl = pl - (th - ph);
            // t /= d
            double qh = th / d;
            double rem = Math.fma(-qh, d, th) + tl;
            double ql = rem / d;
            th = qh + ql;
            tl = ql - (th - qh);
            // s += t
            double s = sh + th;
            double bb = s - sh;
            double e = (sh - (s - bb)) + (th - bb) + sl + tl;
            sh = s + e;
            sl = e - (sh - s);
            if (Math.abs(th) < DD_CUTOFF * Math.abs(sh)) {
                n++;
                break;
            }
        }
        // the tail in doubles: each term below 2^-50 of the sum, rounding errors far below the last bit
        double tail = 0;
        double term = th + tl;
        double r2 = r2h + r2l;
        for (; n < 60 && term != 0; n++) {
            int a = odd ? 2 * n - 2 : 2 * n - 1;
            term = term * -r2 / ((double) a * (a + 1));
            tail += term;
            if (Math.abs(term) < 0x1p-110 * Math.abs(sh)) {
                break;
            }
        }
        double s = sh + tail;
        double bb = s - sh;
        double e = (sh - (s - bb)) + (tail - bb) + sl;
        if (negate) {
            s = -s;
            e = -e;
        }
        if (minuend != minuend) {
            return s + e;
        }
        double d = minuend - s;
        bb = d - minuend;
        return d + ((minuend - (d - bb)) + (-s - bb) - e);
    }

    /** sin(x), correctly rounded for |x| &lt;= 4 (other arguments fall back to StrictMath). */
    static double sin(double x) {
        if (!(Math.abs(x) <= 4) || x == 0) {
            return StrictMath.sin(x);
        }
        return trig(x, false, Double.NaN);
    }

    /** cos(x), correctly rounded for |x| &lt;= 4 (other arguments fall back to StrictMath). */
    static double cos(double x) {
        if (!(Math.abs(x) <= 4)) {
            return StrictMath.cos(x);
        }
        return trig(x, true, Double.NaN);
    }

    /** asin(x), correctly rounded for 0 &lt; x &lt;= 1 (other arguments fall back to StrictMath). */
    static double asin(double x) {
        if (!(x > 0 && x <= 1)) {
            return StrictMath.asin(x);
        }
        double y = StrictMath.asin(x);
        double residual = trig(y, false, x); // x - sin(y) in double-double, then one Newton step
        double corr = residual / StrictMath.cos(y);
        double hi = y + corr;
        double low = corr - (hi - y);
        return hi + low;
    }
}
