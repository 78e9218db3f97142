package dev.chorus.node.scripting;

import dev.chorus.node.resp.Doubles;

/** Lua 5.1's number to string conversion (LUA_NUMBER_FMT "%.14g"), which LuaJ does differently. */
final class LuaNumbers {
    private LuaNumbers() {
    }

    static String format(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        return Doubles.formatG(d, 14);
    }
}
