package dev.chorus.node.command;

import dev.chorus.node.persistence.RdbPersistence;
import java.util.List;

/** SAVE, BGSAVE and LASTSAVE (rdb.c). */
public final class PersistenceCommands implements CommandFamily {
    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(
                CommandSpec.of("save", 1, "admin noscript no_async_loading no_multi").handler(PersistenceCommands::save),
                CommandSpec.of("bgsave", -1, "admin noscript no_async_loading").handler(PersistenceCommands::bgsave),
                CommandSpec.of("lastsave", 1, "loading stale fast")
                        .handler(ctx -> ctx.reply().integer(ctx.server().persistence().lastSave())));
    }

    static void save(CommandContext ctx) {
        RdbPersistence p = ctx.server().persistence();
        if (p.snapshotInProgress()) {
            throw new CommandError("ERR Background save already in progress");
        }
        if (!p.save().ok()) {
            throw new CommandError("ERR");
        }
        ctx.reply().ok();
    }

    static void bgsave(CommandContext ctx) {
        if (ctx.argc() > 1 && !(ctx.argc() == 2 && ctx.optionIs(1, "schedule"))) {
            throw Errors.syntax();
        }
        // Inside EXEC a save cannot start (Redis: in_exec): it is scheduled for the cron, SCHEDULE or not.
        switch (ctx.server().persistence().bgsave(ctx.client().executingTransaction())) {
            case STARTED -> ctx.reply().simple("Background saving started");
            case SCHEDULED -> ctx.reply().simple("Background saving scheduled");
            case ALREADY_IN_PROGRESS -> throw new CommandError("ERR Background save already in progress");
        }
    }
}
