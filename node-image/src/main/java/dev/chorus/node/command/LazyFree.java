package dev.chorus.node.command;

import dev.chorus.node.Server;
import dev.chorus.node.store.ListValue;
import dev.chorus.node.store.RedisValue;

/**
 * Redis' lazyfree.c accounting. Redis hands a deleted value to its background thread when freeing it would take
 * more than LAZYFREE_THRESHOLD steps (UNLINK; DEL under lazyfree-lazy-user-del) and a whole database to it on
 * FLUSHDB/FLUSHALL ASYNC (or lazyfree-lazy-user-flush), and counts what that thread freed in INFO's
 * lazyfreed_objects. The node's values become garbage the moment they are unlinked and the JVM's collector reclaims
 * them off the command thread, so nothing is ever pending (lazyfree_pending_objects is 0) and the same deletions are
 * counted as freed at once.
 */
public final class LazyFree {
    /** LAZYFREE_THRESHOLD: values cheaper than this to free are freed in place, not lazily. */
    static final int THRESHOLD = 64;

    private LazyFree() {
    }

    /**
     * lazyfreeGetFreeEffort: a list's quicklist node count, a hash table's or skiplist's element count, 1 for a
     * string or a compact encoding (listpack, intset); other types by their element count.
     */
    static long effort(Object value) {
        if (!(value instanceof RedisValue v)) {
            return 1;
        }
        if (v instanceof ListValue list) {
            return list.size() <= THRESHOLD ? 1 : RedisLayout.quicklistNodes(list).size();
        }
        return switch (v.encoding()) {
            case "hashtable", "skiplist" -> v.size();
            case "listpack", "intset", "ziplist" -> 1;
            default -> v.size();
        };
    }

    /** A value unlinked by a lazy user delete: counted when Redis would have freed it in the background. */
    static void deleted(Server server, Object value) {
        if (effort(value) > THRESHOLD) {
            server.stats().lazyfreedObjects++;
        }
    }

    /** A database emptied asynchronously (emptyDbAsync): every key it held is lazily freed. */
    static void flushed(Server server, long keys) {
        server.stats().lazyfreedObjects += keys;
    }
}
