package dev.chorus.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.InProcessNode;
import org.junit.jupiter.api.Test;

class CommandClockTest {

    @Test
    void aCommandSeesTheWallClockAtItsStart() {
        Keyspace ks = new Keyspace(1);
        for (int i = 0; i < 10_000; i++) {
            long before = System.currentTimeMillis();
            ks.beginCommand(System.nanoTime());
            long now = ks.now();
            ks.endCommand();
            long after = System.currentTimeMillis();
            assertThat(now).isBetween(before, after);
        }
    }

    @Test
    void timeStandsStillWhileACommandRunsNestedCallsIncluded() throws InterruptedException {
        Keyspace ks = new Keyspace(1);
        ks.beginCommand(System.nanoTime());
        long frozen = ks.now();
        Thread.sleep(5); // the clock must not move under a running command; nothing to wait for here
        ks.beginCommand(System.nanoTime()); // EXEC running a queued command
        assertThat(ks.now()).isEqualTo(frozen);
        ks.endCommand();
        assertThat(ks.now()).isEqualTo(frozen);
        ks.endCommand();
        assertThat(ks.now()).isGreaterThanOrEqualTo(frozen + 5);
    }

    /** An absolute expiry is exact: PTTL right after GETEX PXAT t never exceeds t minus the wall clock before. */
    @Test
    void absoluteExpiryTimesAreExactAndRelativeOnesConsistent() {
        try (InProcessNode node = new InProcessNode()) {
            InProcessNode.TestClient c = node.connect();
            c.call("SET", "k", "v");
            for (int i = 0; i < 300; i++) {
                long at = System.currentTimeMillis() + 100_000;
                assertThat(c.call("GETEX", "k", "PXAT", Long.toString(at))).isEqualTo("$1\r\nv\r\n");
                long pttl = Long.parseLong(c.call("PTTL", "k").substring(1).strip());
                assertThat(pttl).as("PTTL after PXAT now+100000").isLessThanOrEqualTo(100_000).isGreaterThan(99_000);
                c.call("SET", "k", "v", "PX", "100000");
                pttl = Long.parseLong(c.call("PTTL", "k").substring(1).strip());
                assertThat(pttl).as("PTTL after PX 100000").isLessThanOrEqualTo(100_000).isGreaterThan(99_000);
                String ttl = c.call("PEXPIRETIME", "k");
                long expireTime = Long.parseLong(ttl.substring(1).strip());
                assertThat(expireTime).isLessThanOrEqualTo(System.currentTimeMillis() + 100_000);
            }
        }
    }
}
