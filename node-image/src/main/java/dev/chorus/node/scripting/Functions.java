package dev.chorus.node.scripting;

import dev.chorus.node.command.CommandError;
import dev.chorus.node.net.Client;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Redis 7.0's functions (functions.c, function_lua.c): libraries of Lua functions loaded with FUNCTION LOAD, run by
 * FCALL/FCALL_RO in the function engine's own Lua state, whose globals show only redis.register_function and
 * redis.log while a library's code runs.
 */
public final class Functions {
    /** LOAD_TIMEOUT_MS: how long a library's code may run in FUNCTION LOAD. */
    public static final long LOAD_TIMEOUT_MS = 500;
    static final String[] FLAG_NAMES = {"no-writes", "allow-oom", "allow-stale", "no-cluster",
        "allow-cross-slot-keys"};
    static final int[] FLAG_BITS = {ScriptingEngine.FLAG_NO_WRITES, ScriptingEngine.FLAG_ALLOW_OOM,
        ScriptingEngine.FLAG_ALLOW_STALE, ScriptingEngine.FLAG_NO_CLUSTER, ScriptingEngine.FLAG_ALLOW_CROSS_SLOT};
    private static final String BAD_NAME = "Library names can only contain letters, numbers, or underscores(_) and "
            + "must be at least one character long";

    /** One registered function. */
    public record Function(String name, byte[] description, int flags, LuaFunction callback, Library library) {
    }

    /** One library: its name, whole code (with the shebang) and functions in registration order. */
    public static final class Library {
        final String name;
        final byte[] code;
        final LinkedHashMap<String, Function> functions = new LinkedHashMap<>();

        Library(String name, byte[] code) {
            this.name = name;
            this.code = code;
        }

        public String name() {
            return name;
        }

        public byte[] code() {
            return code;
        }

        public java.util.Collection<Function> functions() {
            return functions.values();
        }
    }

    /** functionsLibCtx: libraries by name and functions by name. */
    public static final class LibCtx {
        final LinkedHashMap<String, Library> libraries = new LinkedHashMap<>();
        final HashMap<String, Function> functions = new HashMap<>();

        void link(Library li) {
            libraries.put(li.name, li);
            for (Function f : li.functions.values()) {
                functions.put(f.name(), f);
            }
        }

        void unlink(Library li) {
            libraries.remove(li.name);
            for (Function f : li.functions.values()) {
                functions.remove(f.name());
            }
        }
    }

    private final ScriptingEngine engine;
    private final LuaSandbox sandbox;
    private LibCtx current = new LibCtx();
    /** The library whose code FUNCTION LOAD is running (the load context), or null. */
    private Library loading;

    Functions(ScriptingEngine engine) {
        this.engine = engine;
        this.sandbox = new LuaSandbox(engine, new RegisterFunction());
        engine.installHook(sandbox);
    }

    public LibCtx current() {
        return current;
    }

    public java.util.Collection<Library> libraries() {
        return current.libraries.values();
    }

    public int libraryCount() {
        return current.libraries.size();
    }

    public int functionCount() {
        return current.functions.size();
    }

    public Function function(byte[] name) {
        return current.functions.get(str(name));
    }

    public Library library(byte[] name) {
        return current.libraries.get(str(name));
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** functionsCreateWithLibraryCtx into the current libraries: the library's name, or a CommandError. */
    public String load(byte[] code, boolean replace, long timeoutMs) {
        return create(code, replace, current, timeoutMs);
    }

    /** A new empty set of libraries, for FUNCTION RESTORE and RDB loading. */
    public LibCtx newCtx() {
        return new LibCtx();
    }

    public String create(byte[] code, boolean replace, LibCtx ctx, long timeoutMs) {
        // functionExtractLibMetaData
        if (code.length < 2 || code[0] != '#' || code[1] != '!') {
            throw new CommandError("ERR Missing library metadata");
        }
        int nl = -1;
        for (int i = 0; i < code.length; i++) {
            if (code[i] == '\n') {
                nl = i;
                break;
            }
            if (code[i] == 0) {
                break;
            }
        }
        if (nl < 0) {
            throw new CommandError("ERR Invalid library metadata");
        }
        List<byte[]> parts = dev.chorus.node.resp.RespRequestParser.splitArgs(java.util.Arrays.copyOf(code, nl));
        if (parts == null || parts.isEmpty()) {
            throw new CommandError("ERR Invalid library metadata");
        }
        String engineName = str(parts.get(0)).substring(2);
        String name = null;
        for (int i = 1; i < parts.size(); i++) {
            String part = str(parts.get(i));
            if (part.length() >= 5 && part.substring(0, 5).equalsIgnoreCase("name=")) {
                if (name != null) {
                    throw new CommandError("ERR Invalid metadata value, name argument was given multiple times");
                }
                name = part.substring(5);
                continue;
            }
            throw new CommandError("ERR Invalid metadata value given: " + part);
        }
        if (name == null) {
            throw new CommandError("ERR Library name was not given");
        }
        if (!validName(name)) {
            throw new CommandError("ERR " + BAD_NAME);
        }
        if (!engineName.equalsIgnoreCase("LUA")) {
            throw new CommandError("ERR Engine '" + engineName + "' not found");
        }
        Library old = ctx.libraries.get(name);
        if (old != null && !replace) {
            throw new CommandError("ERR Library '" + name + "' already exists");
        }
        if (old != null) {
            ctx.unlink(old);
        }
        boolean ok = false;
        try {
            Library li = new Library(name, code);
            runLibraryCode(li, java.util.Arrays.copyOfRange(code, nl, code.length), timeoutMs);
            if (li.functions.isEmpty()) {
                throw new CommandError("ERR No functions registered");
            }
            for (Function f : li.functions.values()) {
                if (ctx.functions.containsKey(f.name())) {
                    throw new CommandError("ERR Function " + f.name() + " already exists");
                }
            }
            ctx.link(li);
            ok = true;
            return name;
        } finally {
            if (!ok && old != null) {
                ctx.link(old);
            }
        }
    }

    /** luaEngineCreate: compile the code and run it with the library API as its globals. */
    private void runLibraryCode(Library li, byte[] body, long timeoutMs) {
        LuaFunction chunk;
        try {
            chunk = sandbox.compileLibrary(body);
        } catch (LuaError e) {
            throw new CommandError("ERR Error compiling function: " + LuaErrors.compileMessage(e));
        }
        sandbox.setLoading(true);
        loading = li;
        engine.loadStartNanos = System.nanoTime();
        engine.loadTimeoutMs = timeoutMs;
        try {
            sandbox.tracker.reset();
            chunk.invoke(LuaValue.NONE);
        } catch (LuaError e) {
            LuaValue v = LuaErrors.value(e, sandbox.tracker);
            String msg;
            if (v.istable()) {
                LuaValue err = v.rawget(LuaConversions.ERR);
                msg = err.isstring() ? err.tojstring() : "(null)";
            } else {
                msg = "ERR " + v.tojstring();
            }
            throw new CommandError("ERR Error registering functions: " + msg);
        } catch (StackOverflowError e) {
            throw new CommandError("ERR Error registering functions: ERR stack overflow");
        } finally {
            loading = null;
            engine.loadStartNanos = 0;
            sandbox.setLoading(false);
        }
    }

    static boolean validName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** FUNCTION DELETE */
    public boolean delete(byte[] name) {
        Library li = current.libraries.get(str(name));
        if (li == null) {
            return false;
        }
        current.unlink(li);
        return true;
    }

    /** FUNCTION FLUSH and an RDB load's start. */
    public void flush() {
        current = new LibCtx();
    }

    /** FUNCTION RESTORE FLUSH: the restored libraries become the current ones. */
    public void swap(LibCtx ctx) {
        current = ctx;
    }

    /** libraryJoin: adds the libraries of {@code src}, replacing same-named ones when asked. */
    public void join(LibCtx src, boolean replace) {
        LibCtx old = new LibCtx(); // the replaced libraries, put back on failure
        String err = null;
        List<Library> added = new ArrayList<>();
        for (Library li : src.libraries.values()) {
            Library existing = current.libraries.get(li.name);
            if (existing != null) {
                if (!replace) {
                    err = "ERR Library " + li.name + " already exists";
                    break;
                }
                current.unlink(existing);
                old.link(existing);
            }
        }
        if (err == null) {
            for (Library li : src.libraries.values()) {
                for (Function f : li.functions.values()) {
                    if (current.functions.containsKey(f.name())) {
                        err = "ERR Function " + f.name() + " already exists";
                        break;
                    }
                }
                if (err != null) {
                    break;
                }
            }
        }
        if (err != null) {
            for (Library li : old.libraries.values()) {
                current.link(li);
            }
            throw new CommandError(err);
        }
        for (Library li : src.libraries.values()) {
            current.link(li);
            added.add(li);
        }
    }

    /** fcallCommandGeneric after the function was found. */
    public void call(Client caller, Function f, byte[][] keys, byte[][] args, boolean ro, byte[][] argv) {
        engine.fcall(caller, f.name(), f.flags(), f.callback(), sandbox, keys, args, ro, argv);
    }

    /** The Lua VM's memory of the function engine, an estimate. */
    public long vmMemory() {
        return 32768 + current.libraries.size() * 1024L;
    }

    /** functionsMemory: the libraries' code and function bookkeeping, an estimate as Redis counts it. */
    public long memory() {
        long m = 0;
        for (Library li : current.libraries.values()) {
            m += li.code.length + li.name.length() + 64;
            for (Function f : li.functions.values()) {
                m += f.name().length() + 64 + (f.description() == null ? 0 : f.description().length);
            }
        }
        return m;
    }

    /** Memory overhead of the libraries' dictionaries (functionsMemoryOverhead), an estimate. */
    public long memoryOverhead() {
        return 184 + current.functions.size() * 40L + current.libraries.size() * 40L;
    }

    // ---- redis.register_function ----

    private static LuaError raise(String msg) {
        return new LuaError(LuaConversions.errorTable(msg));
    }

    /** luaGetStringSds: the string (or number as a string), or null. */
    private static String luaString(LuaValue v) {
        if (v.type() == LuaValue.TSTRING || v.type() == LuaValue.TNUMBER) {
            return str(RedisLib.bytes(v.checkstring()));
        }
        return null;
    }

    private final class RegisterFunction extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs a) {
            Library li = loading;
            if (li == null) {
                throw raise("redis.register_function can only be called on FUNCTION LOAD command");
            }
            int argc = a.narg();
            if (argc < 1 || argc > 2) {
                throw raise("wrong number of arguments to redis.register_function");
            }
            String name = null;
            byte[] desc = null;
            LuaFunction callback = null;
            int flags = 0;
            if (argc == 1) {
                if (!a.arg1().istable()) {
                    throw raise("calling redis.register_function with a single argument is only applicable to Lua "
                            + "table (representing named arguments).");
                }
                LuaTable t = (LuaTable) a.arg1();
                LuaValue k = LuaValue.NIL;
                while (true) {
                    Varargs n = t.next(k);
                    k = n.arg1();
                    if (k.isnil()) {
                        break;
                    }
                    LuaValue v = n.arg(2);
                    if (k.type() != LuaValue.TSTRING && k.type() != LuaValue.TNUMBER) {
                        throw raise("named argument key given to redis.register_function is not a string");
                    }
                    String key = k.tojstring().toLowerCase(Locale.ROOT);
                    switch (key) {
                        case "function_name" -> {
                            name = luaString(v);
                            if (name == null) {
                                throw raise("function_name argument given to redis.register_function must be a "
                                        + "string");
                            }
                        }
                        case "description" -> {
                            String d = luaString(v);
                            if (d == null) {
                                throw raise("description argument given to redis.register_function must be a "
                                        + "string");
                            }
                            desc = bytes(d);
                        }
                        case "callback" -> {
                            if (!v.isfunction()) {
                                throw raise("callback argument given to redis.register_function must be a function");
                            }
                            callback = (LuaFunction) v;
                        }
                        case "flags" -> {
                            if (!v.istable()) {
                                throw raise("flags argument to redis.register_function must be a table "
                                        + "representing function flags");
                            }
                            flags = readFlags((LuaTable) v);
                        }
                        default -> throw raise("unknown argument given to redis.register_function");
                    }
                }
                if (name == null) {
                    throw raise("redis.register_function must get a function name argument");
                }
                if (callback == null) {
                    throw raise("redis.register_function must get a callback argument");
                }
            } else {
                name = luaString(a.arg1());
                if (name == null) {
                    throw raise("first argument to redis.register_function must be a string");
                }
                if (!a.arg(2).isfunction()) {
                    throw raise("second argument to redis.register_function must be a function");
                }
                callback = (LuaFunction) a.arg(2);
            }
            if (!validName(name)) {
                throw raise(BAD_NAME);
            }
            if (li.functions.containsKey(name)) {
                throw raise("Function already exists in the library");
            }
            li.functions.put(name, new Function(name, desc, flags, callback, li));
            return LuaValue.NONE;
        }

        private int readFlags(LuaTable t) {
            int flags = 0;
            for (int j = 1; ; j++) {
                LuaValue v = t.get(j);
                if (v.isnil()) {
                    return flags;
                }
                if (v.type() != LuaValue.TSTRING && v.type() != LuaValue.TNUMBER) {
                    throw raise("unknown flag given");
                }
                String f = v.tojstring();
                boolean found = false;
                for (int i = 0; i < FLAG_NAMES.length; i++) {
                    if (FLAG_NAMES[i].equalsIgnoreCase(f)) {
                        flags |= FLAG_BITS[i];
                        found = true;
                        break;
                    }
                }
                if (!found) {
                    throw raise("unknown flag given");
                }
            }
        }
    }

    /** luaCallFunction's KEYS/ARGV tables are the callback's arguments: strings as Lua strings. */
    static LuaString lstr(byte[] b) {
        return LuaString.valueUsing(b);
    }
}
