package dev.chorus.operator.reconciler;

import dev.chorus.operator.api.ReplicaSetStatus;
import dev.chorus.operator.nodeclient.Credentials;
import dev.chorus.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Objects;

/**
 * Nodes that answer but refuse every password the operator has (the Secret's, and during a rotation the previous
 * one): condition Degraded=True with reason {@value #REASON} and an Event. Such a node is up: it is never taken for a
 * failed master (no failover starts because of a password mismatch), and is left alone until a password works.
 */
final class AuthFailures {
    static final String REASON = "AuthenticationFailed";

    private AuthFailures() {
    }

    static void report(Round r, ReplicaSetStatus status, List<String> pods, Credentials credentials) {
        if (pods.isEmpty()) {
            return;
        }
        String secret = r.rs.getSpec().getAuth() == null ? "(none)" : r.rs.getSpec().getAuth().getSecretName();
        String message = String.join(", ", pods) + (pods.size() == 1 ? " refuses " : " refuse ")
                + (credentials.rotating() ? "the password in Secret " + secret + " and every previous one"
                : "the password in Secret " + secret) + ": the operator cannot observe or manage "
                + (pods.size() == 1 ? "it" : "them") + ". No failover is started because of this; set the Secret to "
                + "the password the nodes use";
        long generation = Objects.requireNonNullElse(r.rs.getMetadata().getGeneration(), 0L);
        Condition before = r.rs.getStatus() == null ? null : r.rs.getStatus().getConditions().stream()
                .filter(c -> Conditions.DEGRADED.equals(c.getType())).findFirst().orElse(null);
        Conditions.set(status.getConditions(), Conditions.DEGRADED, true, REASON, message, generation);
        if (r.progress.phase == null) {
            status.setPhase("Degraded");
        }
        if (before == null || !REASON.equals(before.getReason()) || !message.equals(before.getMessage())) {
            r.event("Warning", REASON, message);
        }
    }
}
