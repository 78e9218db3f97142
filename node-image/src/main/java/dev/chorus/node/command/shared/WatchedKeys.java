package dev.chorus.node.command.shared;

import dev.chorus.node.net.Client;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.Database;
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
     * Redis 7.0's touchAllWatchedKeysInDb(emptied, replacedWith), for FLUSHDB/FLUSHALL (before the database is
     * emptied, {@code replacedWith} null) and SWAPDB: a key watched in {@code emptied} is touched when it exists, live,
     * in either database (its value changes or disappears). A WATCH on a missing or already expired key survives: an
     * expired key that goes away, or a missing one replaced by an expired one, is no logical change.
     */
    public void touchAllWatchedKeysInDb(Database emptied, Database replacedWith) {
        for (Map.Entry<Client.WatchedKey, Set<Client>> e : watchers.entrySet()) {
            if (e.getKey().db() != emptied.index()) {
                continue;
            }
            byte[] key = e.getKey().key().getBytes(StandardCharsets.ISO_8859_1);
            if (live(emptied, key) || (replacedWith != null && live(replacedWith, key))) {
                e.getValue().forEach(c -> c.setWatchedKeyTouched(true));
            }
        }
    }

    private static boolean live(Database db, byte[] key) {
        KeyEntry entry = db.peek(key);
        return entry != null && !(entry.hasExpire() && db.keyspace().isExpired(entry.expireAt()));
    }
}
