package dev.chorus.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.Info;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Directives whose effect shows outside CONFIG GET: each is checked on the node, and where Redis can be asked, on a
 * real redis-server started the same way.
 */
class ConfigEffectsIT {
    @Test
    void protectedConfigsFollowEnableProtectedConfigs() {
        for (String setting : List.of("no", "yes", "local")) {
            try (ServerProcess redis = ServerProcess.redis("--enable-protected-configs", setting);
                 ServerProcess node = ServerProcess.node("--enable-protected-configs", setting);
                 RawConnection r = redis.connect(); RawConnection n = node.connect()) {
                for (List<String> cmd : List.of(List.of("CONFIG", "SET", "dbfilename", "other.rdb"),
                        List.of("CONFIG", "GET", "dbfilename"), List.of("CONFIG", "SET", "dir", "/nonexistent"),
                        List.of("CONFIG", "SET", "enable-protected-configs", "no"))) {
                    String[] args = cmd.toArray(String[]::new);
                    assertThat(n.callText(args)).as(setting + " " + cmd).isEqualTo(r.callText(args));
                }
            }
        }
    }

    /** CONFIG SET port / bind listen anew at once; a port or address that cannot be used changes nothing. */
    @Test
    void portAndBindChangeAtRunTime() {
        try (ServerProcess redis = ServerProcess.redis(); ServerProcess node = ServerProcess.node()) {
            for (ServerProcess s : List.of(redis, node)) {
                int newPort = dev.chorus.node.testing.FreePorts.next();
                String busy = Integer.toString(s == redis ? node.port() : redis.port());
                try (RawConnection c = s.connect()) {
                    assertThat(c.callText("CONFIG", "SET", "port", busy)).as(s.kind().name()).isEqualTo(
                            "-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this "
                                    + "port. Check server logs.\r\n");
                    assertThat(c.callText("CONFIG", "SET", "bind", "192.0.2.1")).as(s.kind().name()).isEqualTo(
                            "-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to "
                                    + "specified addresses.\r\n");
                    assertThat(c.callText("CONFIG", "GET", "bind")).isEqualTo("*2\r\n$4\r\nbind\r\n$9\r\n127.0.0.1\r\n");
                    assertThat(c.callText("CONFIG", "SET", "port", Integer.toString(newPort))).isEqualTo("+OK\r\n");
                    assertThat(c.callText("PING")).as("the connection stays").isEqualTo("+PONG\r\n");
                }
                try (RawConnection c = new RawConnection(newPort)) {
                    assertThat(c.callText("PING")).isEqualTo("+PONG\r\n");
                    assertThat(Info.of(c, "server")).containsEntry("tcp_port", Integer.toString(newPort));
                    assertThat(c.callText("CONFIG", "SET", "bind", "127.0.0.1 -::1")).isEqualTo("+OK\r\n");
                }
                try (RawConnection c = new RawConnection(newPort)) {
                    assertThat(c.callText("PING")).isEqualTo("+PONG\r\n");
                    // back to the port the test harness knows, so the process is stopped as usual
                    assertThat(c.callText("CONFIG", "SET", "port", Integer.toString(s.port()))).isEqualTo("+OK\r\n");
                }
            }
        }
    }

    @Test
    void hzIsTheCronFrequencyAtRunTime() {
        try (ServerProcess redis = ServerProcess.redis(); ServerProcess node = ServerProcess.node();
             RawConnection r = redis.connect(); RawConnection n = node.connect()) {
            for (String hz : List.of("100", "1000", "0", "10")) {
                assertThat(n.callText("CONFIG", "SET", "hz", hz)).isEqualTo(r.callText("CONFIG", "SET", "hz", hz));
                for (String field : List.of("hz", "configured_hz")) {
                    assertThat(Info.of(n, "server").get(field)).as(field + " after hz " + hz)
                            .isEqualTo(Info.of(r, "server").get(field));
                }
            }
            // Keys with a TTL go away by the cron's active expiry at any hz.
            n.callText("CONFIG", "SET", "hz", "500");
            n.callText("SET", "k", "v", "PX", "50");
            n.callText("DEBUG", "SET-ACTIVE-EXPIRE", "1");
            await().atMost(Duration.ofSeconds(5)).until(() -> Info.of(n, "keyspace").isEmpty());
        }
    }

    @Test
    void logoOrRunningModeLineLikeRedis() throws Exception {
        try (ServerProcess node = ServerProcess.node("--always-show-logo", "yes")) {
            String log = Files.readString(node.dir().resolve("server.log"));
            assertThat(log).contains("Redis 7.0.15 (00000000/0) 64 bit", "Running in standalone mode",
                    "Port: " + node.port() + "\n", "PID: " + node.pid() + "\n", "https://redis.io");
            assertThat(log).contains(node.pid() + ":C ").contains("# oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo")
                    .contains("# Redis version=7.0.15, bits=64, commit=00000000, modified=0, pid=" + node.pid()
                            + ", just started")
                    .contains("* Ready to accept connections\n");
        }
        try (ServerProcess node = ServerProcess.node(); ServerProcess redis = ServerProcess.redis()) {
            String log = Files.readString(node.dir().resolve("server.log"));
            assertThat(log).doesNotContain("https://redis.io")
                    .contains("* Running mode=standalone, port=" + node.port() + ".\n");
            assertThat(Files.readString(redis.dir().resolve("server.log")))
                    .contains("* Running mode=standalone, port=" + redis.port() + ".\n");
        }
    }

    @Test
    void shutdownOnSigtermDecidesTheFinalSave() throws Exception {
        try (ServerProcess node = ServerProcess.node("--save", "3600 1", "--shutdown-on-sigterm", "nosave")) {
            try (RawConnection c = node.connect()) {
                c.callText("SET", "k", "v");
            }
            node.stop(); // SIGTERM
            assertThat(node.dir().resolve("dump.rdb")).doesNotExist();
        }
        try (ServerProcess node = ServerProcess.node("--shutdown-on-sigterm", "save")) { // started with save ""
            try (RawConnection c = node.connect()) {
                c.callText("SET", "k", "v");
            }
            node.stop();
            assertThat(node.dir().resolve("dump.rdb")).exists();
        }
    }

    /**
     * shutdown-timeout: a master gives a lagging replica that long to catch up before it exits, logging the same lines
     * as Redis; SHUTDOWN NOW does not wait. The replica is made to lag by stopping its process (SIGSTOP).
     */
    @Test
    void shutdownWaitsForLaggingReplicasLikeRedis() throws Exception {
        for (ServerProcess.Kind kind : List.of(ServerProcess.Kind.REDIS, ServerProcess.Kind.NODE)) {
            for (boolean now : List.of(false, true)) {
                ServerProcess master = ServerProcess.start(kind, dev.chorus.node.testing.FreePorts.next(), null,
                        "--shutdown-timeout", "2", "--repl-diskless-sync-delay", "0");
                try (ServerProcess replica = ServerProcess.start(kind, dev.chorus.node.testing.FreePorts.next(), null,
                        "--replicaof", "127.0.0.1", Integer.toString(master.port()))) {
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> Info.field(replica, "replication", "master_link_status"), "up"::equals);
                    signal("STOP", replica.pid());
                    try (RawConnection c = master.connect()) {
                        c.callText("SET", "k", "v");
                        c.send(RawConnection.encode(now ? new String[] {"SHUTDOWN", "NOSAVE", "NOW"}
                                : new String[] {"SHUTDOWN", "NOSAVE"}));
                        await(kind + " master exits").atMost(Duration.ofSeconds(15))
                                .until(() -> !master.process().isAlive());
                    } finally {
                        signal("CONT", replica.pid());
                    }
                    String log = Files.readString(master.dir().resolve("server.log"));
                    if (now) {
                        assertThat(log).as(kind + " NOW").doesNotContain("Waiting for replicas before shutting down.");
                    } else {
                        assertThat(log).as(kind.name()).contains("Waiting for replicas before shutting down.")
                                .containsPattern("Lagging replica [0-9.]+:" + replica.port() + " reported offset \\d+ "
                                        + "behind master, lag=\\d+, state=online\\.");
                    }
                } finally {
                    master.close();
                }
            }
        }
    }

    /**
     * propagation-error-behavior: a command from the master that fails on a read-only replica is logged as critical;
     * with panic-on-replicas the replica stops, with ignore it goes on. The replica is made to differ from its master
     * by a write while it was writable.
     */
    @Test
    void propagationErrorBehaviorLikeRedis() throws Exception {
        for (ServerProcess.Kind kind : List.of(ServerProcess.Kind.REDIS, ServerProcess.Kind.NODE)) {
            for (String behavior : List.of("ignore", "panic-on-replicas")) {
                try (ServerProcess master = ServerProcess.start(kind, dev.chorus.node.testing.FreePorts.next(), null,
                        "--repl-diskless-sync-delay", "0");
                     ServerProcess replica = ServerProcess.start(kind, dev.chorus.node.testing.FreePorts.next(), null,
                             "--replicaof", "127.0.0.1", Integer.toString(master.port()),
                             "--propagation-error-behavior", behavior, "--crash-log-enabled", "no")) {
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> Info.field(replica, "replication", "master_link_status"), "up"::equals);
                    try (RawConnection r = replica.connect()) {
                        r.callText("CONFIG", "SET", "replica-read-only", "no");
                        r.callText("RPUSH", "x", "a");
                        r.callText("CONFIG", "SET", "replica-read-only", "yes");
                    }
                    try (RawConnection m = master.connect()) {
                        m.callText("INCR", "x");
                        m.callText("SET", "after", "1");
                    }
                    String critical = "== CRITICAL == This replica is sending an error to its master: "
                            + "'-WRONGTYPE Operation against a key holding the wrong kind of value' after processing the "
                            + "command 'incr'";
                    if (behavior.equals("ignore")) {
                        await(kind + " replica applies what follows").atMost(Duration.ofSeconds(10))
                                .until(() -> {
                                    try (RawConnection r = replica.connect()) {
                                        return r.callText("GET", "after");
                                    }
                                }, "$1\r\n1\r\n"::equals);
                        assertThat(replica.process().isAlive()).isTrue();
                    } else {
                        await(kind + " replica stops").atMost(Duration.ofSeconds(10))
                                .until(() -> !replica.process().isAlive());
                    }
                    assertThat(replica.log()).as(kind + " " + behavior).contains(critical);
                }
            }
        }
    }

    /** oom-score-adj: the process's oom_score_adj follows the role, as on redis-server started the same way. */
    @Test
    void oomScoreAdjFollowsTheRoleLikeRedis() throws Exception {
        try (ServerProcess redisMaster = ServerProcess.redis(); ServerProcess nodeMaster = ServerProcess.node();
             ServerProcess redis = ServerProcess.redis("--oom-score-adj", "absolute", "--oom-score-adj-values",
                     "100 200 800");
             ServerProcess node = ServerProcess.node("--oom-score-adj", "absolute", "--oom-score-adj-values",
                     "100 200 800")) {
            java.util.function.Function<ServerProcess, String> score = s -> {
                try {
                    return Files.readString(java.nio.file.Path.of("/proc/" + s.pid() + "/oom_score_adj")).strip();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            String start = score.apply(redisMaster);
            assertThat(score.apply(nodeMaster)).as("untouched").isEqualTo(start);
            assertThat(score.apply(node)).isEqualTo(score.apply(redis)).isEqualTo("100");
            for (List<ServerProcess> pair : List.of(List.of(redis, redisMaster), List.of(node, nodeMaster))) {
                try (RawConnection c = pair.get(0).connect()) {
                    c.callText("REPLICAOF", "127.0.0.1", Integer.toString(pair.get(1).port()));
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> score.apply(node), "200"::equals);
            assertThat(score.apply(redis)).isEqualTo("200");
            for (List<String> cmd : List.of(List.of("CONFIG", "SET", "oom-score-adj-values", "0 300 800"),
                    List.of("CONFIG", "SET", "oom-score-adj", "relative"),
                    List.of("CONFIG", "SET", "oom-score-adj", "no"))) {
                try (RawConnection r = redis.connect(); RawConnection n = node.connect()) {
                    String[] args = cmd.toArray(String[]::new);
                    assertThat(n.callText(args)).isEqualTo(r.callText(args));
                }
                assertThat(score.apply(node)).as(cmd.toString()).isEqualTo(score.apply(redis));
            }
            assertThat(score.apply(node)).isEqualTo(start);
        }
    }

    /**
     * replica-ignore-maxmemory: a replica over maxmemory keeps everything its master sends (yes, the default) or
     * evicts by its own policy (no).
     */
    @Test
    void replicaIgnoreMaxmemory() {
        try (ServerProcess master = ServerProcess.node("--repl-diskless-sync-delay", "0")) {
            for (String ignore : List.of("yes", "no")) {
                try (RawConnection m = master.connect()) {
                    m.callText("FLUSHALL");
                }
                try (ServerProcess replica = ServerProcess.node("--replicaof", "127.0.0.1",
                        Integer.toString(master.port()), "--replica-ignore-maxmemory", ignore,
                        "--maxmemory-policy", "allkeys-random")) {
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> Info.field(replica, "replication", "master_link_status"), "up"::equals);
                    try (RawConnection r = replica.connect()) {
                        // 2 MB: the 5000 values of 1000 bytes below go well over it
                        assertThat(r.callText("CONFIG", "SET", "maxmemory", "2000000")).isEqualTo("+OK\r\n");
                    }
                    String value = "x".repeat(1000);
                    try (RawConnection m = master.connect()) {
                        for (int i = 0; i < 5000; i++) {
                            m.callText("SET", "key:" + i, value);
                        }
                    }
                    long masterOffset = Long.parseLong(Info.field(master, "replication", "master_repl_offset"));
                    await().atMost(Duration.ofSeconds(30)).until(() -> Long.parseLong(
                            Info.field(replica, "replication", "slave_repl_offset")) >= masterOffset);
                    long keys;
                    try (RawConnection r = replica.connect()) {
                        keys = Long.parseLong(r.callText("DBSIZE").substring(1).strip());
                    }
                    if (ignore.equals("yes")) {
                        assertThat(keys).as("replica-ignore-maxmemory yes keeps every key").isEqualTo(5000);
                    } else {
                        assertThat(keys).as("replica-ignore-maxmemory no evicts").isLessThan(5000);
                    }
                }
            }
        }
    }

    private static void signal(String sig, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor()).isZero();
    }

    @Test
    void replDisklessLoadDecidesWhetherTheReceivedRdbBecomesDbfilename() {
        try (ServerProcess master = ServerProcess.node("--repl-diskless-sync-delay", "0")) {
            try (RawConnection c = master.connect()) {
                c.callText("SET", "k", "v");
            }
            for (String mode : List.of("disabled", "swapdb")) {
                try (ServerProcess replica = ServerProcess.node("--repl-diskless-load", mode, "--replicaof",
                        "127.0.0.1", Integer.toString(master.port()))) {
                    await(mode + " replica in sync").atMost(Duration.ofSeconds(30))
                            .until(() -> Info.field(replica, "replication", "master_link_status"), "up"::equals);
                    try (RawConnection c = replica.connect()) {
                        assertThat(c.callText("GET", "k")).isEqualTo("$1\r\nv\r\n");
                    }
                    if (mode.equals("disabled")) {
                        assertThat(replica.dir().resolve("dump.rdb")).as(mode).exists();
                    } else {
                        assertThat(replica.dir().resolve("dump.rdb")).as(mode).doesNotExist();
                        try (var files = Files.list(replica.dir())) {
                            assertThat(files.map(p -> p.getFileName().toString()))
                                    .noneMatch(f -> f.endsWith(".rdb"));
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
    }

    @Test
    void rdbDelSyncFilesRemovesTheSyncRdbWithoutPersistence() {
        try (ServerProcess master = ServerProcess.node("--repl-diskless-sync", "no", "--rdb-del-sync-files", "yes");
             ServerProcess replica = ServerProcess.node("--rdb-del-sync-files", "yes", "--replicaof", "127.0.0.1",
                     Integer.toString(master.port()) + "")) {
            await("replica in sync").atMost(Duration.ofSeconds(30))
                    .until(() -> Info.field(replica, "replication", "master_link_status"), "up"::equals);
            await("master removed the RDB it synced from").atMost(Duration.ofSeconds(10))
                    .until(() -> !Files.exists(master.dir().resolve("dump.rdb")));
            assertThat(replica.dir().resolve("dump.rdb")).doesNotExist();
        }
    }
}
