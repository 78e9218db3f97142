package dev.chorus.node.persistence;

/** String helpers shared by the encoders and decoders. */
final class RdbStrings {
    /** Returned by {@link #canonicalInteger} when the string is not one. */
    static final long NOT_AN_INTEGER = Long.MIN_VALUE;

    private RdbStrings() {
    }

    /**
     * The value of a string that is exactly the decimal form Redis prints for a 64-bit integer (no sign but '-', no
     * leading zeros, no "-0"), as rdbTryIntegerEncoding requires; {@link #NOT_AN_INTEGER} otherwise (Long.MIN_VALUE
     * itself never reaches the 32-bit encodings, so it can serve as the marker).
     */
    static long canonicalInteger(byte[] s) {
        int n = s.length;
        if (n == 0 || n > 20) {
            return NOT_AN_INTEGER;
        }
        int i = 0;
        boolean negative = false;
        if (s[0] == '-') {
            negative = true;
            i = 1;
            if (n == 1) {
                return NOT_AN_INTEGER;
            }
        }
        if (s[i] == '0') {
            return n == 1 ? 0 : NOT_AN_INTEGER;
        }
        long v = 0;
        for (; i < n; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) {
                return NOT_AN_INTEGER;
            }
            // Accumulate negatively so Long.MIN_VALUE's magnitude fits.
            if (v < (Long.MIN_VALUE + d) / 10) {
                return NOT_AN_INTEGER;
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                return NOT_AN_INTEGER;
            }
            v = -v;
        }
        return v;
    }

    static byte[] decimal(long v) {
        return Long.toString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
