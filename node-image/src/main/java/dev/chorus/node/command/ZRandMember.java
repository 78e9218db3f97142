package dev.chorus.node.command;

import dev.chorus.node.resp.RespWriter;
import dev.chorus.node.store.SkipList.Node;
import dev.chorus.node.store.ValueType;
import dev.chorus.node.store.ZSetValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** ZRANDMEMBER key [count [WITHSCORES]] (zrandmemberCommand / zrandmemberWithCountCommand). */
final class ZRandMember {
    /** Redis' ZRANDMEMBER_SUB_STRATEGY_MUL: above count*3 > size, drop random members from a copy instead. */
    private static final int SUB_STRATEGY_MUL = 3;

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
        long l = ctx.longArg(2);
        if (l == Long.MIN_VALUE) {
            throw new CommandError("ERR value is out of range, value must between -9223372036854775807 and "
                    + "9223372036854775807");
        }
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
        withCount(w, z, l, withScores);
    }

    private static void withCount(RespWriter w, ZSetValue z, long l, boolean withScores) {
        boolean unique = l >= 0;
        long count = unique ? l : -l;
        int size = z.size();
        if (count == 0) {
            w.emptyArray();
            return;
        }
        // Case 1: repetitions allowed (negative count), or a single member: sample independently.
        if (!unique || count == 1) {
            w.array((int) (withScores && !w.resp3() ? count * 2 : count));
            for (long i = 0; i < count; i++) {
                Node n = z.random();
                SortedSetCommands.element(w, n.member(), n.score(), withScores);
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
        if (count * SUB_STRATEGY_MUL > size) {
            // Case 3: most of the set: shuffle a copy and keep the first count members.
            List<Node> all = new ArrayList<>(size);
            z.forEachUnordered(all::add);
            Collections.shuffle(all, ThreadLocalRandom.current());
            picked = all.subList(0, (int) count);
        } else {
            // Case 4: few members: draw until enough distinct ones.
            Map<Node, Boolean> seen = new IdentityHashMap<>();
            picked = new ArrayList<>((int) count);
            while (picked.size() < count) {
                Node n = z.random();
                if (seen.put(n, Boolean.TRUE) == null) {
                    picked.add(n);
                }
            }
        }
        SortedSetCommands.replyElements(w, picked, withScores);
    }
}
