package dev.chorus.node;

import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * unit/introspection-2 "TTL, TYPE and EXISTS do not alter the last access time of a key": they look keys up with
 * Redis' LOOKUP_NOTOUCH, so OBJECT IDLETIME keeps growing while they are called; GET resets it. Checked on Redis too.
 */
class LookupNoTouchIT {
    @Test
    void ttlTypeExistsLeaveIdleTimeGrowing() {
        try (ServerProcess redis = ServerProcess.redis(); ServerProcess node = ServerProcess.node()) {
            for (ServerProcess s : new ServerProcess[] {redis, node}) {
                try (RawConnection c = s.connect()) {
                    c.callText("SET", "foo", "bar");
                    await(s.kind() + ": OBJECT IDLETIME grows while TTL/PTTL/TYPE/EXISTS are called")
                            .atMost(Duration.ofSeconds(10))
                            .pollInterval(Duration.ofMillis(100))
                            .until(() -> {
                                c.callText("TTL", "foo");
                                c.callText("PTTL", "foo");
                                c.callText("TYPE", "foo");
                                c.callText("EXISTS", "foo");
                                String idle = c.callText("OBJECT", "IDLETIME", "foo");
                                return Integer.parseInt(idle.substring(1).trim()) >= 2;
                            });
                    c.callText("GET", "foo");
                    if (!c.callText("OBJECT", "IDLETIME", "foo").equals(":0\r\n")) {
                        throw new AssertionError(s.kind() + ": GET did not reset the idle time");
                    }
                }
            }
        }
    }
}
