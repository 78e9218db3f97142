package dev.chorus.node.command;

import dev.chorus.node.net.Client;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.Keyspace;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** WATCH bookkeeping: which clients watch which (db, key), so a change flags their transaction to fail. */
public final class WatchedKeys {
    private final Map<Client.WatchedKey, Set<Client>> watchers = new HashMap<>();

    public void watch(Client c, int db, byte[] key) {
        Client.WatchedKey wk = new Client.WatchedKey(db, new String(key, StandardCharsets.ISO_8859_1));
        if (c.watchedKeys().add(wk)) {
            watchers.computeIfAbsent(wk, k -> new LinkedHashSet<>()).add(c);
        }
    }

    public void unwatchAll(Client c) {
        for (Client.WatchedKey wk : c.watchedKeys()) {
            Set<Client> set = watchers.get(wk);
            if (set != null) {
                set.remove(c);
                if (set.isEmpty()) {
                    watchers.remove(wk);
                }
            }
        }
        c.watchedKeys().clear();
        c.setWatchedKeyTouched(false);
    }

    /** Called for every keyspace change. */
    public void touched(int db, byte[] key) {
        if (watchers.isEmpty()) {
            return;
        }
        Set<Client> set = watchers.get(new Client.WatchedKey(db, new String(key, StandardCharsets.ISO_8859_1)));
        if (set != null) {
            for (Client c : set) {
                c.setWatchedKeyTouched(true);
            }
        }
    }

    /**
     * FLUSHDB/FLUSHALL, called before the databases are emptied: as Redis' touchAllWatchedKeysInDb, only the watched
     * keys that exist (live) in an emptied database are touched; WATCH on a missing key survives a flush.
     */
    public void touchedFlush(int db, Keyspace keyspace) {
        for (Map.Entry<Client.WatchedKey, Set<Client>> e : watchers.entrySet()) {
            int kdb = e.getKey().db();
            if ((db < 0 || kdb == db) && kdb < keyspace.databases()) {
                KeyEntry entry = keyspace.db(kdb).peek(e.getKey().key().getBytes(StandardCharsets.ISO_8859_1));
                if (entry != null && !(entry.hasExpire() && keyspace.isExpired(entry.expireAt()))) {
                    e.getValue().forEach(c -> c.setWatchedKeyTouched(true));
                }
            }
        }
    }

    /** FLUSHDB/FLUSHALL/SWAPDB touch every watched key of the database (-1: all databases). */
    public void touchedDb(int db) {
        for (Map.Entry<Client.WatchedKey, Set<Client>> e : watchers.entrySet()) {
            if (db < 0 || e.getKey().db() == db) {
                e.getValue().forEach(c -> c.setWatchedKeyTouched(true));
            }
        }
    }
}
