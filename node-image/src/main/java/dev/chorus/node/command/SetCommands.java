package dev.chorus.node.command;

import static dev.chorus.node.command.CommandContext.bytes;

import dev.chorus.node.command.meta.KeysProc;
import dev.chorus.node.resp.RespWriter;
import dev.chorus.node.store.Database;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.SetValue;
import dev.chorus.node.store.ValueType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The set family (t_set.c). */
public final class SetCommands implements CommandFamily {
    private static final byte[] SREM = bytes("SREM");
    private static final byte[] DEL = bytes("DEL");
    /** Redis' SPOP_MOVE_STRATEGY_MUL: when few members would remain, SPOP rebuilds the set from the survivors. */
    private static final long SPOP_MOVE_STRATEGY_MUL = 5;

    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(
                CommandSpec.of("sadd", -3, "write denyoom fast", SetCommands::sadd),
                CommandSpec.of("srem", -3, "write fast", SetCommands::srem),
                CommandSpec.of("scard", 2, "readonly fast",
                        ctx -> {
                    SetValue s = set(ctx, ctx.arg(1));
                    ctx.reply().integer(s == null ? 0 : s.size());
                }),
                CommandSpec.of("sismember", 3, "readonly fast",
                        ctx -> {
                            SetValue s = set(ctx, ctx.arg(1));
                            ctx.reply().integer(s != null && s.contains(ctx.arg(2)) ? 1 : 0);
                        }),
                CommandSpec.of("smismember", -3, "readonly fast", SetCommands::smismember),
                CommandSpec.of("smembers", 2, "readonly", ctx -> intersect(ctx, 1, 1, null)),
                CommandSpec.of("srandmember", -2, "readonly", SetCommands::srandmember),
                CommandSpec.of("spop", -2, "write fast", SetCommands::spop),
                CommandSpec.of("smove", 4, "write fast", SetCommands::smove),
                CommandSpec.of("sinter", -2, "readonly", ctx -> intersect(ctx, 1, ctx.argc() - 1, null)),
                // Redis reports movablekeys with 0 0 0 here: the keys are found through numkeys.
                CommandSpec.of("sintercard", -3, "readonly", SetCommands::sintercard)
                        .getKeys(KeysProc.numKeys(0, 1, 2)),
                CommandSpec.of("sinterstore", -3, "write denyoom",
                        ctx -> intersect(ctx, 2, ctx.argc() - 2, ctx.arg(1))),
                CommandSpec.of("sunion", -2, "readonly", ctx -> unionOrDiff(ctx, 1, null, false)),
                CommandSpec.of("sunionstore", -3, "write denyoom", ctx -> unionOrDiff(ctx, 2, ctx.arg(1), false)),
                CommandSpec.of("sdiff", -2, "readonly", ctx -> unionOrDiff(ctx, 1, null, true)),
                CommandSpec.of("sdiffstore", -3, "write denyoom", ctx -> unionOrDiff(ctx, 2, ctx.arg(1), true)),
                CommandSpec.of("sscan", -3, "readonly", SetCommands::sscan));
    }

    /** The set at {@code key}, null when absent; WRONGTYPE for other types. */
    static SetValue set(CommandContext ctx, byte[] key) {
        return ctx.value(key, ValueType.SET);
    }

    static void sadd(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        Database db = ctx.db();
        KeyEntry e = ctx.entry(key, ValueType.SET);
        long added = 0;
        if (e == null) {
            SetValue s = new SetValue();
            for (int i = 2; i < ctx.argc(); i++) {
                if (s.add(ctx.arg(i))) {
                    added++;
                }
            }
            db.set(key, s, 0);
        } else {
            SetValue current = (SetValue) e.value();
            boolean any = false;
            for (int i = 2; i < ctx.argc() && !any; i++) {
                any = !current.contains(ctx.arg(i));
            }
            if (any) {
                SetValue s = db.mutable(e);
                for (int i = 2; i < ctx.argc(); i++) {
                    if (s.add(ctx.arg(i))) {
                        added++;
                    }
                }
                db.changed(e);
            }
        }
        ctx.dirty(added);
        if (added > 0) {
            ctx.notifyKeyspaceEvent(KeyspaceEvents.SET, "sadd", key);
        }
        ctx.reply().integer(added);
    }

    static void srem(CommandContext ctx) {
        KeyEntry e = ctx.entry(ctx.arg(1), ValueType.SET);
        if (e == null) {
            ctx.reply().integer(0);
            return;
        }
        SetValue current = (SetValue) e.value();
        boolean any = false;
        for (int i = 2; i < ctx.argc() && !any; i++) {
            any = current.contains(ctx.arg(i));
        }
        long removed = 0;
        if (any) {
            SetValue s = ctx.db().mutable(e);
            for (int i = 2; i < ctx.argc(); i++) {
                if (s.remove(ctx.arg(i))) {
                    removed++;
                }
            }
            ctx.db().changed(e); // deletes the key once its last member is gone
            ctx.notifyKeyspaceEvent(KeyspaceEvents.SET, "srem", ctx.arg(1));
            if (ctx.db().peek(ctx.arg(1)) == null) {
                ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", ctx.arg(1));
            }
        }
        ctx.dirty(removed);
        ctx.reply().integer(removed);
    }

    static void smismember(CommandContext ctx) {
        SetValue s = set(ctx, ctx.arg(1));
        RespWriter r = ctx.reply();
        r.array(ctx.argc() - 2);
        for (int i = 2; i < ctx.argc(); i++) {
            r.integer(s != null && s.contains(ctx.arg(i)) ? 1 : 0);
        }
    }

    static void srandmember(CommandContext ctx) {
        if (ctx.argc() > 3) {
            throw Errors.syntax();
        }
        if (ctx.argc() == 2) {
            SetValue s = set(ctx, ctx.arg(1));
            ctx.reply().bulk(s == null ? null : s.random());
            return;
        }
        long count = RandomCounts.parse(ctx, 2);
        SetValue s = set(ctx, ctx.arg(1));
        RespWriter r = ctx.reply();
        if (s == null || count == 0) {
            r.emptyArray();
            return;
        }
        if (count < 0 || count == 1) {
            int n = RandomCounts.replyLength(Math.abs(count));
            r.array(n);
            for (int i = 0; i < n; i++) {
                r.bulk(s.random());
                if (RandomCounts.closedForOutput(ctx, i)) {
                    break; // CLIENT_CLOSE_ASAP: the client is gone, stop mid-run
                }
            }
            return;
        }
        List<byte[]> picked;
        if (count >= s.size()) {
            picked = s.members(); // the whole set, in its own order (ascending for an intset), as Redis sends it
        } else if (count * RandomCounts.SUB_STRATEGY_MUL <= s.size()) {
            picked = RandomCounts.distinctByPicking(s::random, (int) count, ByteBuffer::wrap);
        } else {
            picked = RandomCounts.distinct(s.members(), (int) count, false);
        }
        r.array(picked.size());
        picked.forEach(r::bulk);
    }

    static void spop(CommandContext ctx) {
        if (ctx.argc() > 3) {
            throw Errors.syntax();
        }
        if (ctx.argc() == 3) {
            spopCount(ctx);
            return;
        }
        byte[] key = ctx.arg(1);
        KeyEntry e = ctx.entry(key, ValueType.SET);
        if (e == null) {
            ctx.reply().nullBulk();
            return;
        }
        SetValue s = ctx.db().mutable(e);
        byte[] member = s.random();
        s.remove(member);
        ctx.db().changed(e);
        ctx.dirty();
        ctx.propagate(SREM, key, member);
        ctx.notifyKeyspaceEvent(KeyspaceEvents.SET, "spop", key);
        ctx.reply().bulk(member);
        if (ctx.db().peek(key) == null) {
            ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key);
        }
    }

    /**
     * SPOP with a count, following Redis 7.0's three cases: the whole set (propagated as DEL), a few random pops, or
     * rebuilding the set from randomly chosen survivors when most of it goes. Each popped member is propagated as its
     * own SREM, as 7.0 does.
     */
    private static void spopCount(CommandContext ctx) {
        long count = ctx.longArg(2, Errors.NOT_POSITIVE);
        if (count < 0) {
            throw new CommandError(Errors.NOT_POSITIVE);
        }
        byte[] key = ctx.arg(1);
        KeyEntry e = ctx.entry(key, ValueType.SET);
        RespWriter r = ctx.reply();
        if (e == null || count == 0) {
            r.set(0);
            return;
        }
        Database db = ctx.db();
        SetValue current = (SetValue) e.value();
        int size = current.size();
        ctx.notifyKeyspaceEvent(KeyspaceEvents.SET, "spop", key);
        if (count >= size) {
            // Redis replies through SUNION of the one set, i.e. in the order of a freshly built copy.
            SetValue fresh = new SetValue();
            current.forEach(fresh::add);
            r.set(size);
            fresh.forEach(r::bulk);
            db.delete(key);
            ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key);
            ctx.dirty();
            ctx.propagate(DEL, key);
            return;
        }
        long remaining = size - count;
        List<byte[]> popped = new ArrayList<>((int) count);
        if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
            SetValue s = db.mutable(e);
            for (long i = 0; i < count; i++) {
                byte[] m = s.random();
                s.remove(m);
                popped.add(m);
            }
            db.changed(e);
        } else {
            // Keep `remaining` random members in a new set; the rest are returned in the old set's order.
            List<byte[]> all = current.members();
            SetValue survivors = new SetValue();
            for (byte[] m : RandomCounts.distinct(all, (int) remaining, false)) {
                survivors.add(m);
            }
            for (byte[] m : all) {
                if (!survivors.contains(m)) {
                    popped.add(m);
                }
            }
            db.setKeepTtl(key, survivors);
        }
        r.set(popped.size());
        for (byte[] m : popped) {
            r.bulk(m);
            ctx.propagate(SREM, key, m);
        }
        ctx.dirty(popped.size());
    }

    static void smove(CommandContext ctx) {
        byte[] src = ctx.arg(1);
        byte[] dst = ctx.arg(2);
        byte[] member = ctx.arg(3);
        Database db = ctx.db();
        KeyEntry srcEntry = db.lookup(src);
        KeyEntry dstEntry = db.lookup(dst);
        if (srcEntry == null) {
            ctx.reply().integer(0);
            return;
        }
        if (srcEntry.type() != ValueType.SET || (dstEntry != null && dstEntry.type() != ValueType.SET)) {
            throw Errors.wrongType();
        }
        if (srcEntry == dstEntry) {
            ctx.reply().integer(((SetValue) srcEntry.value()).contains(member) ? 1 : 0);
            return;
        }
        if (!((SetValue) srcEntry.value()).contains(member)) {
            ctx.reply().integer(0);
            return;
        }
        SetValue from = db.mutable(srcEntry);
        from.remove(member);
        db.changed(srcEntry);
        ctx.notifyKeyspaceEvent(KeyspaceEvents.SET, "srem", src);
        if (db.peek(src) == null) {
            ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", src);
        }
        ctx.dirty();
        if (dstEntry == null) {
            SetValue to = new SetValue();
            to.add(member);
            db.set(dst, to, 0);
            ctx.dirty();
            ctx.notifyKeyspaceEvent(KeyspaceEvents.SET, "sadd", dst);
        } else if (!((SetValue) dstEntry.value()).contains(member)) {
            SetValue to = db.mutable(dstEntry);
            to.add(member);
            db.changed(dstEntry);
            ctx.dirty();
            ctx.notifyKeyspaceEvent(KeyspaceEvents.SET, "sadd", dst);
        }
        ctx.reply().integer(1);
    }

    static void sintercard(CommandContext ctx) {
        String numkeysError = "ERR numkeys should be greater than 0";
        long numkeys = ctx.longArg(1, numkeysError);
        if (numkeys < 1) {
            throw new CommandError(numkeysError);
        }
        if (numkeys > ctx.argc() - 2) {
            throw new CommandError("ERR Number of keys can't be greater than number of args");
        }
        long limit = 0;
        for (int i = 2 + (int) numkeys; i < ctx.argc(); i++) {
            if (ctx.optionIs(i, "limit") && i + 1 < ctx.argc()) {
                limit = ctx.longArg(++i, "ERR LIMIT can't be negative");
                if (limit < 0) {
                    throw new CommandError("ERR LIMIT can't be negative");
                }
            } else {
                throw Errors.syntax();
            }
        }
        List<SetValue> sets = load(ctx, 2, (int) numkeys);
        long cardinality = 0;
        if (!sets.contains(null)) {
            sortBySize(sets);
            SetValue smallest = sets.get(0);
            for (byte[] m : smallest.members()) {
                if (inAllOthers(sets, m)) {
                    cardinality++;
                    if (limit != 0 && cardinality >= limit) {
                        break;
                    }
                }
            }
        }
        ctx.reply().integer(cardinality);
    }

    /**
     * SINTER, SMEMBERS and SINTERSTORE (dst non-null). The reply follows the smallest set's order, as Redis walks it
     * and probes the others.
     */
    static void intersect(CommandContext ctx, int first, int n, byte[] dst) {
        List<SetValue> sets = load(ctx, first, n);
        List<byte[]> result = new ArrayList<>();
        if (!sets.contains(null)) {
            sortBySize(sets);
            for (byte[] m : sets.get(0).members()) {
                if (inAllOthers(sets, m)) {
                    result.add(m);
                }
            }
        }
        if (dst == null) {
            RespWriter r = ctx.reply();
            r.set(result.size());
            result.forEach(r::bulk);
            return;
        }
        SetValue out = new SetValue();
        result.forEach(out::add);
        if (sets.contains(null)) {
            // A missing source: Redis deletes the destination (and says so) before it replies 0.
            if (ctx.db().delete(dst)) {
                ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", dst);
                ctx.dirty();
            }
            ctx.reply().integer(0);
            return;
        }
        store(ctx, dst, out);
    }

    /** SUNION, SDIFF and their STORE forms: the result is a new set, replied in its own order. */
    static void unionOrDiff(CommandContext ctx, int first, byte[] dst, boolean diff) {
        List<SetValue> sets = load(ctx, first, ctx.argc() - first);
        SetValue out = new SetValue();
        if (!diff) {
            for (SetValue s : sets) {
                if (s != null) {
                    s.forEach(out::add);
                }
            }
        } else if (sets.get(0) != null) {
            List<SetValue> others = sets.subList(1, sets.size());
            for (byte[] m : sets.get(0).members()) {
                boolean elsewhere = false;
                for (SetValue o : others) {
                    if (o != null && o.contains(m)) {
                        elsewhere = true;
                        break;
                    }
                }
                if (!elsewhere) {
                    out.add(m);
                }
            }
        }
        if (dst == null) {
            RespWriter r = ctx.reply();
            r.set(out.size());
            out.forEach(r::bulk);
            return;
        }
        store(ctx, dst, out);
    }

    /** The STORE forms: overwrite {@code dst} (dropping any TTL), or delete it when the result is empty. */
    private static void store(CommandContext ctx, byte[] dst, SetValue result) {
        Database db = ctx.db();
        if (result.size() > 0) {
            db.set(dst, result, 0);
            ctx.dirty();
            ctx.reply().integer(result.size());
            ctx.notifyKeyspaceEvent(KeyspaceEvents.SET, ctx.spec().name(), dst);
            return;
        }
        ctx.reply().integer(0);
        if (db.delete(dst)) {
            ctx.dirty();
            ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", dst);
        }
    }

    /** The sets at {@code n} keys from {@code first}; null for a missing key. WRONGTYPE if any key is not a set. */
    private static List<SetValue> load(CommandContext ctx, int first, int n) {
        List<SetValue> sets = new ArrayList<>(n);
        for (int i = first; i < first + n; i++) {
            sets.add(set(ctx, ctx.arg(i)));
        }
        return sets;
    }

    /** Smallest first; stable, like glibc's merge-sort qsort for equal sizes. */
    private static void sortBySize(List<SetValue> sets) {
        sets.sort(Comparator.comparingInt(SetValue::size));
    }

    private static boolean inAllOthers(List<SetValue> sets, byte[] member) {
        SetValue first = sets.get(0);
        for (int j = 1; j < sets.size(); j++) {
            SetValue s = sets.get(j);
            if (s != first && !s.contains(member)) {
                return false;
            }
        }
        return true;
    }

    static void sscan(CommandContext ctx) {
        long cursor = CollectionScan.parseCursor(ctx.arg(2));
        SetValue s = set(ctx, ctx.arg(1));
        if (s == null) {
            ctx.reply().raw(CollectionScan.EMPTY);
            return;
        }
        CollectionScan scan = CollectionScan.options(ctx, 3);
        List<byte[]> found = new ArrayList<>();
        if (s.isIntset()) {
            cursor = s.scan(cursor, found::add); // an intset is returned whole, in one call
        } else {
            long budget = scan.maxIterations();
            do {
                cursor = s.scan(cursor, found::add);
            } while (cursor != 0 && budget-- > 0 && found.size() < scan.count);
        }
        found.removeIf(m -> !scan.matches(m));
        CollectionScan.reply(ctx, cursor, found);
    }
}
