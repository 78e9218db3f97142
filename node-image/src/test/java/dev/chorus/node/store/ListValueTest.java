package dev.chorus.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

class ListValueTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> contents(ListValue l) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            out.add(new String(l.get(i), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The memory figure a list with exactly these elements must report, however it got there. */
    private static long expectedElementBytes(List<String> model) {
        long total = 0;
        for (String s : model) {
            total += Memory.array(s.getBytes(StandardCharsets.UTF_8).length);
        }
        return total;
    }

    @Test
    void pushesAndPopsAtBothEnds() {
        ListValue l = new ListValue();
        l.addLast(b("b"));
        l.addFirst(b("a"));
        l.addLast(b("c"));
        assertThat(contents(l)).containsExactly("a", "b", "c");
        assertThat(l.pollFirst()).isEqualTo(b("a"));
        assertThat(l.pollLast()).isEqualTo(b("c"));
        assertThat(l.pop(true)).isEqualTo(b("b"));
        assertThat(l.pollFirst()).isNull();
        assertThat(l.pollLast()).isNull();
        assertThat(l.isEmpty()).isTrue();
    }

    @Test
    void reportsQuicklistEncodingAndListType() {
        ListValue l = new ListValue();
        l.addLast(b("x"));
        assertThat(l.encoding()).isEqualTo("quicklist");
        assertThat(l.type()).isEqualTo(ValueType.LIST);
    }

    @Test
    void growsAcrossTheWrapPoint() {
        ListValue l = new ListValue();
        List<String> model = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            if (i % 3 == 0) {
                l.addFirst(b("f" + i));
                model.add(0, "f" + i);
            } else {
                l.addLast(b("l" + i));
                model.add("l" + i);
            }
        }
        assertThat(contents(l)).isEqualTo(model);
    }

    @Test
    void copyIsIndependent() {
        ListValue l = new ListValue();
        l.addLast(b("a"));
        l.addLast(b("b"));
        ListValue c = l.copy();
        c.addLast(b("c"));
        c.set(0, b("z"));
        l.pollLast();
        assertThat(contents(l)).containsExactly("a");
        assertThat(contents(c)).containsExactly("z", "b", "c");
        assertThat(c.memoryEstimate()).isGreaterThan(l.memoryEstimate());
    }

    @Test
    void rejectsOutOfRangeIndexes() {
        ListValue l = new ListValue();
        l.addLast(b("a"));
        assertThatThrownBy(() -> l.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> l.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> l.insert(2, b("x"))).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void removeOccurrencesHonoursLimitAndDirection() {
        ListValue l = new ListValue();
        for (String s : "a b a c a d a".split(" ")) {
            l.addLast(b(s));
        }
        ListValue fromHead = l.copy();
        assertThat(fromHead.removeOccurrences(b("a"), 2, false)).isEqualTo(2);
        assertThat(contents(fromHead)).containsExactly("b", "c", "a", "d", "a");

        ListValue fromTail = l.copy();
        assertThat(fromTail.removeOccurrences(b("a"), 2, true)).isEqualTo(2);
        assertThat(contents(fromTail)).containsExactly("a", "b", "a", "c", "d");

        ListValue all = l.copy();
        assertThat(all.removeOccurrences(b("a"), 0, true)).isEqualTo(4);
        assertThat(contents(all)).containsExactly("b", "c", "d");
        assertThat(all.removeOccurrences(b("zz"), 0, false)).isZero();
    }

    @Test
    void shrinksAfterDrainingAndStillWorks() {
        ListValue l = new ListValue();
        for (int i = 0; i < 10_000; i++) {
            l.addLast(b(Integer.toString(i)));
        }
        long big = l.memoryEstimate();
        l.removeFirst(9_990);
        assertThat(l.memoryEstimate()).isLessThan(big / 100);
        assertThat(contents(l)).containsExactly("9990", "9991", "9992", "9993", "9994", "9995", "9996", "9997",
                "9998", "9999");
    }

    // ---- model-based property: any sequence of operations behaves like an ArrayList ----

    sealed interface Op permits Push, Pop, Insert, SetAt, RemoveEnds, RemoveOccurrences {
    }

    record Push(boolean left, String value) implements Op {
    }

    record Pop(boolean left) implements Op {
    }

    record Insert(int position, String value) implements Op {
    }

    record SetAt(int position, String value) implements Op {
    }

    record RemoveEnds(boolean left, int n) implements Op {
    }

    record RemoveOccurrences(String value, int limit, boolean fromTail) implements Op {
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<String> values = Arbitraries.of("a", "b", "c", "", "longer-element-value");
        Arbitrary<Op> push = Combinators.combine(Arbitraries.of(true, false), values).as(Push::new);
        Arbitrary<Op> pop = Arbitraries.of(true, false).map(Pop::new);
        Arbitrary<Op> insert = Combinators.combine(Arbitraries.integers().between(0, 1000), values).as(Insert::new);
        Arbitrary<Op> set = Combinators.combine(Arbitraries.integers().between(0, 1000), values).as(SetAt::new);
        Arbitrary<Op> removeEnds = Combinators.combine(Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 6)).as(RemoveEnds::new);
        Arbitrary<Op> removeOcc = Combinators.combine(values, Arbitraries.integers().between(0, 3),
                Arbitraries.of(true, false)).as(RemoveOccurrences::new);
        return Arbitraries.frequencyOf(
                Tuple.of(6, push), Tuple.of(3, pop), Tuple.of(2, insert),
                Tuple.of(1, set), Tuple.of(1, removeEnds),
                Tuple.of(1, removeOcc)).list().ofMaxSize(200);
    }

    @Property(tries = 300)
    void behavesLikeAListModel(@ForAll("operations") List<Op> ops) {
        ListValue l = new ListValue();
        List<String> model = new ArrayList<>();
        ListValue snapshot = null;
        List<String> snapshotModel = null;
        int step = 0;
        for (Op op : ops) {
            if (step++ == ops.size() / 2) {
                snapshot = l.copy();
                snapshotModel = new ArrayList<>(model);
            }
            if (op instanceof Push p) {
                l.push(b(p.value()), p.left());
                model.add(p.left() ? 0 : model.size(), p.value());
            } else if (op instanceof Pop p) {
                byte[] got = l.pop(p.left());
                String expected = model.isEmpty() ? null : model.remove(p.left() ? 0 : model.size() - 1);
                assertThat(got == null ? null : new String(got, StandardCharsets.UTF_8)).isEqualTo(expected);
            } else if (op instanceof Insert ins) {
                int pos = ins.position() % (model.size() + 1);
                l.insert(pos, b(ins.value()));
                model.add(pos, ins.value());
            } else if (op instanceof SetAt s) {
                if (!model.isEmpty()) {
                    int pos = s.position() % model.size();
                    l.set(pos, b(s.value()));
                    model.set(pos, s.value());
                }
            } else if (op instanceof RemoveEnds r) {
                int n = Math.min(r.n(), model.size());
                if (r.left()) {
                    l.removeFirst(r.n());
                    model.subList(0, n).clear();
                } else {
                    l.removeLast(r.n());
                    model.subList(model.size() - n, model.size()).clear();
                }
            } else if (op instanceof RemoveOccurrences r) {
                int expectedRemoved = removeFromModel(model, r.value(), r.limit(), r.fromTail());
                assertThat(l.removeOccurrences(b(r.value()), r.limit(), r.fromTail())).isEqualTo(expectedRemoved);
            }
            assertThat(l.size()).isEqualTo(model.size());
        }
        assertThat(contents(l)).isEqualTo(model);
        assertThat(l.indexOf(b("a"))).isEqualTo(model.indexOf("a"));
        // The running memory count matches a recount of the final contents.
        assertThat(l.memoryEstimate()).isEqualTo(BASE + 8L * l.capacity() + expectedElementBytes(model));
        assertThat(l.capacity()).isGreaterThanOrEqualTo(model.size());
        if (snapshot != null) {
            assertThat(contents(snapshot)).isEqualTo(snapshotModel);
        }
    }

    /** What an empty list costs besides its slot array. */
    private static final long BASE = new ListValue().memoryEstimate() - 8L * new ListValue().capacity();

    private static int removeFromModel(List<String> model, String value, int limit, boolean fromTail) {
        int removed = 0;
        if (fromTail) {
            for (int i = model.size() - 1; i >= 0 && (limit == 0 || removed < limit); i--) {
                if (model.get(i).equals(value)) {
                    model.remove(i);
                    removed++;
                }
            }
        } else {
            for (int i = 0; i < model.size() && (limit == 0 || removed < limit); ) {
                if (model.get(i).equals(value)) {
                    model.remove(i);
                    removed++;
                } else {
                    i++;
                }
            }
        }
        return removed;
    }
}
