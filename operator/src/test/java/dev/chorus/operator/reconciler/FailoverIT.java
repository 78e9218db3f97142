package dev.chorus.operator.reconciler;

import static dev.chorus.operator.reconciler.ReplicaSetFixture.awaitReady;
import static dev.chorus.operator.reconciler.ReplicaSetFixture.create;
import static dev.chorus.operator.reconciler.ReplicaSetFixture.get;
import static dev.chorus.operator.reconciler.ReplicaSetFixture.podIp;
import static dev.chorus.operator.reconciler.ReplicaSetFixture.replicaOf;
import static dev.chorus.operator.reconciler.ReplicaSetFixture.replicasFollow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.e2e.LocalKubernetes;
import dev.chorus.e2e.TestCluster;
import dev.chorus.operator.api.ReplicaSet;
import dev.chorus.operator.api.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * The master changes hands, one at a time and without load (FailoverChaosIT repeats these under write load): a master
 * that restarts without its data is replaced, a switchover moves the master on request, a rolling update restarts
 * every pod with a switchover in the middle. Data written and acknowledged by every replica survives each.
 */
@LocalKubernetes(shared = true)
@WithOperator
class FailoverIT {
    private static void writeKeys(KubernetesClient admin, String ns, String master, int count) {
        try (Jedis m = new Jedis(podIp(admin, ns, master), 6379)) {
            for (int i = 0; i < count; i++) {
                m.set("key" + i, "value" + i);
            }
            assertThat(m.waitReplicas(2, 5000)).as("both replicas acknowledged the writes").isEqualTo(2);
        }
    }

    private static void assertEveryNodeHasKeys(KubernetesClient admin, String ns, String name, int count) {
        await("every node of " + name + " replicating from the master").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).until(() -> replicasFollow(admin, ns, get(admin, ns, name)
                        .getStatus()));
        for (var node : get(admin, ns, name).getStatus().getNodes()) {
            await(count + " keys on " + node.getName()).atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        try (Jedis j = new Jedis(podIp(admin, ns, node.getName()), 6379)) {
                            return j.dbSize() == count && ("value" + (count - 1)).equals(j.get("key" + (count - 1)));
                        }
                    });
        }
    }

    private static List<String> eventReasons(KubernetesClient admin, String ns) {
        return admin.v1().events().inNamespace(ns).list().getItems().stream().map(Event::getReason).toList();
    }

    @Test
    void aMasterKilledWithoutPersistenceIsReplacedByAReplicaAndNoDataIsLost(TestCluster cluster) {
        KubernetesClient admin = cluster.admin();
        String ns = "it-failover-kill";
        create(admin, ns, "fk", cluster.nodeImage(), 3);
        String master = awaitReady(admin, ns, "fk").getMaster();
        writeKeys(admin, ns, master, 100);

        cluster.killContainer(ns, master); // comes back empty, in the start-up hold

        await("a replica recorded as master in place of " + master).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    String now = get(admin, ns, "fk").getStatus().getMaster();
                    return now != null && !now.equals(master);
                });
        ReplicaSetStatus after = awaitReady(admin, ns, "fk");
        assertThat(after.getMaster()).isNotEqualTo(master);
        assertEveryNodeHasKeys(admin, ns, "fk", 100);
        assertThat(eventReasons(admin, ns)).contains("FailingOver", "Promoted");
        try (Jedis old = new Jedis(podIp(admin, ns, master), 6379)) {
            assertThat(old.info("replication")).as("the old master rejoined as a replica")
                    .contains("role:slave", "master_host:" + podIp(admin, ns, after.getMaster()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"node", "redis"})
    void settingSpecMasterSwitchesOverToThatReplica(String image, TestCluster cluster) {
        KubernetesClient admin = cluster.admin();
        String ns = "it-switchover-" + image;
        create(admin, ns, "so", image.equals("node") ? cluster.nodeImage() : cluster.redisImage(), 3);
        ReplicaSetStatus before = awaitReady(admin, ns, "so");
        writeKeys(admin, ns, before.getMaster(), 50);
        String target = replicaOf(before);

        admin.resources(ReplicaSet.class).inNamespace(ns).withName("so").edit(rs -> {
            rs.getSpec().setMaster(target);
            return rs;
        });

        await("status.master " + target + " and the switchover finished").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    ReplicaSetStatus s = get(admin, ns, "so").getStatus();
                    return target.equals(s.getMaster()) && s.getTargetMaster() == null;
                });
        awaitReady(admin, ns, "so");
        assertEveryNodeHasKeys(admin, ns, "so", 50);
        assertThat(eventReasons(admin, ns)).contains("SwitchingOver", "CaughtUp", "SwitchedOver");
    }

    @Test
    void aRollingUpdateRestartsEveryPodAndMovesTheMasterByASwitchover(TestCluster cluster) {
        KubernetesClient admin = cluster.admin();
        String ns = "it-rolling";
        create(admin, ns, "ru", cluster.redisImage(), 3);
        String master = awaitReady(admin, ns, "ru").getMaster();
        writeKeys(admin, ns, master, 50);
        Map<String, String> uids = admin.pods().inNamespace(ns).list().getItems().stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));

        admin.resources(ReplicaSet.class).inNamespace(ns).withName("ru").edit(rs -> {
            rs.getSpec().setResources(new ResourceRequirementsBuilder()
                    .addToRequests("memory", new Quantity("64Mi")).build());
            return rs;
        });

        await("every pod recreated on the new template").atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    var pods = admin.pods().inNamespace(ns).list().getItems();
                    return pods.size() == 3 && pods.stream().allMatch(p -> p.getMetadata().getDeletionTimestamp() == null
                            && !p.getMetadata().getUid().equals(uids.get(p.getMetadata().getName()))
                            && ReplicaSetReconciler.PodFacts.ready(p));
                });
        ReplicaSetStatus after = awaitReady(admin, ns, "ru");
        assertThat(after.getMaster()).as("the master moved by a switchover before its pod was updated")
                .isNotEqualTo(master);
        assertEveryNodeHasKeys(admin, ns, "ru", 50);
        assertThat(eventReasons(admin, ns)).contains("Updating", "SwitchedOver");
    }
}
