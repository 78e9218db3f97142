package dev.chorus.node.scripting;

import java.lang.reflect.Field;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * Turns LuaJ's errors into what Lua 5.1 in Redis shows: a message raised as a string carries the position of the
 * Lua code that raised it ("user_script:3: ..."), a value raised with error(v, 0) or a table is kept as it is, and a
 * script that fails is reported as Redis' __redis__err__handler and luaCallFunction format it.
 */
final class LuaErrors {
    private LuaErrors() {
    }

    private static final Field OBJECT;
    private static final Field FILELINE;

    static {
        try {
            OBJECT = LuaError.class.getDeclaredField("object");
            OBJECT.setAccessible(true);
            FILELINE = LuaError.class.getDeclaredField("fileline");
            FILELINE.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static LuaValue object(LuaError e) {
        try {
            return (LuaValue) OBJECT.get(e);
        } catch (IllegalAccessException x) {
            return null;
        }
    }

    /** "@user_script:3" for the innermost Lua function the error passed through, or null. */
    private static String fileline(LuaError e) {
        try {
            return (String) FILELINE.get(e);
        } catch (IllegalAccessException x) {
            return null;
        }
    }

    /** The line number of the Lua code where the error was raised, or null. */
    static String line(LuaError e) {
        String fl = fileline(e);
        if (fl == null) {
            return null;
        }
        String line = fl.substring(fl.lastIndexOf(':') + 1);
        return line.equals("?") || line.equals("-1") ? null : line;
    }

    /** The error's message as LuaJ built it, without the position LuaJ put in front. */
    private static String rawMessage(LuaError e) {
        String m = e.getMessage();
        String fl = fileline(e);
        if (m != null && fl != null && m.startsWith(fl + " ")) {
            m = m.substring(fl.length() + 1);
        }
        if (m != null && m.endsWith("\n")) {
            m = m.substring(0, m.length() - 1); // LineTracker's empty traceback
        }
        if (m != null && m.startsWith("vm error: ")) {
            m = m.substring("vm error: ".length());
        }
        return m == null ? "" : m;
    }

    /** The value pcall returns (and error handlers see), as Lua 5.1 would give it. */
    static LuaValue value(LuaError e, LineTracker tracker) {
        LuaValue obj = object(e);
        if (obj != null) {
            return obj;
        }
        String raw = rawMessage(e);
        String line = line(tracker);
        if (line != null) {
            return LuaValue.valueOf(tracker.currentSource() + ":" + line + ": " + raw);
        }
        return LuaValue.valueOf(raw);
    }

    /**
     * The value pcall returns when it called a library (Java) function directly and the error never passed through
     * Lua code: luaL_where(L, 1) then names pcall, a C function, so Lua 5.1 gives the message without a position.
     */
    static LuaValue valueFromDirectCall(LuaError e, LineTracker tracker) {
        if (fileline(e) != null) {
            return value(e, tracker);
        }
        LuaValue obj = object(e);
        return obj != null ? obj : LuaValue.valueOf(rawMessage(e));
    }

    /** The line the script was executing when the error was caught (the instruction that raised it), or null. */
    static String line(LineTracker tracker) {
        int line = tracker.currentLine();
        return line > 0 ? String.valueOf(line) : null;
    }

    /** Whether the error came from a command's error reply already counted in the error stats. */
    static boolean ignoreStats(LuaError e) {
        LuaValue v = object(e);
        return v instanceof LuaTable t && t.rawget(LuaConversions.IGNORE_STATS).toboolean();
    }

    /**
     * The reply of a script that raised an error: __redis__err__handler turns a non-table into {err='ERR '..msg}
     * and adds the source and line; luaCallFunction appends " script: <name>, on <source>:<line>.".
     */
    static String scriptFailure(LuaError e, String funcname, LineTracker tracker) {
        LuaValue v = value(e, tracker);
        String msg;
        if (v.istable()) {
            LuaValue err = v.rawget(LuaConversions.ERR);
            msg = err.isstring() ? err.tojstring() : "(null)";
        } else {
            msg = "ERR " + v.tojstring();
        }
        String line = line(tracker);
        if (line != null) {
            msg = msg + " script: " + funcname + ", on " + tracker.currentRawSource() + ":" + line + ".";
        }
        return msg.startsWith("-") ? msg.substring(1) : msg;
    }

    /** A compile error as Lua 5.1 words it ("user_script:1: unexpected symbol near '<eof>'"). */
    static String compileMessage(LuaError e) {
        String m = rawMessage(e);
        java.util.regex.Matcher u = java.util.regex.Pattern.compile("unexpected symbol (\\d+) \\(.*\\)$").matcher(m);
        if (u.find()) {
            String near = tokenText(Integer.parseInt(u.group(1)));
            m = m.substring(0, u.start()) + "unexpected symbol" + (near == null ? "" : " near '" + near + "'");
        }
        return m;
    }

    private static final String[] RESERVED = {"and", "break", "do", "else", "elseif", "end", "false", "for",
        "function", "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until",
        "while", "..", "...", "==", ">=", "<=", "~=", "::", "<eof>"};

    private static String tokenText(int token) {
        if (token < 257) {
            return String.valueOf((char) token);
        }
        int i = token - 257;
        return i < RESERVED.length ? RESERVED[i] : null;
    }
}
