package dev.chorus.node.persistence;

import dev.chorus.node.store.RedisValue;
import dev.chorus.node.store.ValueType;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a version 10 RDB: header, aux fields, then keys one at a time in any database order (SELECTDB whenever the
 * database changes), then EOF and the CRC-64. Values use the plain types every Redis 7.0 loader accepts and
 * re-encodes by its own thresholds: 0 string, 1 list, 2 set, 4 hash, 5 sorted set with binary scores.
 * Not thread-safe: one thread feeds it.
 */
public final class RdbWriter {
    /** The version this node reports as, in RDB files and INFO. */
    public static final String REDIS_VERSION = dev.chorus.node.Server.REDIS_VERSION;

    /** Database sizes for the RESIZEDB hint: {@code {keys, keys with an expiry}}, or null to omit it. */
    @FunctionalInterface
    public interface ResizeHint {
        long[] sizes(int db);
    }

    private final RdbOutput out;
    private final RdbValueCodec codec;
    private ResizeHint resizeHint;
    private final boolean[] selectedBefore = new boolean[1 << 16];
    private int currentDb = -1;
    private long keys;
    private int keySaveDelay;

    public RdbWriter(OutputStream stream, RdbValueCodec codec, boolean compression) {
        this.out = new RdbOutput(stream, compression);
        this.codec = codec;
    }

    /** Sleeps this many microseconds after each key written (Redis' rdb-key-save-delay, see Rdb.debugDelay). */
    public RdbWriter keySaveDelay(int usec) {
        this.keySaveDelay = usec;
        return this;
    }

    /** Emits RESIZEDB after the first SELECTDB of each database, as Redis does. */
    public RdbWriter resizeHint(ResizeHint hint) {
        this.resizeHint = hint;
        return this;
    }

    /**
     * The aux fields Redis 7.0 writes, in its order. {@code replId} null leaves out the replication fields (a SAVE
     * with no replication history); otherwise repl-stream-db, repl-id and repl-offset follow used-mem.
     */
    public static Map<String, String> standardAux(long usedMemory, String replId, long replOffset, int replStreamDb) {
        Map<String, String> aux = new LinkedHashMap<>();
        aux.put("redis-ver", REDIS_VERSION);
        aux.put("redis-bits", "64");
        aux.put("ctime", Long.toString(System.currentTimeMillis() / 1000));
        aux.put("used-mem", Long.toString(usedMemory));
        if (replId != null) {
            aux.put("repl-stream-db", Integer.toString(replStreamDb));
            aux.put("repl-id", replId);
            aux.put("repl-offset", Long.toString(replOffset));
        }
        aux.put("aof-base", "0");
        return aux;
    }

    /** "REDIS0010" and the aux fields (numbers come out integer-encoded, as rdbSaveAuxFieldStrInt does). */
    public void writeHeader(Map<String, String> aux) throws IOException {
        out.write(("REDIS" + String.format("%04d", Rdb.VERSION)).getBytes(StandardCharsets.US_ASCII));
        java.util.List<String> functions = new java.util.ArrayList<>();
        for (Map.Entry<String, String> e : aux.entrySet()) {
            if (e.getKey().startsWith(FUNCTION_AUX_PREFIX)) {
                functions.add(e.getValue());
                continue;
            }
            out.writeByte(Rdb.OPCODE_AUX);
            out.writeString(e.getKey().getBytes(StandardCharsets.ISO_8859_1));
            out.writeString(e.getValue().getBytes(StandardCharsets.ISO_8859_1));
        }
        for (String code : functions) { // rdbSaveFunctions, after the aux fields and before the keys
            writeFunction(code.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /**
     * Entries of the header map whose key starts with this are not aux fields but the function libraries' code
     * (ISO-8859-1), written as FUNCTION2 opcodes after the aux fields: the map is what every save path (SAVE, BGSAVE,
     * a replica's full sync) already carries from the server thread to the writer.
     */
    public static final String FUNCTION_AUX_PREFIX = "\0function:";

    /** Adds the function libraries' code to a header map (see {@link #FUNCTION_AUX_PREFIX}). */
    public static Map<String, String> withFunctions(Map<String, String> aux, java.util.List<byte[]> libraries) {
        if (libraries.isEmpty()) {
            return aux;
        }
        Map<String, String> all = new java.util.LinkedHashMap<>(aux);
        int i = 0;
        for (byte[] code : libraries) {
            all.put(FUNCTION_AUX_PREFIX + i++, new String(code, StandardCharsets.ISO_8859_1));
        }
        return all;
    }

    /** A function library (FUNCTION2 opcode), written before the keys as Redis does. */
    public void writeFunction(byte[] code) throws IOException {
        out.writeByte(Rdb.OPCODE_FUNCTION2);
        out.writeString(code);
    }

    /**
     * One key. {@code expireAt} is absolute Unix milliseconds, 0 for none. An empty collection is skipped (a 7.0
     * loader would drop it anyway).
     */
    public void writeKey(int db, byte[] key, Object value, long expireAt) throws IOException {
        if (value instanceof RedisValue rv && rv.size() == 0 && rv.type() != ValueType.STREAM) {
            return;
        }
        if (db != currentDb) {
            out.writeByte(Rdb.OPCODE_SELECTDB);
            out.writeLength(db);
            if (resizeHint != null && !selectedBefore[db]) {
                long[] sizes = resizeHint.sizes(db);
                if (sizes != null) {
                    out.writeByte(Rdb.OPCODE_RESIZEDB);
                    out.writeLength(sizes[0]);
                    out.writeLength(sizes[1]);
                }
            }
            selectedBefore[db] = true;
            currentDb = db;
        }
        if (expireAt != 0) {
            out.writeByte(Rdb.OPCODE_EXPIRETIME_MS);
            out.writeLong(expireAt);
        }
        out.writeByte(typeOf(value));
        out.writeString(key);
        writeValue(value);
        keys++;
        if (keySaveDelay != 0) {
            Rdb.debugDelay(keySaveDelay);
        }
    }

    /** The RDB type byte {@link #writeValue} uses for this value (DUMP payloads start with it too). */
    public static int typeOf(Object value) {
        return switch (ValueType.of(value)) {
            case STRING -> Rdb.TYPE_STRING;
            case LIST -> Rdb.TYPE_LIST;
            case SET -> Rdb.TYPE_SET;
            case HASH -> Rdb.TYPE_HASH;
            case ZSET -> Rdb.TYPE_ZSET_2;
            case STREAM -> Rdb.TYPE_STREAM_LISTPACKS_2;
        };
    }

    /** The value's serialization without the type byte. */
    public void writeValue(Object value) throws IOException {
        if (value instanceof byte[] s) {
            out.writeString(s);
            return;
        }
        if (value instanceof dev.chorus.node.store.StreamValue stream) {
            StreamRdb.write(out, stream);
            return;
        }
        RedisValue rv = (RedisValue) value;
        int expected = rv.size();
        out.writeLength(expected);
        int[] count = {0};
        switch (rv.type()) {
            case LIST -> codec.forEachListElement(rv, e -> {
                count[0]++;
                out.writeString(e);
            });
            case SET -> codec.forEachSetMember(rv, m -> {
                count[0]++;
                out.writeString(m);
            });
            case HASH -> codec.forEachHashEntry(rv, (f, v) -> {
                count[0]++;
                out.writeString(f);
                out.writeString(v);
            });
            case ZSET -> codec.forEachZSetEntry(rv, (m, score) -> {
                count[0]++;
                out.writeString(m);
                out.writeBinaryDouble(score);
            });
            default -> throw new IllegalStateException("not a collection: " + rv.type());
        }
        if (count[0] != expected) {
            // The length prefix is already out: a mismatch would make the file unreadable, so fail loudly.
            throw new IllegalStateException(rv.type() + " reported size " + expected + " but yielded " + count[0]);
        }
    }

    /** A DUMP payload's body: the type byte and the value. */
    void writeTypeAndValue(Object value) throws IOException {
        out.writeByte(typeOf(value));
        writeValue(value);
    }

    /** A DUMP payload's footer: RDB version and CRC-64, little-endian; flushes. */
    public void writeDumpFooter() throws IOException {
        out.writeLittleEndian(Rdb.VERSION, 2);
        out.writeLittleEndian(out.checksum(), 8);
        out.flush();
    }

    /** Writes EOF and the checksum, and flushes. The stream is left open. */
    public void finish() throws IOException {
        out.writeEofAndChecksum();
    }

    public long keysWritten() {
        return keys;
    }

    public long bytesWritten() {
        return out.bytesWritten();
    }
}
