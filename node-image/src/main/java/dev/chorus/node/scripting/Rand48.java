package dev.chorus.node.scripting;

/** Redis' rand.c (redisLrand48/redisSrand48): the 48-bit drand48 generator, the same sequence on every platform. */
final class Rand48 {
    static final int LRAND48_MAX = Integer.MAX_VALUE;
    private static final long A = 0x5DEECE66DL;
    private static final long MASK = (1L << 48) - 1;
    private long x = 0x1234ABCD330EL;

    int next() {
        x = (A * x + 0xB) & MASK;
        return (int) (x >>> 17);
    }

    void seed(int seed) {
        x = (((long) seed & 0xFFFFFFFFL) << 16 | 0x330E) & MASK;
    }
}
