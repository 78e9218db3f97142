package dev.chorus.e2e.kubelet;

import dev.chorus.e2e.host.PodNetwork;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.HostIPBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import dev.chorus.e2e.support.Shell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Runs one pod on its own thread: sandbox (network namespace, volumes, /etc/hosts), init containers in order, then
 * the app containers, probes and restarts, and the pod's status; on deletion it kills the containers gracefully and
 * removes the pod object. While partitioned it neither reports status nor reacts to the API (like a node cut off
 * from the apiserver) and its pod IP is unreachable.
 */
final class PodWorker implements Runnable {
    private final ProcessKubelet kubelet;
    private final String uid;
    private final String namespace;
    private final String name;
    private volatile Pod pod;
    private volatile boolean gone;
    private volatile boolean partitioned;
    private volatile boolean shuttingDown;
    private final Semaphore wake = new Semaphore(0);
    private final List<ContainerRuntime> inits = new ArrayList<>();
    private final List<ContainerRuntime> apps = new ArrayList<>();
    private final Map<String, PodCondition> conditions = new HashMap<>();
    private final Path dir;
    private final PodVolumes volumes;
    private volatile PodNetwork.Attachment net;
    private Instant startTime;
    private Instant lastVolumeSync = Instant.EPOCH;
    private String volumeError;
    private String lastPushed;
    private boolean terminating;
    private Instant terminateDeadline;
    private String hostsContent;
    private final Thread thread;

    PodWorker(ProcessKubelet kubelet, Pod pod) {
        this.kubelet = kubelet;
        this.pod = pod;
        this.uid = pod.getMetadata().getUid();
        this.namespace = pod.getMetadata().getNamespace();
        this.name = pod.getMetadata().getName();
        this.dir = kubelet.stateDir().resolve("pods").resolve(uid);
        this.volumes = new PodVolumes(dir.resolve("volumes"), kubelet);
        if (pod.getSpec().getInitContainers() != null) {
            pod.getSpec().getInitContainers().forEach(c -> inits.add(new ContainerRuntime(this, c, true)));
        }
        pod.getSpec().getContainers().forEach(c -> apps.add(new ContainerRuntime(this, c, false)));
        this.thread = new Thread(this, "kubelet " + namespace + "/" + name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    // ---- called from other threads ------------------------------------------------------------------------------

    void update(Pod p) {
        pod = p;
        wake();
    }

    void deleted() {
        gone = true;
        wake();
    }

    void wake() {
        wake.release();
    }

    void setPartitioned(boolean p) {
        PodNetwork.Attachment a = net;
        if (a != null) {
            kubelet.network().setConnected(a, !p);
        }
        partitioned = p;
        if (!p) {
            lastPushed = null; // report the current state at once
        }
        wake();
    }

    boolean partitioned() {
        return partitioned;
    }

    /** Bed shutdown: stop everything now, without touching the API. */
    void shutdown() {
        shuttingDown = true;
        wake();
    }

    void join(Duration d) throws InterruptedException {
        thread.join(d.toMillis());
    }

    ContainerRuntime container(String containerName) {
        for (ContainerRuntime c : apps) {
            if (containerName == null || c.name().equals(containerName)) {
                return c;
            }
        }
        throw new IllegalArgumentException("pod " + key() + " has no container " + containerName);
    }

    // ---- the pod's thread ---------------------------------------------------------------------------------------

    @Override
    public void run() {
        try {
            while (!shuttingDown) {
                Pod p = pod;
                boolean deleting = gone || p.getMetadata().getDeletionTimestamp() != null;
                if (!partitioned && deleting) {
                    if (terminateStep()) {
                        return;
                    }
                } else {
                    step();
                }
                if (!partitioned && !gone) {
                    pushStatus();
                }
                wake.tryAcquire(200, TimeUnit.MILLISECONDS);
                wake.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log("pod worker failed: " + e);
            e.printStackTrace();
        } finally {
            killAll(Duration.ofSeconds(shuttingDown ? 3 : 1));
            cleanup();
            kubelet.workerDone(this);
        }
    }

    private void step() {
        Instant now = Instant.now();
        if (net == null) {
            net = kubelet.network().attach();
            startTime = now;
            setCondition("PodReadyToStartContainers", true, null, null);
            if (partitioned) {
                kubelet.network().setConnected(net, false);
            }
        }
        refreshHosts();
        if (Duration.between(lastVolumeSync, now).toMillis() >= 1000) {
            lastVolumeSync = now;
            try {
                volumes.sync(pod, podIp(), kubelet.hostIp());
                volumeError = null;
            } catch (ConfigError e) {
                volumeError = e.getMessage();
            } catch (KubernetesClientException | UncheckedIOException e) {
                volumeError = e.getMessage();
            }
        }
        boolean anyStarted = inits.stream().anyMatch(ContainerRuntime::everStarted) || apps.stream().anyMatch(ContainerRuntime::everStarted);
        if (volumeError != null && !anyStarted) {
            inits.forEach(c -> c.setWaiting("ContainerCreating", volumeError));
            apps.forEach(c -> c.setWaiting(inits.isEmpty() ? "ContainerCreating" : "PodInitializing", volumeError));
            return;
        }
        for (ContainerRuntime c : inits) {
            if (c.succeeded()) {
                continue;
            }
            c.tick(now);
            if (!c.succeeded()) {
                apps.forEach(a -> a.setWaiting("PodInitializing", null));
                return;
            }
        }
        for (ContainerRuntime c : apps) {
            c.tick(now);
        }
    }

    /** Graceful deletion; returns true once the pod is gone from the API (or was already). */
    private boolean terminateStep() {
        Instant now = Instant.now();
        if (!terminating) {
            terminating = true;
            Long grace = pod.getMetadata().getDeletionGracePeriodSeconds();
            int g = gone ? 2 : grace != null ? grace.intValue() : graceSeconds();
            terminateDeadline = now.plusSeconds(g);
            log("terminating (grace " + g + "s)");
            for (ContainerRuntime c : all()) {
                c.beginKill(g, true);
            }
        }
        boolean alive = false;
        for (ContainerRuntime c : all()) {
            if (c.running()) {
                alive = true;
                if (now.isAfter(terminateDeadline)) {
                    c.signal("KILL");
                }
            } else {
                c.tick(now); // records the exit
            }
        }
        if (alive) {
            return false;
        }
        all().forEach(ContainerRuntime::markKilledForTermination);
        if (!gone) {
            pushStatus();
            kubelet.deletePodObject(namespace, name, uid);
        }
        return true;
    }

    private List<ContainerRuntime> all() {
        List<ContainerRuntime> l = new ArrayList<>(inits);
        l.addAll(apps);
        return l;
    }

    private void killAll(Duration grace) {
        for (ContainerRuntime c : all()) {
            if (c.running()) {
                c.signal(grace.isZero() ? "KILL" : "TERM");
            }
        }
        for (ContainerRuntime c : all()) {
            c.awaitExit(grace);
        }
    }

    private void cleanup() {
        PodNetwork.Attachment a = net;
        if (a != null) {
            kubelet.network().detach(a);
        }
        dev.chorus.e2e.host.BedSlot.deleteTree(dir);
    }

    // ---- status -------------------------------------------------------------------------------------------------

    private void pushStatus() {
        Pod current = pod;
        PodStatus s = new PodStatus();
        s.setPhase(phase());
        s.setHostIP(kubelet.hostIp());
        s.setHostIPs(List.of(new HostIPBuilder().withIp(kubelet.hostIp()).build()));
        if (net != null) {
            s.setPodIP(net.ip());
            s.setPodIPs(List.of(new PodIPBuilder().withIp(net.ip()).build()));
        }
        if (startTime != null) {
            s.setStartTime(time(startTime));
        }
        boolean initialized = inits.stream().allMatch(ContainerRuntime::succeeded);
        List<String> unready = apps.stream().filter(c -> !c.ready() || !c.running()).map(ContainerRuntime::name).toList();
        List<String> uninit = inits.stream().filter(c -> !c.succeeded()).map(ContainerRuntime::name).toList();
        setCondition("Initialized", initialized, initialized ? null : "ContainersNotInitialized",
                initialized ? null : "containers with incomplete status: " + uninit);
        boolean ready = initialized && unready.isEmpty() && !terminating;
        String why = terminating ? "PodCompleted" : "ContainersNotReady";
        String msg = "containers with unready status: " + unready.toString().replace(",", "");
        setCondition("ContainersReady", ready, ready ? null : why, ready ? null : msg);
        setCondition("Ready", ready, ready ? null : why, ready ? null : msg);
        List<PodCondition> conds = new ArrayList<>();
        Set<String> ours = conditions.keySet();
        if (current.getStatus() != null && current.getStatus().getConditions() != null) {
            current.getStatus().getConditions().stream().filter(c -> !ours.contains(c.getType())).forEach(conds::add);
        }
        List<String> order = List.of("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady");
        order.stream().map(conditions::get).filter(java.util.Objects::nonNull).forEach(conds::add);
        s.setConditions(conds);
        if (!inits.isEmpty()) {
            s.setInitContainerStatuses(inits.stream().map(ContainerRuntime::status).toList());
        }
        s.setContainerStatuses(apps.stream().map(ContainerRuntime::status).toList());
        String json = Serialization.asJson(Map.of("status", s));
        if (json.equals(lastPushed)) {
            return;
        }
        try {
            kubelet.client().pods().inNamespace(namespace).withName(name).subresource("status")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), json);
            lastPushed = json;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                gone = true;
            } else if (!shuttingDown) {
                log("status update failed: " + e.getMessage());
            }
        }
    }

    private String phase() {
        if (inits.stream().anyMatch(c -> c.finished() && !c.succeeded())) {
            return "Failed";
        }
        if (!inits.stream().allMatch(ContainerRuntime::succeeded)) {
            return "Pending";
        }
        if (apps.stream().anyMatch(c -> !c.everStarted())) {
            return "Pending";
        }
        if (apps.stream().anyMatch(c -> !c.finished())) {
            return "Running";
        }
        return apps.stream().allMatch(ContainerRuntime::succeeded) ? "Succeeded" : "Failed";
    }

    private void setCondition(String type, boolean status, String reason, String message) {
        PodCondition old = conditions.get(type);
        String st = status ? "True" : "False";
        String since = old != null && old.getStatus().equals(st) ? old.getLastTransitionTime() : time(Instant.now());
        conditions.put(type, new PodConditionBuilder().withType(type).withStatus(st).withReason(reason).withMessage(message)
                .withLastTransitionTime(since).build());
    }

    static String time(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    // ---- what containers need -----------------------------------------------------------------------------------

    String key() {
        return namespace + "/" + name;
    }

    String namespace() {
        return namespace;
    }

    String podName() {
        return name;
    }

    String uid() {
        return uid;
    }

    Pod pod() {
        return pod;
    }

    String podIp() {
        PodNetwork.Attachment a = net;
        return a == null ? null : a.ip();
    }

    String netnsPath() {
        return net.netnsPath();
    }

    boolean terminating() {
        return terminating || shuttingDown;
    }

    String restartPolicy() {
        String p = pod.getSpec().getRestartPolicy();
        return p == null ? "Always" : p;
    }

    int graceSeconds() {
        Long g = pod.getSpec().getTerminationGracePeriodSeconds();
        return g == null ? 30 : g.intValue();
    }

    String hostname() {
        String h = pod.getSpec().getHostname();
        return h == null || h.isEmpty() ? name : h;
    }

    Images images() {
        return kubelet.images();
    }

    io.fabric8.kubernetes.api.model.PodSecurityContext podSecurityContext() {
        return pod.getSpec().getSecurityContext();
    }

    Path kubeletImageCache() {
        return kubelet.imageCache();
    }

    Map<String, String> environment(Container c) throws ConfigError {
        return PodEnv.build(pod, c, kubelet.view(), podIp(), kubelet.hostIp());
    }

    Path logFile(String container, int instance) {
        return kubelet.logDir(namespace, name, uid).resolve(container).resolve(instance + ".log");
    }

    void log(String message) {
        kubelet.log(key() + ": " + message);
    }

    /** /etc/hosts as the kubelet writes it, plus the pod's StatefulSet peers (stands in for headless-service DNS). */
    private void refreshHosts() {
        String content = kubelet.hostsFile(pod, podIp());
        if (content.equals(hostsContent)) {
            return;
        }
        try {
            Files.createDirectories(dir);
            // Written in place (same inode): containers see it through their bind mount.
            Files.writeString(dir.resolve("etc-hosts"), content, StandardCharsets.UTF_8);
            hostsContent = content;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Mount(Path source, String target, boolean readOnly, boolean file) {
    }

    /** A container's bind mounts, outermost first: volumes, /etc/hosts, and scratch dirs for workdir and /tmp. */
    private List<Mount> mounts(Container c, String workingDir, int instance) throws ConfigError {
        List<Mount> mounts = new ArrayList<>();
        if (c.getVolumeMounts() != null) {
            for (VolumeMount vm : c.getVolumeMounts()) {
                Path src = volumes.source(vm.getName());
                if (src == null) {
                    throw new ConfigError("volume " + vm.getName() + " is not ready");
                }
                String sub = vm.getSubPath();
                if (vm.getSubPathExpr() != null && !vm.getSubPathExpr().isEmpty()) {
                    sub = Expansion.expand(vm.getSubPathExpr(), environment(c));
                }
                if (sub != null && !sub.isEmpty()) {
                    src = src.resolve(sub).normalize();
                    if (!Files.exists(src)) {
                        mkdirs(src);
                    }
                }
                mounts.add(new Mount(src, normalize(vm.getMountPath()), Boolean.TRUE.equals(vm.getReadOnly()),
                        Files.isRegularFile(src)));
            }
        }
        if (mounts.stream().noneMatch(m -> m.target().equals("/etc/hosts"))) {
            mounts.add(new Mount(dir.resolve("etc-hosts"), "/etc/hosts", false, true));
        }
        Path scratch = dir.resolve("rootfs").resolve(c.getName() + "-" + instance);
        for (String path : List.of(normalize(workingDir), "/tmp")) {
            if (path.equals("/")) {
                continue;
            }
            Mount covering = covering(mounts, path);
            if (covering == null) {
                Path src = scratch.resolve(path.substring(1));
                mkdirs(src);
                mounts.add(new Mount(src, path, false, false));
            } else if (!covering.target().equals(path)) {
                mkdirs(covering.source().resolve(path.substring(covering.target().length() + 1)));
            }
        }
        mounts.sort(Comparator.comparingInt(m -> m.target().split("/").length));
        return mounts;
    }

    private static Mount covering(List<Mount> mounts, String path) {
        Mount best = null;
        for (Mount m : mounts) {
            if (!m.file() && (path.equals(m.target()) || path.startsWith(m.target().equals("/") ? "/" : m.target() + "/"))) {
                if (best == null || m.target().length() > best.target().length()) {
                    best = m;
                }
            }
        }
        return best;
    }

    private static String normalize(String p) {
        String n = Path.of(p).normalize().toString();
        return n.isEmpty() ? "/" : n;
    }

    /** The shell script that sets up a container's mount and UTS namespaces, then execs its argv. */
    String setupScript(ContainerRuntime c, String workingDir, int instance) {
        List<Mount> mounts;
        try {
            mounts = mounts(c.spec(), workingDir, instance);
        } catch (ConfigError e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        StringBuilder sb = new StringBuilder("set -e\n");
        sb.append("printf %s ").append(Shell.quote(hostname())).append(" > /proc/sys/kernel/hostname\n");
        List<Mount> done = new ArrayList<>();
        for (Mount m : mounts) {
            Mount parent = covering(done, m.target());
            if (parent != null) {
                Path inside = parent.source().resolve(m.target().substring(parent.target().equals("/") ? 1 : parent.target().length() + 1));
                if (m.file()) {
                    touch(inside);
                } else {
                    mkdirs(inside);
                }
            } else {
                kubelet.mountPoints().ensure(Path.of(m.target()), m.file());
            }
            sb.append("mount --bind ").append(Shell.quote(m.source().toString())).append(' ').append(Shell.quote(m.target())).append('\n');
            if (m.readOnly()) {
                sb.append("mount -o remount,bind,ro ").append(Shell.quote(m.target())).append('\n');
            }
            done.add(m);
        }
        sb.append("cd ").append(Shell.quote(normalize(workingDir))).append('\n');
        sb.append("exec \"$@\"\n");
        return sb.toString();
    }

    /**
     * The set-up script of a container run from an image tarball, in the container's new mount namespace: an overlay
     * of the image's unpacked root filesystem (shared, read-only lower layer) and a per-run upper directory (the
     * container's writable layer, new for each restart), /proc, /dev and /sys, the volumes and /etc/hosts at their
     * paths inside it; with {@code securityContext.readOnlyRootFilesystem} the overlay is remounted read-only, so only
     * volumes are writable, as on a real node. Then {@code unshare --root --wd --setuid --setgid} enters it as the
     * image's (or the security context's) user and execs the argv with the image's PATH.
     */
    String imageSetupScript(ContainerRuntime c, OciImage image, String workingDir, int instance, long uid, long gid,
            boolean readOnlyRoot) {
        List<Mount> mounts;
        try {
            mounts = imageMounts(c.spec());
        } catch (ConfigError e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        Path rootfs = image.rootfs(kubelet.imageCache());
        Path run = dir.resolve("containers").resolve(c.name() + "-" + instance);
        Path root = run.resolve("root");
        for (String d : List.of("root", "upper", "work")) {
            mkdirs(run.resolve(d));
        }
        String r = Shell.quote(root.toString());
        StringBuilder sb = new StringBuilder("set -e\n");
        sb.append("IMAGE_PATH=\"${PATH:-}\"; PATH=/usr/sbin:/usr/bin:/sbin:/bin\n");
        sb.append("printf %s ").append(Shell.quote(hostname())).append(" > /proc/sys/kernel/hostname\n");
        sb.append("mount -t overlay overlay -o ").append(Shell.quote("lowerdir=" + rootfs + ",upperdir=" + run.resolve("upper")
                + ",workdir=" + run.resolve("work"))).append(' ').append(r).append('\n');
        sb.append("mkdir -p ").append(r).append("/proc ").append(r).append("/dev ").append(r).append("/sys\n");
        sb.append("mount -t proc proc ").append(r).append("/proc\n");
        sb.append("mount --rbind /dev ").append(r).append("/dev\n");
        sb.append("mount --rbind -o ro /sys ").append(r).append("/sys\n");
        for (Mount m : mounts) {
            String target = Shell.quote(root + m.target());
            if (m.file()) {
                sb.append("mkdir -p \"$(dirname ").append(target).append(")\"; [ -e ").append(target).append(" ] || : > ")
                        .append(target).append('\n');
            } else {
                sb.append("mkdir -p ").append(target).append('\n');
            }
            sb.append("mount --bind ").append(Shell.quote(m.source().toString())).append(' ').append(target).append('\n');
        }
        for (Mount m : mounts) {
            if (m.readOnly()) {
                sb.append("mount -o remount,bind,ro ").append(Shell.quote(root + m.target())).append('\n');
            }
        }
        sb.append("mkdir -p ").append(Shell.quote(root + normalize(workingDir))).append(" 2>/dev/null || true\n");
        if (readOnlyRoot) {
            sb.append("mount -o remount,bind,ro ").append(r).append('\n');
        }
        sb.append("if [ -n \"$IMAGE_PATH\" ]; then export PATH=\"$IMAGE_PATH\"; else unset PATH; fi; unset IMAGE_PATH\n");
        sb.append("exec /usr/bin/unshare --root=").append(r).append(" --wd=").append(Shell.quote(normalize(workingDir)))
                .append(" --setgid ").append(gid).append(" --setuid ").append(uid).append(" -- \"$@\"\n");
        return sb.toString();
    }

    /** Volumes and /etc/hosts, outermost first; no scratch dirs: an image container has its own writable layer. */
    private List<Mount> imageMounts(Container c) throws ConfigError {
        List<Mount> mounts = new ArrayList<>(mounts(c, "/", 0).stream()
                .filter(m -> !m.source().startsWith(dir.resolve("rootfs"))).toList());
        mounts.sort(Comparator.comparingInt(m -> m.target().split("/").length));
        return mounts;
    }

    /** Whether a config file (path as the container sees it) contains a directive; used by image launchers. */
    boolean configMentions(Container c, String containerPath, String directive) {
        Path file = Path.of(containerPath);
        try {
            for (Mount m : mounts(c, "/", 0)) {
                if (containerPath.equals(m.target())) {
                    file = m.source();
                } else if (!m.file() && containerPath.startsWith(m.target() + "/")) {
                    file = m.source().resolve(containerPath.substring(m.target().length() + 1));
                }
            }
            return Files.readAllLines(file).stream().map(String::strip)
                    .anyMatch(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith(directive + " "));
        } catch (IOException | ConfigError | RuntimeException e) {
            return false;
        }
    }

    private static void mkdirs(Path p) {
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void touch(Path p) {
        try {
            Files.createDirectories(p.getParent());
            if (!Files.exists(p)) {
                Files.createFile(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> ordered(Map<String, String> m) {
        return new LinkedHashMap<>(m);
    }
}
