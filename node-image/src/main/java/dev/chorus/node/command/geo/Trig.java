package dev.chorus.node.command.geo;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * sin, cos and asin rounded correctly (to nearest), computed in double-double arithmetic. Redis' distances come
 * from glibc's libm, whose results are correctly rounded in all but rare cases, while Java's Math/StrictMath are only
 * accurate to about one unit in the last place and differ from glibc in several percent of the arguments; rounding
 * correctly is the closest Java gets to glibc's bits. Arguments beyond the range handled here (far larger than any
 * angle the geo code produces) fall back to StrictMath.
 */
public final class Trig {
    private Trig() {
    }

    /** Above this the simple reduction below loses accuracy; StrictMath takes over. */
    private static final double MAX_REDUCED = 1 << 20;

    /** pi/2 as the sum of three doubles. */
    private static final double PIO2_1;
    private static final double PIO2_2;
    private static final double PIO2_3;
    /** pi/2 as a double-double. */
    private static final double PIO2_HI;
    private static final double PIO2_LO;
    private static final double TWO_OVER_PI = 2 / Math.PI;

    /** 1/n! as double-doubles, n = 0..30. */
    private static final double[] INV_FACT_HI = new double[31];
    private static final double[] INV_FACT_LO = new double[31];

    static {
        MathContext mc = new MathContext(80);
        BigDecimal pio2 = new BigDecimal("1.57079632679489661923132169163975144209858469968755291048747229615390820314310449931401741267105853399107404326");
        double p1 = pio2.doubleValue();
        BigDecimal rest = pio2.subtract(new BigDecimal(p1), mc);
        double p2 = rest.doubleValue();
        rest = rest.subtract(new BigDecimal(p2), mc);
        PIO2_1 = p1;
        PIO2_2 = p2;
        PIO2_3 = rest.doubleValue();
        PIO2_HI = p1;
        PIO2_LO = p2;
        BigDecimal f = BigDecimal.ONE;
        for (int n = 0; n < INV_FACT_HI.length; n++) {
            if (n > 0) {
                f = f.multiply(BigDecimal.valueOf(n));
            }
            BigDecimal inv = BigDecimal.ONE.divide(f, mc);
            double hi = inv.doubleValue();
            INV_FACT_HI[n] = hi;
            INV_FACT_LO[n] = inv.subtract(new BigDecimal(hi), mc).doubleValue();
        }
    }

    // ---- the fast path: |x| <= TABLE_MAX, sin/cos of the nearest k/128 from a table, then a short series ----

    private static final int TABLE_SIZE = 404; // k/128 for k = 0..403 covers [0, 3.15]
    private static final double TABLE_MAX = (TABLE_SIZE - 1) / 128.0;
    private static final double[] S_HI = new double[TABLE_SIZE];
    private static final double[] S_LO = new double[TABLE_SIZE];
    private static final double[] C_HI = new double[TABLE_SIZE];
    private static final double[] C_LO = new double[TABLE_SIZE];
    private static final double SIX_HI = -1.0 / 6;
    private static final double SIX_LO;
    private static final double TWENTY_FOUR_HI = 1.0 / 24;
    private static final double TWENTY_FOUR_LO;

    static {
        MathContext mc = new MathContext(60);
        SIX_LO = BigDecimal.ONE.divide(BigDecimal.valueOf(-6), mc).subtract(new BigDecimal(SIX_HI), mc).doubleValue();
        TWENTY_FOUR_LO = BigDecimal.ONE.divide(BigDecimal.valueOf(24), mc)
                .subtract(new BigDecimal(TWENTY_FOUR_HI), mc).doubleValue();
        double[] out = new double[2];
        for (int k = 0; k < TABLE_SIZE; k++) {
            sinDD(k / 128.0, out);
            S_HI[k] = out[0];
            S_LO[k] = out[1];
            cosDD(k / 128.0, out);
            C_HI[k] = out[0];
            C_LO[k] = out[1];
        }
    }

    /**
     * sin (or cos) of x, 0 <= x <= TABLE_MAX, as a double-double: x = k/128 + r exactly with |r| <= 1/256, then
     * sin(x) = S_k cos(r) + C_k sin(r) and cos(x) = C_k cos(r) - S_k sin(r).
     */
    private static void tableSinCos(double x, boolean cosine, double[] out) {
        int k = (int) Math.rint(x * 128);
        double r = x - k / 128.0; // exact
        double r2h = r * r;
        double r2l = Math.fma(r, r, -r2h);
        // sin(r) = r + r * r^2 * (-1/6 + p), p = r^2/120 - r^4/5040 + ... (small: plain doubles suffice)
        double p = r2h * (1.0 / 120 + r2h * (-1.0 / 5040 + r2h * (1.0 / 362880 - r2h / 39916800)));
        double qh = SIX_HI + p;
        double ql = (SIX_HI - qh) + p + SIX_LO;
        // t = r2 * q
        double th = r2h * qh;
        double tl = Math.fma(r2h, qh, -th) + (r2h * ql + r2l * qh);
        // t *= r
        double uh = th * r;
        double ul = Math.fma(th, r, -uh) + tl * r;
        // sin r = r + t
        double sh = r + uh;
        double sl = (r - sh) + uh + ul;
        // cos(r) = 1 + r^2 * (-1/2 + r^2 * (1/24 + p2)), p2 = -r^2/720 + r^4/40320 - ...
        double p2 = r2h * (-1.0 / 720 + r2h * (1.0 / 40320 - r2h / 3628800));
        double ih = TWENTY_FOUR_HI + p2;
        double il = (TWENTY_FOUR_HI - ih) + p2 + TWENTY_FOUR_LO;
        double vh = r2h * ih;
        double vl = Math.fma(r2h, ih, -vh) + (r2h * il + r2l * ih);
        double wh = -0.5 + vh; // exact enough: |vh| < 1e-6
        double wl = (-0.5 - wh) + vh + vl;
        double zh = r2h * wh;
        double zl = Math.fma(r2h, wh, -zh) + (r2h * wl + r2l * wh);
        double ch = 1 + zh;
        double cl = (1 - ch) + zh + zl;
        // combine with the table
        double ah;
        double al;
        double bh;
        double bl;
        if (!cosine) {
            ah = S_HI[k] * ch;
            al = Math.fma(S_HI[k], ch, -ah) + (S_HI[k] * cl + S_LO[k] * ch);
            bh = C_HI[k] * sh;
            bl = Math.fma(C_HI[k], sh, -bh) + (C_HI[k] * sl + C_LO[k] * sh);
        } else {
            ah = C_HI[k] * ch;
            al = Math.fma(C_HI[k], ch, -ah) + (C_HI[k] * cl + C_LO[k] * ch);
            bh = -(S_HI[k] * sh);
            bl = -(Math.fma(S_HI[k], sh, bh) + (S_HI[k] * sl + S_LO[k] * sh));
        }
        add(ah, al, bh, bl, out);
    }

    // ---- double-double arithmetic: results in a two-element array {hi, lo} ----

    private static void quickTwoSum(double a, double b, double[] out) {
        double s = a + b;
        out[0] = s;
        out[1] = b - (s - a);
    }

    /** (ah, al) + (bh, bl). */
    private static void add(double ah, double al, double bh, double bl, double[] out) {
        double s = ah + bh;
        double bb = s - ah;
        double e = (ah - (s - bb)) + (bh - bb);
        e += al + bl;
        quickTwoSum(s, e, out);
    }

    /** (ah, al) * (bh, bl). */
    private static void mul(double ah, double al, double bh, double bl, double[] out) {
        double p = ah * bh;
        double e = Math.fma(ah, bh, -p);
        e += ah * bl + al * bh;
        quickTwoSum(p, e, out);
    }

    /**
     * Reduces x to r = x - k*pi/2 with |r| <= about pi/4 (a double-double in out) and returns k mod 4; -1 when x is
     * too large for this reduction.
     */
    private static int reduce(double x, double[] out) {
        if (!(Math.abs(x) < MAX_REDUCED)) {
            return -1;
        }
        double k = Math.rint(x * TWO_OVER_PI);
        // x - k*P1 exactly as a double-double, then the smaller parts.
        double[] t = new double[2];
        double p = k * PIO2_1;
        double pe = Math.fma(k, PIO2_1, -p);
        add(x, 0, -p, -pe, t);
        double q = k * PIO2_2;
        double qe = Math.fma(k, PIO2_2, -q);
        add(t[0], t[1], -q, -qe, t);
        add(t[0], t[1], -k * PIO2_3, 0, out);
        return (int) (((long) k) & 3);
    }

    /** The Taylor coefficient of r^n in sin or cos: (-1)^(n/2) / n! (n/2 rounded down). */
    private static double coefHi(int n) {
        return ((n / 2) % 2 == 0 ? 1 : -1) * INV_FACT_HI[n];
    }

    private static double coefLo(int n) {
        return ((n / 2) % 2 == 0 ? 1 : -1) * INV_FACT_LO[n];
    }

    /** sin(r) for |r| <= ~pi/4 as a double-double: r + r * r^2 * (c3 + c5 r^2 + ... + c27 r^24). */
    private static void sinKernel(double rh, double rl, double[] out) {
        double[] r2 = new double[2];
        mul(rh, rl, rh, rl, r2);
        double[] s = {coefHi(27), coefLo(27)};
        for (int n = 25; n >= 3; n -= 2) {
            mul(s[0], s[1], r2[0], r2[1], s);
            add(s[0], s[1], coefHi(n), coefLo(n), s);
        }
        mul(s[0], s[1], r2[0], r2[1], s);
        mul(s[0], s[1], rh, rl, s);
        add(rh, rl, s[0], s[1], out);
    }

    /** cos(r) for |r| <= ~pi/4 as a double-double: 1 + r^2 * (c2 + c4 r^2 + ... + c26 r^24). */
    private static void cosKernel(double rh, double rl, double[] out) {
        double[] r2 = new double[2];
        mul(rh, rl, rh, rl, r2);
        double[] s = {coefHi(26), coefLo(26)};
        for (int n = 24; n >= 2; n -= 2) {
            mul(s[0], s[1], r2[0], r2[1], s);
            add(s[0], s[1], coefHi(n), coefLo(n), s);
        }
        mul(s[0], s[1], r2[0], r2[1], s);
        add(1, 0, s[0], s[1], out);
    }

    /** sin(x) as a double-double; false when x is out of range. */
    private static boolean sinDD(double x, double[] out) {
        double[] r = new double[2];
        int q = reduce(x, r);
        if (q < 0) {
            return false;
        }
        switch (q) {
            case 0 -> sinKernel(r[0], r[1], out);
            case 1 -> cosKernel(r[0], r[1], out);
            case 2 -> {
                sinKernel(r[0], r[1], out);
                out[0] = -out[0];
                out[1] = -out[1];
            }
            default -> {
                cosKernel(r[0], r[1], out);
                out[0] = -out[0];
                out[1] = -out[1];
            }
        }
        return true;
    }

    private static boolean cosDD(double x, double[] out) {
        double[] r = new double[2];
        int q = reduce(x, r);
        if (q < 0) {
            return false;
        }
        switch (q) {
            case 0 -> cosKernel(r[0], r[1], out);
            case 1 -> {
                sinKernel(r[0], r[1], out);
                out[0] = -out[0];
                out[1] = -out[1];
            }
            case 2 -> {
                cosKernel(r[0], r[1], out);
                out[0] = -out[0];
                out[1] = -out[1];
            }
            default -> sinKernel(r[0], r[1], out);
        }
        return true;
    }

    /** The double nearest to a normalized double-double. */
    private static double round(double[] dd) {
        return dd[0] + dd[1];
    }

    public static double sin(double x) {
        if (x == 0 || Double.isNaN(x) || Double.isInfinite(x)) {
            return StrictMath.sin(x);
        }
        double[] out = new double[2];
        if (Math.abs(x) <= TABLE_MAX) {
            tableSinCos(Math.abs(x), false, out);
            return x < 0 ? -round(out) : round(out);
        }
        return sinDD(x, out) ? round(out) : StrictMath.sin(x);
    }

    public static double cos(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return StrictMath.cos(x);
        }
        double[] out = new double[2];
        if (Math.abs(x) <= TABLE_MAX) {
            tableSinCos(Math.abs(x), true, out);
            return round(out);
        }
        return cosDD(x, out) ? round(out) : StrictMath.cos(x);
    }

    /** asin of a double-double w with 0 <= w <= 0.5: one Newton step on sin(y) = w from StrictMath's value. */
    private static void asinSmall(double wh, double wl, double[] out) {
        double y0 = Math.asin(wh);
        double[] s = new double[2];
        tableSinCos(y0, false, s);
        double[] d = new double[2];
        add(s[0], s[1], -wh, -wl, d);
        double delta = (d[0] + d[1]) / Math.cos(y0);
        quickTwoSum(y0, -delta, out);
    }

    public static double asin(double x) {
        if (Double.isNaN(x) || Math.abs(x) > 1) {
            return StrictMath.asin(x);
        }
        if (x < 0) {
            return -asin(-x);
        }
        if (x < 0x1p-26) {
            return x;
        }
        if (x == 1) {
            return PIO2_HI;
        }
        double[] out = new double[2];
        if (x <= 0.5) {
            asinSmall(x, 0, out);
            return round(out);
        }
        // asin(x) = pi/2 - 2 asin(sqrt((1 - x) / 2)); 1 - x and the halving are exact here.
        double z = (1 - x) / 2;
        double w = Math.sqrt(z);
        double wl = Math.fma(-w, w, z) / (2 * w);
        asinSmall(w, wl, out);
        double[] res = new double[2];
        add(PIO2_HI, PIO2_LO, -2 * out[0], -2 * out[1], res);
        return round(res);
    }
}
