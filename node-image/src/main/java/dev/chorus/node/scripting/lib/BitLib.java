package dev.chorus.node.scripting.lib;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/** LuaBitOp 1.0.2 as Redis 7.0.15 bundles it (deps/lua/src/lua_bit.c): 32-bit operations on Lua 5.1 doubles. */
final class BitLib {
    private BitLib() {
    }

    private interface Op {
        int apply(int b, int n);
    }

    static LuaTable create() {
        LuaTable t = new LuaTable();
        t.set("tobit", CjsonLib.fn("tobit", args -> ret(barg("tobit", args, 1))));
        t.set("bnot", CjsonLib.fn("bnot", args -> ret(~barg("bnot", args, 1))));
        t.set("band", CjsonLib.fn("band", args -> fold("band", args, (a, b) -> a & b)));
        t.set("bor", CjsonLib.fn("bor", args -> fold("bor", args, (a, b) -> a | b)));
        t.set("bxor", CjsonLib.fn("bxor", args -> fold("bxor", args, (a, b) -> a ^ b)));
        t.set("lshift", CjsonLib.fn("lshift", args -> shift("lshift", args, (b, n) -> b << n)));
        t.set("rshift", CjsonLib.fn("rshift", args -> shift("rshift", args, (b, n) -> b >>> n)));
        t.set("arshift", CjsonLib.fn("arshift", args -> shift("arshift", args, (b, n) -> b >> n)));
        // C's b >> 32 (n == 0) is b >> 0 on x86, as Java's shift distance is taken mod 32.
        t.set("rol", CjsonLib.fn("rol", args -> shift("rol", args, (b, n) -> (b << n) | (b >>> (32 - n)))));
        t.set("ror", CjsonLib.fn("ror", args -> shift("ror", args, (b, n) -> (b << (32 - n)) | (b >>> n))));
        t.set("bswap", CjsonLib.fn("bswap", args -> ret(Integer.reverseBytes(barg("bswap", args, 1)))));
        t.set("tohex", CjsonLib.fn("tohex", BitLib::tohex));
        return t;
    }

    /** barg: the number plus 2^52+2^51, low 32 bits of the double's representation. */
    static int barg(String function, Varargs args, int idx) {
        Double n = CApi.toNumber(args.arg(idx));
        double d = n == null ? 0 : n;
        int b = (int) Double.doubleToRawLongBits(d + 6755399441055744.0);
        if (b == 0 && n == null) {
            throw CApi.typeError(function, args, idx, "number");
        }
        return b;
    }

    private static LuaValue ret(int b) {
        return LuaValue.valueOf(b);
    }

    private static Varargs fold(String function, Varargs args, Op op) {
        int b = barg(function, args, 1);
        for (int i = args.narg(); i > 1; i--) {
            b = op.apply(b, barg(function, args, i));
        }
        return ret(b);
    }

    private static Varargs shift(String function, Varargs args, Op op) {
        int b = barg(function, args, 1);
        int n = barg(function, args, 2) & 31;
        return ret(op.apply(b, n));
    }

    private static Varargs tohex(Varargs args) {
        int b = barg("tohex", args, 1);
        int n = args.narg() < 2 ? 8 : barg("tohex", args, 2);
        String digits = "0123456789abcdef";
        if (n < 0) {
            n = -n;
            digits = "0123456789ABCDEF";
        }
        if (n > 8) {
            n = 8;
        }
        // n == INT_MIN stays negative after negation in C too; lua_pushlstring would then get a huge size_t.
        if (n < 0) {
            throw CApi.runtimeError("not enough memory");
        }
        byte[] buf = new byte[n];
        for (int i = n; --i >= 0; ) {
            buf[i] = (byte) digits.charAt(b & 15);
            b >>>= 4;
        }
        return LuaString.valueOf(buf);
    }
}
