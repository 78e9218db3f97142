package dev.chorus.operator.election;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.arc.Arc;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Lease-based leader election (coordination.k8s.io/v1 Lease {@value #LEASE_NAME} in the operator's namespace): of the
 * Deployment's replicas only the holder of the lease processes events; the others keep their informers warm and take
 * over when the lease expires. quarkus-operator-sdk picks this bean up and activates it in the prod profile (the
 * operator pod); the test-JVM operators of the ITs run without it. Timings and why: docs/design.md.
 *
 * <p>Takeover: a standby takes an expired lease at its next retry, at most {@link #LEASE_DURATION} +
 * {@link #RETRY_PERIOD} (+20 % jitter) = 10.8 s after the leader's last renewal. A deposed leader must stop before
 * that. fabric8's elector gives up {@link #RENEW_DEADLINE} after its last renewal, but only between two renewal
 * attempts, and one attempt can hang for the client's timeouts and retries. So while leading, a watchdog also watches
 * the Lease: when no renewal by this process has been seen for the renew deadline, or fabric8 gives up, the process
 * halts at once ({@link #halt}): no shutdown hooks, no reconcile finishing its node commands or status write. JOSDK
 * would exit too ({@code exitOnStopLeading}), but through System.exit and a graceful shutdown that waits for running
 * reconciles.
 */
@Singleton
public class LeaderElection extends LeaderElectionConfiguration {
    public static final String LEASE_NAME = "chorus-operator-leader";
    static final Duration LEASE_DURATION = Duration.ofSeconds(9);
    static final Duration RENEW_DEADLINE = Duration.ofSeconds(4);
    static final Duration RETRY_PERIOD = Duration.ofMillis(1500);
    private static final long CHECK_MILLIS = 250;

    private volatile long lastRenewSeen;

    public LeaderElection() {
        // Namespace: POD_NAMESPACE (downward API), else the client's in-cluster namespace. Identity: the pod's name.
        this(blankToNull(System.getenv("POD_NAMESPACE")), blankToNull(System.getenv("POD_NAME")), new Holder());
    }

    private LeaderElection(String namespace, String identity, Holder self) {
        super(LEASE_NAME, namespace, LEASE_DURATION, RENEW_DEADLINE, RETRY_PERIOD, identity,
                new LeaderCallbacks(() -> self.get().startWatchdog(), LeaderElection::lostLease, leader -> { }),
                true);
        self.set(this);
    }

    /** The callbacks are built before the instance exists. */
    private static final class Holder {
        private LeaderElection value;

        void set(LeaderElection v) {
            value = v;
        }

        LeaderElection get() {
            return value;
        }
    }

    /**
     * While leading: watch the Lease, note each renewal by this process as it arrives, and halt when none has been
     * seen for the renew deadline (counted from the moment leading began, at first).
     */
    private void startWatchdog() {
        lastRenewSeen = System.nanoTime();
        var timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-watchdog");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> {
            long silent = System.nanoTime() - lastRenewSeen;
            if (silent > RENEW_DEADLINE.toNanos()) {
                halt("no renewal of the leader lease seen for " + TimeUnit.NANOSECONDS.toMillis(silent) + " ms");
            }
        }, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        // The watch starts off the elector's thread; should it fail, no renewal is ever seen and the timer halts.
        Thread watch = new Thread(() -> {
            String me = getIdentity().orElse(System.getenv("HOSTNAME"));
            KubernetesClient client = Arc.container().instance(KubernetesClient.class).get();
            String ns = getLeaseNamespace().orElse(client.getNamespace());
            client.resources(Lease.class).inNamespace(ns).withName(LEASE_NAME).inform(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Lease lease) {
                    seen(lease, me);
                }

                @Override
                public void onUpdate(Lease before, Lease after) {
                    seen(after, me);
                }

                @Override
                public void onDelete(Lease lease, boolean unknownFinalState) {
                }
            });
        }, "lease-watch");
        watch.setDaemon(true);
        watch.start();
    }

    private void seen(Lease lease, String me) {
        if (lease.getSpec() != null && Objects.equals(me, lease.getSpec().getHolderIdentity())) {
            lastRenewSeen = System.nanoTime();
        }
    }

    /**
     * Called when this process stops leading. During a graceful shutdown (a rollout, SIGTERM) the operator is being
     * stopped anyway; otherwise the lease was lost, and the process halts before another one may act.
     */
    static void lostLease() {
        if (!shuttingDown()) {
            halt("the leader lease was not renewed within " + RENEW_DEADLINE.toMillis() + " ms");
        }
    }

    static void halt(String why) {
        if (shuttingDown()) {
            return;
        }
        System.err.println(Instant.now() + " chorus-operator: lost the leader lease " + LEASE_NAME + " (" + why
                + "): halting");
        System.err.flush();
        Runtime.getRuntime().halt(1);
    }

    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true; // hooks cannot be added once shutdown has begun
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
