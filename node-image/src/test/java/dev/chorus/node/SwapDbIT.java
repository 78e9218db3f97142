package dev.chorus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.OraclePair;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.RespFrames;
import dev.chorus.node.testing.ServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SWAPDB with other clients, Redis 7.0 as the oracle: a client blocked on a key that exists after the swap is served
 * (scanDatabaseForReadyKeys), a transaction watching a swapped key fails. Transcripts must be the same bytes.
 */
class SwapDbIT {
    @RegisterExtension
    static final OraclePair servers = new OraclePair();

    @Test
    void blockedClientsAreServedFromTheSwappedInDatabase() {
        assertThat(transcript(servers.node(), SwapDbIT::blocked)).isEqualTo(transcript(servers.redis(), SwapDbIT::blocked));
    }

    @Test
    void watchersOfSwappedKeysFailTheirTransaction() {
        assertThat(transcript(servers.node(), SwapDbIT::watch)).isEqualTo(transcript(servers.redis(), SwapDbIT::watch));
    }

    private interface Scenario {
        void run(ServerProcess server, RawConnection a, RawConnection b, List<String> out);
    }

    private static List<String> transcript(ServerProcess server, Scenario scenario) {
        List<String> out = new ArrayList<>();
        try (RawConnection admin = server.connect(); RawConnection a = server.connect();
             RawConnection b = server.connect()) {
            admin.call("FLUSHALL");
            scenario.run(server, a, b, out);
        }
        return out;
    }

    private static void blocked(ServerProcess server, RawConnection a, RawConnection b, List<String> out) {
        a.send(RawConnection.encode("BLPOP", "k", "0"));
        awaitBlocked(server, 1);
        out.add(show(b.call("SELECT", "1")));
        out.add(show(b.call("RPUSH", "k", "v1", "v2")));
        out.add(show(b.call("SWAPDB", "0", "1")));
        out.add("a <- " + show(a.read()));
        awaitBlocked(server, 0);
        // A key of the wrong type does not serve a list waiter; a sorted set serves BZPOPMIN.
        a.send(RawConnection.encode("BZPOPMIN", "z", "0"));
        awaitBlocked(server, 1);
        out.add(show(b.call("SET", "z", "str")));
        out.add(show(b.call("SWAPDB", "1", "0")));
        out.add(show(b.call("DEL", "z")));
        out.add(show(b.call("ZADD", "z", "1", "m")));
        out.add(show(b.call("SWAPDB", "1", "0")));
        out.add("a <- " + show(a.read()));
        out.add(show(b.call("SELECT", "0")));
        out.add(show(b.call("LRANGE", "k", "0", "-1")));
    }

    private static void watch(ServerProcess server, RawConnection a, RawConnection b, List<String> out) {
        out.add(show(a.call("SET", "w", "1")));
        out.add(show(a.call("WATCH", "w")));
        out.add(show(b.call("SWAPDB", "0", "7")));
        out.add(show(a.call("MULTI")));
        out.add(show(a.call("GET", "w")));
        out.add(show(a.call("EXEC")));
        out.add(show(a.call("WATCH", "absent")));
        out.add(show(b.call("SWAPDB", "0", "7")));
        out.add(show(a.call("MULTI")));
        out.add(show(a.call("GET", "w")));
        out.add(show(a.call("EXEC")));
    }

    private static String show(byte[] reply) {
        return RespFrames.show(reply);
    }

    private static void awaitBlocked(ServerProcess server, int n) {
        try (RawConnection probe = server.connect()) {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                    .until(() -> probe.callText("INFO", "clients").contains("blocked_clients:" + n + "\r\n"));
        }
    }
}
