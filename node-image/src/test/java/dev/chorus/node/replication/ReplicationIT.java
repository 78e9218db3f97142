package dev.chorus.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.chorus.node.testing.ServerProcesses.replicate;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.Info;
import dev.chorus.node.testing.Pairing;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import dev.chorus.node.testing.ServerProcesses;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Master/replica replication with real processes on loopback, in every pairing of node and Redis (Redis is the oracle:
 * the same scenario must behave the same with either side swapped). Each server is stopped by PID after the test.
 */
class ReplicationIT {
    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses("--repl-diskless-sync-delay", "0");

    private static void awaitValue(ServerProcess server, String key, String expectedReply) {
        await("key " + key + " on port " + server.port() + " replying " + expectedReply.strip())
                .atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    try (RawConnection c = server.connect()) {
                        return c.callText("GET", key).equals(expectedReply);
                    }
                });
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void writesOnTheMasterReachBothReplicasWhichRefuseWrites(Pairing p) {
        ServerProcess master = servers.start(p.master);
        ServerProcess r1 = servers.start(p.replica);
        ServerProcess r2 = servers.start(p.replica);
        try (RawConnection m = master.connect()) {
            m.call("SET", "before-sync", "1"); // in the snapshot
            replicate(r1, master);
            replicate(r2, master);
            for (int i = 0; i < 100; i++) {
                m.call("SET", "k" + i, "v" + i); // in the stream
            }
            m.call("SET", "ttl", "x", "EX", "1000");
            assertThat(m.callText("WAIT", "2", "5000")).isEqualTo(":2\r\n");
        }
        for (ServerProcess r : List.of(r1, r2)) {
            awaitValue(r, "k99", "$3\r\nv99\r\n");
            try (RawConnection c = r.connect()) {
                assertThat(c.callText("GET", "before-sync")).isEqualTo("$1\r\n1\r\n");
                assertThat(c.callText("DBSIZE")).isEqualTo(":102\r\n");
                assertThat(Long.parseLong(c.callText("TTL", "ttl").strip().substring(1))).isBetween(990L, 1000L);
                assertThat(c.callText("SET", "x", "1"))
                        .isEqualTo("-READONLY You can't write against a read only replica.\r\n");
                assertThat(c.callText("WAIT", "1", "10")).startsWith("-ERR WAIT cannot be used with replica instances.");
            }
        }
        try (RawConnection m = master.connect()) {
            assertThat(new String(m.call("ROLE"))).startsWith("*3\r\n$6\r\nmaster\r\n:");
        }
        try (RawConnection c = r1.connect()) {
            assertThat(new String(c.call("ROLE"))).isEqualTo("*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:" + master.port()
                    + "\r\n$9\r\nconnected\r\n:" + Info.number(r1, "replication", "slave_repl_offset") + "\r\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void offsetsAgreeBetweenMasterAndReplica(Pairing p) {
        ServerProcess master = servers.start(p.master);
        ServerProcess replica = servers.start(p.replica);
        replicate(replica, master);
        try (RawConnection m = master.connect()) {
            for (int i = 0; i < 50; i++) {
                m.call("INCR", "counter");
                m.call("SELECT", Integer.toString(i % 3));
            }
            m.call("WAIT", "1", "5000");
        }
        await("replica offset equal to the master's")
                .atMost(Duration.ofSeconds(10))
                .until(() -> Info.number(replica, "replication", "slave_repl_offset")
                        == Info.number(master, "replication", "master_repl_offset"));
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void aPromotedReplicaKeepsItsDataAndTheOtherReplicaContinuesPartially(Pairing p) {
        // No periodic PING from the master: one that reached r2 but not yet r1 before the promotion would leave r2
        // ahead of r1, and r2 would rightly need a full resync (with Redis too).
        ServerProcess master = servers.start(p.master, "--repl-ping-replica-period", "3600");
        ServerProcess r1 = servers.start(p.replica);
        ServerProcess r2 = servers.start(p.replica);
        replicate(r1, master);
        replicate(r2, master);
        try (RawConnection m = master.connect()) {
            for (int i = 0; i < 20; i++) {
                m.call("RPUSH", "list", "e" + i);
                m.call("SET", "s" + i, "v");
            }
            assertThat(m.callText("WAIT", "2", "5000")).isEqualTo(":2\r\n");
        }
        long fullSyncsBefore = Info.number(r1, "stats", "sync_full");
        try (RawConnection c = r1.connect()) {
            assertThat(c.callText("REPLICAOF", "NO", "ONE")).isEqualTo("+OK\r\n");
            assertThat(c.callText("SET", "after-promotion", "yes")).isEqualTo("+OK\r\n");
        }
        replicate(r2, r1);
        awaitValue(r2, "after-promotion", "$3\r\nyes\r\n");
        assertThat(Info.number(r1, "stats", "sync_partial_ok")).as("r2 continued with +CONTINUE").isEqualTo(1);
        assertThat(Info.number(r1, "stats", "sync_full")).as("no full resync on the promoted replica")
                .isEqualTo(fullSyncsBefore);
        try (RawConnection c = r2.connect()) {
            assertThat(c.callText("DBSIZE")).isEqualTo(":22\r\n");
            assertThat(c.callText("LLEN", "list")).isEqualTo(":20\r\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void minReplicasToWriteRefusesWritesWithoutEnoughReplicas(Pairing p) {
        ServerProcess master = servers.start(p.master, "--min-replicas-to-write", "1", "--min-replicas-max-lag", "10");
        try (RawConnection m = master.connect()) {
            assertThat(m.callText("SET", "a", "1")).isEqualTo("-NOREPLICAS Not enough good replicas to write.\r\n");
            assertThat(m.callText("GET", "a")).isEqualTo("$-1\r\n");
        }
        ServerProcess replica = servers.start(p.replica);
        replicate(replica, master);
        await("master accepting writes with one good replica").atMost(Duration.ofSeconds(10)).until(() -> {
            try (RawConnection m = master.connect()) {
                return m.callText("SET", "a", "1").equals("+OK\r\n");
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void waitCountsOnlyReplicasThatAcknowledged(Pairing p) {
        ServerProcess master = servers.start(p.master);
        ServerProcess r1 = servers.start(p.replica);
        replicate(r1, master);
        try (RawConnection m = master.connect()) {
            m.call("SET", "a", "1");
            assertThat(m.callText("WAIT", "1", "5000")).isEqualTo(":1\r\n");
            // Two are asked for, one exists: WAIT gives up at the timeout and says how many acknowledged.
            assertThat(m.callText("WAIT", "2", "300")).isEqualTo(":1\r\n");
            assertThat(m.callText("WAIT", "0", "0")).isEqualTo(":1\r\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void aMixedChainPassesTheStreamAlong(Pairing p) {
        // master -> middle (the other implementation) -> tail
        ServerProcess master = servers.start(p.master);
        ServerProcess middle = servers.start(p.replica);
        ServerProcess tail = servers.start(p.master);
        replicate(middle, master);
        replicate(tail, middle);
        try (RawConnection m = master.connect()) {
            m.call("HSET", "h", "f", "v");
            m.call("SET", "chained", "yes");
        }
        awaitValue(tail, "chained", "$3\r\nyes\r\n");
        await("tail offset equal to the master's").atMost(Duration.ofSeconds(10))
                .until(() -> Info.number(tail, "replication", "slave_repl_offset")
                        == Info.number(master, "replication", "master_repl_offset"));
    }
}
