package dev.chorus.operator.topology;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * When to replace the recorded master, and with which replica (pure logic, unit-tested). Three triggers:
 * <ul>
 *   <li>the master keeps nothing on disk and its process is gone (killed, pod deleted): at once;</li>
 *   <li>the master has been unreachable or not Ready for longer than the wait (the failover timeout, stretched when
 *       needed so an isolated master has stopped taking writes before another one starts);</li>
 *   <li>the master answers but lost data in a restart (it came back behind its replicas, or empty while they hold
 *       data): resuming it, or letting replicas resync from it, would throw acknowledged writes away, so this fails
 *       over at once.</li>
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
     * @param waitMillis          how long it may fail before a failover
     */
    public static Optional<Decision> decide(String recordedMaster, List<NodeState> nodes, long masterFailingMillis,
                                            long waitMillis, boolean enabled) {
        return decide(recordedMaster, nodes, masterFailingMillis, waitMillis, enabled, false);
    }

    /**
     * @param masterProcessGone the master keeps no data on disk and its process is gone (pod deleted or container not
     *                          running): its data is lost for certain and it takes no writes, so waiting for it, or for
     *                          the isolation fence, gains nothing
     */
    public static Optional<Decision> decide(String recordedMaster, List<NodeState> nodes, long masterFailingMillis,
                                            long waitMillis, boolean enabled, boolean masterProcessGone) {
        if (!enabled || recordedMaster == null) {
            return Optional.empty();
        }
        NodeState master = find(recordedMaster, nodes);
        String reason;
        if (masterProcessGone && failing(master)) {
            reason = "master " + recordedMaster + " has no persistence and its process is gone: its data is lost";
        } else if (lostData(master, nodes)) {
            reason = "master " + recordedMaster + " restarted without its latest data (offset " + master.offset()
                    + ", " + master.keys() + " keys) while a replica is ahead";
        } else if (masterFailingMillis >= waitMillis && failing(master)) {
            reason = "master " + recordedMaster + " unreachable or not ready for " + masterFailingMillis / 1000 + " s";
        } else {
            return Optional.empty();
        }
        return candidate(recordedMaster, nodes)
                .map(c -> new Decision(c.pod(), c.offset(), reason + "; promoting " + c.pod() + " at offset "
                        + c.offset()));
    }

    /** The master cannot serve: no pod IP, no answer, or its pod is not Ready. */
    public static boolean failing(NodeState master) {
        return master == null || !master.reachable() || !master.podReady();
    }

    /**
     * Whether the recorded master may be resumed (promoted back) from the start-up hold: only when no replica is
     * ahead of it. Otherwise resuming it would make the replicas resync from older data.
     */
    public static boolean mayResume(NodeState master, List<NodeState> nodes) {
        return !lostData(master, nodes);
    }

    /**
     * The most advanced promotable node other than the failed master: a replica, or a node already acting as master
     * (one this failover promoted before the operator restarted, say), so a repeated decision lands on the same node.
     */
    public static Optional<NodeState> candidate(String recordedMaster, List<NodeState> nodes) {
        return nodes.stream()
                .filter(n -> !n.pod().equals(recordedMaster) && n.reachable() && !n.held() && n.priority() != 0)
                .max(Comparator.comparingLong(NodeState::offset)
                        .thenComparing(Comparator.comparingInt(NodeState::ordinal).reversed()));
    }

    /**
     * The master restarted without its latest data. Held at start-up: some replica has a higher offset, or it is empty
     * while a replica has keys (when nobody has any keys there is nothing to lose). Already serving as master (a node started without the hold): it is empty under a
     * replication id none of the replicas share, while a replica has keys.
     */
    static boolean lostData(NodeState master, List<NodeState> nodes) {
        if (master == null || !master.reachable()) {
            return false;
        }
        List<NodeState> replicas = nodes.stream().filter(n -> n != master && n.role() == Role.REPLICA && !n.held())
                .toList();
        if (master.held()) {
            boolean nothingToLose = master.keys() == 0 && replicas.stream().allMatch(r -> r.keys() == 0);
            return !nothingToLose && replicas.stream().anyMatch(r -> r.offset() > master.offset()
                    || master.keys() == 0 && r.keys() > 0);
        }
        if (master.role() != Role.MASTER || master.keys() != 0 || master.replid() == null) {
            return false;
        }
        return replicas.stream().anyMatch(r -> r.keys() > 0 && !master.replid().equals(r.replid()));
    }

    private static NodeState find(String pod, List<NodeState> nodes) {
        return nodes.stream().filter(n -> n.pod().equals(pod)).findFirst().orElse(null);
    }
}
