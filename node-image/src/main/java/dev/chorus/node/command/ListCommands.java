package dev.chorus.node.command;

import static dev.chorus.node.command.CommandContext.bytes;

import dev.chorus.node.command.blocking.BlockedClients;
import dev.chorus.node.command.blocking.BlockedOperation;
import dev.chorus.node.command.blocking.Timeouts;
import dev.chorus.node.command.meta.KeysProc;
import dev.chorus.node.resp.RespWriter;
import dev.chorus.node.store.Database;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.ListValue;
import dev.chorus.node.store.ValueType;
import java.util.ArrayList;
import java.util.List;

/**
 * The list family (t_list.c), Redis 7.0: pushes and pops, ranges, LPOS/LREM/LINSERT, moves between lists, and the
 * blocking variants. Argument checks come in Redis' order (some parse before looking the key up, some after), since
 * that decides which error a bad call gets. What replicas receive follows Redis too: blocking commands propagate as
 * their non-blocking forms, LMPOP/BLMPOP as LPOP/RPOP with the number of elements actually popped.
 */
public final class ListCommands implements CommandFamily {
    private static final byte[] LPOP = bytes("LPOP");
    private static final byte[] RPOP = bytes("RPOP");
    private static final byte[] LMOVE = bytes("LMOVE");
    private static final byte[] RPOPLPUSH = bytes("RPOPLPUSH");
    private static final byte[] LEFT = bytes("left");
    private static final byte[] RIGHT = bytes("right");
    private static final String RANK_ZERO = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the "
            + "second ... or use negative to start from the end of the list";

    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(
                CommandSpec.of("lpush", -3, "write denyoom fast", ctx -> push(ctx, true, false)),
                CommandSpec.of("rpush", -3, "write denyoom fast", ctx -> push(ctx, false, false)),
                CommandSpec.of("lpushx", -3, "write denyoom fast", ctx -> push(ctx, true, true)),
                CommandSpec.of("rpushx", -3, "write denyoom fast", ctx -> push(ctx, false, true)),
                CommandSpec.of("lpop", -2, "write fast", ctx -> pop(ctx, true)),
                CommandSpec.of("rpop", -2, "write fast", ctx -> pop(ctx, false)),
                CommandSpec.of("llen", 2, "readonly fast", ListCommands::llen),
                CommandSpec.of("lindex", 3, "readonly", ListCommands::lindex),
                CommandSpec.of("lset", 4, "write denyoom", ListCommands::lset),
                CommandSpec.of("lrange", 4, "readonly", ListCommands::lrange),
                CommandSpec.of("ltrim", 4, "write", ListCommands::ltrim),
                CommandSpec.of("lrem", 4, "write", ListCommands::lrem),
                CommandSpec.of("linsert", 5, "write denyoom", ListCommands::linsert),
                CommandSpec.of("lpos", -3, "readonly", ListCommands::lpos),
                CommandSpec.of("rpoplpush", 3, "write denyoom", ctx -> move(ctx, false, true)),
                CommandSpec.of("lmove", 5, "write denyoom", ctx -> move(ctx, end(ctx, 3), end(ctx, 4))),
                CommandSpec.of("lmpop", -4, "write", ctx -> mpop(ctx, 1, false)).getKeys(KeysProc.numKeys(0, 1, 2)),
                CommandSpec.of("blpop", -3, "write noscript blocking", ctx -> blockingPop(ctx, true)),
                CommandSpec.of("brpop", -3, "write noscript blocking", ctx -> blockingPop(ctx, false)),
                CommandSpec.of("brpoplpush", 4, "write denyoom noscript blocking",
                        ctx -> blockingMove(ctx, false, true, Timeouts.parseSeconds(ctx.arg(3)))),
                CommandSpec.of("blmove", 6, "write denyoom noscript blocking", ListCommands::blmove),
                CommandSpec.of("blmpop", -5, "write blocking", ctx -> mpop(ctx, 2, true))
                        .getKeys(KeysProc.numKeys(0, 2, 3)));
    }

    /** The list at {@code key} or null; WRONGTYPE for other types. */
    private static KeyEntry listEntry(CommandContext ctx, byte[] key) {
        return ctx.entry(key, ValueType.LIST);
    }

    private static ListValue list(KeyEntry e) {
        return (ListValue) e.value();
    }

    /** LEFT or RIGHT (any case) as "is left"; a syntax error otherwise. */
    private static boolean end(CommandContext ctx, int i) {
        return switch (ctx.option(i)) {
            case "left" -> true;
            case "right" -> false;
            default -> throw Errors.syntax();
        };
    }

    // ---- push / pop ----

    static void push(CommandContext ctx, boolean left, boolean onlyIfExists) {
        byte[] key = ctx.arg(1);
        KeyEntry e = listEntry(ctx, key);
        Database db = ctx.db();
        int size;
        if (e == null) {
            if (onlyIfExists) {
                ctx.reply().integer(0);
                return;
            }
            ListValue l = new ListValue();
            for (int i = 2; i < ctx.argc(); i++) {
                l.push(ctx.arg(i), left);
            }
            size = l.size();
            db.set(key, l, 0);
        } else {
            ListValue l = db.mutable(e);
            for (int i = 2; i < ctx.argc(); i++) {
                l.push(ctx.arg(i), left);
            }
            size = l.size();
            db.changed(e);
        }
        ctx.dirty(ctx.argc() - 2);
        ctx.reply().integer(size);
        ctx.notifyKeyspaceEvent(KeyspaceEvents.LIST, left ? "lpush" : "rpush", key);
    }

    static void pop(CommandContext ctx, boolean left) {
        if (ctx.argc() > 3) {
            throw Errors.arity(ctx.spec().fullName());
        }
        boolean hasCount = ctx.argc() == 3;
        long count = hasCount ? atLeast(ctx, 2, 0, Errors.NOT_POSITIVE) : 0;
        KeyEntry e = listEntry(ctx, ctx.arg(1));
        if (e == null) {
            if (hasCount) {
                ctx.reply().nullArray();
            } else {
                ctx.reply().nullBulk();
            }
            return;
        }
        if (!hasCount) {
            ctx.reply().bulk(popOne(ctx, e, left));
            elementsRemoved(ctx, ctx.arg(1), left);
            return;
        }
        if (count == 0) {
            ctx.reply().emptyArray();
            return;
        }
        popRange(ctx, e, left, count);
        elementsRemoved(ctx, ctx.arg(1), left);
    }

    /** listElementsRemoved's events, after the reply: lpop/rpop, then del when the list is gone. */
    private static void elementsRemoved(CommandContext ctx, byte[] key, boolean left) {
        ctx.notifyKeyspaceEvent(KeyspaceEvents.LIST, left ? "lpop" : "rpop", key);
        if (ctx.db().peek(key) == null) {
            ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key);
        }
    }

    /**
     * Redis' getRangeLongFromObjectOrReply(min, LONG_MAX, msg): an unparsable value and one below {@code min} get the
     * same error text.
     */
    private static long atLeast(CommandContext ctx, int i, long min, String error) {
        long v = ctx.longArg(i, error);
        if (v < min) {
            throw new CommandError(error);
        }
        return v;
    }

    /** Pops one element from a live list and records the change. */
    private static byte[] popOne(CommandContext ctx, KeyEntry e, boolean left) {
        Database db = ctx.db();
        ListValue l = db.mutable(e);
        byte[] v = l.pop(left);
        db.changed(e);
        ctx.dirty();
        return v;
    }

    /** Pops up to {@code count} elements, replying with them in pop order; returns how many were popped. */
    private static int popRange(CommandContext ctx, KeyEntry e, boolean left, long count) {
        Database db = ctx.db();
        ListValue l = db.mutable(e);
        int n = (int) Math.min(count, l.size());
        RespWriter out = ctx.reply();
        out.array(n);
        for (int i = 0; i < n; i++) {
            out.bulk(l.get(left ? i : l.size() - 1 - i));
        }
        if (left) {
            l.removeFirst(n);
        } else {
            l.removeLast(n);
        }
        db.changed(e);
        ctx.dirty(n);
        return n;
    }

    /** LMPOP/BLMPOP's answer: [key, [elements]]; replicas get LPOP/RPOP key n. */
    private static void popRangeWithKey(CommandContext ctx, KeyEntry e, byte[] key, boolean left, long count) {
        ctx.reply().array(2).bulk(key);
        int n = popRange(ctx, e, left, count);
        elementsRemoved(ctx, key, left);
        ctx.propagate(left ? LPOP : RPOP, key, bytes(n));
    }

    // ---- reads ----

    static void llen(CommandContext ctx) {
        KeyEntry e = listEntry(ctx, ctx.arg(1));
        ctx.reply().integer(e == null ? 0 : list(e).size());
    }

    static void lindex(CommandContext ctx) {
        KeyEntry e = listEntry(ctx, ctx.arg(1));
        if (e == null) {
            ctx.reply().nullBulk();
            return;
        }
        ListValue l = list(e);
        long index = ctx.longArg(2);
        if (index < 0) {
            index += l.size();
        }
        ctx.reply().bulk(index >= 0 && index < l.size() ? l.get((int) index) : null);
    }

    static void lrange(CommandContext ctx) {
        long start = ctx.longArg(2);
        long stop = ctx.longArg(3);
        KeyEntry e = listEntry(ctx, ctx.arg(1));
        if (e == null) {
            ctx.reply().emptyArray();
            return;
        }
        ListValue l = list(e);
        long[] range = clampRange(start, stop, l.size());
        if (range == null) {
            ctx.reply().emptyArray();
            return;
        }
        RespWriter out = ctx.reply();
        out.array((int) (range[1] - range[0] + 1));
        for (long i = range[0]; i <= range[1]; i++) {
            out.bulk(l.get((int) i));
        }
    }

    /** LRANGE/LTRIM's index arithmetic: negative counts from the end; null when the range is empty. */
    private static long[] clampRange(long start, long stop, int size) {
        if (start < 0) {
            start += size;
        }
        if (stop < 0) {
            stop += size;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > stop || start >= size) {
            return null;
        }
        return new long[] {start, Math.min(stop, size - 1)};
    }

    static void lpos(CommandContext ctx) {
        byte[] element = ctx.arg(2);
        long rank = 1;
        long count = -1; // -1: COUNT not given
        long maxlen = 0;
        for (int i = 3; i < ctx.argc(); i++) {
            String opt = ctx.option(i);
            boolean more = i + 1 < ctx.argc();
            if (opt.equals("rank") && more) {
                rank = ctx.longArg(++i);
                if (rank == 0) {
                    throw new CommandError(RANK_ZERO);
                }
            } else if (opt.equals("count") && more) {
                count = atLeast(ctx, ++i, 0, "ERR COUNT can't be negative");
            } else if (opt.equals("maxlen") && more) {
                maxlen = atLeast(ctx, ++i, 0, "ERR MAXLEN can't be negative");
            } else {
                throw Errors.syntax();
            }
        }
        boolean fromTail = rank < 0;
        if (fromTail) {
            rank = -rank; // Long.MIN_VALUE stays negative, as in C: every match then qualifies
        }
        KeyEntry e = listEntry(ctx, ctx.arg(1));
        if (e == null) {
            if (count != -1) {
                ctx.reply().emptyArray();
            } else {
                ctx.reply().nullBulk();
            }
            return;
        }
        ListValue l = list(e);
        int size = l.size();
        List<Long> found = new ArrayList<>();
        long matches = 0;
        for (long scanned = 0; scanned < size && (maxlen == 0 || scanned < maxlen); scanned++) {
            int index = (int) (fromTail ? size - 1 - scanned : scanned);
            if (!l.elementEquals(index, element)) {
                continue;
            }
            matches++;
            if (matches >= rank) {
                found.add((long) index);
                if (count == -1 || (count != 0 && matches - rank + 1 >= count)) {
                    break;
                }
            }
        }
        RespWriter out = ctx.reply();
        if (count != -1) {
            out.array(found.size());
            found.forEach(out::integer);
        } else if (found.isEmpty()) {
            out.nullBulk();
        } else {
            out.integer(found.get(0));
        }
    }

    // ---- in-place edits ----

    static void lset(CommandContext ctx) {
        KeyEntry e = listEntry(ctx, ctx.arg(1));
        if (e == null) {
            throw new CommandError(Errors.NO_SUCH_KEY);
        }
        long index = ctx.longArg(2);
        int size = list(e).size();
        if (index < 0) {
            index += size;
        }
        if (index < 0 || index >= size) {
            throw new CommandError(Errors.INDEX_OUT_OF_RANGE);
        }
        Database db = ctx.db();
        ListValue l = db.mutable(e);
        l.set((int) index, ctx.arg(3));
        db.changed(e);
        ctx.dirty();
        ctx.reply().ok();
        ctx.notifyKeyspaceEvent(KeyspaceEvents.LIST, "lset", ctx.arg(1));
    }

    static void ltrim(CommandContext ctx) {
        long start = ctx.longArg(2);
        long stop = ctx.longArg(3);
        KeyEntry e = listEntry(ctx, ctx.arg(1));
        if (e == null) {
            ctx.reply().ok();
            return;
        }
        int size = list(e).size();
        long[] range = clampRange(start, stop, size);
        int fromHead = range == null ? size : (int) range[0];
        int fromTail = range == null ? 0 : (int) (size - 1 - range[1]);
        // Even a trim that removes nothing counts as a modification (WATCH), as in Redis; only removals are dirty.
        Database db = ctx.db();
        ListValue l = db.mutable(e);
        l.removeFirst(fromHead);
        l.removeLast(fromTail);
        db.changed(e);
        ctx.dirty(fromHead + fromTail);
        ctx.notifyKeyspaceEvent(KeyspaceEvents.LIST, "ltrim", ctx.arg(1));
        if (db.peek(ctx.arg(1)) == null) {
            ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", ctx.arg(1));
        }
        ctx.reply().ok();
    }

    static void lrem(CommandContext ctx) {
        long toRemove = ctx.longArg(2);
        byte[] element = ctx.arg(3);
        KeyEntry e = listEntry(ctx, ctx.arg(1));
        if (e == null) {
            ctx.reply().integer(0);
            return;
        }
        boolean fromTail = toRemove < 0;
        // -Long.MIN_VALUE overflows; in Redis the limit is then never reached, so every match goes.
        long limit = toRemove == Long.MIN_VALUE ? 0 : Math.abs(toRemove);
        int removed = 0;
        if (list(e).indexOf(element) >= 0) {
            Database db = ctx.db();
            ListValue l = db.mutable(e);
            removed = l.removeOccurrences(element, limit, fromTail);
            db.changed(e);
            ctx.dirty(removed);
            if (removed > 0) {
                ctx.notifyKeyspaceEvent(KeyspaceEvents.LIST, "lrem", ctx.arg(1));
            }
            if (db.peek(ctx.arg(1)) == null) {
                ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", ctx.arg(1));
            }
        }
        ctx.reply().integer(removed);
    }

    static void linsert(CommandContext ctx) {
        boolean after = switch (ctx.option(2)) {
            case "after" -> true;
            case "before" -> false;
            default -> throw Errors.syntax();
        };
        KeyEntry e = listEntry(ctx, ctx.arg(1));
        if (e == null) {
            ctx.reply().integer(0);
            return;
        }
        int pivot = list(e).indexOf(ctx.arg(3));
        if (pivot < 0) {
            ctx.reply().integer(-1);
            return;
        }
        Database db = ctx.db();
        ListValue l = db.mutable(e);
        l.insert(after ? pivot + 1 : pivot, ctx.arg(4));
        int size = l.size();
        db.changed(e);
        ctx.dirty();
        ctx.notifyKeyspaceEvent(KeyspaceEvents.LIST, "linsert", ctx.arg(1));
        ctx.reply().integer(size);
    }

    // ---- moves ----

    /** LMOVE / RPOPLPUSH: a missing source answers nil without looking at the destination. */
    static void move(CommandContext ctx, boolean fromLeft, boolean toLeft) {
        KeyEntry src = listEntry(ctx, ctx.arg(1));
        if (src == null) {
            ctx.reply().nullBulk();
            return;
        }
        moveElement(ctx, src, ctx.arg(2), fromLeft, toLeft);
    }

    /**
     * Moves one element from the non-empty list {@code src} to {@code dstKey} (created if missing) and replies with
     * it. The destination's type is checked before anything changes. The same key on both sides rotates the list.
     */
    private static void moveElement(CommandContext ctx, KeyEntry src, byte[] dstKey, boolean fromLeft,
                                    boolean toLeft) {
        KeyEntry dst = listEntry(ctx, dstKey);
        Database db = ctx.db();
        byte[] srcKey = src.key();
        ListValue from = db.mutable(src);
        byte[] value = from.pop(fromLeft);
        if (dst == src) {
            from.push(value, toLeft);
            db.changed(src);
        } else {
            if (dst == null) {
                ListValue created = new ListValue();
                created.push(value, toLeft);
                db.set(dstKey, created, 0);
            } else {
                ListValue to = db.mutable(dst);
                to.push(value, toLeft);
                db.changed(dst);
            }
            db.changed(src);
        }
        ctx.dirty();
        // lmoveHandlePush's event and reply, then the pop's events.
        ctx.notifyKeyspaceEvent(KeyspaceEvents.LIST, toLeft ? "lpush" : "rpush", dstKey);
        ctx.reply().bulk(value);
        elementsRemoved(ctx, srcKey, fromLeft);
    }

    // ---- LMPOP / BLMPOP ----

    /**
     * LMPOP numkeys key... LEFT|RIGHT [COUNT n] and BLMPOP timeout numkeys key... LEFT|RIGHT [COUNT n]: the syntax is
     * checked first, BLMPOP's timeout after it.
     */
    static void mpop(CommandContext ctx, int numkeysIndex, boolean blocking) {
        long numkeys = atLeast(ctx, numkeysIndex, 1, "ERR numkeys should be greater than 0");
        if (numkeys > ctx.argc() - numkeysIndex - 2) {
            throw Errors.syntax();
        }
        int whereIndex = (int) (numkeysIndex + numkeys + 1);
        boolean left = end(ctx, whereIndex);
        long count = -1;
        for (int i = whereIndex + 1; i < ctx.argc(); i++) {
            if (count == -1 && ctx.optionIs(i, "count") && i + 1 < ctx.argc()) {
                count = atLeast(ctx, ++i, 1, "ERR count should be greater than 0");
            } else {
                throw Errors.syntax();
            }
        }
        long popCount = count == -1 ? 1 : count;
        List<byte[]> keys = new ArrayList<>((int) numkeys);
        for (int i = numkeysIndex + 1; i < whereIndex; i++) {
            keys.add(ctx.arg(i));
        }
        long timeout = blocking ? Timeouts.parseSeconds(ctx.arg(1)) : 0;
        BlockedOperation popWithKey = (c, key) -> {
            popRangeWithKey(c, listEntry(c, key), key, left, popCount);
            return true;
        };
        byte[] key = firstListKey(ctx, keys);
        if (key != null) {
            popWithKey.serve(ctx, key);
        } else if (blocking) {
            blockOrGiveUp(ctx, keys, timeout, popWithKey);
        } else {
            ctx.reply().nullArray();
        }
    }

    // ---- blocking commands ----

    /**
     * The first of {@code keys} that holds a list, or null when none exists. A key of another type met before it is
     * WRONGTYPE; keys after it are not looked at.
     */
    private static byte[] firstListKey(CommandContext ctx, List<byte[]> keys) {
        for (byte[] key : keys) {
            if (listEntry(ctx, key) != null) {
                return key;
            }
        }
        return null;
    }

    /** No data: block, or inside MULTI answer at once as a timeout would. */
    private static void blockOrGiveUp(CommandContext ctx, List<byte[]> keys, long timeout, BlockedOperation op) {
        if (!BlockedClients.mayBlock(ctx)) {
            ctx.reply().nullArray();
            return;
        }
        ctx.server().blockedClients().block(ctx, ValueType.LIST, keys, timeout, op);
    }

    /** BLPOP / BRPOP key... timeout: answers [key, element]; replicas see LPOP/RPOP key. */
    static void blockingPop(CommandContext ctx, boolean left) {
        long timeout = Timeouts.parseSeconds(ctx.arg(ctx.argc() - 1));
        List<byte[]> keys = new ArrayList<>(ctx.argc() - 2);
        for (int i = 1; i < ctx.argc() - 1; i++) {
            keys.add(ctx.arg(i));
        }
        BlockedOperation popWithKey = (c, key) -> {
            byte[] v = popOne(c, listEntry(c, key), left);
            c.reply().array(2).bulk(key).bulk(v);
            elementsRemoved(c, key, left);
            c.propagate(left ? LPOP : RPOP, key);
            return true;
        };
        byte[] key = firstListKey(ctx, keys);
        if (key != null) {
            popWithKey.serve(ctx, key);
        } else {
            blockOrGiveUp(ctx, keys, timeout, popWithKey);
        }
    }

    static void blmove(CommandContext ctx) {
        boolean fromLeft = end(ctx, 3);
        boolean toLeft = end(ctx, 4);
        blockingMove(ctx, fromLeft, toLeft, Timeouts.parseSeconds(ctx.arg(5)));
    }

    /**
     * BLMOVE / BRPOPLPUSH. Served at once they propagate as LMOVE with the arguments as given (or RPOPLPUSH); served
     * after blocking, Redis 7.0 writes the directions in lower case. Inside MULTI a missing source answers a null
     * bulk, not the null array a timeout gives.
     */
    static void blockingMove(CommandContext ctx, boolean fromLeft, boolean toLeft, long timeout) {
        byte[] srcKey = ctx.arg(1);
        byte[] dstKey = ctx.arg(2);
        boolean rpoplpush = ctx.spec().name().equals("brpoplpush");
        KeyEntry src = listEntry(ctx, srcKey);
        if (src != null) {
            moveElement(ctx, src, dstKey, fromLeft, toLeft);
            if (rpoplpush) {
                ctx.propagate(RPOPLPUSH, srcKey, dstKey);
            } else {
                ctx.propagate(LMOVE, srcKey, dstKey, ctx.arg(3), ctx.arg(4));
            }
            return;
        }
        if (!BlockedClients.mayBlock(ctx)) {
            ctx.reply().nullBulk();
            return;
        }
        ctx.server().blockedClients().block(ctx, ValueType.LIST, List.of(srcKey), timeout, (c, key) -> {
            moveElement(c, listEntry(c, key), dstKey, fromLeft, toLeft);
            if (rpoplpush) {
                c.propagate(RPOPLPUSH, key, dstKey);
            } else {
                c.propagate(LMOVE, key, dstKey, fromLeft ? LEFT : RIGHT, toLeft ? LEFT : RIGHT);
            }
            return true;
        });
    }
}
