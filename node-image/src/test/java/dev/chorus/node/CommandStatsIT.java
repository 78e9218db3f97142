package dev.chorus.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * unit/info "errorstats: rejected call within MULTI/EXEC" / "... due to wrong arity": a known command refused before it
 * runs counts in INFO commandstats' rejected_calls (a failed one in failed_calls), on the node as on Redis.
 */
class CommandStatsIT {
    @Test
    void rejectedAndFailedCallsAsRedisCountsThem() {
        try (ServerProcess redis = ServerProcess.redis(); ServerProcess node = ServerProcess.node()) {
            assertThat(commandStats(node)).isEqualTo(commandStats(redis)).contains("cmdstat_set:calls=1,rejected_calls=2,failed_calls=0");
        }
    }

    /** The commandstats after a scripted sequence, without the timings. */
    private static String commandStats(ServerProcess s) {
        try (RawConnection c = s.connect()) {
            c.callText("CONFIG", "RESETSTAT");
            c.callText("MULTI");
            c.callText("SET");
            c.callText("EXEC");
            c.callText("SET", "k");
            c.callText("GET");
            c.callText("INCR", "k", "x");
            c.callText("SET", "k", "v");
            c.callText("INCR", "k");
            String info = c.callText("INFO", "commandstats");
            return Arrays.stream(info.split("\r\n"))
                    .filter(l -> l.startsWith("cmdstat_"))
                    .filter(l -> !l.startsWith("cmdstat_config") && !l.startsWith("cmdstat_info"))
                    .map(l -> l.replaceAll(",usec=\\d+,usec_per_call=[0-9.]+", ""))
                    .sorted()
                    .collect(Collectors.joining("\n"));
        }
    }
}
