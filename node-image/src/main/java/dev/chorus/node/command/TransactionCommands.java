package dev.chorus.node.command;

import dev.chorus.node.net.Client;
import java.util.List;

/** MULTI, EXEC, DISCARD, WATCH, UNWATCH (multi.c). */
public final class TransactionCommands implements CommandFamily {
    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(
                CommandSpec.of("multi", 1, "noscript loading stale fast allow_busy")
                        .handler(TransactionCommands::multi),
                CommandSpec.of("exec", 1, "noscript loading stale skip_slowlog")
                        .handler(TransactionCommands::exec),
                CommandSpec.of("discard", 1, "noscript loading stale fast allow_busy")
                        .handler(TransactionCommands::discard),
                CommandSpec.of("watch", -2, "noscript loading stale fast allow_busy")
                        .handler(TransactionCommands::watch),
                CommandSpec.of("unwatch", 1, "noscript loading stale fast allow_busy")
                        .handler(ctx -> {
                            ctx.server().watchedKeys().unwatchAll(ctx.client());
                            ctx.reply().ok();
                        }));
    }

    static void multi(CommandContext ctx) {
        if (ctx.client().inMulti()) {
            throw new CommandError("ERR MULTI calls can not be nested");
        }
        ctx.client().beginMulti();
        ctx.reply().ok();
    }

    static void discard(CommandContext ctx) {
        Client c = ctx.client();
        if (!c.inMulti()) {
            throw new CommandError("ERR DISCARD without MULTI");
        }
        c.endMulti();
        ctx.server().watchedKeys().unwatchAll(c);
        ctx.reply().ok();
    }

    static void watch(CommandContext ctx) {
        if (ctx.client().inMulti()) {
            throw new CommandError("ERR WATCH inside MULTI is not allowed");
        }
        for (int i = 1; i < ctx.argc(); i++) {
            ctx.server().watchedKeys().watch(ctx.client(), ctx.client().dbIndex(), ctx.arg(i));
        }
        ctx.reply().ok();
    }

    static void exec(CommandContext ctx) {
        Client c = ctx.client();
        if (!c.inMulti()) {
            throw new CommandError("ERR EXEC without MULTI");
        }
        boolean failed = c.multiFailed();
        // EXEC with an expired watched key is disallowed (isWatchedKeyExpired).
        boolean touched = c.watchedKeyTouched() || ctx.server().watchedKeys().watchedKeyExpired(c);
        List<byte[][]> queued = c.endMulti();
        ctx.server().watchedKeys().unwatchAll(c);
        if (failed) {
            throw new CommandError(Errors.EXECABORT);
        }
        if (touched) {
            ctx.reply().nullArray();
            return;
        }
        if (ctx.server().isReplica() && !c.isMaster()
                && ctx.server().config().getBool(dev.chorus.node.config.Directives.REPLICA_READ_ONLY)) {
            for (byte[][] argv : queued) {
                CommandSpec spec = resolve(ctx, argv);
                if (spec != null && spec.isWrite()) {
                    throw new CommandError("EXECABORT Transaction discarded because of: "
                            + Errors.READONLY.substring("READONLY ".length()));
                }
            }
        }
        ctx.reply().array(queued.size());
        ctx.suppressPropagation();
        c.setExecutingTransaction(true);
        ctx.server().beginTransactionPropagation();
        try {
            for (byte[][] argv : queued) {
                CommandSpec spec = resolve(ctx, argv);
                ctx.server().dispatcher().call(c, spec, argv);
            }
        } finally {
            c.setExecutingTransaction(false);
            ctx.server().endTransactionPropagation(c.dbIndex());
            c.setWriteOffset(ctx.server().replicationOffset()); // WAIT after EXEC covers a write propagated at its end
            // EXEC's own context was reused by the queued commands; make sure EXEC itself propagates nothing more.
            ctx.reset(ctx.server().commands().lookup("exec"), new byte[][] {"EXEC".getBytes()});
            ctx.suppressPropagation();
        }
    }

    private static CommandSpec resolve(CommandContext ctx, byte[][] argv) {
        CommandSpec spec = ctx.server().commands().lookup(argv[0]);
        if (spec != null && !spec.subcommands().isEmpty() && argv.length >= 2) {
            spec = spec.subcommands().get(new String(argv[1], java.nio.charset.StandardCharsets.ISO_8859_1)
                    .toLowerCase(java.util.Locale.ROOT));
        }
        return spec;
    }
}
