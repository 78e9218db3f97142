package dev.chorus.node.command;

import dev.chorus.node.resp.RespWriter;
import dev.chorus.node.store.SkipList.Node;
import dev.chorus.node.store.ValueType;
import dev.chorus.node.store.ZSetValue;
import java.util.ArrayList;
import java.util.List;

/** ZRANDMEMBER key [count [WITHSCORES]] (zrandmemberCommand / zrandmemberWithCountCommand). */
final class ZRandMember {
    private ZRandMember() {
    }

    static void run(CommandContext ctx) {
        RespWriter w = ctx.reply();
        if (ctx.argc() == 2) {
            ZSetValue z = ctx.value(ctx.arg(1), ValueType.ZSET);
            if (z == null) {
                w.nullBulk();
            } else {
                w.bulk(z.random().member());
            }
            return;
        }
        long l = RandomCounts.parse(ctx, 2);
        boolean withScores = false;
        if (ctx.argc() > 4 || (ctx.argc() == 4 && !ctx.optionIs(3, "withscores"))) {
            throw Errors.syntax();
        } else if (ctx.argc() == 4) {
            withScores = true;
            // The reply would need 2 * count entries.
            if (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2) {
                throw new CommandError("ERR value is out of range");
            }
        }
        ZSetValue z = ctx.value(ctx.arg(1), ValueType.ZSET);
        if (z == null) {
            w.emptyArray();
            return;
        }
        withCount(ctx, w, z, l, withScores);
    }

    private static void withCount(CommandContext ctx, RespWriter w, ZSetValue z, long l, boolean withScores) {
        boolean unique = l >= 0;
        long count = unique ? l : -l;
        int size = z.size();
        if (count == 0) {
            w.emptyArray();
            return;
        }
        // Case 1: repetitions allowed (negative count), or a single member: sample independently.
        if (!unique || count == 1) {
            int len = RandomCounts.replyLength(count);
            w.array(withScores && !w.resp3() ? len * 2 : len);
            for (int i = 0; i < len; i++) {
                Node n = z.random();
                SortedSetCommands.element(w, n.member(), n.score(), withScores);
                if (RandomCounts.closedForOutput(ctx, i)) {
                    break; // CLIENT_CLOSE_ASAP: the client is gone, stop mid-run
                }
            }
            return;
        }
        // Case 2: asking for at least the whole set returns it, highest first (Redis iterates from the tail).
        if (count >= size) {
            SortedSetCommands.beginElements(w, size, withScores);
            for (Node n = z.last(); n != null; n = n.prev()) {
                SortedSetCommands.element(w, n.member(), n.score(), withScores);
            }
            return;
        }
        List<Node> picked;
        if (count * RandomCounts.SUB_STRATEGY_MUL > size) {
            // Case 3: most of the set: Redis copies it into a dict and drops random members (dict order).
            List<Node> all = new ArrayList<>(size);
            z.forEachUnordered(all::add);
            picked = RandomCounts.distinct(all, (int) count, false);
        } else if (z.isListpack()) {
            // Case 4 on a listpack: a random subset in listpack (ascending) order, as lpRandomPairsUnique gives.
            List<Node> all = new ArrayList<>(size);
            for (Node n = z.first(); n != null; n = n.next()) {
                all.add(n);
            }
            picked = RandomCounts.distinct(all, (int) count, true);
        } else {
            // Case 4: few members of a big set: draw until enough distinct ones.
            picked = RandomCounts.distinctByPicking(z::random, (int) count, n -> n);
        }
        SortedSetCommands.replyElements(w, picked, withScores);
    }
}
