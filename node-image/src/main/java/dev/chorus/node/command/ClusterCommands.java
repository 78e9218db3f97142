package dev.chorus.node.command;

import java.util.List;

/**
 * The cluster-only connection commands a standalone Redis still knows: READONLY, READWRITE and ASKING answer that
 * cluster support is disabled (Redis' readonlyCommand/readwriteCommand/askingCommand with cluster-enabled no).
 */
public final class ClusterCommands implements CommandFamily {
    private static final String DISABLED = "ERR This instance has cluster support disabled";

    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(
                CommandSpec.of("readonly", 1, "loading stale fast", ClusterCommands::disabled),
                CommandSpec.of("readwrite", 1, "loading stale fast", ClusterCommands::disabled),
                CommandSpec.of("asking", 1, "fast", ClusterCommands::disabled));
    }

    private static void disabled(CommandContext ctx) {
        throw new CommandError(DISABLED);
    }
}
