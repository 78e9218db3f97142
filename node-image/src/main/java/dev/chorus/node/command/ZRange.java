package dev.chorus.node.command;

import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.LexRange;
import dev.chorus.node.store.ScoreRange;
import dev.chorus.node.store.SkipList.Node;
import dev.chorus.node.store.ValueType;
import dev.chorus.node.store.ZSetValue;
import java.util.ArrayList;
import java.util.List;

/**
 * The ZRANGE family (zrangeGenericCommand): ZRANGE's unified syntax, the legacy ZREV/BYSCORE/BYLEX commands (the same
 * code with the type or direction fixed, so their extra options are syntax errors) and ZRANGESTORE.
 */
final class ZRange {
    enum Type { AUTO, RANK, SCORE, LEX }

    enum Direction { AUTO, FORWARD, REVERSE }

    private ZRange() {
    }

    /** {@code argStart} is the source key's position; with {@code store}, argument 1 is the destination. */
    static void run(CommandContext ctx, int argStart, boolean store, Type type, Direction direction) {
        byte[] key = ctx.arg(argStart);
        int minIdx = argStart + 1;
        int maxIdx = argStart + 2;
        boolean withScores = false;
        long offset = 0;
        long limit = -1;

        for (int j = argStart + 3; j < ctx.argc(); j++) {
            int left = ctx.argc() - j - 1;
            String opt = ctx.option(j);
            if (!store && opt.equals("withscores")) {
                withScores = true;
            } else if (opt.equals("limit") && left >= 2) {
                offset = ctx.longArg(j + 1);
                limit = ctx.longArg(j + 2);
                j += 2;
            } else if (direction == Direction.AUTO && opt.equals("rev")) {
                direction = Direction.REVERSE;
            } else if (type == Type.AUTO && opt.equals("bylex")) {
                type = Type.LEX;
            } else if (type == Type.AUTO && opt.equals("byscore")) {
                type = Type.SCORE;
            } else {
                throw Errors.syntax();
            }
        }
        if (direction == Direction.AUTO) {
            direction = Direction.FORWARD;
        }
        if (type == Type.AUTO) {
            type = Type.RANK;
        }
        // LIMIT 0 -1 is indistinguishable from no LIMIT, exactly as in Redis.
        if (limit != -1 && type == Type.RANK) {
            throw new CommandError(
                    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
        }
        if (withScores && type == Type.LEX) {
            throw new CommandError("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        }
        boolean reverse = direction == Direction.REVERSE;
        if (reverse && type != Type.RANK) {
            // Reverse score and lex ranges are given as max, min.
            int t = minIdx;
            minIdx = maxIdx;
            maxIdx = t;
        }

        long start = 0;
        long end = 0;
        ScoreRange scoreRange = null;
        LexRange lexRange = null;
        switch (type) {
            case SCORE -> scoreRange = ZSetArgs.scoreRange(ctx.arg(minIdx), ctx.arg(maxIdx));
            case LEX -> lexRange = ZSetArgs.lexRange(ctx.arg(minIdx), ctx.arg(maxIdx));
            default -> {
                start = ctx.longArg(minIdx);
                end = ctx.longArg(maxIdx);
            }
        }

        KeyEntry e = ctx.db().lookup(key);
        if (e == null) {
            ctx.keyMiss(key);
            finish(ctx, store, List.of(), withScores);
            return;
        }
        if (e.type() != ValueType.ZSET) {
            throw Errors.wrongType();
        }
        ZSetValue z = (ZSetValue) e.value();
        List<Node> result = switch (type) {
            case SCORE -> byScore(z, scoreRange, offset, limit, reverse);
            case LEX -> byLex(z, lexRange, offset, limit, reverse);
            default -> byRank(z, start, end, reverse);
        };
        finish(ctx, store, result, withScores);
    }

    private static void finish(CommandContext ctx, boolean store, List<Node> result, boolean withScores) {
        if (!store) {
            SortedSetCommands.replyElements(ctx.reply(), result, withScores);
            return;
        }
        byte[] dst = ctx.arg(1);
        if (result.isEmpty()) {
            ctx.reply().integer(0);
            if (ctx.db().delete(dst)) {
                ctx.dirty();
                ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", dst);
            }
            return;
        }
        // Built like zrangeResultEmitCBufferForStore: a listpack-first set filled in emission order.
        ZSetValue out = new ZSetValue();
        for (Node n : result) {
            out.insert(n.member(), n.score());
        }
        ctx.db().set(dst, out, 0);
        ctx.dirty();
        ctx.reply().integer(result.size());
        ctx.notifyKeyspaceEvent(KeyspaceEvents.ZSET, "zrangestore", dst);
    }

    static List<Node> byRank(ZSetValue z, long start, long end, boolean reverse) {
        long llen = z.size();
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
            return List.of();
        }
        if (end >= llen) {
            end = llen - 1;
        }
        int n = (int) (end - start + 1);
        List<Node> out = new ArrayList<>(n);
        Node node = reverse ? z.byRank(llen - 1 - start) : z.byRank(start);
        for (int i = 0; i < n; i++) {
            out.add(node);
            node = reverse ? node.prev() : node.next();
        }
        return out;
    }

    static List<Node> byScore(ZSetValue z, ScoreRange range, long offset, long limit, boolean reverse) {
        return walk(z, () -> reverse ? z.lastInRange(range) : z.firstInRange(range), offset, limit, reverse,
                n -> reverse ? range.aboveMin(n.score()) : range.belowMax(n.score()));
    }

    static List<Node> byLex(ZSetValue z, LexRange range, long offset, long limit, boolean reverse) {
        return walk(z, () -> reverse ? z.lastInRange(range) : z.firstInRange(range), offset, limit, reverse,
                n -> reverse ? range.aboveMin(n.member()) : range.belowMax(n.member()));
    }

    /**
     * From the range's first node (last when reversed), skip {@code offset} nodes, then collect up to {@code limit}
     * while {@code inRange} holds for the far bound.
     */
    private static List<Node> walk(ZSetValue z, java.util.function.Supplier<Node> start, long offset, long limit,
                                   boolean reverse, java.util.function.Predicate<Node> inRange) {
        if (offset > 0 && offset >= z.size()) {
            return List.of();
        }
        Node n = start.get();
        // A negative offset walks off the end (as the C loop does), giving an empty result.
        while (n != null && offset-- != 0) {
            n = reverse ? n.prev() : n.next();
        }
        List<Node> out = new ArrayList<>();
        while (n != null && limit-- != 0) {
            if (!inRange.test(n)) {
                break;
            }
            out.add(n);
            n = reverse ? n.prev() : n.next();
        }
        return out;
    }
}
