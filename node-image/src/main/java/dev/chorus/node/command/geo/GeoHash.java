package dev.chorus.node.command.geo;

/**
 * Redis' geohash.c: the 52-bit interleaved geohash that GEOADD stores as a sorted set score, its decoding, and the
 * neighbouring cells of a cell. Arithmetic is done in the same order as the C code so results are bit for bit the
 * same. Bits are unsigned 64-bit values held in a {@code long}.
 */
public final class GeoHash {
    private GeoHash() {
    }

    /** Redis' GEO_STEP_MAX: 26 steps of longitude and latitude, 52 bits in all. */
    public static final int STEP_MAX = 26;

    /** The limits from EPSG:900913 / EPSG:3785 / OSGEO:41001 (geohash.h). */
    public static final double LAT_MIN = -85.05112878;
    public static final double LAT_MAX = 85.05112878;
    public static final double LONG_MIN = -180;
    public static final double LONG_MAX = 180;

    /** A coordinate interval (GeoHashRange). */
    public record Range(double min, double max) {
        boolean isZero() {
            return max == 0 && min == 0;
        }
    }

    /** The ranges geo sets are encoded with (geohashGetCoordRange). */
    public static final Range LONG_RANGE = new Range(LONG_MIN, LONG_MAX);
    public static final Range LAT_RANGE = new Range(LAT_MIN, LAT_MAX);

    /** GeoHashBits: {@code step} bits of longitude and latitude interleaved into {@code bits}. */
    public record Bits(long bits, int step) {
        public static final Bits ZERO = new Bits(0, 0);

        /** HASHISZERO. */
        public boolean isZero() {
            return bits == 0 && step == 0;
        }
    }

    /** GeoHashArea: the cell a hash denotes. */
    public record Area(Bits hash, Range longitude, Range latitude) {
    }

    /** Interleaves the low 32 bits of x and y: x in the even positions, y in the odd ones (interleave64). */
    static long interleave64(long xlo, long ylo) {
        long x = xlo & 0xFFFFFFFFL;
        long y = ylo & 0xFFFFFFFFL;

        x = (x | (x << 16)) & 0x0000FFFF0000FFFFL;
        y = (y | (y << 16)) & 0x0000FFFF0000FFFFL;

        x = (x | (x << 8)) & 0x00FF00FF00FF00FFL;
        y = (y | (y << 8)) & 0x00FF00FF00FF00FFL;

        x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FL;
        y = (y | (y << 4)) & 0x0F0F0F0F0F0F0F0FL;

        x = (x | (x << 2)) & 0x3333333333333333L;
        y = (y | (y << 2)) & 0x3333333333333333L;

        x = (x | (x << 1)) & 0x5555555555555555L;
        y = (y | (y << 1)) & 0x5555555555555555L;

        return x | (y << 1);
    }

    /** The reverse of {@link #interleave64}: the even bits in the low half, the odd bits in the high half. */
    static long deinterleave64(long interleaved) {
        long x = interleaved;
        long y = interleaved >>> 1;

        x = (x | (x >>> 0)) & 0x5555555555555555L;
        y = (y | (y >>> 0)) & 0x5555555555555555L;

        x = (x | (x >>> 1)) & 0x3333333333333333L;
        y = (y | (y >>> 1)) & 0x3333333333333333L;

        x = (x | (x >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        y = (y | (y >>> 2)) & 0x0F0F0F0F0F0F0F0FL;

        x = (x | (x >>> 4)) & 0x00FF00FF00FF00FFL;
        y = (y | (y >>> 4)) & 0x00FF00FF00FF00FFL;

        x = (x | (x >>> 8)) & 0x0000FFFF0000FFFFL;
        y = (y | (y >>> 8)) & 0x0000FFFF0000FFFFL;

        x = (x | (x >>> 16)) & 0x00000000FFFFFFFFL;
        y = (y | (y >>> 16)) & 0x00000000FFFFFFFFL;

        return x | (y << 32);
    }

    /** C's conversion of a non-negative double below 2^32 to uint32_t (truncation). */
    private static long toUint32(double d) {
        return ((long) d) & 0xFFFFFFFFL;
    }

    /**
     * geohashEncode: the cell of (longitude, latitude) at {@code step} in the given ranges, or null where the C code
     * returns 0 (bad step, a zero range, or coordinates outside the geo limits or the ranges).
     */
    public static Bits encode(Range longRange, Range latRange, double longitude, double latitude, int step) {
        if (step > 32 || step == 0 || latRange.isZero() || longRange.isZero()) {
            return null;
        }
        if (longitude > LONG_MAX || longitude < LONG_MIN || latitude > LAT_MAX || latitude < LAT_MIN) {
            return null;
        }
        if (latitude < latRange.min() || latitude > latRange.max()
                || longitude < longRange.min() || longitude > longRange.max()) {
            return null;
        }
        double latOffset = (latitude - latRange.min()) / (latRange.max() - latRange.min());
        double longOffset = (longitude - longRange.min()) / (longRange.max() - longRange.min());
        latOffset *= (double) (1L << step);
        longOffset *= (double) (1L << step);
        return new Bits(interleave64(toUint32(latOffset), toUint32(longOffset)), step);
    }

    /** geohashEncodeWGS84: encoding with the geo set ranges. */
    public static Bits encodeWGS84(double longitude, double latitude, int step) {
        return encode(LONG_RANGE, LAT_RANGE, longitude, latitude, step);
    }

    /** geohashDecode: the cell of {@code hash}, or null for a zero hash or range. */
    public static Area decode(Range longRange, Range latRange, Bits hash) {
        if (hash.isZero() || latRange.isZero() || longRange.isZero()) {
            return null;
        }
        int step = hash.step();
        long hashSep = deinterleave64(hash.bits());
        double latScale = latRange.max() - latRange.min();
        double longScale = longRange.max() - longRange.min();
        long ilato = hashSep & 0xFFFFFFFFL;
        long ilono = hashSep >>> 32;
        double cells = (double) (1L << step);
        double latMin = latRange.min() + (ilato * 1.0 / cells) * latScale;
        double latMax = latRange.min() + ((ilato + 1) * 1.0 / cells) * latScale;
        double longMin = longRange.min() + (ilono * 1.0 / cells) * longScale;
        double longMax = longRange.min() + ((ilono + 1) * 1.0 / cells) * longScale;
        return new Area(hash, new Range(longMin, longMax), new Range(latMin, latMax));
    }

    public static Area decodeWGS84(Bits hash) {
        return decode(LONG_RANGE, LAT_RANGE, hash);
    }

    /** geohashDecodeToLongLatWGS84: the centre of the cell, clamped to the geo limits; null when not decodable. */
    public static double[] decodeToLongLatWGS84(Bits hash) {
        Area area = decodeWGS84(hash);
        if (area == null) {
            return null;
        }
        double x = (area.longitude().min() + area.longitude().max()) / 2;
        if (x > LONG_MAX) {
            x = LONG_MAX;
        }
        if (x < LONG_MIN) {
            x = LONG_MIN;
        }
        double y = (area.latitude().min() + area.latitude().max()) / 2;
        if (y > LAT_MAX) {
            y = LAT_MAX;
        }
        if (y < LAT_MIN) {
            y = LAT_MIN;
        }
        return new double[] {x, y};
    }

    /** geo.c's decodeGeohash: a sorted set score read as a 26-step hash; null when it can't be decoded. */
    public static double[] decodeScore(double score) {
        return decodeToLongLatWGS84(new Bits(doubleToUint64(score), STEP_MAX));
    }

    /**
     * C's {@code (uint64_t)d} as gcc compiles it for x86-64: below 2^63 a signed conversion (cvttsd2si, which gives
     * 0x8000000000000000 for NaN and out-of-range values), otherwise a conversion of d - 2^63 with the top bit
     * flipped.
     */
    public static long doubleToUint64(double d) {
        if (d < 9.223372036854775808E18) {
            return cvttsd2si(d);
        }
        return cvttsd2si(d - 9.223372036854775808E18) ^ Long.MIN_VALUE;
    }

    /** C's {@code (long long)d} on x86-64: truncation, 0x8000000000000000 for NaN and out-of-range values. */
    public static long cvttsd2si(double d) {
        if (Double.isNaN(d) || d >= 9.223372036854775808E18 || d < -9.223372036854775808E18) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    /** geohashAlign52Bits: the hash's bits shifted to the 52-bit score scale. */
    public static long align52Bits(Bits hash) {
        return hash.bits() << (52 - hash.step() * 2);
    }

    private static Bits moveX(Bits hash, int d) {
        if (d == 0) {
            return hash;
        }
        long x = hash.bits() & 0xaaaaaaaaaaaaaaaaL;
        long y = hash.bits() & 0x5555555555555555L;
        long zz = 0x5555555555555555L >>> (64 - hash.step() * 2);
        if (d > 0) {
            x = x + (zz + 1);
        } else {
            x = x | zz;
            x = x - (zz + 1);
        }
        x &= (0xaaaaaaaaaaaaaaaaL >>> (64 - hash.step() * 2));
        return new Bits(x | y, hash.step());
    }

    private static Bits moveY(Bits hash, int d) {
        if (d == 0) {
            return hash;
        }
        long x = hash.bits() & 0xaaaaaaaaaaaaaaaaL;
        long y = hash.bits() & 0x5555555555555555L;
        long zz = 0xaaaaaaaaaaaaaaaaL >>> (64 - hash.step() * 2);
        if (d > 0) {
            y = y + (zz + 1);
        } else {
            y = y | zz;
            y = y - (zz + 1);
        }
        y &= (0x5555555555555555L >>> (64 - hash.step() * 2));
        return new Bits(x | y, hash.step());
    }

    /** GeoHashNeighbors: the eight cells around one. */
    public record Neighbors(Bits north, Bits east, Bits west, Bits south, Bits northEast, Bits southEast,
            Bits northWest, Bits southWest) {
    }

    /** geohashNeighbors. */
    public static Neighbors neighbors(Bits hash) {
        return new Neighbors(
                moveY(moveX(hash, 0), 1),
                moveY(moveX(hash, 1), 0),
                moveY(moveX(hash, -1), 0),
                moveY(moveX(hash, 0), -1),
                moveY(moveX(hash, 1), 1),
                moveY(moveX(hash, 1), -1),
                moveY(moveX(hash, -1), 1),
                moveY(moveX(hash, -1), -1));
    }

    private static final char[] ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz".toCharArray();

    /**
     * GEOHASH's string for a score: the position decoded, re-encoded with the standard latitude range -90..90 and
     * written as 11 base32 characters (the last one always '0': there are only 52 bits). Null when not decodable.
     */
    public static String standardString(double score) {
        double[] xy = decodeScore(score);
        if (xy == null) {
            return null;
        }
        Bits hash = encode(new Range(-180, 180), new Range(-90, 90), xy[0], xy[1], 26);
        long bits = hash == null ? 0 : hash.bits();
        char[] buf = new char[11];
        for (int i = 0; i < 11; i++) {
            int idx = i == 10 ? 0 : (int) ((bits >>> (52 - ((i + 1) * 5))) & 0x1f);
            buf[i] = ALPHABET[idx];
        }
        return new String(buf);
    }
}
