package dev.chorus.node.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chorus.node.command.meta.CommandMeta;
import dev.chorus.node.command.meta.RedisCommandData;
import dev.chorus.node.testing.InProcessNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The families declare arity and flags for the dispatcher; Redis' captured metadata declares them for COMMAND INFO.
 * These tests keep the two equal, so they can't drift, and check that the table holds exactly what the node
 * implements.
 */
class CommandTableTest {
    /** Redis hides may_replicate from COMMAND INFO and derives movablekeys from the key specs. */
    private static final Set<String> NOT_COMPARED = Set.of("may_replicate", "movablekeys");

    private final CommandTable table = new CommandTable(CommandFamilies.all());

    @Test
    void declaredArityAndFlagsEqualRedis() {
        assertThat(driftFromRedis(table)).isEmpty();
    }

    @Test
    void theDriftCheckSeesAWrongArityOrFlag() {
        CommandFamily wrong = () -> List.of(
                CommandSpec.of("get", 3, "readonly fast", ctx -> { }),
                CommandSpec.of("set", -3, "write denyoom fast", ctx -> { }),
                CommandSpec.of("config", -2, "").sub(CommandSpec.of("get", -3, "admin loading stale", ctx -> { })));
        assertThat(driftFromRedis(new CommandTable(List.of(wrong)))).containsExactly(
                "get: arity 3, Redis says 2",
                "set: flags [denyoom, fast, write], Redis says [denyoom, write]",
                "config|get: flags [admin, loading, stale], Redis says [admin, loading, noscript, stale]");
    }

    @Test
    void aCommandRedisDoesNotHaveIsRefused() {
        CommandFamily unknown = () -> List.of(CommandSpec.of("nosuchcommand", 1, "", ctx -> { }));
        assertThatThrownBy(() -> new CommandTable(List.of(unknown)))
                .hasMessageContaining("nosuchcommand is not a Redis 7.0.15 command");
        CommandFamily unknownSub = () -> List.of(CommandSpec.of("config", -2, "")
                .sub(CommandSpec.of("nosuch", 2, "", ctx -> { })));
        assertThatThrownBy(() -> new CommandTable(List.of(unknownSub)))
                .hasMessageContaining("config|nosuch is not a Redis command");
    }

    /**
     * Where Redis' key specs can't find keys alone (a numkeys argument, flags that depend on the arguments), Redis has
     * a getkeys proc, so the node's row needs one for COMMAND GETKEYS to give the same answers.
     */
    @Test
    void commandsWithMovableKeysOrVariableFlagsDeclareAGetKeysProc() {
        List<String> missing = new ArrayList<>();
        for (CommandSpec spec : everySpec(table)) {
            CommandMeta m = spec.meta();
            boolean needsProc = m.hasFlag("movablekeys") || m.keySpecs().stream()
                    .anyMatch(s -> s.has("variable_flags") || s.has("incomplete"));
            if (needsProc && spec.keysProc() == null) {
                missing.add(spec.fullName());
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void commandCountIsTheNumberOfImplementedCommands() {
        int declared = CommandFamilies.all().stream().mapToInt(f -> f.commands().size()).sum();
        try (InProcessNode node = new InProcessNode()) {
            String reply = node.connect().call("COMMAND", "COUNT");
            assertThat(reply).isEqualTo(":" + declared + "\r\n");
            assertThat(table.size()).isEqualTo(declared);
        }
    }

    @Test
    void commandListNamesExactlyTheImplementedCommandsAndSubcommands() {
        Set<String> implemented = everySpec(table).stream().map(CommandSpec::fullName)
                .collect(Collectors.toCollection(TreeSet::new));
        try (InProcessNode node = new InProcessNode()) {
            List<String> listed = bulkStrings(node.connect().call("COMMAND", "LIST"));
            assertThat(listed).doesNotHaveDuplicates();
            assertThat(new TreeSet<>(listed)).isEqualTo(implemented);
            // ... and COMMAND (no subcommand) / COMMAND INFO describe the same top-level commands
            assertThat(node.connect().call("COMMAND", "INFO")).isEqualTo(node.connect().call("COMMAND"));
        }
        assertThat(implemented).contains("get", "config|get", "client|list", "command|getkeys")
                .contains("xadd", "xgroup|create", "xinfo|stream", "eval", "script|load");
        RedisCommandData redis = RedisCommandData.redis7();
        assertThat(redis.all().size()).as("Redis itself has more").isGreaterThan(table.size());
    }

    /** Mismatches between each row's declared arity/flags and Redis' metadata for it, one line each. */
    static List<String> driftFromRedis(CommandTable table) {
        List<String> out = new ArrayList<>();
        for (CommandSpec spec : everySpec(table)) {
            CommandMeta m = spec.meta();
            if (spec.arity() != m.arity()) {
                out.add(spec.fullName() + ": arity " + spec.arity() + ", Redis says " + m.arity());
            }
            Set<String> declared = spec.flags().stream().map(CommandFlag::redisName)
                    .filter(f -> !NOT_COMPARED.contains(f)).collect(Collectors.toCollection(TreeSet::new));
            Set<String> redis = m.flags().stream().filter(f -> !NOT_COMPARED.contains(f))
                    .collect(Collectors.toCollection(TreeSet::new));
            if (!declared.equals(redis)) {
                out.add(spec.fullName() + ": flags " + declared + ", Redis says " + redis);
            }
        }
        return out;
    }

    private static List<CommandSpec> everySpec(CommandTable table) {
        List<CommandSpec> out = new ArrayList<>();
        for (CommandSpec spec : table.all()) {
            out.add(spec);
            out.addAll(spec.subcommands().values());
        }
        return out;
    }

    /** The bulk strings of a flat RESP array reply. */
    private static List<String> bulkStrings(String reply) {
        String[] lines = reply.split("\r\n");
        assertThat(lines[0]).startsWith("*");
        List<String> out = new ArrayList<>();
        for (int i = 1; i < lines.length; i += 2) {
            assertThat(lines[i]).startsWith("$");
            out.add(new String(lines[i + 1].getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        }
        assertThat(out).hasSize(Integer.parseInt(lines[0].substring(1)));
        return out;
    }
}
