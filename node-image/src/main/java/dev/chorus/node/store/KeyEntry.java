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
     * The string value whose encoding Redis fixed by how it wrote it rather than by its content, and how
     * ({@link #RAW} or {@link #NOT_INT}); it no longer applies once {@link #value} is another array.
     */
    private byte[] fixedString;
    private byte fixedEncoding;

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
            fixedEncoding = how;
        } else {
            fixedString = null;
            fixedEncoding = 0;
        }
        return this;
    }

    /** {@link #RAW} or {@link #NOT_INT} when the current string value's encoding was fixed by its writer, else 0. */
    public byte fixedEncoding() {
        return fixedString != null && fixedString == value ? fixedEncoding : 0;
    }
}
