package dev.chorus.node.persistence;

import static dev.chorus.node.persistence.ModelValues.Value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.FreePorts;
import dev.chorus.node.testing.ServerProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * redis-server 7.0.15 is the oracle in both directions: the node's loader must read what Redis writes (every type
 * and encoding, compressed quicklist nodes, plain nodes, intsets, listpacks, expiries, several databases), and Redis
 * (redis-check-rdb and a real load) must accept what the node's writer produces, with the same contents.
 */
class RdbRoundTripIT {
    private static ServerProcess redis;
    /** The dump Redis wrote, and its contents as Redis serves them (expired keys excluded). */
    private static byte[] redisDump;
    private static Map<Integer, Map<String, ModelValues.Key>> redisContents;
    private static long savedAt;

    @TempDir
    Path work;

    @BeforeAll
    static void redisWritesADump() throws IOException {
        redis = ServerProcess.redis("--enable-debug-command", "yes", "--list-compress-depth", "1");
        try (Jedis j = new Jedis("127.0.0.1", redis.port())) {
            populate(j);
            j.save();
            savedAt = System.currentTimeMillis();
            redisDump = Files.readAllBytes(redis.dir().resolve("dump.rdb"));
            redisContents = contentsOf(j);
        }
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
    }

    private static byte[] b(String s) {
        return ModelValues.bytes(s);
    }

    private static void populate(Jedis j) {
        Random random = new Random(42);
        j.select(0);
        j.set("str:small", "hello");
        j.set("str:int", "12345");
        j.set("str:neg", "-42");
        j.set("str:int64", "9223372036854775807");
        j.set("str:leading-zero", "007");
        j.set("str:lzf", "abcdefgh".repeat(200));
        byte[] noise = new byte[2000];
        random.nextBytes(noise);
        j.set(b("str:random"), noise);
        j.set("str:empty", "");
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        j.set(b("str:binary\u0000key"), all);

        j.rpush("list:small", "a", "b", "1", "2", "-3", "1000000", "12345678901");
        List<String> big = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            big.add(i % 3 == 0 ? Integer.toString(i - 2500) : i % 3 == 1 ? "element-" + i : "long".repeat(30) + i);
        }
        for (int i = 0; i < big.size(); i += 500) {
            j.rpush("list:big", big.subList(i, i + 500).toArray(new String[0]));
        }
        // Elements of at least 1000 bytes go to plain quicklist nodes from now on.
        j.sendCommand(() -> b("DEBUG"), "QUICKLIST-PACKED-THRESHOLD", "1000");
        j.rpush("list:plain", "small", "P".repeat(3000), "tail");

        j.sadd("set:intset", "1", "-2", "300", "70000", "-5000000");
        j.sadd("set:intset64", "1", "9223372036854775807", "-9223372036854775808");
        for (int i = 0; i < 1000; i++) {
            j.sadd("set:bigints", Integer.toString(i * 7));
        }
        j.sadd("set:strings", "a", "b", "c", "1");

        j.hset("hash:small", Map.of("f", "v", "n", "1", "neg", "-5", "empty", ""));
        j.hset("hash:bigvalue", Map.of("f", "x".repeat(100)));
        Map<String, String> bigHash = new LinkedHashMap<>();
        for (int i = 0; i < 500; i++) {
            bigHash.put("field" + i, i % 2 == 0 ? Integer.toString(i) : "value" + i);
        }
        j.hset("hash:big", bigHash);

        j.zadd("zset:small", Map.of("a", 1.0, "b", 2.5, "c", Double.NEGATIVE_INFINITY, "d",
                Double.POSITIVE_INFINITY, "e", 1e-300, "f", -123456.789, "10", 10.0));
        Map<String, Double> bigZset = new LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            bigZset.put("member" + i, i * 1.25 - 100);
        }
        j.zadd("zset:big", bigZset);
        j.zadd("zset:longmember", 3.0, "m".repeat(100));

        long inAnHour = System.currentTimeMillis() + 3_600_000;
        j.set("exp:string", "x");
        j.pexpireAt("exp:string", inAnHour);
        j.hset("exp:hash", "f", "v");
        j.pexpireAt("exp:hash", inAnHour + 1);
        // Kept in the dict (no active expiry, never accessed) but already expired when saved.
        j.sendCommand(() -> b("DEBUG"), "SET-ACTIVE-EXPIRE", "0");
        j.set("exp:gone", "bye");
        j.pexpireAt("exp:gone", System.currentTimeMillis() + 5);
        sleepUntil(System.currentTimeMillis() + 20);

        j.select(3);
        j.set("in-db-3", "three");
        j.rpush("list-in-db-3", "x", "y");
        j.select(15);
        j.sadd("set-in-db-15", "m");
    }

    /** Busy-waits on the clock (no Thread.sleep): only used to let a 5 ms expiry pass. */
    private static void sleepUntil(long millis) {
        while (System.currentTimeMillis() < millis) {
            Thread.onSpinWait();
        }
    }

    /** Everything a server serves, read back through commands: the model the RDB contents must match. */
    static Map<Integer, Map<String, ModelValues.Key>> contentsOf(Jedis j) {
        Map<Integer, Map<String, ModelValues.Key>> out = new TreeMap<>();
        for (int db = 0; db < 16; db++) {
            j.select(db);
            byte[] cursor = b("0");
            do {
                ScanResult<byte[]> page = j.scan(cursor, new ScanParams().count(1000));
                for (byte[] key : page.getResult()) {
                    Object value = switch (j.type(key)) {
                        case "string" -> ModelValues.text(j.get(key));
                        case "list" -> Value.list(j.lrange(key, 0, -1).stream().map(ModelValues::text).toList());
                        case "set" -> Value.set(j.smembers(key).stream().map(ModelValues::text).toList());
                        case "hash" -> {
                            Map<String, String> m = new TreeMap<>();
                            j.hgetAll(key).forEach((f, v) -> m.put(ModelValues.text(f), ModelValues.text(v)));
                            yield Value.hash(m);
                        }
                        case "zset" -> {
                            Map<String, Double> m = new TreeMap<>();
                            for (Tuple t : j.zrangeWithScores(key, 0, -1)) {
                                m.put(ModelValues.text(t.getBinaryElement()), t.getScore());
                            }
                            yield Value.zset(m);
                        }
                        case "none" -> null;
                        default -> throw new AssertionError("unexpected type of " + ModelValues.text(key));
                    };
                    if (value != null) {
                        long at = j.pexpireTime(key);
                        out.computeIfAbsent(db, d -> new TreeMap<>())
                                .put(ModelValues.text(key), new ModelValues.Key(value, at < 0 ? 0 : at));
                    }
                }
                cursor = page.getCursorAsBytes();
            } while (!ModelValues.text(cursor).equals("0"));
        }
        j.select(0);
        return out;
    }

    private static String checkRdb(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("redis-check-rdb", file.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
        assertThat(output).contains("RDB looks OK");
        return output;
    }

    // ---- Redis writes, the node loads ----

    @Test
    void theLoaderReadsEveryEncodingRedisWrites() throws IOException {
        Path file = work.resolve("dump.rdb");
        Files.write(file, redisDump);
        RdbLoadResult r = new RdbLoader(ModelValues.INSTANCE, 16).skipExpiredKeys(true, savedAt).load(file);

        assertThat(redisContents.get(0)).hasSizeGreaterThan(20);
        assertThat(redisContents).containsKeys(0, 3, 15);
        assertThat(ModelValues.canonical(r.keys())).isEqualTo(redisContents);
        assertThat(r.keysExpired()).isEqualTo(1);
        assertThat(r.aux()).containsEntry("redis-ver", "7.0.15");
        // The dump really exercised the 7.0 encodings: string, set, hash, zset2, intset, hash/zset listpack,
        // quicklist2 (with LZF-compressed and plain nodes).
        assertThat(r.typeCounts()).containsKeys(Rdb.TYPE_STRING, Rdb.TYPE_SET, Rdb.TYPE_HASH, Rdb.TYPE_ZSET_2,
                Rdb.TYPE_SET_INTSET, Rdb.TYPE_HASH_LISTPACK, Rdb.TYPE_ZSET_LISTPACK, Rdb.TYPE_LIST_QUICKLIST_2);
    }

    @Test
    void aReplicaStyleLoadKeepsExpiredKeys() throws IOException {
        Path file = work.resolve("dump.rdb");
        Files.write(file, redisDump);
        RdbLoadResult r = new RdbLoader(ModelValues.INSTANCE, 16).load(file);
        assertThat(ModelValues.canonical(r.keys()).get(0)).containsKey("exp:gone");
        assertThat(r.keysExpired()).isZero();
    }

    // ---- the node writes, Redis loads ----

    @Test
    void redisLoadsWhatTheWriterWrites() throws Exception {
        for (boolean compression : new boolean[] {true, false}) {
            RdbLoadResult loaded = new RdbLoader(ModelValues.INSTANCE, 16)
                    .load(new java.io.ByteArrayInputStream(redisDump));
            Path dir = Files.createDirectories(work.resolve("node-wrote-" + compression));
            try (OutputStream out = Files.newOutputStream(dir.resolve("dump.rdb"))) {
                RdbWriter w = new RdbWriter(out, ModelValues.INSTANCE, compression);
                w.writeHeader(RdbWriter.standardAux(123456, "a".repeat(40), 777, 0));
                loaded.keys().forEach((db, key, value, expireAt) -> {
                    try {
                        w.writeKey(db, key, value, expireAt);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                w.finish();
            }
            String check = checkRdb(dir.resolve("dump.rdb"));
            assertThat(check).contains("AUX FIELD repl-id = '" + "a".repeat(40) + "'");

            try (ServerProcess fromNode = ServerProcess.start(ServerProcess.Kind.REDIS, FreePorts.next(), dir);
                 Jedis j = new Jedis("127.0.0.1", fromNode.port())) {
                assertThat(contentsOf(j)).isEqualTo(redisContents);
                // Redis re-encodes by its own thresholds on load, as if it had built the values itself.
                assertThat(j.objectEncoding("set:intset")).isEqualTo("intset");
                assertThat(j.objectEncoding("set:bigints")).isEqualTo("hashtable");
                assertThat(j.objectEncoding("hash:small")).isEqualTo("listpack");
                assertThat(j.objectEncoding("zset:big")).isEqualTo("skiplist");
                assertThat(j.objectEncoding("list:big")).isEqualTo("quicklist");
            }
        }
    }

    // ---- with the store's own value types ----

    /** A store value in the tests' canonical form. */
    static Object canonicalStore(Object v) throws IOException {
        StoreValueCodec c = StoreValueCodec.INSTANCE;
        if (v instanceof byte[] s) {
            return ModelValues.text(s);
        }
        List<String> elements = new ArrayList<>();
        Map<String, String> pairs = new LinkedHashMap<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        return switch (((dev.chorus.node.store.RedisValue) v).type()) {
            case LIST -> {
                c.forEachListElement(v, e -> elements.add(ModelValues.text(e)));
                yield Value.list(elements);
            }
            case SET -> {
                c.forEachSetMember(v, e -> elements.add(ModelValues.text(e)));
                yield Value.set(elements);
            }
            case HASH -> {
                c.forEachHashEntry(v, (f, x) -> pairs.put(ModelValues.text(f), ModelValues.text(x)));
                yield Value.hash(pairs);
            }
            case ZSET -> {
                c.forEachZSetEntry(v, (m, x) -> scores.put(ModelValues.text(m), x));
                yield Value.zset(scores);
            }
            default -> throw new IllegalStateException();
        };
    }

    @Test
    void storeValuesLoadWithRedisEncodingsAndOrder() throws Exception {
        RdbLoadResult r = new RdbLoader(StoreValueCodec.INSTANCE, 16).skipExpiredKeys(true, savedAt)
                .load(new java.io.ByteArrayInputStream(redisDump));
        Map<Integer, Map<String, ModelValues.Key>> loaded = new TreeMap<>();
        Map<String, Object> db0 = new TreeMap<>();
        r.keys().forEach((db, key, value, expireAt) -> {
            try {
                loaded.computeIfAbsent(db, d -> new TreeMap<>())
                        .put(ModelValues.text(key), new ModelValues.Key(canonicalStore(value), expireAt));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            if (db == 0) {
                db0.put(ModelValues.text(key), value);
            }
        });
        assertThat(loaded).isEqualTo(redisContents);

        try (Jedis j = new Jedis("127.0.0.1", redis.port())) {
            for (Map.Entry<String, Object> e : db0.entrySet()) {
                if (e.getValue() instanceof dev.chorus.node.store.RedisValue rv) {
                    // OBJECT ENCODING as Redis reports it after building the same value itself.
                    assertThat(rv.encoding()).as(e.getKey()).isEqualTo(j.objectEncoding(e.getKey()));
                }
                if (e.getValue() instanceof dev.chorus.node.store.HashValue h && h.isListpack()) {
                    // A listpack hash replies in the order Redis keeps: HGETALL order must survive the round trip.
                    List<String> ours = new ArrayList<>();
                    StoreValueCodec.INSTANCE.forEachHashEntry(h, (f, v) -> ours.add(ModelValues.text(f)));
                    List<Object> raw = j.sendCommand(() -> b("HKEYS"), e.getKey()) instanceof List<?> l
                            ? new ArrayList<>(l) : List.of();
                    assertThat(ours).as(e.getKey()).containsExactlyElementsOf(
                            raw.stream().map(o -> ModelValues.text((byte[]) o)).toList());
                }
            }
        }

        // And back: the store values written by the node, loaded by Redis.
        Path dir = Files.createDirectories(work.resolve("store-values"));
        try (OutputStream out = Files.newOutputStream(dir.resolve("dump.rdb"))) {
            RdbWriter w = new RdbWriter(out, StoreValueCodec.INSTANCE, true);
            w.writeHeader(RdbWriter.standardAux(0, null, 0, 0));
            r.keys().forEach((db, key, value, expireAt) -> {
                try {
                    w.writeKey(db, key, value, expireAt);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            w.finish();
        }
        checkRdb(dir.resolve("dump.rdb"));
        try (ServerProcess fromNode = ServerProcess.start(ServerProcess.Kind.REDIS, FreePorts.next(), dir);
             Jedis j = new Jedis("127.0.0.1", fromNode.port())) {
            assertThat(contentsOf(j)).isEqualTo(redisContents);
            List<Object> ours = new ArrayList<>((List<?>) j.sendCommand(() -> b("HKEYS"), "hash:small"));
            try (Jedis original = new Jedis("127.0.0.1", redis.port())) {
                List<Object> theirs = new ArrayList<>((List<?>) original.sendCommand(() -> b("HKEYS"), "hash:small"));
                assertThat(ours.stream().map(o -> ModelValues.text((byte[]) o)).toList())
                        .isEqualTo(theirs.stream().map(o -> ModelValues.text((byte[]) o)).toList());
            }
        }
    }

    // ---- DUMP / RESTORE payloads ----

    @Test
    void dumpPayloadsTravelBothWays() throws Exception {
        try (Jedis j = new Jedis("127.0.0.1", redis.port())) {
            Map<String, ModelValues.Key> db0 = redisContents.get(0);
            for (String key : db0.keySet()) {
                byte[] payload = j.dump(b(key));
                assertThat(RdbPayload.verify(payload, true)).as(key).isTrue();
                Object value = RdbPayload.restore(payload, ModelValues.INSTANCE);
                assertThat(ModelValues.Key.of(value, 0).value()).as(key).isEqualTo(db0.get(key).value());

                byte[] ours = RdbPayload.dump(value, ModelValues.INSTANCE);
                j.restore(b("restored:" + key), 0, ours);
            }
            Map<String, ModelValues.Key> restored = new TreeMap<>();
            contentsOf(j).get(0).forEach((k, v) -> {
                if (k.startsWith("restored:")) {
                    restored.put(k.substring("restored:".length()), new ModelValues.Key(v.value(), 0));
                }
            });
            Map<String, ModelValues.Key> expected = new TreeMap<>();
            db0.forEach((k, v) -> expected.put(k, new ModelValues.Key(v.value(), 0)));
            assertThat(restored).isEqualTo(expected);
            for (String key : db0.keySet()) {
                j.del("restored:" + key);
            }
        }
    }

    // ---- legacy encodings (written by Redis before 7.0): Redis 7.0 and the node must read the same ----

    @Test
    void legacyEncodingsLoadTheSameInRedisAndTheNode() throws Exception {
        Map<String, ModelValues.Key> expected = new TreeMap<>();
        List<String> listElements = List.of("a", "12", "-5", "100000", "5000000000", "x".repeat(300), "7", "");
        Map<String, String> hashPairs = new LinkedHashMap<>();
        hashPairs.put("f1", "v1");
        hashPairs.put("n", "123");
        hashPairs.put("F".repeat(300), "long field");
        List<String> hashFlat = new ArrayList<>();
        hashPairs.forEach((f, v) -> {
            hashFlat.add(f);
            hashFlat.add(v);
        });
        Map<String, Double> zsetScores = new LinkedHashMap<>();
        zsetScores.put("m1", 1.5);
        zsetScores.put("m2", 3.0);
        zsetScores.put("m3", Double.NEGATIVE_INFINITY);
        zsetScores.put("42", -7.25);
        List<String> zsetFlat = new ArrayList<>();
        zsetScores.forEach((m, s) -> {
            zsetFlat.add(m);
            zsetFlat.add(s.isInfinite() ? (s > 0 ? "inf" : "-inf") : dev.chorus.node.resp.Doubles.format(s));
        });
        long expireSeconds = System.currentTimeMillis() / 1000 + 7200;

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RdbOutput o = new RdbOutput(bytes, true);
        o.write("REDIS0010".getBytes(StandardCharsets.US_ASCII));
        o.writeByte(Rdb.OPCODE_SELECTDB);
        o.writeLength(0);

        key(o, Rdb.TYPE_HASH_ZIPMAP, "zipmap");
        o.writeString(BlobEncoders.zipmap(hashFlat));
        expected.put("zipmap", new ModelValues.Key(Value.hash(hashPairs), 0));

        key(o, Rdb.TYPE_LIST_ZIPLIST, "list-ziplist");
        o.writeString(BlobEncoders.ziplist(listElements));
        expected.put("list-ziplist", new ModelValues.Key(Value.list(listElements), 0));

        for (List<Long> ints : List.of(List.of(1L, 2L, -3L), List.of(1L, 100000L), List.of(-1L, 1L << 40))) {
            String name = "intset" + ints;
            key(o, Rdb.TYPE_SET_INTSET, name);
            o.writeString(BlobEncoders.intset(ints));
            expected.put(name, new ModelValues.Key(Value.set(ints.stream().map(String::valueOf).toList()), 0));
        }

        key(o, Rdb.TYPE_ZSET_ZIPLIST, "zset-ziplist");
        o.writeString(BlobEncoders.ziplist(zsetFlat));
        expected.put("zset-ziplist", new ModelValues.Key(Value.zset(zsetScores), 0));

        key(o, Rdb.TYPE_HASH_ZIPLIST, "hash-ziplist");
        o.writeString(BlobEncoders.ziplist(hashFlat));
        expected.put("hash-ziplist", new ModelValues.Key(Value.hash(hashPairs), 0));

        key(o, Rdb.TYPE_LIST_QUICKLIST, "quicklist");
        o.writeLength(3);
        o.writeString(BlobEncoders.ziplist(listElements.subList(0, 4)));
        o.writeString(BlobEncoders.ziplist(List.of())); // empty nodes are skipped
        o.writeString(BlobEncoders.ziplist(listElements.subList(4, listElements.size())));
        expected.put("quicklist", new ModelValues.Key(Value.list(listElements), 0));

        key(o, Rdb.TYPE_LIST_QUICKLIST_2, "quicklist2");
        o.writeLength(3);
        o.writeLength(Rdb.QUICKLIST_NODE_PACKED);
        o.writeString(BlobEncoders.listpack(listElements.subList(0, 3)));
        o.writeLength(Rdb.QUICKLIST_NODE_PLAIN);
        o.writeString(b("P".repeat(2000)));
        o.writeLength(Rdb.QUICKLIST_NODE_PACKED);
        o.writeString(BlobEncoders.listpack(listElements.subList(3, listElements.size())));
        List<String> ql2 = new ArrayList<>(listElements.subList(0, 3));
        ql2.add("P".repeat(2000));
        ql2.addAll(listElements.subList(3, listElements.size()));
        expected.put("quicklist2", new ModelValues.Key(Value.list(ql2), 0));

        key(o, Rdb.TYPE_HASH_LISTPACK, "hash-listpack");
        o.writeString(BlobEncoders.listpack(hashFlat));
        expected.put("hash-listpack", new ModelValues.Key(Value.hash(hashPairs), 0));

        key(o, Rdb.TYPE_ZSET_LISTPACK, "zset-listpack");
        o.writeString(BlobEncoders.listpack(zsetFlat));
        expected.put("zset-listpack", new ModelValues.Key(Value.zset(zsetScores), 0));

        key(o, Rdb.TYPE_ZSET, "zset-string-scores");
        o.writeLength(zsetScores.size());
        for (Map.Entry<String, Double> e : zsetScores.entrySet()) {
            o.writeString(b(e.getKey()));
            o.writeStringDouble(e.getValue());
        }
        expected.put("zset-string-scores", new ModelValues.Key(Value.zset(zsetScores), 0));

        o.writeByte(Rdb.OPCODE_EXPIRETIME);
        o.writeLittleEndian(expireSeconds, 4);
        key(o, Rdb.TYPE_STRING, "expires-in-seconds");
        o.writeString(b("s"));
        expected.put("expires-in-seconds", new ModelValues.Key("s", expireSeconds * 1000));

        o.writeEofAndChecksum();

        Path dir = Files.createDirectories(work.resolve("legacy"));
        Files.write(dir.resolve("dump.rdb"), bytes.toByteArray());
        checkRdb(dir.resolve("dump.rdb"));

        RdbLoadResult loaded = new RdbLoader(ModelValues.INSTANCE, 16).load(dir.resolve("dump.rdb"));
        assertThat(ModelValues.canonical(loaded.keys())).isEqualTo(Map.of(0, expected));
        try (ServerProcess legacy = ServerProcess.start(ServerProcess.Kind.REDIS, FreePorts.next(), dir);
             Jedis j = new Jedis("127.0.0.1", legacy.port())) {
            assertThat(contentsOf(j)).isEqualTo(Map.of(0, expected));
        }
    }

    private static void key(RdbOutput o, int type, String key) throws IOException {
        o.writeByte(type);
        o.writeString(b(key));
    }
}
