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
        if (!rest.isEmpty() && !rest.get(0).startsWith("--")) {
            file = Path.of(rest.remove(0));
        }
        Config config;
        try {
            config = Config.load(file, rest);
        } catch (ConfigFileException e) {
            System.err.print(e.report(Server.REDIS_VERSION));
            System.exit(1);
            return;
        } catch (IOException e) {
            System.err.println("Fatal error, can't open config file: " + e.getMessage());
            System.exit(1);
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
        Log.configure(config.getString(Directives.LOGFILE), config.getString(Directives.LOGLEVEL));
        Log.notice("oO0OoO0OoO0Oo Chorus node (Redis " + Server.REDIS_VERSION + " compatible) is starting oO0OoO0OoO0Oo");
        Log.notice("Redis version=" + Server.REDIS_VERSION + ", bits=64, pid=" + ProcessHandle.current().pid()
                + ", just started");
        if (config.file() == null) {
            Log.warning("Warning: no config file specified, using the default config. In order to specify a config "
                    + "file use java -jar chorus-node.jar /path/to/redis.conf");
        } else {
            Log.notice("Configuration loaded");
        }
        resolveDir(config);
        server.setShutdownAction(this::shutdown);
        ReplicaOf replicaOf = config.replicaOf();
        if (replicaOf != null) {
            server.keyspace().setReplica(true); // a replica keeps expired keys until its master deletes them
        }
        RdbLoadResult loaded = loadData();
        net.bind();
        asciiArt(config); // after binding, as Redis (initServer, then the logo): a client may connect once it shows
        server.start(net.loop().next());
        Log.notice("Server initialized");
        String savedId = loaded == null ? null : loaded.replId();
        long savedOffset = loaded == null ? -1 : loaded.replOffset();
        server.loop().execute(() -> {
            if (replicaOf != null) {
                server.replication().startAsReplica(replicaOf.host(), replicaOf.port(), savedId, savedOffset);
            } else {
                server.replication().restoreHistory(savedId, savedOffset);
            }
        });
        writePidFile(config);
        installSignalHandlers();
        Log.notice("Ready to accept connections tcp");
    }

    /**
     * Redis' redisAsciiArt: the logo (with the port and the pid, which tools such as Redis' test harness wait for)
     * when always-show-logo is set or the log goes to a terminal, otherwise one "Running mode" line.
     */
    private static void asciiArt(Config config) {
        int port = config.getInt(Directives.PORT);
        boolean toTerminal = config.getString(Directives.LOGFILE).isEmpty() && System.console() != null;
        if (!config.getBool(Directives.ALWAYS_SHOW_LOGO) && !toTerminal) {
            Log.notice("Running mode=standalone, port=" + port + ".");
            return;
        }
        Log.raw(Log.Level.NOTICE, String.format(ASCII_LOGO, Server.REDIS_VERSION, "00000000", 0, "64", "standalone",
                port, ProcessHandle.current().pid()));
    }

    /** Redis 7.0.15's asciilogo.h, with its printf conversions in Java's syntax. */
    private static final String ASCII_LOGO = ""
            + "                _._                                                  \n"
            + "           _.-``__ ''-._                                             \n"
            + "      _.-``    `.  `_.  ''-._           Redis %s (%s/%d) %s bit\n"
            + "  .-`` .-```.  ```\\/    _.,_ ''-._                                  \n"
            + " (    '      ,       .-`  | `,    )     Running in %s mode\n"
            + " |`-._`-...-` __...-.``-._|'` _.-'|     Port: %d\n"
            + " |    `-._   `._    /     _.-'    |     PID: %d\n"
            + "  `-._    `-._  `-./  _.-'    _.-'                                   \n"
            + " |`-._`-._    `-.__.-'    _.-'_.-'|                                  \n"
            + " |    `-._`-._        _.-'_.-'    |           https://redis.io       \n"
            + "  `-._    `-._`-.__.-'_.-'    _.-'                                   \n"
            + " |`-._`-._    `-.__.-'    _.-'_.-'|                                  \n"
            + " |    `-._`-._        _.-'_.-'    |                                  \n"
            + "  `-._    `-._`-.__.-'_.-'    _.-'                                   \n"
            + "      `-._    `-.__.-'    _.-'                                       \n"
            + "          `-._        _.-'                                           \n"
            + "              `-.__.-'                                               \n\n";

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

    private static void writePidFile(Config config) {
        String pidfile = config.getString(Directives.PIDFILE);
        if (pidfile.isEmpty()) {
            return;
        }
        try {
            Files.writeString(Path.of(pidfile), ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            Log.warning("Failed to write PID file: " + e.getMessage());
        }
    }

    private void installSignalHandlers() {
        for (String sig : List.of("TERM", "INT")) {
            Signal.handle(new Signal(sig), s -> {
                Log.warning("Received SIG" + sig + " scheduling shutdown...");
                server.loop().execute(() -> shutdown(null));
            });
        }
    }

    /** Redis' prepareForShutdown: save if asked (or if save points exist), remove the pidfile, exit. */
    private void shutdown(Boolean save) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        Log.warning("User requested shutdown...");
        boolean doSave = save != null ? save : !server.config().savePoints().isEmpty();
        if (doSave) {
            server.saveForShutdown();
        }
        String pidfile = server.config().getString(Directives.PIDFILE);
        if (!pidfile.isEmpty()) {
            Log.notice("Removing the pid file.");
            try {
                Files.deleteIfExists(Path.of(pidfile));
            } catch (IOException e) {
                Log.warning("Failed to remove PID file: " + e.getMessage());
            }
        }
        Log.warning("Redis is now ready to exit, bye bye...");
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
