package dev.chorus.operator.reconciler;

import dev.chorus.operator.api.ReplicaSet;
import dev.chorus.operator.nodeclient.NodeClient;
import dev.chorus.operator.status.EventRecorder;
import dev.chorus.operator.topology.NodeState;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.List;

/** One reconcile of one ReplicaSet: what was observed, what is recorded, and the means to act and tell. */
final class Round {
    final ReplicaSet rs;
    final Context<ReplicaSet> context;
    final NodeClient nodes;
    final List<Pod> pods;
    final List<NodeState> observed;
    final Progress progress;
    final int port;
    /** The old master a failover paused before choosing its successor (unpaused once demoted); null if none. */
    NodeState fenced;

    Round(ReplicaSet rs, Context<ReplicaSet> context, NodeClient nodes, List<Pod> pods, List<NodeState> observed,
          Progress progress) {
        this.rs = rs;
        this.context = context;
        this.nodes = nodes;
        this.pods = pods;
        this.observed = observed;
        this.progress = progress;
        this.port = rs.getSpec().getPort();
    }

    KubernetesClient client() {
        return context.getClient();
    }

    NodeState node(String pod) {
        return observed.stream().filter(n -> n.pod().equals(pod)).findFirst().orElse(null);
    }

    /** Asks every node but {@code except} again (a failover's final look), keeping the pods' facts of this round. */
    void reobserve(String except) {
        observed.replaceAll(n -> n.pod().equals(except) ? n
                : nodes.observe(n.pod(), n.ordinal(), n.ip(), port, n.podReady()));
    }

    Pod pod(String name) {
        return pods.stream().filter(p -> p.getMetadata().getName().equals(name)).findFirst().orElse(null);
    }

    /** Writes the progress to status now, before acting on it. */
    void record() {
        StatusRecorder.record(client(), context.getControllerConfiguration().fieldManager(), rs, progress);
    }

    void event(String type, String reason, String message) {
        EventRecorder.record(client(), rs, type, reason, message);
    }

    String name() {
        return rs.getMetadata().getNamespace() + "/" + rs.getMetadata().getName();
    }
}
