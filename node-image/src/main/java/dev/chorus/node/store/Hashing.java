package dev.chorus.node.store;

import java.security.SecureRandom;

/** Seeded hash of byte strings (seed chosen per process, like Redis' siphash seed, against hash flooding). */
public final class Hashing {
    private static final long SEED = new SecureRandom().nextLong();

    private Hashing() {
    }

    public static int hash(byte[] key) {
        long h = SEED ^ (key.length * 0x9E3779B97F4A7C15L);
        int i = 0;
        int n = key.length;
        for (; i + 8 <= n; i += 8) {
            long k = (key[i] & 0xFFL) | (key[i + 1] & 0xFFL) << 8 | (key[i + 2] & 0xFFL) << 16
                    | (key[i + 3] & 0xFFL) << 24 | (key[i + 4] & 0xFFL) << 32 | (key[i + 5] & 0xFFL) << 40
                    | (key[i + 6] & 0xFFL) << 48 | (key[i + 7] & 0xFFL) << 56;
            h = mix(h ^ k);
        }
        long tail = 0;
        for (int shift = 0; i < n; i++, shift += 8) {
            tail |= (key[i] & 0xFFL) << shift;
        }
        h = mix(h ^ tail);
        return (int) (h ^ (h >>> 32));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }
}
