package dev.chorus.node.persistence;

/**
 * Redis' CRC-64 (crc64.c): the Jones polynomial 0xad93d23594c935a9, reflected input and output, initial value 0, no
 * final xor. An RDB file ends with this checksum of every byte before it, stored little-endian.
 */
public final class Crc64 {
    /** The Jones polynomial, bit-reversed for the reflected (LSB-first) algorithm. */
    private static final long POLY_REFLECTED = Long.reverse(0xad93d23594c935a9L);
    private static final long[] TABLE = new long[256];

    static {
        for (int i = 0; i < 256; i++) {
            long crc = i;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY_REFLECTED : crc >>> 1;
            }
            TABLE[i] = crc;
        }
    }

    private Crc64() {
    }

    /** Continues {@code crc} over {@code len} bytes of {@code b} from {@code off}. */
    public static long update(long crc, byte[] b, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) {
            crc = TABLE[(int) (crc ^ b[i]) & 0xff] ^ (crc >>> 8);
        }
        return crc;
    }

    public static long update(long crc, int b) {
        return TABLE[(int) (crc ^ b) & 0xff] ^ (crc >>> 8);
    }

    public static long of(byte[] b) {
        return update(0, b, 0, b.length);
    }
}
