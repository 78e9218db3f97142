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

    /** C's printf("%.17g"). */
    static String formatG17(double d) {
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        BigDecimal bd = new BigDecimal(d).round(new java.math.MathContext(17, java.math.RoundingMode.HALF_EVEN));
        int exponent = bd.precision() - bd.scale() - 1;
        if (exponent < -4 || exponent >= 17) {
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
