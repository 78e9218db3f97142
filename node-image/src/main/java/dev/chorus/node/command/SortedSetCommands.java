package dev.chorus.node.command;

import dev.chorus.node.command.meta.KeysProc;
import dev.chorus.node.resp.Doubles;
import dev.chorus.node.resp.RespWriter;
import dev.chorus.node.store.Database;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.LexRange;
import dev.chorus.node.store.ScoreRange;
import dev.chorus.node.store.SkipList.Node;
import dev.chorus.node.store.ValueType;
import dev.chorus.node.store.ZSetValue;
import java.nio.charset.StandardCharsets;
import dev.chorus.node.command.blocking.BlockedClients;
import dev.chorus.node.command.blocking.Timeouts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The sorted set commands (t_zset.c), Redis 7.0 semantics. Set algebra lives in {@link ZSetAlgebra}. */
public final class SortedSetCommands implements CommandFamily {

    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(
                CommandSpec.of("zadd", -4, "write denyoom fast", SortedSetCommands::zadd),
                CommandSpec.of("zincrby", 4, "write denyoom fast", SortedSetCommands::zincrby),
                CommandSpec.of("zrem", -3, "write fast", SortedSetCommands::zrem),
                CommandSpec.of("zcard", 2, "readonly fast", SortedSetCommands::zcard),
                CommandSpec.of("zscore", 3, "readonly fast", SortedSetCommands::zscore),
                CommandSpec.of("zmscore", -3, "readonly fast", SortedSetCommands::zmscore),
                CommandSpec.of("zrank", 3, "readonly fast", ctx -> zrank(ctx, false)),
                CommandSpec.of("zrevrank", 3, "readonly fast", ctx -> zrank(ctx, true)),
                CommandSpec.of("zcount", 4, "readonly fast", SortedSetCommands::zcount),
                CommandSpec.of("zlexcount", 4, "readonly fast", SortedSetCommands::zlexcount),
                CommandSpec.of("zrange", -4, "readonly",
                        ctx -> ZRange.run(ctx, 1, false, ZRange.Type.AUTO, ZRange.Direction.AUTO)),
                CommandSpec.of("zrangestore", -5, "write denyoom",
                        ctx -> ZRange.run(ctx, 2, true, ZRange.Type.AUTO, ZRange.Direction.AUTO)),
                CommandSpec.of("zrevrange", -4, "readonly",
                        ctx -> ZRange.run(ctx, 1, false, ZRange.Type.RANK, ZRange.Direction.REVERSE)),
                CommandSpec.of("zrangebyscore", -4, "readonly",
                        ctx -> ZRange.run(ctx, 1, false, ZRange.Type.SCORE, ZRange.Direction.FORWARD)),
                CommandSpec.of("zrevrangebyscore", -4, "readonly",
                        ctx -> ZRange.run(ctx, 1, false, ZRange.Type.SCORE, ZRange.Direction.REVERSE)),
                CommandSpec.of("zrangebylex", -4, "readonly",
                        ctx -> ZRange.run(ctx, 1, false, ZRange.Type.LEX, ZRange.Direction.FORWARD)),
                CommandSpec.of("zrevrangebylex", -4, "readonly",
                        ctx -> ZRange.run(ctx, 1, false, ZRange.Type.LEX, ZRange.Direction.REVERSE)),
                CommandSpec.of("zremrangebyrank", 4, "write", SortedSetCommands::zremrangebyrank),
                CommandSpec.of("zremrangebyscore", 4, "write", SortedSetCommands::zremrangebyscore),
                CommandSpec.of("zremrangebylex", 4, "write", SortedSetCommands::zremrangebylex),
                CommandSpec.of("zunion", -3, "readonly",
                        ctx -> ZSetAlgebra.run(ctx, null, 1, ZSetAlgebra.Op.UNION, false))
                        .getKeys(KeysProc.numKeys(0, 1, 2)),
                CommandSpec.of("zinter", -3, "readonly",
                        ctx -> ZSetAlgebra.run(ctx, null, 1, ZSetAlgebra.Op.INTER, false))
                        .getKeys(KeysProc.numKeys(0, 1, 2)),
                CommandSpec.of("zdiff", -3, "readonly",
                        ctx -> ZSetAlgebra.run(ctx, null, 1, ZSetAlgebra.Op.DIFF, false))
                        .getKeys(KeysProc.numKeys(0, 1, 2)),
                CommandSpec.of("zunionstore", -4, "write denyoom",
                        ctx -> ZSetAlgebra.run(ctx, ctx.arg(1), 2, ZSetAlgebra.Op.UNION, false))
                        .getKeys(KeysProc.numKeys(1, 2, 3)),
                CommandSpec.of("zinterstore", -4, "write denyoom",
                        ctx -> ZSetAlgebra.run(ctx, ctx.arg(1), 2, ZSetAlgebra.Op.INTER, false))
                        .getKeys(KeysProc.numKeys(1, 2, 3)),
                CommandSpec.of("zdiffstore", -4, "write denyoom",
                        ctx -> ZSetAlgebra.run(ctx, ctx.arg(1), 2, ZSetAlgebra.Op.DIFF, false))
                        .getKeys(KeysProc.numKeys(1, 2, 3)),
                CommandSpec.of("zintercard", -3, "readonly",
                        ctx -> ZSetAlgebra.run(ctx, null, 1, ZSetAlgebra.Op.INTER, true))
                        .getKeys(KeysProc.numKeys(0, 1, 2)),
                CommandSpec.of("zpopmin", -2, "write fast", ctx -> zpop(ctx, false)),
                CommandSpec.of("zpopmax", -2, "write fast", ctx -> zpop(ctx, true)),
                CommandSpec.of("zmpop", -4, "write", SortedSetCommands::zmpop).getKeys(KeysProc.numKeys(0, 1, 2)),
                CommandSpec.of("bzpopmin", -3, "write noscript blocking fast", ctx -> bzpop(ctx, false)),
                CommandSpec.of("bzpopmax", -3, "write noscript blocking fast", ctx -> bzpop(ctx, true)),
                CommandSpec.of("bzmpop", -5, "write blocking", SortedSetCommands::bzmpop)
                        .getKeys(KeysProc.numKeys(0, 2, 3)),
                CommandSpec.of("zrandmember", -2, "readonly", ZRandMember::run),
                CommandSpec.of("zscan", -3, "readonly", SortedSetCommands::zscan));
    }

    // ---- reply helpers ----

    /** Array header for n members, with scores flat in RESP2 and as [member, score] pairs in RESP3. */
    static void beginElements(RespWriter w, int n, boolean withScores) {
        w.array(withScores && !w.resp3() ? n * 2 : n);
    }

    static void element(RespWriter w, byte[] member, double score, boolean withScores) {
        if (withScores && w.resp3()) {
            w.array(2);
        }
        w.bulk(member);
        if (withScores) {
            w.doubleValue(score);
        }
    }

    static void replyElements(RespWriter w, List<Node> nodes, boolean withScores) {
        beginElements(w, nodes.size(), withScores);
        for (Node n : nodes) {
            element(w, n.member(), n.score(), withScores);
        }
    }

    static ZSetValue zset(KeyEntry e) {
        return (ZSetValue) e.value();
    }

    // ---- ZADD / ZINCRBY ----

    /** ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...] (zaddGenericCommand). */
    static void zadd(CommandContext ctx) {
        int idx = 2;
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        boolean ch = false;
        boolean incr = false;
        parse:
        for (; idx < ctx.argc(); idx++) {
            byte[] arg = ctx.arg(idx);
            if (arg.length < 2 || arg.length > 4 || !Character.isLetter(arg[0])) {
                break; // a score (no option is shorter than 2 or longer than 4 letters): no String to make
            }
            switch (ctx.option(idx)) {
                case "nx" -> nx = true;
                case "xx" -> xx = true;
                case "gt" -> gt = true;
                case "lt" -> lt = true;
                case "ch" -> ch = true;
                case "incr" -> incr = true;
                default -> {
                    break parse;
                }
            }
        }
        int elements = ctx.argc() - idx;
        if (elements == 0 || elements % 2 != 0) {
            throw Errors.syntax();
        }
        elements /= 2;
        if (nx && xx) {
            throw new CommandError("ERR XX and NX options at the same time are not compatible");
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            throw new CommandError("ERR GT, LT, and/or NX options at the same time are not compatible");
        }
        if (incr && elements > 1) {
            throw new CommandError("ERR INCR option supports a single increment-element pair");
        }
        double[] scores = new double[elements];
        for (int j = 0; j < elements; j++) {
            scores[j] = ZSetArgs.doubleArg(ctx, idx + 2 * j, Errors.NOT_FLOAT);
        }
        byte[][] members = new byte[elements][];
        for (int j = 0; j < elements; j++) {
            members[j] = ctx.arg(idx + 2 * j + 1);
        }
        addGeneric(ctx, new AddFlags(nx, xx, gt, lt, incr), scores, members, ch);
    }

    /** ZINCRBY key increment member: ZADD INCR under another name. */
    private static void zincrby(CommandContext ctx) {
        double incr = ZSetArgs.doubleArg(ctx, 2, Errors.NOT_FLOAT);
        addGeneric(ctx, new AddFlags(false, false, false, false, true), new double[] {incr},
                new byte[][] {ctx.arg(3)}, false);
    }

    private record AddFlags(boolean nx, boolean xx, boolean gt, boolean lt, boolean incr) {
    }

    private static void addGeneric(CommandContext ctx, AddFlags f, double[] scores, byte[][] members, boolean ch) {
        byte[] key = ctx.arg(1);
        Database db = ctx.db();
        KeyEntry e = ctx.entry(key, ValueType.ZSET);
        if (e == null && f.xx) {
            replyAdd(ctx, f, ch, new Outcome());
            return;
        }
        if (e != null && f.incr && !f.nx) {
            // With INCR there is a single pair; a NaN sum must fail before anything changes.
            Node n = zset(e).node(members[0]);
            if (n != null && Double.isNaN(n.score() + scores[0])) {
                throw new CommandError(ZSetArgs.NAN_ERROR);
            }
        }
        if (e != null) {
            Outcome dry = apply(zset(e), f, scores, members, false);
            if (dry.added + dry.updated == 0) {
                // Nothing to do: leave the key untouched, so WATCH and blocked clients see no change either.
                replyAdd(ctx, f, ch, dry);
                return;
            }
        }
        ZSetValue z = e == null ? new ZSetValue() : db.mutable(e);
        Outcome done;
        try {
            done = apply(z, f, scores, members, true);
        } finally {
            if (e == null) {
                db.set(key, z, 0);
            } else {
                db.changed(e);
            }
        }
        ctx.dirty(done.added + done.updated);
        replyAdd(ctx, f, ch, done);
        if (done.added + done.updated > 0) {
            ctx.notifyKeyspaceEvent(KeyspaceEvents.ZSET, f.incr ? "zincr" : "zadd", key);
        }
    }

    /** What ZADD did: counts for the reply and the last score set (the INCR reply). */
    private static final class Outcome {
        int added;
        int updated;
        int processed;
        double last;
    }

    /**
     * zsetAdd for each pair in turn. Without {@code write} nothing is changed and the walk stops at the first pair
     * that would change the set: until then the set is as it was, so the answer is exact even with repeated members.
     */
    private static Outcome apply(ZSetValue z, AddFlags f, double[] scores, byte[][] members, boolean write) {
        Outcome o = new Outcome();
        for (int j = 0; j < members.length; j++) {
            double score = scores[j];
            Node n = z.node(members[j]);
            if (n != null) {
                if (f.nx) {
                    continue;
                }
                double cur = n.score();
                if (f.incr) {
                    score += cur;
                }
                if ((f.lt && score >= cur) || (f.gt && score <= cur)) {
                    continue;
                }
                o.last = score;
                o.processed++;
                if (score != cur) {
                    o.updated++;
                    if (!write) {
                        return o;
                    }
                    z.updateScore(n, score);
                }
            } else if (!f.xx) {
                o.added++;
                o.processed++;
                o.last = score;
                if (!write) {
                    return o;
                }
                z.insert(members[j], score);
            }
        }
        return o;
    }

    private static void replyAdd(CommandContext ctx, AddFlags f, boolean ch, Outcome o) {
        if (f.incr) {
            if (o.processed > 0) {
                ctx.reply().doubleValue(o.last);
            } else {
                ctx.reply().nullBulk();
            }
        } else {
            ctx.reply().integer(ch ? o.added + o.updated : o.added);
        }
    }

    // ---- removal and lookups ----

    private static void zrem(CommandContext ctx) {
        KeyEntry e = ctx.entry(ctx.arg(1), ValueType.ZSET);
        if (e == null) {
            ctx.reply().integer(0);
            return;
        }
        boolean present = false;
        for (int i = 2; i < ctx.argc() && !present; i++) {
            present = zset(e).contains(ctx.arg(i));
        }
        if (!present) {
            ctx.reply().integer(0);
            return;
        }
        Database db = ctx.db();
        ZSetValue z = db.mutable(e);
        int deleted = 0;
        for (int i = 2; i < ctx.argc() && z.size() > 0; i++) {
            if (z.remove(ctx.arg(i))) {
                deleted++;
            }
        }
        db.changed(e);
        ctx.dirty(deleted);
        if (deleted > 0) {
            ctx.notifyKeyspaceEvent(KeyspaceEvents.ZSET, "zrem", ctx.arg(1));
            if (db.peek(ctx.arg(1)) == null) {
                ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", ctx.arg(1));
            }
        }
        ctx.reply().integer(deleted);
    }

    private static void zcard(CommandContext ctx) {
        ZSetValue z = ctx.value(ctx.arg(1), ValueType.ZSET);
        ctx.reply().integer(z == null ? 0 : z.size());
    }

    private static void zscore(CommandContext ctx) {
        ZSetValue z = ctx.value(ctx.arg(1), ValueType.ZSET);
        Double score = z == null ? null : z.score(ctx.arg(2));
        if (score == null) {
            ctx.reply().nullBulk();
        } else {
            ctx.reply().doubleValue(score);
        }
    }

    private static void zmscore(CommandContext ctx) {
        ZSetValue z = ctx.value(ctx.arg(1), ValueType.ZSET);
        RespWriter w = ctx.reply();
        w.array(ctx.argc() - 2);
        for (int i = 2; i < ctx.argc(); i++) {
            Double score = z == null ? null : z.score(ctx.arg(i));
            if (score == null) {
                w.nullBulk();
            } else {
                w.doubleValue(score);
            }
        }
    }

    private static void zrank(CommandContext ctx, boolean reverse) {
        ZSetValue z = ctx.value(ctx.arg(1), ValueType.ZSET);
        Node n = z == null ? null : z.node(ctx.arg(2));
        if (n == null) {
            ctx.reply().nullBulk();
            return;
        }
        long rank = z.rank(n);
        ctx.reply().integer(reverse ? z.size() - 1 - rank : rank);
    }

    private static void zcount(CommandContext ctx) {
        ScoreRange range = ZSetArgs.scoreRange(ctx.arg(2), ctx.arg(3));
        ZSetValue z = ctx.value(ctx.arg(1), ValueType.ZSET);
        ctx.reply().integer(z == null ? 0 : z.count(range));
    }

    private static void zlexcount(CommandContext ctx) {
        LexRange range = ZSetArgs.lexRange(ctx.arg(2), ctx.arg(3));
        ZSetValue z = ctx.value(ctx.arg(1), ValueType.ZSET);
        ctx.reply().integer(z == null ? 0 : z.count(range));
    }

    // ---- ZREMRANGEBY* ----

    private static void zremrangebyrank(CommandContext ctx) {
        long start = ctx.longArg(2);
        long end = ctx.longArg(3);
        KeyEntry e = ctx.entry(ctx.arg(1), ValueType.ZSET);
        if (e == null) {
            ctx.reply().integer(0);
            return;
        }
        long llen = zset(e).size();
        if (start < 0) {
            start = llen + start;
        }
        if (end < 0) {
            end = llen + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > end || start >= llen) {
            ctx.reply().integer(0);
            return;
        }
        if (end >= llen) {
            end = llen - 1;
        }
        long from = start;
        long to = end;
        removeRange(ctx, e, z -> z.removeRankRange(from, to));
    }

    private static void zremrangebyscore(CommandContext ctx) {
        ScoreRange range = ZSetArgs.scoreRange(ctx.arg(2), ctx.arg(3));
        KeyEntry e = ctx.entry(ctx.arg(1), ValueType.ZSET);
        if (e == null) {
            ctx.reply().integer(0);
            return;
        }
        if (zset(e).firstInRange(range) == null) {
            ctx.reply().integer(0);
            return;
        }
        removeRange(ctx, e, z -> z.removeRange(range));
    }

    private static void zremrangebylex(CommandContext ctx) {
        LexRange range = ZSetArgs.lexRange(ctx.arg(2), ctx.arg(3));
        KeyEntry e = ctx.entry(ctx.arg(1), ValueType.ZSET);
        if (e == null) {
            ctx.reply().integer(0);
            return;
        }
        if (zset(e).firstInRange(range) == null) {
            ctx.reply().integer(0);
            return;
        }
        removeRange(ctx, e, z -> z.removeRange(range));
    }

    private static void removeRange(CommandContext ctx, KeyEntry e, java.util.function.ToIntFunction<ZSetValue> op) {
        Database db = ctx.db();
        ZSetValue z = db.mutable(e);
        int deleted;
        try {
            deleted = op.applyAsInt(z);
        } finally {
            db.changed(e);
        }
        ctx.dirty(deleted);
        if (deleted > 0) {
            ctx.notifyKeyspaceEvent(KeyspaceEvents.ZSET, ctx.spec().name(), ctx.arg(1));
            if (db.peek(ctx.arg(1)) == null) {
                ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", ctx.arg(1));
            }
        }
        ctx.reply().integer(deleted);
    }

    // ---- ZPOPMIN / ZPOPMAX / ZMPOP and their blocking forms ----

    /** The reply shapes of genericZpopCommand, with what each propagates. */
    enum PopShape {
        /** ZPOPMIN/ZPOPMAX: flat [member, score...]; with COUNT under RESP3, [[member, score]...]. Propagated as is. */
        ZPOP,
        /** BZPOPMIN/BZPOPMAX: [key, member, score]; replicated as ZPOPMIN/ZPOPMAX key. */
        BZPOP,
        /** ZMPOP/BZMPOP: [key, [[member, score]...]]; replicated as ZPOPMIN/ZPOPMAX key popped-count. */
        MPOP
    }

    /** ZPOPMIN|ZPOPMAX key [count]. */
    private static void zpop(CommandContext ctx, boolean max) {
        if (ctx.argc() > 3) {
            throw Errors.syntax();
        }
        long count = -1; // a plain single pop
        if (ctx.argc() == 3) {
            count = ZSetArgs.nonNegativeLong(ctx, 2);
        }
        KeyEntry e = ctx.entry(ctx.arg(1), ValueType.ZSET);
        if (e == null) {
            ctx.reply().emptyArray();
            return;
        }
        popFrom(ctx, ctx.arg(1), max, PopShape.ZPOP, count);
    }

    /** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]. */
    private static void zmpop(CommandContext ctx) {
        MpopArgs a = MpopArgs.parse(ctx, 1);
        byte[] key = firstZSetKey(ctx, a.keys);
        if (key == null) {
            ctx.reply().nullArray();
            return;
        }
        popFrom(ctx, key, a.max, PopShape.MPOP, a.count);
    }

    /** BZPOPMIN|BZPOPMAX key [key ...] timeout. */
    private static void bzpop(CommandContext ctx, boolean max) {
        long timeout = Timeouts.parseSeconds(ctx.arg(ctx.argc() - 1));
        byte[][] keys = Arrays.copyOfRange(ctx.argv(), 1, ctx.argc() - 1);
        popOrBlock(ctx, keys, max, PopShape.BZPOP, -1, timeout);
    }

    /** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: the timeout is checked after the rest. */
    private static void bzmpop(CommandContext ctx) {
        MpopArgs a = MpopArgs.parse(ctx, 2);
        long timeout = Timeouts.parseSeconds(ctx.arg(1));
        popOrBlock(ctx, a.keys, a.max, PopShape.MPOP, a.count, timeout);
    }

    private static void popOrBlock(CommandContext ctx, byte[][] keys, boolean max, PopShape shape, long count,
            long timeout) {
        byte[] key = firstZSetKey(ctx, keys);
        if (key != null) {
            popFrom(ctx, key, max, shape, count);
        } else if (!BlockedClients.mayBlock(ctx)) {
            ctx.reply().nullArray(); // inside MULTI: as if timed out at once
        } else {
            ctx.server().blockedClients().block(ctx, ValueType.ZSET, Arrays.asList(keys), timeout, (c, ready) -> {
                popFrom(c, ready, max, shape, count);
                return true;
            });
        }
    }

    /** The parsed arguments of ZMPOP / BZMPOP, starting at the numkeys argument. */
    record MpopArgs(byte[][] keys, boolean max, long count) {
        static MpopArgs parse(CommandContext ctx, int numkeysIdx) {
            long numkeys = ZSetArgs.longInRange(ctx, numkeysIdx, 1, Long.MAX_VALUE,
                    "ERR numkeys should be greater than 0");
            long whereIdx = numkeysIdx + numkeys + 1;
            if (whereIdx >= ctx.argc()) {
                throw Errors.syntax();
            }
            boolean max;
            switch (ctx.option((int) whereIdx)) {
                case "min" -> max = false;
                case "max" -> max = true;
                default -> throw Errors.syntax();
            }
            long count = -1;
            for (int j = (int) whereIdx + 1; j < ctx.argc(); j++) {
                boolean moreArgs = ctx.argc() - 1 - j > 0;
                if (count == -1 && ctx.optionIs(j, "count") && moreArgs) {
                    j++;
                    count = ZSetArgs.longInRange(ctx, j, 1, Long.MAX_VALUE, "ERR count should be greater than 0");
                } else {
                    throw Errors.syntax();
                }
            }
            byte[][] keys = Arrays.copyOfRange(ctx.argv(), numkeysIdx + 1, (int) whereIdx);
            return new MpopArgs(keys, max, count == -1 ? 1 : count);
        }
    }

    /** The first key holding a sorted set; a key of another type met before it is WRONGTYPE. */
    private static byte[] firstZSetKey(CommandContext ctx, byte[][] keys) {
        for (byte[] k : keys) {
            if (ctx.entry(k, ValueType.ZSET) != null) {
                return k;
            }
        }
        return null;
    }

    /**
     * genericZpopCommand on an existing sorted set: pops up to {@code count} members (-1: a single pop, no COUNT
     * given), replies in the {@code shape} and declares what replicas get.
     */
    static void popFrom(CommandContext ctx, byte[] key, boolean max, PopShape shape, long count) {
        RespWriter w = ctx.reply();
        if (count == 0) {
            w.emptyArray();
            return;
        }
        Database db = ctx.db();
        KeyEntry e = ctx.entry(key, ValueType.ZSET);
        ZSetValue z = db.mutable(e);
        int n = (int) Math.min(count == -1 ? 1 : count, z.size());
        List<Node> popped = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                Node node = max ? z.last() : z.first();
                z.remove(node);
                popped.add(node);
            }
        } finally {
            db.changed(e);
        }
        ctx.dirty(n);
        boolean nested;
        switch (shape) {
            case ZPOP -> {
                nested = w.resp3() && count != -1;
                w.array(nested ? n : n * 2);
            }
            case BZPOP -> {
                nested = false;
                w.array(n * 2 + 1);
                w.bulk(key);
                ctx.propagate(CommandContext.bytes(max ? "ZPOPMAX" : "ZPOPMIN"), key);
            }
            default -> {
                nested = true;
                w.array(2);
                w.bulk(key);
                w.array(n);
                ctx.propagate(CommandContext.bytes(max ? "ZPOPMAX" : "ZPOPMIN"), key, CommandContext.bytes(n));
            }
        }
        if (n > 0) {
            // genericZpopCommand publishes between the reply's header and its elements.
            ctx.notifyKeyspaceEvent(KeyspaceEvents.ZSET, max ? "zpopmax" : "zpopmin", key);
        }
        for (Node node : popped) {
            if (nested) {
                w.array(2);
            }
            w.bulk(node.member());
            w.doubleValue(node.score());
        }
        if (n > 0) {
            if (db.peek(key) == null) {
                ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key);
            }
        }
    }

    // ---- ZSCAN ----

    /** ZSCAN key cursor [MATCH pattern] [COUNT count]. */
    private static void zscan(CommandContext ctx) {
        long cursor = CollectionScan.parseCursor(ctx.arg(2));
        ZSetValue z = ctx.value(ctx.arg(1), ValueType.ZSET);
        if (z == null) {
            ctx.reply().raw(CollectionScan.EMPTY);
            return;
        }
        CollectionScan scan = CollectionScan.options(ctx, 3);
        List<Node> found = new ArrayList<>();
        if (z.isListpack()) {
            // A listpack is returned whole, in order, in one call.
            for (Node n = z.first(); n != null; n = n.next()) {
                found.add(n);
            }
            cursor = 0;
        } else {
            // Redis counts members and scores alike against twice COUNT, and iterates ten times that at most.
            long maxIterations = scan.maxIterations() > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : scan.maxIterations() * 2;
            do {
                cursor = z.scan(cursor, found::add);
            } while (cursor != 0 && maxIterations-- > 0 && found.size() < scan.count);
        }
        List<byte[]> elements = new ArrayList<>(found.size() * 2);
        for (Node n : found) {
            if (scan.matches(n.member())) {
                elements.add(n.member());
                elements.add(Doubles.format(n.score()).getBytes(StandardCharsets.US_ASCII));
            }
        }
        CollectionScan.reply(ctx, cursor, elements);
    }
}
