package dev.chorus.node;

import dev.chorus.node.config.Config;
import dev.chorus.node.config.ConfigFileException;
import dev.chorus.node.config.Directives;
import dev.chorus.node.config.ReplicaOf;
import dev.chorus.node.net.NetServer;
import dev.chorus.node.persistence.RdbFormatException;
import dev.chorus.node.persistence.RdbLoadResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * Entry point, started like redis-server: {@code java -jar chorus-node.jar [config-file] [--directive value ...]}.
 * The same config file works for this node and for stock Redis.
 */
public final class ChorusNode {
    private final Server server;
    private final NetServer net;
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** CONFIG_DEFAULT_PID_FILE: where a daemonized Redis writes its pid when no pidfile is configured. */
    static final String DEFAULT_PID_FILE = "/var/run/redis.pid";
    private volatile String pidFile;

    private ChorusNode(Config config) {
        this.server = new Server(config);
        this.net = new NetServer(server);
    }

    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("-v") || args[0].equals("--version"))) {
            System.out.println("Redis server v=" + Server.REDIS_VERSION + " sha=00000000:0 malloc=jvm bits=64 build=chorus");
            return;
        }
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.out.println("Usage: java -jar chorus-node.jar [/path/to/redis.conf] [options]\n"
                    + "Examples:\n  java -jar chorus-node.jar /etc/redis/6379.conf\n"
                    + "  java -jar chorus-node.jar --port 7777\n"
                    + "  java -jar chorus-node.jar --port 7777 --replicaof 127.0.0.1 8888");
            return;
        }
        Path file = null;
        List<String> rest = new ArrayList<>(List.of(args));
        if (!rest.isEmpty() && !rest.get(0).startsWith("-")) {
            file = Path.of(rest.remove(0));
        }
        // As redis-server: "-" as the first or the last argument reads more configuration from stdin.
        String stdin = null;
        if (!rest.isEmpty() && (rest.get(0).equals("-") || rest.get(rest.size() - 1).equals("-"))) {
            rest.remove(rest.get(0).equals("-") ? 0 : rest.size() - 1);
            try {
                stdin = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                System.err.println("Fatal error, can't read config from stdin: " + e.getMessage());
                System.exit(1);
                return;
            }
        }
        Config config;
        try {
            config = Config.load(file, stdin, rest);
        } catch (ConfigFileException e) {
            System.err.print(e.report(Server.REDIS_VERSION));
            System.exit(1);
            return;
        } catch (IOException e) {
            System.err.println("Fatal error, can't open config file: " + e.getMessage());
            System.exit(1);
            return;
        }
        if (config.getBool(Directives.DAEMONIZE) && !Daemon.isDaemon()) {
            System.exit(Daemon.launch(args, config.getString(Directives.LOGFILE), stdin));
            return;
        }
        try {
            new ChorusNode(config).run();
        } catch (Exception e) {
            Log.warning(e.getMessage() == null ? e.toString() : e.getMessage());
            System.exit(1);
        }
    }

    private void run() throws Exception {
        Config config = server.config();
        if (Daemon.isDaemon()) {
            Signal.handle(new Signal("HUP"), sun.misc.SignalHandler.SIG_IGN); // detached: a hang-up is not for us
        }
        Log.configure(config.getString(Directives.LOGFILE), config.getString(Directives.LOGLEVEL));
        long pid = ProcessHandle.current().pid();
        // Redis' first lines, word for word (role 'C' until the server is initialised).
        Log.setRole('C');
        Log.warning("oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
        Log.warning("Redis version=" + Server.REDIS_VERSION + ", bits=64, commit=00000000, modified=0, pid=" + pid
                + ", just started");
        if (config.file() == null) {
            Log.warning("Warning: no config file specified, using the default config. In order to specify a config "
                    + "file use java -jar chorus-node.jar /path/to/redis.conf");
        } else {
            Log.warning("Configuration loaded");
        }
        Log.setRole('M');
        Log.notice("Chorus node: the Redis " + Server.REDIS_VERSION + " protocol and behaviour on the JVM ("
                + System.getProperty("java.vm.name") + " " + Runtime.version() + ")");
        resolveDir(config);
        server.setShutdownAction(save -> shutdown(save, false));
        server.setShutdownNowAction(save -> shutdown(save, true));
        ReplicaOf replicaOf = config.replicaOf();
        if (replicaOf != null) {
            server.keyspace().setReplica(true); // a replica keeps expired keys until its master deletes them
        }
        writePidFile(config); // as Redis: before loading the data, once the configuration is known good
        RdbLoadResult loaded = loadData();
        net.bind();
        // CONFIG SET port / bind listen anew, keeping the old listeners if the new ones cannot be opened.
        config.onApply(Directives.PORT, v -> net.relisten(((Long) v).intValue(),
                config.getList(Directives.BIND)) == null ? null : "Unable to listen on this port. Check server logs.");
        config.onApply(Directives.BIND, v -> net.relisten(config.getInt(Directives.PORT),
                config.getList(Directives.BIND)) == null ? null : "Failed to bind to specified addresses.");
        // oom-score-adj: set for the role now, again when the role or the directives change.
        OomScoreAdj.apply(config, replicaOf != null);
        config.onApply(Directives.OOM_SCORE_ADJ, v -> OomScoreAdj.apply(config, server.isReplica()) ? null
                : "Failed to set current oom_score_adj. Check server logs.");
        config.onApply(Directives.OOM_SCORE_ADJ_VALUES, v -> OomScoreAdj.apply(config, server.isReplica()) ? null
                : "Failed to set current oom_score_adj. Check server logs.");
        boolean[] wasReplica = {replicaOf != null};
        server.addCronHook(() -> {
            if (server.isReplica() != wasReplica[0]) {
                wasReplica[0] = server.isReplica();
                OomScoreAdj.apply(config, wasReplica[0]);
            }
        });
        net.bindUnix();
        // The logo after binding, as Redis (initServer, then redisAsciiArt): tools such as Redis' test harness
        // connect once its PID line shows.
        int port = config.getInt(Directives.PORT);
        if (Logo.shown(config.getBool(Directives.ALWAYS_SHOW_LOGO), config.getString(Directives.LOGFILE),
                config.getBool(Directives.SYSLOG_ENABLED))) {
            Log.raw(Log.Level.NOTICE, Logo.render(Server.REDIS_VERSION, port, pid));
        } else {
            Log.notice("Running mode=standalone, port=" + port + ".");
        }
        server.start(net.loop().next());
        Log.warning("Server initialized");
        dev.chorus.node.net.MemoryReturn.start(server);
        String savedId = loaded == null ? null : loaded.replId();
        long savedOffset = loaded == null ? -1 : loaded.replOffset();
        server.loop().execute(() -> {
            if (replicaOf != null) {
                server.replication().startAsReplica(replicaOf.host(), replicaOf.port(), savedId, savedOffset);
            } else {
                server.replication().restoreHistory(savedId, savedOffset);
            }
        });
        installSignalHandlers();
        Log.notice("Ready to accept connections");
        Daemon.reportReady();
    }

    /** Loads dir/dbfilename if present; a corrupt file stops start-up, as Redis refuses to serve half a dataset. */
    private RdbLoadResult loadData() throws IOException {
        long start = System.currentTimeMillis();
        try {
            RdbLoadResult loaded = server.persistence().loadAtStartup();
            if (loaded != null) {
                Log.notice("DB loaded from disk: " + (System.currentTimeMillis() - start) / 1000.0 + " seconds");
            }
            return loaded;
        } catch (RdbFormatException e) {
            Log.warning("Fatal error loading the DB: " + e.getMessage() + ". Exiting.");
            throw e;
        }
    }

    /** `dir` works like Redis' chdir: relative file names (dbfilename) resolve against it. */
    private static void resolveDir(Config config) throws IOException {
        String dir = config.getString(Directives.DIR);
        Path path = dir.isEmpty() ? Path.of("").toAbsolutePath() : Path.of(dir).toAbsolutePath();
        if (!Files.isDirectory(path)) {
            throw new IOException("Can't chdir to '" + dir + "': No such file or directory");
        }
        config.setParsed(Directives.DIR, path.toString());
    }

    /** Redis' createPidFile: written when pidfile is set, or when daemonized (then /var/run/redis.pid by default). */
    private void writePidFile(Config config) {
        String pidfile = config.getString(Directives.PIDFILE);
        if (pidfile.isEmpty() && config.getBool(Directives.DAEMONIZE)) {
            pidfile = DEFAULT_PID_FILE;
        }
        if (pidfile.isEmpty()) {
            return;
        }
        this.pidFile = pidfile;
        try {
            Files.writeString(Path.of(pidfile), ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            Log.warning("Failed to write PID file: " + strerror(e));
        }
    }

    private static String strerror(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        }
        return e.getMessage();
    }

    private void installSignalHandlers() {
        for (String sig : List.of("TERM", "INT")) {
            Signal.handle(new Signal(sig), s -> {
                Log.warning("Received SIG" + sig + " scheduling shutdown...");
                // shutdown-on-sigterm / shutdown-on-sigint: "save" forces a save, "nosave" skips it, "default" saves
                // when save points are configured; "now" skips waiting for lagging replicas. ("force" changes
                // nothing: the node exits even when the final save fails.)
                String flags = server.config().getString(sig.equals("TERM") ? Directives.SHUTDOWN_ON_SIGTERM
                        : Directives.SHUTDOWN_ON_SIGINT);
                List<String> words = List.of(flags.split(" "));
                Boolean save = words.contains("save") ? Boolean.TRUE : words.contains("nosave") ? Boolean.FALSE : null;
                boolean now = words.contains("now");
                server.loop().execute(() -> shutdown(save, now));
            });
        }
    }

    /**
     * Redis' prepareForShutdown: unless {@code now}, a master first gives lagging replicas up to shutdown-timeout
     * seconds to catch up (writes paused, REPLCONF GETACK sent), then finishShutdown.
     */
    private void shutdown(Boolean save, boolean now) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        Log.warning("User requested shutdown...");
        long timeout = server.config().getLong(Directives.SHUTDOWN_TIMEOUT);
        if (!now && timeout > 0 && !server.isReplica() && !laggingReplicas().isEmpty()) {
            Log.notice("Waiting for replicas before shutting down.");
            long deadline = System.currentTimeMillis() + timeout * 1000;
            server.clientPause().pause(deadline + 1000, dev.chorus.node.command.shared.ClientPause.Mode.WRITE);
            server.replication().requestAcks();
            awaitReplicas(save, deadline, 1);
            return;
        }
        finishShutdown(save);
    }

    private List<dev.chorus.node.replication.master.ReplicaHandle> laggingReplicas() {
        long offset = server.replication().offset();
        return server.replication().replicas().stream()
                .filter(h -> h.state() == dev.chorus.node.replication.master.ReplicaHandle.State.ONLINE
                        && h.ackOffset() < offset)
                .toList();
    }

    /**
     * Checks every 10 ms whether the replicas caught up. A GETACK is itself part of the stream (it moves the
     * offset), so a new one goes out only every 250 ms, leaving time for the answer to the last one.
     */
    private void awaitReplicas(Boolean save, long deadline, int round) {
        server.loop().schedule(() -> {
            if (laggingReplicas().isEmpty() || System.currentTimeMillis() >= deadline) {
                finishShutdown(save);
                return;
            }
            if (round % 25 == 0) {
                server.replication().requestAcks();
            }
            awaitReplicas(save, deadline, round + 1);
        }, 10, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void finishShutdown(Boolean save) {
        long offset = server.replication().offset();
        for (var h : laggingReplicas()) {
            Log.warning("Lagging replica " + h.ip() + ":" + h.listeningPort() + " reported offset "
                    + (offset - h.ackOffset()) + " behind master, lag="
                    + (System.currentTimeMillis() - h.lastAckMillis()) / 1000 + ", state=online.");
        }
        boolean doSave = save != null ? save : !server.config().savePoints().isEmpty();
        if (doSave) {
            server.saveForShutdown();
        }
        String pidfile = pidFile;
        if (pidfile != null) {
            Log.notice("Removing the pid file.");
            try {
                Files.deleteIfExists(Path.of(pidfile));
            } catch (IOException e) {
                Log.warning("Failed to remove PID file: " + e.getMessage());
            }
        }
        net.removeUnixSocket();
        Log.warning("Redis is now ready to exit, bye bye...");
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
