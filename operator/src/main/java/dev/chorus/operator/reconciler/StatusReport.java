package dev.chorus.operator.reconciler;

import dev.chorus.operator.api.NodeStatus;
import dev.chorus.operator.api.ReplicaSet;
import dev.chorus.operator.api.ReplicaSetStatus;
import dev.chorus.operator.dependent.Names;
import dev.chorus.operator.status.Conditions;
import dev.chorus.operator.topology.FailoverPolicy;
import dev.chorus.operator.topology.NodeState;
import dev.chorus.operator.topology.ReplicationPlan;
import dev.chorus.operator.topology.Role;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Builds the status from one reconcile's observations and decision. */
final class StatusReport {
    private StatusReport() {
    }

    static ReplicaSetStatus build(ReplicaSet rs, ReplicationPlan plan, List<NodeState> nodes, List<Pod> pods,
                                  Progress progress) {
        ReplicaSetStatus previous = rs.getStatus();
        ReplicaSetStatus s = new ReplicaSetStatus();
        long generation = Objects.requireNonNullElse(rs.getMetadata().getGeneration(), 0L);
        s.setObservedGeneration(generation);
        s.setConditions(previous == null ? new ArrayList<>() : new ArrayList<>(previous.getConditions()));
        progress.copyTo(s);
        s.setMaster(plan.master());
        s.setMasterAddress(plan.masterAddress() == null ? null : plan.masterAddress() + ":" + rs.getSpec().getPort());
        s.setWriteService(Names.writeService(rs));
        s.setReadService(Names.readService(rs));

        NodeState master = nodes.stream().filter(n -> n.pod().equals(plan.master())).findFirst().orElse(null);
        int desired = rs.getSpec().getReplicas();
        int inLine = 0;
        List<NodeStatus> nodeStatuses = new ArrayList<>();
        for (NodeState n : nodes) {
            boolean isMaster = n.pod().equals(plan.master());
            boolean healthy = inRole(n, plan);
            if (healthy) {
                inLine++;
            }
            Long lag = master == null || !n.reachable() || isMaster ? null : Math.max(0, master.offset() - n.offset());
            nodeStatuses.add(new NodeStatus(n.pod(), n.role() == Role.UNREACHABLE ? "unknown"
                    : isMaster ? "master" : "replica", healthy, n.ip() == null ? null : n.ip() + ":" + rs.getSpec().getPort(),
                    n.reachable() ? n.offset() : null, lag,
                    isMaster || !n.reachable() ? null : n.linkUp() ? "up" : "down"));
        }
        s.setNodes(nodeStatuses);
        s.setReadyReplicas(inLine);
        s.setReady(inLine + "/" + desired);

        boolean masterOk = master != null && master.podReady() && master.role() == Role.MASTER;
        boolean allReady = masterOk && inLine == nodes.size() && nodes.size() == desired && plan.actions().isEmpty();
        boolean converging = !plan.actions().isEmpty() || pods.size() != desired || !allReady;
        Conditions.set(s.getConditions(), Conditions.READY, allReady, allReady ? "AllNodesReady" : "NodesNotReady",
                allReady ? "The master and all " + (desired - 1) + " replicas are ready and replicating"
                        : inLine + " of " + desired + " nodes ready and in their role", generation);
        Conditions.set(s.getConditions(), Conditions.AVAILABLE, masterOk, masterOk ? "MasterAvailable"
                : "MasterUnavailable", masterOk ? "Writes are served by " + plan.master()
                : "No ready master yet", generation);
        Conditions.set(s.getConditions(), Conditions.PROGRESSING, converging, converging ? "Reconciling"
                : "ReconcileComplete", converging ? "Bringing nodes to their recorded roles" : "Nothing to do",
                generation);
        boolean degraded = masterOk && inLine < desired && pods.size() == desired;
        Conditions.set(s.getConditions(), Conditions.DEGRADED, degraded, degraded ? "ReplicasNotReady"
                : "AsExpected", degraded ? (desired - inLine) + " replica(s) not ready or not replicating"
                : "No known problem", generation);
        String derived = allReady ? "Ready" : master == null || pods.isEmpty() ? "Pending" : degraded ? "Degraded"
                : "Creating";
        s.setPhase(progress.phase != null ? progress.phase : derived);
        if (master != null && master.held() && !FailoverPolicy.mayResume(master, nodes)) {
            Conditions.set(s.getConditions(), Conditions.AVAILABLE, false, "MasterLostData", "The master "
                    + plan.master() + " restarted behind its replicas and failover is disabled: set spec.master to "
                    + "the most advanced replica to promote it", generation);
        }
        return s;
    }

    /** A node is in its role: Ready, and the master as master or a replica linked to the master's address. */
    private static boolean inRole(NodeState n, ReplicationPlan plan) {
        boolean isMaster = n.pod().equals(plan.master());
        return n.podReady() && (isMaster ? n.role() == Role.MASTER
                : n.role() == Role.REPLICA && n.linkUp() && plan.masterAddress() != null
                && plan.masterAddress().equals(n.followsHost()));
    }

    /** Every expected node is Ready and in its role, and nothing is left to do. */
    static boolean healthy(ReplicaSet rs, ReplicationPlan plan, List<NodeState> nodes, List<Pod> pods) {
        return plan.actions().isEmpty() && nodes.size() == rs.getSpec().getReplicas()
                && pods.size() == nodes.size() && nodes.stream().allMatch(n -> inRole(n, plan));
    }

    /**
     * Whether the new status says nothing new. Replication offsets and lag move with every write the nodes take, so
     * they alone never cause a status write (an unchanged resource must cause no writes): they are refreshed whenever
     * something else changes. lastTransitionTime only moves when a condition's status changes.
     */
    static boolean same(ReplicaSetStatus a, ReplicaSetStatus b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Serialization.asJson(withoutPositions(a)).equals(Serialization.asJson(withoutPositions(b)));
    }

    private static ReplicaSetStatus withoutPositions(ReplicaSetStatus s) {
        ReplicaSetStatus copy = Serialization.clone(s);
        for (NodeStatus n : copy.getNodes()) {
            n.setOffset(null);
            n.setLag(null);
        }
        return copy;
    }
}
