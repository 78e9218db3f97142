package dev.chorus.node.command;

import dev.chorus.node.net.Client;
import java.util.List;

/**
 * The CLIENT subcommands over state kept in command/shared (TRACKING, CACHING, GETREDIR, TRACKINGINFO, REPLY,
 * UNBLOCK; networking.c), and MONITOR. ConnectionCommands lists the CLIENT rows; this family adds MONITOR.
 */
public final class ClientStateCommands implements CommandFamily {
    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(CommandSpec.of("monitor", 1, "admin noscript loading stale", ClientStateCommands::monitor));
    }

    static void tracking(CommandContext ctx) {
        ctx.server().shared().tracking().trackingCommand(ctx.client(), ctx.argv());
    }

    static void caching(CommandContext ctx) {
        ctx.server().shared().tracking().cachingCommand(ctx.client(), ctx.option(2));
    }

    static void getredir(CommandContext ctx) {
        ctx.reply().integer(ctx.client().tracking().redirection());
    }

    static void trackinginfo(CommandContext ctx) {
        ctx.server().shared().tracking().trackingInfo(ctx.client());
    }

    /** CLIENT REPLY ON|OFF|SKIP: OFF and SKIP answer nothing; ON answers +OK. */
    static void reply(CommandContext ctx) {
        Client c = ctx.client();
        switch (ctx.option(2)) {
            case "on" -> {
                c.setReplyOff(false);
                ctx.reply().ok();
            }
            case "off" -> c.setReplyOff(true);
            case "skip" -> c.skipNextReply();
            default -> throw Errors.syntax();
        }
    }

    /** CLIENT UNBLOCK id [TIMEOUT|ERROR]: the reason is checked before the id, as in Redis. */
    static void unblock(CommandContext ctx) {
        if (ctx.argc() > 4) {
            throw new CommandError("ERR unknown subcommand or wrong number of arguments for '"
                    + Errors.truncate(ctx.argString(1)) + "'. Try "
                    + ctx.argString(0).toUpperCase(java.util.Locale.ROOT) + " HELP.");
        }
        boolean error = false;
        if (ctx.argc() == 4) {
            switch (ctx.option(3)) {
                case "timeout" -> error = false;
                case "error" -> error = true;
                default -> throw new CommandError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            }
        }
        long id = ctx.longArg(2);
        Client target = ctx.server().clients().get(id);
        boolean unblocked = target != null && ctx.server().blockedClients().unblock(target,
                error ? "UNBLOCKED client unblocked via CLIENT UNBLOCK" : null);
        ctx.reply().integer(unblocked ? 1 : 0);
    }

    /** MONITOR: not inside a transaction; a second MONITOR is ignored without a reply. */
    static void monitor(CommandContext ctx) {
        Client c = ctx.client();
        if (c.executingTransaction()) {
            throw new CommandError("ERR MONITOR isn't allowed for DENY BLOCKING client");
        }
        if (c.monitor() || c.kind() == Client.Kind.REPLICA) {
            return;
        }
        ctx.server().shared().monitors().add(c);
        ctx.reply().ok();
    }
}
