package dev.chorus.operator.chaos;

import static dev.chorus.operator.reconciler.ReplicaSetFixture.info;
import static dev.chorus.operator.reconciler.ReplicaSetFixture.podIp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chorus.e2e.LocalKubernetes;
import dev.chorus.e2e.TestCluster;
import dev.chorus.operator.api.ReplicaSet;
import dev.chorus.operator.api.ReplicaSetStatus;
import dev.chorus.operator.reconciler.WithOperator;
import dev.chorus.operator.reconciler.ReplicaSetFixture;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * A live rotation of the password in the user's Secret, under continuous acknowledged writes, with both images: no
 * failover, no full resync, the old password gone from every node and the rendered file at the end, and a client using
 * the new password writes without a single error once the rotation is reported done. And a password nobody told the
 * operator: AuthenticationFailed, and no failover.
 */
@LocalKubernetes(shared = true)
@WithOperator
class SecretRotationIT {
    private static final String NAME = "rot";
    private static final String SECRET = "rot-password";
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"node", "redis"})
    void aRotationUnderLoadNeitherFailsOverNorResyncsNorFailsANewPasswordClient(String kind, TestCluster cluster) {
        KubernetesClient admin = cluster.admin();
        String ns = "rotation-" + kind;
        ReplicaSetFixture.setPassword(admin, ns, SECRET, "old-pass");
        ReplicaSetFixture.create(admin, ns, NAME, ChaosScenario.image(cluster, kind), 3,
                ReplicaSetFixture.auth(SECRET));
        ReplicaSetStatus before = ChaosSets.awaitReady(admin, ns, NAME, Duration.ofSeconds(120));
        await("replicas attached").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> ReplicaSetFixture.replicasFollow(admin, ns, ReplicaSetFixture.get(admin, ns, NAME)
                        .getStatus(), "old-pass"));
        String master = before.getMaster();
        String appliedBefore = before.getAuth().getAppliedPasswordHash();
        Map<String, Long> fullSyncsBefore = fullSyncs(admin, ns, before, "old-pass");

        try (AckedWriter oldClient = AckedWriter.start(admin, ns, NAME, ChaosSets.PORT, "old", 5, () -> "old-pass")) {
            await("writes with the old password").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> oldClient.ackedCount() >= 50);
            long rotatedFrom = System.nanoTime();
            int eventsBefore = ChaosSets.eventReasons(admin, ns, NAME).size();
            ReplicaSetFixture.setPassword(admin, ns, SECRET, "new-pass");
            awaitUntil(admin, ns, "rotation reported done in status, new password rendered", Duration.ofSeconds(90),
                    () -> {
                        ReplicaSet rs = ReplicaSetFixture.get(admin, ns, NAME);
                        var auth = rs.getStatus().getAuth();
                        return auth != null && auth.getRotation() == null && auth.getRotatedAt() != null
                                && !appliedBefore.equals(auth.getAppliedPasswordHash())
                                && "new-pass".equals(ReplicaSetFixture.renderedPassword(admin, ns, NAME));
                    });
            List<String> all = ChaosSets.eventReasons(admin, ns, NAME);
            List<String> reasons = all.subList(eventsBefore, all.size());
            assertThat(reasons).as(ChaosSets.eventLog(admin, ns, NAME)).contains("RotatingPassword", "PasswordRotated")
                    .doesNotContain("FailingOver", "Promoted", "Demoted", "AuthenticationFailed");
            ReplicaSetStatus after = ReplicaSetFixture.get(admin, ns, NAME).getStatus();
            assertThat(after.getMaster()).as("no failover").isEqualTo(master);
            assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(after.getAuth())).doesNotContain("new-pass").doesNotContain("old-pass");

            // The connection opened with the old password before the rotation stays up and keeps writing
            await("the old-password client still acknowledged").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100)).until(() -> oldClient.ackedSince(rotatedFrom) >= 100);
            assertThat(oldClient.errors()).as("errors of the client connected before the rotation: "
                    + oldClient.summary()).isZero();

            // Every node takes the new password only
            for (var n : after.getNodes()) {
                String ip = podIp(admin, ns, n.getName());
                assertThatThrownBy(() -> ReplicaSetFixture.connect(ip, "old-pass").ping())
                        .as(n.getName() + " refuses the old password").hasMessageContaining("WRONGPASS");
                try (Jedis j = ReplicaSetFixture.connect(ip, "new-pass")) {
                    assertThat(j.ping()).isEqualTo("PONG");
                }
            }

            try (AckedWriter newClient = AckedWriter.start(admin, ns, NAME, ChaosSets.PORT, "new", 5,
                    () -> "new-pass")) {
                await("writes with the new password").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(100)).until(() -> newClient.ackedCount() >= 200);
                assertThat(newClient.errors()).as("failed writes of a new-password client: " + newClient.summary())
                        .isZero();
            }
        }
        ReplicaSetStatus end = ReplicaSetFixture.get(admin, ns, NAME).getStatus();
        assertThat(ReplicaSetFixture.replicasFollow(admin, ns, end, "new-pass")).as("replicas linked").isTrue();
        assertThat(fullSyncs(admin, ns, end, "new-pass")).as("sync_full of every node: no full resync")
                .isEqualTo(fullSyncsBefore);
        ChaosSets.deleteNamespace(admin, ns);
    }

    /**
     * The nodes' password changed behind the operator's back, to one no Secret holds: the operator says so
     * (Degraded/AuthenticationFailed and an Event) and fails nothing over, however long it lasts; once the Secret holds
     * that password, the operator takes it (a rotation with nothing left to change) and all is well again.
     */
    @Test
    void aPasswordNobodyToldTheOperatorIsAuthenticationFailedNeverAFailover(TestCluster cluster) {
        KubernetesClient admin = cluster.admin();
        String ns = "rotation-authfail";
        ReplicaSetFixture.setPassword(admin, ns, SECRET, "known");
        ReplicaSetFixture.create(admin, ns, NAME, cluster.nodeImage(), 3, ReplicaSetFixture.auth(SECRET));
        ReplicaSetStatus before = ChaosSets.awaitReady(admin, ns, NAME, Duration.ofSeconds(120));
        String master = before.getMaster();
        int eventsBefore = ChaosSets.eventReasons(admin, ns, NAME).size();

        // masterauth everywhere first, then requirepass, then drop every client (the operator's connections too)
        List<String> ips = before.getNodes().stream().map(n -> podIp(admin, ns, n.getName())).toList();
        for (String ip : ips) {
            try (Jedis j = ReplicaSetFixture.connect(ip, "known")) {
                j.configSet("masterauth", "hidden");
            }
        }
        for (String ip : ips) {
            try (Jedis j = ReplicaSetFixture.connect(ip, "known")) {
                j.configSet("requirepass", "hidden");
                j.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "KILL", "TYPE", "normal");
            }
        }
        awaitUntil(admin, ns, "Degraded with reason AuthenticationFailed", Duration.ofSeconds(30), () -> {
            Condition c = degraded(admin, ns);
            return c != null && "True".equals(c.getStatus()) && "AuthenticationFailed".equals(c.getReason());
        });
        assertThat(degraded(admin, ns).getMessage()).contains(master).contains("No failover");
        assertThat(ChaosSets.eventReasons(admin, ns, NAME)).contains("AuthenticationFailed");
        // Well past spec.failover.timeoutSeconds (5 s): the master is kept
        try {
            await("no failover while the nodes refuse the password").during(Duration.ofSeconds(10))
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
                            master.equals(ChaosSets.master(admin, ns, NAME))
                                    && !ChaosSets.eventReasons(admin, ns, NAME).contains("FailingOver"));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\nstatus: " + FinalChecks.statusLine(admin, ns, NAME)
                    + "\nevents:\n" + ChaosSets.eventLog(admin, ns, NAME), e);
        }
        try (Jedis j = ReplicaSetFixture.connect(podIp(admin, ns, master), "hidden")) {
            assertThat(info(podIp(admin, ns, master), "hidden", "replication").get("role")).isEqualTo("master");
            assertThat(j.ping()).isEqualTo("PONG");
        }

        ReplicaSetFixture.setPassword(admin, ns, SECRET, "hidden");
        awaitUntil(admin, ns, "Ready again with the password the nodes have, rendered", Duration.ofSeconds(60),
                () -> ChaosSets.ready(ReplicaSetFixture.get(admin, ns, NAME))
                        && !"AuthenticationFailed".equals(degraded(admin, ns).getReason())
                        && "hidden".equals(ReplicaSetFixture.renderedPassword(admin, ns, NAME)));
        assertThat(ChaosSets.master(admin, ns, NAME)).isEqualTo(master);
        List<String> all = ChaosSets.eventReasons(admin, ns, NAME);
        assertThat(all.subList(eventsBefore, all.size())).as(ChaosSets.eventLog(admin, ns, NAME))
                .doesNotContain("FailingOver", "Promoted", "Demoted");
        ChaosSets.deleteNamespace(admin, ns);
    }

    private static Condition degraded(KubernetesClient admin, String ns) {
        ReplicaSet rs = ReplicaSetFixture.get(admin, ns, NAME);
        return rs == null || rs.getStatus() == null ? null : rs.getStatus().getConditions().stream()
                .filter(c -> "Degraded".equals(c.getType())).findFirst().orElse(null);
    }

    /** sync_full (full resyncs served) of every node, by pod. */
    private static Map<String, Long> fullSyncs(KubernetesClient admin, String ns, ReplicaSetStatus status,
                                               String password) {
        return status.getNodes().stream().collect(Collectors.toMap(n -> n.getName(), n -> Long.parseLong(
                info(podIp(admin, ns, n.getName()), password, "stats").get("sync_full"))));
    }

    private static void awaitUntil(KubernetesClient admin, String ns, String what, Duration atMost,
                                   java.util.concurrent.Callable<Boolean> condition) {
        try {
            await(what).atMost(atMost).pollInterval(Duration.ofMillis(200)).until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\nstatus: " + FinalChecks.statusLine(admin, ns, NAME)
                    + "\nauth: " + io.fabric8.kubernetes.client.utils.Serialization.asJson(ReplicaSetFixture.get(admin, ns, NAME).getStatus().getAuth()) + "\nevents:\n"
                    + ChaosSets.eventLog(admin, ns, NAME), e);
        }
    }
}
