package dev.chorus.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.OraclePair;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MEMORY STATS has Redis 7.0.15's shape: the same field names in the same order with the same reply types (values
 * are each server's own), one db.N entry per non-empty database, in RESP2 and RESP3.
 */
class MemoryStatsIT {
    @RegisterExtension
    static final OraclePair servers = new OraclePair();

    @Test
    void memoryStatsHasRedisFieldsOrderAndTypes() {
        Function<ServerProcess, List<String>> shape = server -> {
            List<String> out = new ArrayList<>();
            try (RawConnection c = server.connect()) {
                c.call("FLUSHALL");
                out.add(skeleton(c.call("MEMORY", "STATS")));
                c.call("SET", "a", "1");
                c.call("SELECT", "2");
                c.call("SET", "b", "2", "EX", "100");
                c.call("SELECT", "0");
                out.add(skeleton(c.call("MEMORY", "STATS")));
                c.call("HELLO", "3");
                out.add(skeleton(c.call("MEMORY", "STATS")));
                c.call("FLUSHALL");
            }
            return out;
        };
        assertThat(shape.apply(servers.node())).isEqualTo(shape.apply(servers.redis()));
    }

    /** The reply with every integer and double value blanked: names, nesting and types remain. */
    private static String skeleton(byte[] reply) {
        StringBuilder sb = new StringBuilder();
        String[] lines = new String(reply, StandardCharsets.ISO_8859_1).split("\r\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            char t = l.charAt(0);
            if (t == ':' || t == ',') {
                sb.append(t).append(' ');
            } else if (t == '$') {
                String next = lines[++i];
                // RESP2 doubles are bulk strings of digits: blank those too
                sb.append(next.matches("-?[0-9.e+-]+|nan|-?inf") ? "$num" : "$" + next).append(' ');
            } else {
                sb.append(l).append(' ');
            }
        }
        return sb.toString();
    }
}
