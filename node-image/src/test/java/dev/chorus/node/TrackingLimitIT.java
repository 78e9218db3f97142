package dev.chorus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * tracking-table-max-keys as Redis 7.0.15 keeps it (tracking.c trackingLimitUsedSlots), against redis-server and the
 * node: in processCommand before a command is queued in MULTI (the invalidation comes before QUEUED, Redis' regression
 * test for #11715), and in serverCron when no command comes. Which key goes is random, so only its shape is compared.
 */
class TrackingLimitIT {
    private static List<ServerProcess> both() {
        return List.of(ServerProcess.redis("--enable-debug-command", "yes"),
                ServerProcess.node("--enable-debug-command", "yes"));
    }

    private static String text(byte[] frame) {
        return new String(frame, StandardCharsets.ISO_8859_1);
    }

    @Test
    void theLimitIsKeptBeforeACommandIsQueued() {
        for (ServerProcess s : both()) {
            try (s; RawConnection admin = s.connect(); RawConnection c = s.connect()) {
                admin.call("CONFIG", "SET", "tracking-table-max-keys", "2");
                admin.call("DEBUG", "PAUSE-CRON", "1"); // only processCommand may evict
                c.call("HELLO", "3");
                assertThat(text(c.call("CLIENT", "TRACKING", "on"))).isEqualTo("+OK\r\n");
                c.call("MGET", "1{tag}", "2{tag}");
                assertThat(text(c.call("MULTI"))).isEqualTo("+OK\r\n");
                admin.call("CONFIG", "SET", "tracking-table-max-keys", "1");
                c.send(RawConnection.encode("PING"));
                assertThat(text(c.read())).as(s.kind().toString()).matches(">2\r\n\\$10\r\ninvalidate\r\n\\*1\r\n"
                        + "\\$6\r\n[12]\\{tag}\r\n");
                assertThat(text(c.read())).isEqualTo("+QUEUED\r\n");
                assertThat(text(c.call("EXEC"))).isEqualTo("*1\r\n+PONG\r\n");
                admin.call("DEBUG", "PAUSE-CRON", "0");
            }
        }
    }

    @Test
    void theCronKeepsTheLimitWithNoCommand() {
        for (ServerProcess s : both()) {
            try (s; RawConnection admin = s.connect(); RawConnection c = s.connect()) {
                c.call("HELLO", "3");
                c.call("CLIENT", "TRACKING", "on");
                c.call("MGET", "k1", "k2");
                admin.call("CONFIG", "SET", "tracking-table-max-keys", "1");
                assertThat(text(c.read())).as(s.kind().toString())
                        .matches(">2\r\n\\$10\r\ninvalidate\r\n\\*1\r\n\\$2\r\nk[12]\r\n");
                await().atMost(Duration.ofSeconds(5)).until(() -> text(admin.call("INFO", "stats"))
                        .contains("tracking_total_keys:1\r\n"));
            }
        }
    }
}
