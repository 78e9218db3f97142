package dev.chorus.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.e2e.support.Shell;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A bed started and closed by hand (no JUnit extension) leaves nothing behind on the host. */
class TeardownIT {
    static final String MOUNT_POINT = "/chorus-bed-teardown-check/conf";

    @Test
    void closeStopsEveryProcessAndRemovesNamespacesBridgeMountsAndFiles() throws Exception {
        LocalCluster cluster = LocalCluster.start();
        List<Long> pids = new ArrayList<>(cluster.controlPlanePids());
        Path state = cluster.stateDir();
        String bridge = cluster.network().bridge();
        String prefix = "cbd" + cluster.slot() + "-";
        try {
            KubernetesClient kube = cluster.admin();
            assertThat(cluster.startupTime()).as("bed start-up").isLessThan(Duration.ofSeconds(60));
            kube.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata()
                    .addToData("k", "v").build()).create();
            for (String name : List.of("a", "b")) {
                kube.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
                        .withNewSpec().withTerminationGracePeriodSeconds(30L)
                        .addNewContainer().withName("redis").withImage(cluster.redisImage())
                        .addNewVolumeMount().withName("c").withMountPath(MOUNT_POINT).endVolumeMount().endContainer()
                        .addNewVolume().withName("c").withNewConfigMap().withName("c").endConfigMap().endVolume()
                        .endSpec().build()).create();
            }
            await("two running pods").atMost(Duration.ofSeconds(60)).until(() ->
                    cluster.kubelet().containerPid("default", "a", null) > 0 && cluster.kubelet().containerPid("default", "b", null) > 0);
            pids.add(cluster.kubelet().containerPid("default", "a", null));
            pids.add(cluster.kubelet().containerPid("default", "b", null));
            assertThat(netnsWithPrefix(prefix)).hasSize(2);
            assertThat(Path.of(MOUNT_POINT)).isEmptyDirectory(); // the mount itself is private to the pods
            assertThat(Shell.run("ip", "link", "show", bridge).ok()).isTrue();
        } finally {
            long t0 = System.nanoTime();
            cluster.close();
            System.err.printf("[teardown] closed in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        }
        assertThat(pids).as("control plane and container processes").allMatch(pid -> ProcessHandle.of(pid).isEmpty());
        assertThat(netnsWithPrefix(prefix)).isEmpty();
        assertThat(Shell.run("ip", "link", "show", bridge).ok()).as("bridge " + bridge).isFalse();
        assertThat(Shell.run("ip", "-o", "link").output()).doesNotContain("cbv" + cluster.slot() + "-");
        assertThat(state).doesNotExist();
        assertThat(Path.of("/chorus-bed-teardown-check")).as("mount points the bed created").doesNotExist();
        assertThat(Files.readString(Path.of("/proc/mounts"))).doesNotContain("chorus-bed");
        cluster.close(); // idempotent
    }

    private static List<String> netnsWithPrefix(String prefix) {
        return Shell.run("ip", "netns", "list").output().lines().map(l -> l.split(" ")[0]).filter(n -> n.startsWith(prefix)).toList();
    }
}
