package dev.chorus.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.operator.api.AuthStatus;
import dev.chorus.operator.api.AuthStatus.Rotation;
import dev.chorus.operator.nodeclient.NodeAuth;
import dev.chorus.operator.nodeclient.Observation;
import dev.chorus.operator.reconciler.SecretRotationStep.AddPassword;
import dev.chorus.operator.reconciler.SecretRotationStep.Applied;
import dev.chorus.operator.reconciler.SecretRotationStep.Decision;
import dev.chorus.operator.reconciler.SecretRotationStep.Look;
import dev.chorus.operator.reconciler.SecretRotationStep.Move;
import dev.chorus.operator.reconciler.SecretRotationStep.RecordProgress;
import dev.chorus.operator.reconciler.SecretRotationStep.RemoveOld;
import dev.chorus.operator.reconciler.SecretRotationStep.SetMasterauth;
import dev.chorus.operator.topology.NodeState;
import dev.chorus.operator.topology.Role;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretRotationStepTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String OLD = "aaaa";
    private static final String NEW = "bbbb";

    // requirepass-only nodes (the node image): one password each
    private static final NodeAuth RP_OLD = new NodeAuth(false, false, false, true, false);
    private static final NodeAuth RP_NEW_MA_OLD = new NodeAuth(false, false, true, false, false);
    private static final NodeAuth RP_OLD_MA_NEW = new NodeAuth(false, false, false, true, true);
    private static final NodeAuth RP_DONE = new NodeAuth(false, false, true, false, true);
    // ACL nodes (stock Redis): the default user holds a set of passwords
    private static final NodeAuth ACL_OLD = new NodeAuth(false, true, false, true, false);
    private static final NodeAuth ACL_BOTH = new NodeAuth(false, true, true, true, false);
    private static final NodeAuth ACL_BOTH_MA_NEW = new NodeAuth(false, true, true, true, true);
    private static final NodeAuth ACL_DONE = new NodeAuth(false, true, true, false, true);

    private static NodeState node(String pod, int ordinal, Role role) {
        return new NodeState(pod, ordinal, "10.0.0." + (ordinal + 1), true, role, role == Role.REPLICA ? "10.0.0.1"
                : null, 6379, role == Role.REPLICA, 100, "id", 10);
    }

    /** rs-0 master, rs-1 and rs-2 replicas, looked at {@code millis} after T0, with these auth facts. */
    private static Observation seen(long millis, NodeAuth a0, NodeAuth a1, NodeAuth a2) {
        List<NodeState> nodes = List.of(node("rs-0", 0, Role.MASTER), node("rs-1", 1, Role.REPLICA),
                node("rs-2", 2, Role.REPLICA));
        Map<String, Instant> at = new HashMap<>();
        nodes.forEach(n -> at.put(n.pod(), T0.plusMillis(millis)));
        return new Observation(nodes, at, Map.of("rs-0", a0, "rs-1", a1, "rs-2", a2));
    }

    private static AuthStatus inFlight(String phase, long lastStepMillis) {
        return new AuthStatus(OLD, null, new Rotation(phase, NEW, T0.toString(),
                T0.plusMillis(lastStepMillis).toString()));
    }

    private static List<Move> nodeMoves(Decision d) {
        return d.moves().stream().filter(m -> m instanceof AddPassword || m instanceof SetMasterauth
                || m instanceof RemoveOld).toList();
    }

    private static Rotation recorded(Decision d) {
        return d.moves().stream().filter(m -> m instanceof RecordProgress).map(m -> ((RecordProgress) m).rotation())
                .reduce((a, b) -> b).orElse(null);
    }

    @Test
    void withoutARotationTheAppliedPasswordIsRecordedOnceAndThenNothing() {
        Observation obs = seen(0, NodeAuth.SETTLED, NodeAuth.SETTLED, NodeAuth.SETTLED);
        Decision first = SecretRotationStep.decide(obs, null, T0, "rs-0", false, NEW, true);
        assertThat(first.moves()).containsExactly(new Applied(NEW, false, null));
        assertThat(first.busy()).isFalse();
        Decision steady = SecretRotationStep.decide(obs, new AuthStatus(NEW, null, null), T0, "rs-0", false, NEW, true);
        assertThat(steady.moves()).isEmpty();
        assertThat(steady.applied()).isFalse();
    }

    @Test
    void requirepassOnlyTheMasterSwitchesFirstAndAloneAndNothingIsRendered() {
        Decision d = SecretRotationStep.decide(seen(0, RP_OLD, RP_OLD, RP_OLD), new AuthStatus(OLD, null, null),
                T0, "rs-0", true, NEW, true);
        assertThat(nodeMoves(d)).containsExactly(new AddPassword("rs-0", false));
        assertThat(recorded(d).getPhase()).isEqualTo(Rotation.ADDING);
        assertThat(recorded(d).getLastStepAt()).isEqualTo(T0.toString());
        assertThat(d.moves()).last().isInstanceOf(Look.class);
        assertThat(d.busy()).isTrue();
        assertThat(d.applied()).isFalse();
        // the progress is recorded before the node is changed
        assertThat(d.moves().indexOf(d.moves().stream().filter(m -> m instanceof RecordProgress).findFirst()
                .orElseThrow())).isLessThan(d.moves().indexOf(new AddPassword("rs-0", false)));
    }

    @Test
    void requirepassOnlyReplicasTakeMasterauthThenRequirepassOnceTheMasterHasTheNewPassword() {
        Decision d = SecretRotationStep.decide(seen(10, RP_NEW_MA_OLD, RP_OLD, RP_OLD_MA_NEW),
                inFlight(Rotation.ADDING, 5), T0.plusMillis(20), "rs-0", true, NEW, true);
        assertThat(nodeMoves(d)).containsExactly(new SetMasterauth("rs-1"), new AddPassword("rs-1", false),
                new AddPassword("rs-2", false), new SetMasterauth("rs-0"));
        assertThat(recorded(d).getPhase()).isEqualTo(Rotation.SWITCHING);
        assertThat(recorded(d).getStartedAt()).isEqualTo(T0.toString());
    }

    @Test
    void noReplicaIsToldTheNewMasterauthBeforeTheMasterTakesIt() {
        // a stale view, or a master restarted from its (old) rendered file: it goes first again
        Decision d = SecretRotationStep.decide(seen(10, RP_OLD, RP_DONE, RP_OLD), inFlight(Rotation.SWITCHING, 5),
                T0.plusMillis(20), "rs-0", true, NEW, true);
        assertThat(nodeMoves(d)).containsExactly(new AddPassword("rs-0", false));
    }

    @Test
    void requirepassOnlyEveryNodeDoneCompletesAndRendersTheNewPassword() {
        Decision d = SecretRotationStep.decide(seen(10, RP_DONE, RP_DONE, RP_DONE), inFlight(Rotation.SWITCHING, 5),
                T0.plusMillis(20), "rs-0", true, NEW, true);
        assertThat(nodeMoves(d)).isEmpty();
        assertThat(d.applied()).isTrue();
        assertThat(d.busy()).isFalse();
        assertThat(d.moves()).singleElement().isInstanceOfSatisfying(Applied.class, a -> {
            assertThat(a.passwordHash()).isEqualTo(NEW);
            assertThat(a.rotated()).isTrue();
        });
    }

    @Test
    void withAclEveryNodeTakesBothPasswordsBeforeAnyMasterauthChanges() {
        Decision d = SecretRotationStep.decide(seen(0, ACL_OLD, ACL_BOTH, ACL_OLD), new AuthStatus(OLD, null, null),
                T0, "rs-0", true, NEW, true);
        assertThat(nodeMoves(d)).containsExactly(new AddPassword("rs-0", true), new AddPassword("rs-2", true));
        assertThat(d.moves()).anyMatch(m -> m instanceof SecretRotationStep.Event e
                && e.reason().equals("RotatingPassword"));
    }

    @Test
    void withAclMasterauthThenTheOldPasswordGoesThenDone() {
        Decision switching = SecretRotationStep.decide(seen(10, ACL_BOTH, ACL_BOTH, ACL_BOTH_MA_NEW),
                inFlight(Rotation.ADDING, 5), T0.plusMillis(20), "rs-0", true, NEW, true);
        assertThat(nodeMoves(switching)).containsExactly(new SetMasterauth("rs-1"), new SetMasterauth("rs-0"));

        Decision removing = SecretRotationStep.decide(seen(30, ACL_BOTH_MA_NEW, ACL_DONE, ACL_BOTH_MA_NEW),
                inFlight(Rotation.SWITCHING, 25), T0.plusMillis(40), "rs-0", true, NEW, true);
        assertThat(nodeMoves(removing)).containsExactly(new RemoveOld("rs-0"), new RemoveOld("rs-2"));
        assertThat(recorded(removing).getPhase()).isEqualTo(Rotation.REMOVING);

        Decision done = SecretRotationStep.decide(seen(50, ACL_DONE, ACL_DONE, ACL_DONE),
                inFlight(Rotation.REMOVING, 45), T0.plusMillis(60), "rs-0", true, NEW, true);
        assertThat(done.applied()).isTrue();
    }

    @Test
    void looksStartedBeforeTheLastStepAreNotJudged() {
        Decision d = SecretRotationStep.decide(seen(4, RP_OLD, RP_OLD, RP_OLD), inFlight(Rotation.ADDING, 5),
                T0.plusMillis(20), "rs-0", true, NEW, true);
        assertThat(nodeMoves(d)).isEmpty();
        assertThat(d.moves()).anyMatch(m -> m instanceof Look);
        assertThat(d.busy()).isTrue();
        assertThat(d.recheck()).isEqualTo(SecretRotationStep.STEP_RECHECK);
    }

    @Test
    void aNodeThatDoesNotAnswerHoldsTheRotationWithNothingChanged() {
        List<NodeState> nodes = List.of(node("rs-0", 0, Role.MASTER), node("rs-1", 1, Role.REPLICA),
                NodeState.unreachable("rs-2", 2, "10.0.0.3", false));
        Map<String, Instant> at = new HashMap<>();
        nodes.forEach(n -> at.put(n.pod(), T0));
        Observation obs = new Observation(nodes, at, Map.of("rs-0", RP_OLD, "rs-1", RP_OLD,
                "rs-2", NodeAuth.UNKNOWN));
        Decision d = SecretRotationStep.decide(obs, new AuthStatus(OLD, null, null), T0, "rs-0", true, NEW, true);
        assertThat(nodeMoves(d)).isEmpty();
        assertThat(recorded(d).getPhase()).isEqualTo(Rotation.WAITING);
        assertThat(d.applied()).isFalse();
        assertThat(d.recheck()).isEqualTo(SecretRotationStep.WAITING_RECHECK);
        // a node refusing both passwords holds it too
        Decision failed = SecretRotationStep.decide(seen(0, RP_OLD, NodeAuth.FAILED, RP_OLD),
                new AuthStatus(OLD, null, null), T0, "rs-0", true, NEW, true);
        assertThat(nodeMoves(failed)).isEmpty();
        assertThat(recorded(failed).getPhase()).isEqualTo(Rotation.WAITING);
    }

    @Test
    void aSecretChangedAgainMidRotationRestartsTheRotationTowardsTheLatestPassword() {
        AuthStatus toOther = new AuthStatus(OLD, null, new Rotation(Rotation.SWITCHING, "cccc", T0.toString(),
                T0.toString()));
        Decision d = SecretRotationStep.decide(seen(10, RP_OLD, RP_OLD, RP_OLD), toOther, T0.plusMillis(20),
                "rs-0", true, NEW, true);
        assertThat(recorded(d).getTargetPasswordHash()).isEqualTo(NEW);
        assertThat(recorded(d).getStartedAt()).isEqualTo(T0.plusMillis(20).toString());
        assertThat(nodeMoves(d)).containsExactly(new AddPassword("rs-0", false));
    }

    @Test
    void aSecretSetBackToTheAppliedPasswordDropsTheRotation() {
        Decision d = SecretRotationStep.decide(seen(0, NodeAuth.SETTLED, NodeAuth.SETTLED, NodeAuth.SETTLED),
                inFlight(Rotation.ADDING, 0), T0, "rs-0", false, OLD, true);
        assertThat(d.moves()).singleElement().isInstanceOfSatisfying(Applied.class, a -> {
            assertThat(a.passwordHash()).isEqualTo(OLD);
            assertThat(a.rotated()).isFalse();
            assertThat(a.message()).contains("dropped");
        });
    }

    @Test
    void noNodeIsChangedBeforeTheNewPasswordIsKeptInOurAuthSecret() {
        Decision d = SecretRotationStep.decide(seen(0, RP_OLD, RP_OLD, RP_OLD), new AuthStatus(OLD, null, null), T0,
                "rs-0", true, NEW, false);
        assertThat(nodeMoves(d)).isEmpty();
        assertThat(recorded(d).getPhase()).isEqualTo(Rotation.ADDING);
        assertThat(d.busy()).isTrue();
        assertThat(d.recheck()).isEqualTo(SecretRotationStep.RECORD_RECHECK);
        // once it is there, the same rotation (same start) goes on
        Decision next = SecretRotationStep.decide(seen(10, RP_OLD, RP_OLD, RP_OLD),
                new AuthStatus(OLD, null, recorded(d)), T0.plusMillis(20), "rs-0", true, NEW, true);
        assertThat(nodeMoves(next)).containsExactly(new AddPassword("rs-0", false));
        assertThat(recorded(next).getStartedAt()).isEqualTo(T0.toString());
        assertThat(next.moves()).noneMatch(m -> m instanceof SecretRotationStep.Event);
    }
}
