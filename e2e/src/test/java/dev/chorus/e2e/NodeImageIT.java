package dev.chorus.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The node image as users get it (node-image/target/images/chorus-node.tar, built by {@code mvn -Pimages}), run by
 * the bed from its tarball: its own root filesystem, entrypoint, user and working dir, with the pod's
 * {@code readOnlyRootFilesystem} and a writable /data volume. Skipped (with the reason) when the image was not built.
 */
@LocalKubernetes(shared = true)
class NodeImageIT {
    static final String NS = "node-image";
    static final String IMAGE = System.getProperty("chorus.image.node", "");

    @BeforeAll
    static void imageBuilt() {
        String tars = System.getProperty("chorus.images", "");
        Assumptions.assumeTrue(!IMAGE.isEmpty() && !tars.isEmpty() && List.of(tars.split(",")).stream()
                        .allMatch(t -> Files.isRegularFile(Path.of(t.strip()))),
                "the node image tarball is not built (mvn -Pimages package): " + tars);
    }

    private static Pod nodePod(String name, List<String> args) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec()
                .withNewSecurityContext().withRunAsNonRoot(true).endSecurityContext()
                .addNewContainer().withName("node").withImage(IMAGE).withArgs(args)
                .withNewSecurityContext().withReadOnlyRootFilesystem(true).withAllowPrivilegeEscalation(false).endSecurityContext()
                .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount()
                .addNewPort().withName("redis").withContainerPort(6379).endPort()
                .withReadinessProbe(Manifests.tcp6379())
                .endContainer()
                .addNewVolume().withName("data").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec().build();
    }

    private static Pod ready(KubernetesClient kube, String name) {
        await("pod " + name + " Ready").atMost(Duration.ofSeconds(60)).until(() -> {
            Pod p = kube.pods().inNamespace(NS).withName(name).get();
            return p != null && p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions()
                    .stream().anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
        });
        return kube.pods().inNamespace(NS).withName(name).get();
    }

    @Test
    void theNodeImageRunsAsNonRootWithAReadOnlyRootAndWritesOnlyToData(TestCluster cluster) {
        KubernetesClient kube = cluster.admin();
        if (kube.namespaces().withName(NS).get() == null) {
            kube.namespaces().resource(Manifests.namespace(NS)).create();
        }
        await("ServiceAccount default in " + NS).atMost(Duration.ofSeconds(60))
                .until(() -> kube.serviceAccounts().inNamespace(NS).withName("default").get() != null);

        long t0 = System.nanoTime();
        kube.pods().inNamespace(NS).resource(nodePod("node", List.of("--protected-mode", "no"))).create();
        Pod pod = ready(kube, "node");
        String ip = pod.getStatus().getPodIP();
        await("PONG").atMost(Duration.ofSeconds(30)).until(() -> Redis.cli(ip, "PING").equals("PONG"));
        System.err.printf("[NodeImageIT] pod created -> Ready and PONG in %.2f s%n", (System.nanoTime() - t0) / 1e9);

        assertThat(pod.getStatus().getContainerStatuses().get(0).getImageID()).contains("@sha256:");
        // The image's entrypoint (the pod gives args only) and working dir: the node's dir is /data.
        assertThat(Redis.cli(ip, "CONFIG", "GET", "dir")).isEqualTo("dir\n/data");
        assertThat(Redis.cli(ip, "SET", "k", "v")).isEqualTo("OK");
        assertThat(Redis.cli(ip, "SAVE")).as("/data is the pod's writable volume").isEqualTo("OK");
        assertThat(cluster.logs(NS, "node")).contains("DB saved on disk");

        // The same image with its dir on the root filesystem: nothing can be written there.
        kube.pods().inNamespace(NS).resource(nodePod("rootdir", List.of("--protected-mode", "no", "--dir", "/tmp"))).create();
        String ip2 = ready(kube, "rootdir").getStatus().getPodIP();
        await("PONG").atMost(Duration.ofSeconds(30)).until(() -> Redis.cli(ip2, "PING").equals("PONG"));
        assertThat(Redis.cli(ip2, "SAVE")).as("the root filesystem is read-only").startsWith("ERR");
        assertThat(cluster.logs(NS, "rootdir")).contains("Read-only file system");
    }
}
