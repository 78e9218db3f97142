package dev.chorus.node.scripting;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/** The {@code redis} global: luaRegisterRedisAPI plus eval.c's debugger entry points and replicate_commands. */
final class RedisLib {
    private RedisLib() {
    }

    static final String REDIS_VERSION = "7.0.15";
    static final int REDIS_VERSION_NUM = 0x0007000f;

    private interface Body {
        Varargs run(Varargs args);
    }

    private static VarArgFunction fn(String name, Body body) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return body.run(args);
            }

            @Override
            public String tojstring() {
                return "function: builtin: " + name;
            }
        };
    }

    /** luaPushError + lua_error: raises {err="ERR msg"}. */
    private static LuaError raise(String msg) {
        return new LuaError(LuaConversions.errorTable(msg));
    }

    static LuaTable create(ScriptingEngine engine) {
        LuaTable r = new LuaTable();
        r.rawset("call", fn("call", a -> engine.call(a, true)));
        r.rawset("pcall", fn("pcall", a -> engine.call(a, false)));
        r.rawset("log", fn("log", a -> {
            int argc = a.narg();
            if (argc < 2) {
                throw raise("redis.log() requires two arguments or more.");
            }
            if (!isNumber(a.arg1())) {
                throw raise("First argument must be a number (log level).");
            }
            int level = (int) a.arg1().todouble();
            if (level < 0 || level > 3) {
                throw raise("Invalid debug level.");
            }
            if (level < engine.verbosity()) {
                return LuaValue.NONE;
            }
            StringBuilder log = new StringBuilder();
            for (int j = 2; j <= argc; j++) {
                LuaValue v = a.arg(j);
                if (v.type() == LuaValue.TSTRING || v.type() == LuaValue.TNUMBER) {
                    if (j != 2) {
                        log.append(' ');
                    }
                    log.append(v.tojstring());
                }
            }
            ScriptingEngine.log(level, log.toString());
            return LuaValue.NONE;
        }));
        r.rawset("LOG_DEBUG", 0);
        r.rawset("LOG_VERBOSE", 1);
        r.rawset("LOG_NOTICE", 2);
        r.rawset("LOG_WARNING", 3);
        r.rawset("REDIS_VERSION_NUM", REDIS_VERSION_NUM);
        r.rawset("REDIS_VERSION", REDIS_VERSION);
        r.rawset("setresp", fn("setresp", a -> {
            if (!engine.inRun()) {
                throw raise("redis.setresp can only be called inside a script invocation");
            }
            if (a.narg() != 1) {
                throw raise("redis.setresp() requires one argument.");
            }
            int resp = (int) toNumber(a.arg1());
            if (resp != 2 && resp != 3) {
                throw raise("RESP version must be 2 or 3.");
            }
            engine.setResp(resp);
            return LuaValue.NONE;
        }));
        r.rawset("sha1hex", fn("sha1hex", a -> {
            if (a.narg() != 1) {
                throw raise("wrong number of arguments");
            }
            LuaValue v = a.arg1();
            byte[] b = v.isstring() ? bytes(v.checkstring()) : new byte[0];
            return LuaValue.valueOf(ScriptingEngine.sha1hex(b));
        }));
        r.rawset("error_reply", fn("error_reply", a -> {
            if (a.narg() != 1 || a.arg1().type() != LuaValue.TSTRING) {
                return LuaConversions.errorTable("wrong number or type of arguments");
            }
            String err = new String(bytes(a.arg1().checkstring()), StandardCharsets.UTF_8);
            return LuaConversions.errorTable(err.startsWith("-") ? err : "-" + err);
        }));
        r.rawset("status_reply", fn("status_reply", a -> {
            if (a.narg() != 1 || a.arg1().type() != LuaValue.TSTRING) {
                return LuaConversions.errorTable("wrong number or type of arguments");
            }
            LuaTable t = new LuaTable();
            t.rawset(LuaConversions.OK, a.arg1());
            return t;
        }));
        r.rawset("set_repl", fn("set_repl", a -> {
            if (!engine.inRun()) {
                throw raise("redis.set_repl can only be called inside a script invocation");
            }
            if (a.narg() != 1) {
                throw raise("redis.set_repl() requires two arguments.");
            }
            int flags = (int) toNumber(a.arg1());
            if ((flags & ~(ScriptingEngine.PROPAGATE_AOF | ScriptingEngine.PROPAGATE_REPL)) != 0) {
                throw raise("Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
            }
            engine.setRepl(flags);
            return LuaValue.NONE;
        }));
        r.rawset("REPL_NONE", 0);
        r.rawset("REPL_AOF", ScriptingEngine.PROPAGATE_AOF);
        r.rawset("REPL_SLAVE", ScriptingEngine.PROPAGATE_REPL);
        r.rawset("REPL_REPLICA", ScriptingEngine.PROPAGATE_REPL);
        r.rawset("REPL_ALL", ScriptingEngine.PROPAGATE_AOF | ScriptingEngine.PROPAGATE_REPL);
        r.rawset("acl_check_cmd", fn("acl_check_cmd", a -> {
            if (!engine.inRun()) {
                throw raise("redis.acl_check_cmd can only be called inside a script invocation");
            }
            if (a.narg() == 0) {
                throw raise("Please specify at least one argument for this redis lib call");
            }
            for (int j = 1; j <= a.narg(); j++) {
                int t = a.arg(j).type();
                if (t != LuaValue.TSTRING && t != LuaValue.TNUMBER) {
                    throw raise("Lua redis lib command arguments must be strings or integers");
                }
            }
            if (engine.lookupForScript(a) == null) {
                throw raise("Invalid command passed to redis.acl_check_cmd()");
            }
            return LuaValue.TRUE; // the node has one user, allowed every command
        }));
        // eval.c: the debugger's entry points do nothing outside SCRIPT DEBUG, which the node does not offer.
        r.rawset("breakpoint", fn("breakpoint", a -> LuaValue.FALSE));
        r.rawset("debug", fn("debug", a -> LuaValue.NONE));
        r.rawset("replicate_commands", fn("replicate_commands", a -> LuaValue.TRUE));
        return r;
    }

    private static boolean isNumber(LuaValue v) {
        return v.type() == LuaValue.TNUMBER || (v.type() == LuaValue.TSTRING && !v.tonumber().isnil());
    }

    /** lua_tonumber: 0 for what is not a number. */
    private static double toNumber(LuaValue v) {
        LuaValue n = v.tonumber();
        return n.isnil() ? 0 : n.todouble();
    }

    static byte[] bytes(LuaString s) {
        return java.util.Arrays.copyOfRange(s.m_bytes, s.m_offset, s.m_offset + s.m_length);
    }

    static String lower(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    }
}
