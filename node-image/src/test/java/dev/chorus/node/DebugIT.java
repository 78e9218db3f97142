package dev.chorus.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.OraclePair;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.RespFrames;
import dev.chorus.node.testing.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DEBUG against Redis 7.0.15: the same dataset built on both servers must have the same DEBUG DIGEST and per-key
 * DIGEST-VALUE (Redis' SHA1 mix/xor algorithm over the same bytes), DEBUG RELOAD must keep it, DEBUG OBJECT reports
 * the same encoding, serialized length and quicklist figures, and the gate (enable-debug-command) answers alike.
 */
class DebugIT {
    @RegisterExtension
    static final OraclePair servers = new OraclePair("--enable-debug-command", "yes");

    @Test
    void digestsEqualRedisForTheSameDatasetAndSurviveReload() {
        List<List<String>> commands = dataset(new Random(20261206));
        List<String> keys = new ArrayList<>();
        for (List<String> c : commands) {
            if (!c.get(0).equals("SELECT") && !keys.contains(c.get(1))) {
                keys.add(c.get(1));
            }
        }
        Function<ServerProcess, List<String>> run = server -> {
            List<String> out = new ArrayList<>();
            try (RawConnection c = server.connect()) {
                c.call("FLUSHALL");
                for (List<String> cmd : commands) {
                    c.call(cmd.toArray(new String[0]));
                }
                c.call("SELECT", "0");
                String before = c.callText("DEBUG", "DIGEST");
                assertThat(before).doesNotContain("0000000000000000000000000000000000000000");
                out.add("digest " + before);
                List<String> args = new ArrayList<>(List.of("DEBUG", "DIGEST-VALUE"));
                args.addAll(keys);
                out.add("values " + c.callText(args.toArray(new String[0])));
                for (String key : keys) {
                    String obj = c.callText("DEBUG", "OBJECT", key);
                    if (obj.startsWith("+")) {
                        // Addresses and LRU clocks differ; encoding, serialized length and ql_* must not.
                        out.add(key + " " + obj.replaceAll("Value at:\\S+ ", "").replaceAll(" lru:\\d+", "")
                                .replaceAll(" lru_seconds_idle:\\d+", ""));
                    }
                }
                assertThat(c.callText("DEBUG", "RELOAD")).isEqualTo("+OK\r\n");
                assertThat(c.callText("DEBUG", "DIGEST")).isEqualTo(before);
                assertThat(c.callText("DEBUG", "RELOAD", "NOSAVE")).isEqualTo("+OK\r\n");
                assertThat(c.callText("DEBUG", "DIGEST")).isEqualTo(before);
                out.add("dbsize " + c.callText("DBSIZE"));
            }
            return out;
        };
        assertThat(run.apply(servers.node())).isEqualTo(run.apply(servers.redis()));
    }

    @Test
    void resp3AttributeAndPushRepliesAreFollowedByTheirRealReply() {
        Function<ServerProcess, List<String>> run = server -> {
            List<String> out = new ArrayList<>();
            try (RawConnection c = server.connect()) {
                c.call("HELLO", "3");
                out.add(RespFrames.show(c.call("DEBUG", "PROTOCOL", "attrib")));
                out.add(RespFrames.show(c.read()));
                out.add(RespFrames.show(c.call("DEBUG", "PROTOCOL", "push")));
                out.add(RespFrames.show(c.read()));
                out.add(RespFrames.show(c.call("PING")));
            }
            return out;
        };
        assertThat(run.apply(servers.node())).isEqualTo(run.apply(servers.redis()));
    }

    /**
     * DEBUG OBJECT's address stays the same when INCR changes an unshared int-encoded object in place (result outside
     * the shared 0..9999), and changes when a new object is made (shared small integers, SET, APPEND's raw string).
     */
    @Test
    void incrModifiesUnsharedIntegersInPlace() {
        Function<ServerProcess, List<String>> run = server -> {
            List<String> out = new ArrayList<>();
            try (RawConnection c = server.connect()) {
                c.call("FLUSHALL");
                String[][] steps = {
                    {"SET", "foo", "20000"}, {"INCR", "foo"}, {"INCR", "foo"}, {"DECRBY", "foo", "30000"},
                    {"SET", "foo", "5"}, {"INCR", "foo"}, {"INCRBY", "foo", "20000"}, {"INCR", "foo"},
                    {"SET", "foo", "20000"}, {"APPEND", "foo", "1"}, {"INCR", "foo"}, {"INCR", "foo"},
                    {"SET", "foo", "20000"}, {"INCRBY", "foo", "-15000"}, {"SET", "foo", "-7"}, {"INCR", "foo"},
                };
                String before = address(c);
                for (String[] step : steps) {
                    c.call(step);
                    String after = address(c);
                    out.add(String.join(" ", step) + (after.equals(before) ? " same object" : " new object")
                            + " refcount " + c.callText("OBJECT", "REFCOUNT", "foo").strip()
                            + " " + c.callText("OBJECT", "ENCODING", "foo").replace("\r\n", " ").strip());
                    before = after;
                }
            }
            return out;
        };
        List<String> redis = run.apply(servers.redis());
        assertThat(redis).contains("INCR foo same object refcount :1 $3 int",
                "SET foo 5 new object refcount :2147483647 $3 int", "APPEND foo 1 new object refcount :1 $3 raw");
        assertThat(run.apply(servers.node())).isEqualTo(redis);
    }

    private static String address(RawConnection c) {
        String s = c.callText("DEBUG", "OBJECT", "foo");
        return s.substring(0, s.indexOf(' ', s.indexOf("at:")));
    }

    @Test
    void setActiveExpireZeroLeavesExpiredKeysUntilAccessed() {
        for (ServerProcess server : List.of(servers.redis(), servers.node())) {
            try (RawConnection c = server.connect(); RawConnection probe = server.connect()) {
                c.call("FLUSHALL");
                assertThat(c.callText("DEBUG", "SET-ACTIVE-EXPIRE", "0")).isEqualTo("+OK\r\n");
                c.call("SET", "gone", "v", "PX", "20");
                c.call("SET", "kept", "v");
                // Nothing removes the expired key while active expiry is off: DBSIZE keeps counting it.
                org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(400))
                        .atMost(java.time.Duration.ofSeconds(2))
                        .until(() -> probe.callText("DBSIZE").equals(":2\r\n"));
                assertThat(c.callText("DEBUG", "SET-ACTIVE-EXPIRE", "1")).isEqualTo("+OK\r\n");
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                        .until(() -> probe.callText("DBSIZE").equals(":1\r\n"));
            }
        }
    }

    @Test
    void debugIsRefusedUnlessEnabled() {
        for (String mode : List.of("no", "local")) {
            List<String> answers = new ArrayList<>();
            for (ServerProcess.Kind kind : ServerProcess.Kind.values()) {
                try (ServerProcess s = ServerProcess.start(kind, dev.chorus.node.testing.FreePorts.next(), null,
                        "--enable-debug-command", mode, "--requirepass", "pw");
                     RawConnection c = s.connect()) {
                    StringBuilder sb = new StringBuilder();
                    sb.append(c.callText("DEBUG", "HELP").lines().findFirst().orElse(""));
                    sb.append(c.callText("DEBUG"));
                    c.call("AUTH", "pw");
                    sb.append(c.callText("CONFIG", "GET", "enable-debug-command"));
                    sb.append(c.callText("CONFIG", "SET", "enable-debug-command", "yes"));
                    sb.append(c.callText("DEBUG", "SLEEP", "0"));
                    c.call("MULTI");
                    sb.append(c.callText("DEBUG", "SLEEP", "0"));
                    sb.append(c.callText("EXEC"));
                    answers.add(sb.toString());
                }
            }
            assertThat(answers.get(1)).as("node, enable-debug-command " + mode).isEqualTo(answers.get(0));
        }
    }

    /** A reproducible dataset over every type and encoding, several databases, TTLs and binary data. */
    private static List<List<String>> dataset(Random rnd) {
        List<List<String>> out = new ArrayList<>();
        for (int db : new int[] {0, 3}) {
            out.add(List.of("SELECT", Integer.toString(db)));
            for (int i = 0; i < 20; i++) {
                out.add(List.of("SET", "str:" + i, word(rnd, rnd.nextInt(60))));
                out.add(List.of("SET", "int:" + i, Long.toString(rnd.nextLong() >> rnd.nextInt(64))));
            }
            out.add(List.of("SET", "bin", new String(new byte[] {0, 1, (byte) 0xff, '\r', '\n'},
                    StandardCharsets.ISO_8859_1)));
            out.add(List.of("SET", "long", "x".repeat(5000)));
            out.add(List.of("SET", "vol", "v", "EX", "10000"));
            for (int n : new int[] {1, 5, 200, 3000}) {
                List<String> l = new ArrayList<>(List.of("RPUSH", "list:" + n));
                for (int i = 0; i < n; i++) {
                    l.add(rnd.nextBoolean() ? Integer.toString(rnd.nextInt(100000) - 50000) : word(rnd, 1 + rnd.nextInt(30)));
                }
                out.add(l);
            }
            List<String> bigElems = new ArrayList<>(List.of("RPUSH", "list:bigelems"));
            for (int i = 0; i < 5; i++) {
                bigElems.add(word(rnd, 3000 + rnd.nextInt(3000)));
            }
            out.add(bigElems);
            for (int n : new int[] {3, 600}) {
                List<String> ints = new ArrayList<>(List.of("SADD", "iset:" + n));
                List<String> strs = new ArrayList<>(List.of("SADD", "sset:" + n));
                List<String> hash = new ArrayList<>(List.of("HSET", "hash:" + n));
                List<String> zset = new ArrayList<>(List.of("ZADD", "zset:" + n));
                for (int i = 0; i < n; i++) {
                    ints.add(Integer.toString(rnd.nextInt(1_000_000)));
                    strs.add(word(rnd, 1 + rnd.nextInt(20)));
                    hash.add("f" + i);
                    hash.add(word(rnd, rnd.nextInt(20)));
                    zset.add(switch (rnd.nextInt(4)) {
                        case 0 -> Integer.toString(rnd.nextInt(1000));
                        case 1 -> Double.toString(rnd.nextDouble() * 1000);
                        case 2 -> "0.1";
                        default -> Double.toString(rnd.nextGaussian() * 1e20);
                    });
                    zset.add("m" + i);
                }
                out.add(ints);
                out.add(strs);
                out.add(hash);
                out.add(zset);
            }
            out.add(List.of("EXPIRE", "hash:3", "10000"));
            out.add(List.of("ZADD", "zset:inf", "inf", "a", "-inf", "b", "0", "c"));
        }
        return out;
    }

    private static String word(Random rnd, int len) {
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.append((char) ('a' + rnd.nextInt(26)));
        }
        return sb.toString();
    }
}
