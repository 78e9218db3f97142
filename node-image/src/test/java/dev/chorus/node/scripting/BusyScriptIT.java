package dev.chorus.node.scripting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import dev.chorus.node.testing.ServerProcess.Kind;
import dev.chorus.node.testing.ServerProcesses;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Busy scripts, the node and Redis side by side: past busy-reply-threshold other clients get -BUSY, SCRIPT KILL stops
 * a script that has not written (even one that pcalls), -UNKILLABLE once it wrote, and then only SHUTDOWN NOSAVE works.
 */
class BusyScriptIT {
    private static final String LOOP = "local i = 0 while true do i = i + 1 pcall(function() end) end";
    private static final String BUSY =
            "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses("--busy-reply-threshold", "100");

    private static void awaitBusy(RawConnection other) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> other.callText("PING").equals(BUSY));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void scriptKillStopsAReadOnlyScript(Kind kind) {
        ServerProcess s = servers.start(kind);
        try (RawConnection caller = s.connect(); RawConnection other = s.connect()) {
            caller.send(RawConnection.encode("EVAL", LOOP, "0"));
            caller.send(RawConnection.encode("PING"));
            awaitBusy(other);
            assertThat(other.callText("GET", "x")).isEqualTo(BUSY);
            assertThat(other.callText("SHUTDOWN")).isEqualTo(BUSY);
            assertThat(other.callText("SCRIPT", "KILL")).isEqualTo("+OK\r\n");
            String sha = ScriptingEngine.sha1hex(LOOP.getBytes(StandardCharsets.UTF_8));
            assertThat(new String(caller.read(), StandardCharsets.UTF_8)).isEqualTo(
                    "-ERR Script killed by user with SCRIPT KILL... script: " + sha + ", on @user_script:1.\r\n");
            assertThat(new String(caller.read(), StandardCharsets.UTF_8)).isEqualTo("+PONG\r\n");
            assertThat(other.callText("PING")).isEqualTo("+PONG\r\n");
            assertThat(other.callText("SCRIPT", "KILL")).isEqualTo("-NOTBUSY No scripts in execution right now.\r\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aScriptThatWroteIsStoppedOnlyByShutdownNosave(Kind kind) {
        ServerProcess s = servers.start(kind);
        try (RawConnection caller = s.connect(); RawConnection other = s.connect()) {
            caller.send(RawConnection.encode("EVAL", "redis.call('set', 'x', '1') " + LOOP, "0"));
            awaitBusy(other);
            assertThat(other.callText("SCRIPT", "KILL")).isEqualTo("-UNKILLABLE Sorry the script already executed "
                    + "write commands against the dataset. You can either wait the script termination or kill the "
                    + "server in a hard way using the SHUTDOWN NOSAVE command.\r\n");
            other.send(RawConnection.encode("SHUTDOWN", "NOSAVE"));
            await().atMost(Duration.ofSeconds(20)).until(() -> !s.process().isAlive());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aSlowScriptThatEndsRepliesAndItsPipelineGoesOn(Kind kind) {
        ServerProcess s = servers.start(kind);
        try (RawConnection caller = s.connect(); RawConnection other = s.connect()) {
            String slow = "local i = 0 while i < 2000000 do i = i + 1 pcall(function() end) end return 'done'";
            caller.send(RawConnection.encode("EVAL", slow, "0"));
            caller.send(RawConnection.encode("PING"));
            assertThat(new String(caller.read(), StandardCharsets.UTF_8)).isEqualTo("$4\r\ndone\r\n");
            assertThat(new String(caller.read(), StandardCharsets.UTF_8)).isEqualTo("+PONG\r\n");
            assertThat(other.callText("PING")).isEqualTo("+PONG\r\n");
        }
    }
}
