package dev.chorus.node.scripting;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.CoroutineLib;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.ZeroArgFunction;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * The Lua state scripts run in, set up as Redis 7.0's scriptingInit and luaRegisterRedisAPI do: Lua 5.1's base,
 * table, string, math and coroutine libraries (LuaJ implements Lua 5.2; the 5.1 names Redis exposes are added and the
 * 5.2-only ones removed), the redis library, no os/io/loadfile/dofile/print, and every table reachable from the
 * globals locked, with reads of unknown globals refused.
 */
final class LuaSandbox {
    private static final String[] BASE_5_1 = {"assert", "collectgarbage", "error", "gcinfo", "getmetatable", "ipairs",
        "load", "loadstring", "next", "pairs", "pcall", "rawequal", "rawget", "rawset", "select", "setmetatable",
        "tonumber", "tostring", "type", "unpack", "xpcall", "_G", "_VERSION", "coroutine", "math", "string", "table",
        "redis"};
    private static final String[] TABLE_5_1 = {"concat", "foreach", "foreachi", "getn", "insert", "maxn", "remove",
        "setn", "sort"};
    private static final String[] STRING_5_1 = {"byte", "char", "dump", "find", "format", "gfind", "gmatch", "gsub",
        "len", "lower", "match", "rep", "reverse", "sub", "upper"};
    private static final String[] MATH_5_1 = {"abs", "acos", "asin", "atan", "atan2", "ceil", "cos", "cosh", "deg",
        "exp", "floor", "fmod", "frexp", "huge", "ldexp", "log", "log10", "max", "min", "mod", "modf", "pi", "pow",
        "rad", "random", "randomseed", "sin", "sinh", "sqrt", "tan", "tanh"};
    private static final String[] COROUTINE_5_1 = {"create", "resume", "running", "status", "wrap", "yield"};

    private final ScriptingEngine engine;
    private final SandboxGlobals g = new SandboxGlobals();
    final LineTracker tracker = new LineTracker();

    /** The function engine's globals (function_lua.c): empty and locked, reading through to {@link #g}. */
    private SandboxGlobals fenv;
    private ReadOnlyTable fenvMeta;
    /** LIBRARY_API: what a library's code sees while FUNCTION LOAD runs it. */
    private ReadOnlyTable libraryApi;

    LuaSandbox(ScriptingEngine engine) {
        this(engine, null);
    }

    /** With {@code register} non-null, the Lua state of the function engine (luaEngineInitEngine). */
    LuaSandbox(ScriptingEngine engine, LuaFunction register) {
        this.engine = engine;
        g.tracker = tracker;
        g.load(new BaseLib());
        g.load(new PackageLib());
        g.load(new TableLib());
        g.load(new StringLib());
        g.load(new JseMathLib());
        g.load(new CoroutineLib());
        LoadState.install(g);
        LuaC.install(g);

        LuaTable table = (LuaTable) g.rawget("table");
        g.rawset("unpack", table.rawget("unpack"));
        g.rawset("loadstring", new LoadString());
        g.rawset("gcinfo", new ZeroArgFunction() {
            @Override
            public LuaValue call() {
                return LuaValue.valueOf((int) ((Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory())
                        / 1024 % Integer.MAX_VALUE));
            }
        });
        g.rawset("pcall", new PCall());
        g.rawset("xpcall", new XPCall());
        g.rawset("error", new ErrorFunction());
        g.rawset("_VERSION", LuaValue.valueOf("Lua 5.1"));
        LuaValue luajToString = g.rawget("tostring");
        g.rawset("tostring", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue v) {
                if (v.type() == LuaValue.TNUMBER) {
                    return LuaValue.valueOf(LuaNumbers.format(v.todouble()));
                }
                return luajToString.call(v);
            }
        });

        table.rawset("getn", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue t) {
                return LuaValue.valueOf(t.checktable().length());
            }
        });
        table.rawset("setn", new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue t, LuaValue n) {
                throw new LuaError("'setn' is obsolete");
            }
        });
        table.rawset("maxn", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue t) {
                LuaTable tt = t.checktable();
                double max = 0;
                LuaValue k = LuaValue.NIL;
                while (true) {
                    Varargs n = tt.next(k);
                    k = n.arg1();
                    if (k.isnil()) {
                        break;
                    }
                    if (k.type() == LuaValue.TNUMBER && k.todouble() > max) {
                        max = k.todouble();
                    }
                }
                return LuaValue.valueOf(max);
            }
        });
        table.rawset("foreach", new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue t, LuaValue f) {
                LuaTable tt = t.checktable();
                f.checkfunction();
                LuaValue k = LuaValue.NIL;
                while (true) {
                    Varargs n = tt.next(k);
                    k = n.arg1();
                    if (k.isnil()) {
                        return LuaValue.NIL;
                    }
                    LuaValue r = f.call(k, n.arg(2));
                    if (!r.isnil()) {
                        return r;
                    }
                }
            }
        });
        table.rawset("foreachi", new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue t, LuaValue f) {
                LuaTable tt = t.checktable();
                f.checkfunction();
                int n = tt.length();
                for (int i = 1; i <= n; i++) {
                    LuaValue r = f.call(LuaValue.valueOf(i), tt.get(i));
                    if (!r.isnil()) {
                        return r;
                    }
                }
                return LuaValue.NIL;
            }
        });
        LuaTable string = (LuaTable) g.rawget("string");
        string.rawset("gfind", string.rawget("gmatch"));
        LuaTable math = (LuaTable) g.rawget("math");
        math.rawset("mod", math.rawget("fmod"));
        math.rawset("random", new MathRandom());
        math.rawset("randomseed", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue seed) {
                if (!engine.inRun()) {
                    throw new LuaError("math.randomseed can only be called inside a script invocation");
                }
                engine.rand.seed((int) seed.checkdouble());
                return LuaValue.NONE.arg1();
            }
        });
        if (math.rawget("log10").isnil()) {
            math.rawset("log10", new OneArgFunction() {
                @Override
                public LuaValue call(LuaValue x) {
                    return LuaValue.valueOf(Math.log10(x.checkdouble()));
                }
            });
        }
        for (String h : new String[] {"cosh", "sinh", "tanh"}) {
            if (math.rawget(h).isnil()) {
                math.rawset(h, new OneArgFunction() {
                    @Override
                    public LuaValue call(LuaValue x) {
                        double d = x.checkdouble();
                        return LuaValue.valueOf(h.equals("cosh") ? Math.cosh(d) : h.equals("sinh") ? Math.sinh(d)
                                : Math.tanh(d));
                    }
                });
            }
        }
        g.rawset("redis", RedisLib.create(engine));

        // The libraries Redis bundles (cjson, cmsgpack, bit, struct), ported in scripting/lib:
        dev.chorus.node.scripting.lib.BundledLibraries.install(g);

        boolean deprecated = engine.deprecatedApi();
        if (deprecated) {
            installDeprecatedApi();
        }
        keepOnly(g, BASE_5_1, deprecated ? new String[] {"cjson", "cmsgpack", "bit", "struct", "setfenv", "getfenv",
            "newproxy"} : new String[] {"cjson", "cmsgpack", "bit", "struct"});
        keepOnly((LuaTable) g.rawget("table"), TABLE_5_1);
        keepOnly((LuaTable) g.rawget("string"), STRING_5_1);
        keepOnly((LuaTable) g.rawget("math"), MATH_5_1);
        keepOnly((LuaTable) g.rawget("coroutine"), COROUTINE_5_1);
        lock();
        if (register != null) {
            initFunctionEnv(register);
        }
        g.debuglib = tracker; // after set-up: LuaJ reports every call and instruction to it
        if (fenv != null) {
            fenv.debuglib = tracker;
        }
    }

    private void initFunctionEnv(LuaFunction register) {
        ReadOnlyTable errorMeta = new ReadOnlyTable(tracker);
        errorMeta.rawset(LuaValue.INDEX, g.getmetatable().rawget(LuaValue.INDEX));
        errorMeta.setReadonly(true);
        LuaTable redis = (LuaTable) g.rawget("redis");
        ReadOnlyTable api = new ReadOnlyTable(tracker);
        ReadOnlyTable apiRedis = new ReadOnlyTable(tracker);
        apiRedis.rawset("register_function", register);
        for (String name : new String[] {"log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING",
            "REDIS_VERSION", "REDIS_VERSION_NUM"}) {
            apiRedis.rawset(name, redis.rawget(name));
        }
        apiRedis.setmetatable(errorMeta);
        apiRedis.setReadonly(true);
        api.rawset("redis", apiRedis);
        api.setmetatable(errorMeta);
        api.setReadonly(true);
        libraryApi = api;
        fenvMeta = new ReadOnlyTable(tracker);
        fenvMeta.rawset(LuaValue.INDEX, g);
        fenvMeta.setReadonly(true);
        fenv = new SandboxGlobals(); // a Globals, so LuaJ reports the functions' calls and instructions too
        fenv.tracker = tracker;
        fenv.setmetatable(fenvMeta);
        fenv.setReadonly(true);
    }

    /** luaEngineCreate's globals switch: the library API while a library's code runs, else the real globals. */
    void setLoading(boolean loading) {
        fenvMeta.setReadonly(false);
        fenvMeta.rawset(LuaValue.INDEX, loading ? libraryApi : g);
        fenvMeta.setReadonly(true);
    }

    /** A library's code, compiled with the function engine's globals as its environment. */
    LuaFunction compileLibrary(byte[] code) {
        try {
            Prototype p = g.compilePrototype(new ByteArrayInputStream(code), "@user_function");
            return new LuaClosure(p, fenv);
        } catch (IOException e) {
            throw new LuaError(e.getMessage());
        }
    }

    /**
     * Lua 5.1's setfenv, getfenv and newproxy (lua-enable-deprecated-api yes). LuaJ implements Lua 5.2, where a
     * function's environment is its _ENV upvalue: setfenv replaces that upvalue, getfenv reads it (the globals for
     * a function without one or a level number).
     */
    private void installDeprecatedApi() {
        g.rawset("getfenv", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue f) {
                if (f instanceof LuaClosure c) {
                    int i = envUpvalue(c);
                    if (i >= 0) {
                        return c.upValues[i].getValue();
                    }
                }
                return g;
            }
        });
        g.rawset("setfenv", new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue f, LuaValue env) {
                env.checktable();
                if (f instanceof LuaClosure c) {
                    int i = envUpvalue(c);
                    if (i >= 0) {
                        c.upValues[i] = new org.luaj.vm2.UpValue(new LuaValue[] {env}, 0);
                    }
                    return f;
                }
                if (f.isfunction()) {
                    throw new LuaError("'setfenv' cannot change environment of given object");
                }
                f.checkint();
                return f;
            }
        });
        g.rawset("newproxy", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue withMeta) {
                org.luaj.vm2.LuaUserdata u = new org.luaj.vm2.LuaUserdata(new Object());
                if (withMeta.toboolean()) {
                    u.setmetatable(new LuaTable());
                }
                return u;
            }
        });
    }

    private static int envUpvalue(LuaClosure c) {
        org.luaj.vm2.Upvaldesc[] desc = c.p.upvalues;
        for (int i = 0; i < desc.length && i < c.upValues.length; i++) {
            if (desc[i].name != null && desc[i].name.tojstring().equals("_ENV")) {
                return i;
            }
        }
        return -1;
    }

    /** Removes every key not listed (what Lua 5.1 in Redis does not have). */
    private static void keepOnly(LuaTable t, String[] names, String... alsoKeep) {
        if (t == null) {
            return;
        }
        java.util.Set<String> keep = new java.util.HashSet<>(java.util.Arrays.asList(names));
        keep.addAll(java.util.Arrays.asList(alsoKeep));
        java.util.List<LuaValue> drop = new java.util.ArrayList<>();
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            k = n.arg1();
            if (k.isnil()) {
                break;
            }
            if (!keep.contains(k.tojstring())) {
                drop.add(k);
            }
        }
        for (LuaValue d : drop) {
            t.rawset(d, LuaValue.NIL);
        }
    }

    /**
     * luaSetErrorMetatable and luaSetTableProtectionRecursively: reading a missing global is an error, and the
     * globals and every table reachable from them (and their metatables) become read-only.
     */
    private void lock() {
        java.util.IdentityHashMap<LuaTable, ReadOnlyTable> copies = new java.util.IdentityHashMap<>();
        LuaValue k = LuaValue.NIL;
        java.util.List<Varargs> entries = new java.util.ArrayList<>();
        while (true) {
            Varargs n = g.next(k);
            k = n.arg1();
            if (k.isnil()) {
                break;
            }
            entries.add(n);
        }
        for (Varargs e : entries) {
            LuaValue v = e.arg(2);
            if (v instanceof LuaTable t && t != g) {
                g.rawset(e.arg1(), readOnlyCopy(t, copies));
            }
        }
        LuaValue stringLib = g.rawget("string");
        LuaTable stringMeta = new LuaTable();
        stringMeta.rawset(LuaValue.INDEX, stringLib);
        LuaString.s_metatable = stringMeta;

        ReadOnlyTable meta = new ReadOnlyTable(tracker);
        meta.rawset(LuaValue.INDEX, new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue table, LuaValue key) {
                throw new LuaError("Script attempted to access nonexistent global variable '" + key.tojstring()
                        + "'");
            }
        });
        g.setmetatable(meta);
        meta.setReadonly(true);
        for (ReadOnlyTable t : copies.values()) {
            t.setReadonly(true);
        }
        g.setReadonly(true);
    }

    private ReadOnlyTable readOnlyCopy(LuaTable t, java.util.IdentityHashMap<LuaTable, ReadOnlyTable> copies) {
        ReadOnlyTable done = copies.get(t);
        if (done != null) {
            return done;
        }
        ReadOnlyTable copy = new ReadOnlyTable(tracker);
        copies.put(t, copy);
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            k = n.arg1();
            if (k.isnil()) {
                break;
            }
            LuaValue v = n.arg(2);
            copy.rawset(k, v instanceof LuaTable inner ? readOnlyCopy(inner, copies) : v);
        }
        LuaValue mt = t.getmetatable();
        if (mt instanceof LuaTable m) {
            copy.setmetatable(readOnlyCopy(m, copies));
        }
        return copy;
    }

    /** Compiles a chunk with the globals as its environment. */
    LuaFunction compile(byte[] code, String chunkname) {
        try {
            Prototype p = g.compilePrototype(new ByteArrayInputStream(code), chunkname);
            return new LuaClosure(p, g);
        } catch (IOException e) {
            throw new LuaError(e.getMessage());
        }
    }

    /** KEYS and ARGV for an EVAL: new tables each run, set with the globals' protection opened briefly. */
    void setArrays(byte[][] keys, byte[][] args) {
        LuaTable k = array(keys);
        LuaTable a = array(args);
        g.setReadonly(false);
        try {
            g.rawset("KEYS", k);
            g.rawset("ARGV", a);
        } finally {
            g.setReadonly(true);
        }
    }

    static LuaTable array(byte[][] items) {
        LuaTable t = new LuaTable(items.length, 0);
        for (int i = 0; i < items.length; i++) {
            t.rawset(i + 1, LuaString.valueUsing(items[i]));
        }
        return t;
    }

    // ---- Lua 5.1 / Redis versions of base functions ----

    /** Redis' pcall (luaRedisPcall): an error table raised by redis.call is returned as its message. */
    private final class PCall extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaValue f = args.arg1();
            try {
                Varargs r = f.invoke(args.subargs(2));
                return LuaValue.varargsOf(LuaValue.TRUE, r);
            } catch (LuaError e) {
                engine.rethrowIfKilled(e);
                LuaValue v = f instanceof org.luaj.vm2.LuaClosure ? LuaErrors.value(e, tracker)
                        : LuaErrors.valueFromDirectCall(e, tracker);
                if (v.istable()) {
                    LuaValue err = v.rawget(LuaConversions.ERR);
                    if (err.isstring()) {
                        v = err;
                    }
                }
                return LuaValue.varargsOf(LuaValue.FALSE, v);
            } catch (StackOverflowError e) {
                return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf("stack overflow"));
            }
        }
    }

    private final class XPCall extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaValue f = args.arg1();
            LuaValue handler = args.arg(2);
            try {
                return LuaValue.varargsOf(LuaValue.TRUE, f.invoke(LuaValue.NONE));
            } catch (LuaError e) {
                engine.rethrowIfKilled(e);
                LuaValue v = f instanceof org.luaj.vm2.LuaClosure ? LuaErrors.value(e, tracker)
                        : LuaErrors.valueFromDirectCall(e, tracker);
                return LuaValue.varargsOf(LuaValue.FALSE, handler.invoke(v));
            } catch (StackOverflowError e) {
                return LuaValue.varargsOf(LuaValue.FALSE, handler.invoke(LuaValue.valueOf("stack overflow")));
            }
        }
    }

    /** error(message [, level]): a string at level 1 or more gets the position of the code raising it. */
    private static final class ErrorFunction extends TwoArgFunction {
        @Override
        public LuaValue call(LuaValue message, LuaValue level) {
            int lvl = level.isnil() ? 1 : level.checkint();
            if (lvl > 0 && (message.type() == LuaValue.TSTRING || message.type() == LuaValue.TNUMBER)) {
                throw new LuaError(message.tojstring());
            }
            throw new LuaError(message);
        }
    }

    /** loadstring(s [, chunkname]): nil and the message when s does not compile. */
    private final class LoadString extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            String name = args.optjstring(2, s.tojstring());
            try {
                Prototype p = g.compilePrototype(new ByteArrayInputStream(s.m_bytes, s.m_offset, s.m_length),
                        name.startsWith("@") || name.startsWith("=") ? name : "=" + name);
                return new LuaClosure(p, g);
            } catch (LuaError | IOException e) {
                String m = e instanceof LuaError le ? LuaErrors.compileMessage(le) : e.getMessage();
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(m));
            }
        }
    }

    /** math.random with Redis' redisLrand48, as Lua 5.1's math_random otherwise. */
    private final class MathRandom extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            if (!engine.inRun()) {
                throw new LuaError("math.random can only be called inside a script invocation");
            }
            double r = (double) (engine.rand.next() % Rand48.LRAND48_MAX) / (double) Rand48.LRAND48_MAX;
            switch (args.narg()) {
                case 0:
                    return LuaValue.valueOf(r);
                case 1: {
                    int u = (int) args.checkdouble(1);
                    if (u < 1) {
                        throw new LuaError("bad argument #1 to 'random' (interval is empty)");
                    }
                    return LuaValue.valueOf(Math.floor(r * u) + 1);
                }
                case 2: {
                    int l = (int) args.checkdouble(1);
                    int u = (int) args.checkdouble(2);
                    if (l > u) {
                        throw new LuaError("bad argument #2 to 'random' (interval is empty)");
                    }
                    return LuaValue.valueOf(Math.floor(r * (u - l + 1)) + l);
                }
                default:
                    throw new LuaError("wrong number of arguments");
            }
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
