package dev.chorus.node;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code daemonize yes}: a JVM cannot fork, so the node starts itself again — same JVM options, class path and
 * arguments — detached from the terminal (its own session through setsid(1) when present, stdin from /dev/null,
 * stdout and stderr to the logfile or /dev/null), and the starting process exits 0 once the daemon is up, or 1 if the
 * daemon died first. As with Redis, the daemon writes a pidfile (/var/run/redis.pid unless pidfile names one).
 */
final class Daemon {
    /** Set in the daemon's environment: the file it writes its pid to once it accepts connections. */
    static final String READY_ENV = "CHORUS_DAEMON_READY";

    private Daemon() {
    }

    /** True in the re-launched daemon process. */
    static boolean isDaemon() {
        return System.getenv(READY_ENV) != null;
    }

    /** The daemon reports it accepts connections (the starting process then exits 0). */
    static void reportReady() {
        String ready = System.getenv(READY_ENV);
        if (ready == null) {
            return;
        }
        try {
            Path tmp = Path.of(ready + ".tmp");
            Files.writeString(tmp, Long.toString(ProcessHandle.current().pid()));
            Files.move(tmp, Path.of(ready), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Log.warning("Could not report readiness to the starting process: " + e.getMessage());
        }
    }

    /** Starts the daemon and waits for it; returns the exit status for the starting process. */
    static int launch(String[] args, String logfile, String stdinConfig) {
        try {
            Path ready = Files.createTempFile("chorus-daemon-", ".ready");
            Files.delete(ready);
            List<String> cmd = new ArrayList<>();
            if (new File("/usr/bin/setsid").canExecute()) {
                cmd.add("/usr/bin/setsid");
                cmd.add("-w"); // a new session: no controlling terminal, no SIGHUP when it closes
            }
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String opt : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (!opt.startsWith("-agentlib:jdwp") && !opt.startsWith("-javaagent:")) {
                    cmd.add(opt);
                }
            }
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(ChorusNode.class.getName());
            cmd.addAll(List.of(args));
            // stdin from /dev/null, or, when the configuration came from stdin ("-"), that text and then EOF
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(stdinConfig == null
                    ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.PIPE);
            if (logfile.isEmpty()) {
                pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
            } else {
                pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new File(logfile)))
                        .redirectErrorStream(true);
            }
            pb.environment().put(READY_ENV, ready.toString());
            Process p = pb.start();
            if (stdinConfig != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdinConfig.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            while (true) {
                if (Files.exists(ready)) {
                    Files.deleteIfExists(ready);
                    return 0;
                }
                if (p.waitFor(20, TimeUnit.MILLISECONDS)) {
                    if (Files.exists(ready)) { // it came up and already went (SHUTDOWN straight away)
                        Files.deleteIfExists(ready);
                        return 0;
                    }
                    System.err.println("The daemonized node exited with status " + p.exitValue()
                            + (logfile.isEmpty() ? "" : "; see " + logfile));
                    return 1;
                }
            }
        } catch (IOException e) {
            System.err.println("Could not start the daemonized node: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
