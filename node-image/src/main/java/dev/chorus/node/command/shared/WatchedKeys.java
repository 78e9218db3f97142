package dev.chorus.node.command.shared;

import dev.chorus.node.net.Client;
import dev.chorus.node.store.Database;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.Keyspace;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * WATCH bookkeeping (Redis 7.0.15's multi.c): which clients watch which (db, key), so a change flags their
 * transaction to fail. Each watch remembers, as Redis' watchedKey does, whether the key was already expired (but not
 * yet deleted) when it was watched: such a key going away is no logical change.
 */
public final class WatchedKeys {
    /** One client's watch of one key: Redis' watchedKey. */
    public static final class Watch {
        final Client client;
        final Client.WatchedKey key;
        /** The key was logically expired when WATCH was called (and has not been deleted since). */
        boolean expired;

        Watch(Client client, Client.WatchedKey key, boolean expired) {
            this.client = client;
            this.key = key;
            this.expired = expired;
        }
    }

    /** db.watched_keys: the watches of each key, in the order they were made. */
    private final Map<Client.WatchedKey, List<Watch>> watchers = new HashMap<>();
    private final java.util.function.Supplier<Keyspace> keyspace;

    public WatchedKeys(java.util.function.Supplier<Keyspace> keyspace) {
        this.keyspace = keyspace;
    }

    /** watchForKey. */
    public void watch(Client c, int db, byte[] key) {
        Client.WatchedKey wk = new Client.WatchedKey(db, new String(key, StandardCharsets.ISO_8859_1));
        if (c.watchedKeys().containsKey(wk)) {
            return;
        }
        Watch w = new Watch(c, wk, keyIsExpired(keyspace.get().db(db), key));
        c.watchedKeys().put(wk, w);
        watchers.computeIfAbsent(wk, k -> new ArrayList<>()).add(w);
    }

    /** unwatchAllKeys, and the CLIENT_DIRTY_CAS flag goes with it (discardTransaction / UNWATCH / EXEC). */
    public void unwatchAll(Client c) {
        unwatchKeys(c);
        c.setWatchedKeyTouched(false);
    }

    private void unwatchKeys(Client c) {
        for (Watch w : c.watchedKeys().values()) {
            List<Watch> list = watchers.get(w.key);
            if (list != null) {
                list.remove(w);
                if (list.isEmpty()) {
                    watchers.remove(w.key);
                }
            }
        }
        c.watchedKeys().clear();
    }

    /** isWatchedKeyExpired: a key watched while live has expired since (EXEC then fails). */
    public boolean watchedKeyExpired(Client c) {
        for (Watch w : c.watchedKeys().values()) {
            if (!w.expired && keyIsExpired(keyspace.get().db(w.key.db()), w.key.key().getBytes(StandardCharsets.ISO_8859_1))) {
                return true;
            }
        }
        return false;
    }

    /** touchWatchedKey: called for every keyspace change (signalModifiedKey). */
    public void touched(Database db, byte[] key) {
        if (watchers.isEmpty()) {
            return;
        }
        List<Watch> list = watchers.get(new Client.WatchedKey(db.index(), new String(key, StandardCharsets.ISO_8859_1)));
        if (list == null) {
            return;
        }
        List<Client> dirty = new ArrayList<>();
        for (Watch w : list) {
            if (w.expired) {
                if (db.peek(key) == null) {
                    // Already expired key is deleted, so logically no change. Deleted keys are not flagged expired.
                    w.expired = false;
                    continue;
                }
                break; // as Redis 7.0.15 does: the clients after this watch are not flagged
            }
            dirty.add(w.client);
        }
        for (Client c : dirty) {
            c.setWatchedKeyTouched(true);
            unwatchKeys(c); // no point in getting here again for this client
        }
    }

    /**
     * touchAllWatchedKeysInDb(emptied, replacedWith), for a database emptied (FLUSHDB, FLUSHALL, a full sync's load:
     * {@code replacedWith} null) or swapped (SWAPDB): a watched key that exists in either database is touched, except
     * that an expired key going away, an expired key replaced by an expired one, or a missing key replaced by an
     * expired one, is no logical change.
     */
    public void touchAllWatchedKeysInDb(Database emptied, Database replacedWith) {
        for (Map.Entry<Client.WatchedKey, List<Watch>> e : watchers.entrySet()) {
            if (e.getKey().db() != emptied.index()) {
                continue;
            }
            byte[] key = e.getKey().key().getBytes(StandardCharsets.ISO_8859_1);
            boolean existsInEmptied = emptied.peek(key) != null;
            boolean existsInReplacement = replacedWith != null && replacedWith.peek(key) != null;
            if (!existsInEmptied && !existsInReplacement) {
                continue;
            }
            for (Watch w : e.getValue()) {
                if (w.expired) {
                    if (!existsInReplacement) {
                        w.expired = false; // expired key now deleted: no logical change
                        continue;
                    } else if (keyIsExpired(replacedWith, key)) {
                        continue; // expired key remains expired
                    }
                } else if (!existsInEmptied && keyIsExpired(replacedWith, key)) {
                    w.expired = true; // non-existing key replaced with an expired key
                    continue;
                }
                w.client.setWatchedKeyTouched(true);
            }
        }
    }

    /** keyIsExpired: the key exists with a time to live that has passed (not deleted yet). */
    private static boolean keyIsExpired(Database db, byte[] key) {
        KeyEntry entry = db.peek(key);
        return entry != null && entry.hasExpire() && db.keyspace().isExpired(entry.expireAt());
    }
}
