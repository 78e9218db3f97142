package dev.chorus.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class DictTest {
    /** A node carrying a value, like the keyspace's entries do. */
    static final class Item extends Dict.Node {
        final int value;

        Item(String key, int value) {
            super(key.getBytes(StandardCharsets.UTF_8));
            this.value = value;
        }

        String name() {
            return new String(key, StandardCharsets.UTF_8);
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void addGetRemoveAcrossGrowthAndShrinking() {
        Dict<Item> d = new Dict<>();
        assertThat(d.isEmpty()).isTrue();
        assertThat(d.get(b("k0"))).isNull();
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            d.add(new Item("k" + i, i));
            if (i % 997 == 0) {
                for (int j = 0; j <= i; j += 101) {
                    assertThat(d.get(b("k" + j)).value).isEqualTo(j); // still found right after a resize
                }
            }
        }
        assertThat(d.size()).isEqualTo(n);
        for (int i = 0; i < n; i++) {
            assertThat(d.get(b("k" + i)).value).isEqualTo(i);
            assertThat(d.containsKey(b("k" + i))).isTrue();
        }
        assertThat(d.get(b("k" + n))).isNull();
        // Remove all but every 100th: the table shrinks several times.
        for (int i = 0; i < n; i++) {
            if (i % 100 != 0) {
                assertThat(d.remove(b("k" + i)).value).isEqualTo(i);
            }
        }
        assertThat(d.size()).isEqualTo(n / 100);
        for (int i = 0; i < n; i++) {
            Item it = d.get(b("k" + i));
            if (i % 100 == 0) {
                assertThat(it.value).isEqualTo(i);
            } else {
                assertThat(it).isNull();
            }
        }
        assertThat(d.remove(b("k1"))).isNull();
        for (int i = 0; i < n; i += 100) {
            d.remove(b("k" + i));
        }
        assertThat(d.size()).isZero();
        assertThat(d.isEmpty()).isTrue();
        assertThat(d.random()).isNull();
        assertThat(d.scan(0, x -> { })).isZero();
        // Usable again after emptying, and after clear().
        d.add(new Item("again", 1));
        assertThat(d.get(b("again")).value).isEqualTo(1);
        d.clear();
        assertThat(d.size()).isZero();
        assertThat(d.get(b("again"))).isNull();
    }

    @Test
    void binaryAndEmptyKeys() {
        Dict<Item> d = new Dict<>();
        d.add(new Item("", 1));
        Item zero = new Item("x", 2);
        Dict.Node raw = new Dict.Node(new byte[] {0, (byte) 0xff, 0});
        Dict<Dict.Node> r = new Dict<>();
        r.add(raw);
        d.add(zero);
        assertThat(d.get(new byte[0]).value).isEqualTo(1);
        assertThat(r.get(new byte[] {0, (byte) 0xff, 0})).isSameAs(raw);
        assertThat(r.get(new byte[] {0, (byte) 0xff})).isNull();
    }

    @Test
    void forEachVisitsEachOnceAndToleratesRemovingTheCurrentNode() {
        Dict<Item> d = new Dict<>();
        for (int i = 0; i < 1000; i++) {
            d.add(new Item("k" + i, i));
        }
        List<String> seen = new ArrayList<>();
        d.forEach(it -> seen.add(it.name()));
        assertThat(seen).hasSize(1000).doesNotHaveDuplicates();
        Set<String> removed = new HashSet<>();
        d.forEach(it -> {
            if (it.value % 2 == 0) {
                d.remove(it.key);
                removed.add(it.name());
            }
        });
        assertThat(removed).hasSize(500);
        assertThat(d.size()).isEqualTo(500);
    }

    @Test
    void fullScanOfAStableTableReturnsEveryElementExactlyOnce() {
        Dict<Item> d = new Dict<>();
        for (int i = 0; i < 5000; i++) {
            d.add(new Item("k" + i, i));
        }
        List<String> seen = new ArrayList<>();
        long cursor = 0;
        do {
            cursor = d.scan(cursor, it -> seen.add(it.name()));
        } while (cursor != 0);
        assertThat(seen).hasSize(5000).doesNotHaveDuplicates();
    }

    /** Between two scan calls: add some keys, or remove a fraction of the keys that may be removed. */
    record Step(int add, int removePercent) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(
                Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(1, 40),
                        Arbitraries.integers().between(100, 1500)),
                Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(10, 100))).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(40);
    }

    /**
     * Redis' SCAN guarantee: an element present from the first call to the last is returned, whatever resizes happen
     * in between (growing to many times the size, or shrinking to a fraction). Elements never present are never
     * returned, and the scan ends.
     */
    @Property(tries = 200)
    void scanReturnsEveryElementPresentForTheWholeScan(@ForAll @IntRange(min = 0, max = 2000) int stable,
                                                       @ForAll @IntRange(min = 0, max = 2000) int volatileCount,
                                                       @ForAll("steps") List<Step> steps,
                                                       @ForAll @IntRange(min = 1, max = 64) int callsBetweenSteps) {
        Dict<Item> d = new Dict<>();
        Set<String> everPresent = new HashSet<>();
        Set<String> removable = new LinkedHashSet<>();
        for (int i = 0; i < stable; i++) {
            d.add(new Item("s" + i, i));
            everPresent.add("s" + i);
        }
        for (int i = 0; i < volatileCount; i++) {
            d.add(new Item("v" + i, i));
            everPresent.add("v" + i);
            removable.add("v" + i);
        }
        Set<String> seen = new HashSet<>();
        int fresh = 0;
        long cursor = 0;
        int calls = 0;
        int stepIndex = 0;
        do {
            cursor = d.scan(cursor, it -> seen.add(it.name()));
            calls++;
            if (calls % callsBetweenSteps != 0 || stepIndex >= steps.size()) {
                continue; // the changes are spread over the scan, then it runs to its end
            }
            Step s = steps.get(stepIndex++);
            for (int i = 0; i < s.add(); i++) {
                String k = "n" + fresh++;
                d.add(new Item(k, i));
                everPresent.add(k);
                removable.add(k);
            }
            int toRemove = removable.size() * s.removePercent() / 100;
            var it = removable.iterator();
            for (int i = 0; i < toRemove; i++) {
                String k = it.next();
                it.remove();
                assertThat(d.remove(b(k))).isNotNull();
            }
        } while (cursor != 0);

        for (int i = 0; i < stable; i++) {
            assertThat(seen).as("stable element missed by the scan").contains("s" + i);
        }
        assertThat(everPresent).containsAll(seen);
    }

    @Property(tries = 50)
    void randomEventuallyReturnsEveryElement(@ForAll @IntRange(min = 1, max = 200) int n,
                                             @ForAll @IntRange(min = 0, max = 95) int removePercent) {
        Dict<Item> d = new Dict<>();
        int total = n * 10;
        for (int i = 0; i < total; i++) {
            d.add(new Item("k" + i, i));
        }
        // Remove a share to leave a sparse table behind (shrinking happens only below 1/8 full).
        Set<String> present = new HashSet<>();
        for (int i = 0; i < total; i++) {
            if (i * 100 / total < removePercent) {
                d.remove(b("k" + i));
            } else {
                present.add("k" + i);
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        int draws = present.size() * 200;
        for (int i = 0; i < draws; i++) {
            Item it = d.random();
            counts.merge(it.name(), 1, Integer::sum);
        }
        assertThat(counts.keySet()).isEqualTo(present);
    }

    /**
     * unit/type/set "SRANDMEMBER histogram distribution - hashtable" (and ZRANDMEMBER/HRANDFIELD): 1000 draws from
     * the same 10 members must pass Redis' chi-square bound (df = 9, < 40), chains or not.
     */
    @Test
    void randomIsFairAcrossChains() {
        for (int round = 0; round < 20; round++) {
            Dict<Item> d = new Dict<>();
            String[] members = {"1", "5", "10", "50", "125", "MARY", "PATRICIA", "LINDA", "BARBARA", "ELIZABETH"};
            for (int i = 0; i < members.length; i++) {
                d.add(new Item(members[i] + (round == 0 ? "" : "-" + round), i));
            }
            int[] counts = new int[members.length];
            int draws = 1000;
            for (int i = 0; i < draws; i++) {
                counts[d.random().value]++;
            }
            double expected = (double) draws / members.length;
            double chi = 0;
            for (int c : counts) {
                chi += (c - expected) * (c - expected) / expected;
            }
            assertThat(chi).as("chi-square of round %d", round).isLessThan(40);
        }
    }

    @Property(tries = 200)
    void addIfAbsentAndPresizingKeepTheTableConsistent(@ForAll List<@IntRange(min = 0, max = 200) Integer> keys,
                                                       @ForAll @IntRange(min = 0, max = 5000) int expected) {
        Dict<Item> d = new Dict<>();
        d.ensureCapacity(expected);
        Map<String, Integer> model = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            String k = "k" + keys.get(i);
            boolean added = d.addIfAbsent(new Item(k, i));
            assertThat(added).isEqualTo(!model.containsKey(k));
            model.putIfAbsent(k, i);
        }
        assertThat(d.size()).isEqualTo(model.size());
        model.forEach((k, v) -> assertThat(d.get(b(k)).value).isEqualTo(v));
        Set<String> scanned = new HashSet<>();
        long cursor = 0;
        do {
            cursor = d.scan(cursor, n -> scanned.add(n.name()));
        } while (cursor != 0);
        assertThat(scanned).isEqualTo(model.keySet());
    }

    @Property(tries = 200)
    void scanBucketsWalksLikeScan(@ForAll @IntRange(min = 0, max = 500) int keys,
                                  @ForAll @IntRange(min = 1, max = 100) int run,
                                  @ForAll @IntRange(min = 0, max = 300) int removed) {
        Dict<Item> d = new Dict<>();
        for (int i = 0; i < keys; i++) {
            d.add(new Item("k" + i, i));
        }
        for (int i = 0; i < Math.min(removed, keys); i += 2) {
            d.remove(b("k" + i)); // shrinks the table now and then: cursors are not plain indexes
        }
        List<String> viaScan = new ArrayList<>();
        List<Long> cursors = new ArrayList<>();
        long cursor = 0;
        do {
            cursors.add(cursor);
            cursor = d.scan(cursor, n -> viaScan.add(n.name()));
        } while (cursor != 0);

        List<String> viaRuns = new ArrayList<>();
        int[] visited = {0};
        cursor = 0;
        int calls = 0;
        do {
            int before = visited[0];
            int seen = viaRuns.size();
            long from = cursor;
            cursor = d.scanBuckets(cursor, new Dict.Node[run], n -> viaRuns.add(n.name()), visited);
            calls++;
            if (d.size() > 0) {
                // Each call covers `run` buckets of the plain scan's sequence (fewer at the end), and counts them.
                int start = cursors.indexOf(from);
                int end = cursor == 0 ? cursors.size() : cursors.indexOf(cursor);
                assertThat(end - start).isEqualTo(cursor == 0 ? Math.min(run, cursors.size() - start) : run);
                assertThat(visited[0] - before).isEqualTo(end - start + viaRuns.size() - seen);
            }
        } while (cursor != 0);
        assertThat(viaRuns).isEqualTo(d.size() == 0 ? List.of() : viaScan);
        assertThat(calls).isPositive();
    }
}
