package dev.chorus.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.FreePorts;
import dev.chorus.node.testing.Info;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed recipe: the node runs on Debian's own /etc/redis/redis.conf (daemonize yes, pidfile, logfile and all) as
 * redis-server would, and three nodes started from copies of it form a master and two replicas. Daemonized nodes are
 * stopped by the PID in their pidfile. {@code -Dchorus.debian.conf=<file>} points the test at another copy.
 */
class DebianConfigIT {
    private static final Path DEBIAN_CONF = Path.of(System.getProperty("chorus.debian.conf",
            "/etc/redis/redis.conf"));

    @TempDir
    Path dir;

    /** Pidfiles of daemons this test started: each is stopped by that PID at the end. */
    private final List<Path> pidfiles = new ArrayList<>();
    /** Files the test made outside its temp dir, removed at the end. */
    private final List<Path> created = new ArrayList<>();

    @BeforeEach
    void debianConfigPresent() {
        assumeThat(Files.isReadable(DEBIAN_CONF)).as(DEBIAN_CONF + " (Debian's redis-server package)").isTrue();
    }

    @AfterEach
    void stopDaemons() throws IOException {
        for (Path pidfile : pidfiles) {
            Optional<ProcessHandle> p = daemon(pidfile);
            p.ifPresent(ProcessHandle::destroy); // SIGTERM to the PID from the pidfile
            p.ifPresent(h -> await("daemon " + h.pid() + " exits").atMost(Duration.ofSeconds(30))
                    .until(() -> !h.isAlive()));
            p.ifPresent(h -> assertThat(pidfile).as("the daemon removes its pidfile").doesNotExist());
        }
        for (Path p : created) {
            Files.deleteIfExists(p);
        }
    }

    @Test
    void startsOnDebiansOwnFileWithOnlyPortAndDirChanged() throws Exception {
        String text = Files.readString(DEBIAN_CONF);
        Path pidfile = Path.of(directive(text, "pidfile"));
        Path logfile = Path.of(directive(text, "logfile"));
        assumeThat(daemon(pidfile)).as("nothing running with pidfile " + pidfile).isEmpty();
        if (!Files.isDirectory(pidfile.getParent())) {
            // systemd's RuntimeDirectory=redis makes it for the packaged service; make it as the service would.
            Files.createDirectories(pidfile.getParent());
            created.add(pidfile.getParent());
        }
        assumeThat(Files.isWritable(pidfile.getParent()) && Files.isWritable(logfile.getParent()))
                .as("pidfile and logfile directories writable").isTrue();
        int port = FreePorts.next();
        pidfiles.add(pidfile);
        startDaemon(DEBIAN_CONF, "--port", Integer.toString(port), "--dir", dir.toString());

        long pid = Long.parseLong(Files.readString(pidfile).strip());
        try (RawConnection c = new RawConnection(port)) {
            assertThat(c.callText("PING")).isEqualTo("+PONG\r\n");
            assertThat(ConfigNamesIT.pairs(c.call("CONFIG", "GET", "daemonize"))).containsEntry("daemonize", "yes");
            assertThat(Info.of(c, "server")).containsEntry("process_id", Long.toString(pid))
                    .containsEntry("tcp_port", Integer.toString(port));
        }
        assertThat(Files.readString(logfile)).contains(pid + ":M ").contains("Ready to accept connections");
    }

    @Test
    void threeNodesFromCopiesFormAMasterAndTwoReplicas() throws Exception {
        String text = Files.readString(DEBIAN_CONF);
        Path dataDir = Path.of(directive(text, "dir"));
        assumeThat(Files.isWritable(dataDir)).as(dataDir + " writable").isTrue();
        int[] ports = {FreePorts.next(), FreePorts.next(), FreePorts.next()};
        for (int port : ports) {
            Path pidfile = dir.resolve("node-" + port + ".pid");
            String dbfilename = "chorus-debian-it-" + port + ".rdb";
            created.add(dataDir.resolve(dbfilename));
            String copy = replace(text, "port", Integer.toString(port));
            copy = replace(copy, "pidfile", pidfile.toString());
            copy = replace(copy, "dbfilename", dbfilename);
            copy = replace(copy, "logfile", dir.resolve("node-" + port + ".log").toString());
            Path file = dir.resolve("redis-" + port + ".conf");
            Files.writeString(file, copy);
            pidfiles.add(pidfile);
            startDaemon(file);
        }
        for (int i = 1; i < 3; i++) {
            try (RawConnection c = new RawConnection(ports[i])) {
                assertThat(c.callText("SLAVEOF", "127.0.0.1", Integer.toString(ports[0]))).isEqualTo("+OK\r\n");
            }
        }
        // Debian's file keeps repl-diskless-sync-delay 5: the full sync starts after five seconds.
        await("master sees two replicas").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> info(ports[0]).get("connected_slaves"), "2"::equals);
        for (int i = 1; i < 3; i++) {
            int port = ports[i];
            await("replica " + port + " link up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> info(port).get("master_link_status"), "up"::equals);
            assertThat(info(port)).containsEntry("role", "slave")
                    .containsEntry("master_port", Integer.toString(ports[0]));
        }
        try (RawConnection c = new RawConnection(ports[0])) {
            c.call("SET", "seed", "recipe");
        }
        for (int i = 1; i < 3; i++) {
            int port = ports[i];
            await("write reaches replica " + port).atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        try (RawConnection c = new RawConnection(port)) {
                            return c.callText("GET", "seed");
                        }
                    }, "$6\r\nrecipe\r\n"::equals);
        }
    }

    private static java.util.Map<String, String> info(int port) {
        try (RawConnection c = new RawConnection(port)) {
            return Info.of(c, "replication");
        }
    }

    /** Runs the node as redis-server is run; with daemonize yes the command returns once the daemon is up. */
    private void startDaemon(Path conf, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-jar", ServerProcess.nodeJar(), conf.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the starting process returns").isTrue();
        assertThat(p.exitValue()).as("exit status; output: %s", new String(out, StandardCharsets.UTF_8)).isZero();
    }

    private static Optional<ProcessHandle> daemon(Path pidfile) {
        try {
            return ProcessHandle.of(Long.parseLong(Files.readString(pidfile).strip())).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The value of a directive's (last) line in a config text. */
    private static String directive(String text, String name) {
        String value = null;
        for (String line : text.split("\n")) {
            String[] words = line.strip().split("\\s+", 2);
            if (words.length == 2 && words[0].equalsIgnoreCase(name)) {
                value = words[1].replace("\"", "");
            }
        }
        assertThat(value).as(name + " in " + DEBIAN_CONF).isNotNull();
        return value;
    }

    /** The text with every line of the directive replaced (the file is otherwise left as Debian ships it). */
    private static String replace(String text, String name, String value) {
        String out = text.replaceAll("(?m)^" + name + " .*$", java.util.regex.Matcher.quoteReplacement(name + " "
                + value));
        assertThat(out).as(name + " replaced").isNotEqualTo(text);
        return out;
    }
}
