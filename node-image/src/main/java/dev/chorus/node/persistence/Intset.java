package dev.chorus.node.persistence;

import java.util.ArrayList;
import java.util.List;

/** Decodes an intset blob: element width (2, 4 or 8), count, then strictly ascending little-endian integers. */
final class Intset {
    private Intset() {
    }

    static List<byte[]> decode(byte[] is) throws RdbFormatException {
        if (is.length < 8) {
            throw corrupt("too short");
        }
        long width = Listpack.u32(is, 0);
        long count = Listpack.u32(is, 4);
        if (width != 2 && width != 4 && width != 8) {
            throw corrupt("bad encoding " + width);
        }
        if (8 + width * count != is.length) {
            throw corrupt("size does not match the count");
        }
        List<byte[]> out = new ArrayList<>((int) count);
        long previous = 0;
        for (int i = 0; i < count; i++) {
            int at = 8 + i * (int) width;
            long v = 0;
            for (int b = 0; b < width; b++) {
                v |= (is[at + b] & 0xffL) << (8 * b);
            }
            if (width == 2) {
                v = (short) v;
            } else if (width == 4) {
                v = (int) v;
            }
            if (i > 0 && v <= previous) {
                throw corrupt("elements not in ascending order");
            }
            previous = v;
            out.add(RdbStrings.decimal(v));
        }
        return out;
    }

    private static RdbFormatException corrupt(String why) {
        return new RdbFormatException("Intset integrity check failed: " + why);
    }
}
