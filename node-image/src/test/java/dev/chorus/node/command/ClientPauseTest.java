package dev.chorus.node.command;

import dev.chorus.node.command.shared.ClientPause;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.InProcessNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What ClientPauseIT can't see from outside: the order postponed clients resume in, what reaches replicas, how two
 * pauses combine, and that neither expiry nor eviction touches the data set while paused.
 */
class ClientPauseTest {
    @RegisterExtension
    final InProcessNode node = new InProcessNode();

    private ClientPause.Mode mode() {
        return node.onServerThread(() -> node.server().clientPause().mode());
    }

    @Test
    void postponedClientsResumeInTheirOrderAndADisconnectedOneIsForgotten() {
        InProcessNode.TestClient admin = node.connect();
        InProcessNode.TestClient a = node.connect();
        InProcessNode.TestClient b = node.connect();
        InProcessNode.TestClient c = node.connect();
        assertThat(admin.call("CLIENT", "PAUSE", "60000", "WRITE")).isEqualTo("+OK\r\n");
        assertThat(a.call("RPUSH", "l", "a")).isEmpty();
        assertThat(b.call("RPUSH", "l", "b")).isEmpty();
        assertThat(c.pipeline(new String[] {"RPUSH", "l", "c"}, new String[] {"LLEN", "l"})).isEmpty();
        b.disconnect();
        assertThat(node.propagated()).isEmpty();

        assertThat(admin.call("CLIENT", "UNPAUSE")).isEqualTo("+OK\r\n");
        assertThat(a.received()).isEqualTo(":1\r\n");
        assertThat(c.received()).isEqualTo(":2\r\n:2\r\n");
        assertThat(admin.call("LRANGE", "l", "0", "-1")).isEqualTo("*2\r\n$1\r\na\r\n$1\r\nc\r\n");
        assertThat(node.propagated()).containsExactly("RPUSH l a", "RPUSH l c");
    }

    @Test
    void aSecondPauseNeverShortensNorRelaxesTheFirst() {
        InProcessNode.TestClient admin = node.connect();
        admin.call("CLIENT", "PAUSE", "60000", "WRITE");
        admin.call("CLIENT", "PAUSE", "0", "WRITE");
        InProcessNode.TestClient writer = node.connect();
        assertThat(writer.call("SET", "k", "v")).isEmpty();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .until(() -> mode() == ClientPause.Mode.WRITE && writer.received().isEmpty());

        admin.call("CLIENT", "PAUSE", "0", "ALL");
        assertThat(mode()).as("ALL is stricter: it wins, with the later end").isEqualTo(ClientPause.Mode.ALL);
        assertThat(admin.call("PING")).isEmpty();
        node.onServerThread(() -> {
            node.server().clientPause().unpause();
            return null;
        });
        assertThat(admin.received()).isEqualTo("+PONG\r\n");
        assertThat(writer.received()).isEqualTo("+OK\r\n");
    }

    @Test
    void clientUnpauseLeavesAFailoverPauseAndTheStricterPurposeWins() {
        InProcessNode.TestClient admin = node.connect();
        node.onServerThread(() -> {
            node.server().clientPause().pause(ClientPause.Purpose.FAILOVER, Long.MAX_VALUE, ClientPause.Mode.WRITE);
            return null;
        });
        admin.call("CLIENT", "PAUSE", "60000", "ALL");
        assertThat(mode()).isEqualTo(ClientPause.Mode.ALL);
        InProcessNode.TestClient reader = node.connect();
        InProcessNode.TestClient writer = node.connect();
        assertThat(reader.call("GET", "k")).isEmpty();
        assertThat(writer.call("SET", "k", "v")).isEmpty();

        node.onServerThread(() -> {
            node.server().clientPause().unpause(); // CLIENT UNPAUSE: only the command's own pause ends
            return null;
        });
        await().atMost(Duration.ofSeconds(2)).until(() -> reader.received().equals("$-1\r\n"));
        assertThat(mode()).as("the failover's WRITE pause is still on").isEqualTo(ClientPause.Mode.WRITE);
        assertThat(writer.received()).isEmpty();

        node.onServerThread(() -> {
            node.server().clientPause().unpause(ClientPause.Purpose.FAILOVER);
            return null;
        });
        await().atMost(Duration.ofSeconds(2)).until(() -> writer.received().equals("+OK\r\n"));
        assertThat(mode()).isEqualTo(ClientPause.Mode.OFF);
    }

    @Test
    void aClientPauseThatEndsLeavesTheFailoverPause() {
        InProcessNode.TestClient admin = node.connect();
        node.onServerThread(() -> {
            node.server().clientPause().pause(ClientPause.Purpose.FAILOVER, Long.MAX_VALUE, ClientPause.Mode.WRITE);
            return null;
        });
        admin.call("CLIENT", "PAUSE", "50", "ALL");
        await().atMost(Duration.ofSeconds(2)).until(() -> mode() == ClientPause.Mode.WRITE);
        InProcessNode.TestClient writer = node.connect();
        assertThat(writer.call("SET", "k", "v")).isEmpty();
        assertThat(admin.call("GET", "k")).isEqualTo("$-1\r\n");
    }

    @Test
    void expiredKeysStayAndNothingIsPropagatedUntilThePauseEnds() {
        InProcessNode.TestClient admin = node.connect();
        admin.call("SET", "e", "x", "PX", "50");
        admin.call("SET", "k", "v");
        admin.call("CLIENT", "PAUSE", "60000", "WRITE");
        node.clearPropagated();
        await().atMost(Duration.ofSeconds(5)).until(() -> admin.call("EXISTS", "e").equals(":0\r\n"));
        // Several active expiry cycles (hz 10) pass without deleting it.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> admin.call("DBSIZE").equals(":2\r\n") && node.propagated().isEmpty());

        admin.call("CLIENT", "UNPAUSE");
        await().atMost(Duration.ofSeconds(5)).until(() -> node.propagated().equals(List.of("DEL e")));
        assertThat(admin.call("DBSIZE")).isEqualTo(":1\r\n");
    }

    @Test
    void evictionWaitsForThePauseInsteadOfRefusingOrEvicting() {
        InProcessNode.TestClient admin = node.connect();
        for (int i = 0; i < 10; i++) {
            admin.call("SET", "k" + i, "v");
        }
        admin.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
        admin.call("CLIENT", "PAUSE", "60000", "WRITE");
        admin.call("CONFIG", "SET", "maxmemory", "1");
        InProcessNode.TestClient writer = node.connect();
        assertThat(writer.call("SET", "new", "v")).as("postponed, not OOM").isEmpty();
        assertThat(admin.call("DBSIZE")).isEqualTo(":10\r\n");

        admin.call("CLIENT", "UNPAUSE");
        // As redis-server 7.0.15 answers: once the pause ends every key is evicted, and since used_memory (never
        // below Redis' startup figure) is still over maxmemory 1, the postponed SET is refused.
        assertThat(writer.received()).isEqualTo("-OOM command not allowed when used memory > 'maxmemory'.\r\n");
        assertThat(admin.call("DBSIZE")).as("evicted once the pause ended").isEqualTo(":0\r\n");
    }
}
