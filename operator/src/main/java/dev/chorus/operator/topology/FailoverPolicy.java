package dev.chorus.operator.topology;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * When to replace the recorded master, and with which replica (pure logic, unit-tested). Two triggers:
 * <ul>
 *   <li>the master has been unreachable or not Ready for longer than the timeout;</li>
 *   <li>the master answers but came back empty with a new history while replicas still hold data (a restart without
 *       persistence, or a lost volume): letting replicas resync from it would wipe them, so this fails over at once.</li>
 * </ul>
 * The candidate is the reachable replica with the highest replication offset (ties: lowest ordinal); replicas with
 * replica-priority 0 are never chosen.
 */
public final class FailoverPolicy {
    private FailoverPolicy() {
    }

    /** Why and to whom to fail over. */
    public record Decision(String newMaster, long candidateOffset, String reason) {
    }

    /**
     * @param masterFailingMillis how long the master has been unreachable or not Ready (0 when it is healthy)
     * @param timeoutMillis       spec.failover.timeoutSeconds in milliseconds
     */
    public static Optional<Decision> decide(String recordedMaster, List<NodeState> nodes, long masterFailingMillis,
                                            long timeoutMillis, boolean enabled) {
        if (!enabled || recordedMaster == null) {
            return Optional.empty();
        }
        NodeState master = nodes.stream().filter(n -> n.pod().equals(recordedMaster)).findFirst().orElse(null);
        String reason;
        if (cameBackEmpty(master, nodes)) {
            reason = "master " + recordedMaster + " came back empty with a new replication history while replicas "
                    + "hold data";
        } else if (masterFailingMillis >= timeoutMillis && (master == null || !master.reachable() || !master.podReady())) {
            reason = "master " + recordedMaster + " unreachable or not ready for " + masterFailingMillis / 1000 + " s";
        } else {
            return Optional.empty();
        }
        return candidate(recordedMaster, nodes)
                .map(c -> new Decision(c.pod(), c.offset(), reason + "; promoting " + c.pod() + " at offset "
                        + c.offset()));
    }

    /** The most advanced promotable replica. */
    static Optional<NodeState> candidate(String recordedMaster, List<NodeState> nodes) {
        return nodes.stream()
                .filter(n -> !n.pod().equals(recordedMaster) && n.role() == Role.REPLICA && n.priority() != 0)
                .max(Comparator.comparingLong(NodeState::offset)
                        .thenComparing(Comparator.comparingInt(NodeState::ordinal).reversed()));
    }

    /**
     * The master answers with no keys under a replication id none of the replicas share, and some replica has keys:
     * it restarted without its data.
     */
    static boolean cameBackEmpty(NodeState master, List<NodeState> nodes) {
        if (master == null || master.role() != Role.MASTER || master.keys() != 0 || master.replid() == null) {
            return false;
        }
        return nodes.stream().anyMatch(n -> n != master && n.role() == Role.REPLICA && n.keys() > 0
                && !master.replid().equals(n.replid()));
    }
}
