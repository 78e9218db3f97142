package dev.chorus.node.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.Info;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.RespFrames;
import dev.chorus.node.testing.ServerProcess;
import dev.chorus.node.testing.ServerProcess.Kind;
import dev.chorus.node.testing.ServerProcesses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * MIGRATE between real processes: the same scenario runs from a source to a target for each pairing of node and
 * Redis, and every reply (and what each side holds afterwards) must be what Redis to Redis gives.
 */
class MigrateIT {
    enum Pairing {
        NODE_TO_REDIS(Kind.NODE, Kind.REDIS),
        REDIS_TO_NODE(Kind.REDIS, Kind.NODE),
        NODE_TO_NODE(Kind.NODE, Kind.NODE);

        final Kind source;
        final Kind target;

        Pairing(Kind source, Kind target) {
            this.source = source;
            this.target = target;
        }
    }

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void repliesAndDataMatchRedisToRedis(Pairing p) {
        List<String> expected = scenario(Kind.REDIS, Kind.REDIS);
        assertThat(expected).as("the oracle's run migrated and was refused where expected")
                .startsWith("+OK\r\n", "+OK\r\n")
                .contains("-ERR Target instance replied with error: BUSYKEY Target key name already exists.\r\n");
        List<String> actual = scenario(p.source, p.target);
        assertThat(actual).isEqualTo(expected);
    }

    private List<String> scenario(Kind sourceKind, Kind targetKind) {
        ServerProcess source = servers.start(sourceKind);
        ServerProcess target = servers.start(targetKind);
        ServerProcess locked = servers.start(targetKind, "--requirepass", "secret");
        ServerProcess replica = servers.start(sourceKind);
        String port = Integer.toString(target.port());
        List<String> out = new ArrayList<>();
        try (RawConnection r = replica.connect()) {
            r.call("REPLICAOF", "127.0.0.1", Integer.toString(source.port()));
        }
        await("replica of the source in sync").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> "up".equals(Info.field(replica, "replication", "master_link_status")));
        try (RawConnection s = source.connect(); RawConnection t = target.connect()) {
            s.call("SET", "str", "hello");
            s.call("RPUSH", "list", "a", "b", "c");
            s.call("HSET", "hash", "f", "v", "g", "w");
            s.call("SADD", "set", "1", "2", "3");
            s.call("ZADD", "zset", "1", "x", "2", "y");
            s.call("SET", "ttl", "v", "EX", "1000");
            s.call("SET", "copy-me", "c");
            s.call("SET", "busy", "source");
            t.call("SET", "busy", "target");
            out.add(s.callText("MIGRATE", "127.0.0.1", port, "str", "0", "5000"));
            out.add(s.callText("MIGRATE", "127.0.0.1", port, "", "3", "5000", "KEYS", "list", "hash", "nokey", "set"));
            out.add(s.callText("MIGRATE", "127.0.0.1", port, "zset", "0", "5000", "COPY"));
            out.add(s.callText("MIGRATE", "127.0.0.1", port, "ttl", "0", "5000"));
            out.add(s.callText("MIGRATE", "127.0.0.1", port, "busy", "0", "5000"));
            out.add(s.callText("MIGRATE", "127.0.0.1", port, "busy", "0", "5000", "REPLACE"));
            out.add(s.callText("MIGRATE", "127.0.0.1", port, "copy-me", "0", "5000", "COPY", "AUTH", "nopass"));
            out.add(s.callText("MIGRATE", "127.0.0.1", port, "nokey", "0", "5000"));
            String lockedPort = Integer.toString(locked.port());
            out.add(s.callText("MIGRATE", "127.0.0.1", lockedPort, "copy-me", "0", "5000", "COPY"));
            out.add(s.callText("MIGRATE", "127.0.0.1", lockedPort, "copy-me", "0", "5000", "AUTH", "wrong"));
            out.add(s.callText("MIGRATE", "127.0.0.1", lockedPort, "copy-me", "0", "5000", "AUTH2", "default",
                    "secret"));
            out.add("cached sockets: " + Info.field(source, "stats", "migrate_cached_sockets"));
            out.add(s.callText("WAIT", "1", "5000"));
            out.add("source: " + RespFrames.show(s.call("KEYS", "*")) + " " + s.callText("DBSIZE"));
            out.add("target db0: " + t.callText("DBSIZE") + t.callText("GET", "str") + t.callText("GET", "busy")
                    + RespFrames.show(t.call("ZRANGE", "zset", "0", "-1", "WITHSCORES")));
            long ttl = Long.parseLong(t.callText("TTL", "ttl").strip().substring(1));
            out.add("target ttl in range: " + (ttl > 990 && ttl <= 1000));
            t.call("SELECT", "3");
            out.add("target db3: " + t.callText("DBSIZE") + RespFrames.show(t.call("LRANGE", "list", "0", "-1"))
                    + t.callText("HGET", "hash", "g") + t.callText("SCARD", "set"));
        }
        try (RawConnection l = locked.connect()) {
            l.call("AUTH", "secret");
            out.add("locked: " + l.callText("GET", "copy-me"));
        }
        try (RawConnection r = replica.connect()) {
            out.add("replica: " + r.callText("DBSIZE") + r.callText("EXISTS", "str") + r.callText("EXISTS", "zset"));
        }
        return out;
    }
}
