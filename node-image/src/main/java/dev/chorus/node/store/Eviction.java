package dev.chorus.node.store;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * maxmemory-policy: which key to drop when memory is over the limit, and the per-key access data that decides it.
 * The entry's {@code lru} field holds either an LRU clock (seconds) or, under an LFU policy, Redis' layout of a
 * 16-bit "last decrement" minute stamp and an 8-bit logarithmic access counter.
 */
public final class Eviction {
    public enum Policy {
        NOEVICTION, ALLKEYS_LRU, VOLATILE_LRU, ALLKEYS_LFU, VOLATILE_LFU, ALLKEYS_RANDOM, VOLATILE_RANDOM, VOLATILE_TTL;

        public static Policy parse(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
        }

        boolean volatileOnly() {
            return name().startsWith("VOLATILE");
        }

        public boolean lfu() {
            return this == ALLKEYS_LFU || this == VOLATILE_LFU;
        }
    }

    /** Redis' LFU_INIT_VAL: new keys start with some credit so they are not evicted straight away. */
    static final int LFU_INIT = 5;

    private Policy policy = Policy.NOEVICTION;
    private int lfuLogFactor = 10;
    private int lfuDecayMinutes = 1;

    public void configure(Policy policy, int lfuLogFactor, int lfuDecayMinutes) {
        this.policy = policy;
        this.lfuLogFactor = lfuLogFactor;
        this.lfuDecayMinutes = lfuDecayMinutes;
    }

    public Policy policy() {
        return policy;
    }

    /** Access data for a key just created. */
    int initial(long nowMillis) {
        return policy.lfu() ? (minutes(nowMillis) << 8) | LFU_INIT : (int) (nowMillis / 1000);
    }

    /** Updates access data on a read or write of the key. */
    int touched(int current, long nowMillis) {
        if (!policy.lfu()) {
            return (int) (nowMillis / 1000);
        }
        int counter = decayed(current, nowMillis);
        if (counter < 255) {
            double base = Math.max(0, counter - LFU_INIT);
            if (ThreadLocalRandom.current().nextDouble() < 1.0 / (base * lfuLogFactor + 1)) {
                counter++;
            }
        }
        return (minutes(nowMillis) << 8) | counter;
    }

    /** OBJECT FREQ: the counter after the decay that time since the last access implies. */
    public int frequency(KeyEntry e, long nowMillis) {
        return decayed(e.lru, nowMillis);
    }

    private int decayed(int data, long nowMillis) {
        int last = data >>> 8;
        int counter = data & 0xFF;
        if (lfuDecayMinutes == 0) {
            return counter;
        }
        int now = minutes(nowMillis);
        int elapsed = now >= last ? now - last : 65535 - last + now;
        int periods = elapsed / lfuDecayMinutes;
        return periods > counter ? 0 : counter - periods;
    }

    private static int minutes(long nowMillis) {
        return (int) ((nowMillis / 60000) & 0xFFFF);
    }

    /** Evicts one key chosen by the policy from a sample of keys. Returns false when there is nothing to evict. */
    boolean evictOne(Keyspace keyspace, int samples, long nowMillis) {
        if (policy == Policy.NOEVICTION) {
            return false;
        }
        KeyEntry best = null;
        Database bestDb = null;
        long bestScore = Long.MIN_VALUE;
        boolean random = policy == Policy.ALLKEYS_RANDOM || policy == Policy.VOLATILE_RANDOM;
        for (int d = 0; d < keyspace.databases(); d++) {
            Database db = keyspace.db(d);
            int n = random ? 1 : samples;
            for (int i = 0; i < n; i++) {
                KeyEntry e = policy.volatileOnly() ? db.randomVolatile() : db.randomEntry();
                if (e == null) {
                    break;
                }
                long score = random ? 0 : score(e, nowMillis);
                if (best == null || score > bestScore) {
                    best = e;
                    bestDb = db;
                    bestScore = score;
                }
            }
            if (random && best != null) {
                break;
            }
        }
        if (best == null) {
            return false;
        }
        bestDb.removeByServer(best, true);
        return true;
    }

    /** Higher is a better eviction candidate: idle time, low frequency, or soon to expire. */
    private long score(KeyEntry e, long nowMillis) {
        return switch (policy) {
            case ALLKEYS_LFU, VOLATILE_LFU -> 255 - decayed(e.lru, nowMillis);
            case VOLATILE_TTL -> Long.MAX_VALUE - e.expireAt;
            default -> nowMillis / 1000 - e.lru;
        };
    }
}
