package dev.chorus.node.scripting;

import dev.chorus.node.Log;
import dev.chorus.node.command.CommandError;
import dev.chorus.node.net.Client;
import dev.chorus.node.resp.RespWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.WeakHashMap;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * SCRIPT DEBUG (eval.c's LDB), as far as the node can go without fork() and without suspending a running script.
 *
 * <p>SCRIPT DEBUG YES/SYNC/NO set the client's mode as in Redis. EVAL in YES mode needs fork(), which the JVM does
 * not offer: the node answers as Redis does when fork() fails ("Fork() failed: can't run EVAL in debugging mode")
 * and leaves debug mode. In SYNC mode EVAL starts a session stopped before the first line, with Redis' texts: the
 * client's next commands are debugger commands (help, list, whole, print, break, maxlen, eval, redis, abort,
 * step/next/continue, unknown commands). What the node cannot do is stop inside a running script: step, next and
 * continue run the rest of the script (breakpoints and redis.breakpoint() do not stop it). The session ends as Redis
 * ends it: "&lt;endsession&gt;", the script's reply, and the connection is closed.
 */
final class LuaDebugger {
    static final int MODE_YES = 1;
    static final int MODE_SYNC = 2;
    private static final int MAX_LEN_DEFAULT = 256;

    private final ScriptingEngine engine;
    private final Map<Client, Integer> modes = new WeakHashMap<>();
    private Session session;

    LuaDebugger(ScriptingEngine engine) {
        this.engine = engine;
    }

    /** A session stopped before the script's first line. */
    private static final class Session {
        Client client;
        String sha;
        ScriptingEngine.Script script;
        byte[][] keys;
        byte[][] args;
        String[] lines;
        int currentLine;
        int maxlen = MAX_LEN_DEFAULT;
        boolean maxlenHintSent;
        final TreeSet<Integer> breakpoints = new TreeSet<>();
        final List<String> logs = new ArrayList<>();
    }

    void setMode(Client c, int mode) {
        if (mode == 0) {
            modes.remove(c);
        } else {
            modes.put(c, mode);
        }
    }

    int mode(Client c) {
        Integer m = modes.get(c);
        return m == null ? 0 : m;
    }

    boolean inSession(Client c) {
        return session != null && session.client == c;
    }

    /** evalGenericCommandWithDebugging for EVAL. Returns false when the caller should run EVAL normally. */
    boolean startSession(Client c, byte[] body, byte[][] keys, byte[][] args) {
        int mode = mode(c);
        if (mode == 0) {
            return false;
        }
        if (mode == MODE_YES) {
            modes.remove(c); // ldbDisable after ldbStartSession failed
            throw new CommandError("ERR Fork() failed: can't run EVAL in debugging mode: Operation not supported");
        }
        if (session != null) {
            finishAbandoned();
        }
        Log.warning("Redis synchronous debugging eval session started");
        Session s = new Session();
        s.client = c;
        String src = new String(body, StandardCharsets.ISO_8859_1);
        int len = src.length();
        while (len > 0 && (src.charAt(len - 1) == '\n' || src.charAt(len - 1) == '\r')) {
            len--;
        }
        s.lines = src.substring(0, len).split("\n", -1);
        s.keys = keys;
        s.args = args;
        session = s;
        try {
            s.sha = engine.createFunction(body);
        } catch (CommandError e) {
            end(c, w -> w.error(e.getMessage()));
            return true;
        }
        s.script = engine.script(s.sha);
        s.currentLine = firstLine(s.script.function());
        s.logs.add("* Stopped at " + s.currentLine + ", stop reason = step over");
        logSourceLine(s, s.currentLine);
        sendLogs(c.writer());
        return true;
    }

    private static int firstLine(LuaFunction f) {
        if (f instanceof org.luaj.vm2.LuaClosure c && c.p.lineinfo != null && c.p.lineinfo.length > 0) {
            return c.p.lineinfo[0];
        }
        return 1;
    }

    /** A command from the debugging client (ldbRepl). */
    void command(Client c, byte[][] argv) {
        Session s = session;
        RespWriter out = c.writer();
        String cmd = cString(argv[0]).toLowerCase(java.util.Locale.ROOT);
        int argc = argv.length;
        switch (cmd) {
            case "h", "help" -> {
                help(s);
                sendLogs(out);
            }
            case "s", "step", "n", "next", "c", "continue" -> runToEnd(c, null);
            case "a", "abort" -> runToEnd(c, "ERR script aborted for user request script: " + s.sha
                    + ", on @user_script:" + s.currentLine + ".");
            case "m", "maxlen" -> {
                if (argc == 2) {
                    s.maxlenHintSent = true; // the user knows about this command
                    int v = atoi(argv[1]);
                    if (v != 0 && v <= 60) {
                        v = 60;
                    }
                    s.maxlen = v;
                }
                s.logs.add(s.maxlen != 0 ? "<value> replies are truncated at " + s.maxlen + " bytes."
                        : "<value> replies are unlimited.");
                sendLogs(out);
            }
            case "b", "break" -> {
                breakpoints(s, argv);
                sendLogs(out);
            }
            case "e", "eval" -> {
                eval(s, argv);
                sendLogs(out);
            }
            case "t", "trace" -> {
                s.logs.add("In top level:");
                logSourceLine(s, s.currentLine);
                sendLogs(out);
            }
            case "p", "print" -> {
                if (argc == 2) {
                    print(s, cString(argv[1]));
                } else {
                    s.logs.add("No local variables in the current context.");
                }
                sendLogs(out);
            }
            case "l", "list" -> {
                int around = s.currentLine;
                int ctx = 5;
                if (argc > 1 && atoi(argv[1]) > 0) {
                    around = atoi(argv[1]);
                }
                if (argc > 2) {
                    ctx = atoi(argv[2]);
                }
                list(s, around, ctx);
                sendLogs(out);
            }
            case "w", "whole" -> {
                list(s, 1, 1000000);
                sendLogs(out);
            }
            default -> {
                if (argc > 1 && (cmd.equals("r") || cmd.equals("redis"))) {
                    redis(s, argv);
                } else {
                    s.logs.add("<error> Unknown Redis Lua debugger command or wrong number of arguments.");
                }
                sendLogs(out);
            }
        }
    }

    /** A session whose client went away: the script runs without user input, as ldbRepl does on a read error. */
    private void finishAbandoned() {
        Session s = session;
        session = null;
        if (s.script != null) {
            RespWriter sink = new RespWriter();
            try {
                engine.runDebugged(s.client, s.sha, s.script, s.keys, s.args, sink);
            } catch (CommandError e) {
                // the reply of a client that is gone
            }
        }
        Log.warning("Redis synchronous debugging eval session ended");
    }

    /** The client of a session closed its connection. */
    void clientClosed(Client c) {
        modes.remove(c);
        if (inSession(c)) {
            finishAbandoned();
        }
    }

    private void runToEnd(Client c, String abortError) {
        Session s = session;
        end(c, w -> {
            if (abortError != null) {
                w.error(abortError);
                return;
            }
            try {
                engine.runDebugged(c, s.sha, s.script, s.keys, s.args, w);
            } catch (CommandError e) {
                w.error(e.getMessage());
            }
        });
    }

    /** ldbEndSession: the remaining logs and "<endsession>", the EVAL reply, then the connection is closed. */
    private void end(Client c, java.util.function.Consumer<RespWriter> reply) {
        Session s = session;
        RespWriter out = c.writer();
        RespWriter evalReply = new RespWriter();
        reply.accept(evalReply);
        s.logs.add("<endsession>");
        sendLogs(out);
        out.raw(evalReply.toByteArray());
        session = null;
        modes.remove(c);
        c.closeAfterReply();
        Log.warning("Redis synchronous debugging eval session ended");
    }

    private void sendLogs(RespWriter out) {
        Session s = session;
        out.array(s.logs.size());
        for (String l : s.logs) {
            out.simple(l.replace('\r', ' ').replace('\n', ' '));
        }
        s.logs.clear();
    }

    private static void logSourceLine(Session s, int lnum) {
        String line = lnum - 1 >= 0 && lnum - 1 < s.lines.length ? s.lines[lnum - 1]
                : "<out of range source code line>";
        boolean bp = s.breakpoints.contains(lnum);
        boolean current = s.currentLine == lnum;
        String prefix = current && bp ? "->#" : current ? "-> " : bp ? "  #" : "   ";
        s.logs.add(prefix + String.format("%-3d", lnum) + " " + line);
    }

    private static void list(Session s, int around, int ctx) {
        for (int j = 1; j <= s.lines.length; j++) {
            if (around != 0 && Math.abs(around - j) > ctx) {
                continue;
            }
            logSourceLine(s, j);
        }
    }

    private static void breakpoints(Session s, byte[][] argv) {
        if (argv.length == 1) {
            if (s.breakpoints.isEmpty()) {
                s.logs.add("No breakpoints set. Use 'b <line>' to add one.");
            } else {
                s.logs.add(s.breakpoints.size() + " breakpoints set:");
                for (int line : s.breakpoints) {
                    logSourceLine(s, line);
                }
            }
            return;
        }
        for (int j = 1; j < argv.length; j++) {
            int line = atoi(argv[j]);
            if (line == 0) {
                s.breakpoints.clear();
                s.logs.add("All breakpoints removed.");
            } else if (line > 0) {
                if (line > s.lines.length) {
                    s.logs.add("<error> There is no code at the specified line.");
                } else if (s.breakpoints.add(line)) {
                    s.logs.add("Breakpoint added at line " + line + " (not honoured by this server: the script "
                            + "runs to its end).");
                    logSourceLine(s, line);
                } else {
                    s.logs.add("Wrong line number.");
                }
            } else {
                if (s.breakpoints.remove(-line)) {
                    s.logs.add("Breakpoint removed.");
                } else {
                    s.logs.add("No breakpoint in the specified line.");
                }
            }
        }
    }

    private void print(Session s, String name) {
        byte[][] arr = name.equals("KEYS") ? s.keys : name.equals("ARGV") ? s.args : null;
        if (arr == null) {
            s.logs.add("No such variable.");
            return;
        }
        StringBuilder b = new StringBuilder("<value> {");
        for (int i = 0; i < arr.length; i++) {
            if (i > 0) {
                b.append("; ");
            }
            b.append(repr(arr[i]));
        }
        b.append('}');
        logWithMaxLen(s, b.toString());
    }

    /** ldbLogWithMaxLen: trimmed to maxlen, with a hint the first time. */
    private static void logWithMaxLen(Session s, String entry) {
        boolean trimmed = false;
        if (s.maxlen != 0 && entry.length() > s.maxlen) {
            entry = entry.substring(0, s.maxlen) + " ...";
            trimmed = true;
        }
        s.logs.add(entry);
        if (trimmed && !s.maxlenHintSent) {
            s.maxlenHintSent = true;
            s.logs.add("<hint> The above reply was trimmed. Use 'maxlen 0' to disable trimming.");
        }
    }

    /** sdscatrepr */
    private static String repr(byte[] v) {
        StringBuilder b = new StringBuilder("\"");
        for (byte x : v) {
            int ch = x & 0xff;
            switch (ch) {
                case '\\', '"' -> b.append('\\').append((char) ch);
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case 7 -> b.append("\\a");
                case '\b' -> b.append("\\b");
                default -> {
                    if (ch >= 32 && ch < 127) {
                        b.append((char) ch);
                    } else {
                        b.append(String.format("\\x%02x", ch));
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** ldbEval: the code as an expression ("return " prepended), else as a statement. */
    private void eval(Session s, byte[][] argv) {
        StringBuilder code = new StringBuilder();
        for (int j = 1; j < argv.length; j++) {
            if (j > 1) {
                code.append(' ');
            }
            code.append(new String(argv[j], StandardCharsets.ISO_8859_1));
        }
        LuaFunction f;
        try {
            f = engine.compileForDebugger(("return " + code).getBytes(StandardCharsets.ISO_8859_1));
        } catch (LuaError e) {
            try {
                f = engine.compileForDebugger(code.toString().getBytes(StandardCharsets.ISO_8859_1));
            } catch (LuaError e2) {
                s.logs.add("<error> " + LuaErrors.compileMessage(e2));
                return;
            }
        }
        try {
            Varargs r = f.invoke(LuaValue.NONE);
            logWithMaxLen(s, "<retval> " + human(r.arg1()));
        } catch (LuaError e) {
            LuaValue v = LuaErrors.value(e, engine.evalTracker());
            s.logs.add("<error> " + (v.istable() ? human(v) : v.tojstring()));
        }
    }

    /** ldbCatStackValue */
    private static String human(LuaValue v) {
        switch (v.type()) {
            case LuaValue.TSTRING:
                return repr(RedisLib.bytes(v.checkstring()));
            case LuaValue.TBOOLEAN:
                return v.toboolean() ? "true" : "false";
            case LuaValue.TNUMBER:
                return LuaNumbers.format(v.todouble());
            case LuaValue.TNIL:
                return "nil";
            case LuaValue.TTABLE: {
                LuaTable t = (LuaTable) v;
                StringBuilder b = new StringBuilder("{");
                int n = t.length();
                boolean first = true;
                LuaValue k = LuaValue.NIL;
                boolean isArray = true;
                int count = 0;
                while (true) {
                    Varargs e = t.next(k);
                    k = e.arg1();
                    if (k.isnil()) {
                        break;
                    }
                    count++;
                }
                isArray = count == n;
                k = LuaValue.NIL;
                while (true) {
                    Varargs e = t.next(k);
                    k = e.arg1();
                    if (k.isnil()) {
                        break;
                    }
                    if (!first) {
                        b.append("; ");
                    }
                    first = false;
                    if (!isArray) {
                        b.append('[').append(human(k)).append("]=");
                    }
                    b.append(human(e.arg(2)));
                }
                return b.append('}').toString();
            }
            default:
                return "\"" + v.typename() + "@" + Integer.toHexString(System.identityHashCode(v)) + "\"";
        }
    }

    /** ldbRedis: redis.call with the arguments, its command and reply logged. */
    private void redis(Session s, byte[][] argv) {
        StringBuilder cmdlog = new StringBuilder("<redis>");
        for (int j = 1; j < argv.length; j++) {
            if (j - 1 == 10) {
                cmdlog.append(" ... (").append(argv.length - j - 1).append(" more)");
                break;
            }
            cmdlog.append(' ').append(new String(argv[j], StandardCharsets.ISO_8859_1));
        }
        s.logs.add(cmdlog.toString());
        byte[][] cmd = java.util.Arrays.copyOfRange(argv, 1, argv.length);
        String r = engine.debuggerCall(s.client, cmd);
        for (String entry : r.split("\n", -1)) {
            if (entry.startsWith("<reply>")) {
                logWithMaxLen(s, entry);
            } else {
                s.logs.add(entry);
            }
        }
    }

    private void help(Session s) {
        String[] help = {"Redis Lua debugger help:",
            "[h]elp               Show this help.",
            "[s]tep               Run current line and stop again.",
            "[n]ext               Alias for step.",
            "[c]ontinue           Run till next breakpoint.",
            "[l]ist               List source code around current line.",
            "[l]ist [line]        List source code around [line].",
            "                     line = 0 means: current position.",
            "[l]ist [line] [ctx]  In this form [ctx] specifies how many lines",
            "                     to show before/after [line].",
            "[w]hole              List all source code. Alias for 'list 1 1000000'.",
            "[p]rint              Show all the local variables.",
            "[p]rint <var>        Show the value of the specified variable.",
            "                     Can also show global vars KEYS and ARGV.",
            "[b]reak              Show all breakpoints.",
            "[b]reak <line>       Add a breakpoint to the specified line.",
            "[b]reak -<line>      Remove breakpoint from the specified line.",
            "[b]reak 0            Remove all breakpoints.",
            "[t]race              Show a backtrace.",
            "[e]val <code>        Execute some Lua code (in a different callframe).",
            "[r]edis <cmd>        Execute a Redis command.",
            "[m]axlen [len]       Trim logged Redis replies and Lua var dumps to len.",
            "                     Specifying zero as <len> means unlimited.",
            "[a]bort              Stop the execution of the script. In sync",
            "                     mode dataset changes will be retained.",
            "",
            "Debugger functions you can call from Lua scripts:",
            "redis.debug()        Produce logs in the debugger console.",
            "redis.breakpoint()   Stop execution like if there was a breakpoint in the",
            "                     next line of code."};
        s.logs.addAll(List.of(help));
    }

    private static String cString(byte[] a) {
        int n = 0;
        while (n < a.length && a[n] != 0) {
            n++;
        }
        return new String(a, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static int atoi(byte[] a) {
        String s = cString(a).trim();
        int i = 0;
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && v < Integer.MAX_VALUE) {
            v = v * 10 + (s.charAt(i++) - '0');
        }
        return (int) (neg ? -v : v);
    }
}
