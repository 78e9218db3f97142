package dev.chorus.e2e.kubelet;

import dev.chorus.e2e.support.Shell;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One container of a pod as a real process: start (env, image launcher, mounts), exit detection, restart policy
 * with exponential back-off (1 s, 2 s, 4 s ... capped at 10 s; reset after 20 s of running), probes, kills. Only
 * its pod's worker thread calls it, except {@link #exec} (probes, hooks) and {@link #signal}.
 */
final class ContainerRuntime {
    private static final Duration BACKOFF_CAP = Duration.ofSeconds(10);

    private final PodWorker pod;
    private final Container spec;
    private final boolean init;

    private volatile Process process;
    private Instant startedAt;
    private int instance;
    private int restartCount;
    private int crashes;
    private Instant notBefore = Instant.EPOCH;
    private String waitingReason = "ContainerCreating";
    private String waitingMessage;
    private ContainerStateTerminated terminated; // current state, when it will not run again
    private ContainerStateTerminated last;       // lastState
    private boolean started;
    private boolean ready;
    private final ProbeRunner readiness;
    private final ProbeRunner liveness;
    private final ProbeRunner startup;
    private Instant killDeadline;
    private boolean killedForRestart;
    private volatile Map<String, String> env = Map.of();
    private volatile String workingDir = "/";
    private volatile long[] imageIds;   // uid, gid of a container run from an image tarball
    private volatile String imageId;    // its config digest

    ContainerRuntime(PodWorker pod, Container spec, boolean init) {
        this.pod = pod;
        this.spec = spec;
        this.init = init;
        this.readiness = spec.getReadinessProbe() == null || init ? null : new ProbeRunner(spec.getReadinessProbe(), false);
        this.liveness = spec.getLivenessProbe() == null || init ? null : new ProbeRunner(spec.getLivenessProbe(), true);
        this.startup = spec.getStartupProbe() == null || init ? null : new ProbeRunner(spec.getStartupProbe(), false);
    }

    Container spec() {
        return spec;
    }

    String name() {
        return spec.getName();
    }

    String podIp() {
        return pod.podIp();
    }

    boolean running() {
        Process p = process;
        return p != null && p.isAlive();
    }

    long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    boolean succeeded() {
        return terminated != null && terminated.getExitCode() == 0;
    }

    /** Terminated and never restarted again. */
    boolean finished() {
        return terminated != null && process == null;
    }

    boolean everStarted() {
        return instance > 0;
    }

    boolean ready() {
        return ready;
    }

    void setWaiting(String reason, String message) {
        if (process == null && terminated == null) {
            waitingReason = reason;
            waitingMessage = message;
        }
    }

    /** One step of the container's life; returns true if something visible changed. */
    boolean tick(Instant now) {
        Process p = process;
        if (p != null) {
            if (p.isAlive()) {
                if (killDeadline != null) {
                    if (now.isAfter(killDeadline)) {
                        signal("KILL");
                    }
                    return false;
                }
                return runProbes(now);
            }
            exited(p, now);
            return true;
        }
        if (terminated != null || now.isBefore(notBefore)) {
            return false;
        }
        start(now);
        return true;
    }

    private boolean runProbes(Instant now) {
        boolean changed = false;
        if (startup != null && !started) {
            changed = startup.runIfDue(now, this);
            if (startup.result()) {
                started = true;
                resetAfterStartup(now);
                changed = true;
            } else if (startup.failing()) {
                kill("Startup probe failed: " + startup.lastFailure(), startup.terminationGraceSeconds(pod.graceSeconds()));
                return true;
            }
            return changed;
        }
        if (liveness != null) {
            boolean flipped = liveness.runIfDue(now, this);
            if (flipped && !liveness.result()) {
                kill("Liveness probe failed: " + liveness.lastFailure(), liveness.terminationGraceSeconds(pod.graceSeconds()));
                return true;
            }
        }
        if (readiness != null) {
            changed |= readiness.runIfDue(now, this);
            boolean r = readiness.result();
            changed |= r != ready;
            ready = r;
        }
        return changed;
    }

    private void resetAfterStartup(Instant now) {
        if (liveness != null) {
            liveness.reset(now);
        }
        if (readiness != null) {
            readiness.reset(now);
        }
    }

    /** Liveness/startup failure: kill with the grace period, then restart according to the restart policy. */
    private void kill(String why, int graceSeconds) {
        pod.log("killing container " + name() + ": " + why);
        killedForRestart = true;
        ready = false;
        beginKill(graceSeconds, true);
    }

    /** preStop hook (exec) then SIGTERM to the container's process group; SIGKILL once the grace period is over. */
    void beginKill(int graceSeconds, boolean runPreStop) {
        if (process == null || killDeadline != null) {
            return;
        }
        killDeadline = Instant.now().plusSeconds(graceSeconds);
        var preStop = spec.getLifecycle() == null ? null : spec.getLifecycle().getPreStop();
        if (runPreStop && preStop != null && preStop.getExec() != null && graceSeconds > 0) {
            Thread t = new Thread(() -> {
                exec(preStop.getExec().getCommand(), Duration.ofSeconds(graceSeconds));
                signal("TERM");
            }, "prestop-" + pod.key() + "/" + name());
            t.setDaemon(true);
            t.start();
        } else {
            signal(graceSeconds == 0 ? "KILL" : "TERM");
        }
    }

    /** Sends a signal to the container's whole process group (it is a session leader: pgid == pid). */
    void signal(String sig) {
        long pid = pid();
        if (pid > 0) {
            Shell.run("kill", "-s", sig, "--", "-" + pid);
        }
    }

    private void exited(Process p, Instant now) {
        int code = p.exitValue();
        signal("KILL"); // whatever the main process left behind in its group (a container's processes die with it)
        process = null;
        killDeadline = null;
        ready = false;
        started = false;
        ContainerStateTerminated t = new ContainerStateTerminatedBuilder()
                .withExitCode(code)
                .withReason(code == 0 ? "Completed" : "Error")
                .withStartedAt(PodWorker.time(startedAt))
                .withFinishedAt(PodWorker.time(now))
                .withContainerID(containerId())
                .withMessage(terminationMessage(code))
                .build();
        pod.log("container " + name() + " exited with " + code);
        boolean restart = !pod.terminating() && shouldRestart(code);
        if (restart) {
            last = t;
            terminated = null;
            if (Duration.between(startedAt, now).compareTo(BACKOFF_CAP.multipliedBy(2)) > 0) {
                crashes = 0;
            }
            crashes++;
            Duration delay = Duration.ofSeconds(1L << Math.min(crashes - 1, 4));
            if (delay.compareTo(BACKOFF_CAP) > 0) {
                delay = BACKOFF_CAP;
            }
            notBefore = now.plus(delay);
            waitingReason = "CrashLoopBackOff";
            waitingMessage = "back-off " + delay.toSeconds() + "s restarting failed container=" + name() + " pod="
                    + pod.podName() + "_" + pod.namespace() + "(" + pod.uid() + ")";
        } else {
            terminated = t;
        }
        killedForRestart = false;
    }

    /**
     * The termination message as a kubelet sets it for {@code terminationMessagePolicy: FallbackToLogsOnError}: when
     * the container failed, the tail of this run's log (the last 80 lines, at most 2048 bytes). The file at
     * terminationMessagePath is not supported (no /dev/termination-log mount): null otherwise.
     */
    private String terminationMessage(int code) {
        if (code == 0 || !"FallbackToLogsOnError".equals(spec.getTerminationMessagePolicy())) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(pod.logFile(name(), Math.max(0, instance - 1)),
                    StandardCharsets.UTF_8);
            String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
            byte[] bytes = tail.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 2048) {
                tail = new String(bytes, bytes.length - 2048, 2048, StandardCharsets.UTF_8);
            }
            return tail.isEmpty() ? null : tail;
        } catch (IOException e) {
            return null;
        }
    }

    private boolean shouldRestart(int code) {
        String policy = pod.restartPolicy();
        if (killedForRestart && !policy.equals("Never")) {
            return true;
        }
        if (init) {
            return code != 0 && !policy.equals("Never");
        }
        return switch (policy) {
            case "Never" -> false;
            case "OnFailure" -> code != 0;
            default -> true;
        };
    }

    private void start(Instant now) {
        Map<String, String> containerEnv;
        Images.Launch launch;
        try {
            containerEnv = pod.environment(spec);
            List<String> command = Expansion.expand(spec.getCommand() == null ? List.of() : spec.getCommand(), containerEnv);
            List<String> args = Expansion.expand(spec.getArgs() == null ? List.of() : spec.getArgs(), containerEnv);
            launch = pod.images().launch(spec.getImage(), command, args, (path, d) -> pod.configMentions(spec, path, d));
        } catch (ConfigError e) {
            waitingReason = "CreateContainerConfigError";
            waitingMessage = e.getMessage();
            notBefore = now.plusSeconds(1);
            return;
        } catch (Images.Unavailable e) {
            waitingReason = "ErrImagePull";
            waitingMessage = e.getMessage();
            notBefore = now.plusSeconds(2);
            return;
        }
        String wd = spec.getWorkingDir() != null && !spec.getWorkingDir().isEmpty() ? spec.getWorkingDir() : launch.workingDir();
        Path log = pod.logFile(name(), instance);
        OciImage oci = launch.image();
        String script;
        Map<String, String> processEnv = new LinkedHashMap<>();
        try {
            if (oci == null) {
                script = pod.setupScript(this, wd, instance);
                processEnv.putAll(baseEnv());
            } else {
                long[] ids = ImageUser.resolve(oci, spec, pod.podSecurityContext(), pod.kubeletImageCache());
                script = pod.imageSetupScript(this, oci, wd, instance, ids[0], ids[1], readOnlyRootFilesystem());
                for (String e : oci.env()) {
                    int eq = e.indexOf('=');
                    if (eq > 0) {
                        processEnv.put(e.substring(0, eq), e.substring(eq + 1));
                    }
                }
                processEnv.put("HOSTNAME", pod.hostname());
                processEnv.putIfAbsent("HOME", ImageUser.home(oci, ids[0], pod.kubeletImageCache()));
                imageIds = ids;
            }
        } catch (RuntimeException e) {
            waitingReason = "CreateContainerError";
            waitingMessage = e.getMessage();
            notBefore = now.plusSeconds(2);
            return;
        }
        List<String> argv = new ArrayList<>(List.of("setsid", "nsenter", "--net=" + pod.netnsPath(), "--",
                "unshare", "--mount", "--uts", "--propagation", "private", "--",
                "/bin/sh", "-c", script, name()));
        argv.addAll(launch.argv());
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(processEnv);
        pb.environment().putAll(containerEnv);
        try {
            Files.createDirectories(log.getParent());
            Process p = pb.start();
            process = p;
            p.onExit().thenRun(pod::wake);
        } catch (IOException e) {
            waitingReason = "RunContainerError";
            waitingMessage = e.getMessage();
            notBefore = now.plusSeconds(2);
            return;
        }
        Map<String, String> effective = new LinkedHashMap<>(processEnv);
        effective.putAll(containerEnv);
        env = oci == null ? containerEnv : effective;
        workingDir = wd;
        imageId = oci == null ? null : oci.configDigest();
        if (instance > 0) {
            restartCount++;
        }
        instance++;
        startedAt = now;
        started = startup == null;
        ready = readiness == null && !init;
        if (startup != null) {
            startup.reset(now);
        }
        if (startup == null) {
            resetAfterStartup(now);
        }
        waitingReason = null;
        waitingMessage = null;
        pod.log("started container " + name() + " pid " + process.pid() + ": " + String.join(" ", launch.argv()));
    }

    private boolean readOnlyRootFilesystem() {
        return spec.getSecurityContext() != null && Boolean.TRUE.equals(spec.getSecurityContext().getReadOnlyRootFilesystem());
    }

    private Map<String, String> baseEnv() {
        Map<String, String> base = new LinkedHashMap<>();
        base.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        base.put("HOSTNAME", pod.hostname());
        base.put("HOME", "/root");
        return base;
    }

    record ExecResult(int exitCode, String output) {
    }

    /** Runs a command inside the running container (its mount, UTS and network namespaces, env and cwd). */
    ExecResult exec(List<String> command, Duration timeout) {
        long pid = pid();
        if (pid <= 0 || command == null || command.isEmpty()) {
            return new ExecResult(-1, "container not running");
        }
        List<String> argv = new ArrayList<>(List.of("nsenter", "--target", Long.toString(pid), "--mount", "--uts", "--net"));
        long[] ids = imageIds;
        if (imageId != null && ids != null) {
            // the container's root (its chroot) and working dir, as its user
            argv.addAll(List.of("--root", "--wd", "--setgid", Long.toString(ids[1]), "--setuid", Long.toString(ids[0]), "--"));
            argv.add(command.get(0));
        } else {
            argv.addAll(List.of("--wd=" + workingDir, "--"));
            argv.add(Images.redisProgram(command.get(0)));
        }
        argv.addAll(command.subList(1, command.size()));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(baseEnv());
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            var out = p.getInputStream();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new ExecResult(-1, "command timed out after " + timeout.toSeconds() + "s");
            }
            return new ExecResult(p.exitValue(), new String(out.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new ExecResult(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ExecResult(-1, "interrupted");
        }
    }

    String containerId() {
        return "chorus-bed://" + pod.uid() + "/" + name() + "/" + Math.max(0, instance - 1);
    }

    ContainerStatus status() {
        ContainerState state;
        if (process != null) {
            state = new ContainerStateBuilder().withNewRunning().withStartedAt(PodWorker.time(startedAt)).endRunning().build();
        } else if (terminated != null) {
            state = new ContainerStateBuilder().withTerminated(terminated).build();
        } else {
            state = new ContainerStateBuilder().withNewWaiting().withReason(waitingReason).withMessage(waitingMessage)
                    .endWaiting().build();
        }
        ContainerStatusBuilder b = new ContainerStatusBuilder()
                .withName(name())
                .withImage(spec.getImage())
                .withImageID(instance == 0 ? "" : imageId != null ? "chorus-bed://" + spec.getImage() + "@" + imageId
                        : "chorus-bed://" + spec.getImage())
                .withReady(ready && process != null)
                .withRestartCount(restartCount)
                .withStarted(process != null && started)
                .withState(state)
                .withLastState(last == null ? new ContainerState() : new ContainerStateBuilder().withTerminated(last).build());
        if (instance > 0) {
            b.withContainerID(containerId());
        }
        return b.build();
    }

    /** Pod termination: the final state once the process is gone. */
    void markKilledForTermination() {
        if (process == null && terminated == null && last != null) {
            terminated = last;
        }
    }

    /** Blocks until the process is gone (bed shutdown only). */
    void awaitExit(Duration d) {
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            if (!p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS)) {
                signal("KILL");
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        signal("KILL");
    }
}
