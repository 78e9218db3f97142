package dev.chorus.e2e;

import dev.chorus.e2e.controlplane.ControlPlane;
import dev.chorus.e2e.controlplane.KubeBinaries;
import dev.chorus.e2e.host.BedSlot;
import dev.chorus.e2e.host.HostMountPoints;
import dev.chorus.e2e.host.PodNetwork;
import dev.chorus.e2e.kubelet.Images;
import dev.chorus.e2e.kubelet.OciImage;
import dev.chorus.e2e.kubelet.ProcessKubelet;
import dev.chorus.e2e.support.Logs;
import dev.chorus.e2e.support.ManagedProcess;
import dev.chorus.e2e.support.Poll;
import dev.chorus.e2e.support.RepoPaths;
import dev.chorus.e2e.support.Shell;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local test bed: a real control plane (etcd, kube-apiserver with RBAC, kube-controller-manager) and a
 * {@link ProcessKubelet} running pods as processes in per-pod network and mount namespaces. Needs root. Usable
 * without JUnit:
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.start()) {
 *     cluster.admin().pods().inNamespace("default").list();
 * }
 * }</pre>
 *
 * {@link #close()} (also run by a JVM shutdown hook) stops every process by PID, deletes the namespaces, the bridge,
 * the mount points it created and its temp dir. Leftovers of a JVM killed with SIGKILL are reclaimed by the next
 * bed that gets the same slot ({@link BedSlot}).
 */
public final class LocalCluster implements TestCluster {
    public static final String NODE_NAME = "chorus-bed";
    public static final String NODE_IMAGE = "chorus/chorus-node:dev";
    public static final String REDIS_IMAGE = "redis:7";

    private final BedSlot slot;
    private final Path stateDir;
    private final HostMountPoints mountPoints;
    private final Thread shutdownHook;
    private final Object operatorAppLock = new Object();
    private final Map<String, KubernetesClient> impersonators = new ConcurrentHashMap<>();
    private PodNetwork network;
    private ControlPlane controlPlane;
    private KubernetesClient admin;
    private ProcessKubelet kubelet;
    private Duration startupTime;
    private boolean closed;

    private LocalCluster(BedSlot slot, Path stateDir) {
        this.slot = slot;
        this.stateDir = stateDir;
        this.mountPoints = new HostMountPoints(slot);
        this.shutdownHook = new Thread(this::close, "chorus-bed shutdown");
    }

    /** Starts a bed with the binaries from {@link KubeBinaries#locate()}; returns once the controllers run. */
    public static LocalCluster start() {
        checkRoot();
        long t0 = System.nanoTime();
        KubeBinaries bins = KubeBinaries.locate();
        long tBins = System.nanoTime();
        BedSlot slot = BedSlot.acquire();
        Path dir;
        try {
            dir = slot.newStateDir();
        } catch (RuntimeException e) {
            slot.close();
            throw e;
        }
        slot.record("dir", dir.toString());
        LocalCluster cluster = new LocalCluster(slot, dir);
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            cluster.boot(bins);
            cluster.startupTime = Duration.ofNanos(System.nanoTime() - tBins);
            System.err.printf("[chorus-bed] slot %d up in %.1f s (binaries located in %.1f s): %s, pods on %s%n", slot.index(),
                    cluster.startupTime.toMillis() / 1000.0, (tBins - t0) / 1e9, cluster.controlPlane.apiUrl(),
                    cluster.network.bridge());
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Pods get a private /tmp (and maybe other mounts) in their mount namespace, so the jar is run from a copy in the
     * bed's state dir: a checkout under /tmp (as a CI clone may be) would otherwise be invisible inside the pod.
     */
    private Path stageNodeJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            return jar; // the launcher reports the missing jar when a node pod starts
        }
        try {
            Path staged = stateDir.resolve("images").resolve("chorus-node.jar");
            Files.createDirectories(staged.getParent());
            Files.copy(jar, staged, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return staged;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("could not stage " + jar + " for the bed's pods", e);
        }
    }

    /**
     * The operator's Quarkus app directory, staged like the node jar (see {@link #stageNodeJar}), on first use only:
     * most beds never run the operator as a pod, and the app is about 40 MB.
     */
    private Path stagedOperatorApp() {
        synchronized (operatorAppLock) { // not the bed's monitor: close() holds that while it waits for pod workers
            return stageOperatorApp();
        }
    }

    private Path stageOperatorApp() {
        Path staged = stateDir.resolve("images").resolve("chorus-operator");
        if (Files.isDirectory(staged)) {
            return staged;
        }
        Path app = RepoPaths.operatorApp();
        if (!Files.isRegularFile(app.resolve("quarkus-run.jar"))) {
            return app; // java reports the missing jar in the pod's log
        }
        Path partial = stateDir.resolve("images").resolve("chorus-operator.partial");
        try {
            Files.createDirectories(partial.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Shell.check("cp", "-a", app.toString(), partial.toString());
        try {
            Files.move(partial, staged);
        } catch (IOException e) {
            throw new UncheckedIOException("could not stage " + app + " for the bed's pods", e);
        }
        return staged;
    }

    private void boot(KubeBinaries bins) {
        network = PodNetwork.create(slot);
        controlPlane = ControlPlane.start(bins, stateDir.resolve("control-plane"), network.serviceCidr(), network.firstServiceIp(),
                network.bridgeIp());
        for (ManagedProcess p : controlPlane.processes()) {
            slot.record("pid", p.pid() + " " + bins.path(p.name()));
        }
        admin = controlPlane.newClient(controlPlane.adminConfig());
        Path nodeJar = stageNodeJar(RepoPaths.nodeJar());
        String java = System.getProperty("chorus.node.java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // chorus.images: image tarballs (mvn -Pimages) whose names run the image itself: its root filesystem,
        // entrypoint, env and user (docs/testing.md, "Images").
        Images images = new Images(nodeJar, this::stagedOperatorApp, java, OciImage.byName(System.getProperty("chorus.images")));
        kubelet = ProcessKubelet.start(admin, NODE_NAME, network, mountPoints, stateDir.resolve("kubelet"), images);
        // The serviceaccount controller creates "default" in every namespace: proof the controllers run, and pods
        // can't be created before it exists (ServiceAccount admission).
        Poll.until("the controller manager to create ServiceAccount default/default", Duration.ofSeconds(90),
                Duration.ofMillis(200), controlPlane::checkAlive,
                () -> admin.serviceAccounts().inNamespace("default").withName("default").get() != null);
    }

    private static void checkRoot() {
        if (!Shell.run("id", "-u").output().strip().equals("0")) {
            throw new IllegalStateException("the local test bed needs root: it creates network namespaces, a bridge and "
                    + "mount namespaces for pods");
        }
    }

    @Override
    public String kind() {
        return "local";
    }

    /** Wall time from locating the binaries to the controllers running (the ServiceAccount default exists). */
    public Duration startupTime() {
        return startupTime;
    }

    @Override
    public KubernetesClient admin() {
        return admin;
    }

    @Override
    public KubernetesClient impersonating(String namespace, String serviceAccount) {
        return impersonators.computeIfAbsent(namespace + "/" + serviceAccount, k -> {
            Config config = new ConfigBuilder(controlPlane.adminConfig()).build();
            config.setImpersonateUsername("system:serviceaccount:" + namespace + ":" + serviceAccount);
            config.setImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated");
            return controlPlane.newClient(config);
        });
    }

    /** A fabric8 config for the admin, e.g. to build a client with other settings. */
    public Config adminConfig() {
        return controlPlane.adminConfig();
    }

    @Override
    public Path kubeconfig() {
        return controlPlane.kubeconfig();
    }

    public String apiUrl() {
        return controlPlane.apiUrl();
    }

    @Override
    public String nodeImage() {
        // -Dchorus.node.image=<a name from chorus.images> runs the scenarios on the node image itself
        return System.getProperty("chorus.node.image", NODE_IMAGE);
    }

    @Override
    public String redisImage() {
        return REDIS_IMAGE;
    }

    public ProcessKubelet kubelet() {
        return kubelet;
    }

    public PodNetwork network() {
        return network;
    }

    /** The bed's temp dir (control-plane state and logs, pod dirs, claim dirs); deleted on close. */
    public Path stateDir() {
        return stateDir;
    }

    /** Mount points this bed created on the host (removed on close). */
    public List<Path> createdMountPoints() {
        return mountPoints.created();
    }

    /** PIDs of etcd, kube-apiserver and kube-controller-manager. */
    public List<Long> controlPlanePids() {
        return controlPlane.processes().stream().map(ManagedProcess::pid).toList();
    }

    public int slot() {
        return slot.index();
    }

    @Override
    public void killContainer(String namespace, String pod, String container) {
        kubelet.killContainer(namespace, pod, container);
    }

    @Override
    public void partition(String namespace, String pod) {
        kubelet.partition(namespace, pod);
    }

    @Override
    public void heal(String namespace, String pod) {
        kubelet.heal(namespace, pod);
    }

    @Override
    public String logs(String namespace, String pod, String container) {
        return kubelet.logFile(namespace, pod, container).map(Logs::read).orElse("");
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<RuntimeException> errors = new ArrayList<>();
        run(errors, () -> {
            if (kubelet != null) {
                kubelet.close();
            }
        });
        run(errors, () -> impersonators.values().forEach(KubernetesClient::close));
        run(errors, () -> {
            if (admin != null) {
                admin.close();
            }
        });
        // The apiserver listens on the bridge's address: stop it before the bridge goes.
        run(errors, () -> {
            if (controlPlane != null) {
                controlPlane.close();
            }
        });
        run(errors, () -> {
            if (network != null) {
                network.close();
            }
        });
        run(errors, mountPoints::close);
        run(errors, this::keepLogs);
        run(errors, () -> BedSlot.deleteTree(stateDir));
        run(errors, slot::close);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // we are the shutdown hook
        }
        if (!errors.isEmpty()) {
            RuntimeException e = errors.get(0);
            errors.subList(1, errors.size()).forEach(e::addSuppressed);
            throw e;
        }
    }

    /** With -Dchorus.bed.logs=DIR, component, kubelet and container logs are copied there before the temp dir goes. */
    private void keepLogs() {
        String to = System.getProperty("chorus.bed.logs");
        if (to == null || to.isBlank()) {
            return;
        }
        Path target = Path.of(to).resolve(stateDir.getFileName().toString());
        try (var walk = Files.walk(stateDir)) {
            for (Path p : walk.filter(f -> f.toString().endsWith(".log") && Files.isRegularFile(f)).toList()) {
                Path dest = target.resolve(stateDir.relativize(p).toString());
                Files.createDirectories(dest.getParent());
                Files.copy(p, dest);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(List<RuntimeException> errors, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            errors.add(e);
        }
    }
}
