package dev.chorus.node.store;

/**
 * A point-in-time snapshot without fork(). The server thread captures references to (key, value, expiry) in small
 * steps between commands, walking each database with the dict's scan cursor; a writer thread serializes them.
 * Consistency comes from two rules in {@link Database}: an entry about to change is captured first if the scan has not
 * reached it yet ({@code claimedEpoch}), and a collection that a snapshot may reference is copied before it is mutated
 * ({@code valueEpoch}). Strings are immutable byte arrays, so they are never copied. Entries created after the
 * snapshot began carry its epoch and are skipped.
 */
public final class SnapshotCapture {
    /** Receives captured items on the server thread; hands them to the writer. */
    public interface Sink {
        void item(int db, byte[] key, Object value, long expireAt);

        /** Every item has been delivered. */
        void complete();

        /** True when the writer is behind and the scan should pause (back-pressure). */
        default boolean saturated() {
            return false;
        }
    }

    /** Buckets whose heads are fetched together (see {@link Dict#scanBuckets}). */
    private static final int SCAN_RUN = 64;

    private final Dict.Node[] runHeads = new Dict.Node[SCAN_RUN];
    private final Dict.Node[] singleHead = new Dict.Node[1];
    private final Keyspace keyspace;
    private final int epoch;
    private final Sink sink;
    private int db;
    private long cursor;
    private boolean scanned;
    private long captured;

    SnapshotCapture(Keyspace keyspace, int epoch, Sink sink) {
        this.keyspace = keyspace;
        this.epoch = epoch;
        this.sink = sink;
    }

    public int epoch() {
        return epoch;
    }

    public boolean scanned() {
        return scanned;
    }

    public long captured() {
        return captured;
    }

    void capture(int dbIndex, KeyEntry e) {
        if (scanned) {
            return;
        }
        captured++;
        sink.item(dbIndex, e.key, e.value, e.expireAt);
    }

    /**
     * Advances the scan by about {@code budget} entries. Returns true when the whole keyspace has been captured (and
     * {@link Sink#complete()} has been called).
     */
    public boolean step(int budget) {
        if (scanned) {
            return true;
        }
        if (sink.saturated()) {
            return false;
        }
        int[] visited = {0};
        while (visited[0] < budget) {
            if (db >= keyspace.databases()) {
                scanned = true;
                sink.complete();
                return true;
            }
            Database d = keyspace.db(db);
            final int dbIndex = db;
            // Buckets count as visited too, so a sparse table still makes bounded steps.
            Dict.Node[] heads = budget - visited[0] >= SCAN_RUN ? runHeads : singleHead;
            cursor = d.dict.scanBuckets(cursor, heads, e -> {
                if (e.claimedEpoch < epoch) {
                    e.claimedEpoch = epoch;
                    capture(dbIndex, e);
                }
            }, visited);
            if (cursor == 0) {
                db++;
                visited[0]++;
            }
        }
        return false;
    }
}
