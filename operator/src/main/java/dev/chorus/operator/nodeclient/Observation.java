package dev.chorus.operator.nodeclient;

import dev.chorus.operator.topology.NodeState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The latest look at every node of one ReplicaSet, in ordinal order, with when each node's look started (a node
 * without an IP has the time the observation was assembled). A step that changed something (paused a master) judges
 * only looks that started after it.
 */
public record Observation(List<NodeState> nodes, Map<String, Instant> polledAt) {
    public NodeState node(String pod) {
        return nodes.stream().filter(n -> n.pod().equals(pod)).findFirst().orElse(null);
    }

    /** When {@code pod} was last looked at (Instant.MIN when never). */
    public Instant polledAt(String pod) {
        return polledAt.getOrDefault(pod, Instant.MIN);
    }
}
