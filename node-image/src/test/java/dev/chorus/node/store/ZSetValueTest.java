package dev.chorus.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Encoding transitions and accounting, as observed on redis-server 7.0.15 with default settings. */
class ZSetValueTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @AfterEach
    void restoreLimits() {
        ZSetValue.setListpackLimits(128, 64);
    }

    @Test
    void listpackUpTo128EntriesThenSkiplistForGood() {
        ZSetValue z = new ZSetValue();
        assertThat(z.type()).isEqualTo(ValueType.ZSET);
        for (int i = 1; i <= 128; i++) {
            z.insert(b("m" + i), i);
        }
        assertThat(z.encoding()).isEqualTo("listpack");
        z.insert(b("m129"), 129);
        assertThat(z.encoding()).isEqualTo("skiplist");
        z.removeRankRange(0, 100);
        assertThat(z.size()).isEqualTo(28);
        assertThat(z.encoding()).isEqualTo("skiplist");
    }

    @Test
    void memberLongerThan64BytesConverts() {
        ZSetValue z = new ZSetValue();
        z.insert(b("x".repeat(64)), 1);
        assertThat(z.encoding()).isEqualTo("listpack");
        z.insert(b("x".repeat(65)), 1);
        assertThat(z.encoding()).isEqualTo("skiplist");
        z.remove(b("x".repeat(65)));
        assertThat(z.encoding()).isEqualTo("skiplist");
    }

    @Test
    void onlyInsertionsConvertNotScoreUpdates() {
        ZSetValue z = new ZSetValue();
        z.insert(b("x"), 1);
        ZSetValue.setListpackLimits(1, 64); // CONFIG SET zset-max-listpack-entries 1
        z.updateScore(z.node(b("x")), 2);
        assertThat(z.encoding()).isEqualTo("listpack");
        z.insert(b("y"), 2);
        assertThat(z.encoding()).isEqualTo("skiplist");
    }

    @Test
    void copyKeepsEncodingAndContents() {
        ZSetValue z = new ZSetValue();
        for (int i = 0; i < 200; i++) {
            z.insert(b("m" + i), i % 10);
        }
        z.removeRankRange(0, 150);
        ZSetValue c = z.copy();
        assertThat(c.encoding()).isEqualTo("skiplist");
        assertThat(order(c)).isEqualTo(order(z));
        c.remove(b("m199"));
        assertThat(z.contains(b("m199"))).isTrue();
    }

    @Test
    void bulkBuildCompactsWhenSmall() {
        ZSetValue z = ZSetValue.forBulkBuild();
        z.insert(b("a"), -0.0);
        assertThat(z.encoding()).isEqualTo("skiplist");
        assertThat(1 / z.score(b("a"))).isNegative();
        z.compactIfSmall();
        assertThat(z.encoding()).isEqualTo("listpack");
        assertThat(1 / z.score(b("a"))).isPositive(); // a listpack stores -0 as the integer 0

        ZSetValue big = ZSetValue.forBulkBuild();
        for (int i = 0; i < 129; i++) {
            big.insert(b("m" + i), i);
        }
        big.compactIfSmall();
        assertThat(big.encoding()).isEqualTo("skiplist");
        ZSetValue longMember = ZSetValue.forBulkBuild();
        longMember.insert(b("x".repeat(65)), 1);
        longMember.compactIfSmall();
        assertThat(longMember.encoding()).isEqualTo("skiplist");
    }

    @Test
    void negativeZeroSurvivesOnlyInSkiplist() {
        // redis 7.0: ZADD lp -0 c; ZSCORE lp c -> "0", but on a skiplist-encoded set -> "-0"
        ZSetValue lp = new ZSetValue();
        lp.insert(b("c"), -0.0);
        assertThat(Double.doubleToRawLongBits(lp.score(b("c")))).isEqualTo(0L);
        ZSetValue sl = new ZSetValue();
        sl.insert(b("x".repeat(100)), 5);
        sl.insert(b("c"), -0.0);
        assertThat(Double.doubleToRawLongBits(sl.score(b("c")))).isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void memoryIsARunningCountThatReturnsToItsBase() {
        ZSetValue z = new ZSetValue();
        long base = z.memoryEstimate();
        List<Long> afterEach = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            z.insert(b("member-" + i), i);
            afterEach.add(z.memoryEstimate());
        }
        assertThat(afterEach).isSorted();
        assertThat(z.memoryEstimate()).isGreaterThan(base + 300 * 40);
        z.updateScore(z.node(b("member-0")), 1000);
        z.removeRange(ScoreRange.parse(b("0"), b("(100")));
        z.removeRankRange(0, 9);
        for (int i = 0; i < 300; i++) {
            z.remove(b("member-" + i));
        }
        assertThat(z.size()).isZero();
        assertThat(z.memoryEstimate()).isEqualTo(base);
    }

    private static List<String> order(ZSetValue z) {
        List<String> out = new ArrayList<>();
        for (SkipList.Node n = z.first(); n != null; n = n.next()) {
            out.add(new String(n.member(), StandardCharsets.UTF_8) + "=" + n.score());
        }
        return out;
    }
}
