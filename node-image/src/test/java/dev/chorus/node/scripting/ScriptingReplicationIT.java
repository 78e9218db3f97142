package dev.chorus.node.scripting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.Pairing;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import dev.chorus.node.testing.ServerProcesses;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A script reaches replicas as its effects, wrapped in MULTI/EXEC when it wrote more than once (Redis 7.0's effects
 * replication), with Redis as the oracle: the replica's MONITOR shows the same commands whichever side is the node.
 */
class ScriptingReplicationIT {
    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses("--repl-diskless-sync-delay", "0");

    @ParameterizedTest
    @EnumSource(value = Pairing.class, names = {"NODE_TO_NODE", "NODE_MASTER_REDIS_REPLICA", "REDIS_TO_REDIS"})
    void scriptEffectsReachTheReplicaInMultiExec(Pairing pairing) throws Exception {
        ServerProcess master = servers.start(pairing.master);
        ServerProcess replica = servers.start(pairing.replica);
        ServerProcesses.replicate(replica, master);
        try (RawConnection monitor = replica.connect(); RawConnection m = master.connect()) {
            assertThat(monitor.callText("MONITOR")).isEqualTo("+OK\r\n");
            assertThat(m.callText("EVAL", "redis.call('set', KEYS[1], ARGV[1]) redis.call('incr', 'c') "
                    + "redis.call('get', 'c') return redis.call('lpush', 'l', 'x')", "1", "a", "v"))
                    .isEqualTo(":1\r\n");
            // A script that writes once is propagated without MULTI/EXEC; one that only reads, not at all.
            assertThat(m.callText("EVAL", "return redis.call('set', 'single', '1')", "0")).isEqualTo("+OK\r\n");
            assertThat(m.callText("EVAL", "return redis.call('get', 'single')", "0")).isEqualTo("$1\r\n1\r\n");
            // redis.set_repl(REPL_NONE) keeps a write off the replicas.
            assertThat(m.callText("EVAL", "redis.set_repl(redis.REPL_NONE) redis.call('set', 'local', '1') "
                    + "redis.set_repl(redis.REPL_ALL) return redis.call('set', 'marker', '1')", "0"))
                    .isEqualTo("+OK\r\n");
            List<String> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                String line = new String(monitor.read(), StandardCharsets.UTF_8);
                String cmd = line.replaceAll("^\\+[0-9.]+ \\[[^]]*\\] ", "").strip();
                seen.add(cmd);
                return cmd.startsWith("\"set\" \"marker\"");
            });
            assertThat(seen).containsExactly("\"SELECT\" \"0\"", "\"MULTI\"", "\"set\" \"a\" \"v\"",
                    "\"incr\" \"c\"", "\"lpush\" \"l\" \"x\"", "\"EXEC\"", "\"set\" \"single\" \"1\"",
                    "\"set\" \"marker\" \"1\"");
        }
        try (RawConnection r = replica.connect()) {
            assertThat(r.callText("GET", "a")).isEqualTo("$1\r\nv\r\n");
            assertThat(r.callText("GET", "c")).isEqualTo("$1\r\n1\r\n");
            assertThat(r.callText("LRANGE", "l", "0", "-1")).isEqualTo("*1\r\n$1\r\nx\r\n");
            assertThat(r.callText("EXISTS", "local")).isEqualTo(":0\r\n");
            // A replica refuses a script's write as Redis does, and a shebang script with writes before it runs.
            assertThat(r.callText("EVAL", "return redis.call('set', 'x', '1')", "0")).startsWith(
                    "-READONLY You can't write against a read only replica.");
            assertThat(r.callText("EVAL", "#!lua\nreturn redis.call('set', 'x', '1')", "0")).isEqualTo(
                    "-READONLY You can't write against a read only replica.\r\n");
            assertThat(r.callText("EVAL", "#!lua flags=no-writes\nreturn redis.call('get', 'a')", "0"))
                    .isEqualTo("$1\r\nv\r\n");
        }
    }
}
