package dev.chorus.operator.topology;

import java.util.List;

/**
 * The decision of one reconcile: which pod is the master, and the commands that bring every reachable node into line.
 *
 * @param master        pod name of the master (recorded, or chosen at bootstrap)
 * @param masterAddress the master's pod IP, null while it has none
 * @param actions       commands to send, in order
 */
public record ReplicationPlan(String master, String masterAddress, List<NodeAction> actions) {
}
