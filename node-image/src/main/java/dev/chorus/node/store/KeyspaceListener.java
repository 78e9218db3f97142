package dev.chorus.node.store;

/** What the rest of the server wants to hear about keyspace changes (WATCH, blocked clients, replication). */
public interface KeyspaceListener {
    /** A key was created, changed or deleted (also by expiry or eviction). */
    default void keyModified(Database db, byte[] key) {
    }

    /** A key was deleted because it expired or was evicted on this node: replicas must be told with a DEL. */
    default void keyRemovedByServer(Database db, byte[] key) {
    }
}
