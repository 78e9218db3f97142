package dev.chorus.operator.topology;

/** A command the operator sends to one node to bring it into its recorded role. */
public sealed interface NodeAction {
    String pod();

    /** REPLICAOF NO ONE: the node keeps its data and becomes the master. */
    record Promote(String pod) implements NodeAction {
    }

    /** REPLICAOF host port: demotes a stray master, or re-points a replica that follows the wrong address. */
    record Follow(String pod, String host, int port, String reason) implements NodeAction {
    }
}
