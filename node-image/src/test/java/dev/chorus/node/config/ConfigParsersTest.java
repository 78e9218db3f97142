package dev.chorus.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The value parsers of the Redis 7.0.15 directives with structured values, and the no-effect table in docs/config.md.
 * (Every directive's accept/reject verdicts are also swept against redis-server itself in {@link ConfigTest}.)
 */
class ConfigParsersTest {
    private static Object set(Directive d, String raw) throws ConfigException {
        return Config.parseForSet(d, raw);
    }

    @Test
    void procTitleTemplateIsExpandedLikeSdstemplate() throws ConfigException {
        assertThat(set(Directives.PROC_TITLE_TEMPLATE, "{title} {listen-addr} {server-mode}"))
                .isEqualTo("{title} {listen-addr} {server-mode}");
        assertThat(set(Directives.PROC_TITLE_TEMPLATE, "{{x}")).isEqualTo("{{x}"); // "{{" is a quoted brace
        assertThat(set(Directives.PROC_TITLE_TEMPLATE, "x}")).isEqualTo("x}");
        assertThat(set(Directives.PROC_TITLE_TEMPLATE, "{unixsocket}{port}")).isEqualTo("{unixsocket}{port}");
        for (String bad : List.of("{title}", "", " ", "{nosuch}", "{port", "abc{", "{title} {server-mode}")) {
            assertThatThrownBy(() -> set(Directives.PROC_TITLE_TEMPLATE, bad)).as(bad)
                    .hasMessage("template format is invalid or contains unknown variables");
        }
        assertThat(ConfigParsers.expandProcTitle("{{{title}}", "redis-server")).isEqualTo("{redis-server}");
    }

    @Test
    void shutdownFlagsKeepRedisOrderAndRules() throws ConfigException {
        assertThat(set(Directives.SHUTDOWN_ON_SIGTERM, "default")).isEqualTo("default");
        assertThat(set(Directives.SHUTDOWN_ON_SIGTERM, "force now SAVE")).isEqualTo("save now force");
        assertThat(set(Directives.SHUTDOWN_ON_SIGTERM, "default nosave")).isEqualTo("nosave");
        assertThatThrownBy(() -> set(Directives.SHUTDOWN_ON_SIGTERM, "save nosave"))
                .hasMessage("shutdown options SAVE and NOSAVE can't be used simultaneously");
        assertThatThrownBy(() -> set(Directives.SHUTDOWN_ON_SIGTERM, ""))
                .hasMessage("argument(s) must be one of the following: default, save, nosave, now, force");
        assertThatThrownBy(() -> set(Directives.SHUTDOWN_ON_SIGINT, "save  now")) // split at every space
                .hasMessage("argument(s) must be one of the following: default, save, nosave, now, force");
    }

    @Test
    void maxmemoryClientsTakesBytesOrPercent() throws ConfigException {
        assertThat(set(Directives.MAXMEMORY_CLIENTS, "10%")).isEqualTo(-10L);
        assertThat(Directives.MAXMEMORY_CLIENTS.format(-10L)).isEqualTo("10%");
        assertThat(set(Directives.MAXMEMORY_CLIENTS, "1mb")).isEqualTo(1024L * 1024);
        assertThat(set(Directives.MAXMEMORY_CLIENTS, "100%")).isEqualTo(-100L);
        assertThatThrownBy(() -> set(Directives.MAXMEMORY_CLIENTS, "101%"))
                .hasMessage("percentage argument must be less or equal to 100");
        for (String bad : List.of("-1", "-1%", "%", "1.5%", "10%%", "abc")) {
            assertThatThrownBy(() -> set(Directives.MAXMEMORY_CLIENTS, bad)).as(bad)
                    .hasMessage("argument must be a memory or percent value");
        }
    }

    @Test
    void oomScoreAdjValuesAreThreeBoundedIntegers() throws ConfigException {
        assertThat(Directives.OOM_SCORE_ADJ_VALUES.format(set(Directives.OOM_SCORE_ADJ_VALUES, "-2000 0 2000")))
                .isEqualTo("-2000 0 2000");
        assertThatThrownBy(() -> set(Directives.OOM_SCORE_ADJ_VALUES, "1 2"))
                .hasMessage("wrong number of arguments");
        assertThatThrownBy(() -> set(Directives.OOM_SCORE_ADJ_VALUES, "1 2 2001"))
                .hasMessage("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
        assertThat(set(Directives.OOM_SCORE_ADJ, "relative")).isEqualTo("yes"); // one value, named "yes"
    }

    @Test
    void strtollAcceptsWhatCDoes() {
        assertThat(ConfigParsers.strtoll("12")).isEqualTo(12L);
        assertThat(ConfigParsers.strtoll(" +12")).isEqualTo(12L);
        assertThat(ConfigParsers.strtoll("-7")).isEqualTo(-7L);
        assertThat(ConfigParsers.strtoll("")).isEqualTo(0L);
        assertThat(ConfigParsers.strtoll("12x")).isNull();
        assertThat(ConfigParsers.strtoll("x")).isNull();
        assertThat(ConfigParsers.strtoll("99999999999999999999")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void filenamesAndHostnamesAreCheckedLikeRedis() {
        assertThatThrownBy(() -> set(Directives.APPENDFILENAME, "")).hasMessage("appendfilename can't be empty");
        assertThatThrownBy(() -> set(Directives.APPENDFILENAME, "a/b"))
                .hasMessage("appendfilename can't be a path, just a filename");
        assertThatThrownBy(() -> set(Directives.APPENDDIRNAME, "a/b"))
                .hasMessage("appenddirname can't be a path, just a dirname");
        assertThatThrownBy(() -> set(Directives.CLUSTER_ANNOUNCE_HOSTNAME, "a_b"))
                .hasMessage("Hostnames may only contain alphanumeric characters, hyphens or dots");
    }

    @Test
    void whatWouldChangeBehaviourSilentlyIsRefused() {
        assertThatThrownBy(() -> set(Directives.APPENDONLY, "yes")).hasMessageContaining("not supported");
        assertThatThrownBy(() -> set(Directives.CLUSTER_ENABLED, "yes")).hasMessageContaining("not supported");
        assertThatThrownBy(() -> set(Directives.ACLFILE, "/etc/redis/users.acl"))
                .hasMessageContaining("not supported");
        assertThatThrownBy(() -> set(Directives.TLS_PORT, "6380"))
                .hasMessage("Unable to update TLS configuration. Check server logs.");
        assertThatThrownBy(() -> set(Directives.TLS_REPLICATION, "yes"))
                .hasMessage("Unable to update TLS configuration. Check server logs.");
    }

    @Test
    void deprecatedDirectivesAreIgnoredLikeRedis(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("old.conf");
        Files.writeString(file, "list-max-ziplist-entries 512\nlist-max-ziplist-value 64\nlua-replicate-commands yes\n");
        Config.load(file, List.of());
        Files.writeString(file, "list-max-ziplist-entries 512 1\n");
        assertThatThrownBy(() -> Config.load(file, List.of())).isInstanceOf(ConfigFileException.class);
    }

    /** Redis 7.0 includes with a wildcard: every match in name order; no match is no error. */
    @Test
    void wildcardIncludeLoadsEveryMatch(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("conf.d"));
        Files.writeString(dir.resolve("conf.d/b.conf"), "maxmemory-samples 7\n");
        Files.writeString(dir.resolve("conf.d/a.conf"), "maxmemory-samples 6\nhz 20\n");
        Files.writeString(dir.resolve("conf.d/c.txt"), "hz 30\n");
        Path file = dir.resolve("main.conf");
        Files.writeString(file, "include " + dir.resolve("conf.d") + "/*.conf\ninclude " + dir + "/none.d/*.conf\n");
        Config c = Config.load(file, List.of());
        assertThat(c.getLong(Directives.MAXMEMORY_SAMPLES)).isEqualTo(7);
        assertThat(c.getLong(Directives.HZ)).isEqualTo(20);
    }

    /** "redis-server -": configuration from stdin comes after the file and before the command-line arguments. */
    @Test
    void stdinConfigurationSitsBetweenFileAndArguments(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("f.conf");
        Files.writeString(file, "maxmemory-samples 6\nhz 20\n");
        Config c = Config.load(file, "maxmemory-samples 9\ntimeout 7\n", List.of("--timeout", "8"));
        assertThat(c.getLong(Directives.MAXMEMORY_SAMPLES)).isEqualTo(9);
        assertThat(c.getLong(Directives.HZ)).isEqualTo(20);
        assertThat(c.getLong(Directives.TIMEOUT)).isEqualTo(8);
        ConfigFileException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> Config.load(null, "\nport 70000\n", List.of()), ConfigFileException.class);
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.reason()).isEqualTo("argument must be between 0 and 65535 inclusive");
    }

    /** CONFIG REWRITE writes lines as Redis 7.0.15 writes them (checked by hand against its CONFIG REWRITE). */
    @Test
    void rewriteFormatsValuesLikeRedis(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.conf");
        Files.writeString(file, "maxmemory 2mb\nslave-priority 50\n");
        Config c = Config.load(file, List.of());
        c.set(Directives.MAXMEMORY, "3mb");
        c.set(Directives.REPLICA_PRIORITY, "7");
        c.set(Directives.OOM_SCORE_ADJ_VALUES, "1 2 3");
        c.set(Directives.SHUTDOWN_ON_SIGTERM, "save now");
        c.set(Directives.MAXMEMORY_CLIENTS, "5%");
        c.set(Directives.PROC_TITLE_TEMPLATE, "{title} x");
        c.set(Directives.PIDFILE, "/run/x.pid");
        c.set(Directives.AUTO_AOF_REWRITE_MIN_SIZE, "1025");
        c.set(Directives.ACTIVE_DEFRAG_IGNORE_BYTES, "2gb");
        c.rewrite();
        assertThat(Files.readAllLines(file)).containsExactly("maxmemory 3mb", "replica-priority 7",
                "# Generated by CONFIG REWRITE", "proc-title-template \"{title} x\"", "oom-score-adj-values 1 2 3",
                "shutdown-on-sigterm save now", "auto-aof-rewrite-min-size 1025", "maxmemory-clients 5%",
                "active-defrag-ignore-bytes 2gb", "pidfile \"/run/x.pid\"");
    }

    /** docs/config.md's no-effect table lists exactly the directives that declare they have no effect. */
    @Test
    void noEffectTableInDocsMatchesTheDeclarations() throws IOException {
        Path doc = Path.of("docs/config.md");
        if (!Files.exists(doc)) {
            doc = Path.of("../docs/config.md");
        }
        String text = Files.readString(doc);
        String table = text.substring(text.indexOf("<!-- no-effect table -->"), text.indexOf("<!-- end -->"));
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `([^`]+)`").matcher(table);
        while (m.find()) {
            documented.add(m.group(1));
        }
        Set<String> declared = new TreeSet<>();
        for (Directive d : Directives.all()) {
            if (d.noEffect() != null) {
                declared.add(d.name());
            }
        }
        assertThat(documented).isEqualTo(declared);
    }
}
