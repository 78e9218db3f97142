package dev.chorus.node.persistence;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a listpack blob (Redis 7.0's encoding for small hashes, sorted sets and quicklist nodes): a 32-bit total
 * size, a 16-bit element count, entries each followed by their length encoded backwards, and a 0xFF terminator.
 * Integer entries come back as their decimal strings, as lpGet hands them out.
 */
final class Listpack {
    private static final int HEADER_SIZE = 6;
    private static final int EOF = 0xFF;
    private static final int COUNT_UNKNOWN = 65535;

    private Listpack() {
    }

    static List<byte[]> decode(byte[] lp) throws RdbFormatException {
        if (lp.length < HEADER_SIZE + 1) {
            throw corrupt("too short");
        }
        long total = u32(lp, 0);
        if (total != lp.length) {
            throw corrupt("header size " + total + " but blob size " + lp.length);
        }
        int declared = (lp[4] & 0xff) | (lp[5] & 0xff) << 8;
        if ((lp[lp.length - 1] & 0xff) != EOF) {
            throw corrupt("missing terminator");
        }
        List<byte[]> out = new ArrayList<>(declared == COUNT_UNKNOWN ? 16 : declared);
        int p = HEADER_SIZE;
        int end = lp.length - 1;
        while (p < end) {
            int start = p;
            int b = lp[p] & 0xff;
            byte[] element;
            if ((b & 0x80) == 0) { // 7-bit unsigned
                element = RdbStrings.decimal(b);
                p += 1;
            } else if ((b & 0xC0) == 0x80) { // 6-bit string length
                int len = b & 0x3F;
                element = slice(lp, p + 1, len, end);
                p += 1 + len;
            } else if ((b & 0xE0) == 0xC0) { // 13-bit signed
                need(lp, p, 2, end);
                long u = ((long) (b & 0x1F) << 8) | (lp[p + 1] & 0xff);
                element = RdbStrings.decimal(signed(u, 13));
                p += 2;
            } else if ((b & 0xF0) == 0xE0) { // 12-bit string length
                need(lp, p, 2, end);
                int len = ((b & 0x0F) << 8) | (lp[p + 1] & 0xff);
                element = slice(lp, p + 2, len, end);
                p += 2 + len;
            } else {
                switch (b) {
                    case 0xF0 -> { // 32-bit string length
                        need(lp, p, 5, end);
                        long len = u32(lp, p + 1);
                        if (len > end - p - 5) {
                            throw corrupt("string runs past the end");
                        }
                        element = slice(lp, p + 5, (int) len, end);
                        p += 5 + (int) len;
                    }
                    case 0xF1 -> {
                        element = integer(lp, p, 2, end);
                        p += 3;
                    }
                    case 0xF2 -> {
                        element = integer(lp, p, 3, end);
                        p += 4;
                    }
                    case 0xF3 -> {
                        element = integer(lp, p, 4, end);
                        p += 5;
                    }
                    case 0xF4 -> {
                        element = integer(lp, p, 8, end);
                        p += 9;
                    }
                    default -> throw corrupt("invalid entry encoding 0x" + Integer.toHexString(b));
                }
            }
            // The entry is followed by its own length, encoded so it can be read backwards: check it.
            int entryLen = p - start;
            int backlenSize = backlenSize(entryLen);
            if (p + backlenSize > end) {
                throw corrupt("entry runs past the end");
            }
            if (!backlenMatches(lp, p, entryLen, backlenSize)) {
                throw corrupt("bad back length");
            }
            p += backlenSize;
            out.add(element);
        }
        if (p != end) {
            throw corrupt("entries overrun the terminator");
        }
        if (declared != COUNT_UNKNOWN && declared != out.size()) {
            throw corrupt("header count " + declared + " but " + out.size() + " entries");
        }
        return out;
    }

    static int backlenSize(int len) {
        if (len <= 127) {
            return 1;
        } else if (len < 16383) {
            return 2;
        } else if (len < 2097151) {
            return 3;
        } else if (len < 268435455) {
            return 4;
        }
        return 5;
    }

    /** lpEncodeBacklen: the high 7-bit group first, every later byte with its top bit set. */
    static void encodeBacklen(int len, byte[] dst, int at) {
        int size = backlenSize(len);
        for (int i = 0; i < size; i++) {
            int shift = 7 * (size - 1 - i);
            int group = (len >>> shift) & 127;
            dst[at + i] = (byte) (i == 0 ? group : group | 128);
        }
    }

    private static boolean backlenMatches(byte[] lp, int at, int len, int size) {
        byte[] expected = new byte[5];
        encodeBacklen(len, expected, 0);
        for (int i = 0; i < size; i++) {
            if (lp[at + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] integer(byte[] lp, int p, int bytes, int end) throws RdbFormatException {
        need(lp, p, 1 + bytes, end);
        long u = 0;
        for (int i = 0; i < bytes; i++) {
            u |= (long) (lp[p + 1 + i] & 0xff) << (8 * i);
        }
        return RdbStrings.decimal(bytes == 8 ? u : signed(u, bytes * 8));
    }

    /** Two's complement over {@code bits} bits. */
    private static long signed(long u, int bits) {
        return u >= (1L << (bits - 1)) ? u - (1L << bits) : u;
    }

    private static void need(byte[] lp, int p, int n, int end) throws RdbFormatException {
        if (p + n > end) {
            throw corrupt("entry runs past the end");
        }
    }

    private static byte[] slice(byte[] lp, int from, int len, int end) throws RdbFormatException {
        if (from + len > end || from + len < from) {
            throw corrupt("string runs past the end");
        }
        return java.util.Arrays.copyOfRange(lp, from, from + len);
    }

    static long u32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    private static RdbFormatException corrupt(String why) {
        return new RdbFormatException("Listpack integrity check failed: " + why);
    }
}
