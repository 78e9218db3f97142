package dev.chorus.node.resp;

/**
 * Signed 64-bit integers as ASCII decimal digits, written straight into a byte array (no String in between): the
 * reply of every integer command and the stored value of INCR-style commands go through here.
 */
public final class Decimal {
    private static final byte[] MIN_VALUE = "-9223372036854775808".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static final byte[] TENS = new byte[100];
    private static final byte[] ONES = new byte[100];

    static {
        for (int i = 0; i < 100; i++) {
            TENS[i] = (byte) ('0' + i / 10);
            ONES[i] = (byte) ('0' + i % 10);
        }
    }

    private Decimal() {
    }

    /** How many bytes {@code v} takes in decimal, the sign included. */
    public static int length(long v) {
        if (v == Long.MIN_VALUE) {
            return MIN_VALUE.length;
        }
        int sign = 0;
        if (v < 0) {
            sign = 1;
            v = -v;
        }
        long limit = 10;
        for (int digits = 1; digits < 19; digits++, limit *= 10) {
            if (v < limit) {
                return digits + sign;
            }
        }
        return 19 + sign; // Long.MAX_VALUE has 19 digits
    }

    /** Writes {@code v} into {@code dst} at {@code off}; returns the offset after the last digit. */
    public static int put(byte[] dst, int off, long v) {
        if (v == Long.MIN_VALUE) {
            System.arraycopy(MIN_VALUE, 0, dst, off, MIN_VALUE.length);
            return off + MIN_VALUE.length;
        }
        int end = off + length(v);
        int i = end;
        long x = v < 0 ? -v : v;
        while (x >= 100) { // two digits per division, as Long.getChars does
            int r = (int) (x % 100);
            x /= 100;
            dst[--i] = ONES[r];
            dst[--i] = TENS[r];
        }
        int r = (int) x;
        dst[--i] = ONES[r];
        if (r >= 10) {
            dst[--i] = TENS[r];
        }
        if (v < 0) {
            dst[--i] = '-';
        }
        return end;
    }

    /** {@code v} as a new byte array of its digits. */
    public static byte[] bytes(long v) {
        byte[] out = new byte[length(v)];
        put(out, 0, v);
        return out;
    }
}
