package dev.chorus.node.store;

import java.util.Objects;

/**
 * All databases plus what governs them: the clock expiry is judged by, whether this node may delete expired keys
 * (masters do; replicas wait for their master's DEL, as in Redis), the snapshot in progress, and the listener.
 */
public final class Keyspace {
    private final Database[] dbs;
    private KeyspaceListener listener = new KeyspaceListener() { };
    private boolean replica;
    private boolean executingMasterStream;
    private boolean deletionsPaused;
    private int epoch;
    private volatile SnapshotCapture activeSnapshot;
    private long expiredKeys;
    private long evictedKeys;
    private final Eviction eviction = new Eviction();

    public Keyspace(int databases) {
        dbs = new Database[databases];
        for (int i = 0; i < databases; i++) {
            dbs[i] = new Database(i, this);
        }
    }

    public Database db(int index) {
        return dbs[index];
    }

    public int databases() {
        return dbs.length;
    }

    public KeyspaceListener listener() {
        return listener;
    }

    public void setListener(KeyspaceListener listener) {
        this.listener = Objects.requireNonNull(listener);
    }

    // ---- expiry policy ----

    /**
     * The time expiry and access data are judged by: while a command runs, the time it started (Redis 7.0 freezes
     * server.mstime for the whole call, nested EXEC calls included, so a key can't expire halfway through a command);
     * otherwise the current time.
     */
    public long now() {
        return commandDepth > 0 ? commandMillis : System.currentTimeMillis();
    }

    /**
     * Redis' call(): the outermost command freezes the clock at its start. The time is the wall clock read then (as
     * Redis' mstime() at commandTimeSnapshot), not one derived from {@code startNanos}: absolute expiry times
     * (PXAT, EXPIREAT) are wall-clock times, and a derived clock lagging by a millisecond made PTTL report more than
     * was asked for.
     */
    public void beginCommand(long startNanos) {
        if (commandDepth++ == 0) {
            commandMillis = System.currentTimeMillis();
        }
    }

    public void endCommand() {
        commandDepth--;
    }

    /** The current wall-clock millisecond (the argument, a System.nanoTime reading, is not needed any more). */
    public long wallMillis(long nanos) {
        return System.currentTimeMillis();
    }

    private int commandDepth;
    private long commandMillis;

    public boolean isExpired(long expireAt) {
        return expireAt <= now();
    }

    int initialAccess() {
        return eviction.initial(now());
    }

    int touchedAccess(int current) {
        return eviction.touched(current, now());
    }

    /** Replicas keep expired keys until their master deletes them; they only hide them from normal clients. */
    public void setReplica(boolean replica) {
        this.replica = replica;
    }

    public boolean isReplica() {
        return replica;
    }

    /** True while commands from the master link are applied: they see keys regardless of expiry. */
    public boolean executingMasterStream() {
        return executingMasterStream;
    }

    public void setExecutingMasterStream(boolean executingMasterStream) {
        this.executingMasterStream = executingMasterStream;
    }

    /**
     * CLIENT PAUSE keeps the data set still: expired keys are hidden but stay until the pause ends, so nothing is
     * deleted (nor propagated) behind the paused clients' backs.
     */
    public void setDeletionsPaused(boolean paused) {
        this.deletionsPaused = paused;
    }

    boolean mayDeleteExpired() {
        return !replica && !deletionsPaused;
    }

    public long expiredKeys() {
        return expiredKeys;
    }

    public long evictedKeys() {
        return evictedKeys;
    }

    public void resetStats() {
        expiredKeys = 0;
        evictedKeys = 0;
    }

    /**
     * Redis' active expiry cycle: sample keys with a TTL in each database, delete the expired ones, and repeat while
     * more than a quarter of a sample was expired, within a time budget.
     */
    public void activeExpireCycle(long budgetMillis) {
        if (replica || deletionsPaused || !activeExpireEnabled) {
            return;
        }
        long deadline = System.nanoTime() + budgetMillis * 1_000_000L;
        long now = now();
        for (Database db : dbs) {
            while (db.expiresCount() > 0) {
                int sampled = 0;
                int expired = 0;
                int sample = Math.min(20, db.expiresCount());
                for (int i = 0; i < sample; i++) {
                    KeyEntry e = db.randomVolatile();
                    if (e == null) {
                        break;
                    }
                    sampled++;
                    if (e.expireAt != 0 && e.expireAt <= now) {
                        db.removeByServer(e, false);
                        expiredKeys++;
                        expired++;
                    }
                }
                if (sampled == 0 || expired * 4 <= sampled || System.nanoTime() > deadline) {
                    break;
                }
            }
            if (System.nanoTime() > deadline) {
                return;
            }
        }
    }

    private boolean activeExpireEnabled = true;

    /** DEBUG SET-ACTIVE-EXPIRE: with false, keys with a TTL expire only when accessed. */
    public void setActiveExpireEnabled(boolean enabled) {
        activeExpireEnabled = enabled;
    }

    /** Counts a key deleted lazily on access (the lookup path) as expired. */
    void countExpired() {
        expiredKeys++;
    }

    public Eviction eviction() {
        return eviction;
    }

    /** Evicts one key per the maxmemory policy; false when nothing can be evicted. */
    public boolean evictOne(int samples) {
        if (eviction.evictOne(this, samples, now())) {
            evictedKeys++;
            return true;
        }
        return false;
    }

    public long memoryEstimate() {
        long total = 0;
        for (Database db : dbs) {
            total += db.memoryEstimate();
        }
        return total;
    }

    public long totalKeys() {
        long total = 0;
        for (Database db : dbs) {
            total += db.size();
        }
        return total;
    }

    /** SWAPDB (dbSwapDatabases): the two databases exchange contents; false when an index is out of range. */
    public boolean swapDatabases(int id1, int id2) {
        if (id1 < 0 || id1 >= dbs.length || id2 < 0 || id2 >= dbs.length) {
            return false;
        }
        if (id1 != id2) {
            dbs[id1].swapContents(dbs[id2]);
        }
        return true;
    }

    public void flushAll() {
        for (Database db : dbs) {
            db.flush();
        }
    }

    // ---- snapshots ----

    int epoch() {
        return epoch;
    }

    /** What an entry created now carries: the current snapshot epoch and the initial access data for eviction. */
    public StagedDatabase.Stamp stamp() {
        return new StagedDatabase.Stamp(epoch, initialAccess());
    }

    public SnapshotCapture activeSnapshot() {
        return activeSnapshot;
    }

    /** Starts a point-in-time snapshot; items flow to {@code sink} as the server thread captures them. */
    public SnapshotCapture beginSnapshot(SnapshotCapture.Sink sink) {
        if (activeSnapshot != null) {
            throw new IllegalStateException("a snapshot is already in progress");
        }
        epoch++;
        activeSnapshot = new SnapshotCapture(this, epoch, sink);
        return activeSnapshot;
    }

    /** Called once the snapshot's writer has serialized everything: values may be mutated in place again. */
    public void endSnapshot(SnapshotCapture snapshot) {
        if (activeSnapshot == snapshot) {
            activeSnapshot = null;
        }
    }
}
