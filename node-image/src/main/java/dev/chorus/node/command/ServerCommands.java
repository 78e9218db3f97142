package dev.chorus.node.command;

import dev.chorus.node.config.ConfigException;
import dev.chorus.node.config.Directive;
import dev.chorus.node.config.Directives;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.Memory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Server administration: INFO, DBSIZE, FLUSH*, TIME, CONFIG, MEMORY USAGE, SHUTDOWN. */
public final class ServerCommands implements CommandFamily {
    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(
                CommandSpec.of("info", -1, "loading stale", ctx -> {
                    List<String> sections = new ArrayList<>();
                    for (int i = 1; i < ctx.argc(); i++) {
                        sections.add(ctx.argString(i));
                    }
                    ctx.reply().verbatim(Info.render(ctx.server(), sections));
                }),
                CommandSpec.of("dbsize", 1, "readonly fast", ctx -> ctx.reply().integer(ctx.db().size())),
                CommandSpec.of("flushdb", -1, "write", ctx -> flush(ctx, false)),
                CommandSpec.of("flushall", -1, "write", ctx -> flush(ctx, true)),
                CommandSpec.of("time", 1, "loading stale fast", ctx -> {
                    long micros = java.time.Instant.now().toEpochMilli() * 1000 + (System.nanoTime() / 1000) % 1000;
                    ctx.reply().array(2).bulk(micros / 1_000_000).bulk(micros % 1_000_000);
                }),
                CommandSpec.of("shutdown", -1, "admin noscript loading stale no_multi allow_busy",
                        ServerCommands::shutdown),
                CommandSpec.of("config", -2, "")
                        .sub(CommandSpec.of("get", -3, "admin noscript loading stale", ServerCommands::configGet))
                        .sub(CommandSpec.of("set", -4, "admin noscript loading stale", ServerCommands::configSet))
                        .sub(CommandSpec.of("rewrite", 2, "admin noscript loading stale",
                                ServerCommands::configRewrite))
                        .sub(CommandSpec.of("resetstat", 2, "admin noscript loading stale", ctx -> {
                            ctx.server().stats().reset();
                            ctx.server().clients().resetStats();
                            ctx.server().keyspace().resetStats();
                            ctx.reply().ok();
                        }))
                        .sub(CommandSpec.of("help", 2, "loading stale", ServerCommands::configHelp)),
                CommandSpec.of("memory", -2, "")
                        .sub(CommandSpec.of("usage", -3, "readonly", ServerCommands::memoryUsage)));
    }

    static void flush(CommandContext ctx, boolean all) {
        if (ctx.argc() > 2 || (ctx.argc() == 2 && !ctx.optionIs(1, "async") && !ctx.optionIs(1, "sync"))) {
            throw Errors.syntax();
        }
        long removed;
        // Redis forces the propagation of FLUSHALL/FLUSHDB even when nothing was removed.
        ctx.propagate(ctx.argv());
        if (all) {
            ctx.server().persistence().cancelBgsave();
            ctx.server().watchedKeys().touchedFlush(-1, ctx.server().keyspace());
            removed = 0;
            for (int i = 0; i < ctx.server().keyspace().databases(); i++) {
                removed += ctx.server().keyspace().db(i).flush();
            }
            if (!ctx.server().config().savePoints().isEmpty()) {
                // Redis saves the now empty dataset right away, which resets the dirty counter to 0.
                ctx.server().persistence().save();
                ctx.reply().ok();
                return;
            }
        } else {
            ctx.server().watchedKeys().touchedFlush(ctx.client().dbIndex(), ctx.server().keyspace());
            removed = ctx.db().flush();
        }
        ctx.dirty(removed);
        ctx.reply().ok();
    }

    static void shutdown(CommandContext ctx) {
        Boolean save = null;
        for (int i = 1; i < ctx.argc(); i++) {
            switch (ctx.option(i)) {
                case "nosave" -> save = Boolean.FALSE;
                case "save" -> save = Boolean.TRUE;
                case "now", "force" -> { }
                case "abort" -> throw new CommandError("ERR No shutdown in progress.");
                default -> throw Errors.syntax();
            }
        }
        ctx.server().shutdown(save);
    }

    // ---- CONFIG ----

    static void configGet(CommandContext ctx) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 2; i < ctx.argc(); i++) {
            out.putAll(ctx.server().config().matching(ctx.argString(i)));
        }
        ctx.reply().map(out.size());
        out.forEach((k, v) -> ctx.reply().bulk(k).bulk(v));
    }

    static void configSet(CommandContext ctx) {
        if ((ctx.argc() - 2) % 2 != 0) {
            throw Errors.arity("config|set");
        }
        List<Directive> directives = new ArrayList<>();
        List<Object> parsed = new ArrayList<>();
        for (int i = 2; i < ctx.argc(); i += 2) {
            String name = ctx.argString(i);
            Directive d = Directives.byName(name);
            if (d == null) {
                throw new CommandError("ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'");
            }
            if (directives.contains(d)) {
                throw new CommandError("ERR CONFIG SET failed (possibly related to argument '" + name
                        + "') - duplicate parameter");
            }
            if (!d.mutable()) {
                throw new CommandError("ERR CONFIG SET failed (possibly related to argument '" + name
                        + "') - can't set immutable config");
            }
            if (d == Directives.DIR || d == Directives.DBFILENAME) {
                // Redis 7.0 protects them (enable-protected-configs no): a client must not redirect file writes.
                throw new CommandError("ERR CONFIG SET failed (possibly related to argument '" + name
                        + "') - can't set protected config");
            }
            try {
                dev.chorus.node.config.Config probe = new dev.chorus.node.config.Config();
                probe.set(d, ctx.argString(i + 1));
                parsed.add(probe.get(d));
            } catch (ConfigException e) {
                throw new CommandError("ERR CONFIG SET failed (possibly related to argument '" + name + "') - "
                        + e.getMessage());
            }
            directives.add(d);
        }
        for (int i = 0; i < directives.size(); i++) {
            ctx.server().config().setParsed(directives.get(i), parsed.get(i));
        }
        ctx.reply().ok();
    }

    static void configHelp(CommandContext ctx) {
        String[] lines = {
            "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "GET <pattern>",
            "    Return parameters matching the glob-like <pattern> and their values.",
            "SET <directive> <value>",
            "    Set the configuration <directive> to <value>.",
            "RESETSTAT",
            "    Reset statistics reported by the INFO command.",
            "REWRITE",
            "    Rewrite the configuration file.",
            "HELP",
            "    Prints this help."};
        ctx.reply().array(lines.length);
        for (String line : lines) {
            ctx.reply().simple(line);
        }
    }

    static void configRewrite(CommandContext ctx) {
        if (ctx.server().config().file() == null) {
            throw new CommandError("ERR The server is running without a config file");
        }
        try {
            ctx.server().config().rewrite();
        } catch (java.io.IOException e) {
            throw new CommandError("ERR Rewriting config file: " + e.getMessage());
        }
        ctx.reply().ok();
    }

    // ---- MEMORY ----

    static void memoryUsage(CommandContext ctx) {
        if (ctx.argc() > 3 && (ctx.argc() != 5 || !ctx.optionIs(3, "samples"))) {
            throw Errors.syntax();
        }
        KeyEntry e = ctx.db().lookup(ctx.arg(2));
        if (e == null) {
            ctx.reply().nullBulk();
            return;
        }
        ctx.reply().integer(Memory.entry(e));
    }
}
