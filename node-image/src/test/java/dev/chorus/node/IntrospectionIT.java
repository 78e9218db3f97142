package dev.chorus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.Info;
import dev.chorus.node.testing.OraclePair;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis 7.0.15 is the oracle for what unit/introspection, unit/info, unit/maxmemory, unit/lazyfree and unit/auth
 * observe: INFO memory's accounting fields, lazy free counters, client eviction, eviction outside writes, the stats of
 * CONFIG RESETSTAT and CLIENT UNBLOCK, TOUCH, CLIENT INFO's qbuf, MIGRATE's redacted AUTH and the output cap of
 * unauthenticated clients. Each check runs the same steps on both servers and compares what they answer.
 */
class IntrospectionIT {
    @RegisterExtension
    static final OraclePair servers = new OraclePair();

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    /** Runs {@code check} on Redis and the node; both results must be equal. */
    private static <T> void same(Function<ServerProcess, T> check) {
        T redis = check.apply(servers.redis());
        T node = check.apply(servers.node());
        assertThat(node).as("node (Redis answered %s)", redis).isEqualTo(redis);
    }

    @Test
    void memoryAndLazyfreeFieldsAreThereAndNumeric() {
        List<String> memory = List.of("used_memory", "used_memory_peak", "used_memory_overhead",
                "used_memory_startup", "used_memory_dataset", "total_system_memory", "mem_fragmentation_bytes",
                "mem_not_counted_for_evict", "mem_replication_backlog", "mem_total_replication_buffers",
                "mem_clients_slaves", "mem_clients_normal", "mem_cluster_links", "mem_aof_buffer",
                "active_defrag_running", "lazyfree_pending_objects", "lazyfreed_objects");
        same(s -> {
            try (RawConnection c = s.connect()) {
                Map<String, String> m = Info.of(c, "memory");
                Map<String, String> st = Info.of(c, "stats");
                List<String> shape = new ArrayList<>();
                for (String f : memory) {
                    shape.add(f + "=" + (m.containsKey(f) && m.get(f).matches("-?\\d+") ? "int" : m.get(f)));
                }
                shape.add("evicted_clients=" + (st.get("evicted_clients") != null ? "int" : null));
                shape.add("peak_perc=" + (m.get("used_memory_peak_perc") != null
                        && m.get("used_memory_peak_perc").matches("\\d+\\.\\d\\d%")));
                return shape;
            }
        });
    }

    @Test
    void usedMemoryFollowsTheDatasetAndStartupIsItsFloor() {
        same(s -> {
            try (RawConnection c = s.connect()) {
                c.call("FLUSHALL");
                long before = Long.parseLong(Info.of(c, "memory").get("used_memory"));
                long startup = Long.parseLong(Info.of(c, "memory").get("used_memory_startup"));
                List<String> args = new ArrayList<>(List.of("SADD", "bigset"));
                for (int i = 0; i < 20000; i++) {
                    args.add("member:" + i);
                }
                c.call(args.stream().map(a -> a.getBytes(StandardCharsets.UTF_8)).toList());
                long peak = Long.parseLong(Info.of(c, "memory").get("used_memory"));
                c.call("DEL", "bigset");
                long after = Long.parseLong(Info.of(c, "memory").get("used_memory"));
                return List.of(startup > 500_000, before > startup, peak > before + 500_000, after < peak,
                        after < before * 2);
            }
        });
    }

    @Test
    void lazyfreedObjectsCountsUnlinkLazyDelAndAsyncFlush() {
        same(s -> {
            try (RawConnection c = s.connect()) {
                c.call("FLUSHALL");
                c.call("CONFIG", "RESETSTAT");
                List<Long> seen = new ArrayList<>();
                sadd(c, "big", 100);
                sadd(c, "small", 10);
                c.call("UNLINK", "big", "small", "missing");
                seen.add(lazyfreed(c));
                sadd(c, "big2", 100);
                c.call("DEL", "big2"); // lazyfree-lazy-user-del no: freed in place
                seen.add(lazyfreed(c));
                c.call("CONFIG", "SET", "lazyfree-lazy-user-del", "yes");
                sadd(c, "big3", 100);
                c.call("DEL", "big3");
                c.call("CONFIG", "SET", "lazyfree-lazy-user-del", "no");
                seen.add(lazyfreed(c));
                c.call("SET", "a", "1");
                c.call("SET", "b", "2");
                c.call("FLUSHDB", "ASYNC");
                seen.add(lazyfreed(c));
                c.call("SET", "a", "1");
                c.call("FLUSHALL", "SYNC");
                seen.add(lazyfreed(c));
                c.call("CONFIG", "RESETSTAT");
                seen.add(lazyfreed(c));
                return seen;
            }
        });
    }

    private static void sadd(RawConnection c, String key, int n) {
        List<byte[]> args = new ArrayList<>(List.of("SADD".getBytes(), key.getBytes()));
        for (int i = 0; i < n; i++) {
            args.add(("m" + i).getBytes());
        }
        c.call(args);
    }

    private static long lazyfreed(RawConnection c) {
        await().atMost(DEADLINE).until(() -> "0".equals(Info.of(c, "memory").get("lazyfree_pending_objects")));
        return Long.parseLong(Info.of(c, "memory").get("lazyfreed_objects"));
    }

    @Test
    void readCommandsEvictOnceMaxmemoryIsLowered() {
        same(s -> {
            try (RawConnection c = s.connect()) {
                c.call("FLUSHALL");
                c.call("SET", "k1", "v");
                c.call("SET", "k2", "v");
                c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
                c.call("CONFIG", "SET", "maxmemory", "1");
                await().atMost(DEADLINE).until(() -> c.callText("DBSIZE").equals(":0\r\n"));
                String get = c.callText("GET", "k1"); // a read still runs over maxmemory
                String set = c.callText("SET", "k3", "v"); // a denyoom write does not
                c.call("CONFIG", "SET", "maxmemory", "0");
                c.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
                return List.of(get, set);
            }
        });
    }

    @Test
    void clientsOverMaxmemoryClientsAreEvictedLargestFirst() {
        same(s -> {
            try (RawConnection admin = s.connect(); RawConnection big = s.connect()) {
                admin.call("CONFIG", "SET", "maxmemory-clients", "1mb");
                admin.call("CLIENT", "NO-EVICT", "on");
                admin.call("CONFIG", "RESETSTAT");
                // Most of a 3 MB command that never completes: its arguments stay with the client.
                ByteArrayOutputStream partial = new ByteArrayOutputStream();
                partial.writeBytes("*5\r\n$3\r\nSET\r\n$1\r\nk\r\n".getBytes());
                byte[] chunk = "x".repeat(1 << 20).getBytes();
                partial.writeBytes(("$" + chunk.length + "\r\n").getBytes());
                partial.writeBytes(chunk);
                partial.writeBytes("\r\n".getBytes());
                partial.writeBytes(("$" + chunk.length + "\r\n").getBytes());
                partial.writeBytes(chunk);
                partial.writeBytes("\r\n".getBytes());
                try {
                    big.send(partial.toByteArray());
                } catch (java.io.UncheckedIOException e) {
                    // evicted (and reset) while still sending: Redis evicts between reads as well
                }
                try {
                    await(s.kind() + " evicts the client").atMost(DEADLINE).until(() ->
                            Long.parseLong(Info.of(admin, "stats").get("evicted_clients")) >= 1);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError(admin.callText("CLIENT", "LIST") + admin.callText("CONFIG", "GET",
                            "maxmemory*") + Info.of(admin, "memory"), e);
                }
                boolean closed = big.closedByPeer();
                String noEvict = admin.callText("PING");
                admin.call("CONFIG", "SET", "maxmemory-clients", "0");
                return List.of(closed, noEvict);
            }
        });
    }

    @Test
    void configResetstatCountsItselfAndClientUnblockFailsTheBlockedCall() {
        same(s -> {
            try (RawConnection c = s.connect(); RawConnection blocked = s.connect()) {
                c.call("CONFIG", "RESETSTAT");
                String afterReset = cmdstat(c, "config|resetstat");
                long id = Long.parseLong(blocked.callText("CLIENT", "ID").substring(1).strip());
                blocked.send(RawConnection.encode("BLPOP", "nolist", "0"));
                await().atMost(DEADLINE).until(() -> Info.of(c, "clients").get("blocked_clients").equals("1"));
                String unblock = c.callText("CLIENT", "UNBLOCK", Long.toString(id), "ERROR");
                String reply = new String(blocked.read(), StandardCharsets.UTF_8);
                return List.of(afterReset, unblock, reply, cmdstat(c, "blpop"),
                        String.valueOf(Info.of(c, "errorstats").get("errorstat_UNBLOCKED")),
                        Info.of(c, "stats").get("total_error_replies"));
            }
        });
    }

    /** One INFO commandstats line without its timings. */
    private static String cmdstat(RawConnection c, String name) {
        String v = Info.of(c, "commandstats").get("cmdstat_" + name);
        return v == null ? null : v.replaceAll(",usec=\\d+,usec_per_call=[0-9.]+", "");
    }

    @Test
    void touchUpdatesTheAccessTime() {
        same(s -> {
            try (RawConnection c = s.connect()) {
                c.call("FLUSHALL");
                c.call("SET", "src", "value");
                byte[] dump = c.call("DUMP", "src");
                byte[] payload = java.util.Arrays.copyOfRange(dump, dump.length - 2 - payloadLength(dump),
                        dump.length - 2);
                c.call(List.of("RESTORE".getBytes(), "t".getBytes(), "0".getBytes(), payload,
                        "IDLETIME".getBytes(), "1000".getBytes()));
                c.call(List.of("RESTORE".getBytes(), "e".getBytes(), "0".getBytes(), payload,
                        "IDLETIME".getBytes(), "1000".getBytes()));
                String touch = c.callText("TOUCH", "t", "missing");
                c.call("EXISTS", "e"); // EXISTS does not touch
                return List.of(touch, c.callText("OBJECT", "IDLETIME", "t"),
                        Long.parseLong(c.callText("OBJECT", "IDLETIME", "e").substring(1).strip()) >= 1000);
            }
        });
    }

    private static int payloadLength(byte[] bulk) {
        int crlf = new String(bulk, StandardCharsets.ISO_8859_1).indexOf("\r\n");
        return Integer.parseInt(new String(bulk, 1, crlf - 1, StandardCharsets.ISO_8859_1));
    }

    @Test
    void clientInfoShowsTheRunningCommandInItsQueryBuffer() {
        same(s -> {
            try (RawConnection c = s.connect()) {
                String info = c.callText("CLIENT", "INFO");
                Matcher m = Pattern.compile("qbuf=(\\d+) ").matcher(info);
                return m.find() ? m.group(1) : info;
            }
        });
    }

    @Test
    void migrateAuthIsRedactedInTheSlowlog() {
        same(s -> {
            try (RawConnection c = s.connect()) {
                c.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
                c.call("SLOWLOG", "RESET");
                c.call("MIGRATE", "127.0.0.1", "1", "key", "9", "100", "COPY", "AUTH", "secret");
                c.call("MIGRATE", "127.0.0.1", "1", "key", "9", "100", "AUTH2", "user", "secret");
                String log = c.callText("SLOWLOG", "GET");
                c.call("CONFIG", "SET", "slowlog-log-slower-than", "10000");
                List<String> args = new ArrayList<>();
                for (String line : log.split("\r\n")) {
                    if (!line.startsWith("$") && !line.startsWith("*") && !line.startsWith(":")) {
                        args.add(line);
                    }
                }
                return args.stream().filter(a -> !a.startsWith("127.0.0.1:")).toList();
            }
        });
    }

    @Test
    void unauthenticatedClientsCannotPileUpOutput() {
        try (ServerProcess redis = ServerProcess.redis("--requirepass", "foobar");
                ServerProcess node = ServerProcess.node("--requirepass", "foobar")) {
            for (ServerProcess s : List.of(redis, node)) {
                try (RawConnection c = s.connect()) {
                    ByteArrayOutputStream many = new ByteArrayOutputStream();
                    for (int i = 0; i < 3000; i++) {
                        many.writeBytes(RawConnection.encode("SET", "x", "5"));
                    }
                    c.send(many.toByteArray());
                    assertThat(drainsToEof(c)).as(s.kind() + " closes the connection").isTrue();
                }
            }
        }
    }

    /** Reads whatever arrives until EOF (true) or until the deadline passes with the connection still open. */
    private static boolean drainsToEof(RawConnection c) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < end) {
            try {
                c.read();
            } catch (RuntimeException e) {
                return true;
            }
        }
        return false;
    }

    @Test
    void debugConfigRewriteForceAllWritesAFileTheServerRestartsWith() throws Exception {
        Path dir = Files.createTempDirectory("force-all");
        Path conf = dir.resolve("node.conf");
        int port = dev.chorus.node.testing.FreePorts.next();
        Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\nsave \"\"\nenable-debug-command yes\n"
                + "maxmemory 3mb\ndir " + dir + "\n");
        String before;
        Process first = launch(conf, port, dir.resolve("first.out"));
        try (RawConnection c = new RawConnection(port)) {
            before = c.callText("CONFIG", "GET", "*");
            assertThat(c.callText("DEBUG", "CONFIG-REWRITE-FORCE-ALL")).isEqualTo("+OK\r\n");
        } finally {
            stop(first);
        }
        // Every directive is written, defaults included (Redis' rewriteConfig with force_all).
        assertThat(Files.readString(conf)).contains("\nmaxmemory-policy noeviction\n").contains("\nhz 10\n")
                .contains("\nmaxmemory 3mb\n");
        Process second = launch(conf, port, dir.resolve("second.out"));
        try (RawConnection c = new RawConnection(port)) {
            assertThat(c.callText("CONFIG", "GET", "*")).isEqualTo(before);
        } finally {
            stop(second);
        }
    }

    private static Process launch(Path conf, int port, Path out) throws Exception {
        Process p = new ProcessBuilder(ServerProcess.javaBin(), "-XX:+UseSerialGC", "-jar", ServerProcess.nodeJar(),
                conf.toString()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("node exited: " + Files.readString(out));
            }
            try (RawConnection c = new RawConnection(port)) {
                return c.callText("PING").equals("+PONG\r\n");
            } catch (RuntimeException e) {
                return false;
            }
        });
        return p;
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy(); // SIGTERM to this process's PID
        if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }
}
