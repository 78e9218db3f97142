package dev.chorus.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HashValueTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> fieldOrder(HashValue h) {
        List<String> out = new ArrayList<>();
        h.forEach(f -> out.add(new String(f.field(), StandardCharsets.UTF_8) + "="
                + new String(f.value(), StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void putGetRemoveAndSize() {
        HashValue h = new HashValue();
        assertThat(h.put(b("a"), b("1"))).isTrue();
        assertThat(h.put(b("a"), b("2"))).isFalse();
        assertThat(h.get(b("a"))).isEqualTo(b("2"));
        assertThat(h.get(b("zz"))).isNull();
        assertThat(h.size()).isEqualTo(1);
        assertThat(h.remove(b("zz"))).isFalse();
        assertThat(h.remove(b("a"))).isTrue();
        assertThat(h.size()).isZero();
        assertThat(h.type()).isEqualTo(ValueType.HASH);
    }

    /** Same sequence as HMSET m a 1 b 2 c 3; HSET m b 5; HDEL m a; HSET m a 9 on redis-server 7.0.15: b c a. */
    @Test
    void listpackKeepsInsertionOrderLikeRedis() {
        HashValue h = new HashValue();
        h.put(b("a"), b("1"));
        h.put(b("b"), b("2"));
        h.put(b("c"), b("3"));
        h.put(b("b"), b("5"));
        h.remove(b("a"));
        h.put(b("a"), b("9"));
        assertThat(h.encoding()).isEqualTo("listpack");
        assertThat(fieldOrder(h)).containsExactly("b=5", "c=3", "a=9");
        List<String> scanned = new ArrayList<>();
        assertThat(h.scan(12345, f -> scanned.add(new String(f.field(), StandardCharsets.UTF_8)))).isZero();
        assertThat(scanned).containsExactly("b", "c", "a");
    }

    /** Redis 7.0.15 defaults: hash-max-listpack-entries 512, hash-max-listpack-value 64 (checked with CONFIG GET). */
    @Test
    void convertsAfter512EntriesAndStaysConverted() {
        HashValue h = new HashValue();
        for (int i = 1; i <= 512; i++) {
            h.put(b("f" + i), b(Integer.toString(i)));
        }
        assertThat(h.encoding()).isEqualTo("listpack");
        h.put(b("f513"), b("1"));
        assertThat(h.encoding()).isEqualTo("hashtable");
        h.remove(b("f513"));
        h.remove(b("f1"));
        assertThat(h.encoding()).isEqualTo("hashtable");
        assertThat(h.size()).isEqualTo(511);
    }

    @Test
    void convertsOnLongFieldOrValue() {
        HashValue h = new HashValue();
        h.put(b("f"), b("x".repeat(64)));
        assertThat(h.encoding()).isEqualTo("listpack");
        h.put(b("g"), b("x".repeat(65)));
        assertThat(h.encoding()).isEqualTo("hashtable");
        h.remove(b("g"));
        assertThat(h.encoding()).isEqualTo("hashtable");

        HashValue k = new HashValue();
        k.put(b("y".repeat(65)), b("1"));
        assertThat(k.encoding()).isEqualTo("hashtable");
    }

    @Test
    void copyIsDeepAndKeepsEncodingAndOrder() {
        HashValue h = new HashValue();
        h.put(b("z"), b("1"));
        h.put(b("a"), b("2"));
        HashValue c = h.copy();
        c.put(b("m"), b("3"));
        c.put(b("z"), b("9"));
        assertThat(fieldOrder(h)).containsExactly("z=1", "a=2");
        assertThat(fieldOrder(c)).containsExactly("z=9", "a=2", "m=3");
        assertThat(c.memoryEstimate()).isGreaterThan(h.memoryEstimate());

        h.put(b("long"), b("x".repeat(100)));
        assertThat(h.copy().encoding()).isEqualTo("hashtable");
    }

    @Test
    void memoryEstimateTracksContents() {
        HashValue h = new HashValue();
        long empty = h.memoryEstimate();
        h.put(b("f"), b("small"));
        long one = h.memoryEstimate();
        assertThat(one).isGreaterThan(empty);
        h.put(b("f"), b("x".repeat(1000)));
        assertThat(h.memoryEstimate()).isGreaterThan(one + 900);
        h.remove(b("f"));
        assertThat(h.memoryEstimate()).isEqualTo(empty);
    }

    @Test
    void randomReturnsMembers() {
        HashValue h = new HashValue();
        assertThat(h.random()).isNull();
        for (int i = 0; i < 10; i++) {
            h.put(b("f" + i), b("v"));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            seen.add(new String(h.random().field(), StandardCharsets.UTF_8));
        }
        assertThat(seen).hasSize(10);
    }

    /** HSCAN's guarantee: every field present for the whole scan is returned, even when the table grows and shrinks. */
    @Test
    void scanCoversStableFieldsAcrossResizes() {
        HashValue h = new HashValue();
        for (int i = 0; i < 1000; i++) {
            h.put(b("stable" + i), b("v"));
        }
        assertThat(h.encoding()).isEqualTo("hashtable");
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        int step = 0;
        do {
            cursor = h.scan(cursor, f -> seen.add(new String(f.field(), StandardCharsets.UTF_8)));
            step++;
            if (step == 50) {
                for (int i = 0; i < 5000; i++) {
                    h.put(b("extra" + i), b("v")); // grows the table several times
                }
            }
            if (step == 300) {
                for (int i = 0; i < 5000; i++) {
                    h.remove(b("extra" + i)); // shrinks it again
                }
            }
        } while (cursor != 0);
        for (int i = 0; i < 1000; i++) {
            assertThat(seen).contains("stable" + i);
        }
    }
}
