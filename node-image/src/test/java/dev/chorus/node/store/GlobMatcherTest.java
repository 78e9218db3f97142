package dev.chorus.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class GlobMatcherTest {

    @Test
    void basicWildcards() {
        assertThat(GlobMatcher.matches("h?llo", "hello")).isTrue();
        assertThat(GlobMatcher.matches("h?llo", "hllo")).isFalse();
        assertThat(GlobMatcher.matches("h*llo", "hllo")).isTrue();
        assertThat(GlobMatcher.matches("h*llo", "heeeello")).isTrue();
        // stringmatchlen itself never matches an empty string with "*" (SCAN and KEYS skip matching for "*").
        assertThat(GlobMatcher.matches("*", "")).isFalse();
        assertThat(GlobMatcher.matches("", "")).isTrue();
        assertThat(GlobMatcher.matches("?", "")).isFalse();
    }

    @Test
    void setsRangesAndNegation() {
        assertThat(GlobMatcher.matches("h[ae]llo", "hallo")).isTrue();
        assertThat(GlobMatcher.matches("h[ae]llo", "hillo")).isFalse();
        assertThat(GlobMatcher.matches("h[^e]llo", "hallo")).isTrue();
        assertThat(GlobMatcher.matches("h[^e]llo", "hello")).isFalse();
        assertThat(GlobMatcher.matches("h[a-b]llo", "hbllo")).isTrue();
        assertThat(GlobMatcher.matches("h[b-a]llo", "hbllo")).isTrue(); // reversed bounds are swapped
        assertThat(GlobMatcher.matches("[a\\-c]", "-")).isTrue();
    }

    @Test
    void escapes() {
        assertThat(GlobMatcher.matches("\\*", "*")).isTrue();
        assertThat(GlobMatcher.matches("\\*", "a")).isFalse();
        assertThat(GlobMatcher.matches("a\\", "a\\")).isTrue(); // a trailing backslash is literal
    }

    @Test
    void unterminatedSetActsAsClosed() {
        assertThat(GlobMatcher.matches("[a", "a")).isTrue();
        assertThat(GlobMatcher.matches("[a", "ab")).isFalse();
        assertThat(GlobMatcher.matches("[^", "x")).isTrue();
    }

    @Test
    void ignoreCase() {
        assertThat(GlobMatcher.matchesIgnoreCase("MAXMEMORY*", "maxmemory-policy")).isTrue();
        assertThat(GlobMatcher.matches("MAXMEMORY*", "maxmemory-policy")).isFalse();
        assertThat(GlobMatcher.matchesIgnoreCase("[A-C]x", "bX")).isTrue();
    }

    @Test
    void nestingIsBoundedLikeRedis() {
        // Verified with redis-server 7.0.15 (Debian): KEYS with 1000 "*a" groups matches a 1200-char key, 1001 does not.
        byte[] key = "a".repeat(1200).getBytes(StandardCharsets.US_ASCII);
        assertThat(GlobMatcher.matches("*a".repeat(1000).getBytes(StandardCharsets.US_ASCII), key)).isTrue();
        assertThat(GlobMatcher.matches("*a".repeat(1001).getBytes(StandardCharsets.US_ASCII), key)).isFalse();
    }

    @Test
    void pathologicalPatternFinishesQuickly() {
        byte[] s = "a".repeat(60).getBytes(StandardCharsets.US_ASCII);
        byte[] p = ("*a".repeat(30) + "b").getBytes(StandardCharsets.US_ASCII);
        long start = System.nanoTime();
        assertThat(GlobMatcher.matches(p, s)).isFalse();
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
    }

    /** Hundreds of patterns x strings whose results were recorded from a real redis-server (see generate-cases.py). */
    @Test
    void agreesWithRedisOnRecordedCases() throws Exception {
        HexFormat hex = HexFormat.of();
        List<byte[]> strings = new ArrayList<>();
        int patterns = 0;
        List<String> mismatches = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("/glob/redis-7.0.15-cases.txt"), StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("S ")) {
                    String h = line.substring(2);
                    strings.add(h.equals("-") ? new byte[0] : hex.parseHex(h));
                } else if (line.startsWith("P ")) {
                    String[] parts = line.split(" ");
                    byte[] pattern = hex.parseHex(parts[1]);
                    patterns++;
                    if (GlobMatcher.matchesEverything(pattern)) {
                        continue; // HSCAN does not call the matcher for "*"
                    }
                    for (int i = 0; i < strings.size(); i++) {
                        boolean expected = parts[2].charAt(i) == '1';
                        if (GlobMatcher.matches(pattern, strings.get(i)) != expected) {
                            mismatches.add("pattern " + parts[1] + " string " + hex.formatHex(strings.get(i))
                                    + " expected " + expected);
                        }
                    }
                }
            }
        }
        assertThat(patterns).isGreaterThan(500);
        assertThat(mismatches).isEmpty();
    }
}
