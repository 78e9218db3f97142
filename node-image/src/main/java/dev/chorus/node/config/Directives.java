package dev.chorus.node.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Every directive the node understands, with Redis 7.0's names, aliases, defaults and validation messages. A directive
 * missing here is rejected by name, never ignored: silently ignoring configuration hides mistakes.
 */
public final class Directives {
    private static final List<Directive> ALL = new ArrayList<>();

    // Network
    public static final Directive PORT = integer("port", 6379, 0, 65535, false);
    public static final Directive BIND = define("bind", List.of(), Directives::parseBind,
            v -> String.join(" ", asStrings(v)), "* -::*", false);
    public static final Directive PROTECTED_MODE = bool("protected-mode", true, true);
    public static final Directive TCP_BACKLOG = integer("tcp-backlog", 511, 0, Integer.MAX_VALUE, false);
    public static final Directive TIMEOUT = integer("timeout", 0, 0, Integer.MAX_VALUE, true);
    public static final Directive TCP_KEEPALIVE = integer("tcp-keepalive", 300, 0, Integer.MAX_VALUE, true);
    public static final Directive MAXCLIENTS = integer("maxclients", 10000, 1, 4294967295L, true);
    public static final Directive PROTO_MAX_BULK_LEN = memory("proto-max-bulk-len", 512L * 1024 * 1024, 1024 * 1024, Long.MAX_VALUE, true);
    public static final Directive REQUIREPASS = string("requirepass", "", true);
    public static final Directive CLIENT_QUERY_BUFFER_LIMIT = memory("client-query-buffer-limit", 1024L * 1024 * 1024,
            1024 * 1024, Long.MAX_VALUE, true);
    public static final Directive CLIENT_OUTPUT_BUFFER_LIMIT = define("client-output-buffer-limit", List.of(),
            OutputBufferLimits::parse, OutputBufferLimits::format, OutputBufferLimits.DEFAULT_TEXT, true);
    public static final Directive UNIXSOCKET = string("unixsocket", "", false);
    /** Octal, as Redis' createUIntConfig(... OCTAL_CONFIG): CONFIG GET shows it in octal ("0" by default). */
    public static final Directive UNIXSOCKETPERM = define("unixsocketperm", List.of(), args -> {
        String s = single(args);
        long v;
        try {
            v = s.isEmpty() ? 0 : Long.parseLong(s.startsWith("+") ? s.substring(1) : s, 8); // strtoll(value, &end, 8)
        } catch (NumberFormatException e) {
            throw new ConfigException("argument couldn't be parsed as an octal number");
        }
        if (v < 0 || v > 0777) {
            throw new ConfigException("argument must be between 0 and 777 inclusive");
        }
        return v;
    }, v -> Long.toOctalString((Long) v), "0", false);

    // General
    public static final Directive DAEMONIZE = define("daemonize", List.of(), args -> {
        if (parseBool(args)) {
            throw new ConfigException("daemonize is not supported: run the node in the foreground (Kubernetes and "
                    + "systemd supervise it)");
        }
        return Boolean.FALSE;
    }, Directives::yesNo, "no", false);
    public static final Directive PIDFILE = string("pidfile", "", false);
    public static final Directive LOGLEVEL = enumeration("loglevel", "notice", true, "debug", "verbose", "notice",
            "warning");
    public static final Directive LOGFILE = string("logfile", "", false);
    public static final Directive DATABASES = integer("databases", 16, 1, Integer.MAX_VALUE, false);
    /** Redis takes any int as a hint and clamps it to 1..500 (updateHZ); CONFIG GET then shows the clamped value. */
    public static final Directive HZ = define("hz", List.of(),
            args -> Math.min(500L, Math.max(1L, parseInteger(single(args), 0, Integer.MAX_VALUE))), String::valueOf,
            "10", true);
    public static final Directive ALWAYS_SHOW_LOGO = bool("always-show-logo", false, false);
    public static final Directive SET_PROC_TITLE = bool("set-proc-title", true, false);

    // Persistence
    public static final Directive SAVE = define("save", List.of(), Directives::parseSave, Directives::formatSave,
            "3600 1 300 100 60 10000", true);
    public static final Directive DIR = string("dir", "", true);
    public static final Directive DBFILENAME = define("dbfilename", List.of(), args -> {
        String name = single(args);
        if (name.contains("/") || name.contains("\\")) {
            throw new ConfigException("dbfilename can't be a path, just a filename");
        }
        return name;
    }, v -> (String) v, "dump.rdb", true);
    public static final Directive RDBCOMPRESSION = bool("rdbcompression", true, true);
    public static final Directive RDBCHECKSUM = bool("rdbchecksum", true, true);
    public static final Directive STOP_WRITES_ON_BGSAVE_ERROR = bool("stop-writes-on-bgsave-error", true, true);
    public static final Directive APPENDONLY = define("appendonly", List.of(), args -> {
        if (parseBool(args)) {
            throw new ConfigException("appendonly yes is not supported: the node persists with RDB snapshots only");
        }
        return Boolean.FALSE;
    }, Directives::yesNo, "no", true);

    // Memory
    public static final Directive MAXMEMORY = memory("maxmemory", 0, Long.MAX_VALUE, true);
    public static final Directive MAXMEMORY_POLICY = enumeration("maxmemory-policy", "noeviction", true,
            "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu",
            "allkeys-random", "noeviction");
    public static final Directive LFU_LOG_FACTOR = integer("lfu-log-factor", 10, 0, Integer.MAX_VALUE, true);
    public static final Directive LFU_DECAY_TIME = integer("lfu-decay-time", 1, 0, Integer.MAX_VALUE, true);
    public static final Directive MAXMEMORY_SAMPLES = integer("maxmemory-samples", 5, 1, Integer.MAX_VALUE, true);

    // Data type encodings (reported by OBJECT ENCODING; the thresholds Redis 7.0 uses)
    // hash-max-listpack-entries is 512 in 7.0 (CONFIG GET on redis-server 7.0.15), unlike zset's 128.
    public static final Directive HASH_MAX_LISTPACK_ENTRIES = integer("hash-max-listpack-entries", 512, 0,
            Integer.MAX_VALUE, true, "hash-max-ziplist-entries");
    public static final Directive HASH_MAX_LISTPACK_VALUE = memory("hash-max-listpack-value", 64, 0,
            Integer.MAX_VALUE, true, "hash-max-ziplist-value");
    public static final Directive SET_MAX_INTSET_ENTRIES = integer("set-max-intset-entries", 512, 0,
            Integer.MAX_VALUE, true);
    public static final Directive ZSET_MAX_LISTPACK_ENTRIES = integer("zset-max-listpack-entries", 128, 0,
            Integer.MAX_VALUE, true, "zset-max-ziplist-entries");
    public static final Directive ZSET_MAX_LISTPACK_VALUE = memory("zset-max-listpack-value", 64, 0,
            Integer.MAX_VALUE, true, "zset-max-ziplist-value");

    // Replication
    public static final Directive REPLICAOF = define("replicaof", List.of("slaveof"), Directives::parseReplicaOf,
            v -> v == null ? "" : v.toString(), null, false);
    public static final Directive MASTERAUTH = string("masterauth", "", true);
    public static final Directive MASTERUSER = string("masteruser", "", true);
    public static final Directive REPLICA_READ_ONLY = bool("replica-read-only", true, true, "slave-read-only");
    public static final Directive REPLICA_SERVE_STALE_DATA = bool("replica-serve-stale-data", true, true,
            "slave-serve-stale-data");
    public static final Directive REPLICA_ANNOUNCE_IP = string("replica-announce-ip", "", true, "slave-announce-ip");
    public static final Directive REPLICA_ANNOUNCE_PORT = integer("replica-announce-port", 0, 0, 65535, true,
            "slave-announce-port");
    public static final Directive REPLICA_PRIORITY = integer("replica-priority", 100, 0, Integer.MAX_VALUE, true,
            "slave-priority");
    public static final Directive REPL_BACKLOG_SIZE = memory("repl-backlog-size", 1024 * 1024, 1, Long.MAX_VALUE, true);
    public static final Directive REPL_BACKLOG_TTL = integer("repl-backlog-ttl", 3600, 0, Integer.MAX_VALUE, true);
    public static final Directive REPL_DISKLESS_SYNC = bool("repl-diskless-sync", true, true);
    public static final Directive REPL_DISKLESS_SYNC_DELAY = integer("repl-diskless-sync-delay", 5, 0,
            Integer.MAX_VALUE, true);
    public static final Directive REPL_DISKLESS_SYNC_MAX_REPLICAS = integer("repl-diskless-sync-max-replicas", 0,
            0, Integer.MAX_VALUE, true);
    public static final Directive REPL_PING_REPLICA_PERIOD = integer("repl-ping-replica-period", 10, 1,
            Integer.MAX_VALUE, true, "repl-ping-slave-period");
    public static final Directive REPL_TIMEOUT = integer("repl-timeout", 60, 1, Integer.MAX_VALUE, true);
    public static final Directive MIN_REPLICAS_TO_WRITE = integer("min-replicas-to-write", 0, 0, Integer.MAX_VALUE,
            true, "min-slaves-to-write");
    public static final Directive MIN_REPLICAS_MAX_LAG = integer("min-replicas-max-lag", 10, 0, Integer.MAX_VALUE,
            true, "min-slaves-max-lag");

    private Directives() {
    }

    public static List<Directive> all() {
        return Collections.unmodifiableList(ALL);
    }

    public static Directive byName(String name) {
        for (Directive d : ALL) {
            if (d.matches(name)) {
                return d;
            }
        }
        return null;
    }

    // ---- constructors ----

    private static Directive define(String name, List<String> aliases, Directive.Parser parser,
                                    Directive.Formatter formatter, String defaultText, boolean mutable) {
        Directive d = new Directive(name, aliases, parser, formatter, defaultText, mutable, ALL.size());
        ALL.add(d);
        return d;
    }

    private static Directive bool(String name, boolean def, boolean mutable, String... aliases) {
        return define(name, List.of(aliases), Directives::parseBool, Directives::yesNo, def ? "yes" : "no", mutable);
    }

    private static Directive integer(String name, long def, long min, long max, boolean mutable, String... aliases) {
        return define(name, List.of(aliases), args -> parseInteger(single(args), min, max), String::valueOf,
                Long.toString(def), mutable);
    }

    /** Redis' string2ll (no '+', no leading zeros, no "-0"), then the directive's bounds. */
    static long parseInteger(String s, long min, long max) throws ConfigException {
        long v;
        try {
            if (!s.matches("-?(0|[1-9][0-9]*)") || s.equals("-0")) {
                throw new NumberFormatException(s);
            }
            v = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new ConfigException("argument couldn't be parsed into an integer");
        }
        return inRange(v, min, max);
    }

    private static long inRange(long v, long min, long max) throws ConfigException {
        if (v < min || v > max) {
            throw new ConfigException("argument must be between " + min + " and " + max + " inclusive");
        }
        return v;
    }

    private static Directive memory(String name, long def, long max, boolean mutable) {
        return memory(name, def, 0, max, mutable);
    }

    private static Directive memory(String name, long def, long min, long max, boolean mutable, String... aliases) {
        return define(name, List.of(aliases), args -> inRange(parseMemory(single(args)), min, max), String::valueOf,
                Long.toString(def), mutable);
    }

    private static Directive string(String name, String def, boolean mutable, String... aliases) {
        return define(name, List.of(aliases), Directives::single, v -> (String) v, def, mutable);
    }

    private static Directive enumeration(String name, String def, boolean mutable, String... allowed) {
        List<String> values = List.of(allowed);
        return define(name, List.of(), args -> {
            String v = single(args).toLowerCase(Locale.ROOT);
            if (!values.contains(v)) {
                throw new ConfigException("argument(s) must be one of the following: " + String.join(", ", values));
            }
            return v;
        }, v -> (String) v, def, mutable);
    }

    // ---- parsers ----

    static String single(List<String> args) throws ConfigException {
        if (args.size() != 1) {
            throw new ConfigException("wrong number of arguments");
        }
        return args.get(0);
    }

    static boolean parseBool(List<String> args) throws ConfigException {
        String v = single(args).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "yes" -> true;
            case "no" -> false;
            default -> throw new ConfigException("argument must be 'yes' or 'no'");
        };
    }

    private static String yesNo(Object v) {
        return Boolean.TRUE.equals(v) ? "yes" : "no";
    }

    /**
     * Redis' memtoull: digits then an optional unit b/k/kb/m/mb/g/gb (k = 1000, kb = 1024), case-insensitive. Like
     * Redis, no digits reads as 0 and a number too large for 64 bits saturates (to all ones, which the signed
     * bounds check then rejects).
     */
    public static long parseMemory(String s) throws ConfigException {
        int u = 0;
        while (u < s.length() && s.charAt(u) >= '0' && s.charAt(u) <= '9') {
            u++;
        }
        long mul = switch (s.substring(u).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1;
            case "k" -> 1000;
            case "kb" -> 1024;
            case "m" -> 1000 * 1000;
            case "mb" -> 1024 * 1024;
            case "g" -> 1000L * 1000 * 1000;
            case "gb" -> 1024L * 1024 * 1024;
            default -> throw new ConfigException("argument must be a memory value");
        };
        if (u >= 128) {
            throw new ConfigException("argument must be a memory value");
        }
        String digits = s.substring(0, u);
        long v;
        try {
            v = digits.isEmpty() ? 0 : Long.parseUnsignedLong(digits);
        } catch (NumberFormatException e) {
            v = -1; // strtoull saturates at ULLONG_MAX
        }
        return v * mul; // wraps like the C multiplication
    }

    private static Object parseBind(List<String> args) throws ConfigException {
        if (args.isEmpty() || args.size() > 16) {
            throw new ConfigException("Too many bind addresses specified.");
        }
        return List.copyOf(args);
    }

    private static Object parseSave(List<String> args) throws ConfigException {
        if (args.size() == 1 && args.get(0).isEmpty()) {
            return List.<SavePoint>of();
        }
        if (args.size() % 2 != 0) { // no arguments at all is valid: no save points (setConfigSaveOption)
            throw new ConfigException("Invalid save parameters");
        }
        List<SavePoint> points = new ArrayList<>();
        for (int i = 0; i < args.size(); i += 2) {
            try {
                long seconds = Long.parseLong(args.get(i));
                long changes = Long.parseLong(args.get(i + 1));
                if (seconds < 1 || changes < 0) {
                    throw new ConfigException("Invalid save parameters");
                }
                points.add(new SavePoint(seconds, changes));
            } catch (NumberFormatException e) {
                throw new ConfigException("Invalid save parameters");
            }
        }
        return List.copyOf(points);
    }

    private static String formatSave(Object v) {
        @SuppressWarnings("unchecked")
        List<SavePoint> points = (List<SavePoint>) v;
        return points.stream().map(p -> p.seconds() + " " + p.changes()).collect(Collectors.joining(" "));
    }

    private static Object parseReplicaOf(List<String> args) throws ConfigException {
        if (args.size() != 2) {
            throw new ConfigException("wrong number of arguments");
        }
        if (args.get(0).equalsIgnoreCase("no") && args.get(1).equalsIgnoreCase("one")) {
            return null;
        }
        try {
            int port = Integer.parseInt(args.get(1));
            if (port < 0 || port > 65535) {
                throw new ConfigException("Invalid master port");
            }
            return new ReplicaOf(args.get(0), port);
        } catch (NumberFormatException e) {
            throw new ConfigException("Invalid master port");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> asStrings(Object v) {
        return (List<String>) v;
    }
}
