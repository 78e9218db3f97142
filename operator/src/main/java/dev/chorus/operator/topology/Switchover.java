package dev.chorus.operator.topology;

import java.util.List;
import java.util.Optional;

/**
 * Manual switchover, pure rules (the steps run in the reconciler): the master's writes are paused, the target catches
 * up to the master's offset exactly, then it is promoted and the old master follows it. Zero acknowledged writes are
 * lost because nothing is written between the pause and the promotion.
 */
public final class Switchover {
    /** How long the master's writes may stay paused in one attempt (the pause also ends by itself after this). */
    public static final long PAUSE_MILLIS = 5000;
    /** How long one attempt waits for the target to reach the master's offset before resuming writes. */
    public static final long CATCH_UP_MILLIS = 3000;

    private Switchover() {
    }

    /** Why the switchover to {@code target} cannot start now; empty when it can. */
    public static Optional<String> blocker(String target, String master, List<NodeState> nodes) {
        NodeState t = nodes.stream().filter(n -> n.pod().equals(target)).findFirst().orElse(null);
        NodeState m = nodes.stream().filter(n -> n.pod().equals(master)).findFirst().orElse(null);
        if (t == null) {
            return Optional.of(target + " is not a pod of this ReplicaSet");
        }
        if (m == null || m.role() != Role.MASTER || !m.podReady()) {
            return Optional.of("the master " + master + " is not serving; failover handles that");
        }
        if (t.role() != Role.REPLICA || !t.podReady() || !t.linkUp() || !m.ip().equals(t.followsHost())) {
            return Optional.of(target + " is not a ready replica replicating from the master");
        }
        return Optional.empty();
    }

    /** The target has everything the paused master has. */
    public static boolean caughtUp(long targetOffset, long masterOffset) {
        return targetOffset >= masterOffset;
    }
}
