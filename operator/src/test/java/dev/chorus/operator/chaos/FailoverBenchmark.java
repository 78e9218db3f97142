package dev.chorus.operator.chaos;

import static org.awaitility.Awaitility.await;

import dev.chorus.operator.reconciler.ReplicaSetFixture;
import dev.chorus.e2e.LocalCluster;
import dev.chorus.operator.reconciler.OperatorHarness;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The failover benchmark (not a test; run by bench/failover.sh): on the local bed with the operator, a 3-node set per
 * image; {@code runs} times, SIGKILL the master's process and measure from the kill until
 * <ul>
 *   <li>a write (SET) succeeds on the new master, sent through the write Service's ready endpoints as a client would
 *   (the {@link AckedWriter}'s log), and until such a write is also acknowledged by WAIT 1;</li>
 *   <li>every other pod, the restarted old master included, is a replica of the new master with its link up.</li>
 * </ul>
 * Before each kill every pod must have run for 21 s, so the kubelet's crash back-off is back at its first step and
 * the runs are alike. Prints one {@code RESULT kind run writes_ms acked_ms attached_ms old new} line per run.
 * System properties: bench.runs (20), bench.kinds (node,redis), bench.timeoutSeconds (spec.failover, default unset),
 * bench.config (spec.config entries, {@code name=value,...}).
 */
public final class FailoverBenchmark {
    private static final String NAME = "bench";
    private static final Duration STEADY = Duration.ofSeconds(21);
    private static final Duration RUN_DEADLINE = Duration.ofSeconds(120);

    private FailoverBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.getInteger("bench.runs", 20);
        List<String> kinds = List.of(System.getProperty("bench.kinds", "node,redis").split(","));
        Integer timeoutSeconds = Integer.getInteger("bench.timeoutSeconds");
        String config = System.getProperty("bench.config", "");
        try (LocalCluster cluster = LocalCluster.start(); OperatorHarness operator = OperatorHarness.start(cluster)) {
            for (String kind : kinds) {
                benchmark(cluster, kind, runs, timeoutSeconds, config);
            }
        }
        System.exit(0); // the operator's and the client's non-daemon threads must not keep the JVM alive
    }

    private static void benchmark(LocalCluster cluster, String kind, int runs, Integer timeoutSeconds,
                                  String config) {
        KubernetesClient admin = cluster.admin();
        String ns = "bench-" + kind;
        ReplicaSetFixture.create(admin, ns, NAME, ChaosScenario.image(cluster, kind), 3, spec -> {
            if (timeoutSeconds != null) {
                spec.getFailover().setTimeoutSeconds(timeoutSeconds);
            }
            for (String entry : config.split(",")) {
                if (!entry.isBlank()) {
                    String[] kv = entry.split("=", 2);
                    spec.getConfig().put(kv[0].trim(), kv[1].trim());
                }
            }
        });
        try (AckedWriter writer = AckedWriter.start(admin, ns, NAME, ChaosSets.PORT, "bench", 2)) {
            for (int run = 1; run <= runs; run++) {
                ChaosSets.awaitReady(admin, ns, NAME, Duration.ofMinutes(3));
                FinalChecks.awaitReplicasAttached(admin, ns, NAME, Duration.ofMinutes(2));
                await("every pod of " + ns + " running for " + STEADY.toSeconds() + " s (crash back-off reset)")
                        .atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                        .until(() -> ChaosSets.pods(admin, ns, NAME).stream().allMatch(FailoverBenchmark::steady));
                String old = ChaosSets.master(admin, ns, NAME);
                String oldIp = ChaosSets.podIp(admin, ns, old);
                long killed = System.nanoTime();
                cluster.killContainer(ns, old);
                Optional<Long> attached = awaitAttachedToNewMaster(admin, ns, old, killed);
                String now = ChaosSets.master(admin, ns, NAME);
                String newIp = ChaosSets.podIp(admin, ns, now);
                // The replicas may be attached before the writer has found the new master: give it time (bounded).
                if (newIp != null) {
                    awaitAckedWriteOn(writer, newIp, killed);
                }
                String writes = firstWrite(writer, killed, newIp, oldIp, false);
                String acked = firstWrite(writer, killed, newIp, oldIp, true);
                System.out.println("RESULT " + kind + " " + run + " " + writes + " " + acked + " "
                        + attached.map(String::valueOf).orElse("fail") + " " + old + " " + now);
            }
            System.out.println("WRITER " + kind + " " + writer.summary());
        }
        ChaosSets.deleteNamespace(admin, ns);
    }

    private static void awaitAckedWriteOn(AckedWriter writer, String ip, long sinceNanos) {
        long deadline = System.nanoTime() + RUN_DEADLINE.toNanos();
        while (System.nanoTime() < deadline && writer.writes().stream()
                .noneMatch(w -> w.acked() && w.setNanos() > sinceNanos && ip.equals(w.ip()))) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // poll pacing
        }
    }

    private static boolean steady(Pod p) {
        List<ContainerStatus> statuses = p.getStatus() == null ? null : p.getStatus().getContainerStatuses();
        if (statuses == null || statuses.isEmpty() || statuses.get(0).getState().getRunning() == null) {
            return false;
        }
        Instant started = Instant.parse(statuses.get(0).getState().getRunning().getStartedAt());
        return Duration.between(started, Instant.now()).compareTo(STEADY) >= 0;
    }

    /**
     * Polls every 20 ms until status.master names another pod and every other pod replicates from it with the link
     * up; milliseconds since the kill, empty when that did not happen within the deadline.
     */
    private static Optional<Long> awaitAttachedToNewMaster(KubernetesClient admin, String ns, String old,
                                                           long killed) {
        long deadline = killed + RUN_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            String master = ChaosSets.master(admin, ns, NAME);
            if (master != null && !master.equals(old) && attachedTo(admin, ns, master)) {
                return Optional.of(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // poll pacing
        }
        return Optional.empty();
    }

    private static boolean attachedTo(KubernetesClient admin, String ns, String master) {
        String masterIp = ChaosSets.podIp(admin, ns, master);
        List<Pod> pods = ChaosSets.pods(admin, ns, NAME);
        if (masterIp == null || pods.size() != 3) {
            return false;
        }
        for (Pod p : pods) {
            if (p.getMetadata().getName().equals(master)) {
                continue;
            }
            try {
                Map<String, String> info = FinalChecks.replicationInfo(p.getStatus().getPodIP());
                if (!masterIp.equals(info.get("master_host")) || !"up".equals(info.get("master_link_status"))) {
                    return false;
                }
            } catch (RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * Milliseconds from the kill to the first write after it that SET accepted (and, with {@code acked}, WAIT 1
     * confirmed) on the new master's IP; "fail" when none, "same" when the master did not change.
     */
    private static String firstWrite(AckedWriter writer, long killed, String newIp, String oldIp, boolean acked) {
        if (Objects.equals(newIp, oldIp)) {
            return "same";
        }
        return writer.writes().stream()
                .filter(w -> w.setNanos() > killed && newIp.equals(w.ip()) && (!acked || w.acked()))
                .findFirst()
                .map(w -> String.valueOf(TimeUnit.NANOSECONDS.toMillis((acked ? w.atNanos() : w.setNanos()) - killed)))
                .orElse("fail");
    }
}
