package dev.chorus.node.command.meta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.command.meta.CommandDataGenerator.Resp;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.RespFrames;
import dev.chorus.node.testing.ServerProcess;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * COMMAND INFO, COMMAND DOCS and COMMAND GETKEYS[ANDFLAGS] of the node against redis-server 7.0.15, for every
 * command and subcommand the node implements, in RESP2 and RESP3. Replies for one command are compared byte for
 * byte. A container (CONFIG, CLIENT...) lists its subcommands in Redis' hash-table order, which changes with every
 * start, and the node lists only those it implements: there the comparison sorts subcommands by name and leaves out
 * the ones the node doesn't have, but is otherwise exact (types included).
 */
class CommandMetadataIT {
    private static ServerProcess redis;
    private static ServerProcess node;
    private static List<String> implemented;

    @BeforeAll
    static void start() {
        redis = ServerProcess.redis();
        node = ServerProcess.node();
        try (RawConnection n = node.connect()) {
            implemented = bulkStrings(parse(n.call("COMMAND", "LIST")));
        }
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
        if (node != null) {
            node.close();
        }
    }

    /** Every implemented command and subcommand alone: identical bytes, except containers (see class comment). */
    @ParameterizedTest
    @ValueSource(strings = {"2", "3"})
    void infoAndDocsOfEachCommand(String protocol) {
        List<String> mismatches = new ArrayList<>();
        try (RawConnection r = redis.connect(); RawConnection n = node.connect()) {
            r.call("HELLO", protocol);
            n.call("HELLO", protocol);
            for (String name : implemented) {
                for (String what : List.of("INFO", "DOCS")) {
                    byte[] expected = r.call("COMMAND", what, name);
                    byte[] actual = n.call("COMMAND", what, name);
                    boolean same = isContainer(name)
                            ? normalized(parse(expected), true).equals(normalized(parse(actual), false))
                            : Arrays.equals(expected, actual);
                    if (!same) {
                        mismatches.add("RESP" + protocol + " COMMAND " + what + " " + name + "\n  redis: "
                                + RespFrames.show(expected) + "\n  node:  " + RespFrames.show(actual));
                    }
                }
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(implemented).hasSizeGreaterThan(150);
    }

    /** COMMAND, COMMAND INFO and COMMAND DOCS without names: Redis' reply restricted to what the node implements. */
    @ParameterizedTest
    @ValueSource(strings = {"2", "3"})
    void allCommandsAtOnce(String protocol) {
        try (RawConnection r = redis.connect(); RawConnection n = node.connect()) {
            r.call("HELLO", protocol);
            n.call("HELLO", protocol);
            for (List<String> command : List.of(List.of("COMMAND"), List.of("COMMAND", "INFO"),
                    List.of("COMMAND", "DOCS"))) {
                String[] argv = command.toArray(new String[0]);
                Resp expected = normalized(parse(r.call(argv)), true);
                Resp actual = normalized(parse(n.call(argv)), false);
                assertThat(actual.items()).as(String.join(" ", command)).hasSameSizeAs(expected.items());
                for (int i = 0; i < expected.items().size(); i++) {
                    assertThat(actual.items().get(i)).as(String.join(" ", command)).isEqualTo(expected.items().get(i));
                }
                assertThat(actual).isEqualTo(expected);
            }
        }
    }

    /** Names COMMAND INFO/DOCS can't resolve, lookups by full name, several names, the other subcommands. */
    @Test
    void lookupsAndSubcommands() {
        List<List<String>> commands = List.of(
                List.of("COMMAND", "INFO", "nosuch", "get", "GET", "config|get", "CONFIG|GET", "config|nosuch",
                        "get|x", "config|get|x", "", "|get", "config|"),
                List.of("COMMAND", "DOCS", "nosuch", "get", "config|get", "get|x", "config|get|x", "", "config|"),
                List.of("COMMAND", "HELP"),
                List.of("COMMAND", "HELP", "x"),
                List.of("COMMAND", "NOSUCH"),
                List.of("COMMAND", "COUNT", "x"),
                List.of("COMMAND", "LIST", "FILTERBY"),
                List.of("COMMAND", "LIST", "FILTERBY", "PATTERN"),
                List.of("COMMAND", "LIST", "FILTERBY", "NOSUCH", "x"),
                List.of("COMMAND", "LIST", "FILTERBY", "PATTERN", "x", "FILTERBY", "ACLCAT", "read"),
                List.of("COMMAND", "LIST", "FILTERBY", "MODULE", "x"),
                List.of("COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"),
                List.of("COMMAND", "LIST", "FILTERBY", "ACLCAT", "@read"),
                List.of("COMMAND", "LIST", "x"),
                List.of("COMMAND", "GETKEYS"),
                List.of("COMMAND", "GETKEYS", "get"),
                List.of("CONFIG", "HELP"));
        try (RawConnection r = redis.connect(); RawConnection n = node.connect()) {
            for (List<String> command : commands) {
                String[] argv = command.toArray(new String[0]);
                assertThat(RespFrames.show(n.call(argv))).as(String.join(" ", command))
                        .isEqualTo(RespFrames.show(r.call(argv)));
            }
            // LIST filters: Redis' answer restricted to what the node implements
            for (String[] filter : new String[][] {{"PATTERN", "z*"}, {"PATTERN", "CONFIG|*"}, {"ACLCAT", "READ"},
                    {"ACLCAT", "sortedset"}, {"ACLCAT", "dangerous"}}) {
                String[] argv = {"COMMAND", "LIST", "FILTERBY", filter[0], filter[1]};
                Set<String> expected = new TreeSet<>(bulkStrings(parse(r.call(argv))));
                expected.retainAll(implemented);
                assertThat(new TreeSet<>(bulkStrings(parse(n.call(argv))))).as(String.join(" ", argv))
                        .isNotEmpty().isEqualTo(expected);
            }
        }
    }

    /**
     * COMMAND GETKEYS and GETKEYSANDFLAGS for random command lines of every implemented command: numkeys with good,
     * bad, zero, negative and non-numeric counts, options that look like keywords, too few arguments.
     */
    @Test
    void getKeysOfRandomCommandLines() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String[] pool = {"k1", "k2", "k3", "0", "1", "2", "3", "-1", "2abc", " 2", "99999999999", "weights",
            "withscores", "aggregate", "left", "RIGHT", "min", "MAX", "count", "limit", "get", "GET", "set", "incrby",
            "overflow", "wrap", "u8", "i16", "ex", "keepttl", "store", ""};
        List<String> mismatches = new ArrayList<>();
        try (RawConnection r = redis.connect(); RawConnection n = node.connect()) {
            for (String name : implemented) {
                List<String> prefix = List.of(name.split("\\|"));
                for (int round = 0; round < 25; round++) {
                    List<String> argv = new ArrayList<>(List.of("COMMAND",
                            random.nextBoolean() ? "GETKEYS" : "GETKEYSANDFLAGS"));
                    argv.addAll(prefix);
                    int extra = random.nextInt(7);
                    for (int i = 0; i < extra; i++) {
                        argv.add(pool[random.nextInt(pool.length)]);
                    }
                    String[] line = argv.toArray(new String[0]);
                    byte[] expected = r.call(line);
                    byte[] actual = n.call(line);
                    if (!Arrays.equals(expected, actual)) {
                        mismatches.add(String.join(" ", argv) + "\n  redis: " + RespFrames.show(expected)
                                + "\n  node:  " + RespFrames.show(actual));
                    }
                }
            }
        }
        assertThat(mismatches).as("seed " + seed).isEmpty();
    }

    private static boolean isContainer(String name) {
        return implemented.stream().anyMatch(n -> n.startsWith(name + "|"));
    }

    /**
     * The reply with each container's subcommands sorted by name; in Redis' reply ({@code fromRedis}) also without
     * the commands and subcommands the node doesn't implement.
     */
    private static Resp normalized(Resp reply, boolean fromRedis) {
        List<Resp> items = new ArrayList<>(reply.items());
        if (reply.type() == '%' || (reply.type() == '*' && !items.isEmpty() && items.get(0).type() == '$'
                && items.get(0).text() != null)) {
            // COMMAND DOCS: name, docs, name, docs...
            List<List<Resp>> pairs = new ArrayList<>();
            for (int i = 0; i < items.size(); i += 2) {
                if (!fromRedis || implemented.contains(items.get(i).text())) {
                    pairs.add(List.of(items.get(i), normalizedDocs(items.get(i + 1), fromRedis)));
                }
            }
            pairs.sort(Comparator.comparing(p -> p.get(0).text()));
            return new Resp(reply.type(), null, pairs.stream().flatMap(List::stream).toList());
        }
        // COMMAND INFO: an array of 10-element entries (or nulls)
        List<Resp> entries = new ArrayList<>();
        for (Resp entry : items) {
            if (entry.items().isEmpty()) {
                entries.add(entry);
            } else if (!fromRedis || implemented.contains(entry.items().get(0).text())) {
                List<Resp> fields = new ArrayList<>(entry.items());
                fields.set(9, normalized(fields.get(9), fromRedis));
                entries.add(new Resp(entry.type(), null, fields));
            }
        }
        if (entries.stream().noneMatch(e -> e.items().isEmpty())) {
            entries.sort(Comparator.comparing(e -> e.items().get(0).text()));
        }
        return new Resp(reply.type(), null, entries);
    }

    private static Resp normalizedDocs(Resp docs, boolean fromRedis) {
        List<Resp> items = new ArrayList<>(docs.items());
        for (int i = 0; i < items.size(); i += 2) {
            if ("subcommands".equals(items.get(i).text())) {
                items.set(i + 1, normalized(items.get(i + 1), fromRedis));
            }
        }
        return new Resp(docs.type(), null, items);
    }

    private static Resp parse(byte[] frame) {
        try {
            return Resp.read(new ByteArrayInputStream(frame));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> bulkStrings(Resp array) {
        return array.items().stream().map(Resp::text).toList();
    }
}
