package dev.chorus.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.RespFrames;
import dev.chorus.node.testing.ServerProcess;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HSCAN and SSCAN over hashtable-encoded values, where cursors and order are Redis' own business: a full iteration on
 * the node must return exactly the elements a full iteration on redis-server returns, for several COUNT and MATCH
 * combinations. (Small listpack/intset values are compared byte for byte by DifferentialIT.)
 */
class HashSetScanIT {
    private static ServerProcess redis;
    private static ServerProcess node;

    @BeforeAll
    static void start() {
        redis = ServerProcess.redis();
        node = ServerProcess.node();
        for (ServerProcess s : List.of(redis, node)) {
            try (RawConnection c = s.connect()) {
                c.call("FLUSHALL");
                List<String> hset = new ArrayList<>(List.of("HSET", "big"));
                List<String> sadd = new ArrayList<>(List.of("SADD", "bigset"));
                for (int i = 0; i < 3000; i++) {
                    hset.add("field:" + i);
                    hset.add("value:" + i);
                    sadd.add("member:" + i);
                }
                c.call(hset.toArray(String[]::new));
                c.call(sadd.toArray(String[]::new));
                c.call("SADD", "bigints", "0");
                for (int i = 1; i < 1000; i++) {
                    c.call("SADD", "bigints", Integer.toString(i * 3));
                }
            }
        }
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void encodingsAgree() {
        for (String key : List.of("big", "bigset", "bigints")) {
            assertThat(text(node, "OBJECT", "ENCODING", key)).isEqualTo(text(redis, "OBJECT", "ENCODING", key));
        }
    }

    @Test
    void hscanFullIterationsMatchRedis() throws IOException {
        for (String[] options : new String[][] {{}, {"COUNT", "1"}, {"COUNT", "100"}, {"MATCH", "field:1*"},
                {"MATCH", "field:?", "COUNT", "7"}, {"MATCH", "nothing*"}}) {
            Map<String, String> fromRedis = hscanAll(redis, options);
            Map<String, String> fromNode = hscanAll(node, options);
            assertThat(fromNode).as("HSCAN big ... %s", String.join(" ", options)).isEqualTo(fromRedis);
        }
        assertThat(hscanAll(node)).hasSize(3000);
    }

    @Test
    void sscanFullIterationsMatchRedis() throws IOException {
        for (String key : List.of("bigset", "bigints")) {
            for (String[] options : new String[][] {{}, {"COUNT", "3"}, {"MATCH", "*7"}, {"MATCH", "member:2??"}}) {
                assertThat(sscanAll(node, key, options)).as("SSCAN %s ... %s", key, String.join(" ", options))
                        .isEqualTo(sscanAll(redis, key, options));
            }
        }
    }

    @Test
    void wholeValueRepliesHoldTheSameElements() throws IOException {
        assertThat(new TreeSet<>(elements(node, "HGETALL", "big"))).isEqualTo(new TreeSet<>(elements(redis, "HGETALL", "big")));
        assertThat(new TreeSet<>(elements(node, "SMEMBERS", "bigset")))
                .isEqualTo(new TreeSet<>(elements(redis, "SMEMBERS", "bigset")));
        assertThat(new TreeSet<>(elements(node, "SUNION", "bigset", "bigints")))
                .isEqualTo(new TreeSet<>(elements(redis, "SUNION", "bigset", "bigints")));
    }

    @Test
    void scanCountBoundsTheBatchRoughlyLikeRedis() throws IOException {
        try (RawConnection c = node.connect()) {
            List<String> batch = scanStep(c, "HSCAN", "big", "0", "COUNT", "20");
            // Redis visits buckets until it has COUNT list entries (field and value count separately).
            assertThat(batch.size() - 1).isBetween(20, 80);
        }
    }

    private static Map<String, String> hscanAll(ServerProcess s, String... options) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (RawConnection c = s.connect()) {
            String cursor = "0";
            int calls = 0;
            do {
                List<String> args = new ArrayList<>(List.of("HSCAN", "big", cursor));
                args.addAll(List.of(options));
                List<String> step = scanStep(c, args.toArray(String[]::new));
                cursor = step.get(0);
                for (int i = 1; i < step.size(); i += 2) {
                    out.put(step.get(i), step.get(i + 1));
                }
                assertThat(++calls).isLessThan(100_000);
            } while (!cursor.equals("0"));
        }
        return out;
    }

    private static TreeSet<String> sscanAll(ServerProcess s, String key, String... options) throws IOException {
        TreeSet<String> out = new TreeSet<>();
        try (RawConnection c = s.connect()) {
            String cursor = "0";
            do {
                List<String> args = new ArrayList<>(List.of("SSCAN", key, cursor));
                args.addAll(List.of(options));
                List<String> step = scanStep(c, args.toArray(String[]::new));
                cursor = step.get(0);
                out.addAll(step.subList(1, step.size()));
            } while (!cursor.equals("0"));
        }
        return out;
    }

    /** One scan call: the next cursor followed by the elements. */
    private static List<String> scanStep(RawConnection c, String... args) throws IOException {
        byte[] reply = c.call(args);
        ByteArrayInputStream in = new ByteArrayInputStream(reply);
        String header = line(in);
        assertThat(header).as("reply to %s", String.join(" ", args)).isEqualTo("*2");
        List<String> out = new ArrayList<>();
        out.add(bulk(in));
        int n = Integer.parseInt(line(in).substring(1));
        for (int i = 0; i < n; i++) {
            out.add(bulk(in));
        }
        return out;
    }

    private static List<String> elements(ServerProcess s, String... args) throws IOException {
        try (RawConnection c = s.connect()) {
            ByteArrayInputStream in = new ByteArrayInputStream(c.call(args));
            int n = Integer.parseInt(line(in).substring(1));
            List<String> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(bulk(in));
            }
            return out;
        }
    }

    private static String text(ServerProcess s, String... args) {
        try (RawConnection c = s.connect()) {
            return RespFrames.show(c.call(args));
        }
    }

    private static String bulk(ByteArrayInputStream in) throws IOException {
        String h = line(in);
        int len = Integer.parseInt(h.substring(1));
        byte[] b = in.readNBytes(len);
        in.skip(2);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String line(ByteArrayInputStream in) {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            sb.append((char) c);
        }
        in.read();
        return sb.toString();
    }
}
