package dev.chorus.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.chorus.operator.reconciler.ReplicaSetFixture.awaitReady;
import static dev.chorus.operator.reconciler.ReplicaSetFixture.create;
import static dev.chorus.operator.reconciler.ReplicaSetFixture.get;
import static dev.chorus.operator.reconciler.ReplicaSetFixture.podIp;
import static dev.chorus.operator.reconciler.ReplicaSetFixture.replicaOf;
import static dev.chorus.operator.reconciler.ReplicaSetFixture.replicasFollow;
import static org.awaitility.Awaitility.await;

import dev.chorus.e2e.LocalKubernetes;
import dev.chorus.e2e.TestCluster;
import dev.chorus.operator.api.ReplicaSet;
import dev.chorus.operator.api.ReplicaSetSpec;
import dev.chorus.operator.api.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The operator on a real local Kubernetes with real node processes: create, write, read, restart, reject. */
@LocalKubernetes(shared = true)
@WithOperator
class ReplicaSetIT {
    @Test
    void createsOneMasterAndTwoReplicasThatServeTheMastersWrites(TestCluster cluster) {
        KubernetesClient admin = cluster.admin();
        create(admin, "it-create", "cache", cluster.nodeImage(), 3);
        ReplicaSetStatus status = awaitReady(admin, "it-create", "cache");

        assertThat(status.getMaster()).isIn("cache-0", "cache-1", "cache-2");
        assertThat(status.getReadyReplicas()).isEqualTo(3);
        assertThat(status.getPhase()).isEqualTo("Ready");
        assertThat(status.getNodes()).extracting("role").containsExactlyInAnyOrder("master", "replica", "replica");
        List<Pod> masters = admin.pods().inNamespace("it-create").withLabel("chorus.dev/role", "master").list()
                .getItems();
        assertThat(masters).extracting(p -> p.getMetadata().getName()).containsExactly(status.getMaster());

        try (Jedis master = new Jedis(podIp(admin, "it-create", status.getMaster()), 6379)) {
            master.set("greeting", "hello");
            assertThat(master.waitReplicas(2, 5000)).isEqualTo(2);
        }
        for (var node : status.getNodes()) {
            if (node.getName().equals(status.getMaster())) {
                continue;
            }
            try (Jedis replica = new Jedis(podIp(admin, "it-create", node.getName()), 6379)) {
                assertThat(replica.get("greeting")).isEqualTo("hello");
            }
        }
    }

    @Test
    void anInvalidResourceIsRejectedWithAMessageThatSaysWhatToFix(TestCluster cluster) {
        KubernetesClient admin = cluster.admin();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("it-invalid").endMetadata()
                .build()).serverSideApply();
        ReplicaSet rs = new ReplicaSet();
        rs.setMetadata(new ObjectMetaBuilder().withName("bad").withNamespace("it-invalid").build());
        ReplicaSetSpec spec = new ReplicaSetSpec();
        spec.getConfig().put("replicaof", "10.0.0.1 6379");
        rs.setSpec(spec);
        try {
            admin.resource(rs).create();
            throw new AssertionError("the API server accepted a spec.config that sets replicaof");
        } catch (KubernetesClientException e) {
            assertThat(e.getCode()).isEqualTo(422);
            assertThat(e.getMessage()).contains("spec.config must not set", "the operator owns them");
        }
        spec.getConfig().clear();
        spec.setMaster("someone-else-0");
        try {
            admin.resource(rs).create();
            throw new AssertionError("the API server accepted spec.master naming another set's pod");
        } catch (KubernetesClientException e) {
            assertThat(e.getCode()).isEqualTo(422);
            assertThat(e.getMessage()).contains("spec.master must name one of this ReplicaSet's pods");
        }
        spec.setMaster(null);
        spec.setReplicas(0);
        try {
            admin.resource(rs).create();
            throw new AssertionError("the API server accepted replicas: 0");
        } catch (KubernetesClientException e) {
            assertThat(e.getCode()).isEqualTo(422);
            assertThat(e.getMessage()).contains("spec.replicas");
        }
    }

    @Test
    void aKilledReplicaComesBackAsAReplicaOfTheSameMasterAndCatchesUp(TestCluster cluster) {
        KubernetesClient admin = cluster.admin();
        String ns = "it-kill-replica";
        create(admin, ns, "kr", cluster.nodeImage(), 3);
        ReplicaSetStatus before = awaitReady(admin, ns, "kr");
        String replica = replicaOf(before);

        cluster.killContainer(ns, replica);
        try (Jedis master = new Jedis(podIp(admin, ns, before.getMaster()), 6379)) {
            master.set("written-while-down", "yes");
        }

        await("the killed replica " + replica + " back, following the same master, caught up")
                .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    try (Jedis r = new Jedis(podIp(admin, ns, replica), 6379)) {
                        return "yes".equals(r.get("written-while-down"));
                    } catch (RuntimeException e) {
                        return false;
                    }
                });
        assertThat(get(admin, ns, "kr").getStatus().getMaster()).isEqualTo(before.getMaster());
        await("all replicas following the master").atMost(Duration.ofSeconds(30))
                .until(() -> replicasFollow(admin, ns, get(admin, ns, "kr").getStatus()));
    }

    @Test
    void aDeletedMasterPodComesBackAsMasterAndItsReplicasAreRepointedToItsNewAddress(TestCluster cluster) {
        KubernetesClient admin = cluster.admin();
        String ns = "it-delete-master";
        // Failover off: this is the re-pointing path (the pod may take longer than the failover timeout to return);
        // FailoverChaosIT covers the failover one.
        create(admin, ns, "dm", cluster.nodeImage(), 3, spec -> spec.getFailover().setEnabled(false));
        ReplicaSetStatus before = awaitReady(admin, ns, "dm");
        String master = before.getMaster();
        String oldIp = podIp(admin, ns, master);

        admin.pods().inNamespace(ns).withName(master).delete();

        await("pod " + master + " recreated with a new address").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    Pod p = admin.pods().inNamespace(ns).withName(master).get();
                    return p != null && p.getStatus() != null && p.getStatus().getPodIP() != null
                            && !p.getStatus().getPodIP().equals(oldIp);
                });
        ReplicaSetStatus after = awaitReady(admin, ns, "dm");
        assertThat(after.getMaster()).as("the same pod stays the recorded master").isEqualTo(master);
        await("replicas re-pointed to the master's new address").atMost(Duration.ofSeconds(30))
                .until(() -> replicasFollow(admin, ns, get(admin, ns, "dm").getStatus()));
        try (Jedis m = new Jedis(podIp(admin, ns, master), 6379)) {
            assertThat(m.set("after", "restart")).isEqualTo("OK");
            assertThat(m.waitReplicas(2, 5000)).isEqualTo(2);
        }
    }

    @Test
    void aDeletedReplicaPodIsRecreatedAndReattached(TestCluster cluster) {
        KubernetesClient admin = cluster.admin();
        String ns = "it-delete-replica";
        create(admin, ns, "dr", cluster.nodeImage(), 3);
        ReplicaSetStatus before = awaitReady(admin, ns, "dr");
        String replica = replicaOf(before);
        try (Jedis m = new Jedis(podIp(admin, ns, before.getMaster()), 6379)) {
            m.set("kept", "1");
        }
        String oldUid = admin.pods().inNamespace(ns).withName(replica).get().getMetadata().getUid();

        admin.pods().inNamespace(ns).withName(replica).delete();

        await("pod " + replica + " recreated").atMost(Duration.ofSeconds(60)).until(() -> {
            Pod p = admin.pods().inNamespace(ns).withName(replica).get();
            return p != null && !p.getMetadata().getUid().equals(oldUid);
        });
        awaitReady(admin, ns, "dr");
        await("the recreated replica serving the master's data").atMost(Duration.ofSeconds(60)).until(() -> {
            try (Jedis r = new Jedis(podIp(admin, ns, replica), 6379)) {
                return "1".equals(r.get("kept"));
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    @Test
    void stockRedisImagesWorkTheSameWay(TestCluster cluster) {
        KubernetesClient admin = cluster.admin();
        String ns = "it-redis";
        create(admin, ns, "stock", cluster.redisImage(), 3);
        ReplicaSetStatus status = awaitReady(admin, ns, "stock");
        try (Jedis m = new Jedis(podIp(admin, ns, status.getMaster()), 6379)) {
            m.set("k", "v");
            assertThat(m.waitReplicas(2, 5000)).isEqualTo(2);
        }
        assertThat(replicasFollow(admin, ns, status)).isTrue();
    }

    /** resourceVersion of the ReplicaSet and of everything it owns. */
    private static java.util.Map<String, String> versions(KubernetesClient admin, String ns, String name) {
        java.util.Map<String, String> v = new java.util.TreeMap<>();
        v.put("replicaset", get(admin, ns, name).getMetadata().getResourceVersion());
        admin.configMaps().inNamespace(ns).list().getItems().forEach(o -> v.put("cm/" + o.getMetadata().getName(),
                o.getMetadata().getResourceVersion()));
        admin.services().inNamespace(ns).list().getItems().forEach(o -> v.put("svc/" + o.getMetadata().getName(),
                o.getMetadata().getResourceVersion()));
        admin.apps().statefulSets().inNamespace(ns).list().getItems().forEach(o -> v.put("sts/"
                + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
        admin.policy().v1().podDisruptionBudget().inNamespace(ns).list().getItems().forEach(o -> v.put("pdb/"
                + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
        admin.pods().inNamespace(ns).list().getItems().forEach(o -> v.put("pod-labels/" + o.getMetadata().getName(),
                String.valueOf(o.getMetadata().getLabels())));
        return v;
    }

    @Test
    void reconcilingAnUnchangedResourceWritesNothing(TestCluster cluster) {
        KubernetesClient admin = cluster.admin();
        String ns = "it-idempotent";
        create(admin, ns, "calm", cluster.nodeImage(), 3);
        awaitReady(admin, ns, "calm");
        // Let the first Ready status and labels settle, then nothing may change through several resyncs (every 5 s),
        // even though the master keeps PINGing its replicas (offsets move).
        await("owned objects stable once Ready").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> versions(admin, ns, "calm").equals(versions(admin, ns, "calm")));
        java.util.Map<String, String> settled = versions(admin, ns, "calm");
        await("no writes to the ReplicaSet or anything it owns for 16 s (three reconcile resyncs)")
                .during(Duration.ofSeconds(16)).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1))
                .until(() -> versions(admin, ns, "calm").equals(settled));
    }

    @Test
    void scalingUpAndDownKeepsTheMaster(TestCluster cluster) {
        KubernetesClient admin = cluster.admin();
        String ns = "it-scale";
        create(admin, ns, "sc", cluster.nodeImage(), 3);
        String master = awaitReady(admin, ns, "sc").getMaster();
        try (Jedis m = new Jedis(podIp(admin, ns, master), 6379)) {
            m.set("survives", "scaling");
        }

        admin.resources(ReplicaSet.class).inNamespace(ns).withName("sc")
                .edit(rs -> {
                    rs.getSpec().setReplicas(5);
                    return rs;
                });
        await("5 nodes ready").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> Integer.valueOf(5).equals(get(admin, ns, "sc").getStatus().getReadyReplicas())
                        && "Ready".equals(get(admin, ns, "sc").getStatus().getPhase()));
        assertThat(get(admin, ns, "sc").getStatus().getMaster()).isEqualTo(master);

        admin.resources(ReplicaSet.class).inNamespace(ns).withName("sc")
                .edit(rs -> {
                    rs.getSpec().setReplicas(2);
                    return rs;
                });
        await("2 nodes ready").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    ReplicaSetStatus s = get(admin, ns, "sc").getStatus();
                    return Integer.valueOf(2).equals(s.getReadyReplicas()) && "Ready".equals(s.getPhase())
                            && admin.pods().inNamespace(ns).list().getItems().size() == 2;
                });
        ReplicaSetStatus after = get(admin, ns, "sc").getStatus();
        assertThat(after.getMaster()).isEqualTo(master);
        for (var node : after.getNodes()) {
            try (Jedis j = new Jedis(podIp(admin, ns, node.getName()), 6379)) {
                assertThat(j.get("survives")).isEqualTo("scaling");
            }
        }
    }

    @Test
    void aConfigChangeIsAppliedWithoutLosingTheMaster(TestCluster cluster) {
        KubernetesClient admin = cluster.admin();
        String ns = "it-config";
        create(admin, ns, "cfg", cluster.nodeImage(), 3);
        String master = awaitReady(admin, ns, "cfg").getMaster();

        admin.resources(ReplicaSet.class).inNamespace(ns).withName("cfg")
                .edit(rs -> {
                    rs.getSpec().getConfig().put("maxmemory", "50mb");
                    rs.getSpec().getConfig().put("maxmemory-policy", "allkeys-lru");
                    return rs;
                });
        await("maxmemory 50mb and allkeys-lru on every node").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    for (var node : get(admin, ns, "cfg").getStatus().getNodes()) {
                        try (Jedis j = new Jedis(podIp(admin, ns, node.getName()), 6379)) {
                            if (!"52428800".equals(j.configGet("maxmemory").get("maxmemory"))
                                    || !"allkeys-lru".equals(j.configGet("maxmemory-policy").get("maxmemory-policy"))) {
                                return false;
                            }
                        }
                    }
                    return true;
                });
        assertThat(get(admin, ns, "cfg").getStatus().getMaster()).isEqualTo(master);
        String configMap = admin.configMaps().inNamespace(ns).withName("cfg-config").get().getData()
                .get(master + ".conf");
        assertThat(configMap).contains("maxmemory 50mb\n", "maxmemory-policy allkeys-lru\n");
    }

    @Test
    void withPersistenceADeletedMasterComesBackWithItsData(TestCluster cluster) {
        KubernetesClient admin = cluster.admin();
        String ns = "it-persist";
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .serverSideApply();
        ReplicaSet rs = new ReplicaSet();
        rs.setMetadata(new ObjectMetaBuilder().withName("db").withNamespace(ns).build());
        ReplicaSetSpec spec = new ReplicaSetSpec();
        spec.setReplicas(3);
        spec.setImage(cluster.nodeImage());
        spec.getPersistence().setEnabled(true);
        spec.getFailover().setEnabled(false); // the master must come back as itself, however long its restart takes
        rs.setSpec(spec);
        admin.resource(rs).create();
        ReplicaSetStatus before = awaitReady(admin, ns, "db");
        String master = before.getMaster();
        try (Jedis m = new Jedis(podIp(admin, ns, master), 6379)) {
            for (int i = 0; i < 100; i++) {
                m.set("key" + i, "value" + i);
            }
            assertThat(m.waitReplicas(2, 5000)).isEqualTo(2);
        }

        String oldUid = admin.pods().inNamespace(ns).withName(master).get().getMetadata().getUid();
        admin.pods().inNamespace(ns).withName(master).delete(); // SIGTERM: the node saves to its claim

        await("the master's pod recreated and Ready again").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    Pod p = admin.pods().inNamespace(ns).withName(master).get();
                    return p != null && p.getMetadata().getDeletionTimestamp() == null
                            && ReplicaSetReconciler.PodFacts.ready(p)
                            && !p.getMetadata().getUid().equals(oldUid);
                });
        ReplicaSetStatus after = awaitReady(admin, ns, "db");
        assertThat(after.getMaster()).isEqualTo(master);
        await("replicas re-pointed to the master's new address").atMost(Duration.ofSeconds(30))
                .until(() -> replicasFollow(admin, ns, get(admin, ns, "db").getStatus()));
        for (var node : get(admin, ns, "db").getStatus().getNodes()) {
            try (Jedis j = new Jedis(podIp(admin, ns, node.getName()), 6379)) {
                assertThat(j.dbSize()).as("keys on " + node.getName()).isEqualTo(100);
                assertThat(j.get("key99")).isEqualTo("value99");
            }
        }
    }
}
