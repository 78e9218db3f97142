package dev.chorus.node.store;

/**
 * One database's keys built away from the live keyspace (an RDB load), then installed into a {@link Database} in one
 * step by {@link Database#install}. The entries built here become the live entries: nothing is hashed or inserted
 * twice, and the live data stays untouched until the caller has verified the whole source.
 *
 * <p>Not thread-safe; may be built on any thread. Once installed, it is empty and can no longer be used.
 */
public final class StagedDatabase {
    /** Snapshot epoch and access stamp for new entries (see {@link Keyspace#stamp()}). */
    public record Stamp(int epoch, int lru) {
        /** For a load that does not know its keyspace yet: {@link Database#install} stamps the entries then. */
        public static final Stamp UNKNOWN = new Stamp(Integer.MIN_VALUE, 0);
    }

    /** Receives every staged key. */
    @FunctionalInterface
    public interface Visitor {
        void key(byte[] key, Object value, long expireAt);
    }

    Dict<KeyEntry> dict = new Dict<>();
    Dict<Database.VolatileRef> volatileKeys = new Dict<>();
    long memory;
    final Stamp stamp;
    private boolean installed;
    private int sizeWhenInstalled;

    public StagedDatabase(Stamp stamp) {
        this.stamp = stamp;
    }

    /** Adds a key; false (and nothing changes) when the key is already staged. */
    public boolean add(byte[] key, Object value, long expireAt) {
        checkNotInstalled();
        KeyEntry e = new KeyEntry(key, value, expireAt, stamp.epoch());
        e.lru = stamp.lru();
        if (!dict.addIfAbsent(e)) {
            return false;
        }
        memory += Memory.entry(e);
        if (expireAt != 0) {
            volatileKeys.add(new Database.VolatileRef(e));
        }
        return true;
    }

    /** The source announced how many keys follow (RESIZEDB): size the tables once instead of growing them. */
    public void expect(long keys, long volatileCount) {
        checkNotInstalled();
        dict.ensureCapacity(keys);
        volatileKeys.ensureCapacity(volatileCount);
    }

    public int size() {
        return installed ? sizeWhenInstalled : dict.size();
    }

    public void forEach(Visitor visitor) {
        checkNotInstalled();
        dict.forEach(e -> visitor.key(e.key, e.value, e.expireAt));
    }

    boolean installed() {
        return installed;
    }

    /** Hands the tables over (to {@link Database#install}) and leaves this object unusable. */
    void markInstalled() {
        sizeWhenInstalled = dict.size();
        installed = true;
        dict = null;
        volatileKeys = null;
    }

    private void checkNotInstalled() {
        if (installed) {
            throw new IllegalStateException("the staged database has been installed already");
        }
    }
}
