package dev.chorus.node.command;

/**
 * Integer fields at arbitrary bit offsets of a bitmap, as bitops.c reads and writes them: bit 0 is the most significant
 * bit of the first byte, fields are big-endian, signed fields are two's complement. Overflow handling follows
 * checkSignedBitfieldOverflow / checkUnsignedBitfieldOverflow, including their treatment of out-of-range SET values.
 */
final class Bitfields {
    enum Overflow { WRAP, SAT, FAIL }

    /** The outcome of an overflow check: whether it overflowed and the value to store instead (WRAP or SAT). */
    record Checked(boolean overflow, long limit) {
    }

    private Bitfields() {
    }

    /** Reads {@code bits} bits at {@code offset}; bytes past the end of {@code p} read as zero. */
    static long getUnsigned(byte[] p, long offset, int bits) {
        long value = 0;
        for (int j = 0; j < bits; j++, offset++) {
            long byteIndex = offset >>> 3;
            int bit = 7 - (int) (offset & 7);
            int bitval = byteIndex < p.length ? (p[(int) byteIndex] >> bit) & 1 : 0;
            value = (value << 1) | bitval;
        }
        return value;
    }

    static long getSigned(byte[] p, long offset, int bits) {
        long value = getUnsigned(p, offset, bits);
        if (bits < 64 && (value & (1L << (bits - 1))) != 0) {
            value |= -1L << bits; // sign-extend
        }
        return value;
    }

    /** Writes the low {@code bits} bits of {@code value} at {@code offset}; {@code p} must be long enough. */
    static void set(byte[] p, long offset, int bits, long value) {
        for (int j = 0; j < bits; j++, offset++) {
            int bitval = (value & (1L << (bits - 1 - j))) != 0 ? 1 : 0;
            int byteIndex = (int) (offset >>> 3);
            int bit = 7 - (int) (offset & 7);
            p[byteIndex] = (byte) ((p[byteIndex] & ~(1 << bit)) | (bitval << bit));
        }
    }

    /**
     * Would {@code value + incr} overflow an unsigned field of {@code bits} bits? {@code value} is taken as an unsigned
     * 64-bit number (a negative SET value is a huge one, so SAT stores the maximum, as Redis does).
     */
    static Checked checkUnsigned(long value, long incr, int bits, Overflow mode) {
        long max = (1L << bits) - 1; // bits <= 63
        long maxIncr = max - value;
        long minIncr = -value;
        if (Long.compareUnsigned(value, max) > 0 || (incr > 0 && incr > maxIncr)) {
            return switch (mode) {
                case WRAP -> new Checked(true, (value + incr) & ~(-1L << bits));
                case SAT -> new Checked(true, max);
                case FAIL -> new Checked(true, 0);
            };
        }
        if (incr < 0 && incr < minIncr) {
            return switch (mode) {
                case WRAP -> new Checked(true, (value + incr) & ~(-1L << bits));
                case SAT -> new Checked(true, 0);
                case FAIL -> new Checked(true, 0);
            };
        }
        return new Checked(false, 0);
    }

    /** Would {@code value + incr} overflow a signed field of {@code bits} bits? */
    static Checked checkSigned(long value, long incr, int bits, Overflow mode) {
        long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        // Like Redis, these may wrap; they are only used once value is known to be in range.
        long maxIncr = max - value;
        long minIncr = min - value;
        if (value > max || (bits != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr)) {
            return mode == Overflow.SAT ? new Checked(true, max) : new Checked(true, wrapSigned(value, incr, bits));
        }
        if (value < min || (bits != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr)) {
            return mode == Overflow.SAT ? new Checked(true, min) : new Checked(true, wrapSigned(value, incr, bits));
        }
        return new Checked(false, 0);
    }

    private static long wrapSigned(long value, long incr, int bits) {
        long c = value + incr;
        if (bits < 64) {
            long mask = -1L << bits;
            long msb = 1L << (bits - 1);
            c = (c & msb) != 0 ? c | mask : c & ~mask;
        }
        return c;
    }
}
