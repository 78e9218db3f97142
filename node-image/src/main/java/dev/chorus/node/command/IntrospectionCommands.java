package dev.chorus.node.command;

import dev.chorus.node.command.meta.KeyExtraction;
import dev.chorus.node.command.meta.KeyRef;
import dev.chorus.node.store.GlobMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/** COMMAND and its subcommands: the command table as Redis 7.0 reports it (server.c commandCommand and friends). */
public final class IntrospectionCommands implements CommandFamily {
    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(
                CommandSpec.of("command", -1, "loading stale").handler(IntrospectionCommands::all)
                        .sub(CommandSpec.of("count", 2, "loading stale")
                                .handler(ctx -> ctx.reply().integer(ctx.server().commands().size())))
                        .sub(CommandSpec.of("info", -2, "loading stale").handler(IntrospectionCommands::info))
                        .sub(CommandSpec.of("docs", -2, "loading stale").handler(IntrospectionCommands::docs))
                        .sub(CommandSpec.of("list", -2, "loading stale").handler(IntrospectionCommands::list))
                        .sub(CommandSpec.of("getkeys", -4, "loading stale").handler(ctx -> getKeys(ctx, false)))
                        .sub(CommandSpec.of("getkeysandflags", -4, "loading stale")
                                .handler(ctx -> getKeys(ctx, true)))
                        .sub(CommandSpec.of("help", 2, "loading stale").handler(IntrospectionCommands::help)));
    }

    static void all(CommandContext ctx) {
        ctx.reply().array(ctx.server().commands().size());
        for (CommandSpec spec : ctx.server().commands().all()) {
            CommandReplies.writeInfo(ctx.reply(), spec);
        }
    }

    static void info(CommandContext ctx) {
        if (ctx.argc() == 2) {
            all(ctx);
            return;
        }
        ctx.reply().array(ctx.argc() - 2);
        for (int i = 2; i < ctx.argc(); i++) {
            CommandSpec spec = ctx.server().commands().lookupFullName(ctx.argString(i));
            if (spec == null) {
                ctx.reply().nullBulk();
            } else {
                CommandReplies.writeInfo(ctx.reply(), spec);
            }
        }
    }

    /** Unknown names are left out of the map, as in Redis. */
    static void docs(CommandContext ctx) {
        List<CommandSpec> specs = new ArrayList<>();
        if (ctx.argc() == 2) {
            specs.addAll(ctx.server().commands().all());
        } else {
            for (int i = 2; i < ctx.argc(); i++) {
                CommandSpec spec = ctx.server().commands().lookupFullName(ctx.argString(i));
                if (spec != null) {
                    specs.add(spec);
                }
            }
        }
        ctx.reply().map(specs.size());
        for (CommandSpec spec : specs) {
            ctx.reply().bulk(spec.fullName());
            CommandReplies.writeDocs(ctx.reply(), spec);
        }
    }

    /** COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN glob]: each command, then its subcommands. */
    static void list(CommandContext ctx) {
        Predicate<CommandSpec> filter = spec -> true;
        if (ctx.argc() > 2) {
            // Redis takes a single FILTERBY, and only as the last three arguments.
            if (ctx.argc() != 5 || !ctx.optionIs(2, "filterby")) {
                throw Errors.syntax();
            }
            String arg = ctx.argString(4);
            filter = switch (ctx.option(3)) {
                case "module" -> spec -> false; // the node loads no modules
                case "aclcat" -> spec -> spec.meta().aclCategories().stream()
                        .anyMatch(c -> c.substring(1).equalsIgnoreCase(arg));
                case "pattern" -> spec -> GlobMatcher.matchesIgnoreCase(arg, spec.fullName());
                default -> throw Errors.syntax();
            };
        }
        List<String> names = new ArrayList<>();
        for (CommandSpec spec : ctx.server().commands().all()) {
            if (filter.test(spec)) {
                names.add(spec.fullName());
            }
            for (CommandSpec sub : spec.subcommands().values()) {
                if (filter.test(sub)) {
                    names.add(sub.fullName());
                }
            }
        }
        ctx.reply().array(names.size());
        names.forEach(ctx.reply()::bulk);
    }

    /** COMMAND GETKEYS / GETKEYSANDFLAGS (Redis' getKeysSubcommandImpl), checks and errors in Redis' order. */
    static void getKeys(CommandContext ctx, boolean withFlags) {
        byte[][] argv = Arrays.copyOfRange(ctx.argv(), 2, ctx.argc());
        CommandSpec spec = ctx.server().commands().lookupCommandLine(argv);
        if (spec == null) {
            throw new CommandError("ERR Invalid command specified");
        }
        if (!KeyExtraction.hasKeys(spec.meta(), spec.keysProc())) {
            throw new CommandError("ERR The command has no key arguments");
        }
        if (!spec.acceptsArgCount(argv.length)) {
            throw new CommandError("ERR Invalid number of arguments specified for command");
        }
        List<KeyRef> keys = KeyExtraction.keys(spec.meta(), spec.keysProc(), argv);
        if (keys.isEmpty() && !spec.has(CommandFlag.NO_MANDATORY_KEYS)) {
            throw new CommandError("ERR Invalid arguments specified for command");
        }
        ctx.reply().array(keys.size());
        for (KeyRef key : keys) {
            if (withFlags) {
                ctx.reply().array(2).bulk(argv[key.pos()]).set(key.flags().size());
                key.flags().forEach(ctx.reply()::simple);
            } else {
                ctx.reply().bulk(argv[key.pos()]);
            }
        }
    }

    static void help(CommandContext ctx) {
        String[] lines = {
            "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "(no subcommand)",
            "    Return details about all Redis commands.",
            "COUNT",
            "    Return the total number of commands in this Redis server.",
            "LIST",
            "    Return a list of all commands in this Redis server.",
            "INFO [<command-name> ...]",
            "    Return details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "DOCS [<command-name> ...]",
            "    Return documentation details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "GETKEYS <full-command>",
            "    Return the keys from a full Redis command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Return the keys and the access flags from a full Redis command.",
            "HELP",
            "    Prints this help."};
        ctx.reply().array(lines.length);
        for (String line : lines) {
            ctx.reply().simple(line);
        }
    }
}
