package io.cinnabar.server.internal;

/**
 * Correctly rounded {@code sin}, {@code cos} and {@code asin} for the arguments geo distances use
 * (|x| &lt;= 4 for sin and cos, 0 &lt;= x &lt;= 1 for asin), so that distances match Redis's to the last bit:
 * glibc's libm, which Redis calls, returns the correctly rounded result in practice, while {@link StrictMath}
 * (fdlibm) is off by one unit in the last place for a few percent of arguments, which shows in the 17 digits of a
 * STOREDIST score.
 * <p>
 * Method: double-double arithmetic (an unevaluated sum hi + lo, about 106 bits). sin and cos reduce the argument
 * by a multiple of pi/2 held in three doubles, then sum the Taylor series of the reduced argument (|r| &lt;= pi/4)
 * until the terms vanish; asin refines fdlibm's result with one Newton step {@code y + (x - sin y) / cos y}
 * evaluated in double-double. The final hi + lo rounds once. Cost: about 30 double-double multiply-adds per
 * call (a few hundred nanoseconds), no allocation.
 * <p><b>Note:</b> This class is not threadsafe (stateless).
 */
final class GeoMath {
    private GeoMath() {
    }

    // pi/2 = P1 + P2 + P3 (P1 and P2 with trailing zero bits so that k * P1, k * P2 are exact for small k)
    private static final double P1 = 1.5707963267948966;
    private static final double P2 = 6.123233995736766e-17;
    private static final double P3 = -1.4973849048591698e-33;

    /** TwoSum: s + err == a + b exactly; returns s, err in out[0]. */
    private static double twoSum(double a, double b, double[] err) {
        double s = a + b;
        double bb = s - a;
        err[0] = (a - (s - bb)) + (b - bb);
        return s;
    }

    /** A double-double accumulator over the pair (hi, lo). */
    private static final class DD {
        double hi;
        double lo;
        private final double[] e = new double[1];

        DD set(double h, double l) {
            hi = h;
            lo = l;
            return this;
        }

        /** this += (h, l). */
        void add(double h, double l) {
            double s = twoSum(hi, h, e);
            double t = e[0] + lo + l;
            hi = s + t;
            lo = t - (hi - s);
        }

        /** this *= (h, l). */
        void mul(double h, double l) {
            double p = hi * h;
            double err = Math.fma(hi, h, -p);
            err += hi * l + lo * h;
            hi = p + err;
            lo = err - (hi - p);
        }

        /** this /= d (a double). */
        void div(double d) {
            double q = hi / d;
            double r = Math.fma(-q, d, hi) + lo; // remainder, exact first part
            double q2 = r / d;
            hi = q + q2;
            lo = q2 - (hi - q);
        }
    }

    /** x reduced by k * pi/2 into r (|r| &lt;= pi/4 + tiny); returns k mod 4. */
    private static int reduce(double x, DD r) {
        double k = Math.rint(x / P1);
        r.set(x, 0);
        r.add(-k * P1, -Math.fma(k, P1, -k * P1));
        r.add(-k * P2, -Math.fma(k, P2, -k * P2));
        r.add(-k * P3, 0);
        return ((int) k) & 3;
    }

    /** sin (odd = true) or cos series of the reduced argument r, into out. */
    private static void series(DD r, boolean odd, DD out) {
        DD r2 = new DD().set(r.hi, r.lo);
        r2.mul(r.hi, r.lo);
        DD term = new DD().set(odd ? r.hi : 1, odd ? r.lo : 0);
        out.set(term.hi, term.lo);
        for (int n = odd ? 2 : 1; n < 60; n += 1) {
            // term *= -r^2 / ((2n-1)(2n)) for cos, / ((2n)(2n+1)) for sin
            term.mul(-r2.hi, -r2.lo);
            int a = odd ? 2 * n - 2 : 2 * n - 1;
            term.div((double) a * (a + 1));
            out.add(term.hi, term.lo);
            if (Math.abs(term.hi) < 1e-40 * Math.abs(out.hi) || term.hi == 0) {
                break;
            }
        }
    }

    private static void sinDD(double x, DD out) {
        DD r = new DD();
        int q = reduce(x, r);
        series(r, q % 2 == 0, out);
        if (q >= 2) {
            out.set(-out.hi, -out.lo);
        }
    }

    private static void cosDD(double x, DD out) {
        DD r = new DD();
        int q = reduce(x, r);
        series(r, q % 2 == 1, out);
        if (q == 1 || q == 2) {
            out.set(-out.hi, -out.lo);
        }
    }

    /** sin(x), correctly rounded for |x| &lt;= 4 (other arguments fall back to StrictMath). */
    static double sin(double x) {
        if (!(Math.abs(x) <= 4) || x == 0) {
            return StrictMath.sin(x);
        }
        DD out = new DD();
        sinDD(x, out);
        return out.hi + out.lo;
    }

    /** cos(x), correctly rounded for |x| &lt;= 4 (other arguments fall back to StrictMath). */
    static double cos(double x) {
        if (!(Math.abs(x) <= 4)) {
            return StrictMath.cos(x);
        }
        DD out = new DD();
        cosDD(x, out);
        return out.hi + out.lo;
    }

    /** asin(x), correctly rounded for 0 &lt;= x &lt;= 1 (other arguments fall back to StrictMath). */
    static double asin(double x) {
        if (!(x > 0 && x <= 1)) {
            return StrictMath.asin(x);
        }
        double y = StrictMath.asin(x);
        DD s = new DD();
        sinDD(y, s);
        DD res = new DD().set(x, 0);
        res.add(-s.hi, -s.lo); // x - sin(y), about one ulp of x
        DD c = new DD();
        cosDD(y, c);
        double corr = (res.hi + res.lo) / (c.hi + c.lo);
        DD out = new DD().set(y, 0);
        out.add(corr, 0);
        return out.hi + out.lo;
    }
}
