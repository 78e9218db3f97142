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
public record Observation(List<NodeState> nodes, Map<String, Instant> polledAt, Map<String, NodeAuth> auth) {
    public Observation(List<NodeState> nodes, Map<String, Instant> polledAt) {
        this(nodes, polledAt, Map.of());
    }

    /** The node's password set-up at its last look ({@link NodeAuth#UNKNOWN} when not looked at). */
    public NodeAuth auth(String pod) {
        return auth.getOrDefault(pod, NodeAuth.UNKNOWN);
    }

    /**
     * Nodes that answered but refused every password the operator has: up, yet not to be judged (an authentication
     * failure is not a node down).
     */
    public List<String> authFailed() {
        return nodes.stream().map(NodeState::pod).filter(p -> auth(p).failed()).toList();
    }

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
