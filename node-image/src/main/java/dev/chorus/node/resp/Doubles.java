package dev.chorus.node.resp;

import java.math.BigDecimal;

/** Number formatting and parsing exactly as Redis does it (util.c: ld2string, d2string, string2ld). */
public final class Doubles {
    private Doubles() {
    }

    /** Redis' %.17g for RESP2 score replies (ZSCORE, ZINCRBY...), "inf"/"-inf" for infinities. */
    public static String format(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e17) {
            // Integral values print without a fraction, as %.17g does.
            long l = (long) d;
            if (l == 0 && 1 / d < 0) {
                return "-0";
            }
            return Long.toString(l);
        }
        return formatG17(d);
    }

    /** RESP3 double: Redis 7.0 uses %.17g as well, with "inf", "-inf" and "nan". */
    public static String formatResp3(double d) {
        return format(d);
    }

    /** Redis' "human friendly" long double form used by INCRBYFLOAT and HINCRBYFLOAT (%.17Lf, zeros trimmed). */
    public static String formatHuman(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        BigDecimal bd = new BigDecimal(d).setScale(17, java.math.RoundingMode.HALF_EVEN);
        String s = bd.toPlainString();
        if (s.indexOf('.') >= 0) {
            s = s.replaceAll("0+$", "");
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
        }
        if (s.equals("-0")) {
            s = "0";
        }
        return s;
    }

    /**
     * Redis' getDoubleFromObject (string2d): like {@link #parse}, but overflow to infinity and underflow to zero
     * ("1e400", "1e-400") are rejected too, as strtod reports them with ERANGE. Ranges and timeouts use the lenient
     * form, as Redis does.
     */
    public static Double parseStrict(byte[] b) {
        double simple = parseSimpleDecimal(b);
        if (!Double.isNaN(simple)) {
            return simple; // finite, and zero only for an all-zero mantissa: nothing for the checks below to refuse
        }
        Double d = parse(b);
        if (d == null) {
            return null;
        }
        String lower = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
        if (Double.isInfinite(d) && !unsigned.startsWith("inf")) {
            return null;
        }
        if (d == 0 && nonZeroMantissa(unsigned)) {
            return null;
        }
        return d;
    }

    private static boolean nonZeroMantissa(String lower) {
        boolean hex = lower.contains("x");
        for (int i = hex ? lower.indexOf('x') + 1 : 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if ((!hex && c == 'e') || (hex && c == 'p')) {
                break;
            }
            if ((c >= '1' && c <= '9') || (hex && c >= 'a' && c <= 'f')) {
                return true;
            }
        }
        return false;
    }

    private static final double[] POWERS_OF_TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15};

    /**
     * The fast path of strtod for the common case, [+-]digits[.digits] with at most 15 digits in all: the digits
     * form an integer below 2^53 and the divisor a power of ten below 2^53, both exact, so one IEEE division gives
     * the correctly rounded value, as strtod does (Clinger's fast path). NaN when {@code b} has any other form.
     */
    static double parseSimpleDecimal(byte[] b) {
        int n = b.length;
        int i = 0;
        boolean negative = false;
        if (n > 0 && (b[0] == '-' || b[0] == '+')) {
            negative = b[0] == '-';
            i = 1;
        }
        long mantissa = 0;
        int digits = 0;
        int fractionDigits = 0;
        boolean point = false;
        for (; i < n; i++) {
            int c = b[i];
            if (c >= '0' && c <= '9') {
                if (++digits > 15) {
                    return Double.NaN;
                }
                mantissa = mantissa * 10 + (c - '0');
                if (point) {
                    fractionDigits++;
                }
            } else if (c == '.' && !point) {
                point = true;
            } else {
                return Double.NaN;
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        double v = (double) mantissa / POWERS_OF_TEN[fractionDigits];
        return negative ? -v : v;
    }

    /** C's printf("%.17g"). */
    static String formatG17(double d) {
        return formatG(d, 17);
    }

    /**
     * C's printf("%.<precision>g") of a finite double (precision at least 1), with glibc's exact decimal rounding (to
     * nearest, ties to even).
     */
    public static String formatG(double d, int precision) {
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        BigDecimal bd = new BigDecimal(d).round(new java.math.MathContext(precision, java.math.RoundingMode.HALF_EVEN));
        int exponent = bd.precision() - bd.scale() - 1;
        if (exponent < -4 || exponent >= precision) {
            // Scientific form: d.ddddde+XX with trailing zeros removed.
            String digits = bd.unscaledValue().abs().toString();
            digits = digits.replaceAll("0+$", "");
            StringBuilder sb = new StringBuilder();
            if (bd.signum() < 0) {
                sb.append('-');
            }
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exponent < 0 ? '-' : '+');
            int absExp = Math.abs(exponent);
            if (absExp < 10) {
                sb.append('0');
            }
            sb.append(absExp);
            return sb.toString();
        }
        String s = bd.toPlainString();
        if (s.indexOf('.') >= 0) {
            s = s.replaceAll("0+$", "");
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
        }
        return s;
    }

    /**
     * Parses a double the way Redis' string2d / getDoubleFromObject does: strtod over the whole string, no leading
     * spaces, "inf"/"-inf"/"+inf" accepted, NaN rejected. Returns null when invalid.
     */
    public static Double parse(byte[] b) {
        double simple = parseSimpleDecimal(b);
        if (!Double.isNaN(simple)) {
            return simple;
        }
        if (b.length == 0 || b.length > 5000) {
            return null;
        }
        String s = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))) {
            return null;
        }
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        switch (lower) {
            case "inf", "+inf", "infinity", "+infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+'
                    || c == 'x' || c == 'X' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == 'p' || c == 'P')) {
                return null;
            }
        }
        try {
            double d;
            if (lower.startsWith("0x") || lower.startsWith("-0x") || lower.startsWith("+0x")) {
                d = Double.parseDouble(lower.contains("p") ? lower : lower + "p0");
            } else {
                if (lower.endsWith("d") || lower.endsWith("f")) {
                    return null;
                }
                d = Double.parseDouble(s);
            }
            return Double.isNaN(d) ? null : d;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
