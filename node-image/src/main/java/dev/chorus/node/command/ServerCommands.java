package dev.chorus.node.command;

import dev.chorus.node.config.ConfigException;
import dev.chorus.node.config.Directive;
import dev.chorus.node.config.Directives;
import dev.chorus.node.resp.RespWriter;
import dev.chorus.node.store.GlobMatcher;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.Memory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Server administration: INFO, DBSIZE, FLUSH*, TIME, COMMAND, CONFIG, MEMORY USAGE, SHUTDOWN. */
public final class ServerCommands implements CommandFamily {
    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(
                cmd("info", -1, "loading stale", "1.0.0", "Get information and statistics about the server",
                        ctx -> {
                            List<String> sections = new ArrayList<>();
                            for (int i = 1; i < ctx.argc(); i++) {
                                sections.add(ctx.argString(i));
                            }
                            ctx.reply().verbatim(Info.render(ctx.server(), sections));
                        }),
                cmd("dbsize", 1, "readonly fast", "1.0.0", "Return the number of keys in the selected database",
                        ctx -> ctx.reply().integer(ctx.db().size())),
                cmd("flushdb", -1, "write", "1.0.0", "Remove all keys from the current database",
                        ctx -> flush(ctx, false)),
                cmd("flushall", -1, "write", "1.0.0", "Remove all keys from all databases", ctx -> flush(ctx, true)),
                cmd("time", 1, "loading stale fast", "2.6.0", "Return the current server time", ctx -> {
                    long micros = java.time.Instant.now().toEpochMilli() * 1000 + (System.nanoTime() / 1000) % 1000;
                    ctx.reply().array(2).bulk(micros / 1_000_000).bulk(micros % 1_000_000);
                }),
                cmd("shutdown", -1, "admin noscript loading stale no_multi allow_busy", "1.0.0",
                        "Synchronously save the dataset to disk and then shut down the server", ServerCommands::shutdown),
                CommandSpec.of("command", -1, "loading stale").group("server").since("2.8.13")
                        .summary("Get array of Redis command details").handler(ServerCommands::commandAll)
                        .sub(sub("count", 2, "loading stale", "2.8.13", "Get total number of Redis commands",
                                ctx -> ctx.reply().integer(ctx.server().commands().size())))
                        .sub(sub("info", -2, "loading stale", "2.8.13", "Get array of specific Redis command details, or all when no argument is given",
                                ServerCommands::commandInfo))
                        .sub(sub("docs", -2, "loading stale", "7.0.0", "Get array of specific Redis command documentation",
                                ServerCommands::commandDocs))
                        .sub(sub("list", -2, "loading stale", "7.0.0", "Get an array of Redis command names",
                                ServerCommands::commandList))
                        .sub(sub("getkeys", -4, "loading stale", "2.8.13", "Extract keys given a full Redis command",
                                ServerCommands::commandGetKeys)),
                CommandSpec.of("config", -2, "").group("server").since("2.0.0")
                        .summary("A container for server configuration commands")
                        .sub(sub("get", -3, "admin noscript loading stale", "2.0.0",
                                "Get the values of configuration parameters", ServerCommands::configGet))
                        .sub(sub("set", -4, "admin noscript loading stale", "2.0.0", "Set configuration parameters to the given values",
                                ServerCommands::configSet))
                        .sub(sub("rewrite", 2, "admin noscript loading stale", "2.8.0",
                                "Rewrite the configuration file with the in memory configuration", ServerCommands::configRewrite))
                        .sub(sub("resetstat", 2, "admin noscript loading stale", "2.0.0", "Reset the stats returned by INFO",
                                ctx -> {
                                    ctx.server().stats().reset();
                                    ctx.server().clients().resetStats();
                                    ctx.server().keyspace().resetStats();
                                    ctx.reply().ok();
                                })),
                CommandSpec.of("memory", -2, "").group("server").since("4.0.0")
                        .summary("A container for memory diagnostics commands")
                        .sub(CommandSpec.of("usage", -3, "readonly").keys(2, 2, 1).since("4.0.0")
                                .summary("Estimate the memory usage of a key").handler(ServerCommands::memoryUsage)));
    }

    private static CommandSpec.Builder cmd(String name, int arity, String flags, String since, String summary,
                                           CommandHandler h) {
        return CommandSpec.of(name, arity, flags).group("server").since(since).summary(summary).handler(h);
    }

    private static CommandSpec.Builder sub(String name, int arity, String flags, String since, String summary,
                                           CommandHandler h) {
        return CommandSpec.of(name, arity, flags).since(since).summary(summary).handler(h);
    }

    static void flush(CommandContext ctx, boolean all) {
        if (ctx.argc() > 2 || (ctx.argc() == 2 && !ctx.optionIs(1, "async") && !ctx.optionIs(1, "sync"))) {
            throw Errors.syntax();
        }
        long removed;
        if (all) {
            ctx.server().persistence().cancelBgsave();
            removed = 0;
            for (int i = 0; i < ctx.server().keyspace().databases(); i++) {
                removed += ctx.server().keyspace().db(i).flush();
            }
            ctx.server().watchedKeys().touchedDb(-1);
            if (!ctx.server().config().savePoints().isEmpty()) {
                ctx.server().persistence().save(); // Redis saves the now empty dataset right away
            }
        } else {
            removed = ctx.db().flush();
            ctx.server().watchedKeys().touchedDb(ctx.client().dbIndex());
        }
        ctx.dirty(Math.max(1, removed));
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

    // ---- COMMAND ----

    static void commandAll(CommandContext ctx) {
        ctx.reply().array(ctx.server().commands().size());
        for (CommandSpec spec : ctx.server().commands().all()) {
            writeInfo(ctx.reply(), spec);
        }
    }

    static void commandInfo(CommandContext ctx) {
        if (ctx.argc() == 2) {
            commandAll(ctx);
            return;
        }
        ctx.reply().array(ctx.argc() - 2);
        for (int i = 2; i < ctx.argc(); i++) {
            CommandSpec spec = lookupFull(ctx, ctx.argString(i));
            if (spec == null) {
                ctx.reply().nullBulk();
            } else {
                writeInfo(ctx.reply(), spec);
            }
        }
    }

    private static CommandSpec lookupFull(CommandContext ctx, String name) {
        String[] parts = name.toLowerCase(Locale.ROOT).split("\\|", 2);
        CommandSpec spec = ctx.server().commands().lookup(parts[0]);
        if (spec != null && parts.length == 2) {
            spec = spec.subcommands().get(parts[1]);
        }
        return spec;
    }

    private static void writeInfo(RespWriter w, CommandSpec spec) {
        w.array(10);
        w.bulk(spec.fullName());
        w.integer(spec.arity());
        w.set(spec.flags().size());
        for (CommandFlag f : CommandFlag.values()) {
            if (spec.has(f)) {
                w.simple(f.redisName());
            }
        }
        w.integer(spec.firstKey()).integer(spec.lastKey()).integer(spec.keyStep());
        List<String> categories = aclCategories(spec);
        w.set(categories.size());
        categories.forEach(w::simple);
        w.set(0);
        if (spec.firstKey() > 0) {
            w.array(1).map(3);
            w.bulk("flags").set(1).simple(spec.isWrite() ? "RW" : "RO");
            w.bulk("begin_search").map(2).bulk("type").bulk("index").bulk("spec").map(1).bulk("index")
                    .integer(spec.firstKey());
            int last = spec.lastKey() < 0 ? spec.lastKey() : spec.lastKey() - spec.firstKey();
            w.bulk("find_keys").map(2).bulk("type").bulk("range").bulk("spec").map(3).bulk("lastkey").integer(last)
                    .bulk("keystep").integer(spec.keyStep()).bulk("limit").integer(0);
        } else {
            w.emptyArray();
        }
        w.array(spec.subcommands().size());
        for (CommandSpec sub : spec.subcommands().values()) {
            writeInfo(w, sub);
        }
    }

    static List<String> aclCategories(CommandSpec spec) {
        List<String> out = new ArrayList<>();
        String group = spec.parent() == null ? spec.group() : spec.parent().group();
        switch (group) {
            case "generic" -> out.add("@keyspace");
            case "string", "list", "hash", "set", "bitmap", "pubsub", "connection", "transactions" -> out.add("@" + group
                    .replace("transactions", "transaction"));
            case "sorted-set" -> out.add("@sortedset");
            default -> { }
        }
        if (spec.isWrite()) {
            out.add("@write");
        } else if (spec.has(CommandFlag.READONLY)) {
            out.add("@read");
        }
        if (spec.has(CommandFlag.ADMIN)) {
            out.add("@admin");
            out.add("@dangerous");
        }
        if (spec.has(CommandFlag.BLOCKING)) {
            out.add("@blocking");
        }
        out.add(spec.has(CommandFlag.FAST) ? "@fast" : "@slow");
        return out;
    }

    static void commandDocs(CommandContext ctx) {
        List<CommandSpec> specs = new ArrayList<>();
        if (ctx.argc() == 2) {
            specs.addAll(ctx.server().commands().all());
        } else {
            for (int i = 2; i < ctx.argc(); i++) {
                CommandSpec spec = lookupFull(ctx, ctx.argString(i));
                if (spec != null) {
                    specs.add(spec);
                }
            }
        }
        ctx.reply().map(specs.size());
        for (CommandSpec spec : specs) {
            ctx.reply().bulk(spec.fullName());
            writeDocs(ctx.reply(), spec);
        }
    }

    private static void writeDocs(RespWriter w, CommandSpec spec) {
        boolean subs = !spec.subcommands().isEmpty();
        w.map(subs ? 4 : 3);
        w.bulk("summary").bulk(spec.summary());
        w.bulk("since").bulk(spec.since());
        w.bulk("group").bulk(spec.parent() == null ? spec.group() : spec.parent().group());
        if (subs) {
            w.bulk("subcommands").map(spec.subcommands().size());
            for (CommandSpec sub : spec.subcommands().values()) {
                w.bulk(sub.fullName());
                writeDocs(w, sub);
            }
        }
    }

    static void commandList(CommandContext ctx) {
        String pattern = null;
        if (ctx.argc() > 2) {
            if (ctx.argc() != 5 || !ctx.optionIs(2, "filterby")) {
                throw Errors.syntax();
            }
            if (!ctx.optionIs(3, "pattern")) {
                throw Errors.syntax();
            }
            pattern = ctx.argString(4);
        }
        List<String> names = new ArrayList<>();
        for (CommandSpec spec : ctx.server().commands().all()) {
            names.add(spec.name());
            for (CommandSpec sub : spec.subcommands().values()) {
                names.add(sub.fullName());
            }
        }
        if (pattern != null) {
            String p = pattern;
            names.removeIf(n -> !GlobMatcher.matchesIgnoreCase(p, n));
        }
        ctx.reply().array(names.size());
        names.forEach(ctx.reply()::bulk);
    }

    static void commandGetKeys(CommandContext ctx) {
        byte[][] argv = java.util.Arrays.copyOfRange(ctx.argv(), 2, ctx.argc());
        CommandSpec spec = ctx.server().commands().lookup(argv[0]);
        if (spec != null && !spec.subcommands().isEmpty() && argv.length > 1) {
            spec = spec.subcommands().get(new String(argv[1]).toLowerCase(Locale.ROOT));
        }
        if (spec == null) {
            throw new CommandError("ERR Invalid command specified");
        }
        if (!spec.acceptsArgCount(argv.length)) {
            throw new CommandError("ERR Invalid number of arguments specified for command");
        }
        int[] positions = spec.keyPositions(argv.length);
        if (positions.length == 0) {
            throw new CommandError("ERR The command has no key arguments");
        }
        ctx.reply().array(positions.length);
        for (int p : positions) {
            ctx.reply().bulk(argv[p]);
        }
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
