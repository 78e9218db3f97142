package dev.chorus.operator.election;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Lease-based leader election (coordination.k8s.io/v1 Lease {@value #LEASE_NAME} in the operator's namespace): of the
 * Deployment's replicas only the holder of the lease processes events; the others keep their informers warm and take
 * over when the lease expires. quarkus-operator-sdk picks this bean up and activates it in the prod profile (the
 * operator pod); the test-JVM operators of the ITs run without it.
 *
 * <p>Timings: a standby takes an expired lease at its next retry, so after the leader dies it takes over within
 * {@link #LEASE_DURATION} + {@link #RETRY_PERIOD} (plus fabric8's 20 % jitter on the retry), 12.4 s at most, under the
 * 20 s the design allows. A leader that cannot renew stops leading after {@link #RENEW_DEADLINE} counted from its last
 * successful renew, which is 3 s before any standby may take the lease (the lease runs from that same renew), and
 * stopping means exiting the process (JOSDK's default {@code exitOnStopLeading}): a deposed leader has stopped acting
 * on nodes and status before another one starts.
 */
@Singleton
public class LeaderElection extends LeaderElectionConfiguration {
    public static final String LEASE_NAME = "chorus-operator-leader";
    static final Duration LEASE_DURATION = Duration.ofSeconds(10);
    static final Duration RENEW_DEADLINE = Duration.ofSeconds(7);
    static final Duration RETRY_PERIOD = Duration.ofSeconds(2);

    public LeaderElection() {
        // Namespace: POD_NAMESPACE (downward API), else the client's in-cluster namespace. Identity: the pod's name.
        super(LEASE_NAME, blankToNull(System.getenv("POD_NAMESPACE")), LEASE_DURATION, RENEW_DEADLINE,
                RETRY_PERIOD, blankToNull(System.getenv("POD_NAME")), null, true);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
