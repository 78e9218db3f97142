package dev.chorus.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.store.SkipList.Node;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The skip list (through {@link ZSetValue}, which keeps the member dictionary beside it) against a plain sorted list
 * model: every operation must leave the same members in the same order, with ranks and ranges agreeing.
 */
class SkipListTest {

    /** (score, member) ordered as Redis orders them: score with C's <, then member bytes unsigned. */
    record Entry(double score, byte[] member) {
        @Override
        public String toString() {
            return score + ":" + Arrays.toString(member);
        }
    }

    static final Comparator<Entry> ORDER = (a, b) -> {
        if (a.score < b.score) {
            return -1;
        }
        if (a.score > b.score) {
            return 1;
        }
        return Arrays.compareUnsigned(a.member, b.member);
    };

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<String> members(ZSetValue z) {
        List<String> out = new ArrayList<>();
        for (Node n = z.first(); n != null; n = n.next()) {
            out.add(new String(n.member(), StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    @Test
    void ordersByScoreThenMemberBytesUnsigned() {
        ZSetValue z = new ZSetValue();
        z.insert(b("b"), 1);
        z.insert(b("a"), 1);
        z.insert(b("\u00e9"), 1); // 0xE9 sorts after ASCII when compared unsigned
        z.insert(b("ab"), 1);
        z.insert(b("z"), 0.5);
        z.insert(b("m"), Double.NEGATIVE_INFINITY);
        z.insert(b("n"), Double.POSITIVE_INFINITY);
        assertThat(members(z)).containsExactly("m", "z", "a", "ab", "b", "\u00e9", "n");
    }

    @Test
    void rankAndByRankAgree() {
        ZSetValue z = new ZSetValue();
        for (int i = 0; i < 500; i++) {
            z.insert(b("m" + i), i % 7);
        }
        int rank = 0;
        for (Node n = z.first(); n != null; n = n.next(), rank++) {
            assertThat(z.rank(n)).isEqualTo(rank);
            assertThat(z.byRank(rank)).isSameAs(n);
        }
        assertThat(z.byRank(-1)).isNull();
        assertThat(z.byRank(500)).isNull();
    }

    @Test
    void backwardLinksWalkTheReverseOrder() {
        ZSetValue z = new ZSetValue();
        for (int i = 0; i < 50; i++) {
            z.insert(b("m" + i), (i * 31) % 17);
        }
        List<String> reversed = new ArrayList<>();
        for (Node n = z.last(); n != null; n = n.prev()) {
            reversed.add(new String(n.member(), StandardCharsets.ISO_8859_1));
        }
        List<String> forward = members(z);
        java.util.Collections.reverse(forward);
        assertThat(reversed).isEqualTo(forward);
    }

    @Test
    void updateScoreInPlaceAndByMoving() {
        ZSetValue z = new ZSetValue();
        z.insert(b("a"), 1);
        z.insert(b("b"), 2);
        z.insert(b("c"), 3);
        Node b = z.node(b("b"));
        z.updateScore(b, 2.5); // still between its neighbours: no move
        assertThat(members(z)).containsExactly("a", "b", "c");
        z.updateScore(b, 10);
        assertThat(members(z)).containsExactly("a", "c", "b");
        assertThat(z.node(b("b"))).isSameAs(b);
        z.updateScore(b, -1);
        assertThat(members(z)).containsExactly("b", "a", "c");
        assertThat(z.rank(b)).isZero();
        z.updateScore(z.node(b("c")), 1); // ties with a: member order decides
        assertThat(members(z)).containsExactly("b", "a", "c");
    }

    @Test
    void scoreRangesHonourExclusiveBounds() {
        ZSetValue z = new ZSetValue();
        for (int i = 1; i <= 5; i++) {
            z.insert(b("m" + i), i);
        }
        ScoreRange r = ScoreRange.parse(b("(1"), b("4"));
        assertThat(z.firstInRange(r).member()).isEqualTo(b("m2"));
        assertThat(z.lastInRange(r).member()).isEqualTo(b("m4"));
        ScoreRange ex = ScoreRange.parse(b("(2"), b("(3"));
        assertThat(z.firstInRange(ex)).isNull();
        assertThat(z.lastInRange(ex)).isNull();
        ScoreRange all = ScoreRange.parse(b("-inf"), b("+inf"));
        assertThat(z.firstInRange(all).member()).isEqualTo(b("m1"));
        assertThat(z.lastInRange(all).member()).isEqualTo(b("m5"));
        assertThat(z.firstInRange(ScoreRange.parse(b("3"), b("2")))).isNull();
        assertThat(z.firstInRange(ScoreRange.parse(b("(3"), b("3")))).isNull();
        assertThat(z.removeRange(ScoreRange.parse(b("2"), b("(4")))).isEqualTo(2);
        assertThat(members(z)).containsExactly("m1", "m4", "m5");
        assertThat(z.node(b("m2"))).isNull();
    }

    @Test
    void lexRangesUseInfinitiesAndExclusiveBounds() {
        ZSetValue z = new ZSetValue();
        for (String m : List.of("a", "b", "c", "d", "e")) {
            z.insert(b(m), 0);
        }
        LexRange r = LexRange.parse(b("(a"), b("[c"));
        assertThat(z.firstInRange(r).member()).isEqualTo(b("b"));
        assertThat(z.lastInRange(r).member()).isEqualTo(b("c"));
        LexRange all = LexRange.parse(b("-"), b("+"));
        assertThat(z.firstInRange(all).member()).isEqualTo(b("a"));
        assertThat(z.lastInRange(all).member()).isEqualTo(b("e"));
        assertThat(z.firstInRange(LexRange.parse(b("+"), b("-")))).isNull();
        assertThat(z.firstInRange(LexRange.parse(b("[c"), b("(c")))).isNull();
        assertThat(z.firstInRange(LexRange.parse(b("[bb"), b("[bz")))).isNull();
        assertThat(z.removeRange(LexRange.parse(b("[b"), b("(e")))).isEqualTo(3);
        assertThat(members(z)).containsExactly("a", "e");
    }

    @Test
    void rangeItemsThatRedisRejects() {
        assertThat(LexRange.parse(b("a"), b("+"))).isNull();
        assertThat(LexRange.parse(b("+a"), b("+"))).isNull();
        assertThat(LexRange.parse(b(""), b("+"))).isNull();
        assertThat(ScoreRange.parse(b("nan"), b("1"))).isNull();
        assertThat(ScoreRange.parse(b("1"), b("(x"))).isNull();
        assertThat(ScoreRange.parse(b("  "), b("1"))).isNull();
        assertThat(ScoreRange.parse(b("1 "), b("1"))).isNull();
        // strtod semantics, checked against redis-server 7.0: empty reads as 0, leading spaces are skipped
        assertThat(ScoreRange.parse(b(""), b("("))).isEqualTo(new ScoreRange(0, false, 0, true));
        assertThat(ScoreRange.parse(b(" 1"), b("( 2")).min()).isEqualTo(1.0);
        assertThat(ScoreRange.parse(b("1e400"), b("-inf")).min()).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void rankRangeRemoval() {
        ZSetValue z = new ZSetValue();
        for (int i = 0; i < 10; i++) {
            z.insert(b("m" + i), i);
        }
        assertThat(z.removeRankRange(2, 5)).isEqualTo(4);
        assertThat(members(z)).containsExactly("m0", "m1", "m6", "m7", "m8", "m9");
        assertThat(z.size()).isEqualTo(6);
        assertThat(z.node(b("m3"))).isNull();
    }

    // ---- random operations against a model ----

    sealed interface Op permits Insert, Remove, Update, RemoveScores, RemoveLex, RemoveRanks {
    }

    record Insert(byte[] member, double score) implements Op {
    }

    record Remove(byte[] member) implements Op {
    }

    record Update(byte[] member, double score) implements Op {
    }

    record RemoveScores(double a, double b, boolean aEx, boolean bEx) implements Op {
    }

    record RemoveLex(byte[] a, byte[] b, boolean aEx, boolean bEx) implements Op {
    }

    record RemoveRanks(int start, int len) implements Op {
    }

    @Provide
    Arbitrary<byte[]> members() {
        // Few distinct bytes (high ones included) so equal prefixes, ties and unsigned order all show up.
        return Arbitraries.of((byte) 'a', (byte) 'b', (byte) 0x00, (byte) 0x7f, (byte) 0x80, (byte) 0xff)
                .array(byte[].class).ofMinSize(0).ofMaxSize(3);
    }

    @Provide
    Arbitrary<Double> scores() {
        return Arbitraries.oneOf(
                Arbitraries.of(0.0, -0.0, 1.0, 2.0, 2.5, -3.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY),
                Arbitraries.integers().between(-5, 5).map(Integer::doubleValue));
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Op> insert = Combinators.combine(members(), scores()).as(Insert::new);
        Arbitrary<Op> remove = members().map(Remove::new);
        Arbitrary<Op> update = Combinators.combine(members(), scores()).as(Update::new);
        Arbitrary<Op> scoreRange = Combinators.combine(scores(), scores(), Arbitraries.of(true, false),
                Arbitraries.of(true, false)).as(RemoveScores::new);
        Arbitrary<Op> lexRange = Combinators.combine(members(), members(), Arbitraries.of(true, false),
                Arbitraries.of(true, false)).as(RemoveLex::new);
        Arbitrary<Op> ranks = Combinators.combine(Arbitraries.integers().between(0, 40),
                Arbitraries.integers().between(0, 5)).as(RemoveRanks::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(10, insert), net.jqwik.api.Tuple.of(3, remove),
                net.jqwik.api.Tuple.of(4, update), net.jqwik.api.Tuple.of(1, scoreRange),
                net.jqwik.api.Tuple.of(1, lexRange), net.jqwik.api.Tuple.of(1, ranks)).list().ofMaxSize(300);
    }

    @Property(tries = 300)
    void behavesLikeASortedList(@ForAll("operations") List<Op> ops) {
        ZSetValue z = new ZSetValue();
        List<Entry> model = new ArrayList<>();
        for (Op op : ops) {
            apply(op, z, model);
            model.sort(ORDER);
            checkSame(z, model);
        }
        checkSame(z.copy(), model);
    }

    private static void apply(Op op, ZSetValue z, List<Entry> model) {
        if (op instanceof Insert ins) {
            if (indexOf(model, ins.member) < 0) {
                z.insert(ins.member, ins.score);
                // A listpack stores -0 as the integer 0; a skiplist keeps the double as given.
                model.add(new Entry(z.isListpack() ? ins.score + 0.0 : ins.score, ins.member));
            }
        } else if (op instanceof Remove rm) {
            int i = indexOf(model, rm.member);
            assertThat(z.remove(rm.member)).isEqualTo(i >= 0);
            if (i >= 0) {
                model.remove(i);
            }
        } else if (op instanceof Update up) {
            int i = indexOf(model, up.member);
            if (i >= 0) {
                z.updateScore(z.node(up.member), up.score);
                model.set(i, new Entry(z.isListpack() ? up.score + 0.0 : up.score, up.member));
            }
        } else if (op instanceof RemoveScores rs) {
            ScoreRange r = new ScoreRange(rs.a, rs.aEx, rs.b, rs.bEx);
            int expected = (int) model.stream().filter(e -> r.contains(e.score)).count();
            model.removeIf(e -> r.contains(e.score));
            assertThat(z.removeRange(r)).isEqualTo(expected);
        } else if (op instanceof RemoveLex rl) {
            // Lex ranges are only meaningful when all scores are equal; the skip list still must stay consistent.
            LexRange r = new LexRange(rl.a, rl.aEx, rl.b, rl.bEx);
            if (model.stream().allMatch(e -> e.score == 0)) {
                int expected = (int) model.stream().filter(e -> r.contains(e.member)).count();
                model.removeIf(e -> r.contains(e.member));
                assertThat(z.removeRange(r)).isEqualTo(expected);
            }
        } else if (op instanceof RemoveRanks rr) {
            int start = Math.min(rr.start, model.size());
            int end = Math.min(start + rr.len, model.size()) - 1;
            if (start <= end) {
                assertThat(z.removeRankRange(start, end)).isEqualTo(end - start + 1);
                model.subList(start, end + 1).clear();
            }
        }
    }

    private static int indexOf(List<Entry> model, byte[] member) {
        for (int i = 0; i < model.size(); i++) {
            if (Arrays.equals(model.get(i).member, member)) {
                return i;
            }
        }
        return -1;
    }

    private static void checkSame(ZSetValue z, List<Entry> model) {
        assertThat(z.size()).isEqualTo(model.size());
        int i = 0;
        for (Node n = z.first(); n != null; n = n.next(), i++) {
            Entry e = model.get(i);
            assertThat(n.member()).isEqualTo(e.member);
            assertThat(Double.compare(n.score(), e.score)).as("score of %s", e).isZero();
            assertThat(z.rank(n)).isEqualTo(i);
            assertThat(z.byRank(i)).isSameAs(n);
            assertThat(z.node(e.member)).isSameAs(n);
        }
        z.skipList().verify();
    }

    @Property(tries = 200)
    void scoreRangeQueriesMatchTheModel(@ForAll @Size(max = 60) List<@net.jqwik.api.From("scores") Double> scores,
            @ForAll("scores") double a, @ForAll("scores") double b, @ForAll boolean aEx, @ForAll boolean bEx) {
        ZSetValue z = new ZSetValue();
        List<Entry> model = new ArrayList<>();
        for (int i = 0; i < scores.size(); i++) {
            byte[] m = b("m" + i);
            z.insert(m, scores.get(i));
            model.add(new Entry(scores.get(i) + 0.0, m));
        }
        model.sort(ORDER);
        ScoreRange r = new ScoreRange(a, aEx, b, bEx);
        List<Entry> in = model.stream().filter(e -> r.contains(e.score)).toList();
        Node first = z.firstInRange(r);
        Node last = z.lastInRange(r);
        if (in.isEmpty()) {
            assertThat(first).isNull();
            assertThat(last).isNull();
        } else {
            assertThat(first.member()).isEqualTo(in.get(0).member);
            assertThat(last.member()).isEqualTo(in.get(in.size() - 1).member);
        }
    }

    @Property(tries = 200)
    void lexRangeQueriesMatchTheModel(@ForAll @Size(max = 40) List<@net.jqwik.api.From("members") byte[]> ms,
            @ForAll("members") byte[] a, @ForAll("members") byte[] b, @ForAll boolean aEx, @ForAll boolean bEx,
            @ForAll boolean minInf, @ForAll boolean maxInf) {
        ZSetValue z = new ZSetValue();
        List<Entry> model = new ArrayList<>();
        for (byte[] m : ms) {
            if (!z.contains(m)) {
                z.insert(m, 0);
                model.add(new Entry(0, m));
            }
        }
        model.sort(ORDER);
        LexRange r = new LexRange(minInf ? LexRange.MIN : a, minInf || aEx, maxInf ? LexRange.MAX : b, maxInf || bEx);
        List<Entry> in = model.stream().filter(e -> r.contains(e.member)).toList();
        Node first = z.firstInRange(r);
        Node last = z.lastInRange(r);
        if (in.isEmpty()) {
            assertThat(first).isNull();
            assertThat(last).isNull();
        } else {
            assertThat(first.member()).isEqualTo(in.get(0).member);
            assertThat(last.member()).isEqualTo(in.get(in.size() - 1).member);
        }
    }
}
