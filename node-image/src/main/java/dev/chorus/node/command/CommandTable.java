package dev.chorus.node.command;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Every command the node implements, by lowercase name. Built once from the families; also feeds COMMAND. */
public final class CommandTable {
    private final Map<String, CommandSpec> commands = new LinkedHashMap<>();

    public CommandTable(List<CommandFamily> families) {
        for (CommandFamily family : families) {
            for (CommandSpec.Builder b : family.commands()) {
                CommandSpec spec = b.build();
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
        return commands.get(new String(name, java.nio.charset.StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
    }

    public CommandSpec lookup(String name) {
        return commands.get(name.toLowerCase(Locale.ROOT));
    }

    public Collection<CommandSpec> all() {
        return commands.values();
    }

    public int size() {
        return commands.size();
    }
}
