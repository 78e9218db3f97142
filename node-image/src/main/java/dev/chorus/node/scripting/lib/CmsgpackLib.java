package dev.chorus.node.scripting.lib;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/** lua-cmsgpack 0.4.0 as Redis 7.0.15 bundles it (deps/lua/src/lua_cmsgpack.c), for Lua 5.1 on a 64-bit build. */
final class CmsgpackLib {
    private static final int MAX_NESTING = 16;

    private CmsgpackLib() {
    }

    static LuaTable create() {
        LuaTable t = new LuaTable();
        t.set("pack", CjsonLib.fn("pack", CmsgpackLib::pack));
        t.set("unpack", CjsonLib.fn("unpack", args -> unpackFull("unpack", args, 0, 0)));
        t.set("unpack_one", CjsonLib.fn("unpack_one", args -> {
            long offset = CApi.optInteger("unpack_one", args, 2, 0);
            return unpackFull("unpack_one", args, 1, offset);
        }));
        t.set("unpack_limit", CjsonLib.fn("unpack_limit", args -> {
            long limit = CApi.checkInteger("unpack_limit", args, 2);
            long offset = CApi.optInteger("unpack_limit", args, 3, 0);
            return unpackFull("unpack_limit", args, limit, offset);
        }));
        t.set("_NAME", "cmsgpack");
        t.set("_VERSION", "lua-cmsgpack 0.4.0");
        t.set("_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo");
        t.set("_DESCRIPTION", "MessagePack C implementation for Lua");
        return t;
    }

    // ----- encoding -----

    private static Varargs pack(Varargs args) {
        int nargs = args.narg();
        if (nargs == 0) {
            throw CApi.argError("pack", 0, "MessagePack pack needs input.");
        }
        if (nargs > CApi.MAX_C_STACK - nargs) { // lua_checkstack(L, nargs) with nargs slots in use
            throw CApi.argError("pack", 0, "Too many arguments for MessagePack pack.");
        }
        CjsonLib.Buf buf = new CjsonLib.Buf();
        for (int i = 1; i <= nargs; i++) {
            encodeType(buf, args.arg(i), 0);
        }
        return LuaString.valueOf(java.util.Arrays.copyOf(buf.b, buf.len));
    }

    private static void encodeBytes(CjsonLib.Buf buf, LuaString s) {
        long len = s.m_length;
        if (len < 32) {
            buf.add(0xa0 | (int) (len & 0xff));
        } else if (len <= 0xff) {
            buf.add(0xd9);
            buf.add((int) len);
        } else if (len <= 0xffff) {
            buf.add(0xda);
            buf.add((int) (len >> 8) & 0xff);
            buf.add((int) len & 0xff);
        } else {
            buf.add(0xdb);
            putBE(buf, len, 4);
        }
        buf.add(s.m_bytes, s.m_offset, s.m_length);
    }

    private static void putBE(CjsonLib.Buf buf, long v, int n) {
        for (int i = n - 1; i >= 0; i--) {
            buf.add((int) (v >>> (8 * i)) & 0xff);
        }
    }

    private static void encodeDouble(CjsonLib.Buf buf, double d) {
        float f = (float) d;
        if (d == (double) f) {
            buf.add(0xca);
            putBE(buf, Float.floatToRawIntBits(f) & 0xffffffffL, 4);
        } else {
            buf.add(0xcb);
            putBE(buf, Double.doubleToRawLongBits(d), 8);
        }
    }

    private static void encodeInt(CjsonLib.Buf buf, long n) {
        if (n >= 0) {
            if (n <= 127) {
                buf.add((int) n);
            } else if (n <= 0xff) {
                buf.add(0xcc);
                buf.add((int) n);
            } else if (n <= 0xffff) {
                buf.add(0xcd);
                putBE(buf, n, 2);
            } else if (n <= 0xffffffffL) {
                buf.add(0xce);
                putBE(buf, n, 4);
            } else {
                buf.add(0xcf);
                putBE(buf, n, 8);
            }
        } else {
            if (n >= -32) {
                buf.add((int) n & 0xff);
            } else if (n >= -128) {
                buf.add(0xd0);
                buf.add((int) n & 0xff);
            } else if (n >= -32768) {
                buf.add(0xd1);
                putBE(buf, n, 2);
            } else if (n >= -2147483648L) {
                buf.add(0xd2);
                putBE(buf, n, 4);
            } else {
                buf.add(0xd3);
                putBE(buf, n, 8);
            }
        }
    }

    private static void encodeHeader(CjsonLib.Buf buf, long n, int fix, int b16, int b32) {
        if (n <= 15) {
            buf.add(fix | (int) (n & 0xf));
        } else if (n <= 65535) {
            buf.add(b16);
            putBE(buf, n, 2);
        } else {
            buf.add(b32);
            putBE(buf, n, 4);
        }
    }

    /** mp_encode_lua_number: a double equal to its int64 cast is an integer. */
    private static void encodeNumber(CjsonLib.Buf buf, double n) {
        if (!Double.isInfinite(n) && (double) CApi.toCLong(n) == n) {
            encodeInt(buf, CApi.toCLong(n));
        } else {
            encodeDouble(buf, n);
        }
    }

    /** table_is_an_array: only positive integer (int-equivalent) keys, and as many as the largest one. */
    private static int arrayCount(LuaTable t) {
        int count = 0;
        int max = 0;
        LuaValue k = LuaValue.NIL;
        while (true) {
            k = t.next(k).arg1();
            if (k.isnil()) {
                break;
            }
            double n;
            if (k.type() != LuaValue.TNUMBER || (n = k.todouble()) <= 0
                    || Double.isInfinite(n) || (double) CApi.toCInt(n) != n) {
                return -1;
            }
            max = n > max ? (int) n : max;
            count++;
        }
        return max == count ? count : -1;
    }

    private static void encodeType(CjsonLib.Buf buf, LuaValue v, int level) {
        int t = v.type();
        if (t == LuaValue.TTABLE && level == MAX_NESTING) {
            t = LuaValue.TNIL;
        }
        switch (t) {
            case LuaValue.TSTRING -> encodeBytes(buf, v.checkstring());
            case LuaValue.TBOOLEAN -> buf.add(v.toboolean() ? 0xc3 : 0xc2);
            case LuaValue.TNUMBER -> encodeNumber(buf, v.todouble());
            case LuaValue.TTABLE -> {
                LuaTable table = (LuaTable) v;
                int len = arrayCount(table);
                if (len >= 0) {
                    encodeHeader(buf, len, 0x90, 0xdc, 0xdd);
                    for (int j = 1; j <= len; j++) {
                        encodeType(buf, table.get(j), level + 1);
                    }
                } else {
                    long count = 0;
                    LuaValue k = LuaValue.NIL;
                    while (!(k = table.next(k).arg1()).isnil()) {
                        count++;
                    }
                    encodeHeader(buf, count, 0x80, 0xde, 0xdf);
                    k = LuaValue.NIL;
                    while (true) {
                        Varargs n = table.next(k);
                        k = n.arg1();
                        if (k.isnil()) {
                            break;
                        }
                        encodeType(buf, k, level + 1);
                        encodeType(buf, n.arg(2), level + 1);
                    }
                }
            }
            default -> buf.add(0xc0);
        }
    }

    // ----- decoding -----

    private static final int ERR_NONE = 0;
    private static final int ERR_EOF = 1;
    private static final int ERR_BADFMT = 2;

    /** mp_cur, plus the count of Lua stack slots the C decoder would be using (for luaL_checkstack). */
    private static final class Cursor {
        final byte[] b;
        int p;
        long left;
        int err = ERR_NONE;
        int top;

        Cursor(byte[] b, int p, long left) {
            this.b = b;
            this.p = p;
            this.left = left;
        }

        int u8(int i) {
            return b[p + i] & 0xff;
        }

        long be(int from, int n) {
            long v = 0;
            for (int i = 0; i < n; i++) {
                v = (v << 8) | u8(from + i);
            }
            return v;
        }

        boolean need(long n) {
            if (left < n) {
                err = ERR_EOF;
                return false;
            }
            return true;
        }

        void consume(long n) {
            p += (int) n;
            left -= n;
        }
    }

    private static void checkStack(Cursor c, int n, String msg) {
        if (c.top + n > CApi.MAX_C_STACK) {
            throw CApi.error("stack overflow (" + msg + ")");
        }
    }

    /** A table being decoded: an array of len elements or a map of len pairs. */
    private static final class Container {
        final LuaTable table = new LuaTable();
        final boolean map;
        long remaining;
        int index = 1;
        LuaValue key;

        Container(boolean map, long len) {
            this.map = map;
            this.remaining = len;
        }
    }

    /**
     * The start of mp_decode_to_lua_type: a scalar value, or for an array or map the Container whose header was
     * read; null on a cursor error (the C code returns with c->err set).
     */
    private static Object decodeItem(Cursor c) {
        if (!c.need(1)) {
            return null;
        }
        checkStack(c, 1, "too many return values at once; use unpack_one or unpack_limit instead.");
        int first = c.u8(0);
        Object v;
        switch (first) {
            case 0xcc -> {
                if (!c.need(2)) {
                    return null;
                }
                v = LuaValue.valueOf(c.u8(1));
                c.consume(2);
            }
            case 0xd0 -> {
                if (!c.need(2)) {
                    return null;
                }
                v = LuaValue.valueOf((byte) c.u8(1));
                c.consume(2);
            }
            case 0xcd -> {
                if (!c.need(3)) {
                    return null;
                }
                v = LuaValue.valueOf((int) c.be(1, 2));
                c.consume(3);
            }
            case 0xd1 -> {
                if (!c.need(3)) {
                    return null;
                }
                v = LuaValue.valueOf((short) c.be(1, 2));
                c.consume(3);
            }
            case 0xce -> {
                if (!c.need(5)) {
                    return null;
                }
                v = CApi.number((double) c.be(1, 4));
                c.consume(5);
            }
            case 0xd2 -> {
                if (!c.need(5)) {
                    return null;
                }
                v = LuaValue.valueOf((int) c.be(1, 4));
                c.consume(5);
            }
            case 0xcf, 0xd3 -> {
                // uint 64 goes through lua_pushinteger (ptrdiff_t): both read as a signed 64-bit value.
                if (!c.need(9)) {
                    return null;
                }
                v = CApi.number((double) c.be(1, 8));
                c.consume(9);
            }
            case 0xc0 -> {
                v = LuaValue.NIL;
                c.consume(1);
            }
            case 0xc3 -> {
                v = LuaValue.TRUE;
                c.consume(1);
            }
            case 0xc2 -> {
                v = LuaValue.FALSE;
                c.consume(1);
            }
            case 0xca -> {
                if (!c.need(5)) {
                    return null;
                }
                v = CApi.number(Float.intBitsToFloat((int) c.be(1, 4)));
                c.consume(5);
            }
            case 0xcb -> {
                if (!c.need(9)) {
                    return null;
                }
                v = CApi.number(Double.longBitsToDouble(c.be(1, 8)));
                c.consume(9);
            }
            case 0xd9 -> {
                if (!c.need(2)) {
                    return null;
                }
                int l = c.u8(1);
                if (!c.need(2 + l)) {
                    return null;
                }
                v = LuaString.valueOf(java.util.Arrays.copyOfRange(c.b, c.p + 2, c.p + 2 + l));
                c.consume(2 + l);
            }
            case 0xda -> {
                if (!c.need(3)) {
                    return null;
                }
                int l = (int) c.be(1, 2);
                if (!c.need(3 + l)) {
                    return null;
                }
                v = LuaString.valueOf(java.util.Arrays.copyOfRange(c.b, c.p + 3, c.p + 3 + l));
                c.consume(3 + l);
            }
            case 0xdb -> {
                if (!c.need(5)) {
                    return null;
                }
                long l = c.be(1, 4);
                c.consume(5);
                if (!c.need(l)) {
                    return null;
                }
                v = LuaString.valueOf(java.util.Arrays.copyOfRange(c.b, c.p, c.p + (int) l));
                c.consume(l);
            }
            case 0xdc -> {
                if (!c.need(3)) {
                    return null;
                }
                long l = c.be(1, 2);
                c.consume(3);
                v = new Container(false, l);
            }
            case 0xdd -> {
                if (!c.need(5)) {
                    return null;
                }
                long l = c.be(1, 4);
                c.consume(5);
                v = new Container(false, l);
            }
            case 0xde -> {
                if (!c.need(3)) {
                    return null;
                }
                long l = c.be(1, 2);
                c.consume(3);
                v = new Container(true, l);
            }
            case 0xdf -> {
                if (!c.need(5)) {
                    return null;
                }
                long l = c.be(1, 4);
                c.consume(5);
                v = new Container(true, l);
            }
            default -> {
                if ((first & 0x80) == 0) {
                    v = LuaValue.valueOf(first);
                    c.consume(1);
                } else if ((first & 0xe0) == 0xe0) {
                    v = LuaValue.valueOf((byte) first);
                    c.consume(1);
                } else if ((first & 0xe0) == 0xa0) {
                    int l = first & 0x1f;
                    if (!c.need(1 + l)) {
                        return null;
                    }
                    v = LuaString.valueOf(java.util.Arrays.copyOfRange(c.b, c.p + 1, c.p + 1 + l));
                    c.consume(1 + l);
                } else if ((first & 0xf0) == 0x90) {
                    c.consume(1);
                    v = new Container(false, first & 0xf);
                } else if ((first & 0xf0) == 0x80) {
                    c.consume(1);
                    v = new Container(true, first & 0xf);
                } else {
                    c.err = ERR_BADFMT;
                    return null;
                }
            }
        }
        return v;
    }

    /**
     * mp_decode_to_lua_type with mp_decode_to_lua_array / mp_decode_to_lua_hash, with an explicit stack instead of
     * C's recursion; c.top follows the Lua stack slots the C code uses, for its luaL_checkstack calls.
     */
    private static LuaValue decodeType(Cursor c) {
        java.util.ArrayDeque<Container> stack = new java.util.ArrayDeque<>();
        while (true) {
            Object item = decodeItem(c);
            if (item == null) {
                return null;
            }
            LuaValue v;
            if (item instanceof Container t) {
                c.top++; // lua_newtable
                if (!t.map) {
                    checkStack(c, 1, "in function mp_decode_to_lua_array");
                }
                if (t.remaining > 0) {
                    stack.push(t);
                    if (!t.map) {
                        c.top++; // the index pushed before the element
                    }
                    continue;
                }
                c.top--; // a finished value is counted by whoever stores it
                v = t.table;
            } else {
                v = (LuaValue) item;
            }
            while (true) {
                Container t = stack.peek();
                if (t == null) {
                    return v;
                }
                if (t.map && t.key == null) {
                    t.key = v;
                    c.top++; // the key stays on the stack while the value is decoded
                    break;
                }
                if (t.map) {
                    if (t.key.isnil()) {
                        throw CApi.runtimeError("table index is nil");
                    }
                    if (t.key.type() == LuaValue.TNUMBER && Double.isNaN(t.key.todouble())) {
                        throw CApi.runtimeError("table index is NaN");
                    }
                    t.table.rawset(t.key, v);
                    t.key = null;
                    c.top--; // lua_settable pops key and value
                } else {
                    t.table.rawset(t.index++, v);
                    c.top--; // lua_settable pops index and value
                }
                if (--t.remaining == 0) {
                    stack.pop();
                    c.top--;
                    v = t.table;
                    continue;
                }
                if (!t.map) {
                    c.top++;
                }
                break;
            }
        }
    }

    /** mp_unpack_full. */
    private static Varargs unpackFull(String function, Varargs args, long limit, long offset) {
        LuaString s = CApi.checkLString(function, args, 1);
        long len = s.m_length;
        boolean decodeAll = limit == 0 && offset == 0;
        if (offset < 0 || limit < 0) {
            throw CApi.error("Invalid request to unpack with offset of " + (int) offset + " and limit of "
                    + (int) len + ".");
        } else if (offset > len) {
            throw CApi.error("Start offset " + (int) offset + " greater than input length " + (int) len + ".");
        }
        if (decodeAll) {
            limit = Integer.MAX_VALUE;
        }
        Cursor c = new Cursor(s.m_bytes, s.m_offset + (int) offset, len - offset);
        c.top = 1; // the string argument
        java.util.List<LuaValue> out = new java.util.ArrayList<>();
        for (int cnt = 0; c.left > 0 && cnt < limit; cnt++) {
            LuaValue v = decodeType(c);
            if (c.err == ERR_EOF) {
                throw CApi.error("Missing bytes in input.");
            } else if (c.err == ERR_BADFMT) {
                throw CApi.error("Bad data format in input.");
            }
            out.add(v);
            c.top++;
        }
        if (!decodeAll) {
            long newOffset = len - c.left;
            if (c.top + 1 > CApi.MAX_C_STACK) {
                throw CApi.error("stack overflow (in function mp_unpack_full)");
            }
            out.add(0, LuaValue.valueOf(c.left == 0 ? -1 : newOffset));
        }
        return LuaValue.varargsOf(out.toArray(new LuaValue[0]));
    }
}
