package dev.chorus.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The operator on a real local Kubernetes with real node processes: create, write, read, restart, reject. */
@LocalKubernetes(shared = true)
class ReplicaSetIT {
    private static OperatorHarness operator;

    @BeforeAll
    static void startOperator(TestCluster cluster) throws Exception {
        operator = OperatorHarness.start(cluster);
    }

    @AfterAll
    static void stopOperator() {
        if (operator != null) {
            operator.close();
        }
    }

    private static ReplicaSet create(KubernetesClient admin, String ns, String name, String image, int replicas) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .serverSideApply();
        ReplicaSet rs = new ReplicaSet();
        rs.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        ReplicaSetSpec spec = new ReplicaSetSpec();
        spec.setReplicas(replicas);
        spec.setImage(image);
        rs.setSpec(spec);
        return admin.resource(rs).create();
    }

    private static ReplicaSetStatus awaitReady(KubernetesClient admin, String ns, String name) {
        await("ReplicaSet " + ns + "/" + name + " with condition Ready=True")
                .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    ReplicaSet rs = admin.resources(ReplicaSet.class).inNamespace(ns).withName(name).get();
                    return rs != null && rs.getStatus() != null && rs.getStatus().getConditions().stream()
                            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
                });
        return admin.resources(ReplicaSet.class).inNamespace(ns).withName(name).get().getStatus();
    }

    private static String podIp(KubernetesClient admin, String ns, String pod) {
        Pod p = admin.pods().inNamespace(ns).withName(pod).get();
        return p.getStatus().getPodIP();
    }

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
        spec.setReplicas(0);
        try {
            admin.resource(rs).create();
            throw new AssertionError("the API server accepted replicas: 0");
        } catch (KubernetesClientException e) {
            assertThat(e.getCode()).isEqualTo(422);
            assertThat(e.getMessage()).contains("spec.replicas");
        }
    }
}
