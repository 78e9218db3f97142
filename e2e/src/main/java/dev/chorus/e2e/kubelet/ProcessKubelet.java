package dev.chorus.e2e.kubelet;

import dev.chorus.e2e.host.HostMountPoints;
import dev.chorus.e2e.host.PodNetwork;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A kubelet that runs pods as real processes on this machine: it registers one Node, binds every unscheduled pod to
 * it (there is no scheduler), and runs each pod on a {@link PodWorker}. See docs/testing.md for what it supports.
 */
public final class ProcessKubelet implements AutoCloseable, ClusterView {
    private final KubernetesClient client;
    private final String nodeName;
    private final PodNetwork network;
    private final HostMountPoints mountPoints;
    private final Path stateDir;
    private final Images images;
    private final Claims claims;
    private final Map<String, Quantity> allocatable;
    private final Map<String, PodWorker> workers = new ConcurrentHashMap<>(); // by pod uid
    private final Map<String, String> firstContainers = new ConcurrentHashMap<>(); // "ns/pod" -> first app container
    private final ExecutorService binder = Executors.newSingleThreadExecutor(r -> daemon(r, "kubelet binder"));
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private SharedIndexInformer<ConfigMap> configMaps;
    private SharedIndexInformer<Secret> secrets;
    private volatile boolean closed;

    private ProcessKubelet(KubernetesClient client, String nodeName, PodNetwork network, HostMountPoints mountPoints, Path stateDir,
            Images images) {
        this.client = client;
        this.nodeName = nodeName;
        this.network = network;
        this.mountPoints = mountPoints;
        this.stateDir = stateDir;
        this.images = images;
        this.claims = new Claims(client, stateDir.resolve("claims"));
        long memory = physicalMemory();
        this.allocatable = Map.of(
                "cpu", new Quantity(Integer.toString(Runtime.getRuntime().availableProcessors())),
                "memory", new Quantity(Long.toString(memory)),
                "pods", new Quantity("110"),
                "ephemeral-storage", new Quantity("100Gi"));
    }

    /** Registers the node and starts watching pods. {@code client} must be an admin client (it writes any pod). */
    public static ProcessKubelet start(KubernetesClient client, String nodeName, PodNetwork network, HostMountPoints mountPoints,
            Path stateDir, Images images) {
        ProcessKubelet k = new ProcessKubelet(client, nodeName, network, mountPoints, stateDir, images);
        try {
            Files.createDirectories(stateDir);
            k.registerNode();
            k.startInformers();
            return k;
        } catch (IOException e) {
            k.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            k.close();
            throw e;
        }
    }

    private void registerNode() {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(nodeName)
                .addToLabels("kubernetes.io/hostname", nodeName)
                .addToLabels("kubernetes.io/os", "linux")
                .addToLabels("kubernetes.io/arch", "amd64")
                .endMetadata().withNewSpec().endSpec().build()).create();
        String now = PodWorker.time(Instant.now());
        NodeStatus status = new NodeStatusBuilder()
                .withCapacity(allocatable).withAllocatable(allocatable)
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
                .withMessage("chorus test bed kubelet is posting ready status").withLastHeartbeatTime(now).withLastTransitionTime(now).endCondition()
                .addNewCondition().withType("MemoryPressure").withStatus("False").withReason("KubeletHasSufficientMemory")
                .withLastHeartbeatTime(now).withLastTransitionTime(now).endCondition()
                .addNewCondition().withType("DiskPressure").withStatus("False").withReason("KubeletHasNoDiskPressure")
                .withLastHeartbeatTime(now).withLastTransitionTime(now).endCondition()
                .addNewCondition().withType("PIDPressure").withStatus("False").withReason("KubeletHasSufficientPID")
                .withLastHeartbeatTime(now).withLastTransitionTime(now).endCondition()
                .addNewAddress().withType("InternalIP").withAddress(hostIp()).endAddress()
                .addNewAddress().withType("Hostname").withAddress(nodeName).endAddress()
                .withNewNodeInfo().withKubeletVersion("v1.34.4").withKubeProxyVersion("").withOperatingSystem("linux")
                .withArchitecture("amd64").withContainerRuntimeVersion("chorus-bed://1").withOsImage("Debian GNU/Linux 12 (bookworm)")
                .withKernelVersion(System.getProperty("os.version")).withMachineID("").withSystemUUID("").withBootID("").endNodeInfo()
                .build();
        client.nodes().withName(nodeName).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("status", status)));
    }

    private void startInformers() {
        configMaps = client.configMaps().inAnyNamespace().inform();
        secrets = client.secrets().inAnyNamespace().inform();
        informers.add(configMaps);
        informers.add(secrets);
        informers.add(client.persistentVolumeClaims().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(PersistentVolumeClaim obj) {
            }

            @Override
            public void onUpdate(PersistentVolumeClaim oldObj, PersistentVolumeClaim newObj) {
            }

            @Override
            public void onDelete(PersistentVolumeClaim obj, boolean deletedFinalStateUnknown) {
                if (!closed) {
                    binder.execute(() -> claims.released(obj));
                }
            }
        }, 0));
        informers.add(client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                dispatch(pod);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod pod) {
                dispatch(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                PodWorker w = workers.get(pod.getMetadata().getUid());
                if (w != null) {
                    w.deleted();
                }
            }
        }, 0));
    }

    private void dispatch(Pod pod) {
        if (closed) {
            return;
        }
        String node = pod.getSpec().getNodeName();
        if (node == null || node.isEmpty()) {
            if (pod.getMetadata().getDeletionTimestamp() == null) {
                binder.execute(() -> bind(pod));
            }
            return;
        }
        if (!node.equals(nodeName)) {
            return;
        }
        String uid = pod.getMetadata().getUid();
        PodWorker w = workers.get(uid);
        if (w == null) {
            if (pod.getMetadata().getDeletionTimestamp() != null && pod.getStatus() != null
                    && pod.getStatus().getPodIP() == null && terminal(pod)) {
                return;
            }
            firstContainers.put(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(),
                    pod.getSpec().getContainers().get(0).getName());
            w = new PodWorker(this, pod);
            workers.put(uid, w);
            w.start();
        } else {
            w.update(pod);
        }
    }

    private static boolean terminal(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** What a scheduler would do, minus the scheduling: every pod goes to the one node. */
    private void bind(Pod pod) {
        try {
            client.bindings().inNamespace(pod.getMetadata().getNamespace()).resource(new BindingBuilder()
                    .withNewMetadata().withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).endMetadata()
                    .withNewTarget().withApiVersion("v1").withKind("Node").withName(nodeName).endTarget().build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409 && e.getCode() != 404 && !closed) {
                log("cannot bind " + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + ": " + e.getMessage());
            }
        }
    }

    void workerDone(PodWorker w) {
        workers.remove(w.uid(), w);
    }

    /** Removes a pod whose containers are all gone (grace 0), but only the incarnation we ran (uid precondition). */
    void deletePodObject(String ns, String name, String uid) {
        try {
            client.raw("/api/v1/namespaces/" + ns + "/pods/" + name, "DELETE",
                    Map.of("kind", "DeleteOptions", "apiVersion", "v1", "gracePeriodSeconds", 0, "preconditions", Map.of("uid", uid)));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409 && !closed) {
                log("cannot delete pod " + ns + "/" + name + ": " + e.getMessage());
            }
        }
    }

    String requestToken(Pod pod, String audience, Long expirationSeconds) throws ConfigError {
        String sa = pod.getSpec().getServiceAccountName() == null ? "default" : pod.getSpec().getServiceAccountName();
        var spec = new TokenRequestBuilder().withNewSpec()
                .withExpirationSeconds(expirationSeconds == null ? 3607L : expirationSeconds)
                .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod").withName(pod.getMetadata().getName())
                .withUid(pod.getMetadata().getUid()).endBoundObjectRef();
        if (audience != null && !audience.isEmpty()) {
            spec.withAudiences(audience);
        }
        try {
            return client.serviceAccounts().inNamespace(pod.getMetadata().getNamespace()).withName(sa)
                    .tokenRequest(spec.endSpec().build()).getStatus().getToken();
        } catch (KubernetesClientException e) {
            throw new ConfigError("cannot request a token for service account " + sa + ": " + e.getMessage());
        }
    }

    /** The pod's /etc/hosts: kubelet's content plus FQDNs of peers with the same subdomain (headless-service DNS). */
    String hostsFile(Pod pod, String podIp) {
        StringBuilder sb = new StringBuilder("# Kubernetes-managed hosts file (chorus test bed).\n");
        sb.append("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n")
                .append("fe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n");
        String ns = pod.getMetadata().getNamespace();
        String sub = pod.getSpec().getSubdomain();
        String host = pod.getSpec().getHostname() == null || pod.getSpec().getHostname().isEmpty()
                ? pod.getMetadata().getName() : pod.getSpec().getHostname();
        if (podIp != null) {
            sb.append(podIp).append('\t').append(sub == null || sub.isEmpty() ? host
                    : host + "." + sub + "." + ns + ".svc.cluster.local\t" + host).append('\n');
        }
        if (sub != null && !sub.isEmpty()) {
            List<String> peers = new ArrayList<>();
            for (PodWorker w : workers.values()) {
                Pod p = w.pod();
                String ip = w.podIp();
                if (p == pod || ip == null || ip.equals(podIp) || !ns.equals(p.getMetadata().getNamespace())
                        || !sub.equals(p.getSpec().getSubdomain()) || p.getMetadata().getDeletionTimestamp() != null) {
                    continue;
                }
                String h = w.hostname();
                peers.add(ip + "\t" + h + "." + sub + "." + ns + ".svc.cluster.local\t" + h + "." + sub + "\n");
            }
            peers.sort(Comparator.naturalOrder());
            peers.forEach(sb::append);
        }
        return sb.toString();
    }

    // ---- ClusterView ---------------------------------------------------------------------------------------------

    @Override
    public ConfigMap configMap(String ns, String name) {
        ConfigMap cm = configMaps.getStore().getByKey(ns + "/" + name);
        return cm != null ? cm : client.configMaps().inNamespace(ns).withName(name).get();
    }

    @Override
    public Secret secret(String ns, String name) {
        Secret s = secrets.getStore().getByKey(ns + "/" + name);
        return s != null ? s : client.secrets().inNamespace(ns).withName(name).get();
    }

    @Override
    public Map<String, Quantity> nodeAllocatable() {
        return allocatable;
    }

    /**
     * A real kubelet points these at the {@code kubernetes} Service's ClusterIP, which kube-proxy forwards to the
     * apiserver. The bed has no kube-proxy, so they name the apiserver itself: it listens on the bridge's address,
     * which every pod reaches directly (and which is a SAN of its certificate).
     */
    @Override
    public Map<String, String> apiServerEnv() {
        URI api = URI.create(client.getMasterUrl().toString());
        String host = api.getHost();
        String port = Integer.toString(api.getPort());
        String tcp = "tcp://" + host + ":" + port;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KUBERNETES_SERVICE_HOST", host);
        env.put("KUBERNETES_SERVICE_PORT", port);
        env.put("KUBERNETES_SERVICE_PORT_HTTPS", port);
        env.put("KUBERNETES_PORT", tcp);
        env.put("KUBERNETES_PORT_" + port + "_TCP", tcp);
        env.put("KUBERNETES_PORT_" + port + "_TCP_PROTO", "tcp");
        env.put("KUBERNETES_PORT_" + port + "_TCP_PORT", port);
        env.put("KUBERNETES_PORT_" + port + "_TCP_ADDR", host);
        return env;
    }

    // ---- fault injection and inspection ---------------------------------------------------------------------------

    private PodWorker worker(String ns, String pod) {
        return workers.values().stream()
                .filter(w -> w.namespace().equals(ns) && w.podName().equals(pod))
                .max(Comparator.comparing(w -> w.pod().getMetadata().getCreationTimestamp()))
                .orElseThrow(() -> new IllegalArgumentException("no pod " + ns + "/" + pod + " runs on " + nodeName));
    }

    /** SIGKILLs a container's processes (the first container when {@code container} is null); it restarts per policy. */
    public void killContainer(String ns, String pod, String container) {
        ContainerRuntime c = worker(ns, pod).container(container);
        if (!c.running()) {
            throw new IllegalStateException("container " + c.name() + " of " + ns + "/" + pod + " is not running");
        }
        c.signal("KILL");
    }

    /** The PID of a container's main process (-1 if not running). */
    public long containerPid(String ns, String pod, String container) {
        return worker(ns, pod).container(container).pid();
    }

    public void partition(String ns, String pod) {
        worker(ns, pod).setPartitioned(true);
    }

    public void heal(String ns, String pod) {
        worker(ns, pod).setPartitioned(false);
    }

    /** The current (latest) log of a container: stdout and stderr of its most recent run. */
    public Optional<Path> logFile(String ns, String pod, String container) {
        Path d = logsRoot();
        try (var s = Files.list(d)) {
            List<Path> podDirs = s.filter(p -> p.getFileName().toString().startsWith(ns + "_" + pod + "_"))
                    .sorted(Comparator.comparing(ProcessKubelet::modified)).toList();
            if (podDirs.isEmpty()) {
                return Optional.empty();
            }
            Path podDir = podDirs.get(podDirs.size() - 1);
            String name = container != null ? container : firstContainers.get(ns + "/" + pod);
            Path cdir = name == null ? null : podDir.resolve(name);
            if (cdir == null || !Files.isDirectory(cdir)) {
                return Optional.empty();
            }
            try (var ls = Files.list(cdir)) {
                return ls.max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().replace(".log", ""))));
            }
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static java.nio.file.attribute.FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    Path logsRoot() {
        return stateDir.resolve("logs");
    }

    Path logDir(String ns, String name, String uid) {
        return logsRoot().resolve(ns + "_" + name + "_" + uid);
    }

    // ---- plumbing -----------------------------------------------------------------------------------------------

    public String nodeName() {
        return nodeName;
    }

    String hostIp() {
        return network.bridgeIp();
    }

    PodNetwork network() {
        return network;
    }

    HostMountPoints mountPoints() {
        return mountPoints;
    }

    Path stateDir() {
        return stateDir;
    }

    Images images() {
        return images;
    }

    /** Where image tarballs are unpacked, one root filesystem per config digest, shared by all beds. */
    Path imageCache() {
        return Path.of(System.getProperty("chorus.image.cache",
                Path.of(System.getProperty("user.home"), ".cache", "chorus", "images", "rootfs").toString()));
    }

    Claims claims() {
        return claims;
    }

    ClusterView view() {
        return this;
    }

    KubernetesClient client() {
        return client;
    }

    void log(String message) {
        try {
            Files.writeString(stateDir.resolve("kubelet.log"), Instant.now() + " " + message + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the state dir is going away
        }
    }

    private static long physicalMemory() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    return Long.parseLong(l.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // fall through
        }
        return 8L << 30;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Stops watching, kills every pod's processes (SIGTERM, 3 s, SIGKILL) and removes their namespaces. */
    @Override
    public void close() {
        closed = true;
        informers.forEach(i -> {
            try {
                i.close();
            } catch (RuntimeException ignored) {
                // best effort
            }
        });
        binder.shutdownNow();
        List<PodWorker> ws = new ArrayList<>(workers.values());
        ws.forEach(PodWorker::shutdown);
        for (PodWorker w : ws) {
            try {
                w.join(Duration.ofSeconds(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
