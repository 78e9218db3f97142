package dev.chorus.node.command.geo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The sorts geo.c relies on. Their exact order of equal elements is checked against Redis by the differential
 * scripts (geo-many.redis); here, that they sort: msort completely and stably, pqsort the requested prefix.
 */
class SortsTest {
    private static final Sorts.Cmp<int[]> BY_KEY = (a, b) -> Integer.compare(a[0], b[0]);

    private static int[][] pairs(int[] keys) {
        int[][] a = new int[keys.length][];
        for (int i = 0; i < keys.length; i++) {
            a[i] = new int[] {keys[i], i};
        }
        return a;
    }

    @Property
    void msortIsAStableSort(@ForAll @Size(max = 300) int[] keys) {
        int[][] a = pairs(Arrays.stream(keys).map(k -> Math.floorMod(k, 20)).toArray());
        int[][] expected = a.clone();
        Arrays.sort(expected, Comparator.comparingInt(p -> p[0])); // stable too
        Sorts.msort(a, a.length, BY_KEY);
        assertThat(a).isEqualTo(expected);
    }

    @Property
    void pqsortSortsThePrefix(@ForAll @Size(min = 1, max = 300) int[] keys, @ForAll @IntRange(min = 0, max = 299) int k) {
        int count = Math.min(k, keys.length - 1);
        int[][] a = pairs(Arrays.stream(keys).map(x -> Math.floorMod(x, 50)).toArray());
        int[] sortedKeys = Arrays.stream(a).mapToInt(p -> p[0]).sorted().toArray();
        Sorts.pqsort(a, a.length, BY_KEY, 0, count);
        for (int i = 0; i <= count; i++) {
            assertThat(a[i][0]).isEqualTo(sortedKeys[i]);
        }
        assertThat(Arrays.stream(a).mapToInt(p -> p[1]).sorted().toArray())
                .isEqualTo(java.util.stream.IntStream.range(0, keys.length).toArray());
    }
}
