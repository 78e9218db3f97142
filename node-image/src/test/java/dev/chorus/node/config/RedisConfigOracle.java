package dev.chorus.node.config;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks the real redis-server (the oracle) how it judges a configuration: it is started on the file with
 * {@code --port 0}, so an accepted configuration makes it exit at once ("Configured to not listen anywhere") and a
 * rejected one makes it print its FATAL CONFIG FILE ERROR report. Nothing ever listens.
 */
final class RedisConfigOracle {
    /** How Redis judged a configuration: accepted, or rejected at a line with a reason. */
    record Verdict(boolean accepted, int line, String text, String reason, String output) {
    }

    private static final Pattern FATAL = Pattern.compile(
            "\\*\\*\\* FATAL CONFIG FILE ERROR \\(Redis [^)]*\\) \\*\\*\\*\\n"
                    + "Reading the configuration file, at line (\\d+)\\n>>> '(.*)'\\n(.*)\\n");

    private RedisConfigOracle() {
    }

    static boolean available() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "redis-server"))) {
                return true;
            }
        }
        return false;
    }

    /** Judges a config file's text (written to {@code workDir}, which is also redis-server's working directory). */
    static Verdict judgeText(Path workDir, String configText) {
        try {
            Path file = workDir.resolve("oracle.conf");
            Files.writeString(file, configText, StandardCharsets.UTF_8);
            return judge(workDir, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code redis-server <args> --port 0 --daemonize no} in {@code workDir}. */
    static Verdict judge(Path workDir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("redis-server");
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--port", "0", "--daemonize", "no"));
        try {
            Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("redis-server did not exit: " + cmd);
            }
            String output = new String(out, StandardCharsets.UTF_8);
            Matcher m = FATAL.matcher(output);
            if (m.find()) {
                return new Verdict(false, Integer.parseInt(m.group(1)), m.group(2), m.group(3), output);
            }
            boolean accepted = output.contains("Configured to not listen anywhere");
            return new Verdict(accepted, 0, null, null, output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
