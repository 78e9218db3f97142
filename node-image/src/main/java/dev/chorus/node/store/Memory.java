package dev.chorus.node.store;

/** Approximate heap bytes of keys and values: the figures maxmemory, INFO memory and MEMORY USAGE work from. */
public final class Memory {
    /** Entry object, its dict slot and the key array's header. */
    private static final int ENTRY_OVERHEAD = 48 + 8 + 16;
    private static final int ARRAY_HEADER = 16;

    private Memory() {
    }

    public static long entry(KeyEntry e) {
        return ENTRY_OVERHEAD + e.key.length + value(e.value);
    }

    public static long value(Object value) {
        if (value instanceof byte[] b) {
            return ARRAY_HEADER + b.length;
        }
        return ((RedisValue) value).memoryEstimate();
    }

    /** Bytes a byte array costs on the heap (header plus contents rounded to 8). */
    public static long array(int length) {
        return (ARRAY_HEADER + length + 7) & ~7L;
    }
}
