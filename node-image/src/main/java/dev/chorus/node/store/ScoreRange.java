package dev.chorus.node.store;

import java.nio.charset.StandardCharsets;

/** A score interval as ZRANGEBYSCORE takes it: "1.5" inclusive, "(1.5" exclusive, "-inf"/"+inf" for open ends. */
public record ScoreRange(double min, boolean minExclusive, double max, boolean maxExclusive) {

    /** Whether {@code v} satisfies the lower bound. */
    public boolean aboveMin(double v) {
        return minExclusive ? v > min : v >= min;
    }

    /** Whether {@code v} satisfies the upper bound. */
    public boolean belowMax(double v) {
        return maxExclusive ? v < max : v <= max;
    }

    public boolean contains(double v) {
        return aboveMin(v) && belowMax(v);
    }

    /** A range no score can satisfy (zslIsInRange's first test). */
    public boolean isEmpty() {
        return min > max || (min == max && (minExclusive || maxExclusive));
    }

    /** Parses both bounds like zslParseRange; null when either is not a valid float (or is NaN). */
    public static ScoreRange parse(byte[] min, byte[] max) {
        boolean minEx = min.length > 0 && min[0] == '(';
        boolean maxEx = max.length > 0 && max[0] == '(';
        Double lo = strtodWhole(min, minEx ? 1 : 0);
        Double hi = strtodWhole(max, maxEx ? 1 : 0);
        if (lo == null || hi == null) {
            return null;
        }
        return new ScoreRange(lo, minEx, hi, maxEx);
    }

    /**
     * C's strtod over {@code b[from..]}, which must be consumed entirely: leading white space is skipped, an empty
     * string reads as 0 (strtod converts nothing and stops at the terminator), NaN is rejected.
     */
    static Double strtodWhole(byte[] b, int from) {
        if (from == b.length) {
            return 0.0;
        }
        int i = from;
        while (i < b.length && isCSpace(b[i])) {
            i++;
        }
        if (i == b.length) {
            return null;
        }
        String s = new String(b, i, b.length - i, StandardCharsets.ISO_8859_1);
        return dev.chorus.node.resp.Doubles.parse(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static boolean isCSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }
}
