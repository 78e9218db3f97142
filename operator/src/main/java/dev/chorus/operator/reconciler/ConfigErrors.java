package dev.chorus.operator.reconciler;

import dev.chorus.operator.api.ConfigRefusal;
import dev.chorus.operator.api.ReplicaSetStatus;
import dev.chorus.operator.config.DirectiveCheck;
import dev.chorus.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Config the nodes cannot take, surfaced as condition Degraded=True with reason {@value #REASON} and an Event carrying
 * the same message: spec.config values Redis' parsing rules refuse ({@link DirectiveCheck}; they are kept out of the
 * files and CONFIG SET), a value a running node refused at CONFIG SET, and a node that exited with Redis' "FATAL
 * CONFIG FILE ERROR" (read from its container's termination message: the pods use FallbackToLogsOnError).
 */
final class ConfigErrors {
    static final String REASON = "InvalidConfig";
    static final String FATAL = "FATAL CONFIG FILE ERROR";
    /** Kubernetes caps condition messages at 32 KiB; a few lines per problem are plenty. */
    private static final int MAX_MESSAGE = 4000;

    private ConfigErrors() {
    }

    /** Every config problem of this round, one sentence each; empty when there is none. */
    static List<String> problems(Round r, String rejectedAtRuntime) {
        List<String> out = new ArrayList<>();
        for (String e : DirectiveCheck.errors(r.rs.getSpec().getConfig())) {
            out.add("spec.config " + e + " (refused: not applied to any node)");
        }
        if (rejectedAtRuntime != null) {
            out.add(rejectedAtRuntime);
        }
        for (Pod pod : r.pods) {
            String fatal = fatalConfigError(pod);
            if (fatal != null) {
                out.add(pod.getMetadata().getName() + " cannot start: " + fatal);
            }
        }
        return out;
    }

    /**
     * The node's own FATAL CONFIG FILE ERROR report (from the line naming it to the end, on one line) when its
     * container is not running and last ended with it; null otherwise.
     */
    static String fatalConfigError(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return null;
        }
        for (ContainerStatus c : pod.getStatus().getContainerStatuses()) {
            if (c.getState() != null && c.getState().getRunning() != null) {
                continue;
            }
            for (ContainerStateTerminated t : new ContainerStateTerminated[] {
                    c.getState() == null ? null : c.getState().getTerminated(),
                    c.getLastState() == null ? null : c.getLastState().getTerminated()}) {
                String m = t == null ? null : t.getMessage();
                int at = m == null ? -1 : m.indexOf(FATAL);
                if (at >= 0) {
                    int lineStart = m.lastIndexOf('\n', at) + 1;
                    return String.join(" ", m.substring(lineStart).strip().lines().map(String::strip)
                            .filter(l -> !l.isEmpty()).toList());
                }
            }
        }
        return null;
    }

    /**
     * What each recorded refusal means, one sentence each, in one string (null: none). {@code master} tells whether the
     * master was the node that refused (a change only some nodes refuse never reaches it).
     */
    static String refusals(List<ConfigRefusal> refused, String master) {
        if (refused.isEmpty()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (ConfigRefusal r : refused) {
            out.add(r.getPod() + " refused spec.config " + r.getDirective() + " \"" + r.getValue() + "\": "
                    + r.getMessage() + " (not applied to the nodes after it" + (r.getPod().equals(master) ? ""
                    : "; the master keeps its value") + "; the nodes and the rendered files keep "
                    + (r.getKeptValue() == null ? "their value" : "\"" + r.getKeptValue() + "\"") + ")");
        }
        return String.join("; ", out);
    }

    /** Sets Degraded/InvalidConfig and tells it in an Event when the message is new (not on every resync). */
    static void report(Round r, ReplicaSetStatus status, List<String> problems) {
        if (problems.isEmpty()) {
            return;
        }
        String message = String.join("; ", problems);
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + "...";
        }
        long generation = Objects.requireNonNullElse(r.rs.getMetadata().getGeneration(), 0L);
        Condition before = r.rs.getStatus() == null ? null : r.rs.getStatus().getConditions().stream()
                .filter(c -> Conditions.DEGRADED.equals(c.getType())).findFirst().orElse(null);
        Conditions.set(status.getConditions(), Conditions.DEGRADED, true, REASON, message, generation);
        if (before == null || !REASON.equals(before.getReason()) || !message.equals(before.getMessage())) {
            r.event("Warning", REASON, message);
        }
    }
}
