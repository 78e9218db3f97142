package dev.chorus.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.FreePorts;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node is a drop-in for redis-server 7.0.15's configuration: a real redis-server and a node, both started in the
 * same directory with nothing but {@code --port}, must answer {@code CONFIG GET *} with the same names (aliases
 * included), and the same default value for each, except the values listed in {@link #LEGITIMATELY_DIFFERENT}.
 *
 * <p>No name is allowed to be missing: directives other parts of the node declare (client-output-buffer-limit,
 * notify-keyspace-events, slowlog-*, ...) count too, so this test fails on a branch that lacks them.
 */
class ConfigNamesIT {
    /** Default values that differ for a reason, with the reason. */
    private static final Map<String, String> LEGITIMATELY_DIFFERENT = Map.of(
            "port", "each server is started on its own free port");

    @TempDir
    static Path dir;

    private static Process redis;
    private static Process node;
    private static int redisPort;
    private static int nodePort;

    @BeforeAll
    static void start() throws IOException {
        redisPort = FreePorts.next();
        nodePort = FreePorts.next();
        redis = launch(List.of("redis-server", "--port", Integer.toString(redisPort)), "redis.out");
        List<String> nodeCmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:+UseSerialGC", "-jar", ServerProcess.nodeJar(), "--port", Integer.toString(nodePort)));
        node = launch(nodeCmd, "node.out");
        awaitPong(redis, redisPort);
        awaitPong(node, nodePort);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        for (Process p : new Process[] {redis, node}) {
            if (p != null) {
                p.destroy(); // SIGTERM to this process's PID
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private static Process launch(List<String> cmd, String out) throws IOException {
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(out).toFile()).start();
    }

    private static void awaitPong(Process p, int port) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("exited: " + Files.readString(dir.resolve(p == redis ? "redis.out"
                        : "node.out")));
            }
            try (RawConnection c = new RawConnection(port)) {
                return c.callText("PING").equals("+PONG\r\n");
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    @Test
    void everyRedisNameIsKnownToTheNodeAndNoOther() {
        Map<String, String> redisConfig = configGetAll(redisPort);
        Map<String, String> nodeConfig = configGetAll(nodePort);
        assertThat(redisConfig).hasSizeGreaterThan(150); // sanity: the oracle answered
        Set<String> missing = new TreeSet<>(redisConfig.keySet());
        missing.removeAll(nodeConfig.keySet());
        Set<String> extra = new TreeSet<>(nodeConfig.keySet());
        extra.removeAll(redisConfig.keySet());
        assertThat(missing).as("CONFIG GET * names of redis-server 7.0.15 the node does not know").isEmpty();
        assertThat(extra).as("CONFIG GET * names the node has and redis-server 7.0.15 does not").isEmpty();
    }

    @Test
    void defaultValuesAreRedis() {
        Map<String, String> redisConfig = configGetAll(redisPort);
        Map<String, String> nodeConfig = configGetAll(nodePort);
        List<String> different = new ArrayList<>();
        for (Map.Entry<String, String> e : redisConfig.entrySet()) {
            String nodeValue = nodeConfig.get(e.getKey());
            if (nodeValue != null && !nodeValue.equals(e.getValue())
                    && !LEGITIMATELY_DIFFERENT.containsKey(e.getKey())) {
                different.add(e.getKey() + ": redis '" + e.getValue() + "', node '" + nodeValue + "'");
            }
        }
        assertThat(different).as("default values that differ from redis-server 7.0.15").isEmpty();
        // Each exception is still a name both know, so the list cannot go stale silently.
        assertThat(redisConfig).containsKeys(LEGITIMATELY_DIFFERENT.keySet().toArray(String[]::new));
    }

    /** Every exact name (and alias) answers by itself too, under the name as asked. */
    @Test
    void everyNameAnswersByItself() {
        Map<String, String> nodeConfig = configGetAll(nodePort);
        try (RawConnection c = new RawConnection(nodePort)) {
            for (Map.Entry<String, String> e : nodeConfig.entrySet()) {
                Map<String, String> one = pairs(c.call("CONFIG", "GET", e.getKey().toUpperCase()));
                assertThat(one).containsExactly(Map.entry(e.getKey().toUpperCase(), e.getValue()));
            }
        }
    }

    private static Map<String, String> configGetAll(int port) {
        try (RawConnection c = new RawConnection(port)) {
            return pairs(c.call("CONFIG", "GET", "*"));
        }
    }

    /** A RESP2 array of bulk strings (name, value, ...) as a sorted map. */
    static Map<String, String> pairs(byte[] frame) {
        assertThat(frame[0]).isEqualTo((byte) '*');
        int[] pos = {0};
        int count = Integer.parseInt(line(frame, pos).substring(1));
        List<String> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int len = Integer.parseInt(line(frame, pos).substring(1));
            items.add(new String(frame, pos[0], len, StandardCharsets.UTF_8));
            pos[0] += len + 2;
        }
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i + 1 < items.size(); i += 2) {
            out.put(items.get(i), items.get(i + 1));
        }
        return out;
    }

    private static String line(byte[] frame, int[] pos) {
        int start = pos[0];
        int end = start;
        while (frame[end] != '\r') {
            end++;
        }
        pos[0] = end + 2;
        return new String(frame, start, end - start, StandardCharsets.US_ASCII);
    }
}
