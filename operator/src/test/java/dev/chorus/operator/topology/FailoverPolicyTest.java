package dev.chorus.operator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FailoverPolicyTest {
    private static final long TIMEOUT = 5000;

    private static NodeState replica(String pod, int ordinal, long offset, long keys, int priority) {
        return new NodeState(pod, ordinal, "10.0.0." + ordinal, true, Role.REPLICA, "10.0.0.0", 6379, false, offset,
                "history-a", keys, priority);
    }

    private static NodeState master(String replid, long keys) {
        return new NodeState("rs-0", 0, "10.0.0.0", true, Role.MASTER, null, 0, false, 0, replid, keys, 100);
    }

    @Test
    void anUnreachableMasterIsReplacedByTheMostAdvancedReplicaAfterTheTimeout() {
        List<NodeState> nodes = List.of(NodeState.unreachable("rs-0", 0, "10.0.0.0", false),
                replica("rs-1", 1, 900, 10, 100), replica("rs-2", 2, 1000, 10, 100));
        assertThat(FailoverPolicy.decide("rs-0", nodes, 4999, TIMEOUT, true)).isEmpty();
        var decision = FailoverPolicy.decide("rs-0", nodes, 5000, TIMEOUT, true).orElseThrow();
        assertThat(decision.newMaster()).isEqualTo("rs-2");
        assertThat(decision.candidateOffset()).isEqualTo(1000);
    }

    @Test
    void tiesGoToTheLowestOrdinalAndPriorityZeroIsNeverPromoted() {
        List<NodeState> nodes = List.of(NodeState.unreachable("rs-0", 0, null, false),
                replica("rs-1", 1, 1000, 10, 0), replica("rs-2", 2, 1000, 10, 100), replica("rs-3", 3, 1000, 10, 100));
        assertThat(FailoverPolicy.decide("rs-0", nodes, TIMEOUT, TIMEOUT, true).orElseThrow().newMaster())
                .isEqualTo("rs-2");
    }

    @Test
    void noFailoverWhenDisabledWhenTheMasterIsHealthyOrWithNoCandidate() {
        List<NodeState> down = List.of(NodeState.unreachable("rs-0", 0, null, false), replica("rs-1", 1, 5, 1, 100));
        assertThat(FailoverPolicy.decide("rs-0", down, 60_000, TIMEOUT, false)).isEmpty();
        List<NodeState> healthy = List.of(master("history-a", 10), replica("rs-1", 1, 5, 10, 100));
        assertThat(FailoverPolicy.decide("rs-0", healthy, 60_000, TIMEOUT, true)).isEmpty();
        List<NodeState> onlyPriorityZero = List.of(NodeState.unreachable("rs-0", 0, null, false),
                replica("rs-1", 1, 5, 1, 0));
        assertThat(FailoverPolicy.decide("rs-0", onlyPriorityZero, 60_000, TIMEOUT, true)).isEmpty();
    }

    @Test
    void aMasterThatCameBackEmptyIsReplacedAtOnceSoItNeverWipesItsReplicas() {
        List<NodeState> nodes = List.of(master("history-new", 0), replica("rs-1", 1, 700, 7, 100),
                replica("rs-2", 2, 650, 7, 100));
        var decision = FailoverPolicy.decide("rs-0", nodes, 0, TIMEOUT, true).orElseThrow();
        assertThat(decision.newMaster()).isEqualTo("rs-1");
        assertThat(decision.reason()).contains("came back empty");
    }

    @Test
    void anEmptyMasterWhoseReplicasAreEmptyTooIsNotAReasonToFailOver() {
        // A fresh ReplicaSet: nobody has data yet.
        List<NodeState> nodes = List.of(master("history-a", 0), replica("rs-1", 1, 0, 0, 100));
        assertThat(FailoverPolicy.decide("rs-0", nodes, 0, TIMEOUT, true)).isEmpty();
    }
}
