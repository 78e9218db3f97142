package dev.chorus.node.command.meta;

import java.util.List;

/** A key found in a command line: its argument index and how the command uses it (key-spec flags, maybe none). */
public record KeyRef(int pos, List<String> flags) {
}
