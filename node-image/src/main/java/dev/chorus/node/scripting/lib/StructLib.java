package dev.chorus.node.scripting.lib;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Roberto Ierusalimschy's struct library as Redis 7.0.15 bundles it (deps/lua/src/lua_struct.c) on x86-64 Linux:
 * native little endian, sizeof(long) = sizeof(size_t) = 8, sizeof(int) = 4, maximum alignment 8.
 */
final class StructLib {
    private static final int BIG = 0;
    private static final int LITTLE = 1;
    private static final int MAXINTSIZE = 32;
    private static final int MAXALIGN = 8;

    private StructLib() {
    }

    static LuaTable create() {
        LuaTable t = new LuaTable();
        t.set("pack", CjsonLib.fn("pack", StructLib::pack));
        t.set("unpack", CjsonLib.fn("unpack", StructLib::unpack));
        t.set("size", CjsonLib.fn("size", StructLib::size));
        return t;
    }

    /** The format string and a read position; the C string ends at the first NUL. */
    private static final class Fmt {
        final String function;
        final byte[] b;
        final int end;
        int p;

        Fmt(String function, LuaString s) {
            this.function = function;
            this.b = s.m_bytes;
            int e = s.m_offset;
            while (e < s.m_offset + s.m_length && s.m_bytes[e] != 0) {
                e++;
            }
            this.end = e;
            this.p = s.m_offset;
        }

        boolean more() {
            return p < end;
        }

        int peek() {
            return p < end ? b[p] & 0xff : 0;
        }
    }

    private static final class Header {
        int endian = LITTLE;
        int align = 1;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static int getnum(Fmt fmt, int df) {
        if (!isDigit(fmt.peek())) {
            return df;
        }
        int a = 0;
        do {
            int d = fmt.peek() - '0';
            if (a > (Integer.MAX_VALUE / 10) || a * 10 > (Integer.MAX_VALUE - d)) {
                throw CApi.error("integral size overflow");
            }
            a = a * 10 + d;
            fmt.p++;
        } while (isDigit(fmt.peek()));
        return a;
    }

    /** optsize; sizes are size_t in C, kept here as non-negative longs. */
    private static long optsize(int opt, Fmt fmt) {
        switch (opt) {
            case 'B', 'b', 'x':
                return 1;
            case 'H', 'h':
                return 2;
            case 'L', 'l', 'T', 'd':
                return 8;
            case 'f':
                return 4;
            case 'c':
                return getnum(fmt, 1);
            case 'i', 'I': {
                int sz = getnum(fmt, 4);
                if (sz > MAXINTSIZE) {
                    throw CApi.error("integral size " + sz + " is larger than limit of " + MAXINTSIZE);
                }
                return sz;
            }
            default:
                return 0;
        }
    }

    private static long gettoalign(long len, Header h, int opt, long size) {
        if (size == 0 || opt == 'c') {
            return 0;
        }
        if (size > h.align) {
            size = h.align;
        }
        return (size - (len & (size - 1))) & (size - 1);
    }

    private static void controloptions(int opt, Fmt fmt, Header h) {
        switch (opt) {
            case ' ':
                return;
            case '>':
                h.endian = BIG;
                return;
            case '<':
                h.endian = LITTLE;
                return;
            case '!': {
                int a = getnum(fmt, MAXALIGN);
                if (!(a > 0 && (a & (a - 1)) == 0)) {
                    throw CApi.error("alignment " + a + " is not a power of 2");
                }
                h.align = a;
                return;
            }
            default:
                throw CApi.argError(fmt.function, 1, "invalid format option '" + (char) opt + "'");
        }
    }

    private static Varargs pack(Varargs given) {
        LuaString format = CApi.checkLString("pack", given, 1);
        // b_pack pushes a nil (separating the arguments from the string buffer): one argument more reads as nil.
        LuaValue[] withMark = new LuaValue[given.narg() + 1];
        for (int i = 0; i < given.narg(); i++) {
            withMark[i] = given.arg(i + 1);
        }
        withMark[given.narg()] = LuaValue.NIL;
        Varargs args = LuaValue.varargsOf(withMark);
        Fmt fmt = new Fmt("pack", format);
        Header h = new Header();
        int arg = 2;
        long totalsize = 0;
        CjsonLib.Buf b = new CjsonLib.Buf();
        while (fmt.more()) {
            int opt = fmt.b[fmt.p++] & 0xff;
            long size = optsize(opt, fmt);
            long toalign = gettoalign(totalsize, h, opt, size);
            totalsize += toalign;
            while (toalign-- > 0) {
                b.add(0);
            }
            switch (opt) {
                case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> {
                    double n = CApi.checkNumber("pack", args, arg++);
                    long value = n < 0 ? CApi.toCLong(n) : CApi.toCULong(n);
                    byte[] buff = new byte[(int) size];
                    if (h.endian == LITTLE) {
                        for (int i = 0; i < size; i++) {
                            buff[i] = (byte) value;
                            value >>>= 8;
                        }
                    } else {
                        for (int i = (int) size - 1; i >= 0; i--) {
                            buff[i] = (byte) value;
                            value >>>= 8;
                        }
                    }
                    b.add(buff);
                }
                case 'x' -> b.add(0);
                case 'f' -> {
                    float f = (float) CApi.checkNumber("pack", args, arg++);
                    putBytes(b, Float.floatToRawIntBits(f) & 0xffffffffL, 4, h.endian);
                }
                case 'd' -> {
                    double d = CApi.checkNumber("pack", args, arg++);
                    putBytes(b, Double.doubleToRawLongBits(d), 8, h.endian);
                }
                case 'c', 's' -> {
                    LuaString s = CApi.checkLString("pack", args, arg++);
                    long l = s.m_length;
                    if (size == 0) {
                        size = l;
                    }
                    if (!(l >= size)) {
                        throw CApi.argError("pack", arg, "string too short");
                    }
                    b.add(s.m_bytes, s.m_offset, (int) size);
                    if (opt == 's') {
                        b.add(0);
                        size++;
                    }
                }
                default -> controloptions(opt, fmt, h);
            }
            totalsize += size;
        }
        return LuaString.valueOf(java.util.Arrays.copyOf(b.b, b.len));
    }

    private static void putBytes(CjsonLib.Buf b, long bits, int size, int endian) {
        for (int i = 0; i < size; i++) {
            int shift = endian == LITTLE ? 8 * i : 8 * (size - 1 - i);
            b.add((int) (bits >>> shift) & 0xff);
        }
    }

    private static double getinteger(byte[] data, int at, int endian, boolean signed, int size) {
        long l = 0;
        if (endian == BIG) {
            for (int i = 0; i < size; i++) {
                l <<= 8;
                l |= data[at + i] & 0xff;
            }
        } else {
            for (int i = size - 1; i >= 0; i--) {
                l <<= 8;
                l |= data[at + i] & 0xff;
            }
        }
        if (!signed) {
            return CApi.unsignedToDouble(l);
        }
        long mask = (~0L) << (size * 8 - 1); // the shift count is taken mod 64, as by x86's shl
        if ((l & mask) != 0) {
            l |= mask;
        }
        return (double) l;
    }

    private static Varargs unpack(Varargs args) {
        LuaString format = CApi.checkLString("unpack", args, 1);
        Fmt fmt = new Fmt("unpack", format);
        LuaString dataString = CApi.checkLString("unpack", args, 2);
        long ld = dataString.m_length;
        byte[] data = dataString.m_bytes;
        int base = dataString.m_offset;
        long pos = CApi.optInteger("unpack", args, 3, 1); // size_t in C: compared unsigned below
        if (pos == 0) {
            throw CApi.argError("unpack", 3, "offset must be 1 or greater");
        }
        pos--;
        java.util.List<LuaValue> out = new java.util.ArrayList<>();
        Header h = new Header();
        while (fmt.more()) {
            int opt = fmt.b[fmt.p++] & 0xff;
            long size = optsize(opt, fmt);
            pos += gettoalign(pos, h, opt, size);
            if (!(Long.compareUnsigned(size, ld) <= 0 && Long.compareUnsigned(pos, ld - size) <= 0)) {
                throw CApi.argError("unpack", 2, "data string too short");
            }
            if (args.narg() + out.size() + 2 > CApi.MAX_C_STACK) { // luaL_checkstack(L, 2) over arguments and results
                throw CApi.error("stack overflow (too many results)");
            }
            switch (opt) {
                case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> out.add(CApi.number(
                        getinteger(data, base + (int) pos, h.endian, Character.isLowerCase(opt), (int) size)));
                case 'x' -> {
                }
                case 'f' -> {
                    int bits = (int) getBits(data, base + (int) pos, 4, h.endian);
                    out.add(CApi.number(Float.intBitsToFloat(bits)));
                }
                case 'd' -> out.add(CApi.number(Double.longBitsToDouble(getBits(data, base + (int) pos, 8, h.endian))));
                case 'c' -> {
                    if (size == 0) {
                        Double prev = out.isEmpty() ? null : CApi.toNumber(out.get(out.size() - 1));
                        if (prev == null) {
                            throw CApi.error("format 'c0' needs a previous size");
                        }
                        size = CApi.toCULong(prev);
                        out.remove(out.size() - 1);
                        if (!(Long.compareUnsigned(size, ld) <= 0 && Long.compareUnsigned(pos, ld - size) <= 0)) {
                            throw CApi.argError("unpack", 2, "data string too short");
                        }
                    }
                    out.add(LuaString.valueOf(java.util.Arrays.copyOfRange(data, base + (int) pos,
                            base + (int) (pos + size))));
                }
                case 's' -> {
                    int e = -1;
                    for (long i = pos; i < ld; i++) {
                        if (data[base + (int) i] == 0) {
                            e = (int) i;
                            break;
                        }
                    }
                    if (e < 0) {
                        throw CApi.error("unfinished string in data");
                    }
                    size = (e - pos) + 1;
                    out.add(LuaString.valueOf(java.util.Arrays.copyOfRange(data, base + (int) pos, base + e)));
                }
                default -> controloptions(opt, fmt, h);
            }
            pos += size;
        }
        out.add(LuaValue.valueOf((double) (pos + 1)));
        return LuaValue.varargsOf(out.toArray(new LuaValue[0]));
    }

    private static long getBits(byte[] data, int at, int size, int endian) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            int shift = endian == LITTLE ? 8 * i : 8 * (size - 1 - i);
            v |= (long) (data[at + i] & 0xff) << shift;
        }
        return v;
    }

    private static Varargs size(Varargs args) {
        LuaString format = CApi.checkLString("size", args, 1);
        Fmt fmt = new Fmt("size", format);
        Header h = new Header();
        long pos = 0;
        while (fmt.more()) {
            int opt = fmt.b[fmt.p++] & 0xff;
            long size = optsize(opt, fmt);
            pos += gettoalign(pos, h, opt, size);
            if (opt == 's') {
                throw CApi.argError("size", 1, "option 's' has no fixed size");
            } else if (opt == 'c' && size == 0) {
                throw CApi.argError("size", 1, "option 'c0' has no fixed size");
            }
            if (!isAlnum(opt)) {
                controloptions(opt, fmt, h);
            }
            pos += size;
        }
        return LuaValue.valueOf((double) pos);
    }

    private static boolean isAlnum(int c) {
        return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
