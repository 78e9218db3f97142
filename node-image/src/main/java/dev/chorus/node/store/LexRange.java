package dev.chorus.node.store;

import java.util.Arrays;

/**
 * A member interval as ZRANGEBYLEX takes it: "[a" inclusive, "(a" exclusive, "-" and "+" for the smallest and the
 * largest possible string. The infinities are the identity-compared sentinels {@link #MIN} and {@link #MAX}, as
 * Redis' shared.minstring / shared.maxstring.
 */
public record LexRange(byte[] min, boolean minExclusive, byte[] max, boolean maxExclusive) {
    public static final byte[] MIN = new byte[0];
    public static final byte[] MAX = new byte[0];

    /** sdscmplex: the sentinels sort before / after every string. */
    static int compare(byte[] a, byte[] b) {
        if (a == b) {
            return 0;
        }
        if (a == MIN || b == MAX) {
            return -1;
        }
        if (a == MAX || b == MIN) {
            return 1;
        }
        return Arrays.compareUnsigned(a, b);
    }

    public boolean aboveMin(byte[] member) {
        int c = compare(member, min);
        return minExclusive ? c > 0 : c >= 0;
    }

    public boolean belowMax(byte[] member) {
        int c = compare(member, max);
        return maxExclusive ? c < 0 : c <= 0;
    }

    public boolean contains(byte[] member) {
        return aboveMin(member) && belowMax(member);
    }

    public boolean isEmpty() {
        int c = compare(min, max);
        return c > 0 || (c == 0 && (minExclusive || maxExclusive));
    }

    /** Parses both items like zslParseLexRange; null when either is malformed. */
    public static LexRange parse(byte[] min, byte[] max) {
        Item lo = item(min);
        Item hi = item(max);
        if (lo == null || hi == null) {
            return null;
        }
        return new LexRange(lo.value, lo.exclusive, hi.value, hi.exclusive);
    }

    private record Item(byte[] value, boolean exclusive) {
    }

    private static Item item(byte[] b) {
        if (b.length == 0) {
            return null;
        }
        switch (b[0]) {
            case '+':
                return b.length == 1 ? new Item(MAX, true) : null;
            case '-':
                return b.length == 1 ? new Item(MIN, true) : null;
            case '(':
                return new Item(Arrays.copyOfRange(b, 1, b.length), true);
            case '[':
                return new Item(Arrays.copyOfRange(b, 1, b.length), false);
            default:
                return null;
        }
    }
}
