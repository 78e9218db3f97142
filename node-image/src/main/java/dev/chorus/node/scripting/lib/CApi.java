package dev.chorus.node.scripting.lib;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The few pieces of Lua 5.1's C API (lauxlib.c, lapi.c, lobject.c) that the bundled C libraries rely on, with the
 * exact behaviour and error texts of Redis 7.0.15's Lua: argument checks, number/string coercions and the x86-64
 * results of C's out-of-range double to integer casts.
 */
final class CApi {
    /** LUAI_MAXCSTACK: the Lua stack slots a C function may use (lua_checkstack). */
    static final int MAX_C_STACK = 8000;

    private CApi() {
    }

    /**
     * luaL_error: the message gets luaL_where(L, 1), the position of the function that called the C function when that
     * is a Lua function. LuaJ adds its position the same way to a string LuaError leaving a Lua function.
     */
    static LuaError error(String message) {
        return new LuaError(message);
    }

    /** luaG_runerror raised inside a C function (e.g. "table index is nil"): never a position. */
    static LuaError runtimeError(String message) {
        return new LuaError(LuaValue.valueOf(message));
    }

    /**
     * luaL_argerror: "bad argument #n to 'name' (extra)". Lua 5.1 names the function from the calling instruction
     * when the caller is a Lua function (the library's name for it, as scripts call cjson.encode(...)), and '?' when
     * it is a C function such as pcall.
     */
    static LuaError argError(String function, int narg, String extra) {
        String name = calledFromLua() ? function : "?";
        return error("bad argument #" + narg + " to '" + name + "' (" + extra + ")");
    }

    private static final java.util.Set<String> CALL_PLUMBING = java.util.Set.of("org.luaj.vm2.LuaValue",
            "org.luaj.vm2.LuaFunction", "org.luaj.vm2.lib.LibFunction", "org.luaj.vm2.lib.VarArgFunction",
            "org.luaj.vm2.Varargs");
    private static final String LIB_PACKAGE = CApi.class.getPackageName() + ".";

    /** Whether the library function now failing was called by Lua code (a LuaJ closure or its tail call). */
    static boolean calledFromLua() {
        return StackWalker.getInstance().walk(frames -> {
            boolean inLibrary = false;
            for (var it = frames.iterator(); it.hasNext(); ) {
                String c = it.next().getClassName();
                if (c.startsWith(LIB_PACKAGE)) {
                    inLibrary = true;
                    continue;
                }
                if (!inLibrary || CALL_PLUMBING.contains(c)) {
                    continue;
                }
                return c.equals("org.luaj.vm2.LuaClosure") || c.equals("org.luaj.vm2.TailcallVarargs");
            }
            return false;
        });
    }

    /** luaL_typerror. */
    static LuaError typeError(String function, Varargs args, int narg, String expected) {
        return argError(function, narg, expected + " expected, got " + typeName(args, narg));
    }

    /** luaL_typename: lua_typename of the argument, "no value" past the top. */
    static String typeName(Varargs args, int narg) {
        if (narg > args.narg()) {
            return "no value";
        }
        return typeName(args.arg(narg));
    }

    static String typeName(LuaValue v) {
        return switch (v.type()) {
            case LuaValue.TNIL -> "nil";
            case LuaValue.TBOOLEAN -> "boolean";
            case LuaValue.TNUMBER -> "number";
            case LuaValue.TSTRING -> "string";
            case LuaValue.TTABLE -> "table";
            case LuaValue.TFUNCTION -> "function";
            case LuaValue.TTHREAD -> "thread";
            default -> "userdata";
        };
    }

    /** lua_isnumber / lua_tonumber: a number, or a string luaO_str2d accepts; null otherwise. */
    static Double toNumber(LuaValue v) {
        if (v.type() == LuaValue.TNUMBER) {
            return v.todouble();
        }
        if (v.type() == LuaValue.TSTRING) {
            LuaString s = v.checkstring();
            return str2d(s.m_bytes, s.m_offset, s.m_length);
        }
        return null;
    }

    /** lobject.c luaO_str2d: strtod, hexadecimal through strtoul, trailing spaces allowed. Null if not a number. */
    static Double str2d(byte[] b, int off, int len) {
        // Lua strings are NUL-terminated in C: strtod stops at the first NUL.
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        CNumbers.Parsed p = CNumbers.strtod(b, off, end);
        if (p.end() == off) {
            return null;
        }
        double result = p.value();
        int e = p.end();
        if (e < end && (b[e] == 'x' || b[e] == 'X')) {
            CNumbers.Parsed u = CNumbers.strtoul16(b, off, end);
            result = u.value();
            e = u.end();
        }
        if (e == off + len) {
            return result;
        }
        while (e < off + len && isSpace(b[e])) {
            e++;
        }
        if (e != off + len) {
            return null;
        }
        return result;
    }

    static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** lua_tolstring: strings as they are, numbers formatted with LUAI_NUMFMT "%.14g"; null for other types. */
    static LuaString toLString(LuaValue v) {
        if (v.type() == LuaValue.TSTRING) {
            return v.checkstring();
        }
        if (v.type() == LuaValue.TNUMBER) {
            return LuaString.valueOf(CNumbers.formatG(v.todouble(), 14));
        }
        return null;
    }

    /** luaL_checklstring. */
    static LuaString checkLString(String function, Varargs args, int narg) {
        LuaString s = toLString(args.arg(narg));
        if (s == null) {
            throw typeError(function, args, narg, "string");
        }
        return s;
    }

    /** luaL_checknumber. */
    static double checkNumber(String function, Varargs args, int narg) {
        Double d = toNumber(args.arg(narg));
        if (d == null) {
            throw typeError(function, args, narg, "number");
        }
        return d;
    }

    /** luaL_checkinteger: lua_tointeger is a C cast of the number to ptrdiff_t. */
    static long checkInteger(String function, Varargs args, int narg) {
        return toCLong(checkNumber(function, args, narg));
    }

    /** luaL_optinteger. */
    static long optInteger(String function, Varargs args, int narg, long def) {
        LuaValue v = args.arg(narg);
        if (v.isnil()) { // lua_isnoneornil
            return def;
        }
        return checkInteger(function, args, narg);
    }

    /** (int64_t) d on x86-64: cvttsd2si gives the "integer indefinite" 0x8000000000000000 when out of range. */
    static long toCLong(double d) {
        if (Double.isNaN(d) || d >= 0x1p63 || d < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    /** (int) d on x86-64: out of range gives 0x80000000. */
    static int toCInt(double d) {
        if (Double.isNaN(d) || d >= 0x1p31 || d < -0x1p31) {
            return Integer.MIN_VALUE;
        }
        return (int) d;
    }

    /** (uint64_t) d as gcc compiles it on x86-64 (values from 2^63 through a subtraction of 2^63). */
    static long toCULong(double d) {
        if (d < 0x1p63) { // also the negative range: cvttsd2si
            return toCLong(d);
        }
        return toCLong(d - 0x1p63) ^ Long.MIN_VALUE;
    }

    /** (double) of an unsigned 64-bit value, correctly rounded. */
    static double unsignedToDouble(long v) {
        if (v >= 0) {
            return (double) v;
        }
        return ((double) ((v >>> 1) | (v & 1))) * 2.0;
    }

    /** lua_pushnumber: LuaJ keeps integral values as LuaInteger where they fit, like LuaValue.valueOf(double). */
    static LuaValue number(double d) {
        return LuaValue.valueOf(d);
    }
}
