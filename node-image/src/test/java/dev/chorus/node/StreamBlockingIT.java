package dev.chorus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.OraclePair;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.RespFrames;
import dev.chorus.node.testing.ServerProcess;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

/**
 * Blocking stream reads (XREAD/XREADGROUP ... BLOCK) with several connections, Redis 7.0 as the oracle: each scenario runs against a real
 * redis-server and the node, and the transcripts of everything each connection received must be the same bytes.
 */
class StreamBlockingIT {
    @RegisterExtension
    static final OraclePair servers = new OraclePair();

    /** A scenario drives named connections; everything they receive lands in the transcript. */
    private interface Scenario {
        void run(Session s);
    }

    private static final class Session implements AutoCloseable {
        final ServerProcess server;
        final List<String> transcript = new ArrayList<>();
        final Map<String, RawConnection> connections = new LinkedHashMap<>();

        Session(ServerProcess server) {
            this.server = server;
        }

        RawConnection conn(String name) {
            return connections.computeIfAbsent(name, n -> server.connect());
        }

        /** Sends a command and records its reply. */
        void call(String name, String... args) {
            transcript.add(name + " " + String.join(" ", args) + " -> " + RespFrames.show(conn(name).call(args)));
        }

        /** Sends commands without reading (the connection blocks, or pipelines). */
        void send(String name, String... args) {
            conn(name).send(RawConnection.encode(args));
        }

        void pipeline(String name, String[]... commands) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (String[] c : commands) {
                b.writeBytes(RawConnection.encode(c));
            }
            conn(name).send(b.toByteArray());
        }

        /** Records the next reply the connection receives. */
        void read(String name) {
            transcript.add(name + " <- " + RespFrames.show(conn(name).read()));
        }

        void close(String name) {
            connections.remove(name).close();
        }

        /** Waits until the server reports exactly {@code n} blocked clients (INFO clients). */
        void awaitBlocked(int n) {
            try (RawConnection probe = server.connect()) {
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                        .until(() -> probe.callText("INFO", "clients").contains("blocked_clients:" + n + "\r\n"));
            }
        }

        @Override
        public void close() {
            connections.values().forEach(RawConnection::close);
        }
    }

    private static List<String> transcript(ServerProcess server, Scenario scenario) {
        try (RawConnection admin = server.connect()) {
            admin.call("FLUSHALL");
        }
        try (Session s = new Session(server)) {
            scenario.run(s);
            s.awaitBlocked(0);
            return s.transcript;
        }
    }

    private static void sameAsRedis(Scenario scenario) {
        List<String> expected = transcript(servers.redis(), scenario);
        List<String> actual = transcript(servers.node(), scenario);
        assertThat(actual).as("node transcript (redis: %s)", expected).isEqualTo(expected);
    }

    @Test
    void xaddWakesEveryXreadWaitingOnTheStreamInOrder() {
        sameAsRedis(s -> {
            s.call("admin", "XADD", "s", "1-0", "a", "1");
            s.send("r1", "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            s.awaitBlocked(1);
            s.send("r2", "XREAD", "COUNT", "5", "BLOCK", "0", "STREAMS", "other", "s", "0", "$");
            s.awaitBlocked(2);
            s.call("admin", "XADD", "s", "2-0", "b", "2");
            s.read("r1");
            s.read("r2");
            s.send("r3", "XREAD", "BLOCK", "0", "STREAMS", "other", "s", "$", "$");
            s.awaitBlocked(1);
            s.call("admin", "XADD", "other", "5-0", "o", "1");
            s.read("r3");
        });
    }

    @Test
    void consumersOfAGroupShareNewEntries() {
        sameAsRedis(s -> {
            s.call("admin", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            s.send("c1", "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
            s.awaitBlocked(1);
            s.send("c2", "XREADGROUP", "GROUP", "g", "bob", "COUNT", "10", "BLOCK", "0", "STREAMS", "s", ">");
            s.awaitBlocked(2);
            s.call("admin", "XADD", "s", "1-0", "job", "1");
            s.read("c1");
            s.awaitBlocked(1);
            s.call("admin", "XADD", "s", "2-0", "job", "2");
            s.read("c2");
            s.call("admin", "XPENDING", "s", "g");
            s.call("admin", "XINFO", "GROUPS", "s");
            s.send("c3", "XREADGROUP", "GROUP", "g", "carol", "NOACK", "BLOCK", "0", "STREAMS", "s", ">");
            s.awaitBlocked(1);
            s.pipeline("admin", new String[] {"MULTI"}, new String[] {"XADD", "s", "3-0", "job", "3"},
                    new String[] {"XADD", "s", "4-0", "job", "4"}, new String[] {"EXEC"});
            s.read("admin");
            s.read("admin");
            s.read("admin");
            s.read("admin");
            s.read("c3");
            s.call("admin", "XPENDING", "s", "g");
            s.call("admin", "XINFO", "GROUPS", "s");
        });
    }

    @Test
    void aBlockedXreadgroupLearnsThatItsKeyOrGroupIsGone() {
        sameAsRedis(s -> {
            s.call("admin", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            s.send("c1", "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">");
            s.awaitBlocked(1);
            s.send("x", "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            s.awaitBlocked(2);
            s.call("admin", "DEL", "s");
            s.read("c1");
            s.awaitBlocked(1);
            s.call("admin", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            s.send("c2", "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">");
            s.awaitBlocked(2);
            s.call("admin", "XGROUP", "DESTROY", "s", "g");
            s.read("c2");
            s.call("admin", "XGROUP", "CREATE", "s", "g", "$");
            s.send("c3", "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">");
            s.awaitBlocked(2);
            s.call("admin", "SET", "s", "now a string");
            s.read("c3");
            s.call("admin", "DEL", "s");
            s.call("admin", "XADD", "s", "7-0", "f", "v");
            s.read("x");
        });
    }

    @Test
    void xaddAndDelInOneTransactionDoNotWakeAReader() {
        sameAsRedis(s -> {
            s.send("r", "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            s.awaitBlocked(1);
            s.pipeline("admin", new String[] {"MULTI"}, new String[] {"XADD", "s", "1-0", "a", "1"},
                    new String[] {"DEL", "s"}, new String[] {"EXEC"});
            s.read("admin");
            s.read("admin");
            s.read("admin");
            s.read("admin");
            s.awaitBlocked(1);
            s.call("admin", "XADD", "s", "2-0", "b", "2");
            s.read("r");
        });
    }

    @Test
    void timeoutsAndTransactionsAnswerANullArray() {
        sameAsRedis(s -> {
            s.pipeline("b", new String[] {"XREAD", "BLOCK", "30", "STREAMS", "s", "$"}, new String[] {"PING"});
            s.read("b");
            s.read("b");
            s.call("admin", "XGROUP", "CREATE", "g", "grp", "$", "MKSTREAM");
            s.call("b", "XREADGROUP", "GROUP", "grp", "c", "BLOCK", "20", "STREAMS", "g", ">");
            s.conn("b3").call("HELLO", "3");
            s.call("b3", "XREAD", "BLOCK", "20", "STREAMS", "s", "$");
            s.call("b3", "MULTI");
            s.call("b3", "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            s.call("b3", "XREADGROUP", "GROUP", "grp", "c", "BLOCK", "0", "STREAMS", "g", ">");
            s.call("b3", "EXEC");
            s.call("admin", "XINFO", "CONSUMERS", "g", "grp");
        });
    }
}
