package dev.chorus.operator.topology;

/**
 * Where the recorded master's config file points it at start-up: a loopback port where nothing listens. The master
 * therefore (re)starts as a read-only replica with no link, which also refuses to be anyone's sync source
 * (-NOMASTERLINK), so a master that restarted without its data can never wipe its replicas. The operator resumes it
 * (REPLICAOF NO ONE) only after comparing it with the replicas, and fails over instead when a replica is ahead.
 */
public final class StartupHold {
    public static final String HOST = "127.0.0.1";
    public static final int PORT = 1;

    private StartupHold() {
    }

    /** Whether the node is waiting in the start-up hold for the operator's verdict. */
    public static boolean holds(NodeState n) {
        return n.role() == Role.REPLICA && HOST.equals(n.followsHost()) && n.followsPort() == PORT;
    }
}
