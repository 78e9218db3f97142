package dev.chorus.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * unit/multi "EXEC with at least one use-memory command should fail", "EXEC with only read commands should not be
 * rejected when OOM", "exec with write commands and state change": EXEC is judged by the commands it queued, and a
 * server state that now refuses them aborts the transaction. Replies compared with Redis byte for byte.
 */
class ExecAbortIT {
    @Test
    void execIsRefusedForWhatItQueued() {
        try (ServerProcess redis = ServerProcess.redis(); ServerProcess node = ServerProcess.node()) {
            assertThat(script(node)).isEqualTo(script(redis));
        }
    }

    private static List<String> script(ServerProcess s) {
        List<String> replies = new ArrayList<>();
        try (RawConnection c = s.connect(); RawConnection other = s.connect()) {
            replies.add(c.callText("SET", "x", "value"));
            // Writes queued, then the server runs out of memory: EXECABORT ... OOM, nothing executed.
            replies.add(c.callText("MULTI"));
            replies.add(c.callText("SET", "x", "1"));
            replies.add(c.callText("GET", "x"));
            replies.add(other.callText("CONFIG", "SET", "maxmemory", "1"));
            replies.add(c.callText("EXEC"));
            // Reads only: still executed.
            replies.add(c.callText("MULTI"));
            replies.add(c.callText("GET", "x"));
            replies.add(c.callText("PING"));
            replies.add(c.callText("EXEC"));
            replies.add(other.callText("CONFIG", "SET", "maxmemory", "0"));
            replies.add(c.callText("GET", "x"));
            // Writes queued, then min-replicas-to-write cannot be met: EXECABORT ... NOREPLICAS.
            replies.add(c.callText("MULTI"));
            replies.add(c.callText("INCR", "n"));
            replies.add(other.callText("CONFIG", "SET", "min-replicas-to-write", "2"));
            replies.add(c.callText("EXEC"));
            replies.add(other.callText("CONFIG", "SET", "min-replicas-to-write", "0"));
            replies.add(c.callText("EXISTS", "n"));
            // The transaction is gone: EXEC without MULTI.
            replies.add(c.callText("EXEC"));
        }
        return replies;
    }
}
