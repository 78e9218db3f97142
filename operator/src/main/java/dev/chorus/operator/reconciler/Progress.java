package dev.chorus.operator.reconciler;

import dev.chorus.operator.api.AuthStatus;
import dev.chorus.operator.api.ConfigRefusal;
import dev.chorus.operator.api.ReplicaSetStatus;
import java.util.ArrayList;
import java.util.List;
import dev.chorus.operator.api.StepAttempt;

/**
 * What the operator has recorded in status about the master and any change in flight. Each step of a failover or
 * switchover is written here before it acts, so an operator that restarts half-way picks up where it was.
 */
final class Progress {
    String master;
    String masterFailingSince;
    String targetMaster;
    /** The pod a rolling update last restarted (its UID): the next restart waits until the informer saw it go. */
    String updateRestartedPodUid;
    /** A settle or catch-up in progress (null: none). */
    StepAttempt attempt;
    /** The applied password's fingerprint and a password rotation in flight (null: no spec.auth). */
    AuthStatus auth;
    /** spec.config values a node refused at CONFIG SET, still asked for (empty: none). */
    List<ConfigRefusal> configRefused = new ArrayList<>();
    /** Phase to report instead of the one derived from the nodes while a change is in flight (null: none). */
    String phase;

    static Progress of(ReplicaSetStatus status) {
        Progress p = new Progress();
        if (status != null) {
            p.master = status.getMaster();
            p.masterFailingSince = status.getMasterFailingSince();
            p.targetMaster = status.getTargetMaster();
            p.updateRestartedPodUid = status.getUpdateRestartedPodUid();
            p.attempt = status.getStepAttempt();
            p.auth = status.getAuth();
            if (status.getConfigRefused() != null) {
                p.configRefused = new ArrayList<>(status.getConfigRefused());
            }
        }
        return p;
    }

    void copyTo(ReplicaSetStatus status) {
        status.setMaster(master);
        status.setMasterFailingSince(masterFailingSince);
        status.setTargetMaster(targetMaster);
        status.setUpdateRestartedPodUid(updateRestartedPodUid);
        status.setStepAttempt(attempt);
        status.setAuth(auth);
        status.setConfigRefused(configRefused.isEmpty() ? null : List.copyOf(configRefused));
    }
}
