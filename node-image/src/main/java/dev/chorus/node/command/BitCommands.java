package dev.chorus.node.command;

import dev.chorus.node.command.Bitfields.Checked;
import dev.chorus.node.command.Bitfields.Overflow;
import dev.chorus.node.command.meta.KeysProc;
import dev.chorus.node.config.Directives;
import dev.chorus.node.store.Database;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bitmap commands (bitops.c): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO. Strings are
 * immutable byte arrays here, so every write builds a new array. Argument checks happen in the same order as in
 * Redis 7.0, which decides which error (or early reply) a malformed command gets.
 */
public final class BitCommands implements CommandFamily {
    private static final String BIT_OFFSET_ERROR = "ERR bit offset is not an integer or out of range";
    private static final String BIT_VALUE_ERROR = "ERR bit is not an integer or out of range";
    private static final String BITFIELD_TYPE_ERROR =
            "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
    /** Java arrays cannot be larger than this, whatever proto-max-bulk-len allows. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 16;

    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(
                CommandSpec.of("setbit", 4, "write denyoom", BitCommands::setbit),
                CommandSpec.of("getbit", 3, "readonly fast", BitCommands::getbit),
                CommandSpec.of("bitcount", -2, "readonly", BitCommands::bitcount),
                CommandSpec.of("bitpos", -3, "readonly", BitCommands::bitpos),
                CommandSpec.of("bitop", -4, "write denyoom", BitCommands::bitop),
                CommandSpec.of("bitfield", -2, "write denyoom", ctx -> bitfield(ctx, false)).getKeys(KeysProc.BITFIELD),
                CommandSpec.of("bitfield_ro", -2, "readonly fast", ctx -> bitfield(ctx, true)));
    }

    // ---- SETBIT / GETBIT ----

    static void setbit(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        long offset = bitOffset(ctx, ctx.arg(2), false, 0);
        long on = ctx.longArg(3, BIT_VALUE_ERROR);
        if ((on & ~1L) != 0) {
            throw new CommandError(BIT_VALUE_ERROR);
        }
        byte[] cur = StringCommands.string(ctx, key);
        int byteIndex = (int) (offset >>> 3);
        int bit = 7 - (int) (offset & 7);
        int old = cur != null && byteIndex < cur.length ? (cur[byteIndex] >> bit) & 1 : 0;
        boolean grows = cur == null || byteIndex >= cur.length;
        if (grows || old != on) {
            byte[] next = grown(cur, byteIndex + 1L);
            next[byteIndex] = (byte) ((next[byteIndex] & ~(1 << bit)) | ((int) on << bit));
            store(ctx.db(), key, cur, next);
            ctx.notifyKeyspaceEvent(KeyspaceEvents.STRING, "setbit", key);
            ctx.dirty();
        } else {
            unshared(ctx.db(), key);
        }
        ctx.reply().integer(old);
    }

    static void getbit(CommandContext ctx) {
        long offset = bitOffset(ctx, ctx.arg(2), false, 0);
        byte[] v = StringCommands.string(ctx, ctx.arg(1));
        long byteIndex = offset >>> 3;
        int bit = 7 - (int) (offset & 7);
        ctx.reply().integer(v != null && byteIndex < v.length ? (v[(int) byteIndex] >> bit) & 1 : 0);
    }

    /**
     * getBitOffsetFromArgument: a non-negative bit offset whose byte lies below proto-max-bulk-len; with
     * {@code hash}, "#n" means n times the field width (BITFIELD).
     */
    private static long bitOffset(CommandContext ctx, byte[] arg, boolean hash, int bits) {
        boolean useHash = hash && bits > 0 && arg.length > 0 && arg[0] == '#';
        Long parsed = CommandContext.parseLongOrNull(useHash ? Arrays.copyOfRange(arg, 1, arg.length) : arg);
        if (parsed == null) {
            throw new CommandError(BIT_OFFSET_ERROR);
        }
        long offset = useHash ? parsed * bits : parsed; // wraps like the C multiplication does
        if (offset < 0 || (offset >> 3) >= ctx.server().config().getLong(Directives.PROTO_MAX_BULK_LEN)
                || (offset >> 3) >= MAX_ARRAY - 8) {
            throw new CommandError(BIT_OFFSET_ERROR);
        }
        return offset;
    }

    /** A zero-padded copy of {@code cur} at least {@code size} bytes long (Redis' sdsgrowzero). */
    private static byte[] grown(byte[] cur, long size) {
        if (cur == null) {
            return new byte[(int) size];
        }
        return Arrays.copyOf(cur, (int) Math.max(cur.length, size));
    }

    private static void store(Database db, byte[] key, byte[] cur, byte[] next) {
        if (cur == null) {
            db.set(key, next, 0).fixEncoding(KeyEntry.RAW);
        } else {
            db.setKeepTtl(key, next).fixEncoding(KeyEntry.RAW);
        }
    }

    /**
     * lookupStringForBitCommand unshares an existing string before writing bits (dbUnshareStringValue): it is raw
     * afterwards even when no bit changed.
     */
    private static void unshared(Database db, byte[] key) {
        KeyEntry e = db.peek(key);
        if (e != null) {
            e.fixEncoding(KeyEntry.RAW);
        }
    }

    // ---- BITCOUNT / BITPOS ----

    /** BITCOUNT key [start end [BYTE|BIT]]. Redis 7.0 looks the key up before it parses the range. */
    static void bitcount(CommandContext ctx) {
        byte[] v = StringCommands.string(ctx, ctx.arg(1));
        if (v == null) {
            ctx.reply().integer(0);
            return;
        }
        long startBit;
        long endBit;
        if (ctx.argc() == 4 || ctx.argc() == 5) {
            long start = ctx.longArg(2);
            long end = ctx.longArg(3);
            if (start < 0 && end < 0 && start > end) {
                ctx.reply().integer(0);
                return;
            }
            boolean isBit = ctx.argc() == 5 && bitUnit(ctx, 4);
            long total = isBit ? (long) v.length << 3 : v.length;
            long[] range = clampRange(start, end, total);
            if (range[0] > range[1]) {
                ctx.reply().integer(0);
                return;
            }
            startBit = isBit ? range[0] : range[0] << 3;
            endBit = isBit ? range[1] : (range[1] << 3) + 7;
        } else if (ctx.argc() == 2) {
            startBit = 0;
            endBit = ((long) v.length << 3) - 1;
        } else {
            throw Errors.syntax();
        }
        ctx.reply().integer(countBits(v, startBit, endBit));
    }

    /** BITPOS key bit [start [end [BYTE|BIT]]]. The bit is checked first, then the key, then the range. */
    static void bitpos(CommandContext ctx) {
        long bit = ctx.longArg(2);
        if (bit != 0 && bit != 1) {
            throw new CommandError("ERR The bit argument must be 1 or 0.");
        }
        byte[] v = StringCommands.string(ctx, ctx.arg(1));
        if (v == null) {
            ctx.reply().integer(bit == 1 ? -1 : 0);
            return;
        }
        boolean endGiven = false;
        boolean isBit = false;
        long start = 0;
        long end = v.length - 1L;
        if (ctx.argc() >= 4 && ctx.argc() <= 6) {
            start = ctx.longArg(3);
            if (ctx.argc() == 6) {
                isBit = bitUnit(ctx, 5);
            }
            if (ctx.argc() >= 5) {
                end = ctx.longArg(4);
                endGiven = true;
            }
            long total = isBit ? (long) v.length << 3 : v.length;
            long[] range = clampRange(start, end, total);
            start = range[0];
            end = range[1];
        } else if (ctx.argc() != 3) {
            throw Errors.syntax();
        }
        if (start > end) {
            ctx.reply().integer(-1);
            return;
        }
        long firstBit = isBit ? start : start << 3;
        long lastBit = isBit ? end : (end << 3) + 7;
        long found = findBit(v, firstBit, lastBit, (int) bit);
        if (found < 0 && bit == 0 && !endGiven) {
            found = lastBit + 1; // without an explicit end the string counts as zero-padded on the right
        }
        ctx.reply().integer(found);
    }

    private static boolean bitUnit(CommandContext ctx, int i) {
        return switch (ctx.option(i)) {
            case "bit" -> true;
            case "byte" -> false;
            default -> throw Errors.syntax();
        };
    }

    /** Negative indexes count from the end; the result is clamped to [0, total - 1] (and may be empty). */
    private static long[] clampRange(long start, long end, long total) {
        if (start < 0) {
            start = total + start;
        }
        if (end < 0) {
            end = total + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (end < 0) {
            end = 0;
        }
        if (end >= total) {
            end = total - 1;
        }
        return new long[] {start, end};
    }

    private static long countBits(byte[] v, long firstBit, long lastBit) {
        long count = 0;
        long bit = firstBit;
        while (bit <= lastBit && (bit & 7) != 0) {
            count += bitAt(v, bit++);
        }
        while (bit + 7 <= lastBit) {
            count += Integer.bitCount(v[(int) (bit >>> 3)] & 0xff);
            bit += 8;
        }
        while (bit <= lastBit) {
            count += bitAt(v, bit++);
        }
        return count;
    }

    /** The first position in [firstBit, lastBit] holding {@code bit}, or -1. */
    private static long findBit(byte[] v, long firstBit, long lastBit, int bit) {
        int skip = bit == 1 ? 0 : 0xff;
        long pos = firstBit;
        while (pos <= lastBit) {
            if ((pos & 7) == 0 && pos + 7 <= lastBit && (v[(int) (pos >>> 3)] & 0xff) == skip) {
                pos += 8;
                continue;
            }
            if (bitAt(v, pos) == bit) {
                return pos;
            }
            pos++;
        }
        return -1;
    }

    private static int bitAt(byte[] v, long bit) {
        return (v[(int) (bit >>> 3)] >> (7 - (int) (bit & 7))) & 1;
    }

    // ---- BITOP ----

    static void bitop(CommandContext ctx) {
        String op = ctx.option(1);
        if (!List.of("and", "or", "xor", "not").contains(op)) {
            throw Errors.syntax();
        }
        if (op.equals("not") && ctx.argc() != 4) {
            throw new CommandError("ERR BITOP NOT must be called with a single source key.");
        }
        byte[] dest = ctx.arg(2);
        int n = ctx.argc() - 3;
        byte[][] src = new byte[n][];
        int maxLen = 0;
        for (int i = 0; i < n; i++) {
            byte[] s = StringCommands.string(ctx, ctx.arg(3 + i));
            src[i] = s == null ? new byte[0] : s;
            maxLen = Math.max(maxLen, src[i].length);
        }
        Database db = ctx.db();
        if (maxLen > 0) {
            db.set(dest, combine(op, src, maxLen), 0).fixEncoding(KeyEntry.RAW); // createObject: a raw sds
            ctx.notifyKeyspaceEvent(KeyspaceEvents.STRING, "set", dest);
            ctx.dirty();
        } else if (db.delete(dest)) {
            ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", dest);
            ctx.dirty();
        }
        ctx.reply().integer(maxLen);
    }

    /** Applies the operation byte by byte; shorter sources are zero-padded. */
    private static byte[] combine(String op, byte[][] src, int maxLen) {
        byte[] res = new byte[maxLen];
        for (int j = 0; j < maxLen; j++) {
            int out = byteAt(src[0], j);
            if (op.equals("not")) {
                out = ~out;
            }
            for (int i = 1; i < src.length; i++) {
                int b = byteAt(src[i], j);
                switch (op) {
                    case "and" -> out &= b;
                    case "or" -> out |= b;
                    default -> out ^= b;
                }
            }
            res[j] = (byte) out;
        }
        return res;
    }

    private static int byteAt(byte[] s, int j) {
        return j < s.length ? s[j] & 0xff : 0;
    }

    // ---- BITFIELD / BITFIELD_RO ----

    private enum OpCode { GET, SET, INCRBY }

    private record FieldOp(OpCode code, boolean signed, int bits, long offset, long value, Overflow overflow) {
    }

    static void bitfield(CommandContext ctx, boolean readOnlyCommand) {
        List<FieldOp> ops = parseFieldOps(ctx);
        boolean writes = ops.stream().anyMatch(op -> op.code() != OpCode.GET);
        byte[] key = ctx.arg(1);
        if (!writes) {
            byte[] v = StringCommands.string(ctx, key);
            ctx.reply().array(ops.size());
            for (FieldOp op : ops) {
                replyGet(ctx, v == null ? new byte[0] : v, op);
            }
            return;
        }
        if (readOnlyCommand) {
            throw new CommandError("ERR BITFIELD_RO only supports the GET subcommand");
        }
        byte[] cur = StringCommands.string(ctx, key);
        long highestBit = ops.stream().filter(op -> op.code() != OpCode.GET)
                .mapToLong(op -> op.offset() + op.bits() - 1).max().orElse(0);
        long size = (highestBit >>> 3) + 1;
        boolean grows = cur == null || cur.length < size;
        byte[] buf = grown(cur, size);
        if (cur == null) {
            // Redis creates the key before it answers (and before any event): the "new" event comes first.
            store(ctx.db(), key, null, buf);
        }
        long changes = 0;
        ctx.reply().array(ops.size());
        for (FieldOp op : ops) {
            if (op.code() == OpCode.GET) {
                replyGet(ctx, buf, op);
            } else if (applyWrite(ctx, buf, op, grows)) {
                changes++;
            }
        }
        // Like Redis, a key created or padded by writes that all failed (OVERFLOW FAIL) is kept without counting
        // as a change, so it is not propagated either.
        if (grows || changes > 0) {
            store(ctx.db(), key, cur, buf);
        } else {
            unshared(ctx.db(), key);
        }
        if (changes > 0) {
            ctx.notifyKeyspaceEvent(KeyspaceEvents.STRING, "setbit", key);
        }
        ctx.dirty(changes);
    }

    private static List<FieldOp> parseFieldOps(CommandContext ctx) {
        List<FieldOp> ops = new ArrayList<>();
        Overflow overflow = Overflow.WRAP;
        for (int j = 2; j < ctx.argc(); j++) {
            int remaining = ctx.argc() - j - 1;
            String sub = ctx.option(j);
            OpCode code;
            if (sub.equals("get") && remaining >= 2) {
                code = OpCode.GET;
            } else if (sub.equals("set") && remaining >= 3) {
                code = OpCode.SET;
            } else if (sub.equals("incrby") && remaining >= 3) {
                code = OpCode.INCRBY;
            } else if (sub.equals("overflow") && remaining >= 1) {
                overflow = switch (ctx.option(++j)) {
                    case "wrap" -> Overflow.WRAP;
                    case "sat" -> Overflow.SAT;
                    case "fail" -> Overflow.FAIL;
                    default -> throw new CommandError("ERR Invalid OVERFLOW type specified");
                };
                continue;
            } else {
                throw Errors.syntax();
            }
            byte[] type = ctx.arg(j + 1);
            boolean signed = type.length > 0 && type[0] == 'i';
            if (type.length == 0 || (type[0] != 'i' && type[0] != 'u')) {
                throw new CommandError(BITFIELD_TYPE_ERROR);
            }
            Long bits = CommandContext.parseLongOrNull(Arrays.copyOfRange(type, 1, type.length));
            if (bits == null || bits < 1 || bits > (signed ? 64 : 63)) {
                throw new CommandError(BITFIELD_TYPE_ERROR);
            }
            long offset = bitOffset(ctx, ctx.arg(j + 2), true, bits.intValue());
            long value = code == OpCode.GET ? 0 : ctx.longArg(j + 3);
            ops.add(new FieldOp(code, signed, bits.intValue(), offset, value, overflow));
            j += code == OpCode.GET ? 2 : 3;
        }
        return ops;
    }

    private static void replyGet(CommandContext ctx, byte[] v, FieldOp op) {
        ctx.reply().integer(op.signed() ? Bitfields.getSigned(v, op.offset(), op.bits())
                : Bitfields.getUnsigned(v, op.offset(), op.bits()));
    }

    /** Executes a SET or INCRBY on {@code buf} and writes its reply; true when it counts as a change. */
    private static boolean applyWrite(CommandContext ctx, byte[] buf, FieldOp op, boolean grows) {
        long oldValue = op.signed() ? Bitfields.getSigned(buf, op.offset(), op.bits())
                : Bitfields.getUnsigned(buf, op.offset(), op.bits());
        boolean incr = op.code() == OpCode.INCRBY;
        long newValue = incr ? oldValue + op.value() : op.value();
        Checked check = op.signed()
                ? Bitfields.checkSigned(incr ? oldValue : newValue, incr ? op.value() : 0, op.bits(), op.overflow())
                : Bitfields.checkUnsigned(incr ? oldValue : newValue, incr ? op.value() : 0, op.bits(), op.overflow());
        if (check.overflow()) {
            if (op.overflow() == Overflow.FAIL) {
                ctx.reply().nullBulk();
                return false;
            }
            newValue = check.limit();
        }
        ctx.reply().integer(incr ? newValue : oldValue);
        Bitfields.set(buf, op.offset(), op.bits(), newValue);
        return grows || oldValue != newValue;
    }
}
