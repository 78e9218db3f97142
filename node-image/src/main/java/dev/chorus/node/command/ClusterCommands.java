package dev.chorus.node.command;

import java.util.List;

/**
 * The cluster-only commands a standalone Redis still knows: READONLY, READWRITE, ASKING and every CLUSTER subcommand
 * answer that cluster support is disabled (Redis' readonlyCommand/readwriteCommand/askingCommand/clusterCommand with
 * cluster-enabled no).
 */
public final class ClusterCommands implements CommandFamily {
    private static final String DISABLED = "ERR This instance has cluster support disabled";

    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(
                CommandSpec.of("readonly", 1, "loading stale fast", ClusterCommands::disabled),
                CommandSpec.of("readwrite", 1, "loading stale fast", ClusterCommands::disabled),
                CommandSpec.of("asking", 1, "fast", ClusterCommands::disabled),
                // clusterCommand with cluster-enabled no: every subcommand (HELP too) answers that support is
                // disabled, after the usual lookup and arity checks of its row.
                CommandSpec.of("cluster", -2, "")
                        .sub(CommandSpec.of("addslots", -3, "admin stale no_async_loading").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("addslotsrange", -4, "admin stale no_async_loading").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("bumpepoch", 2, "admin stale no_async_loading").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("count-failure-reports", 3, "admin stale").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("countkeysinslot", 3, "stale").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("delslots", -3, "admin stale no_async_loading").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("delslotsrange", -4, "admin stale no_async_loading").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("failover", -2, "admin stale no_async_loading").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("flushslots", 2, "admin stale no_async_loading").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("forget", 3, "admin stale no_async_loading").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("getkeysinslot", 4, "stale").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("help", 2, "loading stale").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("info", 2, "stale").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("keyslot", 3, "stale").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("links", 2, "stale").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("meet", -4, "admin stale no_async_loading").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("myid", 2, "stale").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("nodes", 2, "stale").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("replicas", 3, "admin stale").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("replicate", 3, "admin stale no_async_loading").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("reset", -2, "admin noscript stale").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("saveconfig", 2, "admin stale no_async_loading").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("set-config-epoch", 3, "admin stale no_async_loading").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("setslot", -4, "admin stale no_async_loading").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("shards", 2, "stale").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("slaves", 3, "admin stale").handler(ClusterCommands::disabled))
                        .sub(CommandSpec.of("slots", 2, "stale").handler(ClusterCommands::disabled)));
    }

    private static void disabled(CommandContext ctx) {
        throw new CommandError(DISABLED);
    }
}
