package dev.chorus.operator.election;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;

/**
 * Lease-based leader election (coordination.k8s.io/v1 Lease {@value #LEASE_NAME} in the operator's namespace): of the
 * Deployment's replicas only the holder of the lease processes events; the others keep their informers warm and take
 * over when the lease expires. quarkus-operator-sdk picks this bean up and activates it in the prod profile (the
 * operator pod); the test-JVM operators of the ITs run without it. Timings and why: docs/design.md.
 *
 * <p>Takeover: a standby takes an expired lease at its next retry, at most {@link #LEASE_DURATION} +
 * {@link #RETRY_PERIOD} (+20 % jitter) = 9.8 s after the leader's last renewal. A leader that cannot renew gives up
 * after {@link #RENEW_DEADLINE} from its last renewal, plus at most one request that was already under way (the
 * client's request and connect timeouts, 2 s, no retries: application.properties), so by 6 s, 2 s before anyone may
 * take the lease.
 * Giving up then halts the process at once ({@link #lostLease}): no shutdown hooks, no reconcile finishing its node
 * commands or status write. JOSDK would exit too ({@code exitOnStopLeading}), but through System.exit and a graceful
 * shutdown that waits for running reconciles.
 */
@Singleton
public class LeaderElection extends LeaderElectionConfiguration {
    public static final String LEASE_NAME = "chorus-operator-leader";
    static final Duration LEASE_DURATION = Duration.ofSeconds(8);
    static final Duration RENEW_DEADLINE = Duration.ofSeconds(4);
    static final Duration RETRY_PERIOD = Duration.ofMillis(1500);

    public LeaderElection() {
        // Namespace: POD_NAMESPACE (downward API), else the client's in-cluster namespace. Identity: the pod's name.
        super(LEASE_NAME, blankToNull(System.getenv("POD_NAMESPACE")), LEASE_DURATION, RENEW_DEADLINE,
                RETRY_PERIOD, blankToNull(System.getenv("POD_NAME")),
                new LeaderCallbacks(() -> { }, LeaderElection::lostLease, leader -> { }), true);
    }

    /**
     * Called when this process stops leading. During a graceful shutdown (a rollout, SIGTERM) the operator is being
     * stopped anyway; otherwise the lease was lost, and the process halts before another one may act.
     */
    static void lostLease() {
        if (shuttingDown()) {
            return;
        }
        System.err.println(Instant.now() + " chorus-operator: lost the leader lease " + LEASE_NAME
                + " (not renewed within " + RENEW_DEADLINE.toMillis() + " ms): halting");
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
