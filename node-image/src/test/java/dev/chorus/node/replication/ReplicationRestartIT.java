package dev.chorus.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.chorus.node.testing.ServerProcesses.awaitLinkUp;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.FreePorts;
import dev.chorus.node.testing.Info;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import dev.chorus.node.testing.ServerProcess.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The restart behaviour observed with Redis 7.0 on loopback (shared/reference/redis-replication.md), reproduced with
 * the node and checked against Redis itself: replicas restarted with and without replicaof, and masters restarted
 * with and without persistence.
 */
class ReplicationRestartIT {
    private final List<ServerProcess> started = new ArrayList<>();

    @AfterEach
    void stopAll() {
        started.forEach(ServerProcess::close);
    }

    private ServerProcess start(Kind kind, int port, java.nio.file.Path dir, String... directives) {
        String[] all = new String[directives.length + 2];
        System.arraycopy(directives, 0, all, 0, directives.length);
        all[directives.length] = "--repl-diskless-sync-delay";
        all[directives.length + 1] = "0";
        ServerProcess s = ServerProcess.start(kind, port, dir, all);
        started.add(s);
        return s;
    }

    private static void writeSevenKeys(ServerProcess master, int replicas) {
        try (RawConnection m = master.connect()) {
            for (int i = 0; i < 7; i++) {
                m.call("SET", "key" + i, "value" + i);
            }
            assertThat(m.callText("WAIT", Integer.toString(replicas), "5000")).isEqualTo(":" + replicas + "\r\n");
        }
    }

    private static String dbsize(ServerProcess s) {
        try (RawConnection c = s.connect()) {
            return c.callText("DBSIZE");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aReplicaRestartedWithoutReplicaofComesBackAsAMasterWithTheDataOfItsSync(Kind kind) {
        ServerProcess master = start(kind, FreePorts.next(), null);
        int port = FreePorts.next();
        ServerProcess replica = start(kind, port, null, "--replicaof", "127.0.0.1", Integer.toString(master.port()));
        awaitLinkUp(replica);
        writeSevenKeys(master, 1);
        replica.stop();

        ServerProcess restarted = start(kind, port, replica.dir());

        assertThat(Info.field(restarted, "replication", "role")).isEqualTo("master");
        assertThat(dbsize(restarted)).as("the dump.rdb of the full sync: taken before the 7 writes").isEqualTo(":0\r\n");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aReplicaRestartedWithReplicaofContinuesWithAPartialResync(Kind kind) {
        ServerProcess master = start(kind, FreePorts.next(), null);
        int port = FreePorts.next();
        String[] replicaOf = {"--replicaof", "127.0.0.1", Integer.toString(master.port())};
        ServerProcess replica = start(kind, port, null, replicaOf);
        awaitLinkUp(replica);
        writeSevenKeys(master, 1);
        long partialBefore = Info.number(master, "stats", "sync_partial_ok");
        replica.stop();

        ServerProcess restarted = start(kind, port, replica.dir(), replicaOf);
        awaitLinkUp(restarted);

        assertThat(Info.number(master, "stats", "sync_partial_ok")).isEqualTo(partialBefore + 1);
        await("all 7 keys on the restarted replica").atMost(Duration.ofSeconds(10))
                .until(() -> dbsize(restarted).equals(":7\r\n"));
        assertThat(restarted.log()).contains("Master accepted a Partial Resynchronization");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aMasterRestartedWithItsDataIsStillTheMasterOfItsReplicas(Kind kind) {
        int masterPort = FreePorts.next();
        ServerProcess master = start(kind, masterPort, null, "--save", "3600 1");
        ServerProcess replica = start(kind, FreePorts.next(), null,
                "--replicaof", "127.0.0.1", Integer.toString(masterPort));
        awaitLinkUp(replica);
        writeSevenKeys(master, 1);
        master.stop(); // SIGTERM: saves, because save points are configured

        ServerProcess restarted = start(kind, masterPort, master.dir(), "--save", "3600 1");
        awaitLinkUp(replica);

        assertThat(Info.field(restarted, "replication", "role")).isEqualTo("master");
        assertThat(dbsize(restarted)).isEqualTo(":7\r\n");
        assertThat(dbsize(replica)).isEqualTo(":7\r\n");
        try (RawConnection m = restarted.connect()) {
            m.call("SET", "after-restart", "1");
            assertThat(m.callText("WAIT", "1", "5000")).isEqualTo(":1\r\n");
        }
        assertThat(dbsize(replica)).isEqualTo(":8\r\n");
    }

    /**
     * The hazard the operator guards against, kept on purpose because Redis behaves this way: a master restarted
     * without persistence comes back empty with a new replication id, and its replicas resync into emptiness.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aMasterRestartedWithoutPersistenceWipesItsReplicasLikeRedis(Kind kind) {
        int masterPort = FreePorts.next();
        ServerProcess master = start(kind, masterPort, null);
        ServerProcess r1 = start(kind, FreePorts.next(), null, "--replicaof", "127.0.0.1", Integer.toString(masterPort));
        ServerProcess r2 = start(kind, FreePorts.next(), null, "--replicaof", "127.0.0.1", Integer.toString(masterPort));
        awaitLinkUp(r1);
        awaitLinkUp(r2);
        writeSevenKeys(master, 2);
        String oldId = Info.field(master, "replication", "master_replid");
        master.kill();

        ServerProcess restarted = start(kind, masterPort, master.dir());

        assertThat(Info.field(restarted, "replication", "master_replid")).isNotEqualTo(oldId);
        for (ServerProcess r : List.of(r1, r2)) {
            await("replica on port " + r.port() + " following the empty master into emptiness")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> dbsize(r).equals(":0\r\n")
                            && "up".equals(Info.field(r, "replication", "master_link_status")));
        }
    }
}
