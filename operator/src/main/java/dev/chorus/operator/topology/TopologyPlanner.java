package dev.chorus.operator.topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Decides who is master and what each node must be told, from observations only (no I/O, so it is unit-tested).
 * The recorded master is authoritative: a restarted node never becomes a second master on its own, and any other node
 * acting as master is demoted. A recorded master back from a restart (in the {@link StartupHold}) is resumed only when
 * no replica is ahead of it; otherwise it stays held until {@link FailoverPolicy} replaces it. At bootstrap (nothing recorded) the most advanced reachable node is chosen, ties broken
 * by the lowest ordinal, so existing data is never thrown away by picking an empty node.
 */
public final class TopologyPlanner {
    private TopologyPlanner() {
    }

    public static ReplicationPlan plan(String recordedMaster, List<NodeState> nodes, int port) {
        String master = recordedMaster != null && nodes.stream().anyMatch(n -> n.pod().equals(recordedMaster))
                ? recordedMaster
                : bootstrapMaster(nodes).map(NodeState::pod).orElse(null);
        if (master == null) {
            return new ReplicationPlan(null, null, List.of());
        }
        NodeState m = nodes.stream().filter(n -> n.pod().equals(master)).findFirst().orElseThrow();
        // Fence first: any other node acting as master is demoted before the recorded one is promoted, so two nodes
        // never take writes at once; then the master; then the replicas that follow a wrong address.
        List<NodeAction> demotions = new ArrayList<>();
        List<NodeAction> repoints = new ArrayList<>();
        for (NodeState n : nodes) {
            if (n.pod().equals(master) || !n.reachable() || m.ip() == null) {
                continue;
            }
            if (n.role() == Role.MASTER) {
                demotions.add(new NodeAction.Follow(n.pod(), m.ip(), port, "a node other than the recorded master "
                        + master + " was acting as master"));
            } else if (!m.ip().equals(n.followsHost()) || n.followsPort() != port) {
                repoints.add(new NodeAction.Follow(n.pod(), m.ip(), port, "it followed " + n.followsHost() + ":"
                        + n.followsPort() + " instead of the master " + master + " at " + m.ip() + ":" + port));
            }
        }
        List<NodeAction> actions = new ArrayList<>(demotions);
        if (m.role() == Role.REPLICA && FailoverPolicy.mayResume(m, nodes)) {
            actions.add(new NodeAction.Promote(master));
        }
        actions.addAll(repoints);
        return new ReplicationPlan(master, m.ip(), actions);
    }

    /** Most advanced reachable node (highest offset), lowest ordinal on ties; with none reachable, ordinal 0's pod. */
    static Optional<NodeState> bootstrapMaster(List<NodeState> nodes) {
        Optional<NodeState> best = nodes.stream().filter(NodeState::reachable)
                .max(Comparator.comparingLong(NodeState::offset)
                        .thenComparing(Comparator.comparingLong(NodeState::keys))
                        .thenComparing(Comparator.comparingInt(NodeState::ordinal).reversed()));
        if (best.isPresent()) {
            return best;
        }
        return nodes.stream().min(Comparator.comparingInt(NodeState::ordinal));
    }
}
