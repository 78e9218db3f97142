package dev.chorus.operator.reconciler;

import dev.chorus.operator.api.ReplicaSet;
import dev.chorus.operator.api.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Writes a step of a failover or switchover to status at once, before the operator acts on it (the reconcile's
 * final status patch comes after the actions; an operator that died in between would not know what it had started).
 */
final class StatusRecorder {
    private StatusRecorder() {
    }

    /**
     * Server-side apply of the whole status as the controller's field manager, like the reconcile's own status patch:
     * fields left out (a finished switchover's target, say) are removed, not kept by a second owner.
     */
    static void record(KubernetesClient client, String fieldManager, ReplicaSet rs, Progress progress) {
        ReplicaSetStatus status = rs.getStatus() == null ? new ReplicaSetStatus() : Serialization.clone(rs.getStatus());
        progress.copyTo(status);
        if (progress.phase != null) {
            status.setPhase(progress.phase);
        }
        ReplicaSet patch = new ReplicaSet();
        patch.setMetadata(new ObjectMetaBuilder().withName(rs.getMetadata().getName())
                .withNamespace(rs.getMetadata().getNamespace()).build());
        patch.setStatus(status);
        client.resource(patch).subresource("status").patch(new PatchContext.Builder()
                .withPatchType(PatchType.SERVER_SIDE_APPLY).withFieldManager(fieldManager).withForce(true).build());
        rs.setStatus(status);
    }
}
