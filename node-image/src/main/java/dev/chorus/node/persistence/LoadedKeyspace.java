package dev.chorus.node.persistence;

import dev.chorus.node.store.Database;
import dev.chorus.node.store.Keyspace;
import dev.chorus.node.store.StagedDatabase;

/**
 * The keys an RDB load produced, held apart from the live keyspace until the whole file has been read and verified,
 * so a corrupt or truncated file never leaves a half-loaded dataset behind. The staged entries are the ones that go
 * live: {@link #applyTo} installs each database's table as a whole instead of inserting every key again. Built on
 * any thread; {@link #applyTo} must run on the server thread, and only once.
 */
public final class LoadedKeyspace {
    /** Receives every loaded key. */
    @FunctionalInterface
    public interface Visitor {
        void key(int db, byte[] key, Object value, long expireAt);
    }

    private final StagedDatabase[] dbs;
    private long size;

    LoadedKeyspace(int databases, StagedDatabase.Stamp stamp) {
        dbs = new StagedDatabase[databases];
        for (int i = 0; i < databases; i++) {
            dbs[i] = new StagedDatabase(stamp);
        }
    }

    /** False when the key is already present in that database. */
    boolean add(int db, byte[] key, Object value, long expireAt) {
        if (!dbs[db].add(key, value, expireAt)) {
            return false;
        }
        size++;
        return true;
    }

    /** RESIZEDB: the file announces the database's size; the tables are sized once for it. */
    void expect(int db, long keys, long volatileKeys) {
        dbs[db].expect(keys, volatileKeys);
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
            dbs[i].forEach((key, value, expireAt) -> visitor.key(db, key, value, expireAt));
        }
    }

    /**
     * Stores every loaded key into {@code keyspace} (server thread). A database that is empty there takes the loaded
     * table as it is; in a database that has keys, loaded keys overwrite theirs and the others are kept (callers
     * that replace the dataset, startup and a replica's full sync, flush it first).
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
            if (db.size() == 0) {
                db.install(dbs[i]);
            } else {
                dbs[i].forEach((key, value, expireAt) -> db.set(key, value, expireAt));
            }
        }
    }
}
