package dev.chorus.node.command;

import dev.chorus.node.command.meta.KeysProc;
import dev.chorus.node.persistence.FunctionPayload;
import dev.chorus.node.scripting.Functions;
import dev.chorus.node.store.GlobMatcher;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** FCALL, FCALL_RO and FUNCTION (functions.c); the libraries are {@link Functions}. */
public final class FunctionCommands implements CommandFamily {
    private static final String FCALL_FLAGS = "noscript stale skip_monitor no_mandatory_keys may_replicate";

    @Override
    public List<CommandSpec.Builder> commands() {
        KeysProc keys = KeysProc.numKeys(0, 2, 3);
        return List.of(
                CommandSpec.of("fcall", -3, FCALL_FLAGS, ctx -> fcall(ctx, false)).getKeys(keys),
                CommandSpec.of("fcall_ro", -3, "readonly noscript stale skip_monitor no_mandatory_keys",
                        ctx -> fcall(ctx, true)).getKeys(keys),
                CommandSpec.of("function", -2, "")
                        .sub(CommandSpec.of("help", 2, "loading stale", FunctionCommands::help))
                        .sub(CommandSpec.of("load", -3, "write denyoom noscript", FunctionCommands::load))
                        .sub(CommandSpec.of("delete", 3, "write noscript", FunctionCommands::delete))
                        .sub(CommandSpec.of("list", -2, "noscript", FunctionCommands::list))
                        .sub(CommandSpec.of("dump", 2, "noscript", FunctionCommands::dump))
                        .sub(CommandSpec.of("restore", -3, "write denyoom noscript", FunctionCommands::restore))
                        .sub(CommandSpec.of("flush", -2, "write noscript", FunctionCommands::flush))
                        .sub(CommandSpec.of("kill", 2, "noscript allow_busy", FunctionCommands::kill))
                        .sub(CommandSpec.of("stats", 2, "noscript allow_busy", FunctionCommands::stats)));
    }

    private static Functions functions(CommandContext ctx) {
        return ctx.server().scripting().functions();
    }

    static void fcall(CommandContext ctx, boolean ro) {
        Functions.Function f = functions(ctx).function(ctx.arg(1));
        if (f == null) {
            throw new CommandError("ERR Function not found");
        }
        Long numkeys = CommandContext.parseLongOrNull(ctx.arg(2));
        if (numkeys == null) {
            throw new CommandError("ERR Bad number of keys provided");
        }
        if (numkeys > ctx.argc() - 3) {
            throw new CommandError("ERR Number of keys can't be greater than number of args");
        } else if (numkeys < 0) {
            throw new CommandError("ERR Number of keys can't be negative");
        }
        ctx.suppressPropagation(); // the function's effects are propagated, not the call
        int n = (int) (long) numkeys;
        byte[][] keys = new byte[n][];
        byte[][] args = new byte[ctx.argc() - 3 - n][];
        System.arraycopy(ctx.argv(), 3, keys, 0, n);
        System.arraycopy(ctx.argv(), 3 + n, args, 0, args.length);
        functions(ctx).call(ctx.client(), f, keys, args, ro, ctx.argv());
    }

    static void load(CommandContext ctx) {
        boolean replace = false;
        int pos = 2;
        while (pos < ctx.argc() - 1) {
            byte[] a = ctx.arg(pos++);
            if (new String(a, StandardCharsets.ISO_8859_1).equalsIgnoreCase("replace")) {
                replace = true;
                continue;
            }
            throw new CommandError("ERR Unknown option given: " + cString(a));
        }
        if (pos >= ctx.argc()) {
            throw new CommandError("ERR Function code is missing");
        }
        long timeout = ctx.client().isMaster() ? 0 : Functions.LOAD_TIMEOUT_MS;
        String name = functions(ctx).load(ctx.arg(pos), replace, timeout);
        ctx.dirty();
        ctx.reply().bulk(name.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A C string: what %s prints of an argument (up to its first NUL). */
    private static String cString(byte[] a) {
        int n = 0;
        while (n < a.length && a[n] != 0) {
            n++;
        }
        return new String(a, 0, n, StandardCharsets.ISO_8859_1);
    }

    static void delete(CommandContext ctx) {
        if (!functions(ctx).delete(ctx.arg(2))) {
            throw new CommandError("ERR Library not found");
        }
        ctx.dirty();
        ctx.reply().ok();
    }

    static void list(CommandContext ctx) {
        boolean withCode = false;
        byte[] pattern = null;
        for (int i = 2; i < ctx.argc(); i++) {
            if (!withCode && ctx.optionIs(i, "withcode")) {
                withCode = true;
                continue;
            }
            if (pattern == null && ctx.optionIs(i, "libraryname")) {
                if (i >= ctx.argc() - 1) {
                    throw new CommandError("ERR library name argument was not given");
                }
                pattern = ctx.arg(++i);
                continue;
            }
            throw new CommandError("ERR Unknown argument " + cString(ctx.arg(i)));
        }
        List<Functions.Library> libs = new java.util.ArrayList<>();
        for (Functions.Library li : functions(ctx).libraries()) {
            if (pattern == null || GlobMatcher.matches(cutAtNul(pattern),
                    li.name().getBytes(StandardCharsets.ISO_8859_1))) {
                libs.add(li);
            }
        }
        var out = ctx.reply();
        out.array(libs.size());
        for (Functions.Library li : libs) {
            out.map(withCode ? 4 : 3);
            out.bulk("library_name");
            out.bulk(li.name().getBytes(StandardCharsets.ISO_8859_1));
            out.bulk("engine");
            out.bulk("LUA");
            out.bulk("functions");
            out.array(li.functions().size());
            for (Functions.Function f : li.functions()) {
                out.map(3);
                out.bulk("name");
                out.bulk(f.name().getBytes(StandardCharsets.ISO_8859_1));
                out.bulk("description");
                if (f.description() != null) {
                    out.bulk(f.description());
                } else {
                    out.nullBulk();
                }
                out.bulk("flags");
                int count = Integer.bitCount(f.flags() & 0x3f & ~dev.chorus.node.scripting.ScriptingEngine
                        .FLAG_EVAL_COMPAT_MODE);
                out.set(count);
                String[] names = {"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"};
                int[] bits = {1, 2, 4, 8, 32};
                for (int j = 0; j < names.length; j++) {
                    if ((f.flags() & bits[j]) != 0) {
                        out.simple(names[j]);
                    }
                }
            }
            if (withCode) {
                out.bulk("library_code");
                out.bulk(li.code());
            }
        }
    }

    /** The pattern as C sees it (sds compared up to its length, but the pattern given was a C string there too). */
    private static byte[] cutAtNul(byte[] p) {
        return p;
    }

    static void dump(CommandContext ctx) {
        ctx.reply().bulk(FunctionPayload.dump(functions(ctx).libraries()));
    }

    static void restore(CommandContext ctx) {
        if (ctx.argc() > 4) {
            throw subcommandSyntax(ctx);
        }
        String policy = "append";
        if (ctx.argc() == 4) {
            if (ctx.optionIs(3, "append")) {
                policy = "append";
            } else if (ctx.optionIs(3, "replace")) {
                policy = "replace";
            } else if (ctx.optionIs(3, "flush")) {
                policy = "flush";
            } else {
                throw new CommandError("ERR Wrong restore policy given, value should be either FLUSH, APPEND or "
                        + "REPLACE.");
            }
        }
        Functions fs = functions(ctx);
        Functions.LibCtx staged = FunctionPayload.restore(fs, ctx.arg(2));
        if (policy.equals("flush")) {
            fs.swap(staged);
        } else {
            fs.join(staged, policy.equals("replace"));
        }
        ctx.dirty();
        ctx.reply().ok();
    }

    static void flush(CommandContext ctx) {
        if (ctx.argc() > 3) {
            throw subcommandSyntax(ctx);
        }
        if (ctx.argc() == 3 && !ctx.optionIs(2, "sync") && !ctx.optionIs(2, "async")) {
            throw new CommandError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
        }
        functions(ctx).flush();
        ctx.dirty();
        ctx.reply().ok();
    }

    /** addReplySubcommandSyntaxError */
    private static CommandError subcommandSyntax(CommandContext ctx) {
        String sub = ctx.argString(1);
        return new CommandError("ERR unknown subcommand or wrong number of arguments for '"
                + (sub.length() > 128 ? sub.substring(0, 128) : sub) + "'. Try FUNCTION HELP.");
    }

    static void kill(CommandContext ctx) {
        ctx.server().scripting().kill(ctx, false);
    }

    static void stats(CommandContext ctx) {
        var engine = ctx.server().scripting();
        if (engine.busy() && engine.busyError().equals(dev.chorus.node.scripting.ScriptingEngine.BUSY_EVAL)) {
            throw new CommandError(dev.chorus.node.scripting.ScriptingEngine.BUSY_EVAL);
        }
        var out = ctx.reply();
        out.map(2);
        out.bulk("running_script");
        Object[] running = engine.runningScript();
        if (running == null) {
            out.nullBulk();
        } else {
            out.map(3);
            out.bulk("name");
            out.bulk((String) running[0]);
            out.bulk("command");
            byte[][] argv = (byte[][]) running[1];
            if (argv == null) {
                argv = new byte[0][];
            }
            out.array(argv.length);
            for (byte[] a : argv) {
                out.bulk(a);
            }
            out.bulk("duration_ms");
            out.integer((Long) running[2]);
        }
        out.bulk("engines");
        out.map(1);
        out.bulk("LUA");
        out.map(2);
        out.bulk("libraries_count");
        out.integer(functions(ctx).libraryCount());
        out.bulk("functions_count");
        out.integer(functions(ctx).functionCount());
    }

    static void help(CommandContext ctx) {
        String[] help = {
            "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "LOAD [REPLACE] <FUNCTION CODE>",
            "    Create a new library with the given library name and code.",
            "DELETE <LIBRARY NAME>",
            "    Delete the given library.",
            "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
            "    Return general information on all the libraries:",
            "    * Library name",
            "    * The engine used to run the Library",
            "    * Library description",
            "    * Functions list",
            "    * Library code (if WITHCODE is given)",
            "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
            "STATS",
            "    Return information about the current function running:",
            "    * Function name",
            "    * Command used to run the function",
            "    * Duration in MS that the function is running",
            "    If no function is running, return nil",
            "    In addition, returns a list of available engines.",
            "KILL",
            "    Kill the current running function.",
            "FLUSH [ASYNC|SYNC]",
            "    Delete all the libraries.",
            "    When called without the optional mode argument, the behavior is determined by the",
            "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
            "    * ASYNC: Asynchronously flush the libraries.",
            "    * SYNC: Synchronously flush the libraries.",
            "DUMP",
            "    Return a serialized payload representing the current libraries, can be restored using FUNCTION "
                    + "RESTORE command",
            "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
            "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
            "    control how to handle existing libraries (default APPEND):",
            "    * FLUSH: delete all existing libraries.",
            "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
            "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
            "      libraries with the new libraries (notice that even on this option there is a chance of failure",
            "      in case of functions name collision with another library).",
            "HELP",
            "    Prints this help."};
        ctx.reply().array(help.length);
        for (String line : help) {
            ctx.reply().simple(line);
        }
    }
}
