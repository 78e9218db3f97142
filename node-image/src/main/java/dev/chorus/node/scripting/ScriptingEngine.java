package dev.chorus.node.scripting;

import dev.chorus.node.Log;
import dev.chorus.node.Server;
import dev.chorus.node.command.CommandError;
import dev.chorus.node.command.CommandFlag;
import dev.chorus.node.command.CommandSpec;
import dev.chorus.node.command.Errors;
import dev.chorus.node.config.Directives;
import dev.chorus.node.net.Client;
import dev.chorus.node.net.Outbound;
import dev.chorus.node.resp.Doubles;
import dev.chorus.node.resp.RespWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Redis' Lua scripting (eval.c, script.c, script_lua.c): the one Lua state with its sandbox, the script cache, the
 * script client that runs redis.call, and the run context of the script being executed. Used on the server thread only.
 */
public final class ScriptingEngine {
    /** Redis' script flags (shebang "flags=" names). */
    public static final int FLAG_NO_WRITES = 1;
    public static final int FLAG_ALLOW_OOM = 2;
    public static final int FLAG_ALLOW_STALE = 4;
    public static final int FLAG_NO_CLUSTER = 8;
    public static final int FLAG_EVAL_COMPAT_MODE = 16;
    public static final int FLAG_ALLOW_CROSS_SLOT = 32;

    static final int PROPAGATE_AOF = 1;
    static final int PROPAGATE_REPL = 2;

    static final String MISCONF = "MISCONF Redis is configured to save RDB snapshots, but it's currently "
            + "unable to persist to disk. Commands that may modify the data set are disabled, because this instance is "
            + "configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error "
            + "option). Please check the Redis logs for details about the RDB error.";

    /** shared.slowevalerr: what other clients get while a script is past busy-reply-threshold. */
    public static final String BUSY_EVAL =
            "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
    /** shared.slowscripterr: the same while a function is past busy-reply-threshold. */
    public static final String BUSY_FUNCTION =
            "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

    /** One cached script: its body, shebang flags and compiled function. */
    public record Script(byte[] body, int flags, LuaFunction function) {
    }

    /** The script being run (Redis' scriptRunCtx). */
    static final class RunContext {
        final Client caller;
        final String funcname;
        boolean isEval = true;
        byte[][] argv;
        boolean readOnly;
        boolean allowOom;
        boolean writeDirty;
        boolean preOom;
        int replFlags = PROPAGATE_AOF | PROPAGATE_REPL;
        long startNanos;
        boolean killed;
        boolean timedOut;

        RunContext(Client caller, String funcname) {
            this.caller = caller;
            this.funcname = funcname;
        }
    }

    private final Server server;
    private final Map<String, Script> scripts = new LinkedHashMap<>();
    private long scriptsMemory;
    private final Client scriptClient;
    private LuaSandbox sandbox;
    private final Functions functions;
    private RunContext run;
    /** redisLrand48's state, shared by all scripts as in Redis (reseeded only by math.randomseed). */
    final Rand48 rand = new Rand48();

    public ScriptingEngine(Server server) {
        this.server = server;
        this.scriptClient = new Client(server.clients().newId(), server, new NoOutbound());
        scriptClient.setExecutingTransaction(true); // CLIENT_DENY_BLOCKING: blocking commands do not block
        this.sandbox = new LuaSandbox(this);
        sandbox.tracker.setHook(this::onHook);
        this.functions = new Functions(this);
        this.debugger = new LuaDebugger(this);
        server.addCloseListener(debugger::clientClosed);
    }

    /** The client whose script is running, when {@code c} is the script's own client (Redis' server.script_caller). */
    public Client callerOf(Client c) {
        RunContext r = run;
        return c == scriptClient && r != null ? r.caller : null;
    }

    private final LuaDebugger debugger;
    /** Where a debugged script's reply goes (the session's end), instead of the caller's writer. */
    private RespWriter replyOverride;

    /** SCRIPT DEBUG NO (0), YES (1) or SYNC (2) for a client. */
    public void setDebugMode(Client c, int mode) {
        debugger.setMode(c, mode);
    }

    public boolean debugMode(Client c) {
        return debugger.mode(c) != 0;
    }

    /** The client is in a synchronous debugging session: its commands go to the debugger. */
    public boolean debugging(Client c) {
        return debugger.inSession(c);
    }

    public void debugCommand(Client c, byte[][] argv) {
        debugger.command(c, argv);
    }

    /** EVAL from a client in debug mode: true when the debugger took it. */
    public boolean evalWithDebugging(Client c, byte[] body, byte[][] keys, byte[][] args) {
        return debugger.startSession(c, body, keys, args);
    }

    /** The debugged script, run to its end, its reply written to {@code out}. */
    void runDebugged(Client caller, String sha, Script script, byte[][] keys, byte[][] args, RespWriter out) {
        replyOverride = out;
        try {
            run(caller, sha, script.flags(), script.function(), null, sandbox, keys, args, false, null);
        } finally {
            replyOverride = null;
        }
    }

    LineTracker evalTracker() {
        return sandbox.tracker;
    }

    LuaFunction compileForDebugger(byte[] code) {
        return sandbox.compile(code, "@ldb_eval");
    }

    /** The debugger's "redis" command: redis.call from the debugging client, its reply (or error) for the log. */
    String debuggerCall(Client caller, byte[][] argv) {
        RunContext ctx = new RunContext(caller, "ldb");
        ctx.startNanos = System.nanoTime();
        scriptClient.selectDb(caller.dbIndex());
        scriptClient.setProtocol(2);
        run = ctx;
        server.beginTransactionPropagation();
        try {
            String err = scriptCall(argv);
            if (err != null) {
                return "<error> " + err;
            }
            RespWriter w = scriptClient.writer();
            byte[] reply = java.util.Arrays.copyOf(w.array(), w.length());
            w.reset();
            String human = "<reply> " + protocolToHuman(reply, new int[1]);
            if (reply.length > 0 && reply[0] == '-') { // luaPushError logs the error before ldbRedis logs the reply
                String line = new String(reply, 0, reply.length - 2, StandardCharsets.ISO_8859_1);
                return "<error> " + line + "\n" + human;
            }
            return human;
        } finally {
            run = null;
            server.endTransactionPropagation(scriptClient.dbIndex());
        }
    }

    /** sdscatrepr of a status or error line. */
    private static String reprOf(String line) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            switch (ch) {
                case '\\', '"' -> b.append('\\').append(ch);
                default -> b.append(ch >= 32 && ch < 127 ? String.valueOf(ch) : String.format("\\x%02x", (int) ch));
            }
        }
        return b.append('"').toString();
    }

    /** ldbRedisProtocolToHuman for a RESP2 reply. */
    private static String protocolToHuman(byte[] r, int[] pos) {
        int p = pos[0];
        int nl = p;
        while (nl < r.length && r[nl] != '\r') {
            nl++;
        }
        String head = new String(r, p, nl - p, StandardCharsets.ISO_8859_1);
        pos[0] = nl + 2;
        switch (r[p]) {
            case ':':
                return head.substring(1);
            case '+':
            case '-':
                return reprOf(head);
            case '$': {
                int len = Integer.parseInt(head.substring(1));
                if (len < 0) {
                    return "NULL";
                }
                StringBuilder b = new StringBuilder("\"");
                for (int i = pos[0]; i < pos[0] + len; i++) {
                    int ch = r[i] & 0xff;
                    switch (ch) {
                        case '\\', '"' -> b.append('\\').append((char) ch);
                        case '\n' -> b.append("\\n");
                        case '\r' -> b.append("\\r");
                        case '\t' -> b.append("\\t");
                        default -> b.append(ch >= 32 && ch < 127 ? String.valueOf((char) ch)
                                : String.format("\\x%02x", ch));
                    }
                }
                pos[0] += len + 2;
                return b.append('"').toString();
            }
            case '*': {
                int n = Integer.parseInt(head.substring(1));
                if (n < 0) {
                    return "NULL";
                }
                StringBuilder b = new StringBuilder("[");
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    b.append(protocolToHuman(r, pos));
                }
                return b.append(']').toString();
            }
            default:
                return head;
        }
    }

    /** The function libraries (functions.c). */
    public Functions functions() {
        return functions;
    }

    /** The message other clients get while the running script is busy. */
    public String busyError() {
        return run != null && !run.isEval ? BUSY_FUNCTION : BUSY_EVAL;
    }

    /** FUNCTION STATS' running_script: name, command and duration, or null. */
    public Object[] runningScript() {
        if (run == null) {
            return null;
        }
        return new Object[] {run.funcname, run.argv, (System.nanoTime() - run.startNanos) / 1_000_000};
    }

    void installHook(LuaSandbox s) {
        s.tracker.setHook(this::onHook);
    }

    /** FUNCTION LOAD's timeout (luaEngineLoadHook): set while a library's code runs, 0 otherwise. */
    long loadStartNanos;
    long loadTimeoutMs;

    /** A script is running past busy-reply-threshold (Redis' scriptIsTimedout). */
    public boolean busy() {
        return run != null && run.timedOut;
    }

    /**
     * luaMaskCountHook, every LineTracker.HOOK_INTERVAL instructions: past busy-reply-threshold the script enters
     * timed-out mode (its client protected, the master's stream paused) and the server's I/O runs so other clients
     * get -BUSY and SCRIPT KILL can arrive; a killed script then fails with an error pcall cannot catch.
     */
    private void onHook() {
        RunContext r = run;
        if (r == null) {
            if (loadStartNanos != 0 && loadTimeoutMs > 0
                    && (System.nanoTime() - loadStartNanos) / 1_000_000 > loadTimeoutMs) {
                throw new LuaError(LuaConversions.errorTable("FUNCTION LOAD timeout"));
            }
            return;
        }
        if (!r.timedOut) {
            long threshold = server.config().getLong(Directives.BUSY_REPLY_THRESHOLD);
            long elapsed = (System.nanoTime() - r.startNanos) / 1_000_000;
            if (threshold <= 0 || elapsed < threshold) {
                return;
            }
            Log.warning("Slow script detected: still in execution after " + elapsed + " milliseconds. You can try "
                    + "killing the script using the SCRIPT KILL command. Script name is: " + r.funcname + ".");
            r.timedOut = true;
            r.caller.setProtected(true);
            pauseMasterStream(true);
        }
        if (server.loop() instanceof dev.chorus.node.net.ServerLoop loop) {
            loop.processEventsWhileBlocked();
            server.clients().flushPending();
        }
        if (r.killed) {
            Log.warning("Lua script killed by user with SCRIPT KILL.");
            throw new LuaError(LuaConversions.errorTable("Script killed by user with SCRIPT KILL..."));
        }
    }

    private void pauseMasterStream(boolean paused) {
        var link = server.replication().link();
        if (link != null) {
            link.setReadsPaused(paused);
        }
    }

    // ---- the script cache ----

    public int cachedScripts() {
        return scripts.size();
    }

    /** lua_scripts_mem plus the dict overhead, as evalScriptsMemory reports it. */
    public long scriptsMemory() {
        return scriptsMemory + scripts.size() * (24L + 16L) + (scripts.isEmpty() ? 0 : 4L * 8 * Math.max(4,
                Integer.highestOneBit(scripts.size() * 2 - 1)));
    }

    /** The Lua VM's memory, an estimate (Redis reports lua_gc(LUA_GCCOUNT)). */
    public long vmMemory() {
        return 31744 + scripts.size() * 1024L;
    }

    public boolean exists(String sha) {
        return scripts.containsKey(sha.toLowerCase(Locale.ROOT));
    }

    public Script script(String sha) {
        return scripts.get(sha);
    }

    /** SCRIPT FLUSH and a replica's full resync: a new Lua state and an empty cache (scriptingReset). */
    public void reset() {
        scripts.clear();
        scriptsMemory = 0;
        sandbox = new LuaSandbox(this);
    }

    private byte[] lastBody;
    private String lastSha;

    /** The sha of a script body; the dispatcher and EVAL ask for the same argument one after the other. */
    public String shaOf(byte[] body) {
        if (body != lastBody) {
            lastSha = sha1hex(body);
            lastBody = body;
        }
        return lastSha;
    }

    public static String sha1hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * luaCreateFunction: the sha of {@code body}, compiling and caching it if new. Throws a CommandError with
     * Redis' text for an invalid shebang or a compile error.
     */
    public String createFunction(byte[] body) {
        String sha = shaOf(body);
        if (scripts.containsKey(sha)) {
            return sha;
        }
        int[] shebangLen = new int[1];
        int flags = extractShebangFlags(body, shebangLen);
        byte[] code = body;
        if (shebangLen[0] > 0) {
            code = java.util.Arrays.copyOfRange(body, shebangLen[0], body.length);
        }
        LuaFunction f;
        try {
            f = sandbox.compile(code, "@user_script");
        } catch (LuaError e) {
            throw new CommandError("ERR Error compiling script (new function): " + LuaErrors.compileMessage(e));
        }
        scripts.put(sha, new Script(body, flags, f));
        scriptsMemory += 48 + body.length + 56; // sds of the sha and the body object, roughly as Redis counts them
        return sha;
    }

    /** evalExtractShebangFlags: the script's flags (FLAG_EVAL_COMPAT_MODE without a shebang). */
    public static int extractShebangFlags(byte[] body, int[] shebangLen) {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') {
            return FLAG_EVAL_COMPAT_MODE;
        }
        int nl = -1;
        for (int i = 0; i < body.length; i++) {
            if (body[i] == '\n') {
                nl = i;
                break;
            }
            if (body[i] == 0) {
                break; // strchr stops at the terminator
            }
        }
        if (nl < 0) {
            throw new CommandError("ERR Invalid script shebang");
        }
        java.util.List<byte[]> words = dev.chorus.node.resp.RespRequestParser.splitArgs(
                java.util.Arrays.copyOf(body, nl));
        java.util.List<String> parts = words == null ? null
                : words.stream().map(w -> new String(w, StandardCharsets.ISO_8859_1)).toList();
        if (parts == null || parts.isEmpty()) {
            throw new CommandError("ERR Invalid engine in script shebang");
        }
        if (!parts.get(0).equals("#!lua")) {
            throw new CommandError("ERR Unexpected engine in script shebang: " + parts.get(0));
        }
        int flags = 0;
        for (int j = 1; j < parts.size(); j++) {
            String p = parts.get(j);
            if (p.startsWith("flags=")) {
                String list = p.substring(6);
                if (list.isEmpty()) {
                    continue;
                }
                for (String f : list.split(",", -1)) {
                    int bit = switch (f) {
                        case "no-writes" -> FLAG_NO_WRITES;
                        case "allow-oom" -> FLAG_ALLOW_OOM;
                        case "allow-stale" -> FLAG_ALLOW_STALE;
                        case "no-cluster" -> FLAG_NO_CLUSTER;
                        case "allow-cross-slot-keys" -> FLAG_ALLOW_CROSS_SLOT;
                        default -> throw new CommandError("ERR Unexpected flag in script shebang: " + f);
                    };
                    flags |= bit;
                }
            } else {
                throw new CommandError("ERR Unknown lua shebang option: " + p);
            }
        }
        shebangLen[0] = nl;
        return flags;
    }

    /**
     * scriptFlagsToCmdFlags for EVAL/EVALSHA (evalGetCommandFlags): with a shebang, the script's flags decide
     * whether the command counts as a write, deny-oom or allowed when stale. Returns null to keep the command's own.
     */
    public Integer declaredFlags(byte[] scriptOrSha, boolean evalsha) {
        if (evalsha && scriptOrSha.length != 40) {
            return null;
        }
        String sha = evalsha ? new String(scriptOrSha, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT)
                : shaOf(scriptOrSha);
        Script s = scripts.get(sha);
        int flags;
        if (s == null) {
            if (evalsha) {
                return null;
            }
            try {
                flags = extractShebangFlags(scriptOrSha, new int[1]);
            } catch (CommandError e) {
                return null;
            }
        } else {
            flags = s.flags();
        }
        return (flags & FLAG_EVAL_COMPAT_MODE) != 0 ? null : flags;
    }

    // ---- running ----

    public boolean running() {
        return run != null;
    }

    /** evalGenericCommand once the function is known. Writes the reply (or error) to the caller. */
    public void eval(Client caller, String sha, Script script, byte[][] keys, byte[][] args, boolean ro) {
        run(caller, sha, script.flags(), script.function(), null, sandbox, keys, args, ro, null);
    }

    /** fcallCommandGeneric once the function is known: keys and args are the callback's two arguments. */
    void fcall(Client caller, String name, int flags, LuaFunction callback, LuaSandbox fsandbox, byte[][] keys,
            byte[][] args, boolean ro, byte[][] argv) {
        run(caller, name, flags, callback, LuaValue.varargsOf(LuaSandbox.array(keys), LuaSandbox.array(args)),
                fsandbox, keys, args, ro, argv);
    }

    private void run(Client caller, String sha, int flags, LuaFunction function, Varargs fargs, LuaSandbox sandbox,
            byte[][] keys, byte[][] args, boolean ro, byte[][] argv) {
        RespWriter out = replyOverride != null ? replyOverride : caller.writer();
        String denied = prepare(caller, flags, ro);
        if (denied != null) {
            throw new CommandError(denied);
        }
        RunContext ctx = new RunContext(caller, sha);
        ctx.isEval = fargs == null;
        ctx.argv = argv;
        boolean compat = (flags & FLAG_EVAL_COMPAT_MODE) != 0;
        ctx.readOnly = ro || (!compat && (flags & FLAG_NO_WRITES) != 0);
        ctx.allowOom = !compat && (flags & FLAG_ALLOW_OOM) != 0;
        ctx.preOom = server.config().getLong(Directives.MAXMEMORY) > 0 && !server.freeMemoryIfNeeded();
        ctx.startNanos = System.nanoTime();
        scriptClient.selectDb(caller.dbIndex());
        scriptClient.setProtocol(2);
        run = ctx;
        boolean wrap = !caller.executingTransaction();
        if (wrap) {
            server.beginTransactionPropagation();
        }
        try {
            Varargs result;
            try {
                sandbox.tracker.reset();
                if (fargs == null) {
                    sandbox.setArrays(keys, args);
                    result = function.invoke(LuaValue.NONE);
                } else {
                    result = function.invoke(fargs);
                }
            } catch (LuaError e) {
                String msg = LuaErrors.scriptFailure(e, sha, sandbox.tracker);
                out.error(msg);
                if (!LuaErrors.ignoreStats(e)) {
                    server.stats().error(msg);
                }
                return;
            } catch (StackOverflowError e) {
                String msg = "ERR Error running script " + sha + ", stack overflow";
                out.error(msg);
                server.stats().error(msg);
                return;
            }
            LuaValue v = result.arg1();
            LuaConversions.toReply(v, out, scriptClient.protocol(), (m, count) -> {
                if (count) {
                    server.stats().error(m);
                }
            });
        } finally {
            run = null;
            if (ctx.timedOut) {
                caller.setProtected(false);
                pauseMasterStream(false);
            }
            scriptClient.writer().reset();
            if (wrap) {
                server.endTransactionPropagation(scriptClient.dbIndex());
                caller.setWriteOffset(server.replicationOffset());
            }
        }
    }

    /** scriptPrepareForRun's refusals, or null. */
    private String prepare(Client caller, int flags, boolean ro) {
        boolean obey = caller.isMaster();
        boolean runningStale = server.isReplica() && !server.masterLinkUp()
                && !server.config().getBool(Directives.REPLICA_SERVE_STALE_DATA);
        if ((flags & FLAG_EVAL_COMPAT_MODE) == 0) {
            if (runningStale && (flags & FLAG_ALLOW_STALE) == 0) {
                return "MASTERDOWN Link with MASTER is down, replica-serve-stale-data is set to 'no' and 'allow-stale' "
                        + "flag is not set on the script.";
            }
            if ((flags & FLAG_NO_WRITES) == 0) {
                if (server.isReplica() && server.config().getBool(Directives.REPLICA_READ_ONLY) && !obey) {
                    return "READONLY Can not run script with write flag on readonly replica";
                }
                if (!server.isReplica() && !server.persistence().writesAllowed() && !obey) {
                    return "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist "
                            + "to disk. Writable scripts are blocked. Use 'no-writes' flag for read only scripts.";
                }
                if (ro) {
                    return "ERR Can not execute a script with write flag using *_ro command.";
                }
                if (!server.isReplica() && !server.enoughGoodReplicas()) {
                    return Errors.NOREPLICAS;
                }
            }
            if (server.config().getLong(Directives.MAXMEMORY) > 0 && (flags & (FLAG_ALLOW_OOM | FLAG_NO_WRITES)) == 0
                    && !obey && !server.freeMemoryIfNeeded()) {
                return "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'";
            }
        } else if (runningStale) {
            return Errors.MASTERDOWN;
        }
        return null;
    }

    // ---- redis.* ----

    /** redis.call (raise) and redis.pcall: the command's reply as a Lua value, or its error table. */
    Varargs call(Varargs args, boolean raise) {
        if (run == null) {
            return fail(LuaConversions.errorTable("redis.call/pcall can only be called inside a script invocation"),
                    true);
        }
        int argc = args.narg();
        if (argc == 0) {
            return fail(LuaConversions.errorTable("Please specify at least one argument for this redis lib call"),
                    raise);
        }
        byte[][] argv = new byte[argc][];
        for (int j = 0; j < argc; j++) {
            LuaValue a = args.arg(j + 1);
            if (a.type() == LuaValue.TNUMBER) {
                argv[j] = Doubles.format(a.todouble()).getBytes(StandardCharsets.US_ASCII);
            } else if (a.type() == LuaValue.TSTRING) {
                LuaString s = (LuaString) a;
                argv[j] = java.util.Arrays.copyOfRange(s.m_bytes, s.m_offset, s.m_offset + s.m_length);
            } else {
                return fail(LuaConversions.errorTable("Lua redis lib command arguments must be strings or integers"),
                        raise);
            }
        }
        String err = scriptCall(argv);
        if (err != null) {
            LuaTable t = LuaConversions.errorTable(err);
            t.rawset(LuaConversions.IGNORE_STATS, LuaValue.TRUE);
            return fail(t, raise);
        }
        RespWriter w = scriptClient.writer();
        LuaValue v;
        boolean error = w.length() > 0 && w.array()[0] == '-';
        try {
            v = LuaConversions.toLua(w.array(), w.length());
        } finally {
            w.reset();
        }
        if (raise && error) {
            throw new LuaError(v);
        }
        return v;
    }

    private static Varargs fail(LuaTable error, boolean raise) {
        if (raise) {
            throw new LuaError(error);
        }
        return error;
    }

    /** scriptCall: Redis' checks, then the command on the script client. Returns the refusal, or null. */
    private String scriptCall(byte[][] argv) {
        CommandSpec spec = server.commands().lookup(argv[0]);
        if (spec != null && !spec.subcommands().isEmpty() && argv.length >= 2) {
            spec = spec.subcommands().get(new String(argv[1], StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
        }
        String refusal = null;
        if (spec == null) {
            refusal = "Unknown Redis command called from script";
        } else if (!spec.acceptsArgCount(argv.length)) {
            refusal = "Wrong number of args calling Redis command from script";
        } else if (!dev.chorus.node.command.DebugCommands.disableDenyScripts && spec.has(CommandFlag.NOSCRIPT)) {
            refusal = "This Redis command is not allowed from script";
        } else if (server.isReplica() && !server.masterLinkUp()
                && !server.config().getBool(Directives.REPLICA_SERVE_STALE_DATA) && !spec.has(CommandFlag.STALE)) {
            refusal = "Can not execute the command on a stale replica";
        } else {
            refusal = writeRefusal(spec);
            if (refusal == null) {
                refusal = oomRefusal(spec);
            }
        }
        if (refusal != null) {
            String counted = refusal.startsWith("-") ? refusal.substring(1) : "ERR " + refusal;
            server.stats().error(counted);
            if (spec != null) {
                server.stats().command(spec.fullName()).rejectedCalls++;
            }
            return refusal;
        }
        if (spec.isWrite()) {
            run.writeDirty = true;
        }
        scriptClient.writer().reset();
        scriptClient.setPropagationOff((run.replFlags & PROPAGATE_REPL) == 0);
        server.dispatcher().call(scriptClient, spec, argv);
        return null;
    }

    private String writeRefusal(CommandSpec spec) {
        if (run.readOnly && (spec.isWrite() || spec.has(CommandFlag.MAY_REPLICATE))) {
            return "Write commands are not allowed from read-only scripts.";
        }
        if (!spec.isWrite() || run.writeDirty) {
            return null;
        }
        if (server.isReplica() && server.config().getBool(Directives.REPLICA_READ_ONLY) && !run.caller.isMaster()) {
            return "-" + Errors.READONLY;
        }
        if (!server.isReplica() && !server.persistence().writesAllowed()) {
            return "-" + MISCONF;
        }
        if (!server.isReplica() && !server.enoughGoodReplicas()) {
            return "-" + Errors.NOREPLICAS;
        }
        return null;
    }

    private String oomRefusal(CommandSpec spec) {
        if (run.allowOom) {
            return null;
        }
        if (server.config().getLong(Directives.MAXMEMORY) > 0 && !run.caller.isMaster() && !run.writeDirty
                && run.preOom && spec.has(CommandFlag.DENYOOM)) {
            return "-" + Errors.OOM;
        }
        return null;
    }

    /** acl_check_cmd's lookup: the command (or subcommand) the arguments name, or null. */
    CommandSpec lookupForScript(Varargs a) {
        byte[] name = a.arg1().checkstring().tojstring().getBytes(StandardCharsets.UTF_8);
        CommandSpec spec = server.commands().lookup(name);
        if (spec != null && !spec.subcommands().isEmpty() && a.narg() >= 2) {
            spec = spec.subcommands().get(a.arg(2).tojstring().toLowerCase(Locale.ROOT));
        }
        return spec;
    }

    /** scriptKill: SCRIPT KILL (isEval) or FUNCTION KILL. */
    public void kill(dev.chorus.node.command.CommandContext ctx, boolean isEval) {
        if (run == null) {
            throw new CommandError("NOTBUSY No scripts in execution right now.");
        }
        if (run.caller.isMaster()) {
            throw new CommandError("UNKILLABLE The busy script was sent by a master instance in the context of "
                    + "replication and cannot be killed.");
        }
        if (run.writeDirty) {
            throw new CommandError("UNKILLABLE Sorry the script already executed write commands against the "
                    + "dataset. You can either wait the script termination or kill the server in a hard way using "
                    + "the SHUTDOWN NOSAVE command.");
        }
        if (isEval && !run.isEval) {
            throw new CommandError(BUSY_FUNCTION);
        }
        if (!isEval && run.isEval) {
            throw new CommandError(BUSY_EVAL);
        }
        run.killed = true;
        ctx.reply().ok();
    }

    /** A killed script cannot be caught by pcall: the kill goes on up to the EVAL. */
    void rethrowIfKilled(LuaError e) {
        if (run != null && run.killed) {
            throw e;
        }
    }

    /** redis.setresp */
    void setResp(int resp) {
        scriptClient.setProtocol(resp);
    }

    /** redis.set_repl: which of AOF and replicas hear the script's writes from now on. */
    void setRepl(int flags) {
        run.replFlags = flags;
    }

    boolean inRun() {
        return run != null;
    }

    /** lua-enable-deprecated-api (Debian's backport): setfenv, getfenv and newproxy are kept in the globals. */
    boolean deprecatedApi() {
        return server.config().getBool(Directives.LUA_ENABLE_DEPRECATED_API);
    }

    /** The log level threshold (verbosity) as Redis' LL_* number. */
    int verbosity() {
        return switch (server.config().getString(Directives.LOGLEVEL)) {
            case "debug" -> 0;
            case "verbose" -> 1;
            case "notice" -> 2;
            default -> 3;
        };
    }

    static void log(int level, String msg) {
        switch (level) {
            case 0 -> Log.debug(msg);
            case 1 -> Log.verbose(msg);
            case 2 -> Log.notice(msg);
            default -> Log.warning(msg);
        }
    }

    /** A reply sink for the script client: nothing is sent anywhere, the engine reads the writer. */
    private static final class NoOutbound implements Outbound {
        @Override
        public void send(byte[] data, int offset, int length) {
        }

        @Override
        public void close() {
        }

        @Override
        public String remoteAddress() {
            return "";
        }

        @Override
        public String localAddress() {
            return "";
        }
    }
}
