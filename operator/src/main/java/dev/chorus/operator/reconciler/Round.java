package dev.chorus.operator.reconciler;

import dev.chorus.operator.api.ReplicaSet;
import dev.chorus.operator.nodeclient.NodeClient;
import dev.chorus.operator.nodeclient.Observation;
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
    /** The observation {@link #observed} comes from (with when each node was looked at). */
    final Observation observation;
    /** Asks the node source for a fresh look now (it triggers a reconcile when it sees a change). */
    final Runnable nodesPoll;
    final Progress progress;
    final int port;
    /** The old master a failover paused before choosing its successor (unpaused once demoted); null if none. */
    NodeState fenced;

    Round(ReplicaSet rs, Context<ReplicaSet> context, NodeClient nodes, List<Pod> pods, Observation observation,
          Progress progress, Runnable nodesPoll) {
        this.rs = rs;
        this.context = context;
        this.nodes = nodes;
        this.pods = pods;
        this.observation = observation;
        this.observed = observation.nodes();
        this.nodesPoll = nodesPoll;
        this.progress = progress;
        this.port = rs.getSpec().getPort();
    }

    KubernetesClient client() {
        return context.getClient();
    }

    NodeState node(String pod) {
        return observed.stream().filter(n -> n.pod().equals(pod)).findFirst().orElse(null);
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
