package dev.chorus.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** A plain StatefulSet of three redis:7 pods on the bed: readiness, pod-to-pod traffic, restarts, recreation. */
@LocalKubernetes(shared = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatefulSetIT {
    static final String NS = "sts";
    static final Duration DEADLINE = Duration.ofSeconds(90);

    static TestCluster cluster;
    static KubernetesClient kube;

    @BeforeAll
    static void createStatefulSet(TestCluster c) {
        cluster = c;
        kube = c.admin();
        kube.namespaces().resource(Manifests.namespace(NS)).create();
        await("ServiceAccount default in " + NS).atMost(DEADLINE)
                .until(() -> kube.serviceAccounts().inNamespace(NS).withName("default").get() != null);
        kube.services().inNamespace(NS).resource(Manifests.headless("redis")).create();
        kube.apps().statefulSets().inNamespace(NS).resource(Manifests.redisStatefulSet("redis", c.redisImage(), 3)).create();
    }

    static Pod pod(String name) {
        return kube.pods().inNamespace(NS).withName(name).get();
    }

    static boolean ready(Pod p) {
        return p != null && p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null
                && p.getStatus().getConditions().stream()
                        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }

    static void awaitAllReady() {
        await("redis-0..2 Ready").atMost(DEADLINE).pollInterval(Duration.ofMillis(500))
                .until(() -> List.of("redis-0", "redis-1", "redis-2").stream().allMatch(n -> ready(pod(n))));
    }

    @Test
    @Order(1)
    void podsBecomeReadyAndReachEachOtherByPodIp() {
        awaitAllReady();
        Pod p0 = pod("redis-0");
        Pod p1 = pod("redis-1");
        Pod p2 = pod("redis-2");
        assertThat(p0.getStatus().getPhase()).isEqualTo("Running");
        assertThat(p0.getSpec().getNodeName()).isEqualTo("chorus-bed");
        assertThat(p0.getStatus().getConditions()).extracting(PodCondition::getType)
                .contains("PodScheduled", "Initialized", "ContainersReady", "Ready");
        List<String> ips = List.of(p0.getStatus().getPodIP(), p1.getStatus().getPodIP(), p2.getStatus().getPodIP());
        assertThat(ips).doesNotHaveDuplicates().allMatch(ip -> ip.startsWith("10."));
        for (String ip : ips) {
            assertThat(Redis.cli(ip, "ping")).as("PING %s from the test JVM", ip).isEqualTo("PONG");
        }
        // The claims are bound to per-claim volumes.
        assertThat(kube.persistentVolumeClaims().inNamespace(NS).withName("data-redis-0").get().getStatus().getPhase())
                .isEqualTo("Bound");

        // redis-1 replicates from redis-0 by pod IP, redis-2 by the pod's DNS name (the bed's /etc/hosts).
        assertThat(Redis.cli(ips.get(1), "replicaof", ips.get(0), "6379")).isEqualTo("OK");
        assertThat(Redis.cli(ips.get(2), "replicaof", "redis-0.redis." + NS + ".svc.cluster.local", "6379")).isEqualTo("OK");
        assertThat(Redis.cli(ips.get(0), "set", "greeting", "hello")).isEqualTo("OK");
        await("replicas see the key").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> {
                    assertThat(Redis.cli(ips.get(1), "get", "greeting")).isEqualTo("hello");
                    assertThat(Redis.cli(ips.get(2), "get", "greeting")).isEqualTo("hello");
                });
        assertThat(Redis.cli(ips.get(0), "info", "replication")).contains("connected_slaves:2");
        assertThat(cluster.logs(NS, "redis-0")).contains("Ready to accept connections");
        // The pod's hostname is its name (UTS namespace), as redis' INFO shows? (redis prints no hostname): check via exec.
    }

    @Test
    @Order(2)
    void killedContainerIsRestartedAndRestartCountGoesUp() {
        awaitAllReady();
        String ip = pod("redis-1").getStatus().getPodIP();
        cluster.killContainer(NS, "redis-1");
        await("redis-1 restarted").atMost(DEADLINE).pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    Pod p = pod("redis-1");
                    return p.getStatus().getContainerStatuses().get(0).getRestartCount() == 1 && ready(p);
                });
        var cs = pod("redis-1").getStatus().getContainerStatuses().get(0);
        assertThat(cs.getLastState().getTerminated().getExitCode()).isEqualTo(137);
        assertThat(cs.getState().getRunning()).isNotNull();
        assertThat(pod("redis-1").getStatus().getPodIP()).as("same pod, same IP").isEqualTo(ip);
        assertThat(Redis.cli(ip, "ping")).isEqualTo("PONG");
    }

    @Test
    @Order(3)
    void deletedPodIsRecreatedByTheStatefulSetController() {
        awaitAllReady();
        Pod before = pod("redis-2");
        Redis.cli(before.getStatus().getPodIP(), "replicaof", "no", "one");
        Redis.cli(before.getStatus().getPodIP(), "set", "kept", "on-the-claim");
        Redis.cli(before.getStatus().getPodIP(), "save");
        cluster.deletePod(NS, "redis-2");
        await("redis-2 recreated and Ready").atMost(DEADLINE).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    Pod p = pod("redis-2");
                    return p != null && !p.getMetadata().getUid().equals(before.getMetadata().getUid()) && ready(p);
                });
        // The new pod mounts the same claim: redis loads the dump.rdb the old one saved in /data.
        assertThat(Redis.cli(pod("redis-2").getStatus().getPodIP(), "get", "kept")).isEqualTo("on-the-claim");
    }
}
