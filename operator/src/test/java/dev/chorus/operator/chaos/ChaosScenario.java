package dev.chorus.operator.chaos;

import static org.awaitility.Awaitility.await;

import dev.chorus.operator.reconciler.ReplicaSetFixture;
import dev.chorus.e2e.LocalCluster;
import dev.chorus.e2e.TestCluster;
import dev.chorus.operator.api.ReplicaSetSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One chaos scenario on its own namespace: a 3-node set under continuous acknowledged writes and the split-brain
 * probe, steps to inject faults and wait for recovery, and {@link #finish()} for the final checks.
 */
public final class ChaosScenario implements AutoCloseable {
    static final String NAME = "chaos";

    final TestCluster cluster;
    final KubernetesClient admin;
    final String ns;
    final String initialMaster;
    private final AckedWriter writer;
    private final SplitBrainProbe probe;
    private final long startedNanos = System.nanoTime();

    private ChaosScenario(TestCluster cluster, String ns, String initialMaster, AckedWriter writer,
                          SplitBrainProbe probe) {
        this.cluster = cluster;
        this.admin = cluster.admin();
        this.ns = ns;
        this.initialMaster = initialMaster;
        this.writer = writer;
        this.probe = probe;
    }

    /** "node" or "redis": the image a parameterized scenario runs. */
    static String image(TestCluster cluster, String kind) {
        return switch (kind) {
            case "node" -> cluster.nodeImage();
            case "redis" -> cluster.redisImage();
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** Creates the set, waits for Ready, starts the writer and the probe, and waits for the first 50 acks. */
    static ChaosScenario start(TestCluster cluster, String ns, String image, Consumer<ReplicaSetSpec> customize) {
        KubernetesClient admin = cluster.admin();
        ReplicaSetFixture.create(admin, ns, NAME, image, 3, customize);
        ChaosSets.awaitReady(admin, ns, NAME, Duration.ofSeconds(120));
        String master = ChaosSets.master(admin, ns, NAME);
        FinalChecks.awaitReplicasAttached(admin, ns, NAME, Duration.ofSeconds(60));
        SplitBrainProbe probe = SplitBrainProbe.start(admin, ns, NAME, ChaosSets.PORT);
        AckedWriter writer = AckedWriter.start(admin, ns, NAME, ChaosSets.PORT, "k", 5);
        ChaosScenario s = new ChaosScenario(cluster, ns, master, writer, probe);
        s.awaitAckedSince(s.startedNanos, 50, Duration.ofSeconds(30));
        return s;
    }

    static ChaosScenario start(TestCluster cluster, String ns, String image) {
        return start(cluster, ns, image, spec -> {
        });
    }

    String master() {
        return ChaosSets.master(admin, ns, NAME);
    }

    /** Waits until status.master names a pod other than {@code previous}; returns it. */
    String awaitMasterOtherThan(String previous, Duration atMost) {
        try {
            await("status.master of " + ns + "/" + NAME + " changed from " + previous).atMost(atMost)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        String m = master();
                        return m != null && !Objects.equals(m, previous);
                    });
        } catch (ConditionTimeoutException e) {
            throw diagnosed(e);
        }
        return master();
    }

    /** Awaits {@code condition}; on timeout the error says what the writer, the probe and the operator saw. */
    void awaitUntil(String what, Duration atMost, java.util.concurrent.Callable<Boolean> condition) {
        try {
            await(what).atMost(atMost).pollInterval(Duration.ofMillis(100)).until(condition);
        } catch (ConditionTimeoutException e) {
            throw diagnosed(e);
        }
    }

    /** The timeout with what the writer, the probe and the operator saw, for the report. */
    AssertionError diagnosed(ConditionTimeoutException e) {
        return new AssertionError(e.getMessage() + "\nwriter: " + writer.summary() + "\nprobe: " + probe.summary()
                + "\nstatus: " + FinalChecks.statusLine(admin, ns, NAME) + "\nevents:\n"
                + ChaosSets.eventLog(admin, ns, NAME), e);
    }

    /** Waits for {@code count} acknowledged writes after {@code sinceNanos}: writes work again (through the Service). */
    void awaitAckedSince(long sinceNanos, long count, Duration atMost) {
        try {
            await(count + " acknowledged writes through the write Service").atMost(atMost)
                    .pollInterval(Duration.ofMillis(100)).until(() -> writer.ackedSince(sinceNanos) >= count);
        } catch (ConditionTimeoutException e) {
            throw diagnosed(e);
        }
    }

    /** See {@link SplitBrainProbe#probeFromInside}; the local bed knows the PID of the pod's process. */
    void probeFromInside(String pod) {
        long pid = ((LocalCluster) cluster).kubelet().containerPid(ns, pod, null);
        probe.probeFromInside(pod, pid);
    }

    void probeFromOutside(String pod) {
        probe.probeFromOutside(pod);
    }

    SplitBrainProbe probe() {
        return probe;
    }

    AckedWriter writer() {
        return writer;
    }

    /** The final checks (see {@link FinalChecks}), then the namespace is deleted to free the machine. */
    void finish() {
        try {
            FinalChecks.verify(admin, ns, NAME, writer, probe);
            System.out.println("[chaos] " + ns + ": passed in " + (System.nanoTime() - startedNanos) / 1_000_000
                    + " ms; writer: " + writer.summary() + "; probe: " + probe.summary());
        } finally {
            close();
        }
        ChaosSets.deleteNamespace(admin, ns);
    }

    /** Stops the writer and the probe (also when a scenario fails before {@link #finish()}). Idempotent. */
    @Override
    public void close() {
        writer.close();
        probe.close();
    }
}
