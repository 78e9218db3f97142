package dev.chorus.node.testing;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real server process on a loopback port: Debian's redis-server (the oracle) or the node's jar, started with the
 * same redis.conf-style arguments, stopped by PID. Each gets its own temp dir (removed on close) for dump.rdb and logs.
 */
public final class ServerProcess implements AutoCloseable {
    public enum Kind { REDIS, NODE }

    private final Kind kind;
    private final int port;
    private final Path dir;
    private final Process process;

    private ServerProcess(Kind kind, int port, Path dir, Process process) {
        this.kind = kind;
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    public static ServerProcess redis(String... directives) {
        return start(Kind.REDIS, FreePorts.next(), null, directives);
    }

    public static ServerProcess node(String... directives) {
        return start(Kind.NODE, FreePorts.next(), null, directives);
    }

    /** A node started with these JVM flags instead of the tests' usual ones (e.g. the image's, with a small -Xmx). */
    public static ServerProcess nodeWithJvm(List<String> jvmFlags, String... directives) {
        return start(Kind.NODE, FreePorts.next(), null, jvmFlags, directives);
    }

    /** Starts a server on a given port and dir (restarts keep both), with extra `--name value` directives. */
    public static ServerProcess start(Kind kind, int port, Path dir, String... directives) {
        return start(kind, port, dir, List.of("-XX:+UseSerialGC", "-Xss512k"), directives);
    }

    private static ServerProcess start(Kind kind, int port, Path dir, List<String> jvmFlags, String... directives) {
        try {
            Path workDir = dir != null ? dir : Files.createTempDirectory("chorus-" + kind.name().toLowerCase() + "-");
            List<String> cmd = new ArrayList<>();
            if (kind == Kind.REDIS) {
                cmd.add("redis-server");
            } else {
                cmd.add(javaBin());
                cmd.addAll(jvmFlags);
                cmd.addAll(List.of("-jar", nodeJar()));
            }
            cmd.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", workDir.toString(),
                    "--save", "", "--logfile", workDir.resolve("server.log").toString()));
            cmd.addAll(List.of(directives));
            Process p = new ProcessBuilder(cmd).directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("stdout.log").toFile())
                    .start();
            ServerProcess sp = new ServerProcess(kind, port, workDir, p);
            sp.awaitReady();
            return sp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The java launcher of the JVM running the tests. */
    public static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The built jar: set by failsafe (chorus.node.jar), or found in target/ when run from an IDE. */
    public static String nodeJar() {
        String jar = System.getProperty("chorus.node.jar");
        if (jar != null && new File(jar).isFile()) {
            return jar;
        }
        for (String candidate : List.of("target/chorus-node.jar", "node-image/target/chorus-node.jar")) {
            if (new File(candidate).isFile()) {
                return new File(candidate).getAbsolutePath();
            }
        }
        throw new IllegalStateException("chorus-node.jar not built: run mvn package first");
    }

    private void awaitReady() {
        await("server " + kind + " on port " + port + " answering PING")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(kind + " exited with " + process.exitValue() + ": " + log());
                    }
                    try (RawConnection c = new RawConnection(port)) {
                        String reply = c.callText("PING");
                        // With requirepass the server is up when it refuses us.
                        return reply.equals("+PONG\r\n") || reply.startsWith("-NOAUTH ");
                    } catch (RuntimeException e) {
                        return false;
                    }
                });
    }

    public Kind kind() {
        return kind;
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    public RawConnection connect() {
        return new RawConnection(port);
    }

    /** The server's log file (and anything it printed before opening it). */
    public String log() {
        StringBuilder sb = new StringBuilder();
        for (String f : List.of("stdout.log", "server.log")) {
            try {
                Path p = dir.resolve(f);
                if (Files.exists(p)) {
                    sb.append(Files.readString(p));
                }
            } catch (IOException e) {
                sb.append("(unreadable ").append(f).append(")");
            }
        }
        return sb.toString();
    }

    /** SIGTERM, then wait for exit (SIGKILL after 10 s); the directory is kept (for restarts). */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL: a crash, no chance to save. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        deleteDir();
    }

    public void deleteDir() {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: the temp dir is ours alone
        }
    }
}
