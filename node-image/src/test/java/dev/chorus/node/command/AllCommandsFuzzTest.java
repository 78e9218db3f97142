package dev.chorus.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.InProcessNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives every command and subcommand in the node's {@link CommandTable} (so commands added later are covered without
 * touching this test) with arguments generated from Redis' own COMMAND DOCS argument metadata: keys of every type and
 * encoding, integers at and past the 64-bit limits, floats with inf/nan, every option and token, empty strings, plus
 * random mutations (a replaced, extra or missing argument). A valid or invalid command may get any error but never
 * "internal error", an exception on the server thread, a dropped connection or no reply at all.
 *
 * <p>Excluded, because they legitimately stop the server, leave this process or make it someone's replica: SHUTDOWN,
 * SYNC, PSYNC, REPLICAOF/SLAVEOF (only REPLICAOF NO ONE is sent), MIGRATE, DEBUG (crash, sleep, reload...), MONITOR.
 * Blocking commands either answer or block; a blocked client is dropped and replaced. CONFIG SET is kept off the
 * directives that would lock the test out or write outside its temporary directory.
 */
class AllCommandsFuzzTest {
    private static final Set<String> EXCLUDED = Set.of("shutdown", "sync", "psync", "replicaof", "slaveof", "migrate",
            "debug", "monitor", "failover", "cluster", "readonly", "readwrite", "asking");
    private static final Set<String> CONFIG_DENIED = Set.of("dir", "dbfilename", "logfile", "pidfile",
            "requirepass", "masterauth", "masteruser", "port", "bind", "unixsocket", "unixsocketperm", "tls-port",
            "replicaof", "slaveof", "timeout", "client-output-buffer-limit", "maxclients", "proto-max-bulk-len",
            "daemonize", "supervised", "appendonly", "appendfilename", "appenddirname", "aclfile",
            "client-query-buffer-limit", "enable-debug-command", "protected-mode", "save",
            "maxmemory-clients"); // a small one evicts the test's own clients, as Redis does
    /** Commands that may close their own connection. */
    private static final Set<String> MAY_CLOSE = Set.of("quit", "client|kill");

    private static final String[] INTS = {"0", "1", "-1", "2", "3", "-3", "5", "10", "-10", "100", "-100", "1000",
            "2147483647", "-2147483648", "9223372036854775807", "9223372036854775806", "-9223372036854775807", "2147483648", "4294967295", "4294967296", "9223372036854775807",
            "-9223372036854775808", "9223372036854775808", "-9223372036854775809", "18446744073709551616", "", "abc",
            "1.5", "+1", " 1", "0x10", "1e3", "007", "-0"};
    private static final String[] DOUBLES = {"0", "1", "-1", "1.5", "-2.5", "inf", "-inf", "+inf", "nan", "NaN",
            "1e308", "1e309", "-1e309", "4.9e-324", "0x1p3", "", "abc", "1,5", "9223372036854775807", "(1", "(1.5",
            "[a", "-", "+"};
    private static final String[] STRINGS = {"", "a", "b", "c", "x", "f1", "f2", "m1", "m5", "hello", "0", "1", "-1",
            "10", "3.5", "inf", "nan", "*", "k*", "[a", "(a", "-", "+", "\u0000", "\u00ff\u00fe", "1 2",
            "y".repeat(100), "z".repeat(70), "12345678901234567890"};
    private static final String[] PATTERNS = {"*", "?", "*1*", "[a-z]*", "[", "\\", "", "s*", "h?", "[^a]*"};
    private static final String[] KEYS = {"str", "num", "flt", "list", "biglist", "hash", "bighash", "set", "intset",
            "bigset", "zset", "bigzset", "missing", "", "{t}dst", "dst"};

    @TempDir
    Path dir;

    @Test
    void everyCommandAnswersWithoutInternalErrors() throws Exception {
        Map<String, String> failures = new LinkedHashMap<>();
        try (InProcessNode node = new InProcessNode()) {
            InProcessNode.TestClient admin = node.connect();
            admin.call("CONFIG", "SET", "dir", dir.toString());
            admin.call("CONFIG", "SET", "proto-max-bulk-len", "1mb"); // big enough to test, small enough to allocate
            List<String> configNames = new ArrayList<>();
            for (String line : admin.call("CONFIG", "GET", "*").split("\r\n")) {
                if (!line.isEmpty() && line.charAt(0) != '$' && line.charAt(0) != '*') {
                    configNames.add(line);
                }
            }
            Collections.sort(configNames);
            List<CommandSpec> specs = new ArrayList<>();
            for (CommandSpec spec : node.server().commands().all()) {
                if (EXCLUDED.contains(spec.name())) {
                    continue;
                }
                if (spec.subcommands().isEmpty()) {
                    specs.add(spec);
                } else {
                    specs.addAll(spec.subcommands().values());
                    specs.add(spec); // the container alone (wrong arity, unknown subcommand)
                }
            }
            specs.sort((a, b) -> a.fullName().compareTo(b.fullName()));
            Random rnd = new Random(Long.getLong("fuzz.seed", 20261206));
            Generator gen = new Generator(rnd, configNames);
            int rounds = Integer.getInteger("fuzz.rounds", 500);
            // A budget, not an assertion: on a loaded machine fewer rounds run, each still covering every command.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(
                    Long.getLong("fuzz.seconds", 90));
            populate(admin);
            InProcessNode.TestClient c = node.connect();
            int sinceReset = 0;
            for (int round = 0; round < rounds && (round < 3 || System.nanoTime() < deadline); round++) {
                List<CommandSpec> order = new ArrayList<>(specs);
                Collections.shuffle(order, rnd);
                for (CommandSpec spec : order) {
                    List<String> argv = gen.command(spec);
                    String where = spec.fullName() + " " + show(argv);
                    String reply;
                    try {
                        reply = c.call(argv.toArray(String[]::new));
                    } catch (RuntimeException e) {
                        failures.putIfAbsent(spec.fullName() + " threw " + e.getCause(), where);
                        c = node.connect();
                        continue;
                    }
                    int at = reply.indexOf("internal error");
                    if (at >= 0) {
                        String err = reply.substring(Math.max(0, reply.lastIndexOf('-', at)), reply.indexOf('\r', at));
                        failures.putIfAbsent(spec.fullName() + ": " + err, where);
                    }
                    boolean closed = c.closedByServer();
                    if (closed && !MAY_CLOSE.contains(spec.fullName()) && !MAY_CLOSE.contains(spec.name())) {
                        failures.putIfAbsent(spec.fullName() + ": connection dropped", where);
                    }
                    boolean fresh = closed;
                    if (reply.isEmpty() && !closed) {
                        // Paused or blocked: end the pause, and drop a client that stays blocked.
                        node.onServerThread(() -> {
                            node.server().clientPause().unpause();
                            return null;
                        });
                        String late = c.received();
                        boolean mayBlock = spec.has(CommandFlag.BLOCKING) || spec.name().equals("wait")
                                || spec.name().equals("exec")
                                || spec.fullName().equals("client|reply"); // OFF and SKIP answer nothing, like Redis
                        if (late.isEmpty() && !mayBlock) {
                            failures.putIfAbsent(spec.fullName() + ": no reply", where);
                        }
                        c.disconnect();
                        fresh = true;
                    }
                    if (fresh || rnd.nextInt(8) == 0) {
                        if (!closed && !fresh) {
                            c.disconnect();
                        }
                        c = node.connect();
                    }
                    if (++sinceReset >= 60) {
                        sinceReset = 0;
                        node.onServerThread(() -> {
                            node.server().clientPause().unpause();
                            return null;
                        });
                        admin.call("CONFIG", "SET", "maxmemory", "0");
                        admin.call("CONFIG", "SET", "dir", dir.toString());
                        populate(admin);
                    }
                }
            }
        }
        assertThat(failures).as("commands answering internal errors (first arguments seen for each)").isEmpty();
    }

    private static String show(List<String> argv) {
        StringBuilder sb = new StringBuilder();
        for (String a : argv) {
            sb.append('"').append(a.length() > 40 ? a.substring(0, 40) + "..." : a).append("\" ");
        }
        return sb.toString();
    }

    /** Fresh data: one key of every type and encoding. */
    private static void populate(InProcessNode.TestClient admin) {
        admin.call("FLUSHALL");
        admin.call("SELECT", "0");
        admin.call("SET", "str", "hello world");
        admin.call("SET", "num", "10");
        admin.call("SET", "flt", "1.5");
        admin.call("RPUSH", "list", "a", "b", "c", "a", "1");
        admin.call("HSET", "hash", "f1", "v1", "f2", "2", "f3", "1.5");
        admin.call("SADD", "set", "a", "b", "c");
        admin.call("SADD", "intset", "1", "2", "3", "-5");
        admin.call("ZADD", "zset", "1", "a", "2", "b", "2", "c", "-inf", "m", "inf", "n");
        List<String> list = new ArrayList<>(List.of("RPUSH", "biglist"));
        List<String> hash = new ArrayList<>(List.of("HSET", "bighash"));
        List<String> set = new ArrayList<>(List.of("SADD", "bigset"));
        List<String> zset = new ArrayList<>(List.of("ZADD", "bigzset"));
        for (int i = 0; i < 200; i++) {
            list.add("m" + i);
            hash.add("f" + i);
            hash.add(Integer.toString(i));
            set.add("m" + i);
            zset.add(Integer.toString(i % 50));
            zset.add("m" + i);
        }
        admin.call(list.toArray(String[]::new));
        admin.call(hash.toArray(String[]::new));
        admin.call(set.toArray(String[]::new));
        admin.call(zset.toArray(String[]::new));
        admin.call("PEXPIRE", "set", "100000");
    }

    /** Argument lists from COMMAND DOCS' argument trees, with random choices and mutations. */
    static final class Generator {
        private final Random rnd;
        private final List<String> configNames;

        Generator(Random rnd, List<String> configNames) {
            this.rnd = rnd;
            this.configNames = configNames;
        }

        List<String> command(CommandSpec spec) {
            List<String> argv = new ArrayList<>();
            if (spec.parent() != null) {
                argv.add(caseOf(spec.parent().name()));
                argv.add(caseOf(spec.name()));
            } else {
                argv.add(caseOf(spec.name()));
                if (!spec.subcommands().isEmpty()) {
                    // The container without (or with an unknown) subcommand.
                    if (rnd.nextBoolean()) {
                        argv.add(pick(STRINGS));
                    }
                    return argv;
                }
            }
            Object args = spec.meta() == null || spec.meta().docs() == null ? null
                    : spec.meta().docs().get("arguments");
            if (args instanceof List<?> list) {
                sequence(list, argv, spec);
            } else {
                int n = Math.abs(spec.arity()) - argv.size() + (spec.arity() < 0 ? rnd.nextInt(3) : 0);
                for (int i = 0; i < n; i++) {
                    argv.add(anyValue());
                }
            }
            if (spec.fullName().equals("replicaof") || spec.fullName().equals("slaveof")) {
                return List.of("REPLICAOF", "NO", "ONE");
            }
            if (spec.fullName().equals("config|set")) {
                argv.subList(2, argv.size()).clear();
                int n = 1 + rnd.nextInt(2);
                for (int i = 0; i < n; i++) {
                    String name = configNames.isEmpty() ? "maxmemory" : configNames.get(rnd.nextInt(configNames.size()));
                    if (CONFIG_DENIED.contains(name)) {
                        name = "hz";
                    }
                    argv.add(name);
                    argv.add(rnd.nextBoolean() ? pick(INTS) : anyValue());
                }
                return argv;
            }
            mutate(argv, spec.parent() != null ? 2 : 1);
            return argv;
        }

        private void mutate(List<String> argv, int fixed) {
            int r = rnd.nextInt(10);
            if (r < 6) {
                return;
            }
            if (r < 8 && argv.size() > fixed) {
                argv.set(fixed + rnd.nextInt(argv.size() - fixed), anyValue());
            } else if (r < 9) {
                argv.add(anyValue());
            } else if (argv.size() > fixed) {
                argv.remove(argv.size() - 1);
            }
        }

        @SuppressWarnings("unchecked")
        private void sequence(List<?> args, List<String> out, CommandSpec spec) {
            for (int i = 0; i < args.size(); i++) {
                Map<String, Object> a = (Map<String, Object>) args.get(i);
                String name = String.valueOf(a.get("name"));
                if (name.equals("numkeys") && i + 1 < args.size() && rnd.nextInt(6) != 0) {
                    // numkeys followed by its keys: a matching count most of the time.
                    List<String> keys = new ArrayList<>();
                    argument((Map<String, Object>) args.get(i + 1), keys, spec);
                    out.add(Integer.toString(keys.size()));
                    out.addAll(keys);
                    i++;
                    continue;
                }
                argument(a, out, spec);
            }
        }

        @SuppressWarnings("unchecked")
        private void argument(Map<String, Object> a, List<String> out, CommandSpec spec) {
            List<String> flags = a.get("flags") instanceof List<?> l ? (List<String>) l : List.of();
            if (flags.contains("optional") && rnd.nextInt(5) < 2) {
                return;
            }
            int reps = flags.contains("multiple") ? 1 + rnd.nextInt(3) : 1;
            for (int r = 0; r < reps; r++) {
                Object token = a.get("token");
                if (token != null && (r == 0 || flags.contains("multiple_token"))) {
                    out.add(caseOf(token.toString()));
                }
                String type = String.valueOf(a.get("type"));
                switch (type) {
                    case "key" -> out.add(pick(KEYS));
                    case "integer" -> out.add(rnd.nextBoolean() ? pick(INTS) : Integer.toString(rnd.nextInt(7) - 2));
                    case "double" -> out.add(rnd.nextInt(3) == 0 ? pick(DOUBLES) : Integer.toString(rnd.nextInt(5)));
                    case "unix-time" -> out.add(rnd.nextBoolean()
                            ? Long.toString(System.currentTimeMillis() / (rnd.nextBoolean() ? 1000 : 1)
                                    + rnd.nextInt(100_000))
                            : pick(INTS));
                    case "pattern" -> out.add(pick(PATTERNS));
                    case "pure-token" -> {
                        if (token == null) {
                            out.add(pick(STRINGS));
                        }
                    }
                    case "oneof" -> {
                        List<?> alts = (List<?>) a.get("arguments");
                        argument((Map<String, Object>) alts.get(rnd.nextInt(alts.size())), out, spec);
                    }
                    case "block" -> sequence((List<?>) a.get("arguments"), out, spec);
                    default -> out.add(rnd.nextInt(3) == 0 ? anyValue() : pick(STRINGS));
                }
            }
        }

        private String anyValue() {
            return switch (rnd.nextInt(5)) {
                case 0 -> pick(INTS);
                case 1 -> pick(DOUBLES);
                case 2 -> pick(KEYS);
                case 3 -> pick(PATTERNS);
                default -> pick(STRINGS);
            };
        }

        private String caseOf(String s) {
            return rnd.nextBoolean() ? s.toUpperCase(Locale.ROOT) : s.toLowerCase(Locale.ROOT);
        }

        private String pick(String[] values) {
            return values[rnd.nextInt(values.length)];
        }
    }
}
