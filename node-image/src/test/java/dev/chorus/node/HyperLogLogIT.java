package dev.chorus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.FreePorts;
import dev.chorus.node.testing.Info;
import dev.chorus.node.testing.OraclePair;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.RespFrames;
import dev.chorus.node.testing.ServerProcess;
import dev.chorus.node.testing.ServerProcess.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HyperLogLogs built by the same commands on redis-server and on the node must be the same bytes (sparse and dense),
 * give the same counts and DUMP payloads, and replicate the same way, PFCOUNT's cache write included.
 */
class HyperLogLogIT {
    @RegisterExtension
    static final OraclePair servers = new OraclePair();

    private final List<ServerProcess> extra = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        extra.forEach(ServerProcess::close);
        for (ServerProcess s : List.of(servers.redis(), servers.node())) {
            try (RawConnection c = s.connect()) {
                c.call("CLIENT", "UNPAUSE");
                c.call("CONFIG", "SET", "hll-sparse-max-bytes", "3000");
                c.call("FLUSHALL");
            }
        }
    }

    /** Runs a command on both servers and requires the same reply bytes; returns Redis' reply. */
    private static byte[] same(RawConnection redis, RawConnection node, List<byte[]> args) {
        byte[] expected = redis.call(args);
        byte[] actual = node.call(args);
        assertThat(RespFrames.show(actual)).as("reply to %s", show(args)).isEqualTo(RespFrames.show(expected));
        assertThat(actual).isEqualTo(expected);
        return expected;
    }

    private static byte[] same(RawConnection redis, RawConnection node, String... args) {
        return same(redis, node, Arrays.stream(args).map(a -> a.getBytes(StandardCharsets.UTF_8)).toList());
    }

    private static String show(List<byte[]> args) {
        String s = String.join(" ", args.stream().limit(3).map(a -> new String(a, StandardCharsets.ISO_8859_1))
                .toList());
        return args.size() > 3 ? s + " ... (" + args.size() + " args)" : s;
    }

    private static List<byte[]> pfadd(String key, Random rnd, int n) {
        return pfadd(key, rnd, n, new HashSet<>());
    }

    /** PFADD of {@code n} random elements of 0 to 32 bytes; {@code distinct} collects them (as strings). */
    private static List<byte[]> pfadd(String key, Random rnd, int n, Set<String> distinct) {
        List<byte[]> args = new ArrayList<>(n + 2);
        args.add("PFADD".getBytes(StandardCharsets.US_ASCII));
        args.add(key.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < n; i++) {
            byte[] ele = new byte[rnd.nextInt(33)];
            rnd.nextBytes(ele);
            args.add(ele);
            distinct.add(new String(ele, StandardCharsets.ISO_8859_1));
        }
        return args;
    }

    @Test
    void hundredThousandRandomElementsGiveTheSameBytesCountsAndDump() {
        Random rnd = new Random(20260);
        try (RawConnection r = servers.redis().connect(); RawConnection n = servers.node().connect()) {
            Set<String> distinct = new HashSet<>();
            int added = 0;
            int batches = 0;
            boolean sawSparse = false;
            boolean sawDense = false;
            while (added < 100_000) {
                int k = 1 + rnd.nextInt(batches < 100 ? 10 : 400);
                same(r, n, pfadd("big", rnd, k, distinct));
                added += k;
                batches++;
                if (batches % 10 == 0) {
                    same(r, n, "PFCOUNT", "big");
                    same(r, n, "GET", "big");
                    String enc = new String(same(r, n, "PFDEBUG", "ENCODING", "big"), StandardCharsets.US_ASCII);
                    sawSparse |= enc.equals("+sparse\r\n");
                    sawDense |= enc.equals("+dense\r\n");
                }
            }
            assertThat(sawSparse).isTrue();
            assertThat(sawDense).isTrue();
            same(r, n, "GET", "big");
            long count = Long.parseLong(new String(same(r, n, "PFCOUNT", "big"), StandardCharsets.US_ASCII)
                    .substring(1).strip());
            assertThat((double) count).isCloseTo(distinct.size(), org.assertj.core.data.Percentage.withPercentage(3));
            same(r, n, "GET", "big"); // with the cached cardinality written back
            same(r, n, "DUMP", "big");
            same(r, n, "PFADD", "small", "a", "b", "c");
            same(r, n, "PFCOUNT", "big", "small", "missing");
            same(r, n, "PFMERGE", "merged", "small", "big");
            same(r, n, "GET", "merged");
            same(r, n, "PFCOUNT", "merged");
            same(r, n, "DUMP", "merged");
            same(r, n, "PFDEBUG", "GETREG", "merged");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 30, 200, 1000, 3000, 20000})
    void promotionFollowsHllSparseMaxBytes(int maxBytes) {
        Random rnd = new Random(maxBytes);
        try (RawConnection r = servers.redis().connect(); RawConnection n = servers.node().connect()) {
            same(r, n, "CONFIG", "SET", "hll-sparse-max-bytes", Integer.toString(maxBytes));
            same(r, n, "CONFIG", "GET", "hll-sparse-max-bytes");
            for (int key = 0; key < 4; key++) {
                String name = "h" + key;
                for (int batch = 0; batch < 25 * (key + 1); batch++) {
                    same(r, n, pfadd(name, rnd, 1 + rnd.nextInt(20)));
                    same(r, n, "GET", name);
                }
                same(r, n, "PFDEBUG", "ENCODING", name);
                same(r, n, "PFCOUNT", name);
            }
            same(r, n, "PFMERGE", "m", "h0", "h1");
            same(r, n, "GET", "m");
            same(r, n, "PFMERGE", "m", "h2", "h3");
            same(r, n, "GET", "m");
            same(r, n, "PFMERGE", "fresh");
            same(r, n, "GET", "fresh");
            same(r, n, "PFCOUNT", "h0", "h1", "h2", "h3", "m");
        }
    }

    @Test
    void pfselftestPasses() {
        try (RawConnection n = servers.node().connect()) {
            assertThat(n.callText("PFSELFTEST")).isEqualTo("+OK\r\n");
        }
    }

    /**
     * PFCOUNT is read-only but writes the cached cardinality into the value, so Redis counts it dirty and propagates
     * it: a replica's bytes equal the master's afterwards, in either direction between the node and Redis.
     */
    @ParameterizedTest
    @ValueSource(strings = {"NODE_MASTER_REDIS_REPLICA", "REDIS_MASTER_NODE_REPLICA"})
    void pfcountPropagatesTheCacheWrite(String pairing) {
        boolean nodeMaster = pairing.startsWith("NODE");
        ServerProcess master = start(nodeMaster ? Kind.NODE : Kind.REDIS);
        ServerProcess replica = start(nodeMaster ? Kind.REDIS : Kind.NODE);
        try (RawConnection c = replica.connect()) {
            assertThat(c.callText("REPLICAOF", "127.0.0.1", Integer.toString(master.port()))).isEqualTo("+OK\r\n");
        }
        await("replica link up").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> "up".equals(Info.field(replica, "replication", "master_link_status")));
        byte[] masterValue;
        try (RawConnection m = master.connect()) {
            m.call("PFADD", "h", "a", "b", "c", "d");
            byte[] before = m.call("GET", "h");
            int header = new String(before, StandardCharsets.ISO_8859_1).indexOf("\r\n") + 2;
            assertThat(before[header + 15] & 0x80).as("cache invalid after PFADD").isEqualTo(0x80);
            assertThat(m.callText("PFCOUNT", "h")).isEqualTo(":4\r\n");
            masterValue = m.call("GET", "h");
            assertThat(masterValue[header + 15] & 0x80).as("cache valid after PFCOUNT").isZero();
            m.call("PFDEBUG", "TODENSE", "h2-missing"); // an error: nothing to propagate
            m.call("PFADD", "h3", "x");
            m.call("PFDEBUG", "TODENSE", "h3"); // the conversion is propagated
        }
        byte[] expected = masterValue;
        await("replica holding the master's bytes").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    try (RawConnection c = replica.connect()) {
                        return Arrays.equals(c.call("GET", "h"), expected);
                    }
                });
        await("replica holding the dense conversion").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    try (RawConnection c = replica.connect()) {
                        return c.callText("STRLEN", "h3").equals(":12304\r\n");
                    }
                });
    }

    /** PFCOUNT may replicate (its cache write), so a WRITE pause holds it like a write, on Redis as on the node. */
    @ParameterizedTest
    @ValueSource(strings = {"REDIS", "NODE"})
    void aWritePauseHoldsPfcount(String kind) {
        ServerProcess s = kind.equals("REDIS") ? servers.redis() : servers.node();
        try (RawConnection admin = s.connect(); RawConnection counter = s.connect()) {
            admin.call("PFADD", "h", "a", "b");
            assertThat(admin.callText("CLIENT", "PAUSE", "60000", "WRITE")).isEqualTo("+OK\r\n");
            counter.send(RawConnection.encode("PFCOUNT", "h"));
            await("PFCOUNT postponed by the pause (flags=b cmd=pfcount in CLIENT LIST)")
                    .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> Arrays.stream(admin.callText("CLIENT", "LIST").split("\n"))
                            .anyMatch(line -> line.contains(" flags=b ") && line.contains(" cmd=pfcount ")));
            assertThat(admin.callText("GET", "h")).as("reads go on").startsWith("$");
            assertThat(admin.callText("CLIENT", "UNPAUSE")).isEqualTo("+OK\r\n");
            assertThat(new String(counter.read(), StandardCharsets.US_ASCII)).isEqualTo(":2\r\n");
        }
    }

    private ServerProcess start(Kind kind) {
        ServerProcess s = ServerProcess.start(kind, FreePorts.next(), null, "--repl-diskless-sync-delay", "0");
        extra.add(s);
        return s;
    }
}
