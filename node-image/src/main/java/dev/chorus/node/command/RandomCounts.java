package dev.chorus.node.command;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/** The count argument of HRANDFIELD, SRANDMEMBER and ZRANDMEMBER, and picking distinct random elements. */
final class RandomCounts {
    private RandomCounts() {
    }

    /** Redis reads the count with a range of -LONG_MAX..LONG_MAX, so that negating it cannot overflow. */
    static long parse(CommandContext ctx, int index) {
        long v = ctx.longArg(index);
        if (v == Long.MIN_VALUE) {
            throw new CommandError(
                    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
        }
        return v;
    }

    /**
     * The number of elements a "with repetitions" reply will hold. Redis would start streaming billions of elements
     * for an absurd count and run out of memory; a reply that cannot exist in one Java array is refused instead.
     */
    static int replyLength(long n) {
        if (n > Integer.MAX_VALUE / 2) {
            throw new CommandError("ERR value is out of range");
        }
        return (int) n;
    }

    /**
     * Every 1024 elements of a long reply: whether the client went over its output buffer limits and was closed
     * (Redis' loops stop on CLIENT_CLOSE_ASAP instead of building a reply nobody will get).
     */
    static boolean closedForOutput(CommandContext ctx, int i) {
        return (i & 1023) == 1023 && ctx.client().checkOutputBufferLimits();
    }

    /** Redis' *_SUB_STRATEGY_MUL: below size / 3, distinct elements are found by repeated random picks. */
    static final int SUB_STRATEGY_MUL = 3;

    /**
     * {@code count} distinct elements found by random picks, for counts well below the collection's size (so few
     * picks repeat), without copying the collection. {@code identity} tells which picks are the same element.
     */
    static <T> List<T> distinctByPicking(Supplier<T> random, int count, Function<T, Object> identity) {
        Set<Object> seen = new HashSet<>();
        List<T> out = new ArrayList<>(count);
        while (out.size() < count) {
            T t = random.get();
            if (seen.add(identity.apply(t))) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * {@code count} distinct elements of {@code all} (count < all.size()). With {@code keepOrder} they come in the
     * order of {@code all}, as Redis returns a listpack's random subset; otherwise in random order.
     */
    static <T> List<T> distinct(List<T> all, int count, boolean keepOrder) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int n = all.size();
        List<T> out = new ArrayList<>(count);
        if (keepOrder) {
            // Selection sampling: each element is taken with probability needed / remaining.
            int needed = count;
            for (int i = 0; i < n && needed > 0; i++) {
                if (rnd.nextInt(n - i) < needed) {
                    out.add(all.get(i));
                    needed--;
                }
            }
            return out;
        }
        List<T> pool = new ArrayList<>(all);
        for (int i = 0; i < count; i++) {
            int j = i + rnd.nextInt(n - i);
            T t = pool.get(j);
            pool.set(j, pool.get(i));
            pool.set(i, t);
            out.add(t);
        }
        return out;
    }
}
