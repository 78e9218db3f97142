package dev.chorus.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.OraclePair;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
     * Connects as a replica, runs the scenario (with active expiry off) on another connection, and returns the
     * commands streamed up to a marker write, PINGs left out and PEXPIREAT's time replaced by "T".
     */
    private static List<String> stream(ServerProcess server, BiConsumer<RawConnection, Integer> scenario) throws IOException {
        try (RawConnection admin = server.connect()) {
            admin.call("FLUSHALL");
            admin.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
        }
        try (Socket replica = new Socket("127.0.0.1", server.port())) {
            replica.setSoTimeout(200);
            InputStream in = new BufferedInputStream(replica.getInputStream());
            replica.getOutputStream().write("SYNC\r\n".getBytes(StandardCharsets.US_ASCII));
            skipRdb(in);
            try (RawConnection c = server.connect()) {
                scenario.accept(c, server.port());
                c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
                c.call("SET", "end", "marker");
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> {
                readAvailable(in, received);
                return received.toString(StandardCharsets.ISO_8859_1).contains("$6\r\nmarker\r\n");
            });
            List<String> commands = new ArrayList<>();
            for (String c : parse(new java.io.ByteArrayInputStream(received.toByteArray()))) {
                if (!c.equalsIgnoreCase("ping")) {
                    commands.add(c.toUpperCase(java.util.Locale.ROOT).startsWith("PEXPIREAT ")
                            ? c.replaceAll(" [0-9]+$", " T") : c);
                }
            }
            return commands;
        }
    }

    private static void skipRdb(InputStream in) throws IOException {
        Awaitility.await().atMost(10, TimeUnit.SECONDS).ignoreExceptions().until(() -> {
            int b = in.read();
            if (b == '$') {
                return true;
            }
            if (b != '\n' && b != '\r') {
                throw new IllegalStateException("unexpected byte " + b);
            }
            return false;
        });
        long len = Long.parseLong(line(in));
        for (long i = 0; i < len; i++) {
            if (in.read() < 0) {
                throw new IOException("eof in rdb");
            }
        }
    }

    /** Appends what arrives until a read times out. */
    private static void readAvailable(InputStream in, ByteArrayOutputStream out) throws IOException {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // nothing more for now
        }
    }

    /** The commands of a replication stream, arguments joined by spaces (newlines between them are skipped). */
    private static List<String> parse(InputStream in) throws IOException {
        List<String> out = new ArrayList<>();
        int b;
        while ((b = in.read()) >= 0) {
            if (b != '*') {
                continue;
            }
            int n = Integer.parseInt(line(in));
            List<String> args = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                in.read(); // '$'
                int len = Integer.parseInt(line(in));
                byte[] arg = in.readNBytes(len);
                in.readNBytes(2);
                args.add(new String(arg, StandardCharsets.UTF_8));
            }
            out.add(String.join(" ", args));
        }
        return out;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("eof");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
