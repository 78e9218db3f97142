package dev.chorus.node.command;

import static dev.chorus.node.command.CommandContext.bytes;

import dev.chorus.node.command.meta.KeysProc;
import dev.chorus.node.config.Directives;
import dev.chorus.node.resp.LongDouble;
import dev.chorus.node.store.Database;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The string family (t_string.c): SET and its relatives, counters, ranges, multi-key MGET/MSET. */
public final class StringCommands implements CommandFamily {
    private static final byte[] SET = bytes("SET");
    private static final byte[] PXAT = bytes("PXAT");
    private static final byte[] KEEPTTL = bytes("KEEPTTL");
    private static final byte[] PEXPIREAT = bytes("PEXPIREAT");
    private static final byte[] PERSIST = bytes("PERSIST");
    private static final byte[] DEL = bytes("DEL");

    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(
                CommandSpec.of("get", 2, "readonly fast", StringCommands::get),
                CommandSpec.of("set", -3, "write denyoom", StringCommands::set).getKeys(KeysProc.SET),
                CommandSpec.of("setnx", 3, "write denyoom fast", StringCommands::setnx),
                CommandSpec.of("setex", 4, "write denyoom", ctx -> setWithExpire(ctx, 1000, "setex")),
                CommandSpec.of("psetex", 4, "write denyoom", ctx -> setWithExpire(ctx, 1, "psetex")),
                CommandSpec.of("getset", 3, "write denyoom fast", StringCommands::getset),
                CommandSpec.of("getex", -2, "write fast", StringCommands::getex),
                CommandSpec.of("getdel", 2, "write fast", StringCommands::getdel),
                CommandSpec.of("mget", -2, "readonly fast", StringCommands::mget),
                CommandSpec.of("mset", -3, "write denyoom", StringCommands::mset),
                CommandSpec.of("msetnx", -3, "write denyoom", StringCommands::msetnx),
                CommandSpec.of("incr", 2, "write denyoom fast", ctx -> incrBy(ctx, 1)),
                CommandSpec.of("decr", 2, "write denyoom fast", ctx -> incrBy(ctx, -1)),
                CommandSpec.of("incrby", 3, "write denyoom fast", ctx -> incrBy(ctx, ctx.longArg(2))),
                CommandSpec.of("decrby", 3, "write denyoom fast", StringCommands::decrby),
                CommandSpec.of("incrbyfloat", 3, "write denyoom fast", StringCommands::incrbyfloat),
                CommandSpec.of("append", 3, "write denyoom fast", StringCommands::append),
                CommandSpec.of("strlen", 2, "readonly fast",
                        ctx -> {
                            byte[] v = string(ctx, ctx.arg(1));
                            ctx.reply().integer(v == null ? 0 : v.length);
                        }),
                CommandSpec.of("setrange", 4, "write denyoom", StringCommands::setrange),
                CommandSpec.of("getrange", 4, "readonly", StringCommands::getrange),
                CommandSpec.of("substr", 4, "readonly", StringCommands::getrange),
                CommandSpec.of("lcs", -3, "readonly", Lcs::lcs));
    }

    /** The string at {@code key}, null when absent; WRONGTYPE for other types. */
    public static byte[] string(CommandContext ctx, byte[] key) {
        KeyEntry e = ctx.entry(key, ValueType.STRING);
        return e == null ? null : (byte[]) e.value();
    }

    static void get(CommandContext ctx) {
        ctx.reply().bulk(string(ctx, ctx.arg(1)));
    }

    static void set(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        byte[] value = ctx.arg(2);
        boolean nx = false;
        boolean xx = false;
        boolean get = false;
        boolean keepTtl = false;
        String unit = null;
        long expire = 0;
        for (int i = 3; i < ctx.argc(); i++) {
            String opt = ctx.option(i);
            boolean hasNext = i + 1 < ctx.argc();
            switch (opt) {
                case "nx" -> {
                    if (xx) {
                        throw Errors.syntax();
                    }
                    nx = true;
                }
                case "xx" -> {
                    if (nx) {
                        throw Errors.syntax();
                    }
                    xx = true;
                }
                case "get" -> get = true;
                case "keepttl" -> {
                    if (unit != null) {
                        throw Errors.syntax();
                    }
                    keepTtl = true;
                }
                case "ex", "px", "exat", "pxat" -> {
                    if (unit != null || keepTtl || !hasNext) {
                        throw Errors.syntax();
                    }
                    unit = opt;
                    expire = ctx.longArg(++i);
                }
                default -> throw Errors.syntax();
            }
        }
        long expireAt = 0;
        if (unit != null) {
            expireAt = absoluteExpire(ctx, expire, unit, "set");
        }
        Database db = ctx.db();
        KeyEntry existing = db.lookup(key);
        if (get && existing == null) {
            ctx.keyMiss(key); // SET ... GET reads the old value first
        }
        if (get && existing != null && existing.type() != ValueType.STRING) {
            throw Errors.wrongType();
        }
        byte[] old = existing == null || !get ? null : (byte[]) existing.value(); // SET overwrites any type
        if (get) {
            ctx.reply().bulk(old); // SET ... GET replies before it sets (and before the events)
        }
        if ((nx && existing != null) || (xx && existing == null)) {
            if (!get) {
                ctx.reply().nullBulk();
            }
            return;
        }
        if (keepTtl) {
            db.setKeepTtl(key, value);
        } else {
            db.set(key, value, expireAt);
        }
        ctx.dirty();
        ctx.notifyKeyspaceEvent(KeyspaceEvents.STRING, "set", key);
        if (unit != null) {
            ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "expire", key);
        }
        if (!get) {
            ctx.reply().ok();
        }
        if (unit != null) { // always as SET key value PXAT <ms>, as Redis rewrites it (also a given pxat)
            ctx.propagate(SET, key, value, PXAT, bytes(expireAt));
        } else if (get) {
            byte[][] argv = Arrays.stream(ctx.argv()).filter(a -> !new String(a).equalsIgnoreCase("get"))
                    .toArray(byte[][]::new);
            ctx.propagate(argv);
        }
    }

    /**
     * Validates an expiry argument as Redis' getExpireMillisecondsOrReply does and returns it as absolute Unix
     * milliseconds.
     */
    static long absoluteExpire(CommandContext ctx, long value, String unit, String command) {
        String invalid = "ERR invalid expire time in '" + command + "' command";
        boolean seconds = unit.equals("ex") || unit.equals("exat");
        if (value <= 0 || (seconds && value > Long.MAX_VALUE / 1000)) {
            throw new CommandError(invalid);
        }
        long ms = seconds ? value * 1000 : value;
        if (unit.equals("ex") || unit.equals("px")) {
            if (ms > Long.MAX_VALUE - ctx.now()) {
                throw new CommandError(invalid);
            }
            ms += ctx.now();
        }
        return ms;
    }

    static void setnx(CommandContext ctx) {
        Database db = ctx.db();
        if (db.lookup(ctx.arg(1)) != null) {
            ctx.reply().integer(0);
            return;
        }
        db.set(ctx.arg(1), ctx.arg(2), 0);
        ctx.dirty();
        ctx.notifyKeyspaceEvent(KeyspaceEvents.STRING, "set", ctx.arg(1));
        ctx.reply().integer(1);
    }

    static void setWithExpire(CommandContext ctx, long unitMillis, String name) {
        long t = ctx.longArg(2);
        long at = absoluteExpire(ctx, t, unitMillis == 1000 ? "ex" : "px", name);
        ctx.db().set(ctx.arg(1), ctx.arg(3), at);
        ctx.dirty();
        ctx.notifyKeyspaceEvent(KeyspaceEvents.STRING, "set", ctx.arg(1));
        ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "expire", ctx.arg(1));
        ctx.reply().ok();
        ctx.propagate(SET, ctx.arg(1), ctx.arg(3), PXAT, bytes(at));
    }

    static void getset(CommandContext ctx) {
        byte[] old = string(ctx, ctx.arg(1));
        ctx.reply().bulk(old);
        ctx.db().set(ctx.arg(1), ctx.arg(2), 0);
        ctx.notifyKeyspaceEvent(KeyspaceEvents.STRING, "set", ctx.arg(1));
        ctx.dirty();
    }

    static void getex(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        String unit = null;
        boolean persist = false;
        long value = 0;
        for (int i = 2; i < ctx.argc(); i++) {
            String opt = ctx.option(i);
            switch (opt) {
                case "persist" -> {
                    if (unit != null) {
                        throw Errors.syntax();
                    }
                    persist = true;
                }
                case "ex", "px", "exat", "pxat" -> {
                    if (unit != null || persist || i + 1 >= ctx.argc()) {
                        throw Errors.syntax();
                    }
                    unit = opt;
                    value = ctx.longArg(++i);
                }
                default -> throw Errors.syntax();
            }
        }
        long at = unit == null ? 0 : absoluteExpire(ctx, value, unit, "getex");
        KeyEntry e = ctx.entry(key, ValueType.STRING);
        if (e == null) {
            ctx.reply().nullBulk();
            return;
        }
        ctx.reply().bulk((byte[]) e.value());
        boolean onReplica = ctx.server().isReplica() || ctx.client().isMaster();
        if ((unit != null && (unit.equals("exat") || unit.equals("pxat"))) && at <= ctx.now() && !onReplica) {
            // Redis' getexCommand: an EXAT/PXAT already in the past deletes the key, propagated as DEL.
            ctx.db().delete(key);
            ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key);
            ctx.dirty();
            ctx.propagate(DEL, key);
        } else if (unit != null) {
            ctx.db().setExpire(e, at);
            ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "expire", key);
            ctx.dirty();
            ctx.propagate(PEXPIREAT, key, bytes(at));
        } else if (persist && ctx.db().persist(e)) {
            ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "persist", key);
            ctx.dirty();
            ctx.propagate(PERSIST, key);
        } else {
            ctx.suppressPropagation();
        }
    }

    static void getdel(CommandContext ctx) {
        byte[] v = string(ctx, ctx.arg(1));
        ctx.reply().bulk(v);
        if (v != null) {
            ctx.db().delete(ctx.arg(1));
            ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", ctx.arg(1));
            ctx.dirty();
            ctx.propagate(DEL, ctx.arg(1));
        }
    }

    static void mget(CommandContext ctx) {
        ctx.reply().array(ctx.argc() - 1);
        Database db = ctx.db();
        for (int i = 1; i < ctx.argc(); i++) {
            KeyEntry e = db.lookup(ctx.arg(i));
            if (e == null) {
                ctx.keyMiss(ctx.arg(i));
            }
            ctx.reply().bulk(e != null && e.value() instanceof byte[] b ? b : null);
        }
    }

    static void mset(CommandContext ctx) {
        if (ctx.argc() % 2 == 0) {
            throw Errors.arity("mset");
        }
        for (int i = 1; i < ctx.argc(); i += 2) {
            ctx.db().set(ctx.arg(i), ctx.arg(i + 1), 0);
            ctx.notifyKeyspaceEvent(KeyspaceEvents.STRING, "set", ctx.arg(i));
        }
        ctx.dirty(ctx.argc() / 2);
        ctx.reply().ok();
    }

    static void msetnx(CommandContext ctx) {
        if (ctx.argc() % 2 == 0) {
            throw Errors.arity("msetnx");
        }
        for (int i = 1; i < ctx.argc(); i += 2) {
            if (ctx.db().lookup(ctx.arg(i)) != null) {
                ctx.reply().integer(0);
                return;
            }
        }
        for (int i = 1; i < ctx.argc(); i += 2) {
            ctx.db().set(ctx.arg(i), ctx.arg(i + 1), 0);
            ctx.notifyKeyspaceEvent(KeyspaceEvents.STRING, "set", ctx.arg(i));
        }
        ctx.dirty(ctx.argc() / 2);
        ctx.reply().integer(1);
    }

    static void decrby(CommandContext ctx) {
        long by = ctx.longArg(2);
        if (by == Long.MIN_VALUE) {
            throw new CommandError("ERR decrement would overflow");
        }
        incrBy(ctx, -by);
    }

    static void incrBy(CommandContext ctx, long by) {
        byte[] key = ctx.arg(1);
        Database db = ctx.db();
        KeyEntry e = ctx.entry(key, ValueType.STRING);
        long value = 0;
        if (e != null) {
            value = CommandContext.parseLong((byte[]) e.value(), Errors.NOT_INTEGER);
        }
        long old = value;
        if ((by < 0 && value < 0 && by < Long.MIN_VALUE - value) || (by > 0 && value > 0 && by > Long.MAX_VALUE - value)) {
            throw new CommandError(Errors.OVERFLOW);
        }
        value += by;
        if (e == null) {
            db.set(key, bytes(value), 0);
        } else {
            // Redis changes an int-encoded object that is not shared in place when the result is not a shared
            // integer either: DEBUG OBJECT shows the same address.
            // (The old value parsed as a long, so it is int-encoded unless its writer fixed another encoding.)
            boolean inPlace = (value < 0 || value >= KeyspaceCommands.SHARED_INTEGERS) && e.fixedEncoding() == 0
                    && (old < 0 || old >= KeyspaceCommands.SHARED_INTEGERS || KeyspaceCommands.refcount(ctx, e) == 1);
            long address = inPlace ? e.objectAddress() : 0;
            db.replaceValue(e, bytes(value)); // the entry from the lookup above: no second dict lookup
            if (inPlace) {
                e.keepAddress(address);
            }
        }
        ctx.dirty();
        ctx.notifyKeyspaceEvent(KeyspaceEvents.STRING, "incrby", key);
        ctx.reply().integer(value);
    }

    /** Long double arithmetic like Redis; replicated as SET ... KEEPTTL with the result so replicas never redo it. */
    static void incrbyfloat(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        LongDouble by = LongDouble.parse(ctx.arg(2));
        if (by == null) {
            throw new CommandError(Errors.NOT_FLOAT);
        }
        byte[] cur = string(ctx, key);
        LongDouble current = cur == null ? LongDouble.ZERO : LongDouble.parse(cur);
        if (current == null) {
            throw new CommandError(Errors.NOT_FLOAT);
        }
        LongDouble sum = current.add(by);
        if (sum == null || sum.isInfinite()) {
            throw new CommandError("ERR increment would produce NaN or Infinity");
        }
        byte[] result = bytes(sum.toHumanString());
        // createStringObjectFromLongDouble: embstr (raw when long), never int-encoded like INCR's results.
        ctx.db().setKeepTtl(key, result).fixEncoding(KeyEntry.NOT_INT);
        ctx.dirty();
        ctx.notifyKeyspaceEvent(KeyspaceEvents.STRING, "incrbyfloat", key);
        ctx.reply().bulk(result);
        ctx.propagate(SET, key, result, KEEPTTL);
    }

    static void append(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        byte[] cur = string(ctx, key);
        byte[] add = ctx.arg(2);
        long total = (cur == null ? 0L : cur.length) + add.length;
        checkStringLength(ctx, cur == null ? 0L : cur.length, add.length);
        byte[] next;
        if (cur == null) {
            next = add;
        } else {
            next = Arrays.copyOf(cur, (int) total);
            System.arraycopy(add, 0, next, cur.length, add.length);
        }
        // Appending to an existing value unshares it into a raw sds; a new key is encoded by content (tryObjectEncoding).
        ctx.db().setKeepTtl(key, next).fixEncoding(cur == null ? 0 : KeyEntry.RAW);
        ctx.dirty();
        ctx.notifyKeyspaceEvent(KeyspaceEvents.STRING, "append", key);
        ctx.reply().integer(next.length);
    }

    /**
     * Redis' checkStringLength(c, size, append): the sum may not overflow nor pass proto-max-bulk-len (the master's
     * stream is obeyed whatever this replica's limit); nor, here, the largest Java array.
     */
    static void checkStringLength(CommandContext ctx, long size, long append) {
        long total = size + append;
        boolean obey = ctx.client() != null && ctx.client().isMaster();
        if (total < size || total < append || total > Integer.MAX_VALUE - 16
                || !obey && total > ctx.server().config().getLong(Directives.PROTO_MAX_BULK_LEN)) {
            throw new CommandError("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        }
    }

    static void setrange(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        long offset = ctx.longArg(2);
        byte[] patch = ctx.arg(3);
        if (offset < 0) {
            throw new CommandError("ERR offset is out of range");
        }
        byte[] cur = string(ctx, key);
        if (cur == null) {
            if (patch.length == 0) {
                ctx.reply().integer(0);
                return;
            }
            checkStringLength(ctx, offset, patch.length);
            byte[] next = new byte[(int) (offset + patch.length)];
            System.arraycopy(patch, 0, next, (int) offset, patch.length);
            ctx.db().set(key, next, 0).fixEncoding(KeyEntry.RAW);
            ctx.dirty();
            ctx.notifyKeyspaceEvent(KeyspaceEvents.STRING, "setrange", key);
            ctx.reply().integer(next.length);
            return;
        }
        if (patch.length == 0) {
            ctx.reply().integer(cur.length);
            return;
        }
        checkStringLength(ctx, offset, patch.length);
        byte[] next = Arrays.copyOf(cur, (int) Math.max(cur.length, offset + patch.length));
        System.arraycopy(patch, 0, next, (int) offset, patch.length);
        ctx.db().setKeepTtl(key, next).fixEncoding(KeyEntry.RAW); // dbUnshareStringValue: a raw sds
        ctx.dirty();
        ctx.notifyKeyspaceEvent(KeyspaceEvents.STRING, "setrange", key);
        ctx.reply().integer(next.length);
    }

    static void getrange(CommandContext ctx) {
        long start = ctx.longArg(2);
        long end = ctx.longArg(3);
        byte[] v = string(ctx, ctx.arg(1));
        if (v == null) {
            ctx.reply().bulk(new byte[0]);
            return;
        }
        long len = v.length;
        if (start < 0 && end < 0 && start > end) {
            ctx.reply().bulk(new byte[0]);
            return;
        }
        if (start < 0) {
            start = len + start;
        }
        if (end < 0) {
            end = len + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (end < 0) {
            end = 0;
        }
        if (end >= len) {
            end = len - 1;
        }
        if (start > end || len == 0) {
            ctx.reply().bulk(new byte[0]);
            return;
        }
        ctx.reply().bulk(v, (int) start, (int) (end - start + 1));
    }

    /** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN], as t_string.c's lcsCommand computes and replies. */
    static final class Lcs {
        /** A run of matching bytes: [aStart, aEnd] in the first string, [bStart, bEnd] in the second. */
        private record Match(int aStart, int aEnd, int bStart, int bEnd) {
        }

        private Lcs() {
        }

        static void lcs(CommandContext ctx) {
            KeyEntry ea = ctx.db().lookup(ctx.arg(1));
            if (ea == null) {
                ctx.keyMiss(ctx.arg(1));
            }
            KeyEntry eb = ctx.db().lookup(ctx.arg(2));
            if (eb == null) {
                ctx.keyMiss(ctx.arg(2));
            }
            if ((ea != null && ea.type() != ValueType.STRING) || (eb != null && eb.type() != ValueType.STRING)) {
                throw new CommandError("ERR The specified keys must contain string values");
            }
            byte[] a = ea == null ? new byte[0] : (byte[]) ea.value();
            byte[] b = eb == null ? new byte[0] : (byte[]) eb.value();
            boolean getLen = false;
            boolean getIdx = false;
            boolean withMatchLen = false;
            long minMatchLen = 0;
            for (int j = 3; j < ctx.argc(); j++) {
                String opt = ctx.option(j);
                boolean more = j + 1 < ctx.argc();
                if (opt.equals("idx")) {
                    getIdx = true;
                } else if (opt.equals("len")) {
                    getLen = true;
                } else if (opt.equals("withmatchlen")) {
                    withMatchLen = true;
                } else if (opt.equals("minmatchlen") && more) {
                    minMatchLen = Math.max(0, ctx.longArg(++j));
                } else {
                    throw Errors.syntax();
                }
            }
            if (getLen && getIdx) {
                throw new CommandError("ERR If you want both the length and indexes, please just use IDX.");
            }
            int[] table = table(ctx, a, b);
            int cols = b.length + 1;
            int total = table[a.length * cols + b.length];
            if (getLen) {
                ctx.reply().integer(total);
                return;
            }
            // Walk back from the end of both strings, collecting the LCS and its contiguous matching runs.
            byte[] result = new byte[total];
            List<Match> matches = new ArrayList<>();
            int idx = total;
            int i = a.length;
            int j = b.length;
            int aStart = -1;
            int aEnd = 0;
            int bStart = 0;
            int bEnd = 0;
            while (i > 0 && j > 0) {
                boolean emit = false;
                if (a[i - 1] == b[j - 1]) {
                    result[--idx] = a[i - 1];
                    if (aStart < 0) {
                        aStart = aEnd = i - 1;
                        bStart = bEnd = j - 1;
                    } else if (aStart == i && bStart == j) {
                        aStart--;
                        bStart--;
                    } else {
                        emit = true;
                    }
                    if (aStart == 0 || bStart == 0) {
                        emit = true;
                    }
                    i--;
                    j--;
                } else {
                    if (table[(i - 1) * cols + j] > table[i * cols + j - 1]) {
                        i--;
                    } else {
                        j--;
                    }
                    if (aStart >= 0) {
                        emit = true;
                    }
                }
                if (emit) {
                    if (minMatchLen == 0 || aEnd - aStart + 1 >= minMatchLen) {
                        matches.add(new Match(aStart, aEnd, bStart, bEnd));
                    }
                    aStart = -1;
                }
            }
            if (!getIdx) {
                ctx.reply().bulk(result);
                return;
            }
            ctx.reply().map(2).bulk("matches").array(matches.size());
            for (Match m : matches) {
                ctx.reply().array(withMatchLen ? 3 : 2);
                ctx.reply().array(2).integer(m.aStart()).integer(m.aEnd());
                ctx.reply().array(2).integer(m.bStart()).integer(m.bEnd());
                if (withMatchLen) {
                    ctx.reply().integer(m.aEnd() - m.aStart() + 1);
                }
            }
            ctx.reply().bulk("len").integer(total);
        }

        /** The dynamic-programming table: LCS length of a[0..i) and b[0..j) at [i * (b.length + 1) + j]. */
        private static int[] table(CommandContext ctx, byte[] a, byte[] b) {
            long cells = (a.length + 1L) * (b.length + 1L);
            if (cells * Integer.BYTES > ctx.server().config().getLong(Directives.PROTO_MAX_BULK_LEN)) {
                throw new CommandError(
                        "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
            }
            int[] t;
            try {
                t = cells > Integer.MAX_VALUE - 16 ? null : new int[(int) cells];
            } catch (OutOfMemoryError e) {
                t = null;
            }
            if (t == null) {
                throw new CommandError("ERR Insufficient memory, failed allocating transient memory for LCS");
            }
            int cols = b.length + 1;
            for (int i = 1; i <= a.length; i++) {
                for (int j = 1; j <= b.length; j++) {
                    t[i * cols + j] = a[i - 1] == b[j - 1] ? t[(i - 1) * cols + j - 1] + 1
                            : Math.max(t[(i - 1) * cols + j], t[i * cols + j - 1]);
                }
            }
            return t;
        }
    }
}
