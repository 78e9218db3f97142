package dev.chorus.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A bed whose JVM is SIGKILLed (no shutdown hook runs) is cleaned up by the next bed that takes its slot. */
class CrashRecoveryIT {
    @Test
    void leftoversOfAKilledJvmAreReclaimed() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> argv = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path")));
        for (String p : List.of("chorus.node.jar", "chorus.repo.dir", "kube.bin.dir")) {
            if (System.getProperty(p) != null) {
                argv.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        argv.add(LocalClusterMain.class.getName());
        Process child = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<Long> orphans = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).as("child bed's first line").startsWith("KUBECONFIG=");
            Path kubeconfig = Path.of(line.substring("KUBECONFIG=".length()));
            try (KubernetesClient kube = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build()) {
                kube.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("orphan").endMetadata()
                        .withNewSpec().addNewContainer().withName("redis").withImage("redis:7").endContainer().endSpec().build()).create();
                await("orphan running").atMost(Duration.ofSeconds(60)).until(() -> {
                    var p = kube.pods().inNamespace("default").withName("orphan").get();
                    return p.getStatus().getContainerStatuses() != null && !p.getStatus().getContainerStatuses().isEmpty()
                            && p.getStatus().getContainerStatuses().get(0).getState().getRunning() != null;
                });
            }
            child.descendants().forEach(ph -> orphans.add(ph.pid()));
            assertThat(orphans).as("etcd, apiserver, controller manager, redis").hasSizeGreaterThanOrEqualTo(4);
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook
            child.waitFor();
        }
        assertThat(orphans).as("orphans survive their JVM").anyMatch(pid -> ProcessHandle.of(pid).isPresent());
        try (LocalCluster next = LocalCluster.start()) {
            assertThat(orphans).as("reclaimed when the slot is taken again").allMatch(pid -> ProcessHandle.of(pid).isEmpty());
            assertThat(next.admin().pods().inNamespace("default").list().getItems()).isEmpty();
        }
    }
}
