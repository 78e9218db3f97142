package dev.chorus.operator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopologyPlannerTest {
    private static final int PORT = 6379;

    private static NodeState master(String pod, int ordinal, String ip, long offset) {
        return new NodeState(pod, ordinal, ip, true, Role.MASTER, null, 0, false, offset, "id", 10);
    }

    private static NodeState replica(String pod, int ordinal, String ip, String follows, long offset) {
        return new NodeState(pod, ordinal, ip, true, Role.REPLICA, follows, PORT, true, offset, "id", 10);
    }

    @Test
    void aHealthyTopologyNeedsNoAction() {
        ReplicationPlan plan = TopologyPlanner.plan("rs-0", List.of(master("rs-0", 0, "10.0.0.1", 100),
                replica("rs-1", 1, "10.0.0.2", "10.0.0.1", 100), replica("rs-2", 2, "10.0.0.3", "10.0.0.1", 90)), PORT);
        assertThat(plan.master()).isEqualTo("rs-0");
        assertThat(plan.masterAddress()).isEqualTo("10.0.0.1");
        assertThat(plan.actions()).isEmpty();
    }

    @Test
    void replicasFollowingAnOldMasterAddressAreRepointed() {
        // The master's pod was recreated with a new IP; the replicas still follow the old one.
        ReplicationPlan plan = TopologyPlanner.plan("rs-0", List.of(master("rs-0", 0, "10.0.0.9", 0),
                replica("rs-1", 1, "10.0.0.2", "10.0.0.1", 100), replica("rs-2", 2, "10.0.0.3", "10.0.0.9", 100)), PORT);
        assertThat(plan.actions()).singleElement().satisfies(a -> {
            assertThat(a).isInstanceOf(NodeAction.Follow.class);
            NodeAction.Follow f = (NodeAction.Follow) a;
            assertThat(f.pod()).isEqualTo("rs-1");
            assertThat(f.host()).isEqualTo("10.0.0.9");
            assertThat(f.port()).isEqualTo(PORT);
        });
    }

    @Test
    void aRestartedNodeActingAsMasterIsDemotedNeverKeptAsASecondMaster() {
        ReplicationPlan plan = TopologyPlanner.plan("rs-0", List.of(master("rs-0", 0, "10.0.0.1", 100),
                master("rs-2", 2, "10.0.0.3", 500)), PORT);
        assertThat(plan.master()).isEqualTo("rs-0");
        assertThat(plan.actions()).containsExactly(new NodeAction.Follow("rs-2", "10.0.0.1", PORT,
                "a node other than the recorded master rs-0 was acting as master"));
    }

    @Test
    void theRecordedMasterReportingReplicaIsPromoted() {
        // rs-1 is recorded as master but follows rs-0; rs-0 already follows rs-1: only the promotion is missing.
        ReplicationPlan loop = TopologyPlanner.plan("rs-1", List.of(replica("rs-0", 0, "10.0.0.1", "10.0.0.2", 100),
                replica("rs-1", 1, "10.0.0.2", "10.0.0.1", 100)), PORT);
        assertThat(loop.actions()).containsExactly(new NodeAction.Promote("rs-1"));

        // With rs-0 following some older address, it is re-pointed after the promotion.
        ReplicationPlan stale = TopologyPlanner.plan("rs-1", List.of(replica("rs-0", 0, "10.0.0.1", "10.0.0.7", 100),
                replica("rs-1", 1, "10.0.0.2", "10.0.0.1", 100)), PORT);
        assertThat(stale.actions()).first().isEqualTo(new NodeAction.Promote("rs-1"));
        assertThat(stale.actions()).hasSize(2);
        assertThat(stale.actions().get(1)).isInstanceOf(NodeAction.Follow.class);
        assertThat(((NodeAction.Follow) stale.actions().get(1)).pod()).isEqualTo("rs-0");
    }

    @Test
    void bootstrapPicksTheMostAdvancedNodeThenTheLowestOrdinal() {
        ReplicationPlan withData = TopologyPlanner.plan(null, List.of(master("rs-0", 0, "a", 0),
                master("rs-1", 1, "b", 700), master("rs-2", 2, "c", 700)), PORT);
        assertThat(withData.master()).isEqualTo("rs-1");

        ReplicationPlan empty = TopologyPlanner.plan(null, List.of(master("rs-2", 2, "c", 0),
                master("rs-1", 1, "b", 0), master("rs-0", 0, "a", 0)), PORT);
        assertThat(empty.master()).isEqualTo("rs-0");
        assertThat(empty.actions()).extracting(NodeAction::pod).containsExactlyInAnyOrder("rs-1", "rs-2");
    }

    @Test
    void nothingIsToldToUnreachableNodesAndNoMasterAddressMeansNoRepointing() {
        ReplicationPlan plan = TopologyPlanner.plan(null, List.of(NodeState.unreachable("rs-0", 0, null, false),
                NodeState.unreachable("rs-1", 1, "10.0.0.2", false)), PORT);
        assertThat(plan.master()).isEqualTo("rs-0");
        assertThat(plan.masterAddress()).isNull();
        assertThat(plan.actions()).isEmpty();
    }

    @Test
    void aRecordedMasterThatNoLongerExistsIsReplacedByBootstrapChoice() {
        ReplicationPlan plan = TopologyPlanner.plan("rs-4", List.of(master("rs-0", 0, "a", 10),
                replica("rs-1", 1, "b", "a", 10)), PORT);
        assertThat(plan.master()).isEqualTo("rs-0");
    }

    @Test
    void aStrayMasterIsDemotedBeforeTheRecordedOneIsPromoted() {
        // A failover recorded rs-1; the old master rs-0 still answers as master.
        ReplicationPlan plan = TopologyPlanner.plan("rs-1", List.of(master("rs-0", 0, "10.0.0.1", 100),
                replica("rs-1", 1, "10.0.0.2", "10.0.0.1", 100), replica("rs-2", 2, "10.0.0.3", "10.0.0.1", 90)), PORT);
        assertThat(plan.actions()).extracting(a -> a.getClass().getSimpleName() + " " + a.pod())
                .containsExactly("Follow rs-0", "Promote rs-1", "Follow rs-2");
    }

    @Test
    void aHeldMasterIsResumedOnlyWhenNoReplicaIsAhead() {
        NodeState heldEmpty = new NodeState("rs-0", 0, "10.0.0.1", true, Role.REPLICA, StartupHold.HOST,
                StartupHold.PORT, false, 0, "new", 0);
        ReplicationPlan behind = TopologyPlanner.plan("rs-0", List.of(heldEmpty,
                replica("rs-1", 1, "10.0.0.2", "10.0.0.1", 100)), PORT);
        assertThat(behind.actions()).noneMatch(a -> a instanceof NodeAction.Promote);
        NodeState heldFull = new NodeState("rs-0", 0, "10.0.0.1", true, Role.REPLICA, StartupHold.HOST,
                StartupHold.PORT, false, 100, "id", 10);
        ReplicationPlan resumed = TopologyPlanner.plan("rs-0", List.of(heldFull,
                replica("rs-1", 1, "10.0.0.2", "10.0.0.1", 100)), PORT);
        assertThat(resumed.actions()).containsExactly(new NodeAction.Promote("rs-0"));
    }
}
