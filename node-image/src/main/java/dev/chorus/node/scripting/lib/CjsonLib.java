package dev.chorus.node.scripting.lib;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * lua-cjson 2.1.0 as Redis 7.0.15 bundles it (deps/lua/src/lua_cjson.c, strbuf.c, fpconv.c): the same encoder,
 * decoder, configuration functions, defaults, number formatting ("%.14g") and error messages.
 */
final class CjsonLib {
    /** cjson.null: C's NULL lightuserdata. One value shared by every cjson instance, as NULL is in C. */
    static final LuaValue NULL = LuaValue.userdataOf(new Object() {
        @Override
        public String toString() {
            return "cjson.null";
        }
    });

    private static final String[] BOOL_OPTIONS = {"off", "on"};
    private static final String[] INVALID_NUMBER_OPTIONS = {"off", "on", "null"};
    private static final String[] TOKEN_NAMES = {"T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING",
        "T_NUMBER", "T_BOOLEAN", "T_NULL", "T_COLON", "T_COMMA", "T_END", "T_WHITESPACE", "T_ERROR", "T_UNKNOWN"};
    private static final int T_OBJ_BEGIN = 0;
    private static final int T_OBJ_END = 1;
    private static final int T_ARR_BEGIN = 2;
    private static final int T_ARR_END = 3;
    private static final int T_STRING = 4;
    private static final int T_NUMBER = 5;
    private static final int T_BOOLEAN = 6;
    private static final int T_NULL = 7;
    private static final int T_COLON = 8;
    private static final int T_COMMA = 9;
    private static final int T_END = 10;
    private static final int T_WHITESPACE = 11;
    private static final int T_ERROR = 12;
    private static final int T_UNKNOWN = 13;

    private static final int[] CH2TOKEN = new int[256];
    private static final byte[] ESCAPE2CHAR = new byte[256];
    private static final byte[][] CHAR2ESCAPE = new byte[256][];

    static {
        java.util.Arrays.fill(CH2TOKEN, T_ERROR);
        CH2TOKEN['{'] = T_OBJ_BEGIN;
        CH2TOKEN['}'] = T_OBJ_END;
        CH2TOKEN['['] = T_ARR_BEGIN;
        CH2TOKEN[']'] = T_ARR_END;
        CH2TOKEN[','] = T_COMMA;
        CH2TOKEN[':'] = T_COLON;
        CH2TOKEN[0] = T_END;
        CH2TOKEN[' '] = T_WHITESPACE;
        CH2TOKEN['\t'] = T_WHITESPACE;
        CH2TOKEN['\n'] = T_WHITESPACE;
        CH2TOKEN['\r'] = T_WHITESPACE;
        for (char c : "fiInNt\"+-0123456789".toCharArray()) {
            CH2TOKEN[c] = T_UNKNOWN;
        }
        ESCAPE2CHAR['"'] = '"';
        ESCAPE2CHAR['\\'] = '\\';
        ESCAPE2CHAR['/'] = '/';
        ESCAPE2CHAR['b'] = '\b';
        ESCAPE2CHAR['t'] = '\t';
        ESCAPE2CHAR['n'] = '\n';
        ESCAPE2CHAR['f'] = '\f';
        ESCAPE2CHAR['r'] = '\r';
        ESCAPE2CHAR['u'] = 'u';
        for (int c = 0; c < 0x20; c++) {
            CHAR2ESCAPE[c] = ascii(String.format("\\u%04x", c));
        }
        CHAR2ESCAPE['\b'] = ascii("\\b");
        CHAR2ESCAPE['\t'] = ascii("\\t");
        CHAR2ESCAPE['\n'] = ascii("\\n");
        CHAR2ESCAPE['\f'] = ascii("\\f");
        CHAR2ESCAPE['\r'] = ascii("\\r");
        CHAR2ESCAPE['"'] = ascii("\\\"");
        CHAR2ESCAPE['/'] = ascii("\\/");
        CHAR2ESCAPE['\\'] = ascii("\\\\");
        CHAR2ESCAPE[0x7f] = ascii("\\u007f");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private CjsonLib() {
    }

    /** json_config_t with Redis' defaults. */
    private static final class Config {
        int encodeSparseConvert = 0;
        int encodeSparseRatio = 2;
        int encodeSparseSafe = 10;
        int encodeMaxDepth = 1000;
        int decodeMaxDepth = 1000;
        int encodeInvalidNumbers = 0;
        int decodeInvalidNumbers = 1;
        int encodeNumberPrecision = 14;
        int encodeKeepBuffer = 1;
    }

    /** lua_cjson_new: a module table whose functions share one fresh configuration. */
    static LuaTable create() {
        Config cfg = new Config();
        LuaTable t = new LuaTable();
        t.set("encode", fn("encode", args -> encode(cfg, args)));
        t.set("decode", fn("decode", args -> decode(cfg, args)));
        t.set("encode_sparse_array", fn("encode_sparse_array", args -> {
            Varargs a = argInit("encode_sparse_array", args, 3);
            int[] convert = {cfg.encodeSparseConvert};
            LuaValue r1 = enumOption("encode_sparse_array", a, 1, convert, null);
            cfg.encodeSparseConvert = convert[0];
            int[] ratio = {cfg.encodeSparseRatio};
            LuaValue r2 = integerOption("encode_sparse_array", a, 2, ratio, 0, Integer.MAX_VALUE);
            cfg.encodeSparseRatio = ratio[0];
            int[] safe = {cfg.encodeSparseSafe};
            LuaValue r3 = integerOption("encode_sparse_array", a, 3, safe, 0, Integer.MAX_VALUE);
            cfg.encodeSparseSafe = safe[0];
            return LuaValue.varargsOf(new LuaValue[] {r1, r2, r3});
        }));
        t.set("encode_max_depth", fn("encode_max_depth", args -> {
            Varargs a = argInit("encode_max_depth", args, 1);
            int[] v = {cfg.encodeMaxDepth};
            LuaValue r = integerOption("encode_max_depth", a, 1, v, 1, Integer.MAX_VALUE);
            cfg.encodeMaxDepth = v[0];
            return r;
        }));
        t.set("decode_max_depth", fn("decode_max_depth", args -> {
            Varargs a = argInit("decode_max_depth", args, 1);
            int[] v = {cfg.decodeMaxDepth};
            LuaValue r = integerOption("decode_max_depth", a, 1, v, 1, Integer.MAX_VALUE);
            cfg.decodeMaxDepth = v[0];
            return r;
        }));
        t.set("encode_number_precision", fn("encode_number_precision", args -> {
            Varargs a = argInit("encode_number_precision", args, 1);
            int[] v = {cfg.encodeNumberPrecision};
            LuaValue r = integerOption("encode_number_precision", a, 1, v, 1, 14);
            cfg.encodeNumberPrecision = v[0];
            return r;
        }));
        t.set("encode_keep_buffer", fn("encode_keep_buffer", args -> {
            Varargs a = argInit("encode_keep_buffer", args, 1);
            int[] v = {cfg.encodeKeepBuffer};
            LuaValue r = enumOption("encode_keep_buffer", a, 1, v, null);
            cfg.encodeKeepBuffer = v[0];
            return r;
        }));
        t.set("encode_invalid_numbers", fn("encode_invalid_numbers", args -> {
            Varargs a = argInit("encode_invalid_numbers", args, 1);
            int[] v = {cfg.encodeInvalidNumbers};
            LuaValue r = enumOption("encode_invalid_numbers", a, 1, v, INVALID_NUMBER_OPTIONS);
            cfg.encodeInvalidNumbers = v[0];
            return r;
        }));
        t.set("decode_invalid_numbers", fn("decode_invalid_numbers", args -> {
            Varargs a = argInit("decode_invalid_numbers", args, 1);
            int[] v = {cfg.decodeInvalidNumbers};
            LuaValue r = enumOption("decode_invalid_numbers", a, 1, v, null);
            cfg.decodeInvalidNumbers = v[0];
            return r;
        }));
        t.set("new", fn("new", args -> create()));
        t.set("null", NULL);
        t.set("_NAME", "cjson");
        t.set("_VERSION", "2.1.0");
        return t;
    }

    interface Body {
        Varargs call(Varargs args);
    }

    static VarArgFunction fn(String name, Body body) {
        return new VarArgFunction() {
            {
                this.name = name;
            }

            @Override
            public Varargs invoke(Varargs args) {
                return body.call(args);
            }
        };
    }

    /** json_arg_init: no more than n arguments; missing ones read as nil. */
    private static Varargs argInit(String function, Varargs args, int n) {
        if (args.narg() > n) {
            throw CApi.argError(function, n + 1, "found too many arguments");
        }
        return args;
    }

    /** json_integer_option. */
    private static LuaValue integerOption(String function, Varargs args, int index, int[] setting, int min, int max) {
        if (!args.arg(index).isnil()) {
            int value = (int) CApi.checkInteger(function, args, index);
            if (!(min <= value && value <= max)) {
                throw CApi.argError(function, 1, "expected integer between " + min + " and " + max);
            }
            setting[0] = value;
        }
        return LuaValue.valueOf(setting[0]);
    }

    /** json_enum_option with bool_true = 1. */
    private static LuaValue enumOption(String function, Varargs args, int index, int[] setting, String[] options) {
        String[] opts = options == null ? BOOL_OPTIONS : options;
        LuaValue v = args.arg(index);
        if (!v.isnil()) {
            if (v.type() == LuaValue.TBOOLEAN) {
                setting[0] = v.toboolean() ? 1 : 0;
            } else {
                setting[0] = checkOption(function, args, index, opts);
            }
        }
        if (setting[0] == 0 || setting[0] == 1) {
            return LuaValue.valueOf(setting[0] == 1);
        }
        return LuaValue.valueOf(opts[setting[0]]);
    }

    /** luaL_checkoption without a default. */
    static int checkOption(String function, Varargs args, int index, String[] options) {
        LuaString s = CApi.checkLString(function, args, index);
        String name = cString(s);
        for (int i = 0; i < options.length; i++) {
            if (options[i].equals(name)) {
                return i;
            }
        }
        throw CApi.argError(function, index, "invalid option '" + name + "'");
    }

    /** The string as C sees it: up to the first NUL. */
    static String cString(LuaString s) {
        int n = 0;
        while (n < s.m_length && s.m_bytes[s.m_offset + n] != 0) {
            n++;
        }
        return new String(s.m_bytes, s.m_offset, n, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    // ===== ENCODING =====

    /** strbuf_t. */
    static final class Buf {
        byte[] b = new byte[64];
        int len;

        void ensure(int extra) {
            if (len + extra > b.length) {
                b = java.util.Arrays.copyOf(b, Math.max(b.length * 2, len + extra));
            }
        }

        void add(int c) {
            ensure(1);
            b[len++] = (byte) c;
        }

        void add(byte[] s) {
            add(s, 0, s.length);
        }

        void add(byte[] s, int off, int n) {
            ensure(n);
            System.arraycopy(s, off, b, len, n);
            len += n;
        }

        void add(String ascii) {
            add(ascii.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        }
    }

    private static Varargs encode(Config cfg, Varargs args) {
        if (args.narg() != 1) {
            throw CApi.argError("encode", 1, "expected 1 argument");
        }
        Buf buf = new Buf();
        appendData(cfg, args.arg1(), 0, buf, 1);
        return LuaString.valueOf(java.util.Arrays.copyOf(buf.b, buf.len));
    }

    private static org.luaj.vm2.LuaError encodeException(LuaValue culprit, String reason) {
        return CApi.error("Cannot serialise " + CApi.typeName(culprit) + ": " + reason);
    }

    private static void appendString(Buf json, LuaString s) {
        json.ensure(s.m_length + 2); // C reserves len * 6 + 2 (every byte escaped); grow as needed instead
        json.add('"');
        for (int i = 0; i < s.m_length; i++) {
            int c = s.m_bytes[s.m_offset + i] & 0xff;
            byte[] esc = CHAR2ESCAPE[c];
            if (esc != null) {
                json.add(esc);
            } else {
                json.add(c);
            }
        }
        json.add('"');
    }

    /** lua_array_length: the largest positive integer key, or -1 when the table is not an array. */
    private static int arrayLength(Config cfg, LuaTable t) {
        int max = 0;
        int items = 0;
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            k = n.arg1();
            if (k.isnil()) {
                break;
            }
            if (k.type() == LuaValue.TNUMBER) {
                double d = k.todouble();
                if (d != 0 && Math.floor(d) == d && d >= 1) {
                    if (d > max) {
                        max = CApi.toCInt(d);
                    }
                    items++;
                    continue;
                }
            }
            return -1;
        }
        if (cfg.encodeSparseRatio > 0 && max > (long) items * cfg.encodeSparseRatio && max > cfg.encodeSparseSafe) {
            if (cfg.encodeSparseConvert == 0) {
                throw encodeException(t, "excessively sparse array");
            }
            return -1;
        }
        return max;
    }

    private static void appendNumber(Config cfg, Buf json, LuaValue v) {
        double num = v.todouble();
        if (cfg.encodeInvalidNumbers == 0) {
            if (Double.isInfinite(num) || Double.isNaN(num)) {
                throw encodeException(v, "must not be NaN or Inf");
            }
        } else if (cfg.encodeInvalidNumbers == 1) {
            if (Double.isNaN(num)) {
                json.add("nan");
                return;
            }
        } else {
            if (Double.isInfinite(num) || Double.isNaN(num)) {
                json.add("null");
                return;
            }
        }
        json.add(CNumbers.formatG(num, cfg.encodeNumberPrecision));
    }

    /** A table being encoded: an array (1..len) or an object (lua_next order). */
    private static final class EncodeFrame {
        final LuaTable table;
        final boolean array;
        final int len;
        final int depth;
        final int top;
        int i;
        LuaValue key = LuaValue.NIL;
        boolean comma;

        EncodeFrame(LuaTable table, boolean array, int len, int depth, int top) {
            this.table = table;
            this.array = array;
            this.len = len;
            this.depth = depth;
            this.top = top;
        }
    }

    /**
     * json_append_data, with an explicit stack instead of C's recursion. {@code top} counts the Lua stack slots the C
     * code would be using: lua_checkstack in json_check_encode_depth fails past LUAI_MAXCSTACK.
     */
    private static void appendData(Config cfg, LuaValue value, int startDepth, Buf json, int startTop) {
        java.util.ArrayDeque<EncodeFrame> stack = new java.util.ArrayDeque<>();
        LuaValue v = value;
        int depth = startDepth;
        int top = startTop;
        while (true) {
            switch (v.type()) {
                case LuaValue.TSTRING -> appendString(json, v.checkstring());
                case LuaValue.TNUMBER -> appendNumber(cfg, json, v);
                case LuaValue.TBOOLEAN -> json.add(v.toboolean() ? "true" : "false");
                case LuaValue.TTABLE -> {
                    int d = depth + 1;
                    if (!(d <= cfg.encodeMaxDepth && top + 3 <= CApi.MAX_C_STACK)) {
                        throw CApi.error("Cannot serialise, excessive nesting (" + d + ")");
                    }
                    LuaTable t = (LuaTable) v;
                    int len = arrayLength(cfg, t);
                    json.add(len > 0 ? '[' : '{');
                    stack.push(new EncodeFrame(t, len > 0, len, d, top));
                }
                case LuaValue.TNIL -> json.add("null");
                default -> {
                    if (v == NULL) {
                        json.add("null");
                    } else {
                        throw encodeException(v, "type not supported");
                    }
                }
            }
            // The next value to append: the next element of the innermost open table, closing finished ones.
            while (true) {
                EncodeFrame f = stack.peek();
                if (f == null) {
                    return;
                }
                if (f.array) {
                    if (f.i < f.len) {
                        if (f.i > 0) {
                            json.add(',');
                        }
                        f.i++;
                        v = f.table.rawget(f.i);
                        depth = f.depth;
                        top = f.top + 1;
                        break;
                    }
                    json.add(']');
                    stack.pop();
                    continue;
                }
                Varargs n = f.table.next(f.key);
                LuaValue k = n.arg1();
                if (k.isnil()) {
                    json.add('}');
                    stack.pop();
                    continue;
                }
                f.key = k;
                if (f.comma) {
                    json.add(',');
                } else {
                    f.comma = true;
                }
                if (k.type() == LuaValue.TNUMBER) {
                    json.add('"');
                    appendNumber(cfg, json, k);
                    json.add("\":");
                } else if (k.type() == LuaValue.TSTRING) {
                    appendString(json, k.checkstring());
                    json.add(':');
                } else {
                    throw encodeException(k, "table key must be a number or string");
                }
                v = n.arg(2);
                depth = f.depth;
                top = f.top + 2;
                break;
            }
        }
    }

    // ===== DECODING =====

    private static final class Token {
        int type;
        int index;
        String error;
        LuaString string;
        double number;
        boolean bool;
    }

    private static final class Parser {
        final Config cfg;
        final byte[] data;
        final int off;
        final int len;
        int ptr; // relative to off
        int depth;
        final Buf tmp = new Buf();

        Parser(Config cfg, LuaString s) {
            this.cfg = cfg;
            this.data = s.m_bytes;
            this.off = s.m_offset;
            this.len = s.m_length;
        }

        /** The byte at ptr + i, or the C string's terminating NUL past the end. */
        int ch(int i) {
            int p = ptr + i;
            return p < len ? data[off + p] & 0xff : 0;
        }
    }

    private static Varargs decode(Config cfg, Varargs args) {
        if (args.narg() != 1) {
            throw CApi.argError("decode", 1, "expected 1 argument");
        }
        LuaString s = CApi.checkLString("decode", args, 1);
        Parser json = new Parser(cfg, s);
        if (s.m_length >= 2 && (json.ch(0) == 0 || json.ch(1) == 0)) {
            throw CApi.error("JSON parser does not support UTF-16 or UTF-32");
        }
        Token token = new Token();
        nextToken(json, token);
        LuaValue v = processValue(json, token, 1);
        nextToken(json, token);
        if (token.type != T_END) {
            throw parseError(json, "the end", token);
        }
        return v;
    }

    private static org.luaj.vm2.LuaError parseError(Parser json, String exp, Token token) {
        String found = token.type == T_ERROR ? token.error : TOKEN_NAMES[token.type];
        return CApi.error("Expected " + exp + " but found " + found + " at character " + (token.index + 1));
    }

    private static void setTokenError(Token token, Parser json, String errtype) {
        token.type = T_ERROR;
        token.index = json.ptr;
        token.error = errtype;
    }

    private static int hexDigit(int hex) {
        if ('0' <= hex && hex <= '9') {
            return hex - '0';
        }
        hex |= 0x20;
        if ('a' <= hex && hex <= 'f') {
            return 10 + hex - 'a';
        }
        return -1;
    }

    private static int decodeHex4(Parser json, int at) {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = hexDigit(json.ch(at + i));
            if (d < 0) {
                return -1;
            }
            v = (v << 4) + d;
        }
        return v;
    }

    private static boolean appendUnicodeEscape(Parser json) {
        int escapeLen = 6;
        int codepoint = decodeHex4(json, 2);
        if (codepoint < 0) {
            return false;
        }
        if ((codepoint & 0xF800) == 0xD800) {
            if ((codepoint & 0x400) != 0) {
                return false;
            }
            if (json.ch(escapeLen) != '\\' || json.ch(escapeLen + 1) != 'u') {
                return false;
            }
            int low = decodeHex4(json, 2 + escapeLen);
            if (low < 0) {
                return false;
            }
            if ((low & 0xFC00) != 0xDC00) {
                return false;
            }
            codepoint = (((codepoint & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
            escapeLen = 12;
        }
        Buf t = json.tmp;
        if (codepoint <= 0x7F) {
            t.add(codepoint);
        } else if (codepoint <= 0x7FF) {
            t.add((codepoint >> 6) | 0xC0);
            t.add((codepoint & 0x3F) | 0x80);
        } else if (codepoint <= 0xFFFF) {
            t.add((codepoint >> 12) | 0xE0);
            t.add(((codepoint >> 6) & 0x3F) | 0x80);
            t.add((codepoint & 0x3F) | 0x80);
        } else {
            t.add((codepoint >> 18) | 0xF0);
            t.add(((codepoint >> 12) & 0x3F) | 0x80);
            t.add(((codepoint >> 6) & 0x3F) | 0x80);
            t.add((codepoint & 0x3F) | 0x80);
        }
        json.ptr += escapeLen;
        return true;
    }

    private static void nextStringToken(Parser json, Token token) {
        json.ptr++;
        json.tmp.len = 0;
        int ch;
        while ((ch = json.ch(0)) != '"') {
            if (ch == 0) {
                setTokenError(token, json, "unexpected end of string");
                return;
            }
            if (ch == '\\') {
                ch = ESCAPE2CHAR[json.ch(1)] & 0xff;
                if (ch == 'u') {
                    if (appendUnicodeEscape(json)) {
                        continue;
                    }
                    setTokenError(token, json, "invalid unicode escape code");
                    return;
                }
                if (ch == 0) {
                    setTokenError(token, json, "invalid escape code");
                    return;
                }
                json.ptr++;
            }
            json.tmp.add(ch);
            json.ptr++;
        }
        json.ptr++;
        token.type = T_STRING;
        token.string = LuaString.valueOf(java.util.Arrays.copyOf(json.tmp.b, json.tmp.len));
    }

    private static boolean isInvalidNumber(Parser json) {
        int p = 0;
        if (json.ch(p) == '+') {
            return true;
        }
        if (json.ch(p) == '-') {
            p++;
        }
        if (json.ch(p) == '0') {
            int ch2 = json.ch(p + 1);
            return (ch2 | 0x20) == 'x' || ('0' <= ch2 && ch2 <= '9');
        } else if (json.ch(p) <= '9') {
            return false;
        }
        return startsWithIgnoreCase(json, p, "inf") || startsWithIgnoreCase(json, p, "nan");
    }

    private static boolean startsWithIgnoreCase(Parser json, int p, String w) {
        for (int i = 0; i < w.length(); i++) {
            int c = json.ch(p + i);
            if (c == 0 || Character.toLowerCase(c) != w.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(Parser json, String w) {
        for (int i = 0; i < w.length(); i++) {
            if (json.ch(i) != w.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static void nextNumberToken(Parser json, Token token) {
        token.type = T_NUMBER;
        // strtod stops at the C string's NUL: the first NUL byte ends the input.
        int end = json.ptr;
        while (end < json.len && json.data[json.off + end] != 0) {
            end++;
        }
        CNumbers.Parsed p = CNumbers.strtod(json.data, json.off + json.ptr, json.off + end);
        token.number = p.value();
        if (p.end() == json.off + json.ptr) {
            setTokenError(token, json, "invalid number");
        } else {
            json.ptr = p.end() - json.off;
        }
    }

    private static void nextToken(Parser json, Token token) {
        int ch;
        while (true) {
            ch = json.ch(0);
            token.type = CH2TOKEN[ch];
            if (token.type != T_WHITESPACE) {
                break;
            }
            json.ptr++;
        }
        token.index = json.ptr;
        if (token.type == T_ERROR) {
            setTokenError(token, json, "invalid token");
            return;
        }
        if (token.type == T_END) {
            return;
        }
        if (token.type != T_UNKNOWN) {
            json.ptr++;
            return;
        }
        if (ch == '"') {
            nextStringToken(json, token);
        } else if (ch == '-' || ('0' <= ch && ch <= '9')) {
            if (json.cfg.decodeInvalidNumbers == 0 && isInvalidNumber(json)) {
                setTokenError(token, json, "invalid number");
                return;
            }
            nextNumberToken(json, token);
        } else if (startsWith(json, "true")) {
            token.type = T_BOOLEAN;
            token.bool = true;
            json.ptr += 4;
        } else if (startsWith(json, "false")) {
            token.type = T_BOOLEAN;
            token.bool = false;
            json.ptr += 5;
        } else if (startsWith(json, "null")) {
            token.type = T_NULL;
            json.ptr += 4;
        } else if (json.cfg.decodeInvalidNumbers != 0 && isInvalidNumber(json)) {
            nextNumberToken(json, token);
        } else {
            setTokenError(token, json, "invalid token");
        }
    }

    /** json_decode_descend: depth limit, and lua_checkstack(slots) from {@code top} used slots. */
    private static void descend(Parser json, int slots, int top) {
        json.depth++;
        if (json.depth <= json.cfg.decodeMaxDepth && top + slots <= CApi.MAX_C_STACK) {
            return;
        }
        throw CApi.error("Found too many nested data structures (" + json.depth + ") at character " + json.ptr);
    }

    /** An object or array being decoded. */
    private static final class DecodeFrame {
        final LuaTable table = new LuaTable();
        final boolean object;
        final int top;
        int index = 1;
        LuaString key;

        DecodeFrame(boolean object, int top) {
            this.object = object;
            this.top = top;
        }
    }

    /** Reads "key" ":" of an object member, leaving the token at the member's value. */
    private static void objectKey(Parser json, Token token, DecodeFrame f) {
        if (token.type != T_STRING) {
            throw parseError(json, "object key string", token);
        }
        f.key = token.string;
        nextToken(json, token);
        if (token.type != T_COLON) {
            throw parseError(json, "colon", token);
        }
        nextToken(json, token);
    }

    /**
     * json_process_value with json_parse_object_context / json_parse_array_context, with an explicit stack instead
     * of C's recursion; {@code top} counts the Lua stack slots in use as in the C code (for lua_checkstack).
     */
    private static LuaValue processValue(Parser json, Token token, int startTop) {
        java.util.ArrayDeque<DecodeFrame> stack = new java.util.ArrayDeque<>();
        int top = startTop;
        while (true) {
            LuaValue v;
            switch (token.type) {
                case T_STRING -> v = token.string;
                case T_NUMBER -> v = CApi.number(token.number);
                case T_BOOLEAN -> v = LuaValue.valueOf(token.bool);
                case T_NULL -> v = NULL;
                case T_OBJ_BEGIN, T_ARR_BEGIN -> {
                    boolean object = token.type == T_OBJ_BEGIN;
                    descend(json, object ? 3 : 2, top);
                    DecodeFrame f = new DecodeFrame(object, top);
                    nextToken(json, token);
                    if (token.type == (object ? T_OBJ_END : T_ARR_END)) {
                        json.depth--;
                        v = f.table;
                    } else {
                        stack.push(f);
                        if (object) {
                            objectKey(json, token, f);
                            top = f.top + 2;
                        } else {
                            top = f.top + 1;
                        }
                        continue;
                    }
                }
                default -> throw parseError(json, "value", token);
            }
            // Store v in the innermost open container; finish containers whose end follows.
            while (true) {
                DecodeFrame f = stack.peek();
                if (f == null) {
                    return v;
                }
                if (f.object) {
                    f.table.rawset(f.key, v);
                } else {
                    f.table.rawset(f.index++, v);
                }
                nextToken(json, token);
                if (token.type == (f.object ? T_OBJ_END : T_ARR_END)) {
                    json.depth--;
                    stack.pop();
                    v = f.table;
                    continue;
                }
                if (token.type != T_COMMA) {
                    throw parseError(json, f.object ? "comma or object end" : "comma or array end", token);
                }
                nextToken(json, token);
                if (f.object) {
                    objectKey(json, token, f);
                    top = f.top + 2;
                } else {
                    top = f.top + 1;
                }
                break;
            }
        }
    }
}
