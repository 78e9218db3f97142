package dev.chorus.operator.reconciler;

import static org.awaitility.Awaitility.await;

import dev.chorus.operator.api.ReplicaSet;
import dev.chorus.operator.api.ReplicaSetSpec;
import dev.chorus.operator.api.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.function.Consumer;
import redis.clients.jedis.Jedis;

/** Creating ReplicaSets on the bed and waiting for them, shared by the operator's ITs. */
public final class ReplicaSetFixture {
    private ReplicaSetFixture() {
    }

    static ReplicaSet create(KubernetesClient admin, String ns, String name, String image, int replicas) {
        return create(admin, ns, name, image, replicas, spec -> {
        });
    }

    public static ReplicaSet create(KubernetesClient admin, String ns, String name, String image, int replicas,
                                    Consumer<ReplicaSetSpec> customize) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .serverSideApply();
        ReplicaSet rs = new ReplicaSet();
        rs.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        ReplicaSetSpec spec = new ReplicaSetSpec();
        spec.setReplicas(replicas);
        spec.setImage(image);
        customize.accept(spec);
        rs.setSpec(spec);
        return admin.resource(rs).create();
    }

    static ReplicaSetStatus awaitReady(KubernetesClient admin, String ns, String name) {
        await("ReplicaSet " + ns + "/" + name + " with condition Ready=True")
                .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    ReplicaSet rs = admin.resources(ReplicaSet.class).inNamespace(ns).withName(name).get();
                    return rs != null && rs.getStatus() != null && rs.getStatus().getConditions().stream()
                            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
                });
        return admin.resources(ReplicaSet.class).inNamespace(ns).withName(name).get().getStatus();
    }

    static String podIp(KubernetesClient admin, String ns, String pod) {
        Pod p = admin.pods().inNamespace(ns).withName(pod).get();
        return p.getStatus().getPodIP();
    }

    public static ReplicaSet get(KubernetesClient admin, String ns, String name) {
        return admin.resources(ReplicaSet.class).inNamespace(ns).withName(name).get();
    }

    /** Every replica replicates from the master's current address with its link up. */
    static boolean replicasFollow(KubernetesClient admin, String ns, ReplicaSetStatus status) {
        String masterIp = podIp(admin, ns, status.getMaster());
        for (var node : status.getNodes()) {
            if (node.getName().equals(status.getMaster())) {
                continue;
            }
            String ip = podIp(admin, ns, node.getName());
            if (ip == null) {
                return false;
            }
            try (Jedis replica = new Jedis(ip, 6379)) {
                String info = replica.info("replication");
                if (!info.contains("master_host:" + masterIp) || !info.contains("master_link_status:up")) {
                    return false;
                }
            } catch (RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    static String replicaOf(ReplicaSetStatus status) {
        return status.getNodes().stream().map(n -> n.getName()).filter(n -> !n.equals(status.getMaster()))
                .findFirst().orElseThrow();
    }
}
