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
    /** Every node with an address has been looked at at that address (else it shows as unreachable, never looked at). */
    public boolean complete() {
        return nodes.stream().allMatch(n -> n.ip() == null || !neverLookedAt(n.pod()));
    }

    /** The node has an address but no look at it yet: unknown, not known to be down. */
    public boolean neverLookedAt(String pod) {
        return polledAt(pod).equals(Instant.MIN);
    }

    public NodeState node(String pod) {
        return nodes.stream().filter(n -> n.pod().equals(pod)).findFirst().orElse(null);
    }

    /** When {@code pod} was last looked at (Instant.MIN when never). */
    public Instant polledAt(String pod) {
        return polledAt.getOrDefault(pod, Instant.MIN);
    }
}
