package dev.chorus.node.scripting;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Lua 5.1's number to string conversion (LUA_NUMBER_FMT "%.14g"), which LuaJ does differently. */
final class LuaNumbers {
    private LuaNumbers() {
    }

    static String format(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        BigDecimal bd = new BigDecimal(d).round(new MathContext(14, RoundingMode.HALF_EVEN));
        int exponent = bd.precision() - bd.scale() - 1;
        if (exponent < -4 || exponent >= 14) {
            String digits = bd.unscaledValue().abs().toString().replaceAll("0+$", "");
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
}
