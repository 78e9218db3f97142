package dev.chorus.node.resp;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * An x86 {@code long double} (80-bit extended: 64-bit significand, 15-bit exponent), the type Redis does INCRBYFLOAT
 * and HINCRBYFLOAT arithmetic in. Emulated exactly with big numbers because the results are visible: in long double
 * 0.1 + 0.2 prints as "0.3" (with doubles it would be "0.30000000000000004"), and 1e308 + 1e308 is finite.
 *
 * <p>Values are held as the exact binary value (a {@link BigDecimal}); every operation rounds to nearest-even at 64
 * significant bits, like the FPU does.
 */
public final class LongDouble {
    private static final int SIGNIFICAND_BITS = 64;
    /** Exponent of the smallest normal value (2^-16382) and bound of finite values (below 2^16384). */
    private static final int MIN_NORMAL_EXP = -16382;
    private static final int MAX_EXP = 16383;
    private static final int MIN_QUANTUM_EXP = MIN_NORMAL_EXP - (SIGNIFICAND_BITS - 1);
    /** Redis' MAX_LONG_DOUBLE_CHARS: string2ld refuses strings this long. */
    private static final int MAX_CHARS = 5 * 1024;
    private static final BigInteger FIVE = BigInteger.valueOf(5);

    public static final LongDouble ZERO = new LongDouble(BigDecimal.ZERO, 0);

    /** Exact value when finite; null for infinities. */
    private final BigDecimal value;
    /** +1 or -1 for infinities, 0 when finite. */
    private final int infinity;

    private LongDouble(BigDecimal value, int infinity) {
        this.value = value;
        this.infinity = infinity;
    }

    public static LongDouble of(long v) {
        return round(BigDecimal.valueOf(v));
    }

    public boolean isInfinite() {
        return infinity != 0;
    }

    public LongDouble add(LongDouble other) {
        if (infinity != 0 || other.infinity != 0) {
            if (infinity != 0 && other.infinity != 0 && infinity != other.infinity) {
                return null; // NaN
            }
            return infinity != 0 ? this : other;
        }
        return round(value.add(other.value));
    }

    /**
     * Redis' string2ld: strtold over the whole string (up to an embedded NUL, as C sees it), no leading space, NaN
     * refused, and refused when strtold reports overflow or underflow to zero. Returns null when not a valid number.
     */
    public static LongDouble parse(byte[] b) {
        if (b.length == 0 || b.length >= MAX_CHARS) {
            return null;
        }
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        if (n != b.length) {
            return null; // string2ld: strtold stops at a NUL, and Redis refuses what it did not consume
        }
        if (isCSpace(b[0])) {
            return null;
        }
        int i = 0;
        boolean negative = false;
        if (b[0] == '+' || b[0] == '-') {
            negative = b[0] == '-';
            i++;
        }
        String rest = new String(b, i, n - i, java.nio.charset.StandardCharsets.ISO_8859_1);
        String lower = rest.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals("inf") || lower.equals("infinity")) {
            return new LongDouble(null, negative ? -1 : 1);
        }
        LongDouble parsed = lower.startsWith("0x") ? parseHex(lower.substring(2)) : parseDecimal(lower);
        if (parsed == null || parsed.infinity != 0) {
            return null; // malformed, or overflow (strtold's ERANGE with HUGE_VAL)
        }
        return negative ? new LongDouble(parsed.value.negate(), 0) : parsed;
    }

    private static LongDouble parseDecimal(String s) {
        int i = 0;
        int len = s.length();
        StringBuilder digits = new StringBuilder();
        int fractionDigits = 0;
        while (i < len && isDigit(s.charAt(i))) {
            digits.append(s.charAt(i++));
        }
        if (i < len && s.charAt(i) == '.') {
            i++;
            while (i < len && isDigit(s.charAt(i))) {
                digits.append(s.charAt(i++));
                fractionDigits++;
            }
        }
        if (digits.length() == 0) {
            return null;
        }
        long exponent = 0;
        if (i < len && s.charAt(i) == 'e') {
            i++;
            Long e = parseExponent(s, i);
            if (e == null) {
                return null;
            }
            exponent = e;
            i = len;
        }
        if (i != len) {
            return null;
        }
        BigInteger mantissa = new BigInteger(digits.toString());
        if (mantissa.signum() == 0) {
            return ZERO;
        }
        // Decimal exponent of the leading digit; far outside the long double range it is overflow or underflow.
        long adjusted = exponent - fractionDigits + mantissa.toString().length() - 1;
        if (adjusted > 5000) {
            return new LongDouble(null, 1);
        }
        if (adjusted < -5000) {
            return null; // underflow to zero: strtold reports ERANGE with 0, which Redis refuses
        }
        return roundOrUnderflow(new BigDecimal(mantissa, (int) -(exponent - fractionDigits)));
    }

    private static LongDouble parseHex(String s) {
        int i = 0;
        int len = s.length();
        BigInteger mantissa = BigInteger.ZERO;
        int digitCount = 0;
        long binaryExponent = 0;
        while (i < len && Character.digit(s.charAt(i), 16) >= 0) {
            mantissa = mantissa.shiftLeft(4).add(BigInteger.valueOf(Character.digit(s.charAt(i++), 16)));
            digitCount++;
        }
        if (i < len && s.charAt(i) == '.') {
            i++;
            while (i < len && Character.digit(s.charAt(i), 16) >= 0) {
                mantissa = mantissa.shiftLeft(4).add(BigInteger.valueOf(Character.digit(s.charAt(i++), 16)));
                digitCount++;
                binaryExponent -= 4;
            }
        }
        if (digitCount == 0) {
            return null; // "0x" alone: strtold stops after the "0"
        }
        if (i < len && s.charAt(i) == 'p') {
            Long e = parseExponent(s, i + 1);
            if (e == null) {
                return null;
            }
            binaryExponent += e;
            i = len;
        }
        if (i != len) {
            return null;
        }
        if (mantissa.signum() == 0) {
            return ZERO;
        }
        long top = binaryExponent + mantissa.bitLength() - 1;
        if (top > MAX_EXP + 1) {
            return new LongDouble(null, 1);
        }
        if (top < MIN_QUANTUM_EXP - 2) {
            return null;
        }
        BigDecimal exact = binaryExponent >= 0
                ? new BigDecimal(mantissa.shiftLeft((int) binaryExponent))
                : new BigDecimal(mantissa.multiply(FIVE.pow((int) -binaryExponent)), (int) -binaryExponent);
        return roundOrUnderflow(exact);
    }

    /** An exponent: optional sign and at least one digit, to the end of the string; saturates far out of range. */
    private static Long parseExponent(String s, int i) {
        int len = s.length();
        boolean negative = false;
        if (i < len && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        if (i >= len) {
            return null;
        }
        long e = 0;
        for (; i < len; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return null;
            }
            e = Math.min(e * 10 + (c - '0'), 1_000_000_000L);
        }
        return negative ? -e : e;
    }

    private static LongDouble roundOrUnderflow(BigDecimal exact) {
        LongDouble r = round(exact);
        return r.infinity == 0 && r.value.signum() == 0 ? null : r;
    }

    /** Rounds an exact value to the nearest long double (ties to even), overflowing to infinity. */
    static LongDouble round(BigDecimal x) {
        int sign = x.signum();
        if (sign == 0) {
            return ZERO;
        }
        BigDecimal a = x.abs();
        BigInteger num;
        BigInteger den;
        if (a.scale() <= 0) {
            num = a.unscaledValue().multiply(BigInteger.TEN.pow(-a.scale()));
            den = BigInteger.ONE;
        } else {
            num = a.unscaledValue();
            den = BigInteger.TEN.pow(a.scale());
        }
        // e = floor(log2(a))
        int e = num.bitLength() - den.bitLength();
        int cmp = e >= 0 ? num.compareTo(den.shiftLeft(e)) : num.shiftLeft(-e).compareTo(den);
        if (cmp < 0) {
            e--;
        }
        if (e > MAX_EXP) {
            return new LongDouble(null, sign);
        }
        int q = Math.max(e - (SIGNIFICAND_BITS - 1), MIN_QUANTUM_EXP);
        BigInteger numerator = q >= 0 ? num : num.shiftLeft(-q);
        BigInteger denominator = q >= 0 ? den.shiftLeft(q) : den;
        BigInteger[] qr = numerator.divideAndRemainder(denominator);
        BigInteger significand = qr[0];
        int half = qr[1].shiftLeft(1).compareTo(denominator);
        if (half > 0 || (half == 0 && significand.testBit(0))) {
            significand = significand.add(BigInteger.ONE);
        }
        if (significand.signum() == 0) {
            return ZERO;
        }
        if (q + significand.bitLength() - 1 > MAX_EXP) {
            return new LongDouble(null, sign);
        }
        BigDecimal rounded = q >= 0
                ? new BigDecimal(significand.shiftLeft(q))
                : new BigDecimal(significand.multiply(FIVE.pow(-q)), -q);
        return new LongDouble(sign < 0 ? rounded.negate() : rounded, 0);
    }

    /**
     * Redis' ld2string in LD_STR_HUMAN mode: printf("%.17Lf") with trailing zeros (and a bare '.') removed, "-0" shown
     * as "0", infinities as "inf"/"-inf".
     */
    public String toHumanString() {
        if (infinity != 0) {
            return infinity > 0 ? "inf" : "-inf";
        }
        String s = value.abs().setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        s = s.substring(0, end);
        if (value.signum() < 0 && !s.equals("0")) {
            s = "-" + s;
        }
        return s;
    }

    @Override
    public String toString() {
        return toHumanString();
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isCSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }
}
