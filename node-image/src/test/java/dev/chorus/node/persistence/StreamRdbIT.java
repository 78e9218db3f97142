package dev.chorus.node.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.FreePorts;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import dev.chorus.node.testing.ServerProcess.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams in RDB files and DUMP payloads, with redis-server 7.0.15 as the oracle in both directions: what one writes
 * (several listpack nodes, tombstones, different field sets, consumer groups with pending entries and consumers, an
 * empty stream with a group) the other loads with the same contents, byte-identical DUMP payloads, and
 * redis-check-rdb accepts the node's file.
 */
class StreamRdbIT {
    private final List<ServerProcess> started = new ArrayList<>();

    @TempDir
    Path work;

    @AfterEach
    void stop() {
        started.forEach(ServerProcess::close);
    }

    private ServerProcess start(Kind kind, Path dir) {
        ServerProcess s = ServerProcess.start(kind, FreePorts.next(), dir, "--stream-node-max-entries", "5");
        started.add(s);
        return s;
    }

    private static final String[] KEYS = {"s", "big", "empty", "wide"};

    private static void populate(RawConnection c) {
        c.call("XADD", "s", "1-1", "a", "1", "b", "2");
        c.call("XADD", "s", "1-2", "a", "3", "b", "4");
        c.call("XADD", "s", "1-3", "c", "5");
        c.call("XADD", "s", "5-0", "a", "x", "b", "-12345678901");
        c.call("XADD", "s", "18446744073709551615-5", "a", "1", "b", "2", "c", "3");
        c.call("XDEL", "s", "1-2");
        c.call("XGROUP", "CREATE", "s", "g", "0");
        c.call("XGROUP", "CREATE", "s", "g2", "$", "ENTRIESREAD", "5");
        c.call("XGROUP", "CREATECONSUMER", "s", "g", "idle");
        c.call("XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", "s", ">");
        c.call("XCLAIM", "s", "g", "c2", "0", "1-3", "TIME", "1000", "RETRYCOUNT", "3", "FORCE", "JUSTID");
        for (int i = 0; i < 40; i++) {
            c.call("XADD", "big", (i + 1) + "-0", "field", "value" + i, "n", Integer.toString(i * 1000));
        }
        c.call("XDEL", "big", "3-0", "17-0", "40-0");
        c.call("XTRIM", "big", "MAXLEN", "30");
        c.call("XADD", "empty", "7-7", "f", "v");
        c.call("XDEL", "empty", "7-7");
        c.call("XGROUP", "CREATE", "empty", "g", "$");
        c.call("XADD", "wide", "1-0", "f", "x".repeat(5000));
        c.call("XADD", "wide", "2-0", "f", "y".repeat(100), "g", "12");
    }

    private static Map<String, String> contents(ServerProcess server) {
        Map<String, String> out = new LinkedHashMap<>();
        try (RawConnection c = server.connect()) {
            for (String key : KEYS) {
                for (String[] cmd : new String[][] {
                    {"XINFO", "STREAM", key, "FULL"},
                    {"XRANGE", key, "-", "+"},
                    {"XINFO", "GROUPS", key},
                    {"DUMP", key}}) {
                    out.put(String.join(" ", cmd), new String(c.call(cmd), StandardCharsets.ISO_8859_1));
                }
            }
        }
        return out;
    }

    private Path written(Kind kind, Path dir) throws IOException {
        Files.createDirectories(dir);
        ServerProcess s = start(kind, dir);
        try (RawConnection c = s.connect()) {
            populate(c);
            assertThat(c.callText("SAVE")).isEqualTo("+OK\r\n");
        }
        return dir.resolve("dump.rdb");
    }

    private Map<String, String> loadedBy(Kind kind, Path rdb, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.copy(rdb, dir.resolve("dump.rdb"), StandardCopyOption.REPLACE_EXISTING);
        return contents(start(kind, dir));
    }

    @Test
    void theNodeLoadsWhatRedisWrites() throws IOException {
        Path rdb = written(Kind.REDIS, work.resolve("redis"));
        Map<String, String> expected = contents(started.get(0));
        assertThat(loadedBy(Kind.NODE, rdb, work.resolve("node"))).isEqualTo(expected);
    }

    @Test
    void redisLoadsWhatTheNodeWrites() throws IOException, InterruptedException {
        Path rdb = written(Kind.NODE, work.resolve("node"));
        Map<String, String> expected = contents(started.get(0));
        Process check = new ProcessBuilder("redis-check-rdb", rdb.toString()).redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).as(output).isZero();
        assertThat(output).contains("RDB looks OK");
        assertThat(loadedBy(Kind.REDIS, rdb, work.resolve("redis"))).isEqualTo(expected);
    }

    @Test
    void bothWriteTheSameDumpPayloadsAndRestoreEachOthers() {
        ServerProcess redis = start(Kind.REDIS, null);
        ServerProcess node = start(Kind.NODE, null);
        try (RawConnection r = redis.connect(); RawConnection n = node.connect()) {
            populate(r);
            for (String key : KEYS) {
                byte[] payload = bulkBody(r.call("DUMP", key));
                assertThat(new String(n.call(List.of(b("RESTORE"), b(key), b("0"), payload)),
                        StandardCharsets.ISO_8859_1)).isEqualTo("+OK\r\n");
            }
            assertThat(contents(node)).isEqualTo(contents(redis));
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] bulkBody(byte[] reply) {
        String s = new String(reply, StandardCharsets.ISO_8859_1);
        int start = s.indexOf("\r\n") + 2;
        return s.substring(start, s.length() - 2).getBytes(StandardCharsets.ISO_8859_1);
    }
}
