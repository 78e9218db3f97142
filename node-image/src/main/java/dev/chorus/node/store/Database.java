package dev.chorus.node.store;

import java.util.function.Consumer;

/**
 * One of the numbered databases: the key dictionary, the subset of keys with an expiry (for active expiry sampling),
 * and the single place every change goes through, so WATCH, blocked clients, snapshots and memory accounting all see
 * every change.
 */
public final class Database {
    /** An element of the volatile-keys dictionary: points at the key entry that carries the expiry. */
    static final class VolatileRef extends Dict.Node {
        final KeyEntry entry;

        VolatileRef(KeyEntry entry) {
            super(entry.key);
            this.entry = entry;
        }
    }

    private final int index;
    private final Keyspace keyspace;
    /** Replaced as a whole by {@link #install}; the snapshot scan reads the current table through this field. */
    Dict<KeyEntry> dict = new Dict<>();
    Dict<VolatileRef> volatileKeys = new Dict<>();
    private long memory;

    Database(int index, Keyspace keyspace) {
        this.index = index;
        this.keyspace = keyspace;
    }

    public int index() {
        return index;
    }

    public int size() {
        return dict.size();
    }

    public int expiresCount() {
        return volatileKeys.size();
    }

    public long memoryEstimate() {
        return memory;
    }

    // ---- reads ----

    /** The live entry for {@code key}, or null when absent or logically expired. Expired keys are deleted on masters. */
    public KeyEntry lookup(byte[] key) {
        return lookup(key, true);
    }

    /** {@link #lookup} without updating the key's access time: Redis' LOOKUP_NOTOUCH (TTL, TYPE, EXISTS...). */
    public KeyEntry lookupNoTouch(byte[] key) {
        return lookup(key, false);
    }

    private KeyEntry lookup(byte[] key, boolean touch) {
        KeyEntry e = dict.get(key);
        if (e == null) {
            return null;
        }
        if (e.expireAt != 0 && keyspace.isExpired(e.expireAt)) {
            if (keyspace.mayDeleteExpired()) {
                removeByServer(e, false);
                keyspace.countExpired();
                return null;
            }
            if (!keyspace.executingMasterStream()) {
                return null;
            }
        }
        if (touch) {
            e.lru = keyspace.touchedAccess(e.lru);
        }
        return e;
    }

    /**
     * RESTORE ... IDLETIME s / FREQ f (Redis' objectSetLRUOrLFU): under an LFU policy a given FREQ becomes the
     * counter, otherwise a given IDLETIME sets the last access that long ago; the one that does not apply is ignored.
     */
    public void restoreAccess(KeyEntry e, long freq, long idleSeconds) {
        long now = keyspace.now();
        if (keyspace.eviction().policy().lfu()) {
            if (freq >= 0) {
                e.lru = (int) (((now / 60000) & 0xFFFF) << 8) | (int) freq;
            }
        } else if (idleSeconds >= 0) {
            e.lru = (int) (now / 1000 - idleSeconds);
        }
    }

    /** The value for {@code key}, or null. */
    public Object get(byte[] key) {
        KeyEntry e = lookup(key);
        return e == null ? null : e.value;
    }

    public Keyspace keyspace() {
        return keyspace;
    }

    /** The entry as stored, ignoring expiry and without touching LRU (OBJECT, DEBUG, snapshots). */
    public KeyEntry peek(byte[] key) {
        return dict.get(key);
    }

    public boolean exists(byte[] key) {
        return lookup(key) != null;
    }

    // ---- writes ----

    /** Creates or overwrites {@code key} with {@code value} and the given absolute expiry (0 for none). */
    public KeyEntry set(byte[] key, Object value, long expireAt) {
        KeyEntry e = dict.get(key);
        if (e == null) {
            e = new KeyEntry(key, value, expireAt, keyspace.epoch());
            e.valueEpoch = valueEpoch(value);
            e.lru = keyspace.initialAccess();
            dict.add(e);
            memory += Memory.entry(e);
            if (expireAt != 0) {
                volatileKeys.add(new VolatileRef(e));
            }
            keyspace.listener().keyAdded(this, key);
        } else {
            beforeChange(e);
            memory -= Memory.entry(e);
            e.value = value;
            e.valueEpoch = valueEpoch(value);
            e.lru = keyspace.touchedAccess(e.lru);
            updateExpire(e, expireAt);
            memory += Memory.entry(e);
        }
        keyspace.listener().keyModified(this, key);
        return e;
    }

    /**
     * The epoch to record for a value being stored. A collection handed to {@link #set} while a snapshot runs may be
     * an object the snapshot already holds (RENAME and MOVE pass the source key's value on), so it is marked as older
     * than the snapshot: its first in-place change then works on a copy.
     */
    private int valueEpoch(Object value) {
        SnapshotCapture snap = keyspace.activeSnapshot();
        return snap != null && value instanceof RedisValue ? snap.epoch() - 1 : keyspace.epoch();
    }

    /** Replaces the value and keeps the key's expiry (SET ... KEEPTTL, SETRANGE, APPEND, INCR...). */
    public KeyEntry setKeepTtl(byte[] key, Object value) {
        KeyEntry e = dict.get(key);
        if (e == null) {
            return set(key, value, 0);
        }
        replace(e, value, e.expireAt);
        keyspace.listener().keyModified(this, key);
        return e;
    }

    /**
     * Replaces the value of a live entry the caller just looked up, keeping its expiry: INCR's path, one dict lookup
     * in all. Access data stay as the lookup left them (Redis' dbReplaceValue keeps the LFU counter too).
     */
    public void replaceValue(KeyEntry e, Object value) {
        beforeChange(e);
        memory -= Memory.entry(e);
        e.value = value;
        e.valueEpoch = keyspace.epoch();
        memory += Memory.entry(e);
        keyspace.listener().keyModified(this, e.key);
    }

    /** Overwrites an existing entry's value and expiry (one dict lookup fewer than {@link #set}: INCR's hot path). */
    private void replace(KeyEntry e, Object value, long expireAt) {
        beforeChange(e);
        memory -= Memory.entry(e);
        e.value = value;
        e.valueEpoch = keyspace.epoch();
        e.lru = keyspace.touchedAccess(e.lru);
        updateExpire(e, expireAt);
        memory += Memory.entry(e);
    }

    /**
     * The entry's value, safe to mutate in place. While a snapshot may still reference the current object, the
     * entry gets a private copy first (copy-on-write per key), so the snapshot keeps the point-in-time contents.
     * Callers must report size changes through {@link #changed}.
     */
    @SuppressWarnings("unchecked")
    public <T extends RedisValue> T mutable(KeyEntry e) {
        SnapshotCapture snap = keyspace.activeSnapshot();
        if (snap != null && e.valueEpoch < snap.epoch()) {
            beforeChange(e);
            e.value = ((RedisValue) e.value).copy();
            e.valueEpoch = snap.epoch();
        }
        memory -= Memory.entry(e);
        return (T) e.value;
    }

    /** Completes a change made through {@link #mutable}: deletes an emptied collection and re-counts memory. */
    public void changed(KeyEntry e) {
        memory += Memory.entry(e);
        if (e.value instanceof RedisValue rv && rv.size() == 0 && rv.type() != ValueType.STREAM) {
            delete(e.key);
            return;
        }
        keyspace.listener().keyModified(this, e.key);
    }

    /**
     * Completes a change made through {@link #mutable} that Redis makes without signalModifiedKey (a consumer
     * group's pending entries, XGROUP, XSETID): memory is re-counted, WATCH and tracking are not told.
     */
    public void changedQuietly(KeyEntry e) {
        memory += Memory.entry(e);
    }

    public boolean delete(byte[] key) {
        KeyEntry e = dict.get(key);
        if (e == null) {
            return false;
        }
        boolean live = e.expireAt == 0 || !keyspace.isExpired(e.expireAt) || keyspace.executingMasterStream();
        remove(e);
        return live;
    }

    /** Sets an absolute expiry on a live entry (0 removes it). */
    public void setExpire(KeyEntry e, long expireAt) {
        beforeChange(e);
        updateExpire(e, expireAt);
        keyspace.listener().keyModified(this, e.key);
    }

    /** Removes the entry's expiry; false when it had none. */
    public boolean persist(KeyEntry e) {
        if (e.expireAt == 0) {
            return false;
        }
        setExpire(e, 0);
        return true;
    }

    /** Deletes every key. Returns how many there were. */
    public long flush() {
        keyspace.listener().flushing(this);
        long n = dict.size();
        if (n == 0) {
            return 0;
        }
        SnapshotCapture snap = keyspace.activeSnapshot();
        dict.forEach(e -> {
            if (snap != null) {
                beforeChange(e);
            }
            keyspace.listener().keyFlushed(this, e.key);
        });
        dict.clear();
        volatileKeys.clear();
        memory = 0;
        return n;
    }

    /**
     * Replaces the whole contents with {@code staged} (an RDB load): the old keys go as by {@link #flush} (WATCH is
     * signalled for them, a running snapshot captures them first), then the staged tables become the live ones. Like
     * Redis' load into an emptied database, the keys that arrive signal nobody.
     */
    public void install(StagedDatabase staged) {
        if (staged.installed()) {
            throw new IllegalStateException("the staged database has been installed already");
        }
        flush();
        StagedDatabase.Stamp stamp = keyspace.stamp();
        if (staged.stamp == StagedDatabase.Stamp.UNKNOWN || staged.stamp.epoch() != stamp.epoch()) {
            // Built without this keyspace's stamp (or a snapshot began meanwhile): the entries must look created
            // now, so a running snapshot skips them and their first change needs no copy. (A stamp taken when the
            // load began is kept: its access time is as old as Redis' LRU clock would be for an early key.)
            int epoch = stamp.epoch();
            int lru = stamp.lru();
            staged.dict.forEach(e -> {
                e.valueEpoch = epoch;
                e.claimedEpoch = epoch;
                e.lru = lru;
            });
        }
        dict = staged.dict;
        volatileKeys = staged.volatileKeys;
        memory = staged.memory;
        staged.markInstalled();
    }

    /**
     * SWAPDB: exchanges the whole contents with {@code other} (keys, expiries, memory count); each database keeps its
     * index, so its clients, watchers and blocked clients stay where they are. A running snapshot captures every
     * entry of both first, so it still records them under the index they had when it began.
     */
    void swapContents(Database other) {
        if (keyspace.activeSnapshot() != null) {
            dict.forEach(this::beforeChange);
            other.dict.forEach(other::beforeChange);
        }
        Dict<KeyEntry> d = dict;
        dict = other.dict;
        other.dict = d;
        Dict<VolatileRef> v = volatileKeys;
        volatileKeys = other.volatileKeys;
        other.volatileKeys = v;
        long m = memory;
        memory = other.memory;
        other.memory = m;
    }

    /** Removes a key this node decided to drop (expiry or eviction): replicas learn of it through the listener. */
    void removeByServer(KeyEntry e, boolean evicted) {
        // Redis' order: expiry publishes "expired" before signalModifiedKey, eviction signals before "evicted".
        remove(e, evicted);
        keyspace.listener().keyRemovedByServer(this, e.key, evicted);
        if (!evicted) {
            keyspace.listener().keyModified(this, e.key);
        }
    }

    private void remove(KeyEntry e) {
        remove(e, true);
    }

    private void remove(KeyEntry e, boolean signal) {
        beforeChange(e);
        dict.remove(e.key);
        if (e.expireAt != 0) {
            volatileKeys.remove(e.key);
        }
        memory -= Memory.entry(e);
        if (signal) {
            keyspace.listener().keyModified(this, e.key);
        }
    }

    private void updateExpire(KeyEntry e, long expireAt) {
        if (e.expireAt == 0 && expireAt != 0) {
            volatileKeys.add(new VolatileRef(e));
        } else if (e.expireAt != 0 && expireAt == 0) {
            volatileKeys.remove(e.key);
        }
        e.expireAt = expireAt;
    }

    /** Lets a running snapshot capture the entry as it is, before it changes. */
    private void beforeChange(KeyEntry e) {
        SnapshotCapture snap = keyspace.activeSnapshot();
        if (snap != null && e.claimedEpoch < snap.epoch()) {
            e.claimedEpoch = snap.epoch();
            snap.capture(index, e);
        }
    }

    // ---- iteration ----

    public KeyEntry randomEntry() {
        return dict.random();
    }

    /** One SCAN step over the keys (expired keys included; callers filter). */
    public long scan(long cursor, Consumer<KeyEntry> visitor) {
        return dict.scan(cursor, visitor);
    }

    public void forEach(Consumer<KeyEntry> action) {
        dict.forEach(action);
    }

    /** A random key that has an expiry, for the active expiry cycle. */
    KeyEntry randomVolatile() {
        VolatileRef r = volatileKeys.random();
        return r == null ? null : r.entry;
    }
}
