package dev.chorus.node.command.blocking;

import dev.chorus.node.command.CommandError;
import dev.chorus.node.resp.Doubles;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Blocking commands' timeout argument, parsed as Redis 7.0's getTimeoutFromObjectOrReply does for seconds. */
public final class Timeouts {
    public static final String NOT_A_FLOAT = "ERR timeout is not a float or out of range";
    public static final String NEGATIVE = "ERR timeout is negative";
    /** Redis' MAX_LONG_DOUBLE_CHARS: longer arguments are not numbers. */
    private static final int MAX_CHARS = 5 * 1024;
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private Timeouts() {
    }

    /**
     * The timeout in milliseconds, 0 meaning "block forever". Redis computes {@code (long long) ceill(seconds * 1000)}
     * in long double: values past the 64-bit range convert to LLONG_MIN on x86 and so fail as "negative", which is
     * what redis-server 7.0 answers for "inf" or "1e16". Decimal input is computed exactly with BigDecimal, so tiny
     * positive values still round up to 1 ms as they do with long double (a double would underflow to 0: forever).
     */
    public static long parseSeconds(byte[] arg) {
        if (arg.length >= MAX_CHARS) {
            throw new CommandError(NOT_A_FLOAT);
        }
        Double d = Doubles.parse(arg);
        if (d == null) {
            throw new CommandError(NOT_A_FLOAT);
        }
        BigDecimal exact = decimal(arg);
        if (exact == null) {
            // Infinities and hexadecimal floats: double precision is as good as it gets here.
            if (d.isInfinite()) {
                throw new CommandError(NEGATIVE);
            }
            exact = new BigDecimal(d);
        } else if (exact.signum() != 0 && !withinLongDoubleRange(exact)) {
            // strtold overflows to HUGE_VALL or underflows to 0 with ERANGE: string2ld refuses both.
            throw new CommandError(NOT_A_FLOAT);
        }
        BigDecimal millis = exact.multiply(THOUSAND).setScale(0, RoundingMode.CEILING);
        if (millis.signum() < 0 || millis.compareTo(LONG_MAX) > 0) {
            throw new CommandError(NEGATIVE);
        }
        return millis.longValueExact();
    }

    /** x87 long double spans about 3.6e-4951 (subnormal) to 1.19e4932; the decimal exponent is a close enough test. */
    private static boolean withinLongDoubleRange(BigDecimal x) {
        long exponent = (long) x.precision() - x.scale() - 1;
        return exponent <= 4932 && exponent >= -4951;
    }

    private static BigDecimal decimal(byte[] arg) {
        String s = new String(arg, java.nio.charset.StandardCharsets.ISO_8859_1);
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("x") || lower.contains("inf")) {
            return null;
        }
        try {
            return new BigDecimal(s.startsWith("+") ? s.substring(1) : s);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }
}
