package dev.chorus.node.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LongDoubleTest {

    private static LongDouble ld(String s) {
        return LongDouble.parse(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void longDoublePrecisionShowsInResults() {
        assertThat(ld("0.1").add(ld("0.2")).toHumanString()).isEqualTo("0.3");
        assertThat(ld("1e308").add(ld("1e308")).isInfinite()).isFalse();
        assertThat(ld("1.5e3").add(LongDouble.of(1)).toHumanString()).isEqualTo("1501");
        assertThat(ld("-0.5").add(ld("0.5")).toHumanString()).isEqualTo("0");
    }

    @Test
    void parsingFollowsString2ld() {
        assertThat(ld("0x10").toHumanString()).isEqualTo("16");
        assertThat(ld("1.")).isNotNull();
        assertThat(ld(".5")).isNotNull();
        assertThat(ld("inf").isInfinite()).isTrue();
        assertThat(ld("-Infinity").isInfinite()).isTrue();
        assertThat(ld("nan")).isNull();
        assertThat(ld(" 1")).isNull();
        assertThat(ld("1 ")).isNull();
        assertThat(ld("")).isNull();
        assertThat(ld("1e5000")).isNull(); // overflow
        assertThat(ld("1e-5000")).isNull(); // underflow to zero
        assertThat(ld("0e-5000").toHumanString()).isEqualTo("0");
        assertThat(ld("1e")).isNull();
        assertThat(ld("0x")).isNull();
        assertThat(ld("1\u0000junk")).isNull(); // strtold stops at the NUL; string2ld wants the whole string
        assertThat(ld("1\u00002")).isNull();
        assertThat(ld("\u0000")).isNull();
    }

    /** Hundreds of HINCRBYFLOAT results recorded from a real redis-server (see generate-cases.py). */
    @Test
    void agreesWithRedisHincrbyfloat() throws Exception {
        List<String> mismatches = new ArrayList<>();
        int cases = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("/longdouble/redis-7.0.15-hincrbyfloat.txt"), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#") || line.isEmpty()) {
                    continue;
                }
                String[] p = line.split("\t", -1);
                cases++;
                String actual = hincrbyfloat(p[0], p[1]);
                if (!actual.equals(p[2])) {
                    mismatches.add(p[0] + " + " + p[1] + ": redis " + p[2] + " ours " + actual);
                }
            }
        }
        assertThat(cases).isGreaterThan(1000);
        assertThat(mismatches).isEmpty();
    }

    /** What HINCRBYFLOAT answers for a field holding {@code start}, mirroring Redis' checks. */
    private static String hincrbyfloat(String start, String incr) {
        LongDouble by = ld(incr);
        if (by == null) {
            return "-ERR value is not a valid float";
        }
        if (by.isInfinite()) {
            return "-ERR value is NaN or Infinity";
        }
        LongDouble cur = ld(start);
        if (cur == null) {
            return "-ERR hash value is not a float";
        }
        LongDouble sum = cur.add(by);
        if (sum == null || sum.isInfinite()) {
            return "-ERR increment would produce NaN or Infinity";
        }
        return "=" + sum.toHumanString();
    }
}
