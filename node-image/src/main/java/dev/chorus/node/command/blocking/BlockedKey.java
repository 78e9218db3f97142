package dev.chorus.node.command.blocking;

import java.util.Arrays;

/** A (database, key) pair compared by content, for the blocked-clients tables. */
final class BlockedKey {
    final int db;
    final byte[] key;
    private final int hash;

    BlockedKey(int db, byte[] key) {
        this.db = db;
        this.key = key;
        this.hash = 31 * db + Arrays.hashCode(key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockedKey other && other.db == db && Arrays.equals(other.key, key);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
