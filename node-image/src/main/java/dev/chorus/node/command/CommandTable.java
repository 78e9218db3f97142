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
    private byte[][] probeNames;
    private CommandSpec[] probeSpecs;
    private int mask;

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
        buildProbeTable();
    }

    /** Every command runs through here: an open-addressing table probed with the raw name, case-folded in place. */
    public CommandSpec lookup(byte[] name) {
        if (name.length > 64) {
            return null;
        }
        int h = foldedHash(name) & mask;
        while (probeNames[h] != null) {
            if (equalsFolded(probeNames[h], name)) {
                return probeSpecs[h];
            }
            h = (h + 1) & mask;
        }
        return null;
    }

    private void buildProbeTable() {
        int size = Integer.highestOneBit(Math.max(16, commands.size() * 4));
        probeNames = new byte[size][];
        probeSpecs = new CommandSpec[size];
        mask = size - 1;
        for (CommandSpec spec : commands.values()) {
            byte[] n = spec.name().getBytes(StandardCharsets.ISO_8859_1);
            int h = foldedHash(n) & mask;
            while (probeNames[h] != null) {
                h = (h + 1) & mask;
            }
            probeNames[h] = n;
            probeSpecs[h] = spec;
        }
    }

    private static int fold(byte b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
    }

    private static int foldedHash(byte[] b) {
        int h = 0x811C9DC5;
        for (byte x : b) {
            h = (h ^ fold(x)) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }

    /** {@code lower} is already lower case (a table name). */
    private static boolean equalsFolded(byte[] lower, byte[] candidate) {
        if (lower.length != candidate.length) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            if (lower[i] != fold(candidate[i])) {
                return false;
            }
        }
        return true;
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
