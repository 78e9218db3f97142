package dev.chorus.node.persistence;

import dev.chorus.node.store.Database;
import dev.chorus.node.store.Dict;
import dev.chorus.node.store.Keyspace;

/**
 * The keys an RDB load produced, held apart from the live keyspace until the whole file has been read and verified,
 * so a corrupt or truncated file never leaves a half-loaded dataset behind. Built on any thread; {@link #applyTo}
 * must run on the server thread.
 */
public final class LoadedKeyspace {
    /** One loaded key; the dict node doubles as the duplicate-key check. */
    static final class Entry extends Dict.Node {
        final Object value;
        final long expireAt;

        Entry(byte[] key, Object value, long expireAt) {
            super(key);
            this.value = value;
            this.expireAt = expireAt;
        }
    }

    /** Receives every loaded key. */
    @FunctionalInterface
    public interface Visitor {
        void key(int db, byte[] key, Object value, long expireAt);
    }

    private final Dict<Entry>[] dbs;
    private long size;

    @SuppressWarnings("unchecked")
    LoadedKeyspace(int databases) {
        dbs = new Dict[databases];
        for (int i = 0; i < databases; i++) {
            dbs[i] = new Dict<>();
        }
    }

    /** False when the key is already present in that database. */
    boolean add(int db, byte[] key, Object value, long expireAt) {
        if (dbs[db].get(key) != null) {
            return false;
        }
        dbs[db].add(new Entry(key, value, expireAt));
        size++;
        return true;
    }

    public long size() {
        return size;
    }

    public int size(int db) {
        return dbs[db].size();
    }

    public int databases() {
        return dbs.length;
    }

    public void forEach(Visitor visitor) {
        for (int i = 0; i < dbs.length; i++) {
            final int db = i;
            dbs[i].forEach(e -> visitor.key(db, e.key, e.value, e.expireAt));
        }
    }

    /**
     * Stores every loaded key into {@code keyspace} (server thread). Keys already there are overwritten and others
     * are kept: callers that replace the dataset (startup, a replica's full sync) flush it first.
     */
    public void applyTo(Keyspace keyspace) {
        if (keyspace.databases() < dbs.length) {
            for (int i = keyspace.databases(); i < dbs.length; i++) {
                if (dbs[i].size() > 0) {
                    throw new IllegalArgumentException("the RDB has keys in DB " + i + " but the keyspace has only "
                            + keyspace.databases() + " databases");
                }
            }
        }
        for (int i = 0; i < dbs.length; i++) {
            if (dbs[i].size() == 0) {
                continue;
            }
            Database db = keyspace.db(i);
            dbs[i].forEach(e -> db.set(e.key, e.value, e.expireAt));
        }
    }
}
