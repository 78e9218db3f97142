package dev.chorus.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.chorus.node.config.RedisConfigOracle.Verdict;
import dev.chorus.node.resp.RespRequestParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Configuration loading checked against redis-server 7.0.15 itself: bad lines are fed to both and must be rejected at
 * the same line with the same reason (Redis runs with --port 0, so it only parses and exits).
 */
class ConfigTest {
    private static final String VERSION = "7.0.15";

    // Defaults are compared with a running redis-server 7.0.15 by ConfigNamesIT.

    @TempDir
    Path dir;

    private boolean oracle;

    @BeforeEach
    void findOracle() {
        oracle = RedisConfigOracle.available();
    }

    // ---- defaults ----

    @Test
    void everyDefaultParsesAndFormatsBackToItself() throws ConfigException {
        Config config = new Config();
        for (Directive d : Directives.all()) {
            if (d.defaultText() == null) {
                assertThat(config.get(d)).as(d.name()).isNull();
                continue;
            }
            List<String> words = d.has(Directive.MULTI_ARG) ? words(d.defaultText()) : List.of(d.defaultText());
            Object parsed = d.parse(words.isEmpty() ? List.of("") : words);
            assertThat(d.format(parsed)).as(d.name()).isEqualTo(d.defaultText());
            assertThat(config.format(d)).as(d.name()).isEqualTo(d.defaultText());
        }
    }

    // ---- command-line arguments ----

    @Test
    void commandLineArgumentsSetValues() throws Exception {
        assertThat(Config.load(null, List.of("--save", "")).savePoints()).isEmpty();
        assertThat(Config.load(null, List.of("--save", "900", "1", "300", "10")).savePoints())
                .containsExactly(new SavePoint(900, 1), new SavePoint(300, 10));
        // A multi-argument directive given as one argument is split again (CONFIG GET save on redis-server 7.0.15
        // started with --save "3600 1 60 5" answers "3600 1 60 5").
        assertThat(Config.load(null, List.of("--save", "3600 1 60 5")).savePoints())
                .containsExactly(new SavePoint(3600, 1), new SavePoint(60, 5));
        Config c = Config.load(null, List.of("--requirepass", "a b\"c\\d", "--port", "7000", "--maxmemory", "1mb"));
        assertThat(c.getString(Directives.REQUIREPASS)).isEqualTo("a b\"c\\d");
        assertThat(c.getLong(Directives.PORT)).isEqualTo(7000);
        assertThat(c.getLong(Directives.MAXMEMORY)).isEqualTo(1024 * 1024);
        // A name and its value in one argument, as some process managers pass them.
        assertThat(Config.load(null, List.of("--port 7001")).getLong(Directives.PORT)).isEqualTo(7001);
        // A later directive wins.
        assertThat(Config.load(null, List.of("--port", "1", "--port", "2")).getLong(Directives.PORT)).isEqualTo(2);
    }

    /** redis-server 7.0 turns a valueless --save into save "" (generated command lines produce it). */
    @Test
    void valuelessSaveDisablesSnapshotsLikeRedis() throws Exception {
        assertThat(Config.load(null, List.of("--port", "7000", "--save")).savePoints()).isEmpty();
        Config c = Config.load(null, List.of("--save", "--port", "7000"));
        assertThat(c.savePoints()).isEmpty();
        assertThat(c.getLong(Directives.PORT)).isEqualTo(7000);
    }

    /** After a valueless option name, Redis takes the next argument as its value even if it starts with "--". */
    @Test
    void dashDashValueAfterValuelessOptionLikeRedis() throws Exception {
        Config c = Config.load(null, List.of("--masterauth", "--secret", "--port", "7000"));
        assertThat(c.getString(Directives.MASTERAUTH)).isEqualTo("--secret");
        assertThat(c.getLong(Directives.PORT)).isEqualTo(7000);
    }

    static Stream<List<String>> badArguments() {
        return Stream.of(
                List.of("--port", "abc"),
                List.of("--save", "900", "1", "--port", "abc"),
                List.of("--maxmemory", "a b"),
                List.of("--requirepass", "x\"y\\z\t", "--port", "abc"),
                List.of("--port", "\u00e9\u0001"),
                List.of("--save", "--port", "abc"),
                List.of("--masterauth", "--port", "abc"),
                List.of("--save", "900"),
                List.of("--save", "900 1 60"),
                List.of("--nosuchdirective", "1"));
    }

    /** The offending line is echoed as Redis rebuilds it from argv (values quoted), with Redis' reason. */
    @ParameterizedTest
    @MethodSource("badArguments")
    void badCommandLineArgumentReportedLikeRedis(List<String> args) {
        assumeThat(oracle).as("redis-server on PATH").isTrue();
        Verdict redis = RedisConfigOracle.judge(dir, args.toArray(String[]::new));
        assertThat(redis.accepted()).as(redis.output()).isFalse();
        ConfigFileException e = catchThrowableOfType(() -> Config.load(null, args), ConfigFileException.class);
        assertThat(e).as("node accepted %s", args).isNotNull();
        assertThat(echoedLine(e)).isEqualTo(redis.text());
        assertReasonLikeRedis(e.reason(), redis.reason());
    }

    // ---- config file lines ----

    static Stream<String> badLines() {
        return Stream.of("port abc", "port 70000", "port -1", "port -0", "port +5", "port 01", "port 1.5", "port",
                "port 1 2", "port \"6379", "port 6379 # trailing comment", "maxmemory 10xb", "maxmemory +5",
                "maxmemory -1", "maxmemory 1.5gb", "maxmemory 10kbx", "maxmemory 5 mb", "appendonly maybe",
                "protected-mode maybe", "protected-mode", "nosuchdirective 1", "maxmemory-policy foo",
                "loglevel loud", "loglevel nothing", "databases 0", "timeout -1", "tcp-keepalive abc", "save 900",
                "save abc 1", "save 0 0", "save -1 1", "save 900 -1", "save 900 1 300", "replicaof host abc",
                "replicaof host 70000", "replicaof host", "include", "include a b", "repl-backlog-size 0",
                "proto-max-bulk-len 1000", "maxclients 0", "dbfilename dir/dump.rdb", "requirepass a b",
                "logfile", "lfu-log-factor -1", "maxmemory-samples 0",
                // structured values of the Redis 7.0 directives
                "shutdown-on-sigterm save nosave", "shutdown-on-sigint bogus", "oom-score-adj-values 1 2",
                "oom-score-adj-values 1 2 2001", "proc-title-template \"{nosuch}\"", "proc-title-template \"{title}\"",
                "maxmemory-clients 101%", "maxmemory-clients -5", "appendfilename \"a/b\"", "appenddirname \"\"",
                "cluster-announce-hostname a_b", "repl-diskless-load never", "activedefrag yes",
                "list-max-ziplist-entries 1 2", "lua-replicate-commands", "active-expire-effort 11");
    }

    @ParameterizedTest
    @MethodSource("badLines")
    void badLineRejectedLikeRedis(String line) throws IOException {
        assumeThat(oracle).as("redis-server on PATH").isTrue();
        String text = "# a comment\n\n" + line + "\n";
        Verdict redis = RedisConfigOracle.judgeText(dir, text);
        assertThat(redis.accepted()).as("redis accepted it: %s", redis.output()).isFalse();
        Path file = write("bad.conf", text);
        ConfigFileException e = catchThrowableOfType(() -> Config.load(file, List.of()), ConfigFileException.class);
        assertThat(e).as("node accepted '%s'", line).isNotNull();
        assertThat(e.line()).isEqualTo(redis.line());
        assertThat(echoedLine(e)).isEqualTo(redis.text());
        assertReasonLikeRedis(e.reason(), redis.reason());
        assertThat(e.source()).isEqualTo(file.toAbsolutePath().toString());
    }

    static Stream<String> goodLines() {
        return Stream.of("port 6379", "PORT 6379", "port '6379'", "port \"6379\"", "  port 6379  ", "maxmemory 1KB",
                "maxmemory 5B", "maxmemory 01mb", "maxmemory 5Gb", "maxmemory \"\"", "maxmemory kb",
                "protected-mode YES", "maxmemory-policy ALLKEYS-LRU", "replicaof no one", "slaveof 127.0.0.1 1",
                "save \"\"", "save 900 1 300 10", "save \"900 1\"", "save \"900 \\\"1\\\"\"",
                "requirepass \"a b\"", "hash-max-ziplist-entries 10",
                "maxclients 4294967295", "maxmemory-samples 65", "loglevel WARNING", "save 900 1\nsave 300 10",
                "# only a comment", "\t# indented comment", "",
                // Debian's stock redis.conf and other Redis 7.0 shapes
                "oom-score-adj-values 0 200 800", "oom-score-adj-values \"0 200 800\"",
                "proc-title-template \"{title} {listen-addr} {server-mode}\"", "appendfilename \"appendonly.aof\"",
                "shutdown-on-sigterm save now", "shutdown-on-sigint \"nosave force\"", "maxmemory-clients 10%",
                "list-max-ziplist-entries 512", "list-max-ziplist-value 64", "lua-replicate-commands yes",
                "slave-lazy-flush yes", "lua-time-limit 100", "cluster-slave-no-failover yes", "daemonize no",
                "supervised auto", "tls-port 0", "cluster-enabled no", "aclfile \"\"");
    }

    @ParameterizedTest
    @MethodSource("goodLines")
    void goodLineAcceptedLikeRedis(String line) throws Exception {
        assumeThat(oracle).as("redis-server on PATH").isTrue();
        Verdict redis = RedisConfigOracle.judgeText(dir, line + "\n");
        assertThat(redis.accepted()).as("redis rejected it: %s", redis.output()).isTrue();
        Config.load(write("good.conf", line + "\n"), List.of());
    }

    /**
     * Every directive with values of every shape: whatever Redis accepts the node accepts, whatever Redis rejects the
     * node rejects with the same reason. Known, deliberate differences are listed with why.
     */
    @Test
    void everyDirectiveJudgesValuesLikeRedis() throws IOException {
        assumeThat(oracle).as("redis-server on PATH").isTrue();
        Set<String> deliberate = Set.of(
                "appendonly yes", // the node persists with RDB snapshots only
                "dir abc", "dir 0", "dir 1", "dir -1", "dir 99999999999999999999", "dir 1kb", "dir \"\"", "dir yes",
                "dir no", // Redis chdir()s while it parses; the node checks the directory at startup
                "hz 0", "hz 1000", // Redis accepts any int and clamps at run time; the node bounds it to 1..500
                "bind \"\"", "bind abc", "bind 0", "bind 1", "bind -1", "bind 99999999999999999999", "bind 1kb",
                "bind yes", "bind no", // Redis only resolves bind addresses when it starts listening
                "logfile abc", "logfile 0", "logfile 1", "logfile -1", "logfile 99999999999999999999",
                "logfile 1kb", "logfile yes", "logfile no", // Redis opens the log file while parsing
                "maxmemory 99999999999999999999", // saturates to 2^64-1 in Redis; the node keeps a signed long
                "cluster-link-sendbuf-limit 99999999999999999999", // the same
                // The node has no TLS: Redis fails right after parsing ("No tls-cert-file configured!"), the node
                // refuses the line with the error Redis' CONFIG SET gives.
                "tls-port 1", "tls-port 99999999999999999999", "tls-replication yes", "tls-cluster yes",
                "cluster-enabled yes", // the node is not a cluster node: refused rather than ignored
                // The node has only the default user: an ACL file would be silently ignored, so it is refused.
                "aclfile abc", "aclfile 0", "aclfile 1", "aclfile -1", "aclfile 99999999999999999999", "aclfile 1kb",
                "aclfile yes", "aclfile no",
                // The node keeps encoding thresholds in ints (Redis: up to LONG_MAX) and the backlog TTL in a long
                // of seconds that it multiplies by 1000, so their upper bounds are lower than Redis' and show.
                "hash-max-listpack-entries -1", "hash-max-listpack-value 99999999999999999999",
                "set-max-intset-entries -1", "zset-max-listpack-entries -1",
                "zset-max-listpack-value 99999999999999999999", "repl-backlog-ttl -1");
        List<String> mismatches = new ArrayList<>();
        for (Directive d : Directives.all()) {
            for (String value : List.of("abc", "0", "1", "-1", "99999999999999999999", "1kb", "yes", "no", "\"\"")) {
                String line = d.name() + " " + value;
                // With a unixsocket, redis-server --port 0 listens on it and never exits: not judged this way.
                if (deliberate.contains(line) || d == Directives.REPLICAOF || d == Directives.UNIXSOCKET) {
                    continue;
                }
                Verdict redis = RedisConfigOracle.judgeText(dir, line + "\n");
                String node;
                try {
                    Config.load(write("sweep.conf", line + "\n"), List.of());
                    node = "accepted";
                } catch (ConfigFileException e) {
                    node = e.reason();
                }
                String expected = redis.accepted() ? "accepted" : redis.reason();
                if (expected == null) {
                    expected = "(unparsed) " + redis.output();
                }
                if (!node.equals(expected)) {
                    mismatches.add("'" + line + "': redis " + expected + " / node " + node);
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    /** The report is Redis' block, plus the file's path (includes make "the configuration file" ambiguous). */
    @Test
    void fatalReportHasRedisFormatNamingTheFile() throws IOException {
        assumeThat(oracle).as("redis-server on PATH").isTrue();
        String text = "# comment\n\nport abc\n";
        Verdict redis = RedisConfigOracle.judgeText(dir, text);
        Path file = write("bad.conf", text);
        ConfigFileException e = catchThrowableOfType(() -> Config.load(file, List.of()), ConfigFileException.class);
        String report = e.report(VERSION);
        assertThat(report).isEqualTo("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n"
                + "Reading the configuration file " + file.toAbsolutePath() + ", at line 3\n"
                + ">>> 'port abc'\nargument couldn't be parsed into an integer\n");
        assertThat(redis.output()).contains(report.replace(" " + file.toAbsolutePath(), ""));
    }

    // ---- includes ----

    @Test
    void includedFileIsReadInPlace() throws Exception {
        Path inc = write("inc.conf", "port 2000\nhz 30\nmaxmemory 1mb\n");
        Path main = write("main.conf", "port 1000\nhz 20\ninclude " + inc.toAbsolutePath() + "\nhz 40\n");
        Config c = Config.load(main, List.of());
        assertThat(c.getLong(Directives.PORT)).isEqualTo(2000); // the include overrides earlier lines
        assertThat(c.getLong(Directives.HZ)).isEqualTo(40); // and later lines override the include
        assertThat(c.getLong(Directives.MAXMEMORY)).isEqualTo(1024 * 1024);
        // Command-line arguments come after everything in the files.
        assertThat(Config.load(main, List.of("--hz", "50")).getLong(Directives.HZ)).isEqualTo(50);
    }

    @Test
    void badLineInIncludedFileNamesThatFileAndItsLine() throws Exception {
        Path inc = write("inc.conf", "# included\n\nport abc\n");
        String mainText = "hz 20\ninclude " + inc.toAbsolutePath() + "\n";
        Path main = write("main.conf", mainText);
        ConfigFileException e = catchThrowableOfType(() -> Config.load(main, List.of()), ConfigFileException.class);
        assertThat(e.source()).isEqualTo(inc.toAbsolutePath().toString());
        assertThat(e.line()).isEqualTo(3);
        if (oracle) {
            Verdict redis = RedisConfigOracle.judgeText(dir, mainText);
            assertThat(e.line()).isEqualTo(redis.line());
            assertThat(e.reason()).isEqualTo(redis.reason());
        }
    }

    @Test
    void missingIncludeIsFatalWithRedisMessage() throws Exception {
        Path missing = dir.resolve("nope").resolve("x.conf");
        String text = "include " + missing + "\n";
        ConfigFileException e = catchThrowableOfType(() -> Config.load(write("main.conf", text), List.of()),
                ConfigFileException.class);
        String expected = "Fatal error, can't open config file '" + missing + "': No such file or directory";
        assertThat(e.reason()).isEqualTo(expected);
        assertThat(e.report(VERSION)).isEqualTo(expected + "\n");
        if (oracle) {
            assertThat(RedisConfigOracle.judgeText(dir, text).output()).contains(expected);
        }
    }

    // ---- CONFIG REWRITE ----

    @Test
    void rewriteKeepsCommentsUpdatesInPlaceAndAppendsTheRest() throws Exception {
        List<String> original = List.of(
                "# My config",
                "# second comment",
                "port 7000",
                "",
                "# memory",
                "maxmemory 1mb",
                "save 900 1",
                "maxmemory 5mb",
                "requirepass \"a b\"",
                "  # indented comment",
                "loglevel notice");
        Path file = write("r.conf", String.join("\n", original) + "\n");
        Config c = Config.load(file, List.of());
        c.set(Directives.MAXMEMORY, "2mb");
        c.set(Directives.HZ, "20");
        c.set(Directives.SAVE, "60 5 30 10");
        c.set(Directives.MAXMEMORY_POLICY, "allkeys-lru");
        c.set(Directives.LOGLEVEL, "warning");
        c.set(Directives.REPLICA_ANNOUNCE_IP, "x y");
        c.rewrite();
        List<String> lines = Files.readAllLines(file);

        // Every comment survives, in order.
        assertThat(lines.stream().filter(l -> l.strip().startsWith("#") && !l.contains("CONFIG REWRITE")))
                .containsExactly("# My config", "# second comment", "# memory", "  # indented comment");
        // Directives already in the file are updated where they were; the duplicate maxmemory line is gone.
        assertThat(lines.indexOf("port 7000")).isEqualTo(2);
        assertThat(lines.stream().filter(l -> l.startsWith("maxmemory "))).hasSize(1);
        assertThat(lines.stream().filter(l -> l.startsWith("maxmemory ")).findFirst().orElseThrow())
                .isIn("maxmemory 2097152", "maxmemory 2mb");
        assertThat(lines.indexOf("loglevel warning")).isGreaterThan(lines.indexOf("  # indented comment"));
        assertThat(lines).contains("requirepass \"a b\"");
        // New directives come after the marker Redis writes.
        int marker = lines.indexOf("# Generated by CONFIG REWRITE");
        assertThat(marker).isGreaterThan(lines.indexOf("loglevel warning"));
        assertThat(lines.subList(marker, lines.size())).contains("hz 20", "maxmemory-policy allkeys-lru",
                "replica-announce-ip \"x y\"");

        // Loading the rewritten file gives back every value.
        Config reloaded = Config.load(file, List.of());
        for (Directive d : Directives.all()) {
            assertThat(reloaded.format(d)).as(d.name()).isEqualTo(c.format(d));
        }
        // Rewriting again changes nothing.
        c.rewrite();
        assertThat(Files.readAllLines(file)).isEqualTo(lines);
        // And real Redis accepts the file the node wrote.
        if (oracle) {
            Verdict redis = RedisConfigOracle.judge(dir, file.toString());
            assertThat(redis.accepted()).as(redis.output()).isTrue();
        }
    }

    @Test
    void rewriteWithoutConfigFileFails() {
        assertThat(catchThrowableOfType(() -> new Config().rewrite(), IOException.class)).isNotNull();
    }

    // ---- helpers ----

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static List<String> words(String text) {
        return RespRequestParser.splitArgs(text.getBytes(StandardCharsets.UTF_8)).stream()
                .map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    /** The ">>> '...'" line of the report. */
    private static String echoedLine(ConfigFileException e) {
        String report = e.report(VERSION);
        int start = report.indexOf(">>> '") + 5;
        return report.substring(start, report.indexOf("'\n", start));
    }

    /**
     * The node names directives it does not support after Redis' own reason, so a Redis directive the node lacks is
     * told apart from a typo; everything else must be Redis' reason word for word.
     */
    private static void assertReasonLikeRedis(String node, String redis) {
        if (redis.equals("Bad directive or wrong number of arguments")) {
            assertThat(node).startsWith(redis);
        } else {
            assertThat(node).isEqualTo(redis);
        }
    }
}
