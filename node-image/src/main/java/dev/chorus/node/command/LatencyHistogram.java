package dev.chorus.node.command;

/**
 * The per-command latency histogram Redis 7.0 keeps when {@code latency-tracking} is on: an HdrHistogram of
 * nanoseconds from 1 to 10^9 with 2 significant digits (deps/hdr_histogram, hdr_init(1, 1000000000, 2)), so the
 * percentiles of INFO latencystats and the buckets of LATENCY HISTOGRAM come out as Redis computes them (p50=1.003
 * for a 1 µs command: the highest value equivalent to 1000 ns at that precision).
 */
public final class LatencyHistogram {
    static final long MIN_VALUE = 1;
    static final long MAX_VALUE = 1_000_000_000L;
    /** 2 significant digits: 200 values at unit resolution, rounded up to a power of two. */
    private static final int SUB_BUCKET_COUNT_MAGNITUDE = 8;
    private static final int SUB_BUCKET_HALF_COUNT_MAGNITUDE = SUB_BUCKET_COUNT_MAGNITUDE - 1;
    private static final int SUB_BUCKET_COUNT = 1 << SUB_BUCKET_COUNT_MAGNITUDE;
    private static final int SUB_BUCKET_HALF_COUNT = SUB_BUCKET_COUNT / 2;
    private static final long SUB_BUCKET_MASK = SUB_BUCKET_COUNT - 1;
    private static final int BUCKET_COUNT = bucketsNeeded();
    private static final int COUNTS_LEN = (BUCKET_COUNT + 1) * SUB_BUCKET_HALF_COUNT;

    private final long[] counts = new long[COUNTS_LEN];
    private long totalCount;

    private static int bucketsNeeded() {
        long smallestUntrackable = (long) SUB_BUCKET_COUNT;
        int buckets = 1;
        while (smallestUntrackable <= MAX_VALUE) {
            smallestUntrackable <<= 1;
            buckets++;
        }
        return buckets;
    }

    /** updateCommandLatencyHistogram: a duration in nanoseconds, clamped to the histogram's range. */
    public void record(long nanos) {
        long v = Math.max(MIN_VALUE, Math.min(MAX_VALUE, nanos));
        counts[countsIndexFor(v)]++;
        totalCount++;
    }

    public long totalCount() {
        return totalCount;
    }

    private static int bucketIndex(long v) {
        int pow2ceiling = 64 - Long.numberOfLeadingZeros(v | SUB_BUCKET_MASK);
        return pow2ceiling - (SUB_BUCKET_HALF_COUNT_MAGNITUDE + 1);
    }

    private static int countsIndexFor(long v) {
        int bucket = bucketIndex(v);
        int sub = (int) (v >>> bucket);
        return ((bucket + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + (sub - SUB_BUCKET_HALF_COUNT);
    }

    static long valueAtIndex(int index) {
        int bucket = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
        int sub = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
        if (bucket < 0) {
            sub -= SUB_BUCKET_HALF_COUNT;
            bucket = 0;
        }
        return (long) sub << bucket;
    }

    static long lowestEquivalent(long v) {
        int bucket = bucketIndex(v);
        int sub = (int) (v >>> bucket);
        return (long) sub << bucket;
    }

    static long highestEquivalent(long v) {
        int bucket = bucketIndex(v);
        int sub = (int) (v >>> bucket);
        int adjusted = sub >= SUB_BUCKET_COUNT ? bucket + 1 : bucket;
        return lowestEquivalent(v) + (1L << adjusted) - 1;
    }

    /** hdr_value_at_percentile. */
    public long valueAtPercentile(double percentile) {
        double requested = Math.min(percentile, 100.0);
        long countAtPercentile = (long) (requested / 100 * totalCount + 0.5);
        countAtPercentile = Math.max(countAtPercentile, 1);
        long running = 0;
        for (int i = 0; i < COUNTS_LEN; i++) {
            running += counts[i];
            if (running >= countAtPercentile) {
                long v = valueAtIndex(i);
                return percentile == 0.0 ? lowestEquivalent(v) : highestEquivalent(v);
            }
        }
        return 0;
    }

    /** What fillCommandCDF writes for one step of hdr_iter_log_init(1024, 2): microseconds and cumulative count. */
    public record Step(long micros, long cumulativeCount) {
    }

    /**
     * LATENCY HISTOGRAM's buckets: logarithmic steps from 1024 ns doubling, each the cumulative count up to the
     * highest value equivalent to the step, listed only where the count grew (as Redis' fillCommandCDF).
     */
    public java.util.List<Step> cumulativeSteps() {
        java.util.List<Step> out = new java.util.ArrayList<>();
        if (totalCount == 0) {
            return out;
        }
        long level = 1024;
        int index = -1;
        long cumulative = 0;
        long previous = 0;
        long value = 0;
        // hdr's log iterator: walk the counts up to the first index whose value reaches the reporting level.
        while (true) {
            long levelLowest = lowestEquivalent(level);
            boolean hasNext = cumulative < totalCount;
            long peek = index + 1 < COUNTS_LEN ? valueAtIndex(index + 1) : Long.MAX_VALUE;
            if (!hasNext && !(index + 1 < COUNTS_LEN && peek > levelLowest)) {
                break;
            }
            boolean emitted = false;
            while (true) {
                if (index >= 0 && value >= levelLowest) {
                    long micros = highestEquivalent(value) / 1000;
                    if (cumulative > previous) {
                        out.add(new Step(micros, cumulative));
                    }
                    previous = cumulative;
                    level *= 2;
                    emitted = true;
                    break;
                }
                if (index + 1 >= COUNTS_LEN) {
                    break;
                }
                index++;
                cumulative += counts[index];
                value = valueAtIndex(index);
            }
            if (!emitted) {
                break;
            }
        }
        return out;
    }
}
