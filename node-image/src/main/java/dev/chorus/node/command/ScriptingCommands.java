package dev.chorus.node.command;

import dev.chorus.node.command.meta.KeysProc;
import dev.chorus.node.scripting.ScriptingEngine;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (eval.c); the engine is {@link ScriptingEngine}. */
public final class ScriptingCommands implements CommandFamily {
    private static final String EVAL_FLAGS = "noscript stale skip_monitor no_mandatory_keys may_replicate";
    /** EVAL_RO and EVALSHA_RO: read-only, and (unlike EVAL) not may_replicate, so a write pause does not hold them. */
    private static final String EVAL_RO_FLAGS = "readonly noscript stale skip_monitor no_mandatory_keys";
    private static final String NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";

    @Override
    public List<CommandSpec.Builder> commands() {
        KeysProc keys = KeysProc.numKeys(0, 2, 3);
        return List.of(
                CommandSpec.of("eval", -3, EVAL_FLAGS, ctx -> eval(ctx, false, false)).getKeys(keys),
                CommandSpec.of("evalsha", -3, EVAL_FLAGS, ctx -> eval(ctx, true, false)).getKeys(keys),
                CommandSpec.of("eval_ro", -3, EVAL_RO_FLAGS, ctx -> eval(ctx, false, true)).getKeys(keys),
                CommandSpec.of("evalsha_ro", -3, EVAL_RO_FLAGS, ctx -> eval(ctx, true, true))
                        .getKeys(keys),
                CommandSpec.of("script", -2, "")
                        .sub(CommandSpec.of("help", 2, "loading stale", ScriptingCommands::help))
                        .sub(CommandSpec.of("exists", -3, "noscript", ScriptingCommands::exists))
                        .sub(CommandSpec.of("flush", -2, "noscript", ScriptingCommands::flush))
                        .sub(CommandSpec.of("kill", 2, "noscript allow_busy", ScriptingCommands::kill))
                        .sub(CommandSpec.of("debug", 3, "noscript", ScriptingCommands::debug))
                        .sub(CommandSpec.of("load", 3, "noscript stale", ScriptingCommands::load)));
    }

    private static final java.util.Map<String, CommandSpec> VARIANTS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * evalGetCommandFlags + scriptFlagsToCmdFlags: for a script with a shebang (known, or given to EVAL), the
     * dispatcher's checks see write/deny-oom/stale as the script's flags say, not EVAL's own.
     */
    public static CommandSpec withScriptFlags(dev.chorus.node.Server server, CommandSpec spec, byte[][] argv) {
        String name = spec.name();
        if (spec.parent() != null || !(name.startsWith("eval") || name.startsWith("fcall")) || argv.length < 2) {
            return spec;
        }
        Integer scriptFlags;
        if (name.startsWith("fcall")) { // fcallGetCommandFlags
            var f = server.scripting().functions().function(argv[1]);
            scriptFlags = f == null ? null : f.flags();
        } else {
            scriptFlags = server.scripting().declaredFlags(argv[1], name.startsWith("evalsha"));
        }
        if (scriptFlags == null) {
            return spec;
        }
        int f = scriptFlags;
        return VARIANTS.computeIfAbsent(name + "/" + f, k -> {
            java.util.EnumSet<CommandFlag> flags = java.util.EnumSet.copyOf(spec.flags());
            flags.removeAll(java.util.EnumSet.of(CommandFlag.STALE, CommandFlag.DENYOOM, CommandFlag.WRITE,
                    CommandFlag.MAY_REPLICATE));
            if ((f & (ScriptingEngine.FLAG_ALLOW_OOM | ScriptingEngine.FLAG_NO_WRITES)) == 0) {
                flags.add(CommandFlag.DENYOOM);
            }
            if ((f & ScriptingEngine.FLAG_NO_WRITES) == 0) {
                flags.add(CommandFlag.WRITE);
            }
            if ((f & ScriptingEngine.FLAG_ALLOW_STALE) != 0) {
                flags.add(CommandFlag.STALE);
            }
            return new CommandSpec(spec.name(), spec.arity(), java.util.Collections.unmodifiableSet(flags),
                    spec.handler(), spec.keysProc(), spec.meta(), spec.subcommands(), spec.parent());
        });
    }

    static void eval(CommandContext ctx, boolean evalsha, boolean ro) {
        ScriptingEngine engine = ctx.server().scripting();
        long numkeys = ctx.longArg(2);
        if (numkeys > ctx.argc() - 3) {
            throw new CommandError("ERR Number of keys can't be greater than number of args");
        } else if (numkeys < 0) {
            throw new CommandError("ERR Number of keys can't be negative");
        }
        ctx.suppressPropagation(); // the script's effects are propagated, not the script
        if (engine.debugMode(ctx.client())) {
            if (evalsha) {
                throw new CommandError("ERR Please use EVAL instead of EVALSHA for debugging");
            }
            int n = (int) numkeys;
            byte[][] keys = java.util.Arrays.copyOfRange(ctx.argv(), 3, 3 + n);
            byte[][] args = java.util.Arrays.copyOfRange(ctx.argv(), 3 + n, ctx.argc());
            if (engine.evalWithDebugging(ctx.client(), ctx.arg(1), keys, args)) {
                return;
            }
        }
        String sha;
        if (evalsha) {
            byte[] given = ctx.arg(1);
            if (given.length != 40) {
                throw new CommandError(NOSCRIPT);
            }
            sha = new String(given, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            if (engine.script(sha) == null) {
                throw new CommandError(NOSCRIPT);
            }
        } else {
            sha = engine.createFunction(ctx.arg(1));
        }
        int n = (int) numkeys;
        byte[][] keys = new byte[n][];
        byte[][] args = new byte[ctx.argc() - 3 - n][];
        System.arraycopy(ctx.argv(), 3, keys, 0, n);
        System.arraycopy(ctx.argv(), 3 + n, args, 0, args.length);
        engine.eval(ctx.client(), sha, engine.script(sha), keys, args, ro);
    }

    static void exists(CommandContext ctx) {
        ScriptingEngine engine = ctx.server().scripting();
        ctx.reply().array(ctx.argc() - 2);
        for (int j = 2; j < ctx.argc(); j++) {
            // dictFind on the exact bytes: the cache's keys are lower-case hex.
            ctx.reply().integer(engine.script(new String(ctx.arg(j), StandardCharsets.ISO_8859_1)) != null ? 1 : 0);
        }
    }

    static void flush(CommandContext ctx) {
        if (ctx.argc() == 3 && !ctx.optionIs(2, "sync") && !ctx.optionIs(2, "async") || ctx.argc() > 3) {
            throw new CommandError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
        }
        ctx.server().scripting().reset();
        ctx.reply().ok();
    }

    static void load(CommandContext ctx) {
        String sha = ctx.server().scripting().createFunction(ctx.arg(2));
        ctx.reply().bulk(sha);
    }

    static void kill(CommandContext ctx) {
        ctx.server().scripting().kill(ctx, true);
    }

    /** SCRIPT DEBUG YES|SYNC|NO: the client's debug mode (the debugger is scripting/LuaDebugger). */
    static void debug(CommandContext ctx) {
        ScriptingEngine engine = ctx.server().scripting();
        if (ctx.optionIs(2, "no")) {
            engine.setDebugMode(ctx.client(), 0);
        } else if (ctx.optionIs(2, "yes")) {
            engine.setDebugMode(ctx.client(), 1);
        } else if (ctx.optionIs(2, "sync")) {
            engine.setDebugMode(ctx.client(), 2);
        } else {
            throw new CommandError("ERR Use SCRIPT DEBUG YES/SYNC/NO");
        }
        ctx.reply().ok();
    }

    static void help(CommandContext ctx) {
        String[] help = {
            "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "DEBUG (YES|SYNC|NO)",
            "    Set the debug mode for subsequent scripts executed.",
            "EXISTS <sha1> [<sha1> ...]",
            "    Return information about the existence of the scripts in the script cache.",
            "FLUSH [ASYNC|SYNC]",
            "    Flush the Lua scripts cache. Very dangerous on replicas.",
            "    When called without the optional mode argument, the behavior is determined by the",
            "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
            "    * ASYNC: Asynchronously flush the scripts cache.",
            "    * SYNC: Synchronously flush the scripts cache.",
            "KILL",
            "    Kill the currently executing Lua script.",
            "LOAD <script>",
            "    Load a script into the scripts cache without executing it.",
            "HELP",
            "    Prints this help."};
        ctx.reply().array(help.length);
        for (String line : help) {
            ctx.reply().simple(line);
        }
    }
}
