package dev.chorus.node.command;

import dev.chorus.node.config.ConfigException;
import dev.chorus.node.config.Directive;
import dev.chorus.node.config.Directives;
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
                            ctx.server().resetEvictedClients();
                            ctx.reply().ok();
                        }))
                        .sub(CommandSpec.of("help", 2, "loading stale", ServerCommands::configHelp)),
                CommandSpec.of("memory", -2, "")
                        .sub(CommandSpec.of("usage", -3, "readonly", MemoryCommands::usage))
                        .sub(CommandSpec.of("stats", 2, "", MemoryCommands::stats))
                        .sub(CommandSpec.of("doctor", 2, "", MemoryCommands::doctor))
                        .sub(CommandSpec.of("malloc-stats", 2, "", MemoryCommands::mallocStats))
                        .sub(CommandSpec.of("purge", 2, "", MemoryCommands::purge))
                        .sub(CommandSpec.of("help", 2, "loading stale", MemoryCommands::help)));
    }

    static void flush(CommandContext ctx, boolean all) {
        if (ctx.argc() > 2 || (ctx.argc() == 2 && !ctx.optionIs(1, "async") && !ctx.optionIs(1, "sync"))) {
            throw Errors.syntax();
        }
        long removed;
        // getFlushCommandFlags: ASYNC, or lazyfree-lazy-user-flush unless SYNC is given.
        boolean async = ctx.argc() == 2 ? ctx.optionIs(1, "async")
                : ctx.server().config().getBool(dev.chorus.node.config.Directives.LAZYFREE_LAZY_USER_FLUSH);
        // Redis forces the propagation of FLUSHALL/FLUSHDB even when nothing was removed.
        ctx.propagate(ctx.argv());
        if (all) {
            ctx.server().persistence().cancelBgsave();
            removed = 0;
            for (int i = 0; i < ctx.server().keyspace().databases(); i++) {
                removed += ctx.server().keyspace().db(i).flush();
            }
            ctx.server().shared().keyChanges().flushed(-1);
            if (async) {
                LazyFree.flushed(ctx.server(), removed);
            }
            if (!ctx.server().config().savePoints().isEmpty()) {
                // Redis saves the now empty dataset right away, which resets the dirty counter to 0.
                ctx.server().persistence().save();
                ctx.reply().ok();
                return;
            }
        } else {
            removed = ctx.db().flush(); // touches the watched keys (signalFlushedDb)
            ctx.server().shared().keyChanges().flushed(ctx.client().dbIndex());
            if (async) {
                LazyFree.flushed(ctx.server(), removed);
            }
        }
        ctx.dirty(removed);
        ctx.reply().ok();
    }

    static void shutdown(CommandContext ctx) {
        Boolean save = null;
        boolean now = false;
        for (int i = 1; i < ctx.argc(); i++) {
            switch (ctx.option(i)) {
                case "nosave" -> save = Boolean.FALSE;
                case "save" -> save = Boolean.TRUE;
                case "now" -> now = true;
                case "force" -> { }
                case "abort" -> throw new CommandError("ERR No shutdown in progress.");
                default -> throw Errors.syntax();
            }
        }
        if (save != Boolean.FALSE && ctx.server().scripting().busy()) {
            throw new CommandError(ctx.server().scripting().busyError()); // only SHUTDOWN NOSAVE
        }
        if (now) {
            ctx.server().shutdownNow(save);
        } else {
            ctx.server().shutdown(save);
        }
    }

    // ---- CONFIG ----

    static void configGet(CommandContext ctx) {
        List<String> patterns = new ArrayList<>();
        for (int i = 2; i < ctx.argc(); i++) {
            patterns.add(ctx.argString(i));
        }
        Map<String, String> out = ctx.server().config().matching(patterns);
        ctx.reply().map(out.size());
        out.forEach((k, v) -> ctx.reply().bulk(k).bulk(v));
    }

    /**
     * Redis 7.0's configSetCommand: several name/value pairs set atomically. First every name is checked (unknown,
     * immutable, protected, duplicate; the first problem wins), then every value is parsed; only when all parse are
     * they applied, so a failed CONFIG SET changes nothing. A name and its alias are different entries in Redis' table,
     * so giving both is not a duplicate (the later value wins).
     */
    static void configSet(CommandContext ctx) {
        if ((ctx.argc() - 2) % 2 != 0) {
            throw Errors.syntax();
        }
        dev.chorus.node.config.Config config = ctx.server().config();
        List<Directive> directives = new ArrayList<>();
        List<String> names = new ArrayList<>();
        String error = null;
        for (int i = 2; i < ctx.argc(); i += 2) {
            String given = ctx.argString(i);
            Directive d = Directives.byName(given);
            if (d == null) {
                if (error == null) {
                    error = "ERR Unknown option or number of arguments for CONFIG SET - '" + given + "'";
                }
                continue;
            }
            if (error != null) {
                continue;
            }
            String name = given.toLowerCase(java.util.Locale.ROOT);
            if (!d.mutable() || (d.has(Directive.PROTECTED) && !protectedActionAllowed(ctx,
                    config.getString(Directives.ENABLE_PROTECTED_CONFIGS)))) {
                error = "ERR CONFIG SET failed (possibly related to argument '" + given + "') - "
                        + (d.mutable() ? "can't set protected config" : "can't set immutable config");
                continue;
            }
            if (names.contains(name)) {
                error = "ERR CONFIG SET failed (possibly related to argument '" + given + "') - duplicate parameter";
                continue;
            }
            directives.add(d);
            names.add(name);
        }
        if (error != null) {
            throw new CommandError(error);
        }
        List<Object> parsed = new ArrayList<>();
        for (int i = 0; i < directives.size(); i++) {
            try {
                String raw = ctx.argString(3 + 2 * i);
                if (directives.get(i) == Directives.DIR) {
                    raw = changedDir(config.getString(Directives.DIR), raw);
                }
                parsed.add(dev.chorus.node.config.Config.parseForSet(directives.get(i), raw));
            } catch (ConfigException e) {
                throw new CommandError("ERR CONFIG SET failed (possibly related to argument '" + names.get(i) + "') - "
                        + e.getMessage());
            }
        }
        // Apply (Redis' apply functions, e.g. listening on a new port): the first failure restores every value.
        List<Object> old = new ArrayList<>();
        for (int i = 0; i < directives.size(); i++) {
            old.add(config.get(directives.get(i)));
            config.setParsed(directives.get(i), parsed.get(i));
        }
        for (int i = 0; i < directives.size(); i++) {
            String failure = config.apply(directives.get(i), parsed.get(i));
            if (failure != null) {
                for (int j = directives.size() - 1; j >= 0; j--) {
                    config.setParsed(directives.get(j), old.get(j));
                }
                for (int j = 0; j < i; j++) {
                    config.apply(directives.get(j), old.get(j));
                }
                throw new CommandError("ERR CONFIG SET failed (possibly related to argument '" + names.get(i) + "') - "
                        + failure);
            }
        }
        ctx.reply().ok();
    }

    /**
     * CONFIG SET dir is Redis' chdir(): relative to the current dir, refused with strerror() when it is not a
     * directory one can enter; CONFIG GET then shows the absolute path (getcwd).
     */
    private static String changedDir(String current, String value) throws ConfigException {
        java.nio.file.Path path;
        try {
            path = java.nio.file.Path.of(current).resolve(value).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigException("No such file or directory");
        }
        if (value.isEmpty() || !java.nio.file.Files.exists(path)) {
            throw new ConfigException("No such file or directory");
        }
        if (!java.nio.file.Files.isDirectory(path)) {
            throw new ConfigException("Not a directory");
        }
        if (!java.nio.file.Files.isExecutable(path)) {
            throw new ConfigException("Permission denied");
        }
        return path.toString();
    }

    /** Redis' allowProtectedAction: "yes" allows everyone, "local" clients on loopback or a unix socket. */
    static boolean protectedActionAllowed(CommandContext ctx, String setting) {
        if (setting.equals("yes")) {
            return true;
        }
        if (!setting.equals("local") || ctx.client() == null) {
            return false;
        }
        String addr = ctx.client().outbound().remoteAddress();
        if (addr == null || addr.startsWith("/") || !addr.contains(":")) {
            return true; // a unix socket peer
        }
        String host = addr.substring(0, addr.lastIndexOf(':'));
        return host.equals("127.0.0.1") || host.equals("0:0:0:0:0:0:0:1") || host.equals("::1");
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
}
