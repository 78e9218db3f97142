package dev.chorus.node.testing;

import dev.chorus.node.Server;
import dev.chorus.node.config.Config;
import dev.chorus.node.net.Client;
import dev.chorus.node.net.ClientHandler;
import dev.chorus.node.net.Outbound;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link Server} without sockets, for tests that need to see inside: commands go through the real parser,
 * dispatcher and client code on a single server thread, replies are captured per client, and what would go to
 * replicas is recorded as text ("LPOP key"). Also a JUnit extension: {@code @RegisterExtension final InProcessNode node =
 * new InProcessNode();} gives each test a fresh node, closed after it.
 */
public final class InProcessNode implements AutoCloseable, AfterEachCallback {
    private final ScheduledExecutorService serverThread = new ScheduledThreadPoolExecutor(1);
    private final Server server;
    private final List<String> propagated = Collections.synchronizedList(new ArrayList<>());
    private long nextClientId = 1;

    public InProcessNode() {
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

    public Server server() {
        return server;
    }

    /** Everything propagated so far, one command per element. */
    public List<String> propagated() {
        synchronized (propagated) {
            return List.copyOf(propagated);
        }
    }

    public void clearPropagated() {
        propagated.clear();
    }

    /** Runs a task on the server thread and waits for it (so does everything it queued before). */
    public <T> T onServerThread(Callable<T> task) {
        try {
            return serverThread.submit(task).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public TestClient connect() {
        return new TestClient();
    }

    @Override
    public void close() {
        serverThread.shutdownNow();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    /** A connected client whose replies are collected as text. */
    public final class TestClient {
        private final Client client;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private boolean closedByServer;

        private TestClient() {
            client = onServerThread(() -> {
                Client c = new Client(nextClientId++, server, new Outbound() {
                    @Override
                    public void send(byte[] data, int offset, int length) {
                        synchronized (received) {
                            received.write(data, offset, length);
                        }
                    }

                    @Override
                    public void close() {
                        closedByServer = true;
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

        public Client client() {
            return client;
        }

        /** Sends a command, lets the server thread process it and what it queued, returns what arrived. */
        public String call(String... args) {
            return pipeline(args);
        }

        /** Sends several commands in one write, as a pipelining client does. */
        public String pipeline(String[]... commands) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (String[] args : commands) {
                out.writeBytes(RawConnection.encode(args));
            }
            byte[] raw = out.toByteArray();
            onServerThread(() -> {
                client.parser().feed(raw, 0, raw.length);
                ClientHandler.processInput(client, server);
                return null;
            });
            return received();
        }

        /** What arrived since the last call (after letting queued server-thread work run). */
        public String received() {
            // Twice: tasks already queued (a resumed client, say) may queue the end-of-turn flush behind the first.
            onServerThread(() -> null);
            onServerThread(() -> null);
            synchronized (received) {
                String s = received.toString(StandardCharsets.ISO_8859_1);
                received.reset();
                return s;
            }
        }

        public boolean closedByServer() {
            onServerThread(() -> null);
            return closedByServer;
        }

        /** The connection drops, as ClientHandler.channelInactive reports it. */
        public void disconnect() {
            onServerThread(() -> {
                client.markClosed();
                server.clients().remove(client);
                server.clientClosed(client);
                return null;
            });
        }
    }
}
