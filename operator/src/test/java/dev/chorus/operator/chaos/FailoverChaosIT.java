package dev.chorus.operator.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.operator.reconciler.ReplicaSetFixture;
import dev.chorus.e2e.LocalKubernetes;
import dev.chorus.e2e.TestCluster;
import dev.chorus.operator.reconciler.OperatorHarness;
import dev.chorus.operator.reconciler.WithOperator;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * Master failures under continuous writes acknowledged by {@code WAIT 1}, with every node probed for accepting writes:
 * no acknowledged write may be lost, at most one node may accept writes at any moment, and every replica is attached
 * again at the end (see {@link FinalChecks}). Sets have no persistence, so a restarted master comes back empty and a
 * replica must take over.
 */
@LocalKubernetes(shared = true)
@WithOperator
class FailoverChaosIT {
    private static final Duration FAILOVER = Duration.ofSeconds(60);
    /** The baseline that needs no failover: a replica dies and comes back; the master stays. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"node", "redis"})
    void aKilledReplicaLosesNoAcknowledgedWrite(String kind, TestCluster cluster) {
        try (ChaosScenario s = ChaosScenario.start(cluster, "chaos-kill-replica-" + kind,
                ChaosScenario.image(cluster, kind))) {
            String replica = ChaosSets.aReplica(s.admin, s.ns, ChaosScenario.NAME);
            int restarts = restartCount(s, replica);
            long killed = System.nanoTime();
            cluster.killContainer(s.ns, replica);
            s.awaitAckedSince(killed, 200, FAILOVER);
            await(replica + " restarted by the kubelet").atMost(FAILOVER).pollInterval(Duration.ofMillis(250))
                    .until(() -> restartCount(s, replica) > restarts);
            assertThat(s.master()).as("the recorded master").isEqualTo(s.initialMaster);
            s.finish();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"node", "redis"})
    void aKilledMasterProcessIsReplacedByAReplica(String kind, TestCluster cluster) {
        try (ChaosScenario s = ChaosScenario.start(cluster, "chaos-kill-master-" + kind,
                ChaosScenario.image(cluster, kind))) {
            long killed = System.nanoTime();
            cluster.killContainer(s.ns, s.initialMaster);
            String newMaster = s.awaitMasterOtherThan(s.initialMaster, FAILOVER);
            s.awaitAckedSince(killed, 200, FAILOVER);
            awaitEvents(s, "FailingOver", "Promoted");
            assertThat(s.master()).as("the recorded master").isEqualTo(newMaster);
            s.finish();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"node", "redis"})
    void aDeletedMasterPodIsReplacedByAReplica(String kind, TestCluster cluster) {
        try (ChaosScenario s = ChaosScenario.start(cluster, "chaos-delete-master-" + kind,
                ChaosScenario.image(cluster, kind))) {
            long deleted = System.nanoTime();
            cluster.deletePod(s.ns, s.initialMaster);
            s.awaitMasterOtherThan(s.initialMaster, FAILOVER);
            s.awaitAckedSince(deleted, 200, FAILOVER);
            awaitEvents(s, "FailingOver", "Promoted");
            s.finish();
        }
    }

    /**
     * The master is cut off (its processes keep running, the bed stops reporting its pod); a replica takes over, and
     * after the heal the old master must not accept writes next to the new one and must re-attach as a replica.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"node", "redis"})
    void aPartitionedMasterIsReplacedAndRejoinsAsAReplica(String kind, TestCluster cluster) {
        try (ChaosScenario s = ChaosScenario.start(cluster, "chaos-partition-" + kind,
                ChaosScenario.image(cluster, kind))) {
            // Clients on the master's side of the partition could still reach it: probe it from there.
            s.probeFromInside(s.initialMaster);
            long cut = System.nanoTime();
            cluster.partition(s.ns, s.initialMaster);
            try {
                s.awaitMasterOtherThan(s.initialMaster, FAILOVER);
                s.awaitAckedSince(cut, 200, FAILOVER);
                awaitEvents(s, "FailingOver", "Promoted");
                assertThat(s.probe().answers(s.initialMaster)).as("what the isolated master answered writes from "
                        + "inside its partition: refused (NOREPLICAS) before the new master took writes")
                        .containsKey("NOREPLICAS");
            } finally {
                cluster.heal(s.ns, s.initialMaster);
                s.probeFromOutside(s.initialMaster);
            }
            long healed = System.nanoTime();
            s.awaitAckedSince(healed, 200, FAILOVER);
            s.finish();
        }
    }

    /**
     * The operator dies twice during failovers: once right after the master is killed (the new operator must notice
     * the failure on its own) and once after it announced FailingOver (it must finish or redo the failover).
     */
    @Test
    void anOperatorRestartedDuringAFailoverFinishesIt(TestCluster cluster, OperatorHarness operator) throws Exception {
        try (ChaosScenario s = ChaosScenario.start(cluster, "chaos-operator-restart", cluster.nodeImage())) {
            long killed = System.nanoTime();
            cluster.killContainer(s.ns, s.initialMaster);
            operator.restart();
            String second = s.awaitMasterOtherThan(s.initialMaster, FAILOVER);
            s.awaitAckedSince(killed, 200, FAILOVER);
            ChaosSets.awaitReady(s.admin, s.ns, ChaosScenario.NAME, FAILOVER);
            FinalChecks.awaitReplicasAttached(s.admin, s.ns, ChaosScenario.NAME, FAILOVER);

            long failingOverEvents = count(s, "FailingOver");
            killed = System.nanoTime();
            cluster.killContainer(s.ns, second);
            await("a FailingOver Event after killing " + second).atMost(FAILOVER).pollInterval(Duration.ofMillis(50))
                    .until(() -> count(s, "FailingOver") > failingOverEvents);
            operator.restart();
            s.awaitMasterOtherThan(second, FAILOVER);
            s.awaitAckedSince(killed, 200, FAILOVER);
            s.finish();
        }
    }

    /** Five master kills in a row; each time a replica takes over and writes resume before the next kill. */
    @Test
    void repeatedMasterKillsLoseNoAcknowledgedWrite(TestCluster cluster) {
        try (ChaosScenario s = ChaosScenario.start(cluster, "chaos-repeated-kills", cluster.nodeImage())) {
            String master = s.initialMaster;
            for (int round = 1; round <= 5; round++) {
                long killed = System.nanoTime();
                cluster.killContainer(s.ns, master);
                String next = s.awaitMasterOtherThan(master, FAILOVER);
                s.awaitAckedSince(killed, 100, FAILOVER);
                // The next victim must be a replica again before the next kill, or there is nothing to fail over to.
                FinalChecks.awaitReplicasAttached(s.admin, s.ns, ChaosScenario.NAME, FAILOVER);
                System.out.println("[chaos] round " + round + ": " + master + " killed, " + next + " took over");
                master = next;
            }
            s.finish();
        }
    }

    /**
     * A master without persistence restarts empty. Its replicas must keep their data (not resync from the empty node)
     * and one of them must become the master, with every key.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"node", "redis"})
    void anEmptyRestartedMasterIsReplacedAndTheReplicasKeepTheirData(String kind, TestCluster cluster) {
        KubernetesClient admin = cluster.admin();
        String ns = "chaos-empty-master-" + kind;
        ReplicaSetFixture.create(admin, ns, ChaosScenario.NAME, ChaosScenario.image(cluster, kind), 3, spec -> {
        });
        ChaosSets.awaitReady(admin, ns, ChaosScenario.NAME, Duration.ofSeconds(120));
        FinalChecks.awaitReplicasAttached(admin, ns, ChaosScenario.NAME, Duration.ofSeconds(60));
        String master = ChaosSets.master(admin, ns, ChaosScenario.NAME);
        Map<String, String> data = new TreeMap<>();
        try (Jedis m = FinalChecks.connect(ChaosSets.podIp(admin, ns, master))) {
            for (int i = 0; i < 1000; i++) {
                data.put("key" + i, "value" + i);
                m.set("key" + i, "value" + i);
            }
            assertThat(m.waitReplicas(2, 5000)).as("replicas acknowledging the 1000 keys").isEqualTo(2);
        }

        cluster.killContainer(ns, master);

        await("status.master moved off the emptied " + master).atMost(FAILOVER).pollInterval(Duration.ofMillis(100))
                .until(() -> !master.equals(ChaosSets.master(admin, ns, ChaosScenario.NAME)));
        ChaosSets.awaitReady(admin, ns, ChaosScenario.NAME, FAILOVER);
        FinalChecks.awaitReplicasAttached(admin, ns, ChaosScenario.NAME, FAILOVER);
        for (var pod : ChaosSets.pods(admin, ns, ChaosScenario.NAME)) {
            FinalChecks.Lost lost = FinalChecks.lostKeys(pod.getStatus().getPodIP(), data);
            assertThat(lost.examples()).as(lost.count() + " of 1000 keys missing on " + pod.getMetadata().getName()
                    + "\nevents:\n" + ChaosSets.eventLog(admin, ns, ChaosScenario.NAME)).isEmpty();
        }
        assertThat(ChaosSets.eventReasons(admin, ns, ChaosScenario.NAME)).contains("FailingOver", "Promoted");
        ChaosSets.deleteNamespace(admin, ns);
    }

    private static int restartCount(ChaosScenario s, String pod) {
        return s.admin.pods().inNamespace(s.ns).withName(pod).get().getStatus().getContainerStatuses().get(0)
                .getRestartCount();
    }

    private static long count(ChaosScenario s, String reason) {
        return Collections.frequency(ChaosSets.eventReasons(s.admin, s.ns, ChaosScenario.NAME), reason);
    }

    private static void awaitEvents(ChaosScenario s, String... reasons) {
        await("Events " + List.of(reasons) + " on the ReplicaSet").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> ChaosSets.eventReasons(s.admin, s.ns, ChaosScenario.NAME).containsAll(List.of(reasons)));
    }
}
