package dev.chorus.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * unit/dump "RESTORE can set LRU" / "RESTORE can set LFU" and unit/maxmemory "With maxmemory and LRU policy integers
 * are not shared", on the node and on Redis.
 */
class RestoreAccessIT {
    @Test
    void restoreSetsIdleTimeOrFrequencyAndRefcountFollowsThePolicy() {
        try (ServerProcess redis = ServerProcess.redis(); ServerProcess node = ServerProcess.node()) {
            for (ServerProcess s : new ServerProcess[] {redis, node}) {
                try (RawConnection c = s.connect()) {
                    c.callText("SET", "foo", "bar");
                    byte[] payload = bulk(c.call("DUMP", "foo"));
                    c.callText("DEL", "foo");
                    c.callText("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
                    c.call(List.of("RESTORE".getBytes(), "foo".getBytes(), "0".getBytes(), payload,
                            "IDLETIME".getBytes(), "1000".getBytes()));
                    long idle = Long.parseLong(c.callText("OBJECT", "IDLETIME", "foo").substring(1).trim());
                    assertThat(idle).as(s.kind() + " idle time").isBetween(1000L, 1010L);
                    c.callText("DEL", "foo");
                    c.callText("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
                    c.call(List.of("RESTORE".getBytes(), "foo".getBytes(), "0".getBytes(), payload,
                            "FREQ".getBytes(), "100".getBytes()));
                    assertThat(c.callText("OBJECT", "FREQ", "foo")).as(s.kind() + " freq").isEqualTo(":100\r\n");

                    c.callText("CONFIG", "SET", "maxmemory", "1073741824");
                    c.callText("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
                    c.callText("SET", "a", "1");
                    assertThat(c.callText("OBJECT", "REFCOUNT", "a")).as(s.kind() + " refcount").isEqualTo(":1\r\n");
                    c.callText("CONFIG", "SET", "maxmemory-policy", "noeviction");
                    c.callText("SET", "b", "1");
                    assertThat(c.callText("OBJECT", "REFCOUNT", "b")).as(s.kind() + " shared refcount")
                            .isEqualTo(":2147483647\r\n");
                    c.callText("CONFIG", "SET", "maxmemory", "0");
                }
            }
        }
    }

    /** The contents of a "$N\r\n...\r\n" reply. */
    private static byte[] bulk(byte[] reply) {
        int crlf = 0;
        while (reply[crlf] != '\r') {
            crlf++;
        }
        int len = Integer.parseInt(new String(reply, 1, crlf - 1));
        return Arrays.copyOfRange(reply, crlf + 2, crlf + 2 + len);
    }
}
