package dev.chorus.node.scripting.lib;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * The C libraries Redis 7.0.15 links into its Lua (script_lua.c luaLoadLibraries): cjson, struct, cmsgpack and bit,
 * re-implemented on LuaJ with the C code's behaviour and error messages.
 */
public final class BundledLibraries {
    private BundledLibraries() {
    }

    /** Sets the globals cjson, struct, cmsgpack and bit (and package.loaded entries when the package library is there). */
    public static void install(Globals globals) {
        register(globals, "cjson", CjsonLib.create());
        register(globals, "struct", StructLib.create());
        register(globals, "cmsgpack", CmsgpackLib.create());
        register(globals, "bit", BitLib.create());
    }

    private static void register(Globals globals, String name, LuaTable lib) {
        globals.rawset(name, lib);
        LuaValue pkg = globals.rawget("package");
        if (pkg.istable()) {
            LuaValue loaded = pkg.rawget("loaded");
            if (loaded.istable()) {
                loaded.rawset(name, lib);
            }
        }
    }
}
