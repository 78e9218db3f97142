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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Config the nodes cannot take: refused before any node sees it (a value Redis' parsing rules reject), refused by a
 * running node at CONFIG SET, and refused by a restarted node reading its file (its FATAL CONFIG FILE ERROR, from the
 * container's termination message). Each shows as Degraded/InvalidConfig and as an Event with the message, and the
 * master stays.
 */
@LocalKubernetes(shared = true)
class InvalidConfigIT {
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

        // A node restarted on the file exits with Redis' FATAL CONFIG FILE ERROR; its termination message says so.
        admin.pods().inNamespace(ns).withName(replicaOf(ready)).delete();
        awaitInvalidConfig(admin, ns, "nc", "FATAL CONFIG FILE ERROR");
        Condition fatal = degraded(admin, ns, "nc");
        assertThat(fatal.getMessage()).contains(replicaOf(ready) + " cannot start: *** FATAL CONFIG FILE ERROR",
                "'tracking-table-max-keys -5'");
        awaitEvent(admin, ns, "FATAL CONFIG FILE ERROR");
        assertThat(get(admin, ns, "nc").getStatus().getMaster()).isEqualTo(master);

        // Fixed: the replica starts again and the set is Ready.
        admin.resources(ReplicaSet.class).inNamespace(ns).withName("nc").edit(rs -> {
            rs.getSpec().getConfig().remove("tracking-table-max-keys");
            return rs;
        });
        assertThat(awaitReady(admin, ns, "nc").getMaster()).isEqualTo(master);
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
