package dev.chorus.operator.reconciler;

import dev.chorus.operator.dependent.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Keeps each pod's chorus.dev/role label in line with the decision, so the write Service reaches only the master
 * and the read Service only replicas. Patches only pods whose label differs (no writes when nothing changed).
 */
final class RoleLabels {
    private static final Logger LOG = Logger.getLogger(RoleLabels.class);

    private RoleLabels() {
    }

    /** Labels the master as master and every other pod as replica. */
    static void apply(KubernetesClient client, List<Pod> pods, String master) {
        if (master == null) {
            return;
        }
        for (Pod pod : pods) {
            label(client, pod, pod.getMetadata().getName().equals(master) ? Labels.MASTER : Labels.REPLICA);
        }
    }

    /**
     * Takes every pod but the recorded master out of the write Service before any node is promoted: after a failover
     * the old master stops receiving writes through the Service even when the operator cannot reach it.
     */
    static void fence(KubernetesClient client, List<Pod> pods, String master) {
        if (master == null) {
            return;
        }
        for (Pod pod : pods) {
            if (!pod.getMetadata().getName().equals(master)
                    && Labels.MASTER.equals(pod.getMetadata().getLabels().get(Labels.ROLE))) {
                label(client, pod, Labels.REPLICA);
            }
        }
    }

    private static void label(KubernetesClient client, Pod pod, String want) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        if (want.equals(labels.get(Labels.ROLE)) || pod.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .edit(p -> {
                        p.getMetadata().getLabels().put(Labels.ROLE, want);
                        return p;
                    });
        } catch (KubernetesClientException e) {
            LOG.warnf("Could not label %s as %s: %s", pod.getMetadata().getName(), want, e.getMessage());
        }
    }
}
