package dev.chorus.operator.reconciler;

import dev.chorus.operator.topology.RollingUpdate;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Rolls pods onto the StatefulSet's new revision (its update strategy is OnDelete, so only the operator restarts
 * pods), in {@link RollingUpdate}'s order: replicas one at a time, then a switchover, then the old master.
 */
final class RollingUpdateStep {
    static final String REVISION_LABEL = "controller-revision-hash";

    private RollingUpdateStep() {
    }

    /** Pods not on the StatefulSet's update revision. */
    static Set<String> outdated(Round r) {
        String revision = r.context.getSecondaryResource(StatefulSet.class)
                .map(s -> s.getStatus() == null ? null : s.getStatus().getUpdateRevision()).orElse(null);
        if (revision == null) {
            return Set.of();
        }
        return r.pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> !revision.equals(p.getMetadata().getLabels().get(REVISION_LABEL)))
                .map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
    }

    /** @return whether a rolling update is in progress */
    static boolean run(Round r, Set<String> outdated, boolean healthy) {
        // The pod last restarted is kept in status (not in this process), so a restarted or new leader operator
        // also waits for it to go before restarting the next one.
        String lastUid = r.progress.updateRestartedPodUid;
        boolean lastStillThere = lastUid != null && r.pods.stream().anyMatch(p -> lastUid.equals(p.getMetadata()
                .getUid()) && p.getMetadata().getDeletionTimestamp() == null);
        RollingUpdate.Step step = RollingUpdate.next(r.progress.master, r.observed, outdated,
                healthy && !lastStillThere);
        if (step instanceof RollingUpdate.Step.Restart restart) {
            Pod pod = r.pods.stream().filter(p -> p.getMetadata().getName().equals(restart.pod())).findFirst()
                    .orElseThrow();
            r.progress.updateRestartedPodUid = pod.getMetadata().getUid();
            r.record();
            r.event("Normal", "Updating", "Restarting " + restart.pod() + " on the new pod template ("
                    + (restart.pod().equals(r.progress.master) ? "the only node" : "a replica") + ")");
            r.client().pods().inNamespace(pod.getMetadata().getNamespace()).withName(restart.pod()).delete();
        } else if (step instanceof RollingUpdate.Step.SwitchTo to) {
            r.progress.targetMaster = to.pod();
            r.progress.phase = "SwitchingOver";
            r.record();
            r.event("Normal", "SwitchingOver", "Rolling update: every replica is updated; switching the master over "
                    + "from " + r.progress.master + " to " + to.pod());
        }
        boolean updating = !(step instanceof RollingUpdate.Step.Done);
        if (!updating) {
            r.progress.updateRestartedPodUid = null;
        }
        if (updating && r.progress.phase == null) {
            r.progress.phase = "Updating";
        }
        return updating;
    }
}
