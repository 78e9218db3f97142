package dev.chorus.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.Server;
import dev.chorus.node.config.Config;
import dev.chorus.node.net.Client;
import dev.chorus.node.net.ClientHandler;
import dev.chorus.node.net.Outbound;
import dev.chorus.node.testing.RawConnection;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What list commands send to replicas. The expectations were taken from redis-server 7.0.15's replication stream
 * (redis-cli --replica) for the same commands: blocking commands travel as their non-blocking forms, LMPOP/BLMPOP as
 * LPOP/RPOP with the count actually popped, commands that changed nothing travel not at all.
 */
class ListPropagationTest {
    private ScheduledExecutorService serverThread;
    private Server server;
    private final List<String> propagated = new ArrayList<>();

    /** A client whose replies are collected as text. */
    private final class TestClient {
        final Client client;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();

        TestClient(long id) throws Exception {
            client = onServerThread(() -> {
                Client c = new Client(id, server, new Outbound() {
                    @Override
                    public void send(byte[] data, int offset, int length) {
                        synchronized (received) {
                            received.write(data, offset, length);
                        }
                    }

                    @Override
                    public void close() {
                    }

                    @Override
                    public String remoteAddress() {
                        return "127.0.0.1:1";
                    }

                    @Override
                    public String localAddress() {
                        return "127.0.0.1:2";
                    }
                });
                server.clients().add(c);
                return c;
            });
        }

        /** Sends a command and waits until the server thread has processed it. */
        String call(String... args) throws Exception {
            byte[] raw = RawConnection.encode(args);
            onServerThread(() -> {
                client.parser().feed(raw, 0, raw.length);
                ClientHandler.processInput(client, server);
                return null;
            });
            // Deferred work (resuming unblocked clients) runs as later tasks on the server thread.
            onServerThread(() -> null);
            synchronized (received) {
                String s = received.toString(StandardCharsets.ISO_8859_1);
                received.reset();
                return s;
            }
        }
    }

    @BeforeEach
    void start() throws Exception {
        serverThread = new ScheduledThreadPoolExecutor(1);
        server = onServerThread(() -> {
            Server s = new Server(new Config());
            s.setPropagation((db, commands) -> {
                for (byte[][] argv : commands) {
                    List<String> words = new ArrayList<>();
                    for (byte[] a : argv) {
                        words.add(new String(a, StandardCharsets.UTF_8));
                    }
                    propagated.add(String.join(" ", words));
                }
            });
            s.start(serverThread);
            return s;
        });
    }

    @AfterEach
    void stop() {
        serverThread.shutdownNow();
    }

    private <T> T onServerThread(Callable<T> task) throws Exception {
        try {
            return serverThread.submit(task).get();
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    @Test
    void immediateCommandsPropagateAsRedisDoes() throws Exception {
        TestClient c = new TestClient(1);
        c.call("RPUSH", "src", "a", "b", "c", "d");
        c.call("BLPOP", "nope", "src", "0");
        c.call("BRPOP", "src", "0");
        c.call("BLMOVE", "src", "dst", "LEFT", "Right", "0");
        c.call("RPUSH", "src", "x", "y", "z");
        c.call("BRPOPLPUSH", "src", "dst", "0");
        c.call("BLMPOP", "0", "1", "src", "left", "COUNT", "5");
        c.call("RPUSH", "m", "1", "2", "3");
        c.call("LMPOP", "1", "m", "RIGHT", "COUNT", "10");
        assertThat(propagated).containsExactly(
                "RPUSH src a b c d",
                "LPOP src",
                "RPOP src",
                "LMOVE src dst LEFT Right",
                "RPUSH src x y z",
                "RPOPLPUSH src dst",
                "LPOP src 3",
                "RPUSH m 1 2 3",
                "RPOP m 3");
    }

    @Test
    void commandsThatChangeNothingAreNotPropagated() throws Exception {
        TestClient c = new TestClient(1);
        c.call("RPUSH", "x", "a", "b");
        propagated.clear();
        c.call("LPOP", "x", "0");
        c.call("LPUSHX", "nope", "a");
        c.call("LREM", "x", "0", "zz");
        c.call("LREM", "nope", "0", "a");
        c.call("LINSERT", "x", "BEFORE", "zz", "v");
        c.call("LTRIM", "x", "0", "-1");
        c.call("LMPOP", "1", "nope", "LEFT");
        c.call("RPOP", "nope");
        c.call("LMOVE", "nope", "x", "LEFT", "LEFT");
        c.call("MULTI");
        c.call("BLPOP", "nope", "0");
        c.call("EXEC");
        assertThat(propagated).isEmpty();
        c.call("LTRIM", "x", "1", "0");
        assertThat(propagated).containsExactly("LTRIM x 1 0");
    }

    @Test
    void servedBlockedClientsPropagateTheNonBlockingForm() throws Exception {
        TestClient admin = new TestClient(1);
        TestClient pop = new TestClient(2);
        TestClient move = new TestClient(3);
        TestClient rpoplpush = new TestClient(4);
        TestClient mpop = new TestClient(5);
        assertThat(pop.call("BLPOP", "bk", "0")).isEmpty();
        assertThat(move.call("BLMOVE", "bm", "bdst", "RIGHT", "LEFT", "0")).isEmpty();
        assertThat(rpoplpush.call("BRPOPLPUSH", "bp", "bdst", "0")).isEmpty();
        assertThat(mpop.call("BLMPOP", "0", "2", "nope", "bx", "RIGHT", "COUNT", "5")).isEmpty();
        admin.call("RPUSH", "bk", "1", "2");
        admin.call("RPUSH", "bm", "1", "2");
        admin.call("RPUSH", "bp", "1", "2");
        admin.call("RPUSH", "bx", "1", "2", "3");
        assertThat(pop.call("PING")).isEqualTo("*2\r\n$2\r\nbk\r\n$1\r\n1\r\n+PONG\r\n");
        assertThat(move.call("PING")).isEqualTo("$1\r\n2\r\n+PONG\r\n");
        assertThat(rpoplpush.call("PING")).isEqualTo("$1\r\n2\r\n+PONG\r\n");
        assertThat(mpop.call("PING")).isEqualTo("*2\r\n$2\r\nbx\r\n*3\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n+PONG\r\n");
        assertThat(propagated).containsExactly(
                "RPUSH bk 1 2",
                "LPOP bk",
                "RPUSH bm 1 2",
                "LMOVE bm bdst right left",
                "RPUSH bp 1 2",
                "RPOPLPUSH bp bdst",
                "RPUSH bx 1 2 3",
                "RPOP bx 3");
    }
}
