package dev.chorus.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** The password the nodes use (never the password itself) and a rotation to a new one in flight. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AuthStatus {
    @JsonPropertyDescription("Fingerprint of the password the nodes are configured with: the first 16 hex digits of "
            + "SHA-256 over the ReplicaSet's UID and the password (the password itself is never in status).")
    private String appliedPasswordHash;
    @JsonPropertyDescription("When the last password rotation completed (RFC 3339).")
    private String rotatedAt;
    @JsonPropertyDescription("A rotation to the password now in the user's Secret; absent when none is in progress.")
    private Rotation rotation;

    public AuthStatus() {
    }

    public AuthStatus(String appliedPasswordHash, String rotatedAt, Rotation rotation) {
        this.appliedPasswordHash = appliedPasswordHash;
        this.rotatedAt = rotatedAt;
        this.rotation = rotation;
    }

    public String getAppliedPasswordHash() {
        return appliedPasswordHash;
    }

    public void setAppliedPasswordHash(String appliedPasswordHash) {
        this.appliedPasswordHash = appliedPasswordHash;
    }

    public String getRotatedAt() {
        return rotatedAt;
    }

    public void setRotatedAt(String rotatedAt) {
        this.rotatedAt = rotatedAt;
    }

    public Rotation getRotation() {
        return rotation;
    }

    public void setRotation(Rotation rotation) {
        this.rotation = rotation;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthStatus a && Objects.equals(appliedPasswordHash, a.appliedPasswordHash)
                && Objects.equals(rotatedAt, a.rotatedAt) && Objects.equals(rotation, a.rotation);
    }

    @Override
    public int hashCode() {
        return Objects.hash(appliedPasswordHash, rotatedAt, rotation);
    }

    /** A rotation in progress: recorded before each step acts, so a restarted operator picks it up. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Rotation {
        public static final String ADDING = "AddingPassword";
        public static final String SWITCHING = "SwitchingReplication";
        public static final String REMOVING = "RemovingOldPassword";
        public static final String WAITING = "WaitingForNodes";

        @JsonPropertyDescription("AddingPassword (nodes take the new password besides the old one, or the master "
                + "takes it first without ACLs), SwitchingReplication (masterauth, and requirepass on replicas without "
                + "ACLs), RemovingOldPassword, or WaitingForNodes (a node is not reachable: nothing is changed).")
        private String phase;
        @JsonPropertyDescription("Fingerprint of the password being rotated to (see appliedPasswordHash).")
        private String targetPasswordHash;
        @JsonPropertyDescription("When the rotation started (RFC 3339).")
        private String startedAt;
        @JsonPropertyDescription("When the operator last changed a node (RFC 3339, milliseconds): the next step "
                + "waits for looks at the nodes started after it.")
        private String lastStepAt;

        public Rotation() {
        }

        public Rotation(String phase, String targetPasswordHash, String startedAt, String lastStepAt) {
            this.phase = phase;
            this.targetPasswordHash = targetPasswordHash;
            this.startedAt = startedAt;
            this.lastStepAt = lastStepAt;
        }

        public String getPhase() {
            return phase;
        }

        public void setPhase(String phase) {
            this.phase = phase;
        }

        public String getTargetPasswordHash() {
            return targetPasswordHash;
        }

        public void setTargetPasswordHash(String targetPasswordHash) {
            this.targetPasswordHash = targetPasswordHash;
        }

        public String getStartedAt() {
            return startedAt;
        }

        public void setStartedAt(String startedAt) {
            this.startedAt = startedAt;
        }

        public String getLastStepAt() {
            return lastStepAt;
        }

        public void setLastStepAt(String lastStepAt) {
            this.lastStepAt = lastStepAt;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Rotation r && Objects.equals(phase, r.phase)
                    && Objects.equals(targetPasswordHash, r.targetPasswordHash)
                    && Objects.equals(startedAt, r.startedAt) && Objects.equals(lastStepAt, r.lastStepAt);
        }

        @Override
        public int hashCode() {
            return Objects.hash(phase, targetPasswordHash, startedAt, lastStepAt);
        }
    }
}
