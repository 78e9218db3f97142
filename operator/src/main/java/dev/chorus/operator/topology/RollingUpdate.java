package dev.chorus.operator.topology;

import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Rolling update of the pods (new image, resources, pod settings), pure rules: replicas first, one at a time, each only
 * when every node is ready and replicating; then a switchover to the most advanced updated replica; the old master is
 * then updated as a replica. A single-node set can only restart its master.
 */
public final class RollingUpdate {
    private RollingUpdate() {
    }

    /** What to do next. */
    public sealed interface Step {
        /** Nothing outdated. */
        record Done() implements Step {
        }

        /** Wait until the set is healthy again. */
        record Wait(String reason) implements Step {
        }

        /** Delete this outdated replica's pod; the StatefulSet recreates it from the new template. */
        record Restart(String pod) implements Step {
        }

        /** Switch the master over to this updated replica. */
        record SwitchTo(String pod) implements Step {
        }
    }

    /**
     * @param outdated pods whose revision is not the StatefulSet's update revision
     * @param healthy  every node is Ready and in its role (replicas linked to the master)
     */
    public static Step next(String master, List<NodeState> nodes, Set<String> outdated, boolean healthy) {
        if (outdated.isEmpty()) {
            return new Step.Done();
        }
        if (!healthy) {
            return new Step.Wait("waiting until every node is ready and replicating before the next pod");
        }
        var replica = nodes.stream().filter(n -> !n.pod().equals(master) && outdated.contains(n.pod()))
                .max(Comparator.comparingInt(NodeState::ordinal));
        if (replica.isPresent()) {
            return new Step.Restart(replica.get().pod());
        }
        if (nodes.size() == 1) {
            return new Step.Restart(master);
        }
        return nodes.stream().filter(n -> !n.pod().equals(master) && n.role() == Role.REPLICA && n.priority() != 0)
                .max(Comparator.comparingLong(NodeState::offset)
                        .thenComparing(Comparator.comparingInt(NodeState::ordinal).reversed()))
                .<Step>map(n -> new Step.SwitchTo(n.pod()))
                .orElse(new Step.Wait("no promotable updated replica to switch the master over to"));
    }
}
