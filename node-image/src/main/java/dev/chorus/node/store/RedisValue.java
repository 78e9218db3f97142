package dev.chorus.node.store;

/**
 * A collection value (list, hash, set, sorted set). Strings are plain, never-mutated {@code byte[]}.
 * Collections are mutated in place by the server thread, except while a snapshot is being written: then
 * {@link Database#mutable} hands out a {@link #copy()} so the snapshot's object stays as it was.
 */
public interface RedisValue {
    ValueType type();

    /** OBJECT ENCODING's answer, as Redis 7.0 would report it for the same contents. */
    String encoding();

    /** A deep copy: mutating the copy never affects this object. */
    RedisValue copy();

    /** Number of elements (LLEN, HLEN, SCARD, ZCARD). */
    int size();

    /** Approximate bytes this value occupies, kept as a running count so it costs O(1) (maxmemory, MEMORY USAGE). */
    long memoryEstimate();
}
