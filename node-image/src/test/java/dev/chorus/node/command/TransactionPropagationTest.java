package dev.chorus.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.InProcessNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What EXEC sends to replicas, as unit/multi's "MULTI / EXEC is not propagated (single write command)" and
 * "MULTI / EXEC is propagated correctly (multiple commands)" read Redis 7.0.15's replication stream: the writes are
 * wrapped in MULTI/EXEC only when there is more than one; a transaction of reads propagates nothing.
 */
class TransactionPropagationTest {
    @RegisterExtension
    final InProcessNode node = new InProcessNode();

    @Test
    void singleWriteIsNotWrapped() {
        InProcessNode.TestClient c = node.connect();
        c.call("MULTI");
        c.call("GET", "foo");
        c.call("SET", "foo", "bar");
        c.call("GET", "foo");
        c.call("EXEC");
        assertThat(node.propagated()).containsExactly("SET foo bar");
    }

    @Test
    void severalWritesAreWrapped() {
        InProcessNode.TestClient c = node.connect();
        c.call("MULTI");
        c.call("SET", "foo", "bar");
        c.call("GET", "foo");
        c.call("SET", "foo2", "bar2");
        c.call("EXEC");
        assertThat(node.propagated()).containsExactly("MULTI", "SET foo bar", "SET foo2 bar2", "EXEC");
    }

    @Test
    void readsOnlyPropagateNothing() {
        InProcessNode.TestClient c = node.connect();
        c.call("MULTI");
        c.call("GET", "foo");
        c.call("EXEC");
        assertThat(node.propagated()).isEmpty();
    }
}
