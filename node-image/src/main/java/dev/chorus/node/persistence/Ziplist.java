package dev.chorus.node.persistence;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a ziplist blob (the small-collection encoding RDB files from Redis before 7.0 contain): zlbytes, zltail,
 * zllen, entries of (prevlen, encoding, data), and 0xFF. Checked like ziplistValidateIntegrity's deep mode: sizes,
 * each entry's prevlen, the tail offset and the count.
 */
final class Ziplist {
    private static final int HEADER_SIZE = 10;
    private static final int END = 0xFF;
    private static final int BIG_PREVLEN = 254;

    private Ziplist() {
    }

    static List<byte[]> decode(byte[] zl) throws RdbFormatException {
        if (zl.length < HEADER_SIZE + 1) {
            throw corrupt("too short");
        }
        long bytes = Listpack.u32(zl, 0);
        long tail = Listpack.u32(zl, 4);
        int declared = (zl[8] & 0xff) | (zl[9] & 0xff) << 8;
        if (bytes != zl.length || (zl[zl.length - 1] & 0xff) != END) {
            throw corrupt("bad header or terminator");
        }
        int end = zl.length - 1;
        List<byte[]> out = new ArrayList<>(declared == 65535 ? 16 : declared);
        int p = HEADER_SIZE;
        int prevEntryLen = 0;
        int lastEntry = -1;
        while (p < end) {
            int start = p;
            int prevlen = zl[p] & 0xff;
            if (prevlen == BIG_PREVLEN) {
                need(p, 5, end);
                prevlen = (int) Listpack.u32(zl, p + 1);
                p += 5;
            } else if (prevlen == END) {
                throw corrupt("unexpected terminator");
            } else {
                p += 1;
            }
            if (prevlen != prevEntryLen) {
                throw corrupt("prevlen mismatch");
            }
            need(p, 1, end);
            int enc = zl[p] & 0xff;
            byte[] element;
            switch (enc >> 6) {
                case 0 -> { // 6-bit string length
                    int len = enc & 0x3F;
                    element = slice(zl, p + 1, len, end);
                    p += 1 + len;
                }
                case 1 -> { // 14-bit string length, big-endian
                    need(p, 2, end);
                    int len = ((enc & 0x3F) << 8) | (zl[p + 1] & 0xff);
                    element = slice(zl, p + 2, len, end);
                    p += 2 + len;
                }
                case 2 -> { // 32-bit string length, big-endian
                    need(p, 5, end);
                    long len = (zl[p + 1] & 0xffL) << 24 | (zl[p + 2] & 0xffL) << 16 | (zl[p + 3] & 0xffL) << 8
                            | (zl[p + 4] & 0xffL);
                    if (len > end - p - 5) {
                        throw corrupt("string runs past the end");
                    }
                    element = slice(zl, p + 5, (int) len, end);
                    p += 5 + (int) len;
                }
                default -> {
                    int size;
                    long v;
                    switch (enc) {
                        case 0xC0 -> {
                            size = 2;
                            v = (short) littleEndian(zl, p + 1, 2, end);
                        }
                        case 0xD0 -> {
                            size = 4;
                            v = (int) littleEndian(zl, p + 1, 4, end);
                        }
                        case 0xE0 -> {
                            size = 8;
                            v = littleEndian(zl, p + 1, 8, end);
                        }
                        case 0xF0 -> {
                            size = 3;
                            v = littleEndian(zl, p + 1, 3, end);
                            if (v >= 1 << 23) {
                                v -= 1 << 24;
                            }
                        }
                        case 0xFE -> {
                            size = 1;
                            v = (byte) littleEndian(zl, p + 1, 1, end);
                        }
                        default -> {
                            if (enc >= 0xF1 && enc <= 0xFD) {
                                size = 0;
                                v = (enc & 0x0F) - 1;
                            } else {
                                throw corrupt("invalid entry encoding 0x" + Integer.toHexString(enc));
                            }
                        }
                    }
                    element = RdbStrings.decimal(v);
                    p += 1 + size;
                }
            }
            if (p > end) {
                throw corrupt("entry runs past the end");
            }
            out.add(element);
            lastEntry = start;
            prevEntryLen = p - start;
        }
        if (p != end) {
            throw corrupt("entries overrun the terminator");
        }
        if (tail != (lastEntry < 0 ? HEADER_SIZE : lastEntry)) {
            throw corrupt("bad tail offset");
        }
        if (declared != 65535 && declared != out.size()) {
            throw corrupt("header count " + declared + " but " + out.size() + " entries");
        }
        return out;
    }

    private static long littleEndian(byte[] b, int at, int n, int end) throws RdbFormatException {
        need(at, n, end);
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (b[at + i] & 0xffL) << (8 * i);
        }
        return v;
    }

    private static void need(int p, int n, int end) throws RdbFormatException {
        if (p + n > end) {
            throw corrupt("entry runs past the end");
        }
    }

    private static byte[] slice(byte[] zl, int from, int len, int end) throws RdbFormatException {
        if (from + len > end) {
            throw corrupt("string runs past the end");
        }
        return java.util.Arrays.copyOfRange(zl, from, from + len);
    }

    private static RdbFormatException corrupt(String why) {
        return new RdbFormatException("Ziplist integrity check failed: " + why);
    }
}
