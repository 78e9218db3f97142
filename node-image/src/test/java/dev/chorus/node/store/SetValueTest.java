package dev.chorus.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SetValueTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> order(SetValue s) {
        List<String> out = new ArrayList<>();
        s.forEach(m -> out.add(new String(m, StandardCharsets.UTF_8)));
        return out;
    }

    private static SetValue of(String... members) {
        SetValue s = new SetValue();
        for (String m : members) {
            s.add(b(m));
        }
        return s;
    }

    /** SADD s6 3 1 2 -5 9223372036854775807 -9223372036854775808; SMEMBERS s6 on redis-server 7.0.15. */
    @Test
    void intsetRepliesInAscendingOrder() {
        SetValue s = of("3", "1", "2", "-5", "9223372036854775807", "-9223372036854775808");
        assertThat(s.encoding()).isEqualTo("intset");
        assertThat(order(s)).containsExactly("-9223372036854775808", "-5", "1", "2", "3", "9223372036854775807");
        List<String> scanned = new ArrayList<>();
        assertThat(s.scan(77, m -> scanned.add(new String(m, StandardCharsets.UTF_8)))).isZero();
        assertThat(scanned).isEqualTo(order(s));
    }

    /** Checked with OBJECT ENCODING on redis-server 7.0.15. */
    @Test
    void encodingFollowsRedisRules() {
        assertThat(of("1", "2", "3").encoding()).isEqualTo("intset");
        assertThat(of("a", "1").encoding()).isEqualTo("hashtable");
        assertThat(of("1", "a").encoding()).isEqualTo("hashtable");
        assertThat(of("5", "-3", "010", "1").encoding()).isEqualTo("hashtable"); // "010" is not canonical
        assertThat(of("+1").encoding()).isEqualTo("hashtable");
        assertThat(of("-0").encoding()).isEqualTo("hashtable");
        assertThat(of("9223372036854775808").encoding()).isEqualTo("hashtable");
        assertThat(of("0", "-9223372036854775808").encoding()).isEqualTo("intset");

        SetValue s = of("1", "a");
        s.remove(b("a"));
        assertThat(s.encoding()).isEqualTo("hashtable"); // never converts back
    }

    @Test
    void convertsAfter512Integers() {
        SetValue s = new SetValue();
        for (int i = 1; i <= 512; i++) {
            s.add(b(Integer.toString(i)));
        }
        assertThat(s.encoding()).isEqualTo("intset");
        assertThat(s.add(b("513"))).isTrue();
        assertThat(s.encoding()).isEqualTo("hashtable");
        assertThat(s.size()).isEqualTo(513);
        assertThat(s.contains(b("1"))).isTrue();
        assertThat(s.contains(b("513"))).isTrue();
    }

    @Test
    void membershipAcrossEncodings() {
        SetValue s = of("1", "2");
        assertThat(s.contains(b("1"))).isTrue();
        assertThat(s.contains(b("01"))).isFalse();
        assertThat(s.contains(b("x"))).isFalse();
        assertThat(s.add(b("1"))).isFalse();
        assertThat(s.remove(b("01"))).isFalse();
        assertThat(s.remove(b("1"))).isTrue();
        s.add(b("x"));
        assertThat(s.contains(b("2"))).isTrue();
        assertThat(s.contains(b("x"))).isTrue();
        assertThat(s.add(b("x"))).isFalse();
        assertThat(s.remove(b("x"))).isTrue();
        assertThat(s.size()).isEqualTo(1);
    }

    @Test
    void copyIsDeep() {
        SetValue s = of("1", "2");
        SetValue c = s.copy();
        c.add(b("3"));
        c.add(b("x"));
        assertThat(order(s)).containsExactly("1", "2");
        assertThat(s.encoding()).isEqualTo("intset");
        assertThat(c.encoding()).isEqualTo("hashtable");
        SetValue h = of("a", "b");
        SetValue hc = h.copy();
        hc.remove(b("a"));
        assertThat(h.size()).isEqualTo(2);
        assertThat(hc.size()).isEqualTo(1);
    }

    @Test
    void memoryEstimateTracksContents() {
        SetValue s = of("a");
        long one = s.memoryEstimate();
        s.add(b("x".repeat(1000)));
        assertThat(s.memoryEstimate()).isGreaterThan(one + 900);
        s.remove(b("x".repeat(1000)));
        assertThat(s.memoryEstimate()).isEqualTo(one);
    }

    @Test
    void randomCoversAllMembers() {
        for (SetValue s : List.of(of("1", "2", "3", "4"), of("a", "b", "c", "d"))) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 400; i++) {
                seen.add(new String(s.random(), StandardCharsets.UTF_8));
            }
            assertThat(seen).hasSize(4);
        }
        assertThat(new SetValue().random()).isNull();
    }

    @Test
    void scanCoversStableMembersAcrossResizes() {
        SetValue s = new SetValue();
        for (int i = 0; i < 2000; i++) {
            s.add(b("m" + i));
        }
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        int step = 0;
        do {
            cursor = s.scan(cursor, m -> seen.add(new String(m, StandardCharsets.UTF_8)));
            if (++step == 20) {
                for (int i = 0; i < 10000; i++) {
                    s.add(b("grow" + i));
                }
            } else if (step == 500) {
                for (int i = 0; i < 10000; i++) {
                    s.remove(b("grow" + i));
                }
            }
        } while (cursor != 0);
        for (int i = 0; i < 2000; i++) {
            assertThat(seen).contains("m" + i);
        }
    }
}
