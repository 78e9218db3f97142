package dev.chorus.node.testing;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named connections to one server whose replies are recorded in a transcript, for scenarios with several clients
 * (blocking commands) run against Redis and the node: see {@link OraclePair#assertSameTranscripts(Scenario)}.
 */
public final class TranscriptSession implements AutoCloseable {
    /** A scenario drives named connections; everything they receive lands in the transcript. */
    public interface Scenario {
        void run(TranscriptSession s);
    }

    private final ServerProcess server;
    private final List<String> transcript = new ArrayList<>();
    private final Map<String, RawConnection> connections = new LinkedHashMap<>();

    private TranscriptSession(ServerProcess server) {
        this.server = server;
    }

    /** Runs the scenario on a flushed server, waits until no client is blocked, and returns the transcript. */
    public static List<String> transcript(ServerProcess server, Scenario scenario) {
        try (RawConnection admin = server.connect()) {
            admin.call("FLUSHALL");
        }
        try (TranscriptSession s = new TranscriptSession(server)) {
            scenario.run(s);
            s.awaitBlocked(0);
            return s.transcript;
        }
    }

    public RawConnection conn(String name) {
        return connections.computeIfAbsent(name, n -> server.connect());
    }

    /** Sends a command and records its reply. */
    public void call(String name, String... args) {
        transcript.add(name + " " + String.join(" ", args) + " -> " + RespFrames.show(conn(name).call(args)));
    }

    /** Sends commands without reading (the connection blocks, or pipelines). */
    public void send(String name, String... args) {
        conn(name).send(RawConnection.encode(args));
    }

    public void pipeline(String name, String[]... commands) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String[] c : commands) {
            b.writeBytes(RawConnection.encode(c));
        }
        conn(name).send(b.toByteArray());
    }

    /** Records the next reply the connection receives. */
    public void read(String name) {
        transcript.add(name + " <- " + RespFrames.show(conn(name).read()));
    }

    public void close(String name) {
        connections.remove(name).close();
    }

    /** Waits until the server reports exactly {@code n} blocked clients (INFO clients). */
    public void awaitBlocked(int n) {
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
