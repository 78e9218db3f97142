package dev.chorus.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.Pairing;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.RespFrames;
import dev.chorus.node.testing.ServerProcess;
import dev.chorus.node.testing.ServerProcesses;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Streams and consumer groups replicated between the node and redis-server in both directions: XADD with "*" and
 * approximate trimming, XREADGROUP (with and without NOACK), XCLAIM, XAUTOCLAIM, XACK and XDEL must leave the replica's
 * stream and group state equal to the master's (pending entries with their delivery times and counts included), both
 * through the full sync's RDB and through the command stream; after the replica is promoted the group continues
 * where it was, with nothing delivered twice.
 */
class StreamReplicationIT {
    @RegisterExtension
    final ServerProcesses servers =
            new ServerProcesses("--repl-diskless-sync-delay", "0", "--stream-node-max-entries", "4");

    /** What the state comparison looks at; consumers' seen-time is each server's own clock, so it is masked. */
    private static List<String> state(ServerProcess server) {
        List<String> out = new ArrayList<>();
        try (RawConnection c = server.connect()) {
            for (String[] cmd : new String[][] {
                {"XRANGE", "s", "-", "+"},
                {"XINFO", "GROUPS", "s"},
                {"XPENDING", "s", "g"},
                {"XINFO", "STREAM", "s"},
                {"XINFO", "STREAM", "s", "FULL"},
                {"XLEN", "jobs"},
                {"XINFO", "STREAM", "jobs"}}) {
                String reply = new String(c.call(cmd), StandardCharsets.ISO_8859_1)
                        .replaceAll("(seen-time\r\n:)\\d+", "$1<t>");
                out.add(String.join(" ", cmd) + " -> " + reply);
            }
        }
        return out;
    }

    private static void awaitSameState(ServerProcess master, ServerProcess replica) {
        try (RawConnection m = master.connect()) {
            assertThat(m.callText("WAIT", "1", "10000")).isEqualTo(":1\r\n");
        }
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(state(replica)).isEqualTo(state(master)));
    }

    @ParameterizedTest
    @EnumSource(value = Pairing.class, mode = EnumSource.Mode.EXCLUDE, names = "REDIS_TO_REDIS")
    void consumerGroupStateOnTheReplicaEqualsTheMasters(Pairing p) {
        ServerProcess master = servers.start(p.master);
        ServerProcess replica = servers.start(p.replica);
        try (RawConnection m = master.connect()) {
            for (int i = 0; i < 6; i++) {
                m.call("XADD", "s", "*", "n", Integer.toString(i));
            }
            m.call("XGROUP", "CREATE", "s", "g", "0");
            m.call("XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">");
            ServerProcesses.replicate(replica, master);
            awaitSameState(master, replica);

            m.call("XREADGROUP", "GROUP", "g", "bob", "COUNT", "2", "STREAMS", "s", ">");
            m.call("XREADGROUP", "GROUP", "g", "carol", "NOACK", "COUNT", "1", "STREAMS", "s", ">");
            m.call("XADD", "s", "MAXLEN", "~", "3", "*", "n", "6");
            m.call("XADD", "jobs", "MAXLEN", "~", "2", "*", "a", "1");
            for (int i = 0; i < 10; i++) {
                m.call("XADD", "jobs", "MAXLEN", "~", "5", "*", "a", Integer.toString(i));
            }
            String alicesFirst = firstPendingOf(m, "alice");
            m.call("XCLAIM", "s", "g", "bob", "0", alicesFirst);
            m.call("XAUTOCLAIM", "s", "g", "dave", "0", "0", "COUNT", "1");
            m.call("XACK", "s", "g", alicesFirst);
            awaitSameState(master, replica);

            // An entry deleted while pending: XAUTOCLAIM drops it from the PEL on both sides.
            String pending = firstPendingOf(m, "bob");
            m.call("XDEL", "s", pending);
            m.call("XAUTOCLAIM", "s", "g", "erin", "0", "0");
            awaitSameState(master, replica);
        }
    }

    private static String firstPendingOf(RawConnection c, String consumer) {
        byte[] reply = c.call("XPENDING", "s", "g", "-", "+", "1", consumer);
        String s = new String(reply, StandardCharsets.ISO_8859_1);
        // *1 *4 $len id ...
        String[] lines = s.split("\r\n");
        assertThat(lines.length).as(RespFrames.show(reply)).isGreaterThan(3);
        return lines[3];
    }

    @ParameterizedTest
    @EnumSource(value = Pairing.class, mode = EnumSource.Mode.EXCLUDE, names = "REDIS_TO_REDIS")
    void aPromotedReplicaContinuesTheGroupWithoutRedelivering(Pairing p) {
        ServerProcess master = servers.start(p.master);
        ServerProcess replica = servers.start(p.replica);
        ServerProcesses.replicate(replica, master);
        List<String> delivered = new ArrayList<>();
        try (RawConnection m = master.connect()) {
            m.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            for (int i = 1; i <= 10; i++) {
                m.call("XADD", "s", i + "-1", "n", Integer.toString(i));
            }
            delivered.addAll(ids(m.call("XREADGROUP", "GROUP", "g", "w1", "COUNT", "4", "STREAMS", "s", ">")));
            delivered.addAll(ids(m.call("XREADGROUP", "GROUP", "g", "w2", "NOACK", "COUNT", "3", "STREAMS", "s",
                    ">")));
            awaitSameState(master, replica);
        }
        master.stop();
        try (RawConnection r = replica.connect()) {
            assertThat(r.callText("REPLICAOF", "NO", "ONE")).isEqualTo("+OK\r\n");
            List<String> rest = ids(r.call("XREADGROUP", "GROUP", "g", "w3", "STREAMS", "s", ">"));
            assertThat(rest).containsExactly("8-1", "9-1", "10-1");
            assertThat(delivered).doesNotContainAnyElementsOf(rest);
            // w1's four entries are still pending (at-least-once), w2's NOACK ones are not.
            assertThat(r.callText("XPENDING", "s", "g")).startsWith("*4\r\n:7\r\n$3\r\n1-1\r\n$4\r\n10-1\r\n");
        }
    }

    /** The entry IDs of an XREADGROUP reply with one stream (RESP2). */
    private static List<String> ids(byte[] reply) {
        String[] lines = new String(reply, StandardCharsets.ISO_8859_1).split("\r\n");
        List<String> out = new ArrayList<>();
        // *1, *2, $1, s, *N, then per entry: *2, $len, id, *2k, fields...
        for (int i = 5; i < lines.length; i++) {
            if (lines[i].equals("*2") && i + 2 < lines.length && lines[i + 1].startsWith("$")
                    && lines[i + 2].matches("\\d+-\\d+")) {
                out.add(lines[i + 2]);
                i += 2;
            }
        }
        return out;
    }
}
