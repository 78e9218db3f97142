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
import dev.chorus.operator.api.AuthSpec;
import dev.chorus.operator.dependent.NodeConfig;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
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

    public static ReplicaSetStatus awaitReady(KubernetesClient admin, String ns, String name) {
        try {
            await("ReplicaSet " + ns + "/" + name + " with condition Ready=True")
                    .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        ReplicaSet rs = admin.resources(ReplicaSet.class).inNamespace(ns).withName(name).get();
                        return rs != null && rs.getStatus() != null && rs.getStatus().getConditions().stream()
                                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            ReplicaSet rs = get(admin, ns, name);
            throw new AssertionError(e.getMessage() + "\nstatus: " + (rs == null ? null
                    : io.fabric8.kubernetes.client.utils.Serialization.asJson(rs.getStatus())) + "\nevents: "
                    + admin.v1().events().inNamespace(ns).list().getItems().stream().map(ev -> ev.getReason() + ": "
                    + ev.getMessage()).toList(), e);
        }
        return admin.resources(ReplicaSet.class).inNamespace(ns).withName(name).get().getStatus();
    }

    public static String podIp(KubernetesClient admin, String ns, String pod) {
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

    /** spec.auth naming {@code secretName} (key "password"). */
    public static Consumer<ReplicaSetSpec> auth(String secretName) {
        return spec -> {
            AuthSpec auth = new AuthSpec();
            auth.setSecretName(secretName);
            spec.setAuth(auth);
        };
    }

    /** Creates or replaces the user's Secret {@code name} with {@code password} under key "password". */
    public static void setPassword(KubernetesClient admin, String ns, String name, String password) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .serverSideApply();
        admin.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns)
                .endMetadata().withData(Map.of("password", Base64.getEncoder().encodeToString(
                        password.getBytes(StandardCharsets.UTF_8)))).build()).forceConflicts().serverSideApply();
    }

    /** The password our rendered auth Secret carries (what pods start with), or null. */
    public static String renderedPassword(KubernetesClient admin, String ns, String name) {
        Secret ours = admin.secrets().inNamespace(ns).withName(name + "-auth").get();
        if (ours == null || ours.getData() == null || !ours.getData().containsKey(NodeConfig.AUTH_FILE)) {
            return null;
        }
        return NodeConfig.parseAuth(new String(Base64.getDecoder().decode(ours.getData().get(NodeConfig.AUTH_FILE)),
                StandardCharsets.UTF_8));
    }

    /** A connection to a node, authenticated with {@code password} (null: none). */
    public static Jedis connect(String ip, String password) {
        return new Jedis(new HostAndPort(ip, 6379), DefaultJedisClientConfig.builder().connectionTimeoutMillis(1000)
                .socketTimeoutMillis(2000).password(password).build());
    }

    /** One INFO section of a node as fields. */
    public static Map<String, String> info(String ip, String password, String section) {
        try (Jedis j = connect(ip, password)) {
            Map<String, String> out = new HashMap<>();
            for (String line : j.info(section).split("\r?\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && !line.startsWith("#")) {
                    out.put(line.substring(0, colon), line.substring(colon + 1).trim());
                }
            }
            return out;
        }
    }

    /** Every replica replicates from the master's current address with its link up (nodes asked with a password). */
    public static boolean replicasFollow(KubernetesClient admin, String ns, ReplicaSetStatus status, String password) {
        String masterIp = podIp(admin, ns, status.getMaster());
        for (var node : status.getNodes()) {
            if (node.getName().equals(status.getMaster())) {
                continue;
            }
            String ip = podIp(admin, ns, node.getName());
            try {
                Map<String, String> info = info(ip, password, "replication");
                if (!masterIp.equals(info.get("master_host")) || !"up".equals(info.get("master_link_status"))) {
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
