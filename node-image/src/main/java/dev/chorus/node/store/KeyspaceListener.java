package dev.chorus.node.store;

/**
 * The store's side of the one key-change stream: every change of a key is reported here, and the command layer's
 * {@code command.shared.KeyChanges} fans it out (WATCH, blocked clients, tracking, keyspace events, replication).
 */
public interface KeyspaceListener {
    /** A key was created, changed or deleted (also by expiry or eviction): Redis' signalModifiedKey. */
    default void keyModified(Database db, byte[] key) {
    }

    /** A key that did not exist was created (Redis' dbAdd): the "new" keyspace event. Reported before keyModified. */
    default void keyAdded(Database db, byte[] key) {
    }

    /**
     * A key was deleted because it expired ({@code evicted} false) or was evicted on this node: replicas must be told
     * with a DEL, and the "expired" or "evicted" keyspace event follows.
     */
    default void keyRemovedByServer(Database db, byte[] key, boolean evicted) {
    }

    /**
     * A key goes with its whole database (FLUSHDB, FLUSHALL, a full sync's load). Listeners that treat a flush as one
     * event (client-side caching sends one "everything" invalidation) override this; by default it is a change.
     */
    default void keyFlushed(Database db, byte[] key) {
        keyModified(db, key);
    }

    /**
     * A whole database is about to be emptied (before its keys are reported by {@link #keyFlushed}): Redis'
     * signalFlushedDb touches the watched keys once, with touchAllWatchedKeysInDb(db, NULL).
     */
    default void flushing(Database db) {
    }
}
