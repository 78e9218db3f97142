package dev.chorus.node.command.blocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.command.CommandContext;
import dev.chorus.node.store.ValueType;
import dev.chorus.node.testing.InProcessNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The blocked-clients registry beyond what the list differential tests cover: timers, unblocking from outside, clients
 * waiting for another type than the key holds (sorted-set waiters will share the registry with list waiters).
 */
class BlockedClientsTest {
    @RegisterExtension
    final InProcessNode node = new InProcessNode();

    private int blockedCount() {
        return node.onServerThread(() -> (int) node.server().clients().all().stream().filter(c -> c.blocked()).count());
    }

    @Test
    void aTimeoutAnswersANullArrayAndResumesPipelinedInput() {
        InProcessNode.TestClient c = node.connect();
        assertThat(c.pipeline(new String[] {"BLPOP", "k", "0.05"}, new String[] {"PING"})).isEmpty();
        StringBuilder got = new StringBuilder();
        await().atMost(Duration.ofSeconds(5)).until(() -> got.append(c.received()).toString().equals("*-1\r\n+PONG\r\n"));
        assertThat(blockedCount()).isZero();
    }

    @Test
    void unblockAnswersAsATimeoutOrWithTheGivenError() {
        InProcessNode.TestClient a = node.connect();
        InProcessNode.TestClient b = node.connect();
        a.call("BLPOP", "k", "0");
        b.call("BRPOP", "k", "0");
        assertThat(blockedCount()).isEqualTo(2);
        assertThat(node.onServerThread(() -> node.server().blockedClients().unblock(a.client(), null))).isTrue();
        assertThat(node.onServerThread(() -> node.server().blockedClients()
                .unblock(b.client(), "UNBLOCKED client unblocked via CLIENT UNBLOCK"))).isTrue();
        assertThat(a.received()).isEqualTo("*-1\r\n");
        assertThat(b.received()).isEqualTo("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
        assertThat(node.onServerThread(() -> node.server().blockedClients().unblock(a.client(), null))).isFalse();
        // Nobody waits any more: the list stays.
        InProcessNode.TestClient admin = node.connect();
        admin.call("RPUSH", "k", "x");
        assertThat(admin.call("LLEN", "k")).isEqualTo(":1\r\n");
    }

    @Test
    void disconnectAllAnswersTheErrorAndClosesTheConnections() {
        InProcessNode.TestClient a = node.connect();
        a.call("BLMOVE", "src", "dst", "LEFT", "LEFT", "0");
        String error = "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)";
        node.onServerThread(() -> {
            node.server().blockedClients().disconnectAll(error);
            return null;
        });
        assertThat(a.received()).isEqualTo("-" + error + "\r\n");
        assertThat(a.closedByServer()).isTrue();
        assertThat(blockedCount()).isZero();
    }

    @Test
    void aDisconnectedClientIsForgotten() {
        InProcessNode.TestClient gone = node.connect();
        gone.call("BLPOP", "k", "0");
        gone.disconnect();
        InProcessNode.TestClient admin = node.connect();
        admin.call("RPUSH", "k", "x");
        assertThat(admin.call("LRANGE", "k", "0", "-1")).isEqualTo("*1\r\n$1\r\nx\r\n");
    }

    @Test
    void aClientWaitingForAnotherTypeStaysBlockedWhileThoseBehindItAreServed() {
        InProcessNode.TestClient zsetWaiter = node.connect();
        InProcessNode.TestClient listWaiter = node.connect();
        // A stand-in for BZPOPMIN: waits for a sorted set at "k" and would answer "served".
        node.onServerThread(() -> {
            CommandContext ctx = zsetWaiter.client().context();
            ctx.reset(node.server().commands().lookup("blpop"),
                    new byte[][] {"BLPOP".getBytes(), "k".getBytes(), "0".getBytes()});
            node.server().blockedClients().block(ctx, ValueType.ZSET, List.of("k".getBytes()), 0, (c, key) -> {
                c.reply().simple("served");
                return true;
            });
            return null;
        });
        listWaiter.call("BLPOP", "k", "0");
        InProcessNode.TestClient admin = node.connect();
        admin.call("RPUSH", "k", "a", "b");
        assertThat(listWaiter.received()).isEqualTo("*2\r\n$1\r\nk\r\n$1\r\na\r\n");
        assertThat(zsetWaiter.received()).isEmpty();
        assertThat(blockedCount()).isEqualTo(1);
        assertThat(admin.call("LRANGE", "k", "0", "-1")).isEqualTo("*1\r\n$1\r\nb\r\n");
    }
}
