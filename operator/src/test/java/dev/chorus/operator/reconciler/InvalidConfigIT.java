package dev.chorus.operator.reconciler;

import static dev.chorus.operator.reconciler.ReplicaSetFixture.awaitReady;
import static dev.chorus.operator.reconciler.ReplicaSetFixture.create;
import static dev.chorus.operator.reconciler.ReplicaSetFixture.get;
import static dev.chorus.operator.reconciler.ReplicaSetFixture.podIp;
import static dev.chorus.operator.reconciler.ReplicaSetFixture.replicaOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.e2e.LocalKubernetes;
import dev.chorus.e2e.TestCluster;
import dev.chorus.operator.api.ReplicaSet;
import dev.chorus.operator.api.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Config the nodes cannot take: refused before any node sees it (a value Redis' parsing rules reject), refused by a
 * running node at CONFIG SET, and refused by a restarted node reading its file (its FATAL CONFIG FILE ERROR, from the
 * container's termination message). Each shows as Degraded/InvalidConfig and as an Event with the message, and the
 * master stays.
 */
@LocalKubernetes(shared = true)
@WithOperator
class InvalidConfigIT {
    @Test
    void anInvalidValueIsRefusedBeforeAnyNodeSeesItAndTheMasterIsKept(TestCluster cluster) {
        KubernetesClient admin = cluster.admin();
        String ns = "it-badconfig";
        create(admin, ns, "bad", cluster.nodeImage(), 2);
        ReplicaSetStatus ready = awaitReady(admin, ns, "bad");
        Map<String, String> uids = podUids(admin, ns);

        setConfig(admin, ns, "bad", "maxmemory", "lots");
        Condition degraded = awaitInvalidConfig(admin, ns, "bad", "argument must be a memory value");
        assertThat(degraded.getMessage()).contains("maxmemory \"lots\"");
        awaitEvent(admin, ns, "argument must be a memory value");
        ReplicaSet rs = get(admin, ns, "bad");
        assertThat(rs.getStatus().getMaster()).isEqualTo(ready.getMaster());
        assertThat(podUids(admin, ns)).as("no pod restarted").isEqualTo(uids);
        assertThat(admin.configMaps().inNamespace(ns).withName("bad-config").get().getData().values())
                .as("the rendered files").noneMatch(f -> f.contains("lots"));
        for (var node : rs.getStatus().getNodes()) {
            try (Jedis j = new Jedis(podIp(admin, ns, node.getName()), 6379)) {
                assertThat(j.configGet("maxmemory").get("maxmemory")).isEqualTo("0");
            }
        }

        // Fixed: the condition clears.
        setConfig(admin, ns, "bad", "maxmemory", "64mb");
        await("Degraded no longer InvalidConfig").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> !"InvalidConfig".equals(degraded(admin, ns, "bad").getReason()));
    }

    @Test
    void aValueANodeRefusesGoesNoFurtherAndARestartedNodeSaysWhyItCannotStart(TestCluster cluster) {
        KubernetesClient admin = cluster.admin();
        String ns = "it-nodeconfig";
        create(admin, ns, "nc", cluster.nodeImage(), 2);
        ReplicaSetStatus ready = awaitReady(admin, ns, "nc");
        String master = ready.getMaster();

        // Not a directive the operator knows the type of: the nodes judge it. The replica goes first and refuses.
        setConfig(admin, ns, "nc", "tracking-table-max-keys", "-5");
        Condition degraded = awaitInvalidConfig(admin, ns, "nc", "CONFIG SET failed");
        assertThat(degraded.getMessage()).contains(replicaOf(ready) + " refused spec.config tracking-table-max-keys",
                "argument must be between", "the master keeps its value");
        awaitEvent(admin, ns, "CONFIG SET failed");
        try (Jedis j = new Jedis(podIp(admin, ns, master), 6379)) {
            assertThat(j.configGet("tracking-table-max-keys").get("tracking-table-max-keys")).isEqualTo("1000000");
        }
        // The refusal is recorded, and the rendered files follow what the nodes accepted: the value they kept
        assertThat(degraded.getMessage()).contains("the nodes and the rendered files keep \"1000000\"");
        assertThat(get(admin, ns, "nc").getStatus().getConfigRefused()).singleElement().satisfies(r -> {
            assertThat(r.getDirective()).isEqualTo("tracking-table-max-keys");
            assertThat(r.getValue()).isEqualTo("-5");
            assertThat(r.getKeptValue()).isEqualTo("1000000");
            assertThat(r.getPod()).isEqualTo(replicaOf(ready));
        });
        await("the rendered files carry the value the nodes kept").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200)).until(() -> admin.configMaps().inNamespace(ns)
                        .withName("nc-config").get().getData().values().stream()
                        .allMatch(f -> f.contains("tracking-table-max-keys 1000000\n")
                                && !f.contains("tracking-table-max-keys -5")));
        // So a node restarted meanwhile starts, with the value the others have; the refusal is still reported
        String uid = admin.pods().inNamespace(ns).withName(replicaOf(ready)).get().getMetadata().getUid();
        admin.pods().inNamespace(ns).withName(replicaOf(ready)).delete();
        await("the replica recreated and running").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    Pod p = admin.pods().inNamespace(ns).withName(replicaOf(ready)).get();
                    return p != null && !uid.equals(p.getMetadata().getUid()) && p.getStatus() != null
                            && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
                });
        assertThat(awaitReady(admin, ns, "nc").getMaster()).isEqualTo(master);
        assertThat(degraded(admin, ns, "nc").getReason()).isEqualTo("InvalidConfig");

        // A directive not settable at run time waits for a restart in the files. A node restarted on a bad such value
        // exits with Redis' FATAL CONFIG FILE ERROR; its termination message says so.
        setConfig(admin, ns, "nc", "tcp-backlog", "-5");
        await("tcp-backlog -5 in the rendered files").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200)).until(() -> admin.configMaps().inNamespace(ns)
                        .withName("nc-config").get().getData().values().stream()
                        .allMatch(f -> f.contains("tcp-backlog -5")));
        String restarted = replicaOf(get(admin, ns, "nc").getStatus());
        admin.pods().inNamespace(ns).withName(restarted).delete();
        awaitInvalidConfig(admin, ns, "nc", "FATAL CONFIG FILE ERROR");
        Condition fatal = degraded(admin, ns, "nc");
        assertThat(fatal.getMessage()).contains(restarted + " cannot start: *** FATAL CONFIG FILE ERROR",
                "'tcp-backlog -5'");
        awaitEvent(admin, ns, "FATAL CONFIG FILE ERROR");
        assertThat(get(admin, ns, "nc").getStatus().getMaster()).isEqualTo(master);

        // Fixed: the replica starts again, the set is Ready and nothing is reported refused any more.
        admin.resources(ReplicaSet.class).inNamespace(ns).withName("nc").edit(rs -> {
            rs.getSpec().getConfig().remove("tracking-table-max-keys");
            rs.getSpec().getConfig().remove("tcp-backlog");
            return rs;
        });
        assertThat(awaitReady(admin, ns, "nc").getMaster()).isEqualTo(master);
        await("configRefused cleared").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> get(admin, ns, "nc").getStatus().getConfigRefused() == null);
    }

    static void setConfig(KubernetesClient admin, String ns, String name, String directive, String value) {
        admin.resources(ReplicaSet.class).inNamespace(ns).withName(name).edit(rs -> {
            rs.getSpec().getConfig().put(directive, value);
            return rs;
        });
    }

    static Condition degraded(KubernetesClient admin, String ns, String name) {
        ReplicaSet rs = get(admin, ns, name);
        return rs.getStatus() == null ? new Condition() : rs.getStatus().getConditions().stream()
                .filter(c -> "Degraded".equals(c.getType())).findFirst().orElse(new Condition());
    }

    static Condition awaitInvalidConfig(KubernetesClient admin, String ns, String name, String text) {
        await("Degraded=True, reason InvalidConfig, saying \"" + text + "\"").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    Condition c = degraded(admin, ns, name);
                    return "True".equals(c.getStatus()) && "InvalidConfig".equals(c.getReason())
                            && c.getMessage() != null && c.getMessage().contains(text);
                });
        return degraded(admin, ns, name);
    }

    static void awaitEvent(KubernetesClient admin, String ns, String text) {
        await("a Warning InvalidConfig Event saying \"" + text + "\"").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    List<Event> events = admin.v1().events().inNamespace(ns).list().getItems();
                    return events.stream().anyMatch(e -> "InvalidConfig".equals(e.getReason())
                            && "Warning".equals(e.getType()) && e.getMessage().contains(text));
                });
    }

    static Map<String, String> podUids(KubernetesClient admin, String ns) {
        return admin.pods().inNamespace(ns).list().getItems().stream().collect(Collectors.toMap(
                p -> p.getMetadata().getName(), p -> p.getMetadata().getUid() + "/" + restarts(p)));
    }

    static int restarts(Pod p) {
        return p.getStatus().getContainerStatuses().stream().mapToInt(c -> c.getRestartCount()).sum();
    }
}
