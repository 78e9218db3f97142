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

    // ==== Redis 7.0.15 directives added for drop-in config files (config helper). Every name CONFIG GET * lists on
    // redis-server 7.0.15 is declared; those that tune machinery the JVM has no counterpart for are accepted,
    // validated, kept and reported, and say why they change nothing (noEffect; docs/config.md lists them). ====

    // -- config: process and start-up --
    public static final Directive SUPERVISED = enumeration("supervised", "no", false, "upstart", "systemd", "auto",
            "no").noEffect("the node does not talk to upstart or systemd (no sd_notify); run it with Type=simple or "
            + "daemonize yes and a pidfile");
    public static final Directive SYSLOG_ENABLED = bool("syslog-enabled", false, false)
            .noEffect("the node logs to logfile (or stdout) only; the JDK has no syslog client");
    public static final Directive SYSLOG_IDENT = string("syslog-ident", "redis", false)
            .noEffect("see syslog-enabled");
    public static final Directive SYSLOG_FACILITY = enumeration("syslog-facility", "local0", false, "user", "local0",
            "local1", "local2", "local3", "local4", "local5", "local6", "local7").noEffect("see syslog-enabled");
    public static final Directive PROC_TITLE_TEMPLATE = define("proc-title-template", List.of(),
            ConfigParsers::parseProcTitleTemplate, v -> (String) v, "{title} {listen-addr} {server-mode}", true)
            .flag(Directive.STRING)
            .noEffect("a JVM cannot rewrite its process title (validated like Redis all the same)");
    public static final Directive CRASH_LOG_ENABLED = bool("crash-log-enabled", true, true)
            .noEffect("there are no native crash handlers to install; JVM errors go to the log");
    public static final Directive CRASH_MEMCHECK_ENABLED = bool("crash-memcheck-enabled", true, true)
            .noEffect("see crash-log-enabled");
    public static final Directive DISABLE_THP = bool("disable-thp", true, false)
            .noEffect("transparent huge pages are the JVM's business (-XX:+UseTransparentHugePages)");
    public static final Directive JEMALLOC_BG_THREAD = bool("jemalloc-bg-thread", true, true)
            .noEffect("there is no jemalloc: the JVM's garbage collector returns memory");
    public static final Directive OOM_SCORE_ADJ = define("oom-score-adj", List.of(), ConfigParsers::parseOomScoreAdj,
            v -> (String) v, "no", true);
    public static final Directive OOM_SCORE_ADJ_VALUES = define("oom-score-adj-values", List.of(),
            ConfigParsers::parseOomScoreAdjValues, ConfigParsers::joinInts, "0 200 800", true)
            .flag(Directive.MULTI_ARG);
    public static final Directive IO_THREADS = integer("io-threads", 1, 1, 128, false)
            .noEffect("Netty's event loops do the I/O; commands run on one thread as in Redis");
    public static final Directive IO_THREADS_DO_READS = bool("io-threads-do-reads", false, false)
            .noEffect("see io-threads");
    public static final Directive SERVER_CPULIST = string("server_cpulist", "", false)
            .noEffect("the JVM cannot pin its threads to CPUs; use taskset or the container's cpuset");
    public static final Directive BIO_CPULIST = string("bio_cpulist", "", false).noEffect("see server_cpulist");
    public static final Directive AOF_REWRITE_CPULIST = string("aof_rewrite_cpulist", "", false)
            .noEffect("see server_cpulist");
    public static final Directive BGSAVE_CPULIST = string("bgsave_cpulist", "", false).noEffect("see server_cpulist");
    public static final Directive IGNORE_WARNINGS = string("ignore-warnings", "", true)
            .noEffect("the node has none of the kernel-bug start-up checks (ARM64-COW-BUG) it would silence");
    public static final Directive SOCKET_MARK_ID = integer("socket-mark-id", 0, 0, 4294967295L, false)
            .noEffect("the JDK cannot set SO_MARK on sockets");
    public static final Directive ENABLE_PROTECTED_CONFIGS = enumeration("enable-protected-configs", "no", false,
            "no", "yes", "local");
    public static final Directive ENABLE_MODULE_COMMAND = enumeration("enable-module-command", "no", false, "no",
            "yes", "local").noEffect("the node has no modules and no MODULE command");
    public static final Directive SHUTDOWN_ON_SIGINT = define("shutdown-on-sigint", List.of(),
            ConfigParsers::parseShutdownFlags, v -> (String) v, "default", true).flag(Directive.MULTI_ARG);
    public static final Directive SHUTDOWN_ON_SIGTERM = define("shutdown-on-sigterm", List.of(),
            ConfigParsers::parseShutdownFlags, v -> (String) v, "default", true).flag(Directive.MULTI_ARG);
    public static final Directive SHUTDOWN_TIMEOUT = integer("shutdown-timeout", 10, 0, Integer.MAX_VALUE, true);
    public static final Directive DYNAMIC_HZ = bool("dynamic-hz", true, true);

    // -- config: networking --
    public static final Directive BIND_SOURCE_ADDR = string("bind-source-addr", "", true);
    public static final Directive TLS_PORT = define("tls-port", List.of(), args -> ConfigParsers.noTls(
            parseInteger(single(args), 0, 65535) != 0, 0L), String::valueOf, "0", true);
    public static final Directive TLS_REPLICATION = define("tls-replication", List.of(),
            args -> ConfigParsers.noTls(parseBool(args), Boolean.FALSE), Directives::yesNo, "no", true);
    public static final Directive TLS_CLUSTER = define("tls-cluster", List.of(),
            args -> ConfigParsers.noTls(parseBool(args), Boolean.FALSE), Directives::yesNo, "no", true);
    public static final Directive TLS_AUTH_CLIENTS = enumeration("tls-auth-clients", "yes", true, "no", "yes",
            "optional").noEffect("the node has no TLS (tls-port, tls-replication and tls-cluster are refused)");
    public static final Directive TLS_PREFER_SERVER_CIPHERS = bool("tls-prefer-server-ciphers", false, true)
            .noEffect("see tls-auth-clients");
    public static final Directive TLS_SESSION_CACHING = bool("tls-session-caching", true, true)
            .noEffect("see tls-auth-clients");
    public static final Directive TLS_SESSION_CACHE_SIZE = integer("tls-session-cache-size", 20480, 0,
            Integer.MAX_VALUE, true).noEffect("see tls-auth-clients");
    public static final Directive TLS_SESSION_CACHE_TIMEOUT = integer("tls-session-cache-timeout", 300, 0,
            Integer.MAX_VALUE, true).noEffect("see tls-auth-clients");
    public static final Directive TLS_CERT_FILE = string("tls-cert-file", "", true).noEffect("see tls-auth-clients");
    public static final Directive TLS_KEY_FILE = string("tls-key-file", "", true).noEffect("see tls-auth-clients");
    public static final Directive TLS_KEY_FILE_PASS = string("tls-key-file-pass", "", true)
            .noEffect("see tls-auth-clients");
    public static final Directive TLS_CLIENT_CERT_FILE = string("tls-client-cert-file", "", true)
            .noEffect("see tls-auth-clients");
    public static final Directive TLS_CLIENT_KEY_FILE = string("tls-client-key-file", "", true)
            .noEffect("see tls-auth-clients");
    public static final Directive TLS_CLIENT_KEY_FILE_PASS = string("tls-client-key-file-pass", "", true)
            .noEffect("see tls-auth-clients");
    public static final Directive TLS_DH_PARAMS_FILE = string("tls-dh-params-file", "", true)
            .noEffect("see tls-auth-clients");
    public static final Directive TLS_CA_CERT_FILE = string("tls-ca-cert-file", "", true)
            .noEffect("see tls-auth-clients");
    public static final Directive TLS_CA_CERT_DIR = string("tls-ca-cert-dir", "", true)
            .noEffect("see tls-auth-clients");
    public static final Directive TLS_PROTOCOLS = string("tls-protocols", "", true).noEffect("see tls-auth-clients");
    public static final Directive TLS_CIPHERS = string("tls-ciphers", "", true).noEffect("see tls-auth-clients");
    public static final Directive TLS_CIPHERSUITES = string("tls-ciphersuites", "", true)
            .noEffect("see tls-auth-clients");

    // -- config: cluster (cluster-enabled yes is refused: the node is not a cluster node) --
    public static final Directive CLUSTER_ENABLED = define("cluster-enabled", List.of(), args -> {
        if (parseBool(args)) {
            throw new ConfigException("cluster-enabled yes is not supported: the node does not run Redis Cluster");
        }
        return Boolean.FALSE;
    }, Directives::yesNo, "no", false);
    public static final Directive CLUSTER_CONFIG_FILE = string("cluster-config-file", "nodes.conf", false)
            .noEffect("cluster mode is off (cluster-enabled yes is refused)");
    public static final Directive CLUSTER_PORT = integer("cluster-port", 0, 0, 65535, false)
            .noEffect("see cluster-config-file");
    public static final Directive CLUSTER_NODE_TIMEOUT = integer("cluster-node-timeout", 15000, 0, Long.MAX_VALUE,
            true).noEffect("see cluster-config-file");
    public static final Directive CLUSTER_ANNOUNCE_IP = string("cluster-announce-ip", "", true)
            .noEffect("see cluster-config-file");
    public static final Directive CLUSTER_ANNOUNCE_HOSTNAME = define("cluster-announce-hostname", List.of(),
            ConfigParsers::parseHostname, v -> (String) v, "", true).flag(Directive.STRING)
            .noEffect("see cluster-config-file");
    public static final Directive CLUSTER_ANNOUNCE_PORT = integer("cluster-announce-port", 0, 0, 65535, true)
            .noEffect("see cluster-config-file");
    public static final Directive CLUSTER_ANNOUNCE_BUS_PORT = integer("cluster-announce-bus-port", 0, 0, 65535,
            true).noEffect("see cluster-config-file");
    public static final Directive CLUSTER_ANNOUNCE_TLS_PORT = integer("cluster-announce-tls-port", 0, 0, 65535,
            true).noEffect("see cluster-config-file");
    public static final Directive CLUSTER_REPLICA_VALIDITY_FACTOR = integer("cluster-replica-validity-factor", 10, 0,
            Integer.MAX_VALUE, true, "cluster-slave-validity-factor").noEffect("see cluster-config-file");
    public static final Directive CLUSTER_MIGRATION_BARRIER = integer("cluster-migration-barrier", 1, 0,
            Integer.MAX_VALUE, true).noEffect("see cluster-config-file");
    public static final Directive CLUSTER_REQUIRE_FULL_COVERAGE = bool("cluster-require-full-coverage", true, true)
            .noEffect("see cluster-config-file");
    public static final Directive CLUSTER_REPLICA_NO_FAILOVER = bool("cluster-replica-no-failover", false, true,
            "cluster-slave-no-failover").noEffect("see cluster-config-file");
    public static final Directive CLUSTER_ALLOW_READS_WHEN_DOWN = bool("cluster-allow-reads-when-down", false, true)
            .noEffect("see cluster-config-file");
    public static final Directive CLUSTER_ALLOW_PUBSUBSHARD_WHEN_DOWN = bool("cluster-allow-pubsubshard-when-down",
            true, true).noEffect("see cluster-config-file");
    public static final Directive CLUSTER_ALLOW_REPLICA_MIGRATION = bool("cluster-allow-replica-migration", true,
            true).noEffect("see cluster-config-file");
    public static final Directive CLUSTER_PREFERRED_ENDPOINT_TYPE = enumeration("cluster-preferred-endpoint-type",
            "ip", true, "ip", "hostname", "unknown-endpoint").noEffect("see cluster-config-file");
    public static final Directive CLUSTER_LINK_SENDBUF_LIMIT = memory("cluster-link-sendbuf-limit", 0, 0,
            Long.MAX_VALUE, true).noEffect("see cluster-config-file");

    // -- config: persistence (AOF: appendonly yes is refused, so the AOF directives are validated and kept only) --
    public static final Directive RDB_DEL_SYNC_FILES = bool("rdb-del-sync-files", false, true);
    public static final Directive RDB_SAVE_INCREMENTAL_FSYNC = bool("rdb-save-incremental-fsync", true, true)
            .noEffect("the node writes an RDB to a temporary file and fsyncs it once before the rename");
    public static final Directive SANITIZE_DUMP_PAYLOAD = enumeration("sanitize-dump-payload", "no", true, "no",
            "yes", "clients").noEffect("RESTORE and RDB loading always parse a payload completely before using it "
            + "(the strictest setting, yes, always holds)");
    public static final Directive APPENDFILENAME = define("appendfilename", List.of(),
            ConfigParsers::parseAppendFilename, v -> (String) v, "appendonly.aof", false).flag(Directive.STRING)
            .noEffect("AOF is off: appendonly yes is refused");
    public static final Directive APPENDDIRNAME = define("appenddirname", List.of(),
            ConfigParsers::parseAppendDirname, v -> (String) v, "appendonlydir", false).flag(Directive.STRING)
            .noEffect("AOF is off: appendonly yes is refused");
    public static final Directive APPENDFSYNC = enumeration("appendfsync", "everysec", true, "everysec", "always",
            "no").noEffect("AOF is off: appendonly yes is refused");
    public static final Directive NO_APPENDFSYNC_ON_REWRITE = bool("no-appendfsync-on-rewrite", false, true)
            .noEffect("AOF is off: appendonly yes is refused");
    public static final Directive AUTO_AOF_REWRITE_PERCENTAGE = integer("auto-aof-rewrite-percentage", 100, 0,
            Integer.MAX_VALUE, true).noEffect("AOF is off: appendonly yes is refused");
    public static final Directive AUTO_AOF_REWRITE_MIN_SIZE = memory("auto-aof-rewrite-min-size", 64L * 1024 * 1024,
            0, Long.MAX_VALUE, true).noEffect("AOF is off: appendonly yes is refused");
    public static final Directive AOF_LOAD_TRUNCATED = bool("aof-load-truncated", true, true)
            .noEffect("AOF is off: appendonly yes is refused");
    public static final Directive AOF_USE_RDB_PREAMBLE = bool("aof-use-rdb-preamble", true, true)
            .noEffect("AOF is off: appendonly yes is refused");
    public static final Directive AOF_TIMESTAMP_ENABLED = bool("aof-timestamp-enabled", false, true)
            .noEffect("AOF is off: appendonly yes is refused");
    public static final Directive AOF_REWRITE_INCREMENTAL_FSYNC = bool("aof-rewrite-incremental-fsync", true, true)
            .noEffect("AOF is off: appendonly yes is refused");
    public static final Directive AOF_DISABLE_AUTO_GC = bool("aof-disable-auto-gc", false, true)
            .noEffect("AOF is off: appendonly yes is refused");

    // -- config: memory and the keyspace --
    public static final Directive MAXMEMORY_EVICTION_TENACITY = integer("maxmemory-eviction-tenacity", 10, 0, 100,
            true).noEffect("the node evicts synchronously until it is under maxmemory, in the command that needs it "
            + "(tenacity 100)");
    public static final Directive MAXMEMORY_CLIENTS = define("maxmemory-clients", List.of(),
            ConfigParsers::parseMaxmemoryClients, ConfigParsers::formatPercentOrBytes, "0", true)
            .flag(Directive.MEMORY);
    public static final Directive ACTIVE_EXPIRE_EFFORT = integer("active-expire-effort", 1, 1, 10, true)
            .noEffect("the node's active expire cycle has one fixed effort (Redis' default, 1)");
    public static final Directive LAZYFREE_LAZY_EVICTION = bool("lazyfree-lazy-eviction", false, true)
            .noEffect("the JVM frees memory off-thread in the garbage collector: every delete is already lazy");
    public static final Directive LAZYFREE_LAZY_EXPIRE = bool("lazyfree-lazy-expire", false, true)
            .noEffect("see lazyfree-lazy-eviction");
    public static final Directive LAZYFREE_LAZY_SERVER_DEL = bool("lazyfree-lazy-server-del", false, true)
            .noEffect("see lazyfree-lazy-eviction");
    public static final Directive LAZYFREE_LAZY_USER_DEL = bool("lazyfree-lazy-user-del", false, true);
    public static final Directive LAZYFREE_LAZY_USER_FLUSH = bool("lazyfree-lazy-user-flush", false, true);
    public static final Directive REPLICA_LAZY_FLUSH = bool("replica-lazy-flush", false, true, "slave-lazy-flush")
            .noEffect("see lazyfree-lazy-eviction");
    public static final Directive ACTIVEREHASHING = bool("activerehashing", true, true)
            .noEffect("the node's hash tables are Java collections that resize on their own");
    public static final Directive ACTIVEDEFRAG = define("activedefrag", List.of(), args -> {
        if (parseBool(args)) { // exactly what Debian's redis-server 7.0.15 (built without defrag support) answers
            throw new ConfigException("Active defragmentation cannot be enabled: it requires a Redis server compiled "
                    + "with a modified Jemalloc like the one shipped by default with the Redis source distribution");
        }
        return Boolean.FALSE;
    }, Directives::yesNo, "no", true);
    public static final Directive ACTIVE_DEFRAG_IGNORE_BYTES = memory("active-defrag-ignore-bytes", 100L << 20, 1,
            Long.MAX_VALUE, true)
            .noEffect("the JVM's garbage collector compacts the heap; activedefrag yes is refused");
    public static final Directive ACTIVE_DEFRAG_THRESHOLD_LOWER = integer("active-defrag-threshold-lower", 10, 0,
            1000, true).noEffect("see active-defrag-ignore-bytes");
    public static final Directive ACTIVE_DEFRAG_THRESHOLD_UPPER = integer("active-defrag-threshold-upper", 100, 0,
            1000, true).noEffect("see active-defrag-ignore-bytes");
    public static final Directive ACTIVE_DEFRAG_CYCLE_MIN = integer("active-defrag-cycle-min", 1, 1, 99, true)
            .noEffect("see active-defrag-ignore-bytes");
    public static final Directive ACTIVE_DEFRAG_CYCLE_MAX = integer("active-defrag-cycle-max", 25, 1, 99, true)
            .noEffect("see active-defrag-ignore-bytes");
    public static final Directive ACTIVE_DEFRAG_MAX_SCAN_FIELDS = integer("active-defrag-max-scan-fields", 1000, 1,
            Long.MAX_VALUE, true).noEffect("see active-defrag-ignore-bytes");
    public static final Directive LIST_MAX_LISTPACK_SIZE = integer("list-max-listpack-size", -2, Integer.MIN_VALUE,
            Integer.MAX_VALUE, true, "list-max-ziplist-size").noEffect("Redis 7.0 reports every list as quicklist "
            + "whatever its node size, and so does the node; the node's lists are not split into listpack nodes");
    public static final Directive LIST_COMPRESS_DEPTH = integer("list-compress-depth", 0, 0, Integer.MAX_VALUE, true)
            .noEffect("the node does not LZF-compress list nodes (OBJECT ENCODING shows quicklist either way)");
    public static final Directive STREAM_NODE_MAX_BYTES = memory("stream-node-max-bytes", 4096, 0, Long.MAX_VALUE,
            true);
    public static final Directive STREAM_NODE_MAX_ENTRIES = integer("stream-node-max-entries", 100, 0,
            Long.MAX_VALUE, true);
    public static final Directive BUSY_REPLY_THRESHOLD = integer("busy-reply-threshold", 5000, 0, Long.MAX_VALUE,
            true, "lua-time-limit");

    // -- config: ACL (the node has the default user only; aclfile is refused rather than ignored) --
    public static final Directive ACLFILE = define("aclfile", List.of(), args -> {
        String file = single(args);
        if (!file.isEmpty()) {
            throw new ConfigException("aclfile is not supported: the node has no ACL users besides 'default'");
        }
        return file;
    }, v -> (String) v, "", false).flag(Directive.STRING);
    public static final Directive ACLLOG_MAX_LEN = integer("acllog-max-len", 128, 0, Long.MAX_VALUE, true)
            .noEffect("the node has no ACL LOG (no ACL users to deny)");
    public static final Directive ACL_PUBSUB_DEFAULT = enumeration("acl-pubsub-default", "resetchannels", true,
            "allchannels", "resetchannels").noEffect("it applies to ACL users created later; the node has only the "
            + "'default' user, which always has all channels");

    // -- config: replication --
    public static final Directive REPL_DISKLESS_LOAD = enumeration("repl-diskless-load", "disabled", true,
            "disabled", "on-empty-db", "swapdb").flag(Directive.DENY_LOADING);
    public static final Directive REPL_DISABLE_TCP_NODELAY = bool("repl-disable-tcp-nodelay", false, true)
            .noEffect("the node keeps TCP_NODELAY on replication links (lower lag; the bandwidth it would save is "
                    + "small)");
    public static final Directive REPLICA_ANNOUNCED = bool("replica-announced", true, true)
            .noEffect("only Sentinel reads it (from INFO); the operator, not Sentinel, picks masters");
    public static final Directive REPLICA_IGNORE_MAXMEMORY = bool("replica-ignore-maxmemory", true, true,
            "slave-ignore-maxmemory");
    public static final Directive PROPAGATION_ERROR_BEHAVIOR = enumeration("propagation-error-behavior", "ignore",
            true, "ignore", "panic", "panic-on-replicas");
    public static final Directive REPLICA_IGNORE_DISK_WRITE_ERRORS = bool("replica-ignore-disk-write-errors", false,
            true).noEffect("it concerns AOF write errors on a replica; AOF is off (appendonly yes is refused)");

    // ==== end of the config helper's directives ====


    // Network
    public static final Directive PORT = integer("port", 6379, 0, 65535, true);
    public static final Directive BIND = define("bind", List.of(), Directives::parseBind,
            v -> String.join(" ", asStrings(v)), "* -::*", true).flag(Directive.MULTI_ARG);
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
            OutputBufferLimits::parse, OutputBufferLimits::format, OutputBufferLimits.DEFAULT_TEXT, true)
            .flag(Directive.MULTI_ARG);
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
    public static final Directive DAEMONIZE = bool("daemonize", false, false);
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
    public static final Directive SET_PROC_TITLE = bool("set-proc-title", true, false)
            .noEffect("a JVM cannot rewrite its process title");
    /** Who may run DEBUG: no, yes, or local (loopback and unix socket clients); set at start-up only. */
    public static final Directive ENABLE_DEBUG_COMMAND = enumeration("enable-debug-command", "no", false, "no",
            "yes", "local");

    // Persistence
    public static final Directive SAVE = define("save", List.of(), Directives::parseSave, Directives::formatSave,
            "3600 1 300 100 60 10000", true).flag(Directive.MULTI_ARG);
    public static final Directive DIR = string("dir", "", true).flag(Directive.PROTECTED | Directive.DENY_LOADING);
    public static final Directive DBFILENAME = define("dbfilename", List.of(), args -> {
        String name = single(args);
        if (name.contains("/") || name.contains("\\")) {
            throw new ConfigException("dbfilename can't be a path, just a filename");
        }
        return name;
    }, v -> (String) v, "dump.rdb", true).flag(Directive.PROTECTED | Directive.STRING);
    public static final Directive RDBCOMPRESSION = bool("rdbcompression", true, true);
    public static final Directive RDBCHECKSUM = bool("rdbchecksum", true, false);
    // Debian's 7.0.15 security backport (CVE-2025-46818/46819): scripts see setfenv, getfenv and newproxy when yes
    public static final Directive LUA_ENABLE_DEPRECATED_API = bool("lua-enable-deprecated-api", false, false)
            .flag(Directive.HIDDEN);
    // Redis' test-only HIDDEN_CONFIGs (config.c): microseconds slept after each key an RDB save writes / a load reads
    // (debugDelay: a negative -n sleeps 1 us with probability 1/n). Found by exact name only.
    public static final Directive RDB_KEY_SAVE_DELAY = integer("rdb-key-save-delay", 0, Integer.MIN_VALUE,
            Integer.MAX_VALUE, true).flag(Directive.HIDDEN);
    public static final Directive KEY_LOAD_DELAY = integer("key-load-delay", 0, Integer.MIN_VALUE, Integer.MAX_VALUE,
            true).flag(Directive.HIDDEN);
    public static final Directive STOP_WRITES_ON_BGSAVE_ERROR = bool("stop-writes-on-bgsave-error", true, true);
    public static final Directive APPENDONLY = define("appendonly", List.of(), args -> {
        if (parseBool(args)) {
            throw new ConfigException("appendonly yes is not supported: the node persists with RDB snapshots only");
        }
        return Boolean.FALSE;
    }, Directives::yesNo, "no", true).flag(Directive.DENY_LOADING);

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
    public static final Directive HLL_SPARSE_MAX_BYTES = memory("hll-sparse-max-bytes", 3000, Long.MAX_VALUE, true);

    // Replication
    public static final Directive REPLICAOF = define("replicaof", List.of("slaveof"), Directives::parseReplicaOf,
            v -> v == null ? "" : v.toString(), null, false).flag(Directive.MULTI_ARG);
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

    // Keyspace notifications and client-side caching (notify.c, tracking.c)
    /** NOTIFY_* class bits (KeyspaceEvents); CONFIG GET shows Redis' canonical class string. */
    public static final Directive NOTIFY_KEYSPACE_EVENTS = define("notify-keyspace-events", List.of(),
            args -> (long) keyspaceEventsFlags(single(args)), v -> keyspaceEventsString(((Long) v).intValue()), "",
            true);
    /** A size_t in Redis 7.0: 0 (no limit) to LONG_MAX. */
    public static final Directive TRACKING_TABLE_MAX_KEYS = integer("tracking-table-max-keys", 1000000, 0,
            Long.MAX_VALUE, true);

    // Slow log and latency monitor (config.c: long long / unsigned long / bool / special)
    public static final Directive SLOWLOG_LOG_SLOWER_THAN = integer("slowlog-log-slower-than", 10000, -1,
            Long.MAX_VALUE, true);
    public static final Directive SLOWLOG_MAX_LEN = integer("slowlog-max-len", 128, 0, Long.MAX_VALUE, true);
    public static final Directive LATENCY_MONITOR_THRESHOLD = integer("latency-monitor-threshold", 0, 0,
            Long.MAX_VALUE, true);
    public static final Directive LATENCY_TRACKING = bool("latency-tracking", true, true);
    public static final Directive LATENCY_TRACKING_INFO_PERCENTILES = define("latency-tracking-info-percentiles",
            List.of(), Directives::parsePercentiles, Directives::formatPercentiles, "50 99 99.9", true);

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
                Long.toString(def), mutable).flag(Directive.MEMORY);
    }

    private static Directive string(String name, String def, boolean mutable, String... aliases) {
        return define(name, List.of(aliases), Directives::single, v -> (String) v, def, mutable)
                .flag(Directive.STRING);
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

    /** notify.c's keyspaceEventsStringToFlags: Redis' NOTIFY_* bits for a class string. */
    static int keyspaceEventsFlags(String classes) throws ConfigException {
        int flags = 0;
        for (int i = 0; i < classes.length(); i++) {
            flags |= switch (classes.charAt(i)) {
                case 'A' -> 0x7FC | 0x2000; // NOTIFY_ALL: g$lshzxet and d (module)
                case 'g' -> 1 << 2;
                case '$' -> 1 << 3;
                case 'l' -> 1 << 4;
                case 's' -> 1 << 5;
                case 'h' -> 1 << 6;
                case 'z' -> 1 << 7;
                case 'x' -> 1 << 8;
                case 'e' -> 1 << 9;
                case 'K' -> 1;
                case 'E' -> 1 << 1;
                case 't' -> 1 << 10;
                case 'm' -> 1 << 11;
                case 'd' -> 1 << 13;
                case 'n' -> 1 << 14;
                default -> throw new ConfigException("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
            };
        }
        return flags;
    }

    /** notify.c's keyspaceEventsFlagsToString: the canonical class string CONFIG GET shows. */
    static String keyspaceEventsString(int flags) {
        StringBuilder s = new StringBuilder();
        int all = 0x7FC | 0x2000;
        if ((flags & all) == all) {
            s.append('A');
        } else {
            String letters = "g$lshzxet";
            for (int i = 0; i < letters.length(); i++) {
                if ((flags & (1 << (i + 2))) != 0) {
                    s.append(letters.charAt(i));
                }
            }
            if ((flags & (1 << 13)) != 0) {
                s.append('d');
            }
            if ((flags & (1 << 14)) != 0) {
                s.append('n');
            }
        }
        if ((flags & 1) != 0) {
            s.append('K');
        }
        if ((flags & 2) != 0) {
            s.append('E');
        }
        if ((flags & (1 << 11)) != 0) {
            s.append('m');
        }
        return s.toString();
    }

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
        if (args.size() > 16) {
            throw new ConfigException("Too many bind addresses specified.");
        }
        if (args.size() == 1 && args.get(0).isEmpty()) {
            return List.of(); // a single empty argument: no address at all (no TCP listener)
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

    /**
     * setConfigLatencyTrackingInfoPercentilesOutputOption: each argument a double in [0, 100] (string2d), a single
     * empty argument for none. CONFIG SET passes the value as one argument, split here at single spaces.
     */
    private static Object parsePercentiles(List<String> args) throws ConfigException {
        if (args.size() == 1) {
            args = args.get(0).isEmpty() ? List.of() : List.of(args.get(0).split(" ", -1));
        }
        double[] out = new double[args.size()];
        for (int i = 0; i < out.length; i++) {
            String a = args.get(i);
            double v;
            try {
                if (a.toLowerCase(Locale.ROOT).matches("[-+]?inf(inity)?")) {
                    v = a.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                } else if (a.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
                    v = Double.parseDouble(a);
                } else {
                    throw new NumberFormatException(a);
                }
            } catch (NumberFormatException e) {
                throw new ConfigException("Invalid latency-tracking-info-percentiles parameters");
            }
            if (Double.isNaN(v)) {
                throw new ConfigException("Invalid latency-tracking-info-percentiles parameters");
            }
            if (v > 100.0 || v < 0.0) {
                throw new ConfigException("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
            }
            out[i] = v;
        }
        return out;
    }

    /** "%f" trimmed of trailing zeros (trimDoubleString), joined by spaces. */
    private static String formatPercentiles(Object v) {
        double[] values = (double[]) v;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(trimmedDouble(values[i]));
        }
        return sb.toString();
    }

    /** C's "%f" with trailing zeros (and a trailing dot) removed, as Redis' trimDoubleString does. */
    public static String trimmedDouble(double d) {
        String s = String.format(Locale.ROOT, "%f", d);
        if (s.indexOf('.') >= 0) {
            int end = s.length();
            while (s.charAt(end - 1) == '0') {
                end--;
            }
            if (s.charAt(end - 1) == '.') {
                end--;
            }
            s = s.substring(0, end);
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static List<String> asStrings(Object v) {
        return (List<String>) v;
    }
}
