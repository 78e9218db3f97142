package dev.chorus.node.command;

import static dev.chorus.node.command.CommandContext.bytes;

import dev.chorus.node.resp.LongDouble;
import dev.chorus.node.resp.RespWriter;
import dev.chorus.node.store.Database;
import dev.chorus.node.store.HashValue;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.ValueType;
import java.util.ArrayList;
import java.util.List;

/** The hash family (t_hash.c). */
public final class HashCommands implements CommandFamily {
    private static final byte[] HSET = bytes("HSET");

    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(
                CommandSpec.of("hset", -4, "write denyoom fast", ctx -> {
                    ctx.reply().integer(setFields(ctx));
                    ctx.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hset", ctx.arg(1));
                }),
                CommandSpec.of("hsetnx", 4, "write denyoom fast", HashCommands::hsetnx),
                CommandSpec.of("hmset", -4, "write denyoom fast",
                        ctx -> {
                            setFields(ctx);
                            ctx.reply().ok();
                            ctx.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hset", ctx.arg(1));
                        }),
                CommandSpec.of("hget", 3, "readonly fast", HashCommands::hget),
                CommandSpec.of("hmget", -3, "readonly fast", HashCommands::hmget),
                CommandSpec.of("hdel", -3, "write fast", HashCommands::hdel),
                CommandSpec.of("hlen", 2, "readonly fast",
                        ctx -> {
                    HashValue h = hash(ctx, ctx.arg(1));
                    ctx.reply().integer(h == null ? 0 : h.size());
                }),
                CommandSpec.of("hstrlen", 3, "readonly fast",
                        ctx -> {
                    HashValue h = hash(ctx, ctx.arg(1));
                    byte[] v = h == null ? null : h.get(ctx.arg(2));
                    ctx.reply().integer(v == null ? 0 : v.length);
                }),
                CommandSpec.of("hexists", 3, "readonly fast",
                        ctx -> {
                    HashValue h = hash(ctx, ctx.arg(1));
                    ctx.reply().integer(h != null && h.contains(ctx.arg(2)) ? 1 : 0);
                }),
                CommandSpec.of("hkeys", 2, "readonly", ctx -> getAll(ctx, true, false)),
                CommandSpec.of("hvals", 2, "readonly", ctx -> getAll(ctx, false, true)),
                CommandSpec.of("hgetall", 2, "readonly", ctx -> getAll(ctx, true, true)),
                CommandSpec.of("hincrby", 4, "write denyoom fast", HashCommands::hincrby),
                CommandSpec.of("hincrbyfloat", 4, "write denyoom fast", HashCommands::hincrbyfloat),
                CommandSpec.of("hrandfield", -2, "readonly", HashCommands::hrandfield),
                CommandSpec.of("hscan", -3, "readonly", HashCommands::hscan));
    }

    /** The hash at {@code key}, null when absent; WRONGTYPE for other types. */
    static HashValue hash(CommandContext ctx, byte[] key) {
        return ctx.value(key, ValueType.HASH);
    }

    /** HSET/HMSET: sets every pair, creating the hash if needed; returns how many fields were new. */
    static long setFields(CommandContext ctx) {
        if (ctx.argc() % 2 == 1) {
            throw Errors.arity(ctx.spec().fullName());
        }
        byte[] key = ctx.arg(1);
        Database db = ctx.db();
        KeyEntry e = ctx.entry(key, ValueType.HASH);
        HashValue h = e == null ? new HashValue() : db.mutable(e);
        long created = 0;
        for (int i = 2; i < ctx.argc(); i += 2) {
            if (h.put(ctx.arg(i), ctx.arg(i + 1))) {
                created++;
            }
        }
        if (e == null) {
            db.set(key, h, 0);
        } else {
            db.changed(e);
        }
        ctx.dirty((ctx.argc() - 2) / 2);
        return created;
    }

    static void hsetnx(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        KeyEntry e = ctx.entry(key, ValueType.HASH);
        if (e != null && ((HashValue) e.value()).contains(ctx.arg(2))) {
            ctx.reply().integer(0);
            return;
        }
        putField(ctx, e, key, ctx.arg(2), ctx.arg(3));
        ctx.dirty();
        ctx.reply().integer(1);
        ctx.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hset", key);
    }

    /** Sets one field on the hash held by {@code e} (or a new hash when {@code e} is null). */
    private static void putField(CommandContext ctx, KeyEntry e, byte[] key, byte[] field, byte[] value) {
        Database db = ctx.db();
        if (e == null) {
            HashValue h = new HashValue();
            h.put(field, value);
            db.set(key, h, 0);
        } else {
            HashValue h = db.mutable(e);
            h.put(field, value);
            db.changed(e);
        }
    }

    static void hget(CommandContext ctx) {
        HashValue h = hash(ctx, ctx.arg(1));
        ctx.reply().bulk(h == null ? null : h.get(ctx.arg(2)));
    }

    static void hmget(CommandContext ctx) {
        HashValue h = hash(ctx, ctx.arg(1));
        RespWriter r = ctx.reply();
        r.array(ctx.argc() - 2);
        for (int i = 2; i < ctx.argc(); i++) {
            r.bulk(h == null ? null : h.get(ctx.arg(i)));
        }
    }

    static void hdel(CommandContext ctx) {
        KeyEntry e = ctx.entry(ctx.arg(1), ValueType.HASH);
        if (e == null) {
            ctx.reply().integer(0);
            return;
        }
        HashValue current = (HashValue) e.value();
        boolean any = false;
        for (int i = 2; i < ctx.argc() && !any; i++) {
            any = current.contains(ctx.arg(i));
        }
        if (!any) {
            ctx.reply().integer(0); // nothing changes: no WATCH signal, nothing to propagate
            return;
        }
        HashValue h = ctx.db().mutable(e);
        long deleted = 0;
        for (int i = 2; i < ctx.argc(); i++) {
            if (h.remove(ctx.arg(i))) {
                deleted++;
            }
        }
        ctx.db().changed(e); // deletes the key once its last field is gone
        ctx.dirty(deleted);
        ctx.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hdel", ctx.arg(1));
        if (ctx.db().peek(ctx.arg(1)) == null) {
            ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", ctx.arg(1));
        }
        ctx.reply().integer(deleted);
    }

    /** HKEYS, HVALS, HGETALL: a map in RESP3 when both fields and values are returned. */
    static void getAll(CommandContext ctx, boolean fields, boolean values) {
        HashValue h = hash(ctx, ctx.arg(1));
        RespWriter r = ctx.reply();
        int n = h == null ? 0 : h.size();
        if (fields && values) {
            r.map(n);
        } else {
            r.array(n);
        }
        if (h != null) {
            h.forEach(f -> {
                if (fields) {
                    r.bulk(f.field());
                }
                if (values) {
                    r.bulk(f.value());
                }
            });
        }
    }

    static void hincrby(CommandContext ctx) {
        long by = ctx.longArg(3);
        byte[] key = ctx.arg(1);
        byte[] field = ctx.arg(2);
        KeyEntry e = ctx.entry(key, ValueType.HASH);
        long current = 0;
        byte[] stored = e == null ? null : ((HashValue) e.value()).get(field);
        if (stored != null) {
            Long parsed = CommandContext.parseLongOrNull(stored);
            if (parsed == null) {
                throw new CommandError("ERR hash value is not an integer");
            }
            current = parsed;
        }
        if ((by < 0 && current < 0 && by < Long.MIN_VALUE - current)
                || (by > 0 && current > 0 && by > Long.MAX_VALUE - current)) {
            throw new CommandError(Errors.OVERFLOW);
        }
        long result = current + by;
        putField(ctx, e, key, field, bytes(result));
        ctx.dirty();
        ctx.reply().integer(result);
        ctx.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hincrby", key);
    }

    /** Long double arithmetic like Redis; replicated as HSET with the result so replicas never redo the math. */
    static void hincrbyfloat(CommandContext ctx) {
        LongDouble by = LongDouble.parse(ctx.arg(3));
        if (by == null) {
            throw new CommandError(Errors.NOT_FLOAT);
        }
        if (by.isInfinite()) {
            throw new CommandError("ERR value is NaN or Infinity");
        }
        byte[] key = ctx.arg(1);
        byte[] field = ctx.arg(2);
        KeyEntry e = ctx.entry(key, ValueType.HASH);
        LongDouble current = LongDouble.ZERO;
        byte[] stored = e == null ? null : ((HashValue) e.value()).get(field);
        if (stored != null) {
            current = LongDouble.parse(stored);
            if (current == null) {
                throw new CommandError("ERR hash value is not a float");
            }
        }
        LongDouble sum = current.add(by);
        if (sum == null || sum.isInfinite()) {
            throw new CommandError("ERR increment would produce NaN or Infinity");
        }
        byte[] result = bytes(sum.toHumanString());
        putField(ctx, e, key, field, result);
        ctx.dirty();
        ctx.reply().bulk(result);
        ctx.notifyKeyspaceEvent(KeyspaceEvents.HASH, "hincrbyfloat", key);
        ctx.propagate(HSET, key, field, result);
    }

    static void hrandfield(CommandContext ctx) {
        if (ctx.argc() == 2) {
            HashValue h = hash(ctx, ctx.arg(1));
            ctx.reply().bulk(h == null ? null : h.random().field());
            return;
        }
        long count = RandomCounts.parse(ctx, 2);
        boolean withValues = false;
        if (ctx.argc() > 4 || (ctx.argc() == 4 && !ctx.optionIs(3, "withvalues"))) {
            throw Errors.syntax();
        } else if (ctx.argc() == 4) {
            withValues = true;
            if (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2) {
                throw new CommandError("ERR value is out of range");
            }
        }
        HashValue h = hash(ctx, ctx.arg(1));
        RespWriter r = ctx.reply();
        if (h == null || count == 0) {
            r.emptyArray();
            return;
        }
        boolean pairs = withValues && r.resp3(); // RESP3 nests each field/value pair, RESP2 flattens them
        int perField = withValues && !r.resp3() ? 2 : 1;
        if (count < 0 || count == 1) {
            // With repetitions (or just one): independent random picks, in random order.
            int n = RandomCounts.replyLength(Math.abs(count));
            r.array(Math.multiplyExact(n, perField));
            for (int i = 0; i < n; i++) {
                writeField(r, h.random(), withValues, pairs);
                if (RandomCounts.closedForOutput(ctx, i)) {
                    break; // CLIENT_CLOSE_ASAP: the client is gone, stop mid-run
                }
            }
            return;
        }
        List<HashValue.Field> picked;
        if (count >= h.size()) {
            picked = h.fields();
        } else if (!h.isListpack() && count * RandomCounts.SUB_STRATEGY_MUL <= h.size()) {
            picked = RandomCounts.distinctByPicking(h::random, (int) count, f -> f);
        } else {
            picked = RandomCounts.distinct(h.fields(), (int) count, h.isListpack());
        }
        r.array(picked.size() * perField);
        for (HashValue.Field f : picked) {
            writeField(r, f, withValues, pairs);
        }
    }

    private static void writeField(RespWriter r, HashValue.Field f, boolean withValues, boolean pairs) {
        if (pairs) {
            r.array(2);
        }
        r.bulk(f.field());
        if (withValues) {
            r.bulk(f.value());
        }
    }

    static void hscan(CommandContext ctx) {
        long cursor = CollectionScan.parseCursor(ctx.arg(2));
        HashValue h = hash(ctx, ctx.arg(1));
        if (h == null) {
            ctx.reply().raw(CollectionScan.EMPTY);
            return;
        }
        CollectionScan scan = CollectionScan.options(ctx, 3);
        List<byte[]> out = new ArrayList<>();
        if (h.isListpack()) {
            // Redis returns a small hash whole, in one call, whatever the cursor and COUNT.
            cursor = h.scan(cursor, f -> addIfMatches(scan, out, f));
        } else {
            long budget = scan.maxIterations();
            List<HashValue.Field> found = new ArrayList<>();
            do {
                cursor = h.scan(cursor, found::add);
            } while (cursor != 0 && budget-- > 0 && found.size() * 2L < scan.count);
            for (HashValue.Field f : found) {
                addIfMatches(scan, out, f);
            }
        }
        CollectionScan.reply(ctx, cursor, out);
    }

    private static void addIfMatches(CollectionScan scan, List<byte[]> out, HashValue.Field f) {
        if (scan.matches(f.field())) {
            out.add(f.field());
            out.add(f.value());
        }
    }
}
