package dev.chorus.operator.reconciler;

import dev.chorus.operator.api.AuthStatus;
import dev.chorus.operator.api.AuthStatus.Rotation;
import dev.chorus.operator.nodeclient.NodeAuth;
import dev.chorus.operator.nodeclient.Observation;
import dev.chorus.operator.topology.NodeState;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Live rotation of the password in the user's Secret, in an order that never locks the operator or replication out.
 * The previous password is the one in our rendered auth file, which keeps it until the rotation completes, so a pod
 * that restarts half-way starts with a password its peers still take, and an operator that restarts half-way still
 * knows it. The password a rotation heads to is written beside it (in our auth Secret, never in status) before any
 * node gets it, and stays there until a rotation completes: a Secret changed again half-way (to a third password, or
 * back) starts a rotation to the latest one while the operator still has every password a node may have. Each step is judged from the nodes' own answers ({@link NodeAuth}) and is safe to repeat:
 * <ol>
 * <li>The new password is added. With ACLs (stock Redis: ACL WHOAMI answers) every node takes it as a second password
 * of the default user, beside the old one. Without (the node image: requirepass only, one password per server) the
 * master alone switches its requirepass: authenticated connections, its replicas' links included, stay; a replica
 * that reconnects meanwhile fails AUTH with its old masterauth and retries every second until the next step.</li>
 * <li>Once the master takes the new password: masterauth becomes the new password on every node (the replicas first;
 * the master's own matters when it is demoted one day), and without ACLs each replica's requirepass switches too. A
 * link in place is not re-authenticated: replication goes on with no resync at all; one that reconnects continues
 * with a partial one.</li>
 * <li>With ACLs, every node keeps the new password only (ACL SETUSER default resetpass &gt;new).</li>
 * <li>Done: the rendered auth file carries the new password (so restarts use it), status and an Event say so.</li>
 * </ol>
 * A node that is not reachable holds the rotation (WaitingForNodes): nothing is changed until it can be.
 */
final class SecretRotationStep {
    private static final Logger LOG = Logger.getLogger(SecretRotationStep.class);
    /** How often to look while a node holds the rotation up. */
    static final Duration WAITING_RECHECK = Duration.ofSeconds(1);
    /** While a step waits for looks at the nodes started after it changed them. */
    static final Duration STEP_RECHECK = Duration.ofMillis(20);
    /** While the new password is being written to our auth Secret (its informer's event also triggers a reconcile). */
    static final Duration RECORD_RECHECK = Duration.ofMillis(200);

    private SecretRotationStep() {
    }

    /** What the rotation asks for; the executor applies them in order. */
    sealed interface Move {
    }

    /** Records the rotation's progress in status (null: none in flight) before any node is changed. */
    record RecordProgress(Rotation rotation) implements Move {
    }

    /** Makes {@code pod} take the new password (ACL: beside the old one; requirepass: instead of it). */
    record AddPassword(String pod, boolean acl) implements Move {
    }

    /** CONFIG SET masterauth new on {@code pod}. */
    record SetMasterauth(String pod) implements Move {
    }

    /** ACL SETUSER default resetpass &gt;new on {@code pod}: the new password only. */
    record RemoveOld(String pod) implements Move {
    }

    /** Asks the node source for a look at every node now. */
    record Look() implements Move {
    }

    /**
     * The nodes use {@code passwordHash}'s password: recorded as applied, the rendered auth file carries it from now
     * on; {@code message} (null: none) is told in an Event.
     */
    record Applied(String passwordHash, boolean rotated, String message) implements Move {
    }

    record Event(String type, String reason, String message) implements Move {
    }

    /** The moves of one decide; busy: come back after {@code recheck}. */
    record Decision(List<Move> moves, boolean busy, Duration recheck) {
        /** The rendered auth file is to carry the new password from this round on. */
        boolean applied() {
            return moves.stream().anyMatch(m -> m instanceof Applied);
        }
    }

    /**
     * Pure: the next move of a rotation.
     *
     * @param rotating    the user's Secret holds a password other than the one the nodes were configured with
     * @param newHash     fingerprint of the user's password (the target)
     * @param master      the recorded master (null: none yet)
     * @param targetRecorded our auth Secret already keeps the new password among those in flight (so no node gets a
     *                       password the operator could lose)
     */
    static Decision decide(Observation obs, AuthStatus auth, Instant now, String master, boolean rotating,
                           String newHash, boolean targetRecorded) {
        Rotation r = auth == null ? null : auth.getRotation();
        List<Move> out = new ArrayList<>();
        if (!rotating) {
            // No rotation asked (or the Secret went back to the password the nodes have): the nodes use newHash's.
            if (auth == null || r != null || !newHash.equals(auth.getAppliedPasswordHash())) {
                out.add(new Applied(newHash, false, r == null ? null : "Password rotation dropped: the Secret holds "
                        + "the password the nodes use again"));
            }
            return new Decision(out, false, null);
        }
        if (r == null || !newHash.equals(r.getTargetPasswordHash())) {
            r = new Rotation(Rotation.ADDING, newHash, stamp(now), null);
            out.add(new Event("Normal", "RotatingPassword", "The password in the Secret changed: rotating the nodes "
                    + "to it (they keep taking the previous one until every node has the new one)"));
        }
        if (!targetRecorded) {
            // This round renders it into our auth Secret; no node is changed before that is written
            out.add(new RecordProgress(r));
            return new Decision(out, true, RECORD_RECHECK);
        }
        if (r.getLastStepAt() != null) {
            Instant last = Instant.parse(r.getLastStepAt());
            boolean stale = obs.nodes().stream().anyMatch(n -> n.ip() != null && obs.polledAt(n.pod()).isBefore(last));
            if (stale) {
                out.add(new RecordProgress(r));
                out.add(new Look());
                return new Decision(out, true, STEP_RECHECK);
            }
        }
        List<String> waiting = obs.nodes().stream().filter(n -> n.ip() == null || !n.reachable()
                || obs.auth(n.pod()).equals(NodeAuth.UNKNOWN) || obs.auth(n.pod()).failed()).map(NodeState::pod)
                .toList();
        if (master == null || obs.node(master) == null || !waiting.isEmpty()) {
            if (!Rotation.WAITING.equals(r.getPhase())) {
                out.add(new Event("Normal", "RotationWaiting", "Password rotation waits for "
                        + (waiting.isEmpty() ? "a master" : String.join(", ", waiting)) + " to answer; no node is "
                        + "changed meanwhile"));
            }
            out.add(new RecordProgress(new Rotation(Rotation.WAITING, newHash, r.getStartedAt(), r.getLastStepAt())));
            return new Decision(out, true, WAITING_RECHECK);
        }
        NodeAuth m = obs.auth(master);
        List<Move> steps = new ArrayList<>();
        String phase;
        // 1. The new password is taken: by every node beside the old one (ACL), or by the master instead (requirepass)
        for (NodeState n : obs.nodes()) {
            NodeAuth a = obs.auth(n.pod());
            if (a.acl() && !a.acceptsNew()) {
                steps.add(new AddPassword(n.pod(), true));
            }
        }
        if (!m.acl() && !m.acceptsNew()) {
            steps.add(new AddPassword(master, false));
        }
        phase = Rotation.ADDING;
        if (steps.isEmpty()) {
            // 2. The master takes it: replicas (then the master) use it towards their master; requirepass switches
            for (NodeState n : obs.nodes()) {
                if (n.pod().equals(master)) {
                    continue;
                }
                NodeAuth a = obs.auth(n.pod());
                if (!a.masterauthNew()) {
                    steps.add(new SetMasterauth(n.pod()));
                }
                if (!a.acl() && !a.acceptsNew()) {
                    steps.add(new AddPassword(n.pod(), false));
                }
            }
            if (!m.masterauthNew()) {
                steps.add(new SetMasterauth(master));
            }
            phase = Rotation.SWITCHING;
        }
        if (steps.isEmpty()) {
            // 3. Everyone uses the new password: the old one goes
            for (NodeState n : obs.nodes()) {
                NodeAuth a = obs.auth(n.pod());
                if (a.acl() && a.acceptsOld()) {
                    steps.add(new RemoveOld(n.pod()));
                }
            }
            phase = Rotation.REMOVING;
        }
        if (steps.isEmpty()) {
            out.add(new Applied(newHash, true, "Password rotation done: every node takes only the new password, "
                    + "replicates with it, and restarts with it (started " + r.getStartedAt() + ")"));
            return new Decision(out, false, null);
        }
        out.add(new RecordProgress(new Rotation(phase, newHash, r.getStartedAt(), stamp(now))));
        out.addAll(steps);
        out.add(new Look());
        return new Decision(out, true, STEP_RECHECK);
    }

    private static String stamp(Instant now) {
        return now.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /**
     * Decides and applies. Returns the decision; {@link Decision#applied()} tells the reconcile to render the new
     * password from this round on.
     */
    static Decision run(Round r, StepExecutor executor, boolean rotating, String newHash, boolean targetRecorded) {
        Progress p = r.progress;
        Instant now = executor.now();
        Decision d = decide(r.observation, p.auth, now, p.master, rotating, newHash, targetRecorded);
        for (Move move : d.moves()) {
            if (move instanceof RecordProgress rec) {
                boolean changed = p.auth == null || !java.util.Objects.equals(p.auth.getRotation(), rec.rotation());
                p.auth = new AuthStatus(p.auth == null ? null : p.auth.getAppliedPasswordHash(),
                        p.auth == null ? null : p.auth.getRotatedAt(), rec.rotation());
                if (changed) {
                    r.record(); // before any node is changed
                }
            } else if (move instanceof Applied a) {
                String at = a.rotated() ? stamp(now) : p.auth == null ? null : p.auth.getRotatedAt();
                p.auth = new AuthStatus(a.passwordHash(), at, null);
                if (a.message() != null) {
                    LOG.infof("%s: %s", r.name(), a.message());
                    r.event("Normal", a.rotated() ? "PasswordRotated" : "RotationDropped", a.message());
                }
            } else if (move instanceof Event e) {
                r.event(e.type(), e.reason(), e.message());
            } else if (move instanceof Look) {
                r.nodesPoll.run();
            } else {
                node(r, move);
            }
        }
        return d;
    }

    private static void node(Round r, Move move) {
        String pod = move instanceof AddPassword a ? a.pod() : move instanceof SetMasterauth s ? s.pod()
                : ((RemoveOld) move).pod();
        NodeState n = r.node(pod);
        if (n == null || n.ip() == null) {
            return;
        }
        try {
            if (move instanceof AddPassword a) {
                r.nodes.addNewPassword(n.ip(), r.port, a.acl());
            } else if (move instanceof SetMasterauth) {
                r.nodes.setMasterauth(n.ip(), r.port);
            } else {
                r.nodes.removePreviousPasswords(n.ip(), r.port);
            }
            LOG.infof("%s: password rotation: %s", r.name(), move);
        } catch (RuntimeException e) {
            LOG.warnf("%s: password rotation: %s failed: %s", r.name(), move, e.getMessage());
        }
    }
}
