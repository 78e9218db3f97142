package dev.chorus.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.InProcessNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SLOWLOG entries, the latency monitor and the latency histograms, looked at from inside the node. */
class SlowLogLatencyTest {

    @Test
    void entriesCarryTrimmedArgumentsPeerAndNameNewestFirst() {
        try (InProcessNode node = new InProcessNode()) {
            InProcessNode.TestClient c = node.connect();
            c.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
            c.call("SLOWLOG", "RESET");
            c.call("CLIENT", "SETNAME", "app");
            c.call("SET", "k", "x".repeat(130));
            String get = c.call("SLOWLOG", "GET", "2");
            // id 1 (RESET was id 0... and is logged itself, as in Redis), then SET, newest first.
            assertThat(get).startsWith("*2\r\n*6\r\n:3\r\n");
            assertThat(get).contains("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$146\r\n" + "x".repeat(128)
                    + "... (2 more bytes)\r\n$11\r\n127.0.0.1:1\r\n$3\r\napp\r\n");
            assertThat(get).contains("*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$3\r\napp\r\n$11\r\n127.0.0.1:1\r\n$3\r\napp\r\n");
        }
    }

    @Test
    void aServedBlockingCommandIsLoggedWhenServedATimedOutOneNever() {
        try (InProcessNode node = new InProcessNode()) {
            InProcessNode.TestClient blocked = node.connect();
            InProcessNode.TestClient other = node.connect();
            other.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
            other.call("SLOWLOG", "RESET");
            assertThat(blocked.call("BLPOP", "q", "0")).isEmpty();
            assertThat(other.call("SLOWLOG", "GET", "1")).doesNotContain("BLPOP");
            other.call("RPUSH", "q", "v");
            assertThat(blocked.received()).isEqualTo("*2\r\n$1\r\nq\r\n$1\r\nv\r\n");
            assertThat(other.call("SLOWLOG", "GET", "1")).contains("$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n");
            // BLPOP's histogram counts the served call once.
            assertThat(other.call("LATENCY", "HISTOGRAM", "blpop")).startsWith("*2\r\n$5\r\nblpop\r\n*4\r\n$5\r\ncalls\r\n:1\r\n");

            other.call("SLOWLOG", "RESET");
            blocked.call("BLPOP", "q", "0.01");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> blocked.received().equals("*-1\r\n"));
            assertThat(other.call("SLOWLOG", "GET")).doesNotContain("BLPOP");
        }
    }

    @Test
    void slowlogMaxLenTrimsAndNegativeThresholdDisables() {
        try (InProcessNode node = new InProcessNode()) {
            InProcessNode.TestClient c = node.connect();
            c.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
            c.call("CONFIG", "SET", "slowlog-max-len", "3");
            for (int i = 0; i < 10; i++) {
                c.call("SET", "k" + i, "v");
            }
            assertThat(c.call("SLOWLOG", "LEN")).isEqualTo(":3\r\n");
            c.call("CONFIG", "SET", "slowlog-log-slower-than", "-1");
            c.call("SET", "a", "b");
            // The newest entry is still SLOWLOG LEN (logged after it ran), nothing after it.
            assertThat(c.call("SLOWLOG", "GET", "1")).contains("$7\r\nSLOWLOG\r\n$3\r\nLEN\r\n");
            assertThat(c.call("SLOWLOG", "GET", "2")).contains("$2\r\nk9\r\n");
        }
    }

    @Test
    void histogramMatchesRedisBucketsAndPercentiles() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(1000); // 1 µs
        // Redis 7.0.15: a single 1 µs call reports p50=1.003 and the bucket "1 -> 1".
        assertThat(h.valueAtPercentile(50)).isEqualTo(1003);
        assertThat(h.cumulativeSteps()).containsExactly(new LatencyHistogram.Step(1, 1));
        h.record(6000);
        h.record(207_618_000);
        assertThat(h.valueAtPercentile(50)).isEqualTo(6015);
        assertThat(h.valueAtPercentile(99)).isEqualTo(207_618_047); // p99=207618.047 as redis-server printed
        // Bucket labels Redis prints: 1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, ..., 270532 for 2^28 ns.
        assertThat(h.cumulativeSteps()).extracting(LatencyHistogram.Step::micros).containsExactly(1L, 8L, 270532L);
        assertThat(h.cumulativeSteps()).extracting(LatencyHistogram.Step::cumulativeCount).containsExactly(1L, 2L, 3L);
        LatencyHistogram zero = new LatencyHistogram();
        zero.record(0);
        assertThat(zero.cumulativeSteps()).containsExactly(new LatencyHistogram.Step(1, 1));
        assertThat(zero.valueAtPercentile(99.9)).isEqualTo(1);
    }

    /** The graph redis-server 7.0.15 drew for two "command" samples, 1 ms six seconds ago and 5 ms now. */
    @Test
    void graphIsRedisSparkline() {
        LatencyMonitor m = new LatencyMonitor(new dev.chorus.node.config.Config());
        m.addSample("command", 1, 1000);
        m.addSample("command", 5, 1006);
        assertThat(LatencyCommands.graph("command", m.get("command"), 1006)).isEqualTo(String.join("\n", List.of(
                "command - high 5 ms, low 1 ms (all time high 5 ms)",
                "-".repeat(80),
                " #",
                " |",
                " |",
                "_|",
                "  ",
                "60",
                "ss",
                "")));
        // Samples within one second keep the worst; the all-time high survives.
        m.addSample("command", 3, 1006);
        m.addSample("command", 9, 1006);
        assertThat(m.get("command").max).isEqualTo(9);
        assertThat(m.reset("COMMAND")).isEqualTo(1);
        assertThat(m.get("command")).isNull();
    }

    @Test
    void latencyEventsRecordSlowCommandsAboveTheThreshold() {
        try (InProcessNode node = new InProcessNode()) {
            InProcessNode.TestClient c = node.connect();
            c.call("CONFIG", "SET", "latency-monitor-threshold", "1");
            // A command that takes well over a millisecond: sorting a big intersection.
            List<String> args = new java.util.ArrayList<>(List.of("SADD", "s"));
            for (int i = 0; i < 200_000; i++) {
                args.add("m" + i);
            }
            c.call(args.toArray(String[]::new));
            c.call("SINTERSTORE", "d", "s", "s");
            String latest = c.call("LATENCY", "LATEST");
            assertThat(latest).contains("$7\r\ncommand\r\n");
            assertThat(c.call("LATENCY", "DOCTOR")).containsPattern("\\d\\. command: \\d+ latency spikes");
            assertThat(c.call("LATENCY", "GRAPH", "command")).contains("command - high ");
            // One sample per second that had one (a slow machine may spread them over two seconds).
            assertThat(c.call("LATENCY", "HISTORY", "command")).matches("(?s)\\*[12]\r\n\\*2\r\n:.*");
            assertThat(c.call("LATENCY", "RESET", "command")).isEqualTo(":1\r\n");
            assertThat(c.call("LATENCY", "HISTORY", "command")).isEqualTo("*0\r\n");
        }
    }
}
