package dev.chorus.node.command;

import dev.chorus.node.resp.RespWriter;
import dev.chorus.node.store.Dict;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.SetValue;
import dev.chorus.node.store.SkipList.Node;
import dev.chorus.node.store.ValueType;
import dev.chorus.node.store.ZSetValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD (zunionInterDiffGenericCommand). Plain sets are accepted as
 * inputs with every score 1.
 */
final class ZSetAlgebra {
    enum Op { UNION, INTER, DIFF }

    private enum Aggregate { SUM, MIN, MAX }

    private ZSetAlgebra() {
    }

    @FunctionalInterface
    interface Visitor {
        /** Returns false to stop the walk. */
        boolean visit(byte[] member, double score);
    }

    /** One input: a sorted set, a plain set (all scores 1) or a missing key (empty). */
    interface Source {
        int size();

        /**
         * Visits members with their scores, in the order Redis' zuiNext uses (sorted sets from the tail), until the
         * visitor returns false.
         */
        void forEach(Visitor visitor);

        /** The member's score, or null when absent. */
        Double find(byte[] member);

        /** The stored object, so the same key given twice is recognised. */
        Object identity();
    }

    private record ZSetSource(ZSetValue z) implements Source {
        @Override
        public int size() {
            return z.size();
        }

        @Override
        public void forEach(Visitor visitor) {
            for (Node n = z.last(); n != null && visitor.visit(n.member(), n.score()); n = n.prev()) {
                // the visitor does the work
            }
        }

        @Override
        public Double find(byte[] member) {
            return z.score(member);
        }

        @Override
        public Object identity() {
            return z;
        }
    }

    /** A plain set: every member scores 1. */
    private record SetSource(SetValue set) implements Source {
        private static final Double ONE = 1.0;

        @Override
        public int size() {
            return set.size();
        }

        @Override
        public void forEach(Visitor visitor) {
            boolean[] stopped = {false};
            set.forEach(member -> {
                if (!stopped[0]) {
                    stopped[0] = !visitor.visit(member, 1.0);
                }
            });
        }

        @Override
        public Double find(byte[] member) {
            return set.contains(member) ? ONE : null;
        }

        @Override
        public Object identity() {
            return set;
        }
    }

    private static final Source EMPTY = new Source() {
        @Override
        public int size() {
            return 0;
        }

        @Override
        public void forEach(Visitor visitor) {
        }

        @Override
        public Double find(byte[] member) {
            return null;
        }

        @Override
        public Object identity() {
            return this;
        }
    };

    /** Adapts a key's value as an input; WRONGTYPE unless it is a sorted set or a set. */
    static Source source(KeyEntry e) {
        if (e == null) {
            return EMPTY;
        }
        if (e.value() instanceof ZSetValue z) {
            return new ZSetSource(z);
        }
        if (e.value() instanceof SetValue set) {
            return new SetSource(set);
        }
        throw Errors.wrongType();
    }

    /** An input with its weight (WEIGHTS is parsed after the inputs are looked up). */
    private static final class Weighted {
        final Source src;
        double weight = 1.0;

        Weighted(Source src) {
            this.src = src;
        }
    }

    /** A union accumulator entry: the Dict node is the member, carrying the running score. */
    private static final class Acc extends Dict.Node {
        double score;

        Acc(byte[] member, double score) {
            super(member);
            this.score = score;
        }
    }

    /**
     * @param dst the destination key for the STORE forms, else null
     * @param numkeysIdx position of the numkeys argument
     * @param cardinalityOnly ZINTERCARD
     */
    static void run(CommandContext ctx, byte[] dst, int numkeysIdx, Op op, boolean cardinalityOnly) {
        long setnum = ctx.longArg(numkeysIdx);
        if (setnum < 1) {
            throw new CommandError("ERR at least 1 input key is needed for '" + ctx.spec().name() + "' command");
        }
        if (setnum > ctx.argc() - (numkeysIdx + 1)) {
            throw Errors.syntax();
        }
        int n = (int) setnum;
        Weighted[] src = new Weighted[n];
        int j = numkeysIdx + 1;
        for (int i = 0; i < n; i++, j++) {
            dev.chorus.node.store.KeyEntry e = ctx.db().lookup(ctx.arg(j));
            if (e == null) {
                ctx.keyMiss(ctx.arg(j));
            }
            src[i] = new Weighted(source(e));
        }

        Aggregate aggregate = Aggregate.SUM;
        boolean withScores = false;
        long limit = 0;
        while (j < ctx.argc()) {
            int remaining = ctx.argc() - j;
            String opt = ctx.option(j);
            if (op != Op.DIFF && !cardinalityOnly && remaining >= n + 1 && opt.equals("weights")) {
                j++;
                for (int i = 0; i < n; i++, j++) {
                    src[i].weight = ZSetArgs.doubleArg(ctx, j, "ERR weight value is not a float");
                }
            } else if (op != Op.DIFF && !cardinalityOnly && remaining >= 2 && opt.equals("aggregate")) {
                aggregate = switch (ctx.option(j + 1)) {
                    case "sum" -> Aggregate.SUM;
                    case "min" -> Aggregate.MIN;
                    case "max" -> Aggregate.MAX;
                    default -> throw Errors.syntax();
                };
                j += 2;
            } else if (dst == null && !cardinalityOnly && opt.equals("withscores")) {
                withScores = true;
                j++;
            } else if (cardinalityOnly && remaining >= 2 && opt.equals("limit")) {
                Long l = CommandContext.parseLongOrNull(ctx.arg(j + 1));
                if (l == null || l < 0) {
                    throw new CommandError("ERR LIMIT can't be negative");
                }
                limit = l;
                j += 2;
            } else {
                throw Errors.syntax();
            }
        }

        if (op != Op.DIFF) {
            // Smallest first, as Redis' qsort by cardinality (stable here, which glibc's merge sort also is).
            Arrays.sort(src, Comparator.comparingInt(w -> w.src.size()));
        }

        ZSetValue result = ZSetValue.forBulkBuild();
        long cardinality = 0;
        switch (op) {
            case INTER -> cardinality = inter(src, aggregate, cardinalityOnly, limit, result);
            case UNION -> union(src, aggregate, result);
            case DIFF -> diff(src, result);
            default -> throw new IllegalStateException();
        }

        RespWriter w = ctx.reply();
        if (dst != null) {
            if (result.size() > 0) {
                result.compactIfSmall();
                ctx.db().set(dst, result, 0);
                ctx.dirty();
                w.integer(result.size());
                ctx.notifyKeyspaceEvent(KeyspaceEvents.ZSET, op == Op.UNION ? "zunionstore"
                        : op == Op.INTER ? "zinterstore" : "zdiffstore", dst);
            } else {
                w.integer(0);
                if (ctx.db().delete(dst)) {
                    ctx.dirty();
                    ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", dst);
                }
            }
        } else if (cardinalityOnly) {
            w.integer(cardinality);
        } else {
            SortedSetCommands.beginElements(w, result.size(), withScores);
            for (Node node = result.first(); node != null; node = node.next()) {
                SortedSetCommands.element(w, node.member(), node.score(), withScores);
            }
        }
    }

    private static double weighted(double weight, double score) {
        double v = weight * score;
        return Double.isNaN(v) ? 0 : v;
    }

    /** zunionInterAggregate. */
    private static double aggregate(double target, double val, Aggregate a) {
        switch (a) {
            case SUM -> {
                double s = target + val;
                return Double.isNaN(s) ? 0.0 : s;
            }
            case MIN -> {
                return val < target ? val : target;
            }
            default -> {
                return val > target ? val : target;
            }
        }
    }

    private static long inter(Weighted[] src, Aggregate agg, boolean cardinalityOnly, long limit, ZSetValue out) {
        if (src[0].src.size() == 0) {
            return 0;
        }
        long[] cardinality = {0};
        src[0].src.forEach((member, score0) -> {
            double score = weighted(src[0].weight, score0);
            for (int j = 1; j < src.length; j++) {
                double value;
                if (src[j].src.identity() == src[0].src.identity()) {
                    value = score0 * src[j].weight;
                } else {
                    Double found = src[j].src.find(member);
                    if (found == null) {
                        return true;
                    }
                    value = found * src[j].weight;
                }
                score = aggregate(score, value, agg);
            }
            if (cardinalityOnly) {
                cardinality[0]++;
                return limit == 0 || cardinality[0] < limit;
            }
            out.insert(member, score);
            return true;
        });
        return cardinality[0];
    }

    private static void union(Weighted[] src, Aggregate agg, ZSetValue out) {
        Dict<Acc> acc = new Dict<>();
        List<Acc> order = new ArrayList<>();
        for (Weighted w : src) {
            if (w.src.size() == 0) {
                continue;
            }
            w.src.forEach((member, s) -> {
                double score = weighted(w.weight, s);
                Acc existing = acc.get(member);
                if (existing == null) {
                    Acc a = new Acc(member, score);
                    acc.add(a);
                    order.add(a);
                } else {
                    existing.score = aggregate(existing.score, score, agg);
                }
                return true;
            });
        }
        for (Acc a : order) {
            out.insert(a.key, a.score);
        }
    }

    /** Members of the first input found in no other input, with their first-input scores. */
    private static void diff(Weighted[] src, ZSetValue out) {
        Source first = src[0].src;
        if (first.size() == 0) {
            return;
        }
        first.forEach((member, score) -> {
            for (int j = 1; j < src.length; j++) {
                if (src[j].src.find(member) != null) {
                    return true;
                }
            }
            out.insert(member, score);
            return true;
        });
    }
}
