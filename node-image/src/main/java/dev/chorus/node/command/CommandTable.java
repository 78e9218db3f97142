package dev.chorus.node.command;

import dev.chorus.node.command.meta.CommandMeta;
import dev.chorus.node.command.meta.RedisCommandData;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every command the node implements, by lowercase name: the families' rows merged with Redis' own metadata for them.
 * Commands Redis has but the node doesn't are not here, so COMMAND, COMMAND COUNT/LIST/INFO/DOCS never show them.
 */
public final class CommandTable {
    private final Map<String, CommandSpec> commands = new LinkedHashMap<>();

    public CommandTable(List<CommandFamily> families) {
        this(families, RedisCommandData.redis7());
    }

    public CommandTable(List<CommandFamily> families, RedisCommandData data) {
        for (CommandFamily family : families) {
            for (CommandSpec.Builder b : family.commands()) {
                CommandMeta meta = data.command(b.name());
                if (meta == null) {
                    throw new IllegalStateException(b.name() + " is not a Redis " + data.redisVersion() + " command");
                }
                CommandSpec spec = b.build(meta);
                if (commands.putIfAbsent(spec.name(), spec) != null) {
                    throw new IllegalStateException("command defined twice: " + spec.name());
                }
            }
        }
    }

    public CommandSpec lookup(byte[] name) {
        if (name.length > 64) {
            return null;
        }
        return commands.get(new String(name, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
    }

    public CommandSpec lookup(String name) {
        return commands.get(name.toLowerCase(Locale.ROOT));
    }

    /**
     * A command or subcommand by Redis' full name ("get", "config|get"; Redis' lookupCommandBySds): null for an
     * unknown name, for a subcommand of a command that has none, and for more than one level of '|'.
     */
    public CommandSpec lookupFullName(String fullName) {
        String[] parts = fullName.split("\\|", -1);
        if (parts.length > 2) {
            return null;
        }
        CommandSpec spec = lookup(parts[0]);
        if (spec == null || parts.length == 1) {
            return spec;
        }
        return spec.subcommand(parts[1]);
    }

    /**
     * The command a command line runs (Redis' lookupCommand): the container itself when it is alone or has no
     * subcommands, else its subcommand (null when unknown).
     */
    public CommandSpec lookupCommandLine(byte[][] argv) {
        CommandSpec spec = lookup(argv[0]);
        if (spec == null || argv.length == 1 || spec.subcommands().isEmpty()) {
            return spec;
        }
        return spec.subcommand(new String(argv[1], StandardCharsets.ISO_8859_1));
    }

    public Collection<CommandSpec> all() {
        return commands.values();
    }

    public int size() {
        return commands.size();
    }
}
