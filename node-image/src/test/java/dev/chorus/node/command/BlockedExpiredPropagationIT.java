package dev.chorus.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.OraclePair;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ReplicationStream;
import dev.chorus.node.testing.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client blocked on a key that some command makes "ready" while the key has already expired (Redis 7.0.15's
 * unit/type/list "SWAPDB wants to wake blocked client, but the key already expired" and "MULTI + LPUSH + EXPIRE +
 * DEBUG SLEEP on blocked client, key already expired"): the client stays blocked, and the DEL of the expired key
 * reaches the replication stream after the command (SWAPDB, or the whole MULTI/EXEC), when the blocked clients are
 * served, never before it. Read by a replica connection (SYNC) on redis-server and on the node, and compared.
 */
class BlockedExpiredPropagationIT {
    @RegisterExtension
    static final OraclePair servers = new OraclePair("--enable-debug-command", "yes",
            "--repl-diskless-sync-delay", "0");

    @Test
    void swapdbWithExpiredReadyKey() throws IOException {
        BiConsumer<RawConnection, Integer> scenario = (c, port) -> {
            c.call("SELECT", "1");
            c.call("RPUSH", "k", "hello");
            c.call("PEXPIRE", "k", "100");
            try (RawConnection blocked = new RawConnection(port)) {
                blocked.call("SELECT", "9");
                String id = new String(blocked.call("CLIENT", "ID"), StandardCharsets.US_ASCII).substring(1).trim();
                blocked.send(RawConnection.encode("BRPOP", "k", "0"));
                awaitBlocked(c);
                c.call("DEBUG", "SLEEP", "0.15"); // the server itself lets the key's time pass
                assertThat(c.callText("SWAPDB", "1", "9")).isEqualTo("+OK\r\n");
                assertThat(c.callText("CLIENT", "LIST", "ID", id)).contains("flags=b");
                c.call("CLIENT", "UNBLOCK", id);
                assertThat(new String(blocked.read(), StandardCharsets.US_ASCII)).isEqualTo("*-1\r\n");
            }
            c.call("SELECT", "0");
        };
        List<String> redis = stream(servers.redis(), scenario);
        List<String> node = stream(servers.node(), scenario);
        assertThat(redis).as("redis-server's stream").containsSubsequence("SWAPDB 1 9", "SELECT 9", "DEL k");
        assertThat(node).isEqualTo(redis);
    }

    @Test
    void execWithExpiredReadyKey() throws IOException {
        BiConsumer<RawConnection, Integer> scenario = (c, port) -> {
            try (RawConnection blocked = new RawConnection(port)) {
                String id = new String(blocked.call("CLIENT", "ID"), StandardCharsets.US_ASCII).substring(1).trim();
                blocked.send(RawConnection.encode("BRPOP", "k", "0"));
                awaitBlocked(c);
                c.call("MULTI");
                c.call("RPUSH", "k", "hello");
                c.call("PEXPIRE", "k", "100");
                c.call("DEBUG", "SLEEP", "0.2");
                c.call("EXEC");
                assertThat(c.callText("CLIENT", "LIST", "ID", id)).contains("flags=b");
                c.call("CLIENT", "UNBLOCK", id);
                assertThat(new String(blocked.read(), StandardCharsets.US_ASCII)).isEqualTo("*-1\r\n");
            }
        };
        List<String> redis = stream(servers.redis(), scenario);
        List<String> node = stream(servers.node(), scenario);
        assertThat(redis).as("redis-server's stream").containsSubsequence("MULTI", "EXEC", "DEL k");
        assertThat(node).isEqualTo(redis);
    }

    private static void awaitBlocked(RawConnection c) {
        Awaitility.await().atMost(10, TimeUnit.SECONDS).pollInterval(10, TimeUnit.MILLISECONDS)
                .until(() -> c.callText("INFO", "clients").contains("blocked_clients:1\r\n"));
    }

    /**
     * The commands the scenario puts on the replication stream (with active expiry off until it ends), PEXPIREAT's
     * time replaced by "T".
     */
    private static List<String> stream(ServerProcess server, BiConsumer<RawConnection, Integer> scenario) throws IOException {
        try (RawConnection admin = server.connect()) {
            admin.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
        }
        List<String> commands = new ArrayList<>();
        for (String c : ReplicationStream.commands(server, conn -> {
            scenario.accept(conn, server.port());
            conn.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
        })) {
            commands.add(c.toUpperCase(Locale.ROOT).startsWith("PEXPIREAT ") ? c.replaceAll(" [0-9]+$", " T") : c);
        }
        return commands;
    }
}
