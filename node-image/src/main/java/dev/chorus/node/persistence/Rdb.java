package dev.chorus.node.persistence;

/** RDB format constants (rdb.h of Redis 7.0). */
public final class Rdb {
    private Rdb() {
    }

    /** The version Redis 7.0 writes and the highest it loads. */
    public static final int VERSION = 10;

    // Value types.
    public static final int TYPE_STRING = 0;
    public static final int TYPE_LIST = 1;
    public static final int TYPE_SET = 2;
    public static final int TYPE_ZSET = 3;
    public static final int TYPE_HASH = 4;
    public static final int TYPE_ZSET_2 = 5;
    public static final int TYPE_MODULE = 6;
    public static final int TYPE_MODULE_2 = 7;
    public static final int TYPE_HASH_ZIPMAP = 9;
    public static final int TYPE_LIST_ZIPLIST = 10;
    public static final int TYPE_SET_INTSET = 11;
    public static final int TYPE_ZSET_ZIPLIST = 12;
    public static final int TYPE_HASH_ZIPLIST = 13;
    public static final int TYPE_LIST_QUICKLIST = 14;
    public static final int TYPE_STREAM_LISTPACKS = 15;
    public static final int TYPE_HASH_LISTPACK = 16;
    public static final int TYPE_ZSET_LISTPACK = 17;
    public static final int TYPE_LIST_QUICKLIST_2 = 18;
    public static final int TYPE_STREAM_LISTPACKS_2 = 19;

    // Opcodes.
    public static final int OPCODE_FUNCTION2 = 245;
    public static final int OPCODE_FUNCTION = 246;
    public static final int OPCODE_MODULE_AUX = 247;
    public static final int OPCODE_IDLE = 248;
    public static final int OPCODE_FREQ = 249;
    public static final int OPCODE_AUX = 250;
    public static final int OPCODE_RESIZEDB = 251;
    public static final int OPCODE_EXPIRETIME_MS = 252;
    public static final int OPCODE_EXPIRETIME = 253;
    public static final int OPCODE_SELECTDB = 254;
    public static final int OPCODE_EOF = 255;

    // Length encodings: the two top bits of the first byte.
    static final int LEN_6BIT = 0;
    static final int LEN_14BIT = 1;
    static final int LEN_32BIT = 0x80;
    static final int LEN_64BIT = 0x81;
    static final int ENCVAL = 3;

    // Special string encodings (the low 6 bits when the top bits are ENCVAL).
    static final int ENC_INT8 = 0;
    static final int ENC_INT16 = 1;
    static final int ENC_INT32 = 2;
    static final int ENC_LZF = 3;

    // Quicklist 2 node containers.
    static final int QUICKLIST_NODE_PLAIN = 1;
    static final int QUICKLIST_NODE_PACKED = 2;

    /** A readable name for a type byte, for error messages. */
    public static String typeName(int type) {
        return switch (type) {
            case TYPE_STRING -> "string";
            case TYPE_LIST -> "list";
            case TYPE_SET -> "set";
            case TYPE_ZSET -> "zset";
            case TYPE_HASH -> "hash";
            case TYPE_ZSET_2 -> "zset2";
            case TYPE_MODULE -> "module (pre-GA)";
            case TYPE_MODULE_2 -> "module";
            case TYPE_HASH_ZIPMAP -> "hash zipmap";
            case TYPE_LIST_ZIPLIST -> "list ziplist";
            case TYPE_SET_INTSET -> "set intset";
            case TYPE_ZSET_ZIPLIST -> "zset ziplist";
            case TYPE_HASH_ZIPLIST -> "hash ziplist";
            case TYPE_LIST_QUICKLIST -> "list quicklist";
            case TYPE_STREAM_LISTPACKS -> "stream";
            case TYPE_HASH_LISTPACK -> "hash listpack";
            case TYPE_ZSET_LISTPACK -> "zset listpack";
            case TYPE_LIST_QUICKLIST_2 -> "list quicklist2";
            case TYPE_STREAM_LISTPACKS_2 -> "stream (v2)";
            default -> "unknown";
        };
    }

    /**
     * Redis' debugDelay(usec), slept after each key by an RDB save (rdb-key-save-delay) or load (key-load-delay): a
     * positive value sleeps that many microseconds, a negative -n sleeps one microsecond once in n calls on average.
     * An interrupted sleep throws, so a cancelled background save stops at once.
     */
    static void debugDelay(int usec) throws java.io.InterruptedIOException {
        if (usec < 0) {
            usec = java.util.concurrent.ThreadLocalRandom.current().nextInt(-usec) == 0 ? 1 : 0;
        }
        if (usec > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(usec * 1000L);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("RDB key delay interrupted");
            }
        }
    }
}
