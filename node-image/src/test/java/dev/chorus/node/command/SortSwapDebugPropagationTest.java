package dev.chorus.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.InProcessNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What SORT, SWAPDB and DEBUG send to replicas, as Redis 7.0's call() does: SORT ... STORE travels verbatim when it
 * stored or deleted something (a set is sorted ALPHA for STORE, so the replica computes the same list), a SORT that
 * only replies travels not at all, SWAPDB always travels, DEBUG never.
 */
class SortSwapDebugPropagationTest {
    @RegisterExtension
    final InProcessNode node = new InProcessNode();

    @Test
    void sortPropagatesOnlyWhenItStoresOrDeletes() {
        InProcessNode.TestClient c = node.connect();
        c.call("RPUSH", "l", "3", "1", "2");
        c.call("SADD", "s", "b", "a");
        node.clearPropagated();
        c.call("SORT", "l");
        c.call("SORT_RO", "l", "DESC");
        c.call("SORT", "l", "STORE", "d");
        c.call("SORT", "nokey", "STORE", "d");
        c.call("SORT", "nokey", "STORE", "d2");
        c.call("SORT", "l", "LIMIT", "5", "5", "STORE", "e");
        c.call("SORT", "s", "BY", "nosort", "STORE", "d3");
        c.call("SORT", "l", "BY", "w_*", "STORE");
        assertThat(node.propagated()).containsExactly(
                "SORT l STORE d",
                "SORT nokey STORE d",
                "SORT s BY nosort STORE d3");
    }

    @Test
    void swapdbAlwaysPropagatesAndDebugNever() {
        InProcessNode.TestClient c = node.connect();
        node.clearPropagated();
        c.call("SWAPDB", "0", "1");
        c.call("SWAPDB", "2", "2");
        c.call("SWAPDB", "0", "99");
        c.call("DEBUG", "SLEEP", "0");
        assertThat(node.propagated()).containsExactly("SWAPDB 0 1", "SWAPDB 2 2");
    }
}
