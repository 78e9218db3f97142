package dev.chorus.node.command.shared;

import dev.chorus.node.Server;
import dev.chorus.node.command.KeyspaceEvents;
import dev.chorus.node.command.blocking.BlockedClients;
import dev.chorus.node.store.Database;
import dev.chorus.node.store.KeyspaceListener;
import java.util.List;

/**
 * The one key-change stream. Everything that reacts to keys changing hears it from here, and only from here:
 * <ul>
 * <li>{@link #keyModified} (the store reports every created, changed or deleted key) is Redis' signalModifiedKey
 *     plus signalKeyAsReady: WATCH marks transactions dirty, client-side caching invalidates, blocked clients may be
 *     served;</li>
 * <li>{@link #notify} is Redis' notifyKeyspaceEvent: commands name what they did (class and event) and the event is
 *     published to {@code __keyspace@<db>__:<key>} / {@code __keyevent@<db>__:<event>};</li>
 * <li>{@link #keyAdded} is dbAdd's "new" event; {@link #keyRemovedByServer} is expiry's and eviction's deletion
 *     (the event, then a DEL for replicas);</li>
 * <li>{@link #flushed} is signalFlushedDb: one "everything" invalidation instead of one per key.</li>
 * </ul>
 */
public final class KeyChanges implements KeyspaceListener {
    private static final byte[] DEL = {'D', 'E', 'L'};

    private final Server server;
    private final WatchedKeys watchedKeys;
    private final BlockedClients blockedClients;
    private final Tracking tracking;
    private final KeyspaceEvents events;

    KeyChanges(Server server, WatchedKeys watchedKeys, BlockedClients blockedClients, Tracking tracking,
               KeyspaceEvents events) {
        this.server = server;
        this.watchedKeys = watchedKeys;
        this.blockedClients = blockedClients;
        this.tracking = tracking;
        this.events = events;
    }

    @Override
    public void keyModified(Database db, byte[] key) {
        watchedKeys.touched(db, key);
        tracking.invalidateKey(key, true);
        blockedClients.keyModified(db, key);
    }

    @Override
    public void keyAdded(Database db, byte[] key) {
        events.emit(KeyspaceEvents.NEW, "new", key, db.index());
    }

    @Override
    public void keyRemovedByServer(Database db, byte[] key, boolean evicted) {
        if (evicted) {
            events.emit(KeyspaceEvents.EVICTED, "evicted", key, db.index());
        } else {
            events.emit(KeyspaceEvents.EXPIRED, "expired", key, db.index());
        }
        server.propagate(db.index(), List.<byte[][]>of(new byte[][] {DEL, key}));
    }

    @Override
    public void keyFlushed(Database db, byte[] key) {
        // Tracking hears of the flush once, from flushed(), WATCH from flushing(); blocked clients see each key go.
        blockedClients.keyModified(db, key);
    }

    @Override
    public void flushing(Database db) {
        watchedKeys.touchAllWatchedKeysInDb(db, null);
    }

    /** Redis' notifyKeyspaceEvent(type, event, key, dbid). */
    public void notify(int type, String event, byte[] key, int db) {
        events.emit(type, event, key, db);
    }

    /** Redis' signalFlushedDb: a database (or all, -1) was emptied by FLUSHDB, FLUSHALL or a full sync. */
    public void flushed(int db) {
        tracking.invalidateAllOnFlush();
        blockedClients.flushed(db);
    }
}
