package dev.chorus.node.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * client-output-buffer-limit as Redis 7.0.15 enforces it (networking.c closeClientOnOutputBufferLimitReached), each
 * scenario against redis-server and the node: a client over the hard limit gets none of the reply and none of what it
 * pipelined behind it runs; a reply with repetitions stops mid-run; replies that fit in the static reply buffer never
 * count.
 */
class OutputLimitsIT {
    private static List<ServerProcess> both(String... directives) {
        return List.of(ServerProcess.redis(directives), ServerProcess.node(directives));
    }

    @Test
    void overTheHardLimitNothingOfTheReplyIsSentAndThePipelineStops() {
        for (ServerProcess s : both("--client-output-buffer-limit", "normal 100000 0 0")) {
            try (s; RawConnection admin = s.connect(); RawConnection c = s.connect()) {
                String item = "x".repeat(1000);
                for (int i = 0; i < 150; i++) {
                    admin.call("RPUSH", "mylist", item);
                }
                // one write: LRANGE over the limit, then a write that must not run
                c.send((new String(RawConnection.encode("LRANGE", "mylist", "0", "-1"), StandardCharsets.ISO_8859_1)
                        + new String(RawConnection.encode("SET", "after", "1"), StandardCharsets.ISO_8859_1))
                        .getBytes(StandardCharsets.ISO_8859_1));
                assertThat(c.closedByPeer()).as("%s: closed without a byte of reply", s.kind()).isTrue();
                assertThat(admin.callText("EXISTS", "after")).as("%s: the pipelined SET", s.kind())
                        .isEqualTo(":0\r\n");
                assertThat(admin.callText("CLIENT", "LIST")).as(s.kind().toString()).doesNotContain("cmd=lrange");
            }
        }
    }

    @Test
    void aTransactionRunsWholeEvenWhenItsReplyGoesOverTheLimit() {
        for (ServerProcess s : both("--client-output-buffer-limit", "normal 100000 0 0")) {
            try (s; RawConnection admin = s.connect(); RawConnection c = s.connect()) {
                String item = "x".repeat(1000);
                for (int i = 0; i < 150; i++) {
                    admin.call("RPUSH", "mylist2", item);
                }
                admin.call("SET", "k1", "v1");
                c.call("MULTI");
                c.call("SET", "k2", "v2");
                c.call("LRANGE", "mylist2", "0", "-1");
                c.call("DEL", "k1");
                c.send(RawConnection.encode("EXEC"));
                assertThat(c.closedByPeer()).as("%s: closed", s.kind()).isTrue();
                assertThat(admin.callText("MGET", "k1", "k2")).as(s.kind().toString())
                        .isEqualTo("*2\r\n$-1\r\n$2\r\nv2\r\n");
            }
        }
    }

    @Test
    void hrandfieldWithHugeCountStopsMidRun() {
        for (ServerProcess s : both("--client-output-buffer-limit", "normal 1000000 0 0")) {
            try (s; RawConnection admin = s.connect(); RawConnection c = s.connect()) {
                admin.call("HSET", "myhash", "a", "b");
                c.send(RawConnection.encode("HRANDFIELD", "myhash", "-999999999"));
                // the reply's header may have gone out; the connection is closed well before 999999999 fields
                long read = 0;
                try {
                    while (!c.closedByPeer()) {
                        read++;
                    }
                } catch (RuntimeException e) {
                    // reset by peer
                }
                assertThat(read).as("%s: bytes read before the close", s.kind()).isLessThan(10_000_000);
                assertThat(admin.callText("PING")).isEqualTo("+PONG\r\n");
            }
        }
    }

    @Test
    void keysOverTheLimitCountsWholeReplyBlocks() {
        // ~110 KB of names: under the limit as bytes past the 16 KB buffer, over it as Redis counts 16 KB blocks
        for (ServerProcess s : both("--client-output-buffer-limit", "normal 100000 0 0")) {
            try (s; RawConnection admin = s.connect(); RawConnection c = s.connect()) {
                String prefix = "long-key-name-prefix-of-100-chars" + "-".repeat(67);
                for (int i = 0; i < 1000; i++) {
                    admin.call("SET", prefix + i, "v");
                }
                c.send(RawConnection.encode("KEYS", "*"));
                assertThat(c.closedByPeer()).as("%s: closed without a byte of reply", s.kind()).isTrue();
            }
        }
    }

    @Test
    void repliesThatFitTheStaticBufferDoNotCountAgainstTinyLimits() {
        for (ServerProcess s : both()) {
            try (s; RawConnection c = s.connect()) {
                assertThat(c.callText("CONFIG", "SET", "client-output-buffer-limit", "normal 1 2 3")).isEqualTo("+OK\r\n");
                assertThat(c.callText("CONFIG", "GET", "client-output-buffer-limit")).as(s.kind().toString())
                        .contains("normal 1 2 3");
                assertThat(c.callText("PING")).isEqualTo("+PONG\r\n");
            }
        }
    }
}
