package dev.chorus.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/**
 * A failover's settle or a switchover's catch-up in progress: it is recorded here, the reconcile returns, and later
 * reconciles judge it from fresh observations, so no reconcile waits and an operator restart picks it up.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StepAttempt {
    public static final String SETTLE = "Settle";
    public static final String CATCH_UP = "CatchUp";

    @JsonPropertyDescription("Settle (a failover's last look before choosing the successor) or CatchUp (a "
            + "switchover's target reaching the paused master's offset).")
    private String step;
    @JsonPropertyDescription("When the attempt started (RFC 3339, milliseconds).")
    private String startedAt;
    @JsonPropertyDescription("Pod whose writes the attempt paused (CLIENT PAUSE WRITE); absent when it did not answer.")
    private String pausedPod;
    @JsonPropertyDescription("Replication offset of the paused pod once paused; absent when nothing was paused.")
    private Long pausedOffset;

    public StepAttempt() {
    }

    public StepAttempt(String step, String startedAt, String pausedPod, Long pausedOffset) {
        this.step = step;
        this.startedAt = startedAt;
        this.pausedPod = pausedPod;
        this.pausedOffset = pausedOffset;
    }

    public String getStep() {
        return step;
    }

    public void setStep(String step) {
        this.step = step;
    }

    public String getStartedAt() {
        return startedAt;
    }

    public void setStartedAt(String startedAt) {
        this.startedAt = startedAt;
    }

    public String getPausedPod() {
        return pausedPod;
    }

    public void setPausedPod(String pausedPod) {
        this.pausedPod = pausedPod;
    }

    public Long getPausedOffset() {
        return pausedOffset;
    }

    public void setPausedOffset(Long pausedOffset) {
        this.pausedOffset = pausedOffset;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StepAttempt a && Objects.equals(step, a.step) && Objects.equals(startedAt, a.startedAt)
                && Objects.equals(pausedPod, a.pausedPod) && Objects.equals(pausedOffset, a.pausedOffset);
    }

    @Override
    public int hashCode() {
        return Objects.hash(step, startedAt, pausedPod, pausedOffset);
    }
}
