package dev.chorus.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * k3s in a container through Testcontainers, for machines with a container engine. The node image must be
 * loadable by k3s: build it and import it, or set {@code -Dchorus.node.image} to a pullable name. Network
 * partitions are not supported here.
 */
public final class K3sCluster implements TestCluster {
    public static final String DEFAULT_IMAGE = "rancher/k3s:v1.34.1-k3s1";

    private final K3sContainer k3s;
    private final Path kubeconfig;
    private final Config adminConfig;
    private final KubernetesClient admin;
    private final Map<String, KubernetesClient> impersonators = new ConcurrentHashMap<>();
    private boolean closed;

    private K3sCluster(K3sContainer k3s, Path kubeconfig, Config adminConfig) {
        this.k3s = k3s;
        this.kubeconfig = kubeconfig;
        this.adminConfig = adminConfig;
        this.admin = new KubernetesClientBuilder().withConfig(adminConfig).build();
    }

    /** Whether Testcontainers finds a container engine (Docker or a compatible socket). */
    public static boolean available() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    public static K3sCluster start() {
        if (!available()) {
            throw new IllegalStateException("k3s needs a container engine and Testcontainers found none");
        }
        K3sContainer k3s = new K3sContainer(DockerImageName.parse(System.getProperty("chorus.k3s.image", DEFAULT_IMAGE))
                .asCompatibleSubstituteFor("rancher/k3s"));
        k3s.start();
        try {
            String yaml = k3s.getKubeConfigYaml();
            Path file = Files.createTempFile("chorus-k3s-", ".kubeconfig");
            Files.writeString(file, yaml);
            return new K3sCluster(k3s, file, Config.fromKubeconfig(yaml));
        } catch (IOException e) {
            k3s.stop();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            k3s.stop();
            throw e;
        }
    }

    @Override
    public String kind() {
        return "k3s";
    }

    @Override
    public KubernetesClient admin() {
        return admin;
    }

    @Override
    public KubernetesClient impersonating(String namespace, String serviceAccount) {
        return impersonators.computeIfAbsent(namespace + "/" + serviceAccount, k -> {
            Config config = new ConfigBuilder(adminConfig).build();
            config.setImpersonateUsername("system:serviceaccount:" + namespace + ":" + serviceAccount);
            config.setImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated");
            return new KubernetesClientBuilder().withConfig(config).build();
        });
    }

    @Override
    public Path kubeconfig() {
        return kubeconfig;
    }

    @Override
    public String nodeImage() {
        return System.getProperty("chorus.node.image", LocalCluster.NODE_IMAGE);
    }

    @Override
    public String redisImage() {
        return LocalCluster.REDIS_IMAGE;
    }

    /** Stops the pod's container with crictl (timeout 0: SIGKILL); k3s' kubelet restarts it. */
    @Override
    public void killContainer(String namespace, String pod, String container) {
        try {
            String filter = "--label=io.kubernetes.pod.namespace=" + namespace + " --label=io.kubernetes.pod.name=" + pod
                    + (container == null ? "" : " --name=^" + container + "$");
            var r = k3s.execInContainer("sh", "-c", "crictl ps -q " + filter + " | head -n1 | xargs -r crictl stop --timeout 0");
            if (r.getExitCode() != 0) {
                throw new IllegalStateException("crictl failed: " + r.getStderr());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void partition(String namespace, String pod) {
        throw new UnsupportedOperationException("partition() needs the local test bed (LocalCluster): k3s pods have no "
                + "per-pod link the test can take down");
    }

    @Override
    public void heal(String namespace, String pod) {
        throw new UnsupportedOperationException("heal() needs the local test bed (LocalCluster)");
    }

    @Override
    public String logs(String namespace, String pod, String container) {
        var p = admin.pods().inNamespace(namespace).withName(pod);
        return container == null ? p.getLog() : p.inContainer(container).getLog();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        impersonators.values().forEach(KubernetesClient::close);
        admin.close();
        k3s.stop();
        try {
            Files.deleteIfExists(kubeconfig);
        } catch (IOException ignored) {
            // temp file
        }
    }
}
