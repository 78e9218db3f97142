package dev.chorus.operator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class IsolationFenceTest {
    @Test
    void theFenceClosesBeforeTheFailoverWaitEnds() {
        Map<String, String> d = IsolationFence.directives(true, 3, 5, Map.of());
        assertThat(d).containsEntry("min-replicas-to-write", "1").containsEntry("min-replicas-max-lag", "3");
        OptionalInt lag = IsolationFence.lagSeconds(d);
        assertThat(lag).hasValue(3);
        assertThat(IsolationFence.failoverWait(5, lag)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aShortTimeoutWaitsUntilTheFenceHasClosed() {
        OptionalInt lag = IsolationFence.lagSeconds(IsolationFence.directives(true, 3, 1, Map.of()));
        assertThat(lag).hasValue(1);
        assertThat(IsolationFence.failoverWait(1, lag)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void noFenceWithoutFailoverOrWithOneReplicaAndTheUsersFenceIsHonoured() {
        assertThat(IsolationFence.lagSeconds(IsolationFence.directives(false, 3, 5, Map.of()))).isEmpty();
        assertThat(IsolationFence.lagSeconds(IsolationFence.directives(true, 2, 5, Map.of()))).isEmpty();
        Map<String, String> user = Map.of("min-replicas-to-write", "1", "min-replicas-max-lag", "7");
        assertThat(IsolationFence.directives(true, 3, 5, user)).isEmpty();
        assertThat(IsolationFence.lagSeconds(user)).hasValue(7);
        assertThat(IsolationFence.failoverWait(5, IsolationFence.lagSeconds(user))).isEqualTo(Duration.ofSeconds(9));
    }
}
