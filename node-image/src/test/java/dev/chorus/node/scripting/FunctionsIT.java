package dev.chorus.node.scripting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.FreePorts;
import dev.chorus.node.testing.Info;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import dev.chorus.node.testing.ServerProcess.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Functions travel as Redis 7.0 moves them: FUNCTION LOAD/DELETE/FLUSH/RESTORE reach replicas as themselves, a full
 * sync and an RDB file carry the libraries (FUNCTION2 opcodes), and redis-server and the node read each other's.
 */
class FunctionsIT {
    private static final String LIB_A = "#!lua name=liba\n"
            + "redis.register_function('fa', function(keys, args) return redis.call('set', keys[1], args[1]) end)\n"
            + "redis.register_function{function_name='fro', callback=function(keys) return redis.call('get', keys[1])"
            + " end, flags={'no-writes'}, description='reads'}";
    private static final String LIB_B = "#!lua name=libb\nredis.register_function{function_name='fb', "
            + "callback=function() return 'b' end, flags={'no-writes'}}";
    private static final String LIB_C = "#!lua name=libc\nredis.register_function('fc', function() return 'c' end)";

    private final List<ServerProcess> started = new ArrayList<>();

    @AfterEach
    void stopAll() {
        started.forEach(ServerProcess::close);
    }

    private ServerProcess start(Kind kind, Path dir) {
        ServerProcess s = ServerProcess.start(kind, FreePorts.next(), dir, "--repl-diskless-sync-delay", "0");
        started.add(s);
        return s;
    }

    private static void replicate(ServerProcess replica, ServerProcess master) {
        try (RawConnection c = replica.connect()) {
            assertThat(c.callText("REPLICAOF", "127.0.0.1", Integer.toString(master.port()))).isEqualTo("+OK\r\n");
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> "up".equals(Info.field(replica, "replication", "master_link_status")));
    }

    enum Pairing {
        NODE_TO_NODE(Kind.NODE, Kind.NODE),
        NODE_MASTER_REDIS_REPLICA(Kind.NODE, Kind.REDIS),
        REDIS_MASTER_NODE_REPLICA(Kind.REDIS, Kind.NODE);

        final Kind master;
        final Kind replica;

        Pairing(Kind master, Kind replica) {
            this.master = master;
            this.replica = replica;
        }
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void functionsReachReplicasByFullSyncAndByTheStream(Pairing pairing) {
        ServerProcess master = start(pairing.master, null);
        ServerProcess replica = start(pairing.replica, null);
        try (RawConnection m = master.connect()) {
            assertThat(m.callText("FUNCTION", "LOAD", LIB_A)).isEqualTo("$4\r\nliba\r\n");
        }
        replicate(replica, master); // liba goes with the full sync
        try (RawConnection m = master.connect()) {
            assertThat(m.callText("FUNCTION", "LOAD", LIB_B)).isEqualTo("$4\r\nlibb\r\n");
            assertThat(m.callText("FCALL", "fa", "1", "k", "v")).isEqualTo("+OK\r\n");
            assertThat(m.callText("FUNCTION", "LOAD", LIB_C)).isEqualTo("$4\r\nlibc\r\n");
            assertThat(m.callText("FUNCTION", "DELETE", "libc")).isEqualTo("+OK\r\n");
            assertThat(m.callText("SET", "marker", "1")).isEqualTo("+OK\r\n");
        }
        try (RawConnection r = replica.connect()) {
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                    .until(() -> r.callText("GET", "marker").equals("$1\r\n1\r\n"));
            assertThat(r.callText("FCALL_RO", "fro", "1", "k")).isEqualTo("$1\r\nv\r\n");
            assertThat(r.callText("FCALL", "fb", "0")).isEqualTo("$1\r\nb\r\n");
            assertThat(r.callText("FCALL", "fc", "0")).isEqualTo("-ERR Function not found\r\n");
            // A write function is refused on a read-only replica before it runs, as the flags say.
            assertThat(r.callText("FCALL", "fa", "1", "k", "w")).isEqualTo(
                    "-READONLY You can't write against a read only replica.\r\n");
        }
        String dump;
        try (RawConnection m = master.connect()) {
            byte[] payload = body(m.call("FUNCTION", "DUMP"));
            assertThat(m.callText("FUNCTION", "FLUSH")).isEqualTo("+OK\r\n");
            assertThat(m.callText("SET", "marker", "2")).isEqualTo("+OK\r\n");
            try (RawConnection r = replica.connect()) {
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                        .until(() -> r.callText("GET", "marker").equals("$1\r\n2\r\n"));
                assertThat(r.callText("FUNCTION", "LIST")).isEqualTo("*0\r\n");
            }
            assertThat(new String(m.call(List.of("FUNCTION".getBytes(), "RESTORE".getBytes(), payload)),
                    java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("+OK\r\n");
            assertThat(m.callText("SET", "marker", "3")).isEqualTo("+OK\r\n");
            dump = m.callText("FUNCTION", "LIST", "LIBRARYNAME", "liba", "WITHCODE");
        }
        try (RawConnection r = replica.connect()) {
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                    .until(() -> r.callText("GET", "marker").equals("$1\r\n3\r\n"));
            assertThat(r.callText("FCALL", "fb", "0")).isEqualTo("$1\r\nb\r\n");
            // The functions of a library come in dict order (a per-process hash seed in Redis): compare the parts.
            String list = r.callText("FUNCTION", "LIST", "LIBRARYNAME", "liba", "WITHCODE");
            assertThat(list).hasSameSizeAs(dump).contains("$5\r\nreads\r\n$5\r\nflags\r\n*1\r\n+no-writes\r\n")
                    .contains("$" + LIB_A.length() + "\r\n" + LIB_A + "\r\n");
        }
    }

    /** The bulk string's bytes of a RESP bulk reply. */
    private static byte[] body(byte[] bulk) {
        int start = 0;
        while (bulk[start] != '\n') {
            start++;
        }
        start++;
        return java.util.Arrays.copyOfRange(bulk, start, bulk.length - 2);
    }

    @Test
    void functionsSurviveARestart() throws Exception {
        Path dir = Files.createTempDirectory("chorus-functions-");
        int port = FreePorts.next();
        ServerProcess node = ServerProcess.start(Kind.NODE, port, dir);
        try (RawConnection c = node.connect()) {
            assertThat(c.callText("FUNCTION", "LOAD", LIB_A)).isEqualTo("$4\r\nliba\r\n");
            assertThat(c.callText("FUNCTION", "LOAD", LIB_B)).isEqualTo("$4\r\nlibb\r\n");
            assertThat(c.callText("SAVE")).isEqualTo("+OK\r\n");
        }
        node.stop();
        node = ServerProcess.start(Kind.NODE, port, dir);
        started.add(node);
        try (RawConnection c = node.connect()) {
            assertThat(c.callText("FCALL", "fb", "0")).isEqualTo("$1\r\nb\r\n");
            assertThat(c.callText("FCALL", "fa", "1", "k", "v")).isEqualTo("+OK\r\n");
            assertThat(Info.field(node, "memory", "number_of_libraries")).isEqualTo("2");
            assertThat(Info.field(node, "memory", "number_of_functions")).isEqualTo("3");
        }
    }

    /** A busy function: BUSY texts naming FUNCTION KILL, SCRIPT KILL refused, FUNCTION STATS and FUNCTION KILL. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBusyFunctionIsKilledByFunctionKill(Kind kind) {
        ServerProcess server = start(kind, null);
        try (RawConnection c = server.connect(); RawConnection runner = server.connect()) {
            assertThat(c.callText("CONFIG", "SET", "busy-reply-threshold", "50")).isEqualTo("+OK\r\n");
            assertThat(c.callText("FUNCTION", "LOAD", "#!lua name=busy\nredis.register_function{function_name="
                    + "'spin', callback=function() while true do end end, flags={'no-writes'}}"))
                    .isEqualTo("$4\r\nbusy\r\n");
            runner.send(RawConnection.encode("FCALL", "spin", "0"));
            String busy = "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
                    + "\r\n";
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                    .until(() -> c.callText("PING").equals(busy));
            assertThat(c.callText("SCRIPT", "KILL")).isEqualTo(busy);
            assertThat(c.callText("FUNCTION", "STATS")).startsWith(
                    "*4\r\n$14\r\nrunning_script\r\n*6\r\n$4\r\nname\r\n$4\r\nspin\r\n$7\r\ncommand\r\n*3\r\n"
                    + "$5\r\nFCALL\r\n$4\r\nspin\r\n$1\r\n0\r\n$11\r\nduration_ms\r\n:");
            assertThat(c.callText("FUNCTION", "KILL")).isEqualTo("+OK\r\n");
            assertThat(new String(runner.read(), java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo(
                    "-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.\r\n");
            assertThat(c.callText("PING")).isEqualTo("+PONG\r\n");
            assertThat(c.callText("FUNCTION", "KILL")).isEqualTo("-NOTBUSY No scripts in execution right now.\r\n");
        }
    }

    /** An RDB with functions written by redis-server loads in the node, and the node's loads in redis-server. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void rdbFilesWithFunctionsLoadInTheOtherServer(Kind writer) throws Exception {
        Kind reader = writer == Kind.NODE ? Kind.REDIS : Kind.NODE;
        Path dir = Files.createTempDirectory("chorus-functions-rdb-");
        ServerProcess w = ServerProcess.start(writer, FreePorts.next(), dir);
        try (RawConnection c = w.connect()) {
            assertThat(c.callText("FUNCTION", "LOAD", LIB_A)).isEqualTo("$4\r\nliba\r\n");
            assertThat(c.callText("FUNCTION", "LOAD", LIB_B)).isEqualTo("$4\r\nlibb\r\n");
            assertThat(c.callText("SET", "k", "v")).isEqualTo("+OK\r\n");
            assertThat(c.callText("SAVE")).isEqualTo("+OK\r\n");
        }
        w.stop();
        ServerProcess r = ServerProcess.start(reader, FreePorts.next(), dir);
        started.add(r);
        try (RawConnection c = r.connect()) {
            assertThat(c.callText("FCALL_RO", "fro", "1", "k")).isEqualTo("$1\r\nv\r\n");
            assertThat(c.callText("FCALL", "fb", "0")).isEqualTo("$1\r\nb\r\n");
            assertThat(c.callText("FUNCTION", "LIST", "LIBRARYNAME", "liba")).contains("reads");
        }
    }
}
