package dev.chorus.node.scripting;

import dev.chorus.node.resp.RespWriter;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * The conversions between Redis replies and Lua values, as script_lua.c does them: a command's reply (RESP2 or
 * RESP3 bytes, what the script client received) becomes a Lua value (redisProtocolToLuaType), and the script's
 * return value becomes the caller's reply (luaReplyToRedisReply).
 */
final class LuaConversions {
    private LuaConversions() {
    }

    static final LuaString ERR = LuaValue.valueOf("err");
    static final LuaString OK = LuaValue.valueOf("ok");
    static final LuaString DOUBLE = LuaValue.valueOf("double");
    static final LuaString BIG_NUMBER = LuaValue.valueOf("big_number");
    static final LuaString VERBATIM = LuaValue.valueOf("verbatim_string");
    static final LuaString FORMAT = LuaValue.valueOf("format");
    static final LuaString STRING = LuaValue.valueOf("string");
    static final LuaString MAP = LuaValue.valueOf("map");
    static final LuaString SET = LuaValue.valueOf("set");
    static final LuaString SOURCE = LuaValue.valueOf("source");
    static final LuaString LINE = LuaValue.valueOf("line");
    static final LuaString IGNORE_STATS = LuaValue.valueOf("ignore_error_stats_update");

    // ---- Redis reply -> Lua ----

    /** Parses one reply from {@code buf} into a Lua value. */
    static LuaValue toLua(byte[] buf, int len) {
        Parser p = new Parser(buf, len);
        return p.parse(true);
    }

    private static final class Parser {
        final byte[] b;
        final int len;
        int pos;

        Parser(byte[] b, int len) {
            this.b = b;
            this.len = len;
        }

        private int lineEnd() {
            int i = pos;
            while (b[i] != '\r') {
                i++;
            }
            return i;
        }

        private String line() {
            int end = lineEnd();
            String s = new String(b, pos + 1, end - pos - 1, StandardCharsets.ISO_8859_1);
            pos = end + 2;
            return s;
        }

        private long number() {
            return Long.parseLong(line());
        }

        /** {@code build} false: skip the value (attributes). */
        LuaValue parse(boolean build) {
            byte type = b[pos];
            switch (type) {
                case '+': {
                    int end = lineEnd();
                    LuaString s = LuaString.valueOf(java.util.Arrays.copyOfRange(b, pos + 1, end));
                    pos = end + 2;
                    if (!build) {
                        return null;
                    }
                    LuaTable t = new LuaTable();
                    t.rawset(OK, s);
                    return t;
                }
                case '-': {
                    int end = lineEnd();
                    String s = new String(b, pos + 1, end - pos - 1, StandardCharsets.UTF_8);
                    pos = end + 2;
                    if (!build) {
                        return null;
                    }
                    LuaTable t = errorTable("-" + s);
                    t.rawset(IGNORE_STATS, LuaValue.TRUE);
                    return t;
                }
                case ':': {
                    long v = number();
                    return LuaValue.valueOf((double) v);
                }
                case '$': {
                    long n = number();
                    if (n < 0) {
                        return LuaValue.FALSE;
                    }
                    LuaString s = LuaString.valueOf(java.util.Arrays.copyOfRange(b, pos, pos + (int) n));
                    pos += (int) n + 2;
                    return s;
                }
                case '*': {
                    long n = number();
                    if (n < 0) {
                        return LuaValue.FALSE;
                    }
                    LuaTable t = build ? new LuaTable((int) n, 0) : null;
                    for (int i = 1; i <= n; i++) {
                        LuaValue v = parse(build);
                        if (build) {
                            t.rawset(i, v);
                        }
                    }
                    return t;
                }
                case '%': {
                    long n = number();
                    LuaTable inner = build ? new LuaTable() : null;
                    for (int i = 0; i < n; i++) {
                        LuaValue k = parse(build);
                        LuaValue v = parse(build);
                        if (build && !k.isnil()) {
                            inner.rawset(k, v);
                        }
                    }
                    if (!build) {
                        return null;
                    }
                    LuaTable t = new LuaTable();
                    t.rawset(MAP, inner);
                    return t;
                }
                case '~': {
                    long n = number();
                    LuaTable inner = build ? new LuaTable() : null;
                    for (int i = 0; i < n; i++) {
                        LuaValue k = parse(build);
                        if (build && !k.isnil()) {
                            inner.rawset(k, LuaValue.TRUE);
                        }
                    }
                    if (!build) {
                        return null;
                    }
                    LuaTable t = new LuaTable();
                    t.rawset(SET, inner);
                    return t;
                }
                case '|': {
                    long n = number();
                    for (int i = 0; i < n; i++) {
                        parse(false);
                        parse(false);
                    }
                    return parse(build);
                }
                case '_':
                    pos = lineEnd() + 2;
                    return LuaValue.NIL;
                case '#': {
                    boolean v = b[pos + 1] == 't';
                    pos = lineEnd() + 2;
                    return LuaValue.valueOf(v);
                }
                case ',': {
                    String s = line();
                    double d = switch (s) {
                        case "inf" -> Double.POSITIVE_INFINITY;
                        case "-inf" -> Double.NEGATIVE_INFINITY;
                        case "nan", "-nan" -> Double.NaN;
                        default -> Double.parseDouble(s);
                    };
                    if (!build) {
                        return null;
                    }
                    LuaTable t = new LuaTable();
                    t.rawset(DOUBLE, LuaValue.valueOf(d));
                    return t;
                }
                case '(': {
                    int end = lineEnd();
                    LuaString s = LuaString.valueOf(java.util.Arrays.copyOfRange(b, pos + 1, end));
                    pos = end + 2;
                    if (!build) {
                        return null;
                    }
                    LuaTable t = new LuaTable();
                    t.rawset(BIG_NUMBER, s);
                    return t;
                }
                case '=': {
                    long n = number();
                    LuaString fmt = LuaString.valueOf(java.util.Arrays.copyOfRange(b, pos, pos + 3));
                    LuaString s = LuaString.valueOf(java.util.Arrays.copyOfRange(b, pos + 4, pos + (int) n));
                    pos += (int) n + 2;
                    if (!build) {
                        return null;
                    }
                    LuaTable inner = new LuaTable();
                    inner.rawset(STRING, s);
                    inner.rawset(FORMAT, fmt);
                    LuaTable t = new LuaTable();
                    t.rawset(VERBATIM, inner);
                    return t;
                }
                case '>': {
                    // Not a reply a command gives a script client; parsed as an array.
                    long n = number();
                    LuaTable t = build ? new LuaTable() : null;
                    for (int i = 1; i <= n; i++) {
                        LuaValue v = parse(build);
                        if (build) {
                            t.rawset(i, v);
                        }
                    }
                    return t;
                }
                default:
                    throw new IllegalStateException("unexpected reply type " + (char) type);
            }
        }
    }

    /**
     * luaPushErrorBuff: "-CODE msg" keeps its code, anything else gets "ERR "; a trailing CR/LF is trimmed. Returns
     * the {err=...} table.
     */
    static LuaTable errorTable(String error) {
        String code;
        String msg;
        if (error.startsWith("-")) {
            int sp = error.indexOf(' ');
            if (sp < 0) {
                code = "ERR";
                msg = error.substring(1);
            } else {
                code = error.substring(1, sp);
                msg = error.substring(sp + 1);
            }
        } else {
            code = "ERR";
            msg = error;
        }
        msg = trim(msg);
        LuaTable t = new LuaTable();
        t.rawset(ERR, LuaValue.valueOf(code + " " + msg));
        return t;
    }

    /** sdstrim(s, "\r\n"): strips CR and LF from both ends. */
    private static String trim(String s) {
        int a = 0;
        int z = s.length();
        while (a < z && (s.charAt(a) == '\r' || s.charAt(a) == '\n')) {
            a++;
        }
        while (z > a && (s.charAt(z - 1) == '\r' || s.charAt(z - 1) == '\n')) {
            z--;
        }
        return s.substring(a, z);
    }

    // ---- Lua -> Redis reply ----

    /** What the caller's reply became: an error reply's text (for the error stats), or null. */
    interface ErrorSink {
        void error(String message, boolean countInStats);
    }

    /**
     * luaReplyToRedisReply. {@code scriptResp} is the protocol the script selected with redis.setresp (booleans
     * depend on it); the writer is the caller's, in the caller's protocol.
     */
    static void toReply(LuaValue v, RespWriter w, int scriptResp, ErrorSink errors) {
        switch (v.type()) {
            case LuaValue.TSTRING -> {
                LuaString s = v.checkstring();
                w.bulk(s.m_bytes, s.m_offset, s.m_length);
            }
            case LuaValue.TBOOLEAN -> {
                if (scriptResp == 2) {
                    if (v.toboolean()) {
                        w.integer(1);
                    } else {
                        w.nullBulk();
                    }
                } else {
                    w.bool(v.toboolean());
                }
            }
            case LuaValue.TNUMBER -> w.integer(toLongLong(v.todouble()));
            case LuaValue.TTABLE -> tableToReply((LuaTable) v, w, scriptResp, errors);
            default -> w.nullBulk();
        }
    }

    /** C's (long long) cast of a double on x86-64: truncation, and the "integer indefinite" value when out of range. */
    static long toLongLong(double d) {
        if (Double.isNaN(d) || d >= 9.223372036854775807E18 || d < -9.223372036854775808E18) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    private static void tableToReply(LuaTable t, RespWriter w, int scriptResp, ErrorSink errors) {
        LuaValue err = t.rawget(ERR);
        if (err.type() == LuaValue.TSTRING) {
            String msg = err.tojstring();
            boolean ignore = t.rawget(IGNORE_STATS).type() == LuaValue.TBOOLEAN && t.rawget(IGNORE_STATS).toboolean();
            String reply = msg;
            w.error(reply);
            errors.error(reply, !ignore);
            return;
        }
        LuaValue ok = t.rawget(OK);
        if (ok.type() == LuaValue.TSTRING) {
            String s = ok.tojstring().replace('\r', ' ').replace('\n', ' ');
            w.simple(s);
            return;
        }
        LuaValue dbl = t.rawget(DOUBLE);
        if (dbl.type() == LuaValue.TNUMBER) {
            w.doubleValue(dbl.todouble());
            return;
        }
        LuaValue big = t.rawget(BIG_NUMBER);
        if (big.type() == LuaValue.TSTRING) {
            String s = big.tojstring().replace('\r', ' ').replace('\n', ' ');
            if (w.resp3()) {
                w.raw(("(" + s + "\r\n").getBytes(StandardCharsets.UTF_8));
            } else {
                w.bulk(s);
            }
            return;
        }
        LuaValue verb = t.rawget(VERBATIM);
        if (verb.type() == LuaValue.TTABLE) {
            LuaValue fmt = verb.rawget(FORMAT);
            if (fmt.type() == LuaValue.TSTRING) {
                LuaValue str = verb.rawget(STRING);
                if (str.type() == LuaValue.TSTRING) {
                    LuaString s = str.checkstring();
                    if (w.resp3()) {
                        byte[] f = fmt.checkstring().m_length >= 3 ? java.util.Arrays.copyOfRange(
                                fmt.checkstring().m_bytes, fmt.checkstring().m_offset, fmt.checkstring().m_offset + 3)
                                : padFormat(fmt.checkstring());
                        w.raw(("=" + (s.m_length + 4) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        w.raw(f);
                        w.raw(new byte[] {':'});
                        w.write(s.m_bytes, s.m_offset, s.m_length);
                        w.raw(new byte[] {'\r', '\n'});
                    } else {
                        w.bulk(s.m_bytes, s.m_offset, s.m_length);
                    }
                    return;
                }
            }
        }
        LuaValue map = t.rawget(MAP);
        if (map.type() == LuaValue.TTABLE) {
            LuaTable m = (LuaTable) map;
            int n = 0;
            for (LuaValue k = m.next(LuaValue.NIL).arg1(); !k.isnil(); k = m.next(k).arg1()) {
                n++;
            }
            w.map(n);
            LuaValue k = LuaValue.NIL;
            while (true) {
                var e = m.next(k);
                k = e.arg1();
                if (k.isnil()) {
                    break;
                }
                toReply(k, w, scriptResp, errors);
                toReply(e.arg(2), w, scriptResp, errors);
            }
            return;
        }
        LuaValue set = t.rawget(SET);
        if (set.type() == LuaValue.TTABLE) {
            LuaTable m = (LuaTable) set;
            int n = 0;
            for (LuaValue k = m.next(LuaValue.NIL).arg1(); !k.isnil(); k = m.next(k).arg1()) {
                n++;
            }
            w.set(n);
            for (LuaValue k = m.next(LuaValue.NIL).arg1(); !k.isnil(); k = m.next(k).arg1()) {
                toReply(k, w, scriptResp, errors);
            }
            return;
        }
        int n = 0;
        while (!t.rawget(n + 1).isnil()) {
            n++;
        }
        w.array(n);
        for (int i = 1; i <= n; i++) {
            toReply(t.rawget(i), w, scriptResp, errors);
        }
    }

    private static byte[] padFormat(LuaString f) {
        byte[] out = new byte[3];
        System.arraycopy(f.m_bytes, f.m_offset, out, 0, f.m_length);
        return out;
    }
}
