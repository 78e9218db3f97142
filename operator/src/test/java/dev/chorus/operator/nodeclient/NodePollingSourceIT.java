package dev.chorus.operator.nodeclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.operator.topology.Role;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The node source against a real redis-server and a node that accepts connections but never answers (a hung
 * process): the live node keeps being looked at every poll over one long-lived, authenticated connection while the
 * hung one times out on its own, and a role change triggers an event.
 */
class NodePollingSourceIT {
    private static final String PASSWORD = "s3cret";
    private static final ResourceID RS = new ResourceID("rs", "ns");

    private Process redis;
    private int redisPort;
    private ServerSocket hung;
    private NodePollingSource source;
    private final AtomicInteger events = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            redisPort = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("node-source");
        redis = new ProcessBuilder("redis-server", "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--requirepass", PASSWORD, "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        await("redis-server up").atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Jedis j = new Jedis("127.0.0.1", redisPort)) {
                j.auth(PASSWORD);
                return "PONG".equals(j.ping());
            }
        });
        hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()); // the kernel accepts, nobody answers
        source = new NodePollingSource();
        source.setEventHandler(e -> events.incrementAndGet());
        source.start();
    }

    @AfterEach
    void stop() throws IOException {
        if (source != null) {
            source.stop();
        }
        if (redis != null) {
            redis.destroyForcibly();
        }
        if (hung != null) {
            hung.close();
        }
    }

    private List<NodeTarget> targets() {
        return List.of(new NodeTarget("rs-0", 0, "127.0.0.1", redisPort, true),
                new NodeTarget("rs-1", 1, "127.0.0.1", hung.getLocalPort(), true),
                new NodeTarget("rs-2", 2, null, redisPort, false));
    }

    @Test
    void aHungNodeDoesNotHoldUpTheOthersAndAChangeTriggersAReconcile() {
        Observation none = source.watch(RS, targets(), PASSWORD);
        assertThat(none.complete()).as("nothing looked at yet").isFalse();
        assertThat(none.neverLookedAt("rs-0")).isTrue();
        assertThat(none.node("rs-0").reachable()).isFalse();
        Observation first = await("a first look at every node").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50)).until(() -> source.watch(RS, targets(), PASSWORD),
                        Observation::complete);
        assertThat(first.node("rs-0").role()).isEqualTo(Role.MASTER);
        assertThat(first.node("rs-1").reachable()).isFalse();
        assertThat(first.node("rs-2").reachable()).as("no IP: unreachable without a look").isFalse();

        // rs-0 is looked at again and again while every look at rs-1 takes its full 2 s timeout
        for (int i = 0; i < 5; i++) {
            Instant before = source.watch(RS, targets(), PASSWORD).polledAt("rs-0");
            await("a newer look at rs-0").atMost(Duration.ofMillis(1000)).pollInterval(Duration.ofMillis(20))
                    .until(() -> source.watch(RS, targets(), PASSWORD).polledAt("rs-0").isAfter(before));
        }

        try (Jedis j = new Jedis("127.0.0.1", redisPort)) {
            j.auth(PASSWORD);
            String clients = j.clientList();
            assertThat(clients.lines().filter(l -> l.contains("name=chorus-operator")).count())
                    .as("one long-lived connection for all those looks:\n" + clients).isEqualTo(1);
            int before = events.get();
            j.replicaof("127.0.0.1", 1); // a role change: the source must tell
            await("an event for the role change").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> events.get() > before);
            assertThat(source.watch(RS, targets(), PASSWORD).node("rs-0").role()).isEqualTo(Role.REPLICA);
        }
    }

    @Test
    void commandsUseTheCurrentPasswordAndPauseReturnsTheOffset() {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> source.watch(RS, targets(), PASSWORD).complete());
        NodeClient commands = source.commands(RS);
        long offset = commands.pauseWrites("127.0.0.1", redisPort, 1000);
        assertThat(offset).isGreaterThanOrEqualTo(0);
        commands.unpause("127.0.0.1", redisPort);
    }
}
