package dev.chorus.operator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RollingUpdateTest {
    private static final List<NodeState> NODES = List.of(
            new NodeState("rs-0", 0, "10.0.0.1", true, Role.MASTER, null, 0, false, 100, "id", 10),
            new NodeState("rs-1", 1, "10.0.0.2", true, Role.REPLICA, "10.0.0.1", 6379, true, 100, "id", 10),
            new NodeState("rs-2", 2, "10.0.0.3", true, Role.REPLICA, "10.0.0.1", 6379, true, 90, "id", 10));

    @Test
    void replicasFirstOneAtATimeThenASwitchoverToTheMostAdvancedReplica() {
        assertThat(RollingUpdate.next("rs-0", NODES, Set.of("rs-0", "rs-1", "rs-2"), true))
                .isEqualTo(new RollingUpdate.Step.Restart("rs-2"));
        assertThat(RollingUpdate.next("rs-0", NODES, Set.of("rs-0", "rs-1"), true))
                .isEqualTo(new RollingUpdate.Step.Restart("rs-1"));
        assertThat(RollingUpdate.next("rs-0", NODES, Set.of("rs-0"), true))
                .isEqualTo(new RollingUpdate.Step.SwitchTo("rs-1"));
        assertThat(RollingUpdate.next("rs-0", NODES, Set.of(), true)).isEqualTo(new RollingUpdate.Step.Done());
    }

    @Test
    void nothingMovesWhileTheSetIsUnhealthy() {
        assertThat(RollingUpdate.next("rs-0", NODES, Set.of("rs-1"), false))
                .isInstanceOf(RollingUpdate.Step.Wait.class);
    }

    @Test
    void aSingleNodeCanOnlyRestartItsMaster() {
        assertThat(RollingUpdate.next("rs-0", NODES.subList(0, 1), Set.of("rs-0"), true))
                .isEqualTo(new RollingUpdate.Step.Restart("rs-0"));
    }
}
