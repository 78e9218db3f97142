package dev.chorus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.FreePorts;
import dev.chorus.node.testing.Info;
import dev.chorus.node.testing.OraclePair;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import dev.chorus.node.testing.ServerProcess.Kind;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * CLIENT PAUSE with several connections, as the operator uses it for a switchover. Every scenario runs the same
 * assertions against a real redis-server 7.0 and the node. Waiting is observed, never slept through: a postponed
 * client shows up in CLIENT LIST with flags=b and its command; a pause that must run out (ALL holds CLIENT LIST too)
 * is measured from the client's side, as a lower bound only.
 */
class ClientPauseIT {
    @RegisterExtension
    static final OraclePair servers = new OraclePair();

    private static final Pattern FIELD = Pattern.compile("(\\S+)=(\\S*)");
    /** A 1000 ms pause, less the slack between the client's clock and the server's. */
    private static final long PAUSED_AT_LEAST_MILLIS = 900;

    private final List<RawConnection> connections = new ArrayList<>();
    private final List<ServerProcess> started = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        connections.forEach(RawConnection::close);
        started.forEach(ServerProcess::close);
        for (ServerProcess s : List.of(servers.redis(), servers.node())) {
            // An ALL pause can't be lifted early: this UNPAUSE waits until it has run out.
            try (RawConnection c = s.connect()) {
                c.call("CLIENT", "UNPAUSE");
                c.call("FLUSHALL");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void writesWaitForUnpauseWithTheirPipelineWhileReadsGoOn(Kind kind) {
        ServerProcess s = shared(kind);
        RawConnection admin = connect(s);
        RawConnection writer = connect(s);
        RawConnection publisher = connect(s);
        RawConnection reader = connect(s);
        admin.call("SET", "k", "v1");
        assertThat(admin.callText("CLIENT", "PAUSE", "60000", "WRITE")).isEqualTo("+OK\r\n");

        writer.send(pipeline(new String[] {"SET", "k", "v2"}, new String[] {"GET", "k"}));
        publisher.send(RawConnection.encode("PUBLISH", "ch", "hello")); // may replicate: waits like a write
        awaitPostponed(reader, "set");
        awaitPostponed(reader, "publish");
        assertThat(reader.callText("GET", "k")).as("reads go on; the write has not run").isEqualTo("$2\r\nv1\r\n");
        assertThat(reader.callText("INFO", "clients")).contains("blocked_clients:2\r\n");
        assertThat(reader.callText("PING")).isEqualTo("+PONG\r\n");

        assertThat(admin.callText("CLIENT", "UNPAUSE")).isEqualTo("+OK\r\n");
        assertThat(text(writer.read())).isEqualTo("+OK\r\n");
        assertThat(text(writer.read())).as("the GET pipelined behind the write ran after it")
                .isEqualTo("$2\r\nv2\r\n");
        assertThat(text(publisher.read())).isEqualTo(":0\r\n");
        assertThat(reader.callText("INFO", "clients")).contains("blocked_clients:0\r\n");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void execOfATransactionThatWritesWaitsAndSoDoesQueueingAWrite(Kind kind) {
        ServerProcess s = shared(kind);
        RawConnection admin = connect(s);
        RawConnection writing = connect(s);
        RawConnection reading = connect(s);
        RawConnection late = connect(s);
        assertThat(writing.callText("MULTI")).isEqualTo("+OK\r\n");
        assertThat(writing.callText("SET", "k", "1")).isEqualTo("+QUEUED\r\n");
        assertThat(reading.callText("MULTI")).isEqualTo("+OK\r\n");
        assertThat(reading.callText("GET", "k")).isEqualTo("+QUEUED\r\n");
        assertThat(admin.callText("CLIENT", "PAUSE", "60000", "WRITE")).isEqualTo("+OK\r\n");

        assertThat(reading.callText("EXEC")).as("a read-only transaction runs").isEqualTo("*1\r\n$-1\r\n");
        writing.send(RawConnection.encode("EXEC"));
        ClientFields exec = awaitPostponed(admin, "exec");
        assertThat(exec.flags()).isEqualTo("xb");
        assertThat(exec.multi()).isEqualTo("1");
        assertThat(late.callText("MULTI")).isEqualTo("+OK\r\n");
        late.send(RawConnection.encode("SET", "k", "2")); // Redis checks the pause before queueing
        ClientFields queueing = awaitPostponed(admin, "set");
        assertThat(queueing.flags()).isEqualTo("xb");
        assertThat(queueing.multi()).isEqualTo("0");
        assertThat(admin.callText("GET", "k")).isEqualTo("$-1\r\n");

        assertThat(admin.callText("CLIENT", "UNPAUSE")).isEqualTo("+OK\r\n");
        assertThat(text(writing.read())).isEqualTo("*1\r\n+OK\r\n");
        assertThat(text(late.read())).isEqualTo("+QUEUED\r\n");
        assertThat(late.callText("EXEC")).isEqualTo("*1\r\n+OK\r\n");
        assertThat(admin.callText("GET", "k")).isEqualTo("$1\r\n2\r\n");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aWritePauseEndsByItselfAtItsTimeout(Kind kind) {
        ServerProcess s = shared(kind);
        RawConnection admin = connect(s);
        RawConnection writer = connect(s);
        long start = System.nanoTime();
        assertThat(admin.callText("CLIENT", "PAUSE", "1000", "WRITE")).isEqualTo("+OK\r\n");
        writer.send(RawConnection.encode("SET", "k", "v"));
        awaitPostponed(admin, "set");
        assertThat(text(writer.read())).isEqualTo("+OK\r\n");
        assertThat(millisSince(start)).isGreaterThanOrEqualTo(PAUSED_AT_LEAST_MILLIS);
        assertThat(admin.callText("GET", "k")).isEqualTo("$1\r\nv\r\n");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anAllPauseHoldsReadsTheAdminAndUnpauseUntilItRunsOut(Kind kind) {
        ServerProcess s = shared(kind);
        RawConnection admin = connect(s);
        RawConnection reader = connect(s);
        RawConnection unpauser = connect(s);
        admin.call("SET", "k", "v");
        long start = System.nanoTime();
        admin.send(pipeline(new String[] {"CLIENT", "PAUSE", "1000", "ALL"}, new String[] {"PING"}));
        assertThat(text(admin.read())).isEqualTo("+OK\r\n");
        reader.send(RawConnection.encode("GET", "k"));
        unpauser.send(RawConnection.encode("CLIENT", "UNPAUSE"));

        assertThat(text(reader.read())).isEqualTo("$1\r\nv\r\n");
        assertThat(millisSince(start)).as("the read waited for the pause")
                .isGreaterThanOrEqualTo(PAUSED_AT_LEAST_MILLIS);
        assertThat(text(admin.read())).isEqualTo("+PONG\r\n");
        assertThat(text(unpauser.read())).isEqualTo("+OK\r\n");
        assertThat(millisSince(start)).isGreaterThanOrEqualTo(PAUSED_AT_LEAST_MILLIS);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void clientListShowsTheCommandBeingRunOrLastLookedUp(Kind kind) {
        ServerProcess s = shared(kind);
        RawConnection c = connect(s);
        RawConnection probe = connect(s);
        long id = Long.parseLong(c.callText("CLIENT", "ID").strip().substring(1));
        assertThat(fields(text(c.call("CLIENT", "INFO"))).cmd()).isEqualTo("client|info");
        assertThat(clientList(c).stream().filter(f -> f.id() == id).findFirst().orElseThrow().cmd())
                .isEqualTo("client|list");
        c.call("GET", "k");
        assertThat(client(probe, id).cmd()).isEqualTo("get");
        c.call("NOSUCH");
        assertThat(client(probe, id).cmd()).isEqualTo("NULL");
        c.call("GET");
        assertThat(client(probe, id).cmd()).as("a refused command still counts").isEqualTo("get");
        c.call("CLIENT", "NOSUCH");
        assertThat(client(probe, id).cmd()).isEqualTo("NULL");
        c.call("MULTI");
        c.call("SET", "a", "1");
        c.call("INCR", "a");
        ClientFields inMulti = client(probe, id);
        assertThat(List.of(inMulti.cmd(), inMulti.flags(), inMulti.multi())).containsExactly("incr", "x", "2");
        c.call("EXEC");
        ClientFields afterExec = client(probe, id);
        assertThat(List.of(afterExec.cmd(), afterExec.flags(), afterExec.multi())).containsExactly("exec", "N", "-1");
    }

    /**
     * The switchover: a WRITE pause on the master freezes the replication stream (a postponed write propagates
     * nothing, an expired key is hidden but not deleted, so no DEL either) while the replica stays connected with the
     * same offset. The master's PING every repl-ping-replica-period would still move both offsets, as in Redis, so
     * it is set far beyond this test.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void theMastersOffsetAndExpiringKeysStayPutDuringAWritePause(Kind kind) {
        ServerProcess master = start(kind, "--repl-ping-replica-period", "300");
        ServerProcess replica = start(kind);
        replicate(replica, master);
        RawConnection m = connect(master);
        RawConnection writer = connect(master);
        m.call("SET", "a", "1");
        assertThat(m.callText("WAIT", "1", "5000")).isEqualTo(":1\r\n");
        awaitSteady("master offset before the pause", () -> masterOffset(master));

        m.call("SET", "e", "x", "PX", "500"); // expires during the pause
        assertThat(m.callText("CLIENT", "PAUSE", "60000", "WRITE")).isEqualTo("+OK\r\n");
        long offset = masterOffset(master);
        writer.send(RawConnection.encode("SET", "b", "2"));
        awaitPostponed(m, "set");
        await("e expired (hidden)").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> m.callText("EXISTS", "e").equals(":0\r\n"));
        await("offsets holding still while paused").during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> masterOffset(master) == offset && replicaOffset(replica) == offset
                        && "up".equals(Info.field(replica, "replication", "master_link_status")));
        assertThat(m.callText("DBSIZE")).as("the expired key is still stored").isEqualTo(":2\r\n");
        assertThat(Info.field(master, "keyspace", "db0")).startsWith("keys=2,expires=1,");
        assertThat(m.callText("GET", "b")).isEqualTo("$-1\r\n");

        assertThat(m.callText("CLIENT", "UNPAUSE")).isEqualTo("+OK\r\n");
        assertThat(text(writer.read())).isEqualTo("+OK\r\n");
        await("the write and the expiry reaching the replica").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20)).until(() -> {
                    try (RawConnection r = replica.connect()) {
                        return r.callText("GET", "b").equals("$1\r\n2\r\n") && r.callText("DBSIZE").equals(":2\r\n");
                    }
                });
        assertThat(m.callText("DBSIZE")).isEqualTo(":2\r\n");
        assertThat(masterOffset(master)).isGreaterThan(offset);
        await("replica offset equal to the master's").atMost(Duration.ofSeconds(10))
                .until(() -> replicaOffset(replica) == masterOffset(master));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aPausedReplicaHoldsItsMastersStreamToo(Kind kind) {
        ServerProcess master = start(kind);
        ServerProcess replica = start(kind);
        replicate(replica, master);
        RawConnection m = connect(master);
        RawConnection r = connect(replica);
        m.call("SET", "a", "1");
        assertThat(m.callText("WAIT", "1", "5000")).isEqualTo(":1\r\n");
        long before = replicaOffset(replica);

        assertThat(r.callText("CLIENT", "PAUSE", "60000", "WRITE")).isEqualTo("+OK\r\n");
        assertThat(m.callText("SET", "b", "2")).as("the master is not paused").isEqualTo("+OK\r\n");
        ClientFields link = awaitPostponed(r, "set");
        assertThat(link.flags()).isEqualTo("Mb");
        assertThat(link.user()).isEqualTo("(superuser)");
        assertThat(r.callText("GET", "b")).isEqualTo("$-1\r\n");
        assertThat(replicaOffset(replica)).isEqualTo(before);
        // what was read from the master but is held is counted in slave_read_repl_offset only (read_reploff)
        await("the held stream read").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> Info.number(replica, "replication", "slave_read_repl_offset") == masterOffset(master));
        assertThat(replicaOffset(replica)).isEqualTo(before);

        assertThat(r.callText("CLIENT", "UNPAUSE")).isEqualTo("+OK\r\n");
        await("the held write applied").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> r.callText("GET", "b").equals("$1\r\n2\r\n"));
        await("replica offset equal to the master's").atMost(Duration.ofSeconds(10))
                .until(() -> replicaOffset(replica) == masterOffset(master));
    }

    // ---- helpers ----

    private static ServerProcess shared(Kind kind) {
        return kind == Kind.REDIS ? servers.redis() : servers.node();
    }

    private RawConnection connect(ServerProcess s) {
        RawConnection c = s.connect();
        connections.add(c);
        return c;
    }

    private ServerProcess start(Kind kind, String... directives) {
        ServerProcess s = ServerProcess.start(kind, FreePorts.next(), null, directives);
        started.add(s);
        return s;
    }

    private static void replicate(ServerProcess replica, ServerProcess master) {
        try (RawConnection c = replica.connect()) {
            assertThat(c.callText("REPLICAOF", "127.0.0.1", Integer.toString(master.port()))).isEqualTo("+OK\r\n");
        }
        await("replica link up").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> "up".equals(Info.field(replica, "replication", "master_link_status")));
    }

    private static long masterOffset(ServerProcess master) {
        return Info.number(master, "replication", "master_repl_offset");
    }

    private static long replicaOffset(ServerProcess replica) {
        return Info.number(replica, "replication", "slave_repl_offset");
    }

    /** Waits until a value has not changed for a second (the master's first PING to a new replica is behind us). */
    private static void awaitSteady(String what, LongSupplier value) {
        AtomicLong last = new AtomicLong(value.getAsLong());
        await(what).during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    long now = value.getAsLong();
                    return last.getAndSet(now) == now;
                });
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static String text(byte[] frame) {
        return new String(frame, StandardCharsets.ISO_8859_1);
    }

    private static byte[] pipeline(String[]... commands) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String[] c : commands) {
            b.writeBytes(RawConnection.encode(c));
        }
        return b.toByteArray();
    }

    /** Waits until a client is held by the pause with {@code cmd} (flags=b; cmd= names the postponed command). */
    private static ClientFields awaitPostponed(RawConnection probe, String cmd) {
        return await("a client postponed with cmd=" + cmd).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> clientList(probe).stream().filter(f -> f.flags().contains("b") && f.cmd().equals(cmd))
                        .findFirst().orElse(null), f -> f != null);
    }

    record ClientFields(long id, String flags, String cmd, String multi, String user) {
    }

    private static ClientFields client(RawConnection probe, long id) {
        return clientList(probe).stream().filter(f -> f.id() == id).findFirst().orElseThrow();
    }

    private static List<ClientFields> clientList(RawConnection c) {
        List<ClientFields> out = new ArrayList<>();
        for (String line : text(c.call("CLIENT", "LIST")).split("\n")) {
            if (line.contains("id=")) {
                out.add(fields(line));
            }
        }
        return out;
    }

    private static ClientFields fields(String line) {
        Map<String, String> m = new HashMap<>();
        Matcher x = FIELD.matcher(line);
        while (x.find()) {
            m.put(x.group(1), x.group(2));
        }
        return new ClientFields(Long.parseLong(m.get("id")), m.get("flags"), m.get("cmd"), m.get("multi"),
                m.get("user"));
    }
}
