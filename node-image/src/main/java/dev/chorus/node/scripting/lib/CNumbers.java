package dev.chorus.node.scripting.lib;

import dev.chorus.node.resp.Doubles;

/** glibc's printf("%.Ng") and strtod(), which lua_cjson.c (through fpconv.c) and Lua 5.1 use for numbers. */
final class CNumbers {
    private CNumbers() {
    }

    /** A parse result: the value and the index just after the consumed characters (the start if none). */
    record Parsed(double value, int end) {
    }

    /** snprintf(buf, size, "%.<precision>g", d) with glibc's exact decimal rounding (to nearest, ties to even). */
    static String formatG(double d, int precision) {
        int p = precision == 0 ? 1 : precision;
        boolean negative = (Double.doubleToRawLongBits(d) & Long.MIN_VALUE) != 0;
        if (Double.isNaN(d)) {
            return negative ? "-nan" : "nan";
        }
        if (Double.isInfinite(d)) {
            return negative ? "-inf" : "inf";
        }
        return Doubles.formatG(d, p);
    }

    private static int at(byte[] b, int i, int end) {
        return i < end ? b[i] & 0xff : 0;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static int hexValue(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        int l = c | 0x20;
        if (l >= 'a' && l <= 'f') {
            return 10 + l - 'a';
        }
        return -1;
    }

    private static boolean matchesIgnoreCase(byte[] b, int i, int end, String word) {
        for (int k = 0; k < word.length(); k++) {
            if ((at(b, i + k, end) | 0x20) != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** glibc strtod over b[start, end) (end plays the part of the terminating NUL), in the "C" locale. */
    static Parsed strtod(byte[] b, int start, int end) {
        int i = start;
        while (CApi.isSpace(at(b, i, end)) && i < end) {
            i++;
        }
        boolean negative = false;
        if (at(b, i, end) == '-' || at(b, i, end) == '+') {
            negative = at(b, i, end) == '-';
            i++;
        }
        double sign = negative ? -1.0 : 1.0;
        if (matchesIgnoreCase(b, i, end, "inf")) {
            int e = matchesIgnoreCase(b, i, end, "infinity") ? i + 8 : i + 3;
            return new Parsed(sign * Double.POSITIVE_INFINITY, e);
        }
        if (matchesIgnoreCase(b, i, end, "nan")) {
            int e = i + 3;
            if (at(b, e, end) == '(') {
                int k = e + 1;
                while (true) {
                    int c = at(b, k, end);
                    if (isDigit(c) || (c | 0x20) >= 'a' && (c | 0x20) <= 'z' || c == '_') {
                        k++;
                    } else {
                        break;
                    }
                }
                if (at(b, k, end) == ')') {
                    e = k + 1;
                }
            }
            return new Parsed(negative ? Double.longBitsToDouble(0xfff8000000000000L) : Double.NaN, e);
        }
        if (at(b, i, end) == '0' && (at(b, i + 1, end) | 0x20) == 'x') {
            Parsed hex = hexFloat(b, i + 2, end, negative);
            if (hex != null) {
                return hex;
            }
            return new Parsed(negative ? -0.0 : 0.0, i + 1);
        }
        int k = i;
        int digits = 0;
        while (isDigit(at(b, k, end))) {
            k++;
            digits++;
        }
        if (at(b, k, end) == '.') {
            k++;
            while (isDigit(at(b, k, end))) {
                k++;
                digits++;
            }
        }
        if (digits == 0) {
            return new Parsed(0.0, start);
        }
        int mantissaEnd = k;
        if ((at(b, k, end) | 0x20) == 'e') {
            int e = k + 1;
            if (at(b, e, end) == '+' || at(b, e, end) == '-') {
                e++;
            }
            if (isDigit(at(b, e, end))) {
                while (isDigit(at(b, e, end))) {
                    e++;
                }
                k = e;
            }
        }
        String text = new String(b, i, mantissaEnd - i, java.nio.charset.StandardCharsets.ISO_8859_1);
        String exp = k > mantissaEnd ? new String(b, mantissaEnd + 1, k - mantissaEnd - 1,
                java.nio.charset.StandardCharsets.ISO_8859_1) : "0";
        double v = parseDecimal(text, exp);
        return new Parsed(negative ? -v : v, k);
    }

    private static double parseDecimal(String mantissa, String exponent) {
        // Exponents beyond what any double can use are clamped (the digits cannot move the value that far back).
        String digitsOnly = exponent.startsWith("+") || exponent.startsWith("-") ? exponent.substring(1) : exponent;
        String trimmed = digitsOnly.replaceFirst("^0+(?=.)", "");
        long e;
        if (trimmed.length() > 12) {
            e = 999_999_999_999L;
        } else {
            e = Long.parseLong(trimmed);
        }
        if (exponent.startsWith("-")) {
            e = -e;
        }
        long bound = 100_000L + mantissa.length();
        if (e > bound) {
            e = bound;
        } else if (e < -bound) {
            e = -bound;
        }
        String m = mantissa.endsWith(".") ? mantissa + "0" : mantissa;
        if (m.startsWith(".")) {
            m = "0" + m;
        }
        return Double.parseDouble(m + "e" + e);
    }

    /** The part after "0x": hex digits, optional fraction, optional binary exponent. Null if no hex digit. */
    private static Parsed hexFloat(byte[] b, int i, int end, boolean negative) {
        int k = i;
        StringBuilder ip = new StringBuilder();
        StringBuilder fp = new StringBuilder();
        while (hexValue(at(b, k, end)) >= 0) {
            ip.append((char) at(b, k, end));
            k++;
        }
        if (at(b, k, end) == '.') {
            int save = k;
            k++;
            while (hexValue(at(b, k, end)) >= 0) {
                fp.append((char) at(b, k, end));
                k++;
            }
            if (ip.length() == 0 && fp.length() == 0) {
                k = save;
            }
        }
        if (ip.length() == 0 && fp.length() == 0) {
            return null;
        }
        long exp = 0;
        if ((at(b, k, end) | 0x20) == 'p') {
            int e = k + 1;
            boolean neg = false;
            if (at(b, e, end) == '+' || at(b, e, end) == '-') {
                neg = at(b, e, end) == '-';
                e++;
            }
            if (isDigit(at(b, e, end))) {
                while (isDigit(at(b, e, end))) {
                    if (exp < 10_000_000) {
                        exp = exp * 10 + (at(b, e, end) - '0');
                    }
                    e++;
                }
                if (neg) {
                    exp = -exp;
                }
                k = e;
            }
        }
        String text = "0x" + (ip.length() == 0 ? "0" : ip) + "." + (fp.length() == 0 ? "0" : fp) + "p" + exp;
        double v = Double.parseDouble(text);
        return new Parsed(negative ? -v : v, k);
    }

    /** strtoul(s, &end, 16) as luaO_str2d uses it, the value converted to a double. */
    static Parsed strtoul16(byte[] b, int start, int end) {
        int i = start;
        while (i < end && CApi.isSpace(at(b, i, end))) {
            i++;
        }
        boolean negative = false;
        if (at(b, i, end) == '-' || at(b, i, end) == '+') {
            negative = at(b, i, end) == '-';
            i++;
        }
        if (at(b, i, end) == '0' && (at(b, i + 1, end) | 0x20) == 'x' && hexValue(at(b, i + 2, end)) >= 0) {
            i += 2;
        }
        int k = i;
        long v = 0;
        boolean overflow = false;
        while (hexValue(at(b, k, end)) >= 0) {
            if (Long.compareUnsigned(v, 0x0fffffffffffffffL) > 0) {
                overflow = true;
            }
            v = (v << 4) | hexValue(at(b, k, end));
            k++;
        }
        if (k == i) {
            return new Parsed(0, start);
        }
        if (overflow) {
            v = -1L;
        } else if (negative) {
            v = -v;
        }
        return new Parsed(CApi.unsignedToDouble(v), k);
    }
}
