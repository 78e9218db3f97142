package dev.chorus.node.persistence;

import dev.chorus.node.resp.Doubles;
import dev.chorus.node.store.StagedDatabase;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an RDB file (versions 1 to 10, every type and encoding a Redis 7.0 loader accepts) into a
 * {@link LoadedKeyspace}. Nothing touches the live keyspace: the caller applies the result once the whole file,
 * checksum included, has been verified. Errors are {@link RdbFormatException}s that say what was wrong and where.
 */
public final class RdbLoader {
    private final RdbValueCodec codec;
    private final int databases;
    private boolean skipExpired;
    private long now;
    private boolean verifyChecksum = true;
    private StagedDatabase.Stamp stamp = StagedDatabase.Stamp.UNKNOWN;
    /** A RESIZEDB claim read from a stream is trusted up to this many keys (a corrupt one must not allocate much). */
    private static final long STREAM_PRESIZE_LIMIT = 1 << 16;
    private java.util.function.Consumer<Map<String, String>> afterAux;
    private java.util.function.IntSupplier keyLoadDelay = () -> 0;

    /** {@code databases}: how many databases the server has (SELECTDB beyond that is an error, as in Redis). */
    public RdbLoader(RdbValueCodec codec, int databases) {
        this.codec = codec;
        this.databases = databases;
    }

    /**
     * Drops keys whose expiry is before {@code nowMillis}. Redis does that when it loads as a master (not for a
     * replica's full sync: the master decides about expiry there).
     */
    public RdbLoader skipExpiredKeys(boolean skip, long nowMillis) {
        this.skipExpired = skip;
        this.now = nowMillis;
        return this;
    }

    /** rdbchecksum no: the trailing checksum is read but not compared. */
    public RdbLoader verifyChecksum(boolean verify) {
        this.verifyChecksum = verify;
        return this;
    }

    /**
     * The stamp of the keyspace the result will be applied to ({@link dev.chorus.node.store.Keyspace#stamp()}), so
     * the loaded entries need no second pass when installed.
     */
    public RdbLoader stamp(StagedDatabase.Stamp stamp) {
        this.stamp = stamp;
        return this;
    }

    /**
     * Microseconds to sleep after each key read (Redis' key-load-delay, see Rdb.debugDelay), asked again for every key
     * as Redis reads server.key_load_delay while it loads.
     */
    public RdbLoader keyLoadDelay(java.util.function.IntSupplier usec) {
        this.keyLoadDelay = usec;
        return this;
    }

    /** Called once with the aux fields, when the first opcode after them (functions or keys) is read. */
    public RdbLoader afterAux(java.util.function.Consumer<Map<String, String>> listener) {
        this.afterAux = listener;
        return this;
    }

    public RdbLoadResult load(Path file) throws IOException {
        // Every key takes at least 3 bytes (type, key length, value), which bounds what RESIZEDB may pre-allocate.
        long presizeLimit = Math.max(STREAM_PRESIZE_LIMIT, Files.size(file) / 3);
        try (InputStream in = Files.newInputStream(file)) {
            return load(new RdbInput(in, true), presizeLimit);
        }
    }

    /**
     * Reads the RDB that is the whole of {@code stream} (a transfer's payload): it may read ahead, and bytes after the
     * checksum are left unread. Without a file size, RESIZEDB claims are trusted within the saving server's used-mem.
     */
    public RdbLoadResult loadWhole(InputStream stream) throws IOException {
        return load(new RdbInput(stream, true), STREAM_PRESIZE_LIMIT);
    }

    /** Reads one RDB from {@code in}, up to and including its checksum and not a byte further. */
    public RdbLoadResult load(InputStream stream) throws IOException {
        return load(new RdbInput(stream, false), STREAM_PRESIZE_LIMIT);
    }

    private RdbLoadResult load(RdbInput in, long presizeLimit) throws IOException {
        byte[] magic = in.readBytes(9);
        if (!new String(magic, 0, 5, StandardCharsets.ISO_8859_1).equals("REDIS")) {
            throw new RdbFormatException("Wrong signature trying to load DB from file");
        }
        int version = parseVersion(magic);
        if (version < 1 || version > Rdb.VERSION) {
            throw new RdbFormatException("Can't handle RDB format version " + version);
        }

        LoadedKeyspace keys = new LoadedKeyspace(databases, stamp);
        Map<String, String> aux = new LinkedHashMap<>();
        List<byte[]> functions = new ArrayList<>();
        Map<Integer, Long> typeCounts = new java.util.TreeMap<>();
        long loaded = 0;
        long expired = 0;
        long empty = 0;
        int db = 0;
        boolean hasExpire = false;
        long expireAt = 0;

        boolean auxDone = false;
        long auxPresizeLimit = -1;
        while (true) {
            int type = in.readByte();
            if (!auxDone && type != Rdb.OPCODE_AUX) {
                auxDone = true;
                if (afterAux != null) {
                    afterAux.accept(Collections.unmodifiableMap(aux));
                }
            }
            switch (type) {
                case Rdb.OPCODE_EXPIRETIME -> {
                    expireAt = (int) in.readLittleEndian(4) * 1000L;
                    hasExpire = true;
                    continue;
                }
                case Rdb.OPCODE_EXPIRETIME_MS -> {
                    expireAt = in.readMillis();
                    hasExpire = true;
                    continue;
                }
                case Rdb.OPCODE_FREQ -> {
                    in.readByte(); // LFU counter: this node keeps no LFU state
                    continue;
                }
                case Rdb.OPCODE_IDLE -> {
                    in.readLength(); // LRU idle seconds
                    continue;
                }
                case Rdb.OPCODE_SELECTDB -> {
                    long id = in.readLength();
                    if (id >= databases) {
                        throw new RdbFormatException("Data file was created with a Redis server configured to handle"
                                + " more than " + databases + " databases (it selects DB " + id + ")");
                    }
                    db = (int) id;
                    continue;
                }
                case Rdb.OPCODE_RESIZEDB -> {
                    if (auxPresizeLimit < 0) {
                        // Every key costs the saving server well over 16 bytes of its used-mem.
                        auxPresizeLimit = parseLong(aux.get("used-mem")) / 16;
                        presizeLimit = Math.max(presizeLimit, auxPresizeLimit);
                    }
                    long size = in.readLength();
                    long expires = in.readLength();
                    keys.expect(db, Math.min(size, presizeLimit), Math.min(expires, presizeLimit));
                    continue;
                }
                case Rdb.OPCODE_AUX -> {
                    String name = new String(in.readString(), StandardCharsets.ISO_8859_1);
                    String value = new String(in.readString(), StandardCharsets.ISO_8859_1);
                    aux.put(name, value);
                    continue;
                }
                case Rdb.OPCODE_MODULE_AUX -> throw new RdbFormatException(
                        "The RDB file contains module auxiliary data (opcode 247); modules are not supported");
                case Rdb.OPCODE_FUNCTION2 -> {
                    functions.add(in.readString());
                    continue;
                }
                case Rdb.OPCODE_FUNCTION -> {
                    functions.add(readPreGaFunction(in));
                    continue;
                }
                default -> {
                }
            }
            if (type == Rdb.OPCODE_EOF) {
                break;
            }
            byte[] key = in.readString();
            typeCounts.merge(type, 1L, Long::sum);
            Object value;
            try {
                value = readValue(type, in);
            } catch (RdbFormatException e) {
                throw new RdbFormatException(e.getMessage() + " (key '" + printable(key) + "' in DB " + db
                        + ", offset " + in.offset() + ")");
            }
            if (value == null) {
                empty++;
            } else if (skipExpired && hasExpire && expireAt < now) {
                expired++;
            } else {
                // 0 means "no expiry" in the keyspace; an expiry at or before the epoch is simply in the past.
                long at = hasExpire ? Math.max(expireAt, 1) : 0;
                if (!keys.add(db, key, value, at)) {
                    throw new RdbFormatException("RDB has duplicated key '" + printable(key) + "' in DB " + db);
                }
                loaded++;
            }
            int delay = keyLoadDelay.getAsInt();
            if (delay != 0) {
                Rdb.debugDelay(delay);
            }
            hasExpire = false;
            expireAt = 0;
        }

        if (version >= 5) {
            long computed = in.checksum();
            in.stopChecksumming();
            long stored = in.readLittleEndian(8);
            if (verifyChecksum && stored != 0 && stored != computed) {
                throw new RdbFormatException("Wrong RDB checksum expected: (" + Long.toHexString(computed)
                        + ") but got (" + Long.toHexString(stored) + ")");
            }
        }
        return new RdbLoadResult(version, aux, functions, keys, loaded, expired, empty, in.offset(), typeCounts);
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Math.max(0, Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int parseVersion(byte[] magic) throws RdbFormatException {
        int v = 0;
        for (int i = 5; i < 9; i++) {
            int d = magic[i] - '0';
            if (d < 0 || d > 9) {
                // atoi stops at the first non-digit; "REDIS00x1" is not a version Redis could load either.
                throw new RdbFormatException("Can't handle RDB format version "
                        + new String(magic, 5, 4, StandardCharsets.ISO_8859_1));
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** RDB_OPCODE_FUNCTION (7.0 release candidates): rewritten into the 7.0 GA payload, as rdbFunctionLoad does. */
    static byte[] readPreGaFunction(RdbInput in) throws IOException {
        String name = new String(in.readString(), StandardCharsets.ISO_8859_1);
        String engine = new String(in.readString(), StandardCharsets.ISO_8859_1);
        if (in.readLength() != 0) {
            in.readString(); // description, dropped
        }
        String blob = new String(in.readString(), StandardCharsets.ISO_8859_1);
        return ("#!" + engine + " name=" + name + "\n" + blob).getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * One value of the given type; null for an empty collection (Redis 7.0 skips those with a warning rather than
     * failing the load).
     */
    Object readValue(int type, RdbInput in) throws IOException {
        switch (type) {
            case Rdb.TYPE_STRING:
                return in.readString();
            case Rdb.TYPE_LIST: {
                int n = in.readCount();
                List<byte[]> elements = new ArrayList<>(Math.min(n, 1 << 16));
                for (int i = 0; i < n; i++) {
                    elements.add(in.readString());
                }
                return elements.isEmpty() ? null : codec.newList(elements);
            }
            case Rdb.TYPE_SET: {
                int n = in.readCount();
                List<byte[]> members = new ArrayList<>(Math.min(n, 1 << 16));
                for (int i = 0; i < n; i++) {
                    members.add(in.readString());
                }
                return members.isEmpty() ? null : set(members, "Duplicate set members detected");
            }
            case Rdb.TYPE_ZSET:
            case Rdb.TYPE_ZSET_2: {
                int n = in.readCount();
                List<byte[]> members = new ArrayList<>(Math.min(n, 1 << 16));
                double[] scores = new double[Math.min(n, 1 << 16)];
                for (int i = 0; i < n; i++) {
                    members.add(in.readString());
                    double score = type == Rdb.TYPE_ZSET_2 ? in.readBinaryDouble() : in.readStringDouble();
                    if (Double.isNaN(score)) {
                        throw new RdbFormatException("Zset with NAN score detected");
                    }
                    if (i == scores.length) {
                        scores = java.util.Arrays.copyOf(scores, Math.min(n, scores.length * 2));
                    }
                    scores[i] = score;
                }
                return members.isEmpty() ? null : zset(members, scores, "Duplicate zset fields detected");
            }
            case Rdb.TYPE_HASH: {
                int n = in.readCount();
                List<byte[]> pairs = new ArrayList<>(Math.min(n, 1 << 15) * 2);
                for (int i = 0; i < n; i++) {
                    pairs.add(in.readString());
                    pairs.add(in.readString());
                }
                return pairs.isEmpty() ? null : hash(pairs, "Duplicate hash fields detected");
            }
            case Rdb.TYPE_HASH_ZIPMAP: {
                List<byte[]> pairs = Zipmap.decode(in.readString());
                return pairs.isEmpty() ? null : hash(pairs, "Hash zipmap with dup elements");
            }
            case Rdb.TYPE_LIST_ZIPLIST: {
                List<byte[]> elements = Ziplist.decode(in.readString());
                return elements.isEmpty() ? null : codec.newList(elements);
            }
            case Rdb.TYPE_SET_INTSET: {
                List<byte[]> members = Intset.decode(in.readString());
                return members.isEmpty() ? null : set(members, "Intset integrity check failed.");
            }
            case Rdb.TYPE_ZSET_ZIPLIST:
                return zsetFromPairs(Ziplist.decode(in.readString()), "Zset ziplist integrity check failed.");
            case Rdb.TYPE_ZSET_LISTPACK:
                return zsetFromPairs(Listpack.decode(in.readString()), "Zset listpack integrity check failed.");
            case Rdb.TYPE_HASH_ZIPLIST:
                return hashFromPairs(Ziplist.decode(in.readString()), "Hash ziplist integrity check failed.");
            case Rdb.TYPE_HASH_LISTPACK:
                return hashFromPairs(Listpack.decode(in.readString()), "Hash listpack integrity check failed.");
            case Rdb.TYPE_LIST_QUICKLIST:
            case Rdb.TYPE_LIST_QUICKLIST_2:
                return quicklist(type, in);
            case Rdb.TYPE_STREAM_LISTPACKS:
            case Rdb.TYPE_STREAM_LISTPACKS_2:
                return StreamRdb.read(in, type);
            case Rdb.TYPE_MODULE:
            case Rdb.TYPE_MODULE_2:
                throw new RdbFormatException("RDB type " + type + " (" + Rdb.typeName(type)
                        + ") is not supported by this server");
            default:
                throw new RdbFormatException("Unknown RDB encoding type " + type);
        }
    }

    private Object quicklist(int type, RdbInput in) throws IOException {
        int nodes = in.readCount();
        List<byte[]> elements = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            long container = Rdb.QUICKLIST_NODE_PACKED;
            if (type == Rdb.TYPE_LIST_QUICKLIST_2) {
                container = in.readLength();
                if (container != Rdb.QUICKLIST_NODE_PACKED && container != Rdb.QUICKLIST_NODE_PLAIN) {
                    throw new RdbFormatException("Quicklist integrity check failed.");
                }
            }
            byte[] node = in.readString();
            if (node.length == 0) {
                throw new RdbFormatException("Quicklist integrity check failed: empty node");
            }
            if (container == Rdb.QUICKLIST_NODE_PLAIN) {
                elements.add(node); // a plain node is one large element, stored as is
            } else if (type == Rdb.TYPE_LIST_QUICKLIST_2) {
                elements.addAll(Listpack.decode(node));
            } else {
                elements.addAll(Ziplist.decode(node));
            }
        }
        // Empty nodes are skipped silently; a list that ends up empty is an empty key.
        return elements.isEmpty() ? null : codec.newList(elements);
    }

    private Object hashFromPairs(List<byte[]> pairs, String corrupt) throws RdbFormatException {
        if (pairs.size() % 2 != 0) {
            throw new RdbFormatException(corrupt);
        }
        return pairs.isEmpty() ? null : hash(pairs, corrupt);
    }

    private Object zsetFromPairs(List<byte[]> pairs, String corrupt) throws RdbFormatException {
        if (pairs.size() % 2 != 0) {
            throw new RdbFormatException(corrupt);
        }
        if (pairs.isEmpty()) {
            return null;
        }
        int n = pairs.size() / 2;
        List<byte[]> members = new ArrayList<>(n);
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            members.add(pairs.get(2 * i));
            Double score = Doubles.parse(pairs.get(2 * i + 1));
            if (score == null) {
                throw new RdbFormatException(corrupt + " (invalid score)");
            }
            scores[i] = score;
        }
        return zset(members, scores, corrupt);
    }

    private Object set(List<byte[]> members, String duplicate) throws RdbFormatException {
        Object v = codec.newSet(members);
        if (v == null) {
            throw new RdbFormatException(duplicate);
        }
        return v;
    }

    private Object hash(List<byte[]> pairs, String duplicate) throws RdbFormatException {
        Object v = codec.newHash(pairs);
        if (v == null) {
            throw new RdbFormatException(duplicate);
        }
        return v;
    }

    private Object zset(List<byte[]> members, double[] scores, String duplicate) throws RdbFormatException {
        Object v = codec.newZSet(members, scores.length == members.size() ? scores
                : java.util.Arrays.copyOf(scores, members.size()));
        if (v == null) {
            throw new RdbFormatException(duplicate);
        }
        return v;
    }

    /** A key for an error message: printable ASCII kept, the rest escaped, long keys cut. */
    static String printable(byte[] key) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < key.length && sb.length() < 64; i++) {
            int c = key[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        if (sb.length() >= 64) {
            sb.append("...");
        }
        return sb.toString();
    }
}
