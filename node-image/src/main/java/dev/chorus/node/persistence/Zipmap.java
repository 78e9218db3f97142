package dev.chorus.node.persistence;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a zipmap blob (hashes in RDB files from Redis 2.x): a count byte, then (len, key, len, free, value, free
 * padding) pairs and 0xFF. Lengths are one byte below 254, else 254 and a 32-bit little-endian length.
 */
final class Zipmap {
    private static final int BIGLEN = 254;
    private static final int END = 255;

    private Zipmap() {
    }

    /** Field, value, field, value... */
    static List<byte[]> decode(byte[] zm) throws RdbFormatException {
        if (zm.length < 2) {
            throw corrupt("too short");
        }
        int end = zm.length - 1;
        if ((zm[end] & 0xff) != END) {
            throw corrupt("missing terminator");
        }
        List<byte[]> out = new ArrayList<>();
        int[] p = {1};
        while (p[0] < end) {
            byte[] field = string(zm, p, end, false);
            byte[] value = string(zm, p, end, true);
            out.add(field);
            out.add(value);
        }
        if (p[0] != end) {
            throw corrupt("entries overrun the terminator");
        }
        int declared = zm[0] & 0xff;
        if (declared < BIGLEN && declared != out.size() / 2) {
            throw corrupt("header count " + declared + " but " + out.size() / 2 + " entries");
        }
        return out;
    }

    private static byte[] string(byte[] zm, int[] p, int end, boolean withFree) throws RdbFormatException {
        int at = p[0];
        if (at >= end) {
            throw corrupt("entry runs past the end");
        }
        long len = zm[at] & 0xff;
        if (len == END) {
            throw corrupt("unexpected terminator");
        }
        if (len == BIGLEN) {
            if (at + 5 > end) {
                throw corrupt("entry runs past the end");
            }
            len = Listpack.u32(zm, at + 1);
            at += 5;
        } else {
            at += 1;
        }
        int free = 0;
        if (withFree) {
            if (at >= end) {
                throw corrupt("entry runs past the end");
            }
            free = zm[at] & 0xff;
            at += 1;
        }
        if (len > end - at || len + free > end - at) {
            throw corrupt("entry runs past the end");
        }
        byte[] s = java.util.Arrays.copyOfRange(zm, at, at + (int) len);
        p[0] = at + (int) len + free;
        return s;
    }

    private static RdbFormatException corrupt(String why) {
        return new RdbFormatException("Zipmap integrity check failed: " + why);
    }
}
