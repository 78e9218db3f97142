package dev.chorus.node.store;

/**
 * One key of a database: its value and absolute expiry. {@code valueEpoch} and {@code claimedEpoch} serve
 * point-in-time snapshots (see {@link SnapshotCapture}).
 */
public final class KeyEntry extends Dict.Node {
    /** {@code byte[]} for strings, a {@link RedisValue} otherwise. */
    Object value;
    /** Absolute expiry in Unix milliseconds; 0 when the key does not expire. */
    long expireAt;
    /** The snapshot epoch in which {@link #value} was created; an older value may be referenced by a snapshot. */
    int valueEpoch;
    /** The last snapshot epoch that has captured this entry. */
    int claimedEpoch;
    /** Access data for eviction: LRU clock in seconds, or LFU minutes and counter (see {@link Eviction}). */
    int lru;

    KeyEntry(byte[] key, Object value, long expireAt, int epoch) {
        super(key);
        this.value = value;
        this.expireAt = expireAt;
        this.valueEpoch = epoch;
        this.claimedEpoch = epoch;
    }

    public byte[] key() {
        return key;
    }

    public Object value() {
        return value;
    }

    public long expireAt() {
        return expireAt;
    }

    public boolean hasExpire() {
        return expireAt != 0;
    }

    public ValueType type() {
        return ValueType.of(value);
    }

    public int lru() {
        return lru;
    }
}
