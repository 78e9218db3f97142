package dev.chorus.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.ServerProcess;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Redis' start-up logo (redisAsciiArt): with always-show-logo yes the log holds the ASCII logo with the port and the
 * pid (Redis' own test harness waits for " PID: <pid>" before it talks to a server it started); without it, one
 * "Running mode=standalone, port=N." line. The node's logo must be Redis', byte for byte, but for port and pid.
 */
class StartupLogoIT {
    @Test
    void alwaysShowLogoPrintsRedisLogoWithPortAndPid() {
        try (ServerProcess redis = ServerProcess.redis("--always-show-logo", "yes");
             ServerProcess node = ServerProcess.node("--always-show-logo", "yes")) {
            String redisLogo = logo(redis);
            String nodeLogo = logo(node);
            assertThat(nodeLogo).contains(" PID: " + node.pid() + "\n", " Port: " + node.port() + "\n");
            assertThat(redisLogo).contains(" PID: " + redis.pid() + "\n", " Port: " + redis.port() + "\n");
            assertThat(normalize(nodeLogo, node)).isEqualTo(normalize(redisLogo, redis));
        }
    }

    @Test
    void withoutLogoOneRunningModeLine() {
        try (ServerProcess redis = ServerProcess.redis();
             ServerProcess node = ServerProcess.node()) {
            for (ServerProcess s : new ServerProcess[] {redis, node}) {
                assertThat(s.log()).contains(" * Running mode=standalone, port=" + s.port() + ".\n")
                        .doesNotContain(" PID: ");
            }
        }
    }

    /** The lines of the log that are not "pid:role date level message" lines. */
    private static String logo(ServerProcess s) {
        return Arrays.stream(s.log().split("\n", -1))
                .filter(l -> !l.matches("^\\d+:[A-Z] .*"))
                .collect(Collectors.joining("\n"));
    }

    private static String normalize(String logo, ServerProcess s) {
        return logo.replace("Port: " + s.port(), "Port: PORT").replace("PID: " + s.pid(), "PID: PID");
    }
}
