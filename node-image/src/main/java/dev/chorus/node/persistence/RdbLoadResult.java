package dev.chorus.node.persistence;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What an RDB load produced: the keys (not yet applied), the aux fields in file order (redis-ver, ctime, repl-id,
 * repl-offset, repl-stream-db...), function libraries (FUNCTION opcodes, kept as their source code), and the
 * counters INFO persistence reports (rdb_last_load_keys_loaded / _expired), and how many values of each RDB
 * type byte the file held.
 */
public record RdbLoadResult(
        int version,
        Map<String, String> aux,
        List<byte[]> functions,
        LoadedKeyspace keys,
        long keysLoaded,
        long keysExpired,
        long emptyKeysSkipped,
        long bytes,
        Map<Integer, Long> typeCounts) {

    public RdbLoadResult {
        aux = Collections.unmodifiableMap(aux);
        functions = List.copyOf(functions);
        typeCounts = Collections.unmodifiableMap(new java.util.TreeMap<>(typeCounts));
    }

    /** The 40-character replication id the RDB was saved with, or null. */
    public String replId() {
        String id = aux.get("repl-id");
        return id != null && id.length() == 40 ? id : null;
    }

    /** The replication offset the RDB was saved at, or -1 when absent. */
    public long replOffset() {
        return auxLong("repl-offset", -1);
    }

    /** The database the replication stream had selected, or -1 when absent. */
    public int replStreamDb() {
        return (int) auxLong("repl-stream-db", -1);
    }

    private long auxLong(String name, long absent) {
        String v = aux.get(name);
        if (v == null) {
            return absent;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return absent;
        }
    }
}
