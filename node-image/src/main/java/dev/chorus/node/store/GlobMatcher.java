package dev.chorus.node.store;

import java.nio.charset.StandardCharsets;

/**
 * Redis' glob matching (util.c stringmatchlen), byte for byte: {@code *}, {@code ?}, {@code [set]}, {@code [^set]},
 * {@code [a-z]} ranges (bounds may be given in either order) and {@code \} escapes. Used by KEYS, SCAN, HSCAN, SSCAN,
 * ZSCAN MATCH, PSUBSCRIBE and CONFIG GET.
 *
 * <p>It is a faithful port rather than a clean re-implementation because the corner cases are observable: the C code
 * reads the pattern's NUL terminator (an unterminated {@code [a} acts like {@code [a]}), compares range bounds as signed chars
 * (bytes 0x80-0xFF sort below ASCII), gives up after 1000 nested {@code *} (CVE-2024-31228 fix, which Debian's 7.0.15
 * carries) and stops retrying earlier {@code *} once a later one failed everywhere (CVE-2022-36021 fix).
 */
public final class GlobMatcher {
    private static final int MAX_NESTING = 1000;

    private final byte[] pattern;
    private final boolean nocase;
    private boolean skipLongerMatches;

    private GlobMatcher(byte[] pattern, boolean nocase) {
        this.pattern = pattern;
        this.nocase = nocase;
    }

    public static boolean matches(byte[] pattern, byte[] string) {
        return new GlobMatcher(pattern, false).match(string);
    }

    public static boolean matches(String pattern, String string) {
        return matches(pattern.getBytes(StandardCharsets.UTF_8), string.getBytes(StandardCharsets.UTF_8));
    }

    /** ASCII case-insensitive variant (CONFIG GET, ACL patterns). */
    public static boolean matchesIgnoreCase(byte[] pattern, byte[] string) {
        return new GlobMatcher(pattern, true).match(string);
    }

    public static boolean matchesIgnoreCase(String pattern, String string) {
        return matchesIgnoreCase(pattern.getBytes(StandardCharsets.UTF_8), string.getBytes(StandardCharsets.UTF_8));
    }

    /** True when the pattern is exactly "*" (SCAN skips matching altogether then). */
    public static boolean matchesEverything(byte[] pattern) {
        return pattern.length == 1 && pattern[0] == '*';
    }

    private boolean match(byte[] string) {
        skipLongerMatches = false;
        return match(0, pattern.length, string, 0, string.length, 0);
    }

    /** Byte at {@code i} as C's signed char; past the end it reads the terminating NUL, as the C code does. */
    private static int at(byte[] a, int i) {
        return i < a.length ? a[i] : 0;
    }

    private boolean match(int p, int plen, byte[] s, int si, int slen, int nesting) {
        if (nesting > MAX_NESTING) {
            return false;
        }
        byte[] pat = pattern;
        while (plen != 0 && slen != 0) {
            switch (at(pat, p)) {
                case '*' -> {
                    while (plen != 0 && at(pat, p + 1) == '*') {
                        p++;
                        plen--;
                    }
                    if (plen == 1) {
                        return true;
                    }
                    while (slen != 0) {
                        if (match(p + 1, plen - 1, s, si, slen, nesting + 1)) {
                            return true;
                        }
                        if (skipLongerMatches) {
                            return false;
                        }
                        si++;
                        slen--;
                    }
                    // The rest of the pattern matches nowhere in the rest of the string, so a longer match for an
                    // earlier '*' cannot help either.
                    skipLongerMatches = true;
                    return false;
                }
                case '?' -> {
                    si++;
                    slen--;
                }
                case '[' -> {
                    p++;
                    plen--;
                    boolean not = at(pat, p) == '^';
                    if (not) {
                        p++;
                        plen--;
                    }
                    boolean matched = false;
                    int c = at(s, si);
                    while (true) {
                        if (at(pat, p) == '\\' && plen >= 2) {
                            p++;
                            plen--;
                            if (at(pat, p) == c) {
                                matched = true;
                            }
                        } else if (at(pat, p) == ']') {
                            break;
                        } else if (plen == 0) {
                            // Unterminated set: step back so the step past the set lands on the terminator.
                            p--;
                            plen++;
                            break;
                        } else if (plen >= 3 && at(pat, p + 1) == '-') {
                            int start = at(pat, p);
                            int end = at(pat, p + 2);
                            int ch = c;
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            if (nocase) {
                                start = lower(start);
                                end = lower(end);
                                ch = lower(ch);
                            }
                            p += 2;
                            plen -= 2;
                            if (ch >= start && ch <= end) {
                                matched = true;
                            }
                        } else if (same(at(pat, p), c)) {
                            matched = true;
                        }
                        p++;
                        plen--;
                    }
                    if (not) {
                        matched = !matched;
                    }
                    if (!matched) {
                        return false;
                    }
                    si++;
                    slen--;
                }
                case '\\' -> {
                    if (plen >= 2) {
                        p++;
                        plen--;
                    }
                    if (!same(at(pat, p), at(s, si))) {
                        return false;
                    }
                    si++;
                    slen--;
                }
                default -> {
                    if (!same(at(pat, p), at(s, si))) {
                        return false;
                    }
                    si++;
                    slen--;
                }
            }
            p++;
            plen--;
            if (slen == 0) {
                while (at(pat, p) == '*') {
                    p++;
                    plen--;
                }
                break;
            }
        }
        return plen == 0 && slen == 0;
    }

    private boolean same(int a, int b) {
        return nocase ? lower(a) == lower(b) : a == b;
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }
}
