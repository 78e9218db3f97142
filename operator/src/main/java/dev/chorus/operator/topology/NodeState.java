package dev.chorus.operator.topology;

/**
 * One node as observed in this reconcile: the pod (name, ordinal, IP, readiness) and what the node itself reports.
 *
 * @param followsHost the master host a replica is configured to follow (null for a master)
 * @param offset      the node's replication offset (master_repl_offset, or slave_repl_offset for a replica)
 * @param keys        number of keys (DBSIZE), used to recognise a master that came back empty
 * @param priority    replica-priority (slave_priority): 0 means never promote this node
 */
public record NodeState(String pod, int ordinal, String ip, boolean podReady, Role role, String followsHost,
                        int followsPort, boolean linkUp, long offset, String replid, long keys, int priority) {

    public NodeState(String pod, int ordinal, String ip, boolean podReady, Role role, String followsHost,
                     int followsPort, boolean linkUp, long offset, String replid, long keys) {
        this(pod, ordinal, ip, podReady, role, followsHost, followsPort, linkUp, offset, replid, keys, 100);
    }

    public boolean reachable() {
        return role != Role.UNREACHABLE;
    }

    /** Restarted as recorded master and waiting in the {@link StartupHold} for the operator's verdict. */
    public boolean held() {
        return StartupHold.holds(this);
    }

    public static NodeState unreachable(String pod, int ordinal, String ip, boolean podReady) {
        return new NodeState(pod, ordinal, ip, podReady, Role.UNREACHABLE, null, 0, false, -1, null, -1);
    }
}
