package dev.chorus.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandClockTest {

    @Test
    void derivedWallClockStaysWithinAMillisecondBehindAndNeverGoesBack() {
        Keyspace ks = new Keyspace(1);
        long last = Long.MIN_VALUE;
        long until = System.nanoTime() + 350_000_000L; // spans a few re-synchronisations
        while (System.nanoTime() < until) {
            long before = System.currentTimeMillis();
            long derived = ks.wallMillis(System.nanoTime());
            long after = System.currentTimeMillis();
            assertThat(derived).isLessThanOrEqualTo(after).isGreaterThanOrEqualTo(before - 2);
            assertThat(derived).isGreaterThanOrEqualTo(last);
            last = derived;
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
}
