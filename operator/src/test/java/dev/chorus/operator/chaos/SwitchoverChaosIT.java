package dev.chorus.operator.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.operator.reconciler.ReplicaSetFixture;
import dev.chorus.e2e.LocalKubernetes;
import dev.chorus.e2e.TestCluster;
import dev.chorus.operator.api.ReplicaSet;
import dev.chorus.operator.reconciler.WithOperator;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Planned master changes under continuous writes acknowledged by {@code WAIT 1}: a switchover (spec.master set to a
 * replica) and a rolling update (every pod recreated, replicas first, the master after a switchover). Zero
 * acknowledged writes lost, at most one node accepting writes at any moment (see {@link FinalChecks}).
 */
@LocalKubernetes(shared = true)
@WithOperator
class SwitchoverChaosIT {
    private static final Duration CHANGE = Duration.ofSeconds(90);
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"node", "redis"})
    void aSwitchoverUnderLoadLosesNoAcknowledgedWrite(String kind, TestCluster cluster) {
        try (ChaosScenario s = ChaosScenario.start(cluster, "chaos-switchover-" + kind,
                ChaosScenario.image(cluster, kind))) {
            String target = ChaosSets.aReplica(s.admin, s.ns, ChaosScenario.NAME);
            long asked = System.nanoTime();
            s.admin.resources(ReplicaSet.class).inNamespace(s.ns).withName(ChaosScenario.NAME).edit(rs -> {
                rs.getSpec().setMaster(target);
                return rs;
            });
            s.awaitUntil("status.master switched to " + target, CHANGE, () -> target.equals(s.master()));
            s.awaitAckedSince(asked, 200, CHANGE);
            s.finish();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"node", "redis"})
    void aRollingUpdateUnderLoadLosesNoAcknowledgedWrite(String kind, TestCluster cluster) {
        try (ChaosScenario s = ChaosScenario.start(cluster, "chaos-rolling-" + kind, ChaosScenario.image(cluster, kind),
                spec -> spec.setResources(new ResourceRequirementsBuilder()
                        .addToRequests("cpu", new Quantity("10m")).build()))) {
            Map<String, String> uidsBefore = uids(s);
            long changed = System.nanoTime();
            s.admin.resources(ReplicaSet.class).inNamespace(s.ns).withName(ChaosScenario.NAME).edit(rs -> {
                rs.getSpec().setResources(new ResourceRequirementsBuilder()
                        .addToRequests("cpu", new Quantity("20m")).build());
                return rs;
            });
            s.awaitUntil("every pod recreated at the StatefulSet's update revision, set Ready", Duration.ofMinutes(3),
                    () -> {
                        StatefulSet sts = s.admin.apps().statefulSets().inNamespace(s.ns)
                                .withName(ChaosScenario.NAME).get();
                        String revision = sts.getStatus() == null ? null : sts.getStatus().getUpdateRevision();
                        var pods = ChaosSets.pods(s.admin, s.ns, ChaosScenario.NAME);
                        return revision != null && pods.size() == 3 && pods.stream().allMatch(p ->
                                revision.equals(p.getMetadata().getLabels().get("controller-revision-hash"))
                                        && !p.getMetadata().getUid().equals(uidsBefore.get(p.getMetadata().getName())))
                                && ChaosSets.ready(ReplicaSetFixture.get(s.admin, s.ns, ChaosScenario.NAME));
                    });
            assertThat(s.master()).as("the master after the update (moved by a switchover before its pod restarted)")
                    .isNotEqualTo(s.initialMaster);
            s.awaitAckedSince(changed, 200, CHANGE);
            s.finish();
        }
    }

    private static Map<String, String> uids(ChaosScenario s) {
        return ChaosSets.pods(s.admin, s.ns, ChaosScenario.NAME).stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
    }
}
