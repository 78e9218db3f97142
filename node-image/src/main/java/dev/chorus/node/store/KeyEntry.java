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
    /**
     * The string value whose Redis object is described by {@link #fixedBits} rather than by its content; the
     * description no longer applies once {@link #value} is another array.
     */
    private byte[] fixedString;
    /** Low 2 bits: the encoding its writer fixed ({@link #RAW}, {@link #NOT_INT}, 0 = by content); above: a pinned
     * object address ({@link #objectAddress}), 0 for none. */
    private int fixedBits;

    /** APPEND, SETRANGE, SETBIT, BITFIELD, BITOP... write a raw sds: OBJECT ENCODING says "raw" whatever the bytes. */
    public static final byte RAW = 1;
    /** INCRBYFLOAT's result (createStringObjectFromLongDouble): embstr or raw by length, never int. */
    public static final byte NOT_INT = 2;

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

    /**
     * Records how Redis encoded the current string value ({@link #RAW}, {@link #NOT_INT}; 0 = by its content, as
     * tryObjectEncoding would). Replacing the value forgets it.
     */
    public KeyEntry fixEncoding(byte how) {
        if (how != 0 && value instanceof byte[] b) {
            fixedString = b;
            fixedBits = how;
        } else {
            fixedString = null;
            fixedBits = 0;
        }
        return this;
    }

    /** {@link #RAW} or {@link #NOT_INT} when the current string value's encoding was fixed by its writer, else 0. */
    public byte fixedEncoding() {
        return fixedString != null && fixedString == value ? (byte) (fixedBits & 3) : 0;
    }

    /**
     * The value's "address" for DEBUG OBJECT: the identity of the value, unless {@link #keepAddress} pinned the one
     * of the value it replaced (INCR modifying an unshared integer object in place).
     */
    public long objectAddress() {
        if (fixedString != null && fixedString == value && (fixedBits >>> 2) != 0) {
            return fixedBits >>> 2;
        }
        return System.identityHashCode(value) & 0x3fffffff;
    }

    /** The new (content-encoded) value is the same Redis object as before, at {@code address}. */
    public KeyEntry keepAddress(long address) {
        if (value instanceof byte[] b) {
            fixedString = b;
            fixedBits = (int) (address << 2);
        }
        return this;
    }
}
