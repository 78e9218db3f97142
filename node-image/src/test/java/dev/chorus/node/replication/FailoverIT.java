package dev.chorus.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.chorus.node.testing.ServerProcesses.awaitLinkUp;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.Info;
import dev.chorus.node.testing.Pairing;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import dev.chorus.node.testing.ServerProcess.Kind;
import dev.chorus.node.testing.ServerProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * FAILOVER (Redis 6.2+'s coordinated failover) with real processes, in every pairing of node and Redis: a node master
 * failing over to a Redis replica and a Redis master failing over to a node replica must both work, since the two
 * sides speak through PSYNC ... FAILOVER. Replicas are held with SIGSTOP where a scenario needs the master to wait.
 */
class FailoverIT {
    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();
    private final List<ServerProcess> stopped = new ArrayList<>();

    /** Runs before the extension stops the servers. */
    @AfterEach
    void resumeStopped() {
        stopped.forEach(FailoverIT::resume);
    }

    private ServerProcess start(Kind kind) {
        return start(kind, "0");
    }

    private ServerProcess start(Kind kind, String disklessSyncDelay) {
        return servers.start(kind, "--repl-diskless-sync-delay", disklessSyncDelay);
    }

    // ---- scenarios ----

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void failoverToTheOnlyReplicaSwapsRolesAndKeepsEveryWrite(Pairing p) {
        ServerProcess master = start(p.master);
        ServerProcess replica = start(p.replica);
        replicate(replica, master);
        writeData(master, "a", 50);
        try (RawConnection m = master.connect()) {
            assertThat(m.callText("FAILOVER")).isEqualTo("+OK\r\n");
        }
        awaitRoles(replica, master);
        awaitState(master, "no-failover");
        assertThat(Info.field(replica, "replication", "master_failover_state")).isEqualTo("no-failover");
        writeData(replica, "b", 20);
        awaitSameData(replica, master);
        assertThat(dataset(master)).hasSize(70);
        try (RawConnection c = master.connect()) {
            assertThat(c.callText("SET", "x", "1")).isEqualTo("-READONLY You can't write against a read only replica.\r\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void failoverToAChosenReplicaOfTwoAndTheOtherFollowsTheNewMaster(Pairing p) {
        ServerProcess master = start(p.master);
        ServerProcess r1 = start(p.replica);
        ServerProcess r2 = start(p.replica);
        replicate(r1, master);
        replicate(r2, master);
        writeData(master, "a", 30);
        try (RawConnection m = master.connect()) {
            assertThat(m.callText("FAILOVER", "TO", "127.0.0.1", Integer.toString(r2.port()))).isEqualTo("+OK\r\n");
        }
        awaitRoles(r2, master);
        assertThat(Info.field(r1, "replication", "role")).isEqualTo("slave");
        writeData(r2, "b", 30);
        // r1 stays a replica of the old master (as in Redis), which passes the new master's stream on to it.
        awaitSameData(r2, master);
        awaitSameData(r2, r1);
        assertThat(dataset(r1)).hasSize(60);
        awaitLinkUp(r1);
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void abortEndsTheWaitAndPostponedWritesRunOnTheMaster(Pairing p) throws Exception {
        ServerProcess master = start(p.master);
        ServerProcess replica = start(p.replica);
        replicate(replica, master);
        suspend(replica);
        writeData(master, "a", 5); // the stopped replica can't acknowledge these
        try (RawConnection m = master.connect(); RawConnection writer = master.connect()) {
            assertThat(m.callText("FAILOVER")).isEqualTo("+OK\r\n");
            assertThat(Info.field(master, "replication", "master_failover_state")).isEqualTo("waiting-for-sync");
            writer.send(RawConnection.encode("SET", "during", "wait"));
            assertThat(m.callText("GET", "a0")).as("reads go on while writes wait").isEqualTo("$2\r\nv0\r\n");
            assertThat(m.callText("FAILOVER")).isEqualTo("-ERR FAILOVER already in progress.\r\n");
            assertThat(m.callText("REPLICAOF", "127.0.0.1", "1"))
                    .isEqualTo("-ERR REPLICAOF not allowed while failing over.\r\n");
            assertThat(m.callText("FAILOVER", "ABORT")).isEqualTo("+OK\r\n");
            assertThat(new String(writer.read(), StandardCharsets.ISO_8859_1)).isEqualTo("+OK\r\n");
            assertThat(Info.field(master, "replication", "master_failover_state")).isEqualTo("no-failover");
            assertThat(m.callText("FAILOVER", "ABORT")).isEqualTo("-ERR No failover in progress.\r\n");
        }
        assertThat(Info.field(master, "replication", "role")).isEqualTo("master");
        resume(replica);
        awaitSameData(master, replica);
        assertThat(dataset(replica)).containsEntry("during", "$4\r\nwait\r\n");
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void aTimeoutWithoutForceAbortsAndTheMasterTakesWritesAgain(Pairing p) throws Exception {
        ServerProcess master = start(p.master);
        ServerProcess replica = start(p.replica);
        replicate(replica, master);
        suspend(replica);
        writeData(master, "a", 5);
        try (RawConnection m = master.connect(); RawConnection writer = master.connect()) {
            assertThat(m.callText("FAILOVER", "TIMEOUT", "300")).isEqualTo("+OK\r\n");
            writer.send(RawConnection.encode("SET", "during", "wait"));
            awaitState(master, "no-failover");
            assertThat(new String(writer.read(), StandardCharsets.ISO_8859_1)).isEqualTo("+OK\r\n");
            assertThat(m.callText("SET", "after", "timeout")).isEqualTo("+OK\r\n");
        }
        assertThat(Info.field(master, "replication", "role")).isEqualTo("master");
        resume(replica);
        awaitSameData(master, replica);
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void aTimeoutWithForceFailsOverAnyway(Pairing p) throws Exception {
        ServerProcess master = start(p.master);
        ServerProcess replica = start(p.replica);
        replicate(replica, master);
        writeData(master, "a", 10);
        awaitOffsetsAgree(master, replica);
        suspend(replica);
        writeData(master, "late", 1); // never acknowledged: only FORCE gets past the timeout
        long asked = System.nanoTime();
        try (RawConnection m = master.connect()) {
            assertThat(m.callText("FAILOVER", "TO", "127.0.0.1", Integer.toString(replica.port()), "TIMEOUT", "300",
                    "FORCE")).isEqualTo("+OK\r\n");
            assertThat(Info.field(master, "replication", "master_failover_state")).isEqualTo("waiting-for-sync");
        }
        awaitState(master, "failover-in-progress");
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        resume(replica);
        awaitRoles(replica, master);
        awaitState(master, "no-failover");
        writeData(replica, "b", 5);
        awaitSameData(replica, master);
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void writesHeldDuringTheWaitAreRefusedOnceTheMasterIsAReplica(Pairing p) throws Exception {
        ServerProcess master = start(p.master);
        ServerProcess replica = start(p.replica);
        replicate(replica, master);
        suspend(replica);
        writeData(master, "a", 5);
        try (RawConnection m = master.connect(); RawConnection writer = master.connect()) {
            assertThat(m.callText("FAILOVER")).isEqualTo("+OK\r\n");
            writer.send(RawConnection.encode("SET", "during", "wait"));
            assertThat(Info.field(master, "replication", "master_failover_state")).isEqualTo("waiting-for-sync");
            resume(replica);
            assertThat(new String(writer.read(), StandardCharsets.ISO_8859_1))
                    .isEqualTo("-READONLY You can't write against a read only replica.\r\n");
        }
        awaitRoles(replica, master);
        awaitSameData(replica, master);
        assertThat(dataset(replica)).hasSize(5).doesNotContainKey("during");
    }

    /** The same error sequence against a Redis master and a node master, each with one replica: same replies. */
    @Test
    void errorRepliesAreRedis() throws Exception {
        assertThat(errorReplies(Kind.NODE)).isEqualTo(errorReplies(Kind.REDIS));
    }

    /** A replica still waiting for its full sync (the master delays it) is not a FAILOVER target yet. */
    @Test
    void aReplicaNotOnlineYetIsRefusedAsByRedis() {
        List<String> redis = notOnlineReplies(Kind.REDIS);
        assertThat(redis).as("the scenario reached the check").startsWith("-ERR FAILOVER target replica is not online.\r\n");
        assertThat(notOnlineReplies(Kind.NODE)).isEqualTo(redis);
    }

    private List<String> notOnlineReplies(Kind kind) {
        ServerProcess master = start(kind, "60");
        ServerProcess replica = start(kind);
        try (RawConnection r = replica.connect()) {
            r.call("REPLICAOF", "127.0.0.1", Integer.toString(master.port()));
        }
        await("the master listing the replica as waiting for its sync").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    try (RawConnection c = master.connect()) {
                        return Info.of(c, "replication").values().stream()
                                .anyMatch(v -> v.contains("port=" + replica.port() + ",state=wait_bgsave"));
                    }
                });
        List<String> out = new ArrayList<>();
        try (RawConnection m = master.connect()) {
            out.add(m.callText("FAILOVER", "TO", "127.0.0.1", Integer.toString(replica.port())));
            out.add(Info.field(master, "replication", "master_failover_state"));
        }
        return out;
    }

    private List<String> errorReplies(Kind kind) throws Exception {
        ServerProcess master = start(kind);
        ServerProcess replica = start(kind);
        List<String> out = new ArrayList<>();
        String port = Integer.toString(replica.port());
        try (RawConnection m = master.connect()) {
            out.add(m.callText("FAILOVER"));
            out.add(m.callText("FAILOVER", "ABORT"));
            out.add(m.callText("FAILOVER", "ABORT", "x"));
            out.add(m.callText("FAILOVER", "TIMEOUT", "0"));
            out.add(m.callText("FAILOVER", "TIMEOUT", "-5"));
            out.add(m.callText("FAILOVER", "TIMEOUT", "abc"));
            out.add(m.callText("FAILOVER", "TIMEOUT", "10", "TIMEOUT", "10"));
            out.add(m.callText("FAILOVER", "TO", "127.0.0.1"));
            out.add(m.callText("FAILOVER", "TO", "127.0.0.1", "nan"));
            out.add(m.callText("FAILOVER", "FORCE", "FORCE"));
            out.add(m.callText("FAILOVER", "bogus"));
            out.add(m.callText("FAILOVER", "TO", "127.0.0.1", port));
            replicate(replica, master);
            out.add(m.callText("FAILOVER", "FORCE"));
            out.add(m.callText("FAILOVER", "TIMEOUT", "100", "FORCE"));
            out.add(m.callText("FAILOVER", "TO", "127.0.0.1", port, "FORCE"));
            out.add(m.callText("FAILOVER", "TO", "127.0.0.1", "1"));
            out.add(m.callText("FAILOVER", "TO", "10.0.0.1", port));
            out.add(m.callText("ROLE").startsWith("*3\r\n$6\r\nmaster") ? "master" : "not master");
            try (RawConnection psync = master.connect()) {
                out.add(psync.callText("PSYNC", "?", "-1", "FAILOVER"));
            }
        }
        try (RawConnection r = replica.connect()) {
            out.add(r.callText("FAILOVER"));
            out.add(r.callText("FAILOVER", "ABORT"));
            out.add(r.callText("PSYNC", "0123456789012345678901234567890123456789", "1", "FAILOVER"));
        }
        suspend(replica);
        writeData(master, "a", 1);
        try (RawConnection m = master.connect()) {
            out.add(m.callText("FAILOVER", "TIMEOUT", "60000"));
            out.add(m.callText("FAILOVER"));
            out.add(m.callText("FAILOVER", "TO", "127.0.0.1", port));
            out.add(m.callText("REPLICAOF", "NO", "ONE"));
            try (RawConnection psync = master.connect()) {
                out.add(psync.callText("PSYNC", "?", "-1"));
                out.add(psync.callText("SYNC"));
            }
            out.add(m.callText("FAILOVER", "ABORT"));
            out.add(m.callText("FAILOVER", "ABORT"));
        }
        resume(replica);
        return out;
    }

    // ---- helpers ----

    private static void replicate(ServerProcess replica, ServerProcess master) {
        ServerProcesses.replicate(replica, master);
        await("master on port " + master.port() + " listing the replica online")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    try (RawConnection c = master.connect()) {
                        return Info.of(c, "replication").values().stream()
                                .anyMatch(v -> v.contains("port=" + replica.port() + ",state=online"));
                    }
                });
    }

    private static void awaitRoles(ServerProcess newMaster, ServerProcess oldMaster) {
        try {
            awaitRolesOnce(newMaster, oldMaster);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n--- new master log:\n" + newMaster.log()
                    + "\n--- old master log:\n" + oldMaster.log(), e);
        }
    }

    private static void awaitRolesOnce(ServerProcess newMaster, ServerProcess oldMaster) {
        await("port " + newMaster.port() + " master, port " + oldMaster.port() + " its replica with the link up")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> "master".equals(Info.field(newMaster, "replication", "role"))
                        && "slave".equals(Info.field(oldMaster, "replication", "role"))
                        && Integer.toString(newMaster.port()).equals(Info.field(oldMaster, "replication", "master_port"))
                        && "up".equals(Info.field(oldMaster, "replication", "master_link_status")));
    }

    private static void awaitState(ServerProcess server, String state) {
        await("master_failover_state:" + state + " on port " + server.port())
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> state.equals(Info.field(server, "replication", "master_failover_state")));
    }

    private static void awaitOffsetsAgree(ServerProcess master, ServerProcess replica) {
        await("replica offset equal to the master's").atMost(Duration.ofSeconds(15))
                .until(() -> Info.number(replica, "replication", "slave_repl_offset")
                        == Info.number(master, "replication", "master_repl_offset"));
    }

    private static void awaitSameData(ServerProcess source, ServerProcess follower) {
        await("port " + follower.port() + " holding port " + source.port() + "'s data")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> dataset(source).equals(dataset(follower)));
    }

    private static void writeData(ServerProcess server, String prefix, int n) {
        try (RawConnection c = server.connect()) {
            for (int i = 0; i < n; i++) {
                assertThat(c.callText("SET", prefix + i, "v" + i)).isEqualTo("+OK\r\n");
            }
        }
    }

    /** Every key of db 0 with its string value (the scenarios write strings only). */
    private static Map<String, String> dataset(ServerProcess server) {
        Map<String, String> out = new TreeMap<>();
        try (RawConnection c = server.connect()) {
            List<String> keys = bulks(c.callText("KEYS", "*"));
            for (String k : keys) {
                String v = c.callText("GET", k);
                out.put(k, v);
            }
        }
        return out;
    }

    /** The bulk strings of a flat RESP array reply. */
    private static List<String> bulks(String reply) {
        List<String> out = new ArrayList<>();
        String[] lines = reply.split("\r\n");
        for (int i = 1; i + 1 < lines.length; i += 2) {
            out.add(lines[i + 1]);
        }
        return out;
    }

    private void suspend(ServerProcess s) throws IOException, InterruptedException {
        signal(s, "-STOP");
        stopped.add(s);
    }

    private static void resume(ServerProcess s) {
        try {
            signal(s, "-CONT");
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void signal(ServerProcess s, String sig) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder(Arrays.asList("kill", sig, Long.toString(s.pid()))).start();
        assertThat(kill.waitFor()).isZero();
    }
}
