package dev.chorus.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node refuses to start on a bad configuration the way redis-server does: exit status 1 and Redis' fatal report
 * (which the node extends with the offending file's path). Each case also runs the real redis-server on the same input.
 */
class ConfigFatalErrorIT {
    @TempDir
    Path dir;

    /** Exit status and combined output of a process that must end by itself. */
    private record Outcome(int exitCode, String output) {
    }

    @Test
    void badLineInConfigFile() throws Exception {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "# comment\n\nport abc\n");
        Outcome node = runNode(conf.toString());
        Outcome redis = runRedis(conf.toString());

        String report = "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n"
                + "Reading the configuration file " + conf + ", at line 3\n"
                + ">>> 'port abc'\n"
                + "argument couldn't be parsed into an integer\n";
        assertThat(node.exitCode()).isEqualTo(1);
        assertThat(node.output()).isEqualTo(report);
        assertThat(redis.exitCode()).isEqualTo(1);
        assertThat(redis.output()).isEqualTo(report.replace(" " + conf, ""));
    }

    @Test
    void badCommandLineArgument() throws Exception {
        Outcome node = runNode("--maxmemory", "10xb");
        Outcome redis = runRedis("--maxmemory", "10xb");
        assertThat(node.exitCode()).isEqualTo(1);
        assertThat(redis.exitCode()).isEqualTo(1);
        for (Outcome o : List.of(node, redis)) {
            assertThat(o.output()).contains("*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***",
                    ">>> 'maxmemory \"10xb\"'\nargument must be a memory value\n");
        }
    }

    @Test
    void missingConfigFile() throws Exception {
        Path missing = dir.resolve("missing.conf");
        String message = "Fatal error, can't open config file '" + missing + "': No such file or directory";
        Outcome node = runNode(missing.toString());
        Outcome redis = runRedis(missing.toString());
        assertThat(node.exitCode()).isEqualTo(1);
        assertThat(node.output()).contains(message).doesNotContain("FATAL CONFIG FILE ERROR");
        assertThat(redis.exitCode()).isEqualTo(1);
        assertThat(redis.output()).contains(message);
    }

    private Outcome runNode(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-jar", ServerProcess.nodeJar()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private Outcome runRedis(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-server"));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private Outcome run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not exit: " + cmd);
        }
        return new Outcome(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
