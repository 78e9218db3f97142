package dev.chorus.node.command.meta;

/**
 * The C library's view of an argument, where Redis' key extraction uses it: a string ends at its first NUL byte,
 * case folding is ASCII only, and atoi reads a number prefix.
 */
final class CStrings {
    private CStrings() {
    }

    /** strcasecmp(arg, word) == 0, with arg read up to its first NUL. */
    static boolean equalsIgnoreCase(byte[] arg, String word) {
        int n = length(arg);
        if (n != word.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (lower(arg[i]) != lower((byte) word.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * glibc's atoi, i.e. (int) strtol(s, NULL, 10): leading white space, a sign, digits up to the first other byte;
     * an overflowing value saturates to a long's range before the cast to int.
     */
    static int atoi(byte[] s) {
        int n = length(s);
        int i = 0;
        while (i < n && isSpace(s[i])) {
            i++;
        }
        boolean negative = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        long value = 0;
        boolean overflow = false;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            int digit = s[i] - '0';
            if (!overflow) {
                if (value > (Long.MAX_VALUE - digit) / 10) {
                    overflow = true;
                } else {
                    value = value * 10 + digit;
                }
            }
        }
        if (overflow) {
            return (int) (negative ? Long.MIN_VALUE : Long.MAX_VALUE);
        }
        return (int) (negative ? -value : value);
    }

    private static int length(byte[] s) {
        for (int i = 0; i < s.length; i++) {
            if (s[i] == 0) {
                return i;
            }
        }
        return s.length;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }

    private static int lower(byte b) {
        return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b & 0xff;
    }
}
