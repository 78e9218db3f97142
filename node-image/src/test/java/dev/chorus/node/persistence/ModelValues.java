package dev.chorus.node.persistence;

import dev.chorus.node.store.RedisValue;
import dev.chorus.node.store.ValueType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Plain Java collections standing in for the store's value types in tests, plus a canonical form (strings as
 * ISO-8859-1 text, sets/hashes sorted) so two datasets compare with equals().
 */
final class ModelValues implements RdbValueCodec {
    static final ModelValues INSTANCE = new ModelValues();

    static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A collection value: its type and its elements in a mutable structure. */
    static final class Value implements RedisValue {
        final ValueType type;
        final List<String> list;             // LIST
        final TreeSet<String> set;           // SET
        final TreeMap<String, String> hash;  // HASH
        final TreeMap<String, Double> zset;  // ZSET

        private Value(ValueType type, List<String> list, TreeSet<String> set, TreeMap<String, String> hash,
                      TreeMap<String, Double> zset) {
            this.type = type;
            this.list = list;
            this.set = set;
            this.hash = hash;
            this.zset = zset;
        }

        static Value list(List<String> elements) {
            return new Value(ValueType.LIST, new ArrayList<>(elements), null, null, null);
        }

        static Value set(java.util.Collection<String> members) {
            return new Value(ValueType.SET, null, new TreeSet<>(members), null, null);
        }

        static Value hash(Map<String, String> pairs) {
            return new Value(ValueType.HASH, null, null, new TreeMap<>(pairs), null);
        }

        static Value zset(Map<String, Double> scores) {
            return new Value(ValueType.ZSET, null, null, null, new TreeMap<>(scores));
        }

        Object contents() {
            return switch (type) {
                case LIST -> list;
                case SET -> set;
                case HASH -> hash;
                case ZSET -> zset;
                default -> throw new IllegalStateException();
            };
        }

        @Override
        public ValueType type() {
            return type;
        }

        @Override
        public String encoding() {
            return "model";
        }

        @Override
        public RedisValue copy() {
            return switch (type) {
                case LIST -> list(list);
                case SET -> set(set);
                case HASH -> hash(hash);
                case ZSET -> zset(zset);
                default -> throw new IllegalStateException();
            };
        }

        @Override
        public int size() {
            return switch (type) {
                case LIST -> list.size();
                case SET -> set.size();
                case HASH -> hash.size();
                case ZSET -> zset.size();
                default -> 0;
            };
        }

        @Override
        public long memoryEstimate() {
            return 64;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Value v && v.type == type && v.contents().equals(contents());
        }

        @Override
        public int hashCode() {
            return Objects.hash(type, contents());
        }

        @Override
        public String toString() {
            return type + String.valueOf(contents());
        }
    }

    @Override
    public Object newList(List<byte[]> elements) {
        return Value.list(elements.stream().map(ModelValues::text).toList());
    }

    @Override
    public Object newSet(List<byte[]> members) {
        TreeSet<String> set = new TreeSet<>();
        for (byte[] m : members) {
            if (!set.add(text(m))) {
                return null;
            }
        }
        return Value.set(set);
    }

    @Override
    public Object newHash(List<byte[]> fieldsAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < fieldsAndValues.size(); i += 2) {
            if (map.put(text(fieldsAndValues.get(i)), text(fieldsAndValues.get(i + 1))) != null) {
                return null;
            }
        }
        return Value.hash(map);
    }

    @Override
    public Object newZSet(List<byte[]> members, double[] scores) {
        Map<String, Double> map = new LinkedHashMap<>();
        for (int i = 0; i < members.size(); i++) {
            if (map.put(text(members.get(i)), scores[i]) != null) {
                return null;
            }
        }
        return Value.zset(map);
    }

    @Override
    public void forEachListElement(Object list, ElementVisitor visitor) throws IOException {
        for (String e : ((Value) list).list) {
            visitor.element(bytes(e));
        }
    }

    @Override
    public void forEachSetMember(Object set, ElementVisitor visitor) throws IOException {
        for (String m : ((Value) set).set) {
            visitor.element(bytes(m));
        }
    }

    @Override
    public void forEachHashEntry(Object hash, PairVisitor visitor) throws IOException {
        for (Map.Entry<String, String> e : ((Value) hash).hash.entrySet()) {
            visitor.pair(bytes(e.getKey()), bytes(e.getValue()));
        }
    }

    @Override
    public void forEachZSetEntry(Object zset, ScoredVisitor visitor) throws IOException {
        for (Map.Entry<String, Double> e : ((Value) zset).zset.entrySet()) {
            visitor.entry(bytes(e.getKey()), e.getValue());
        }
    }

    /** One key as the tests compare it: canonical value (String or Value) and expiry (0 = none). */
    record Key(Object value, long expireAt) {
        static Key of(Object raw, long expireAt) {
            return new Key(raw instanceof byte[] b ? text(b) : raw, expireAt);
        }
    }

    /** db → key → canonical key. */
    static Map<Integer, Map<String, Key>> canonical(LoadedKeyspace keys) {
        Map<Integer, Map<String, Key>> out = new TreeMap<>();
        keys.forEach((db, key, value, expireAt) ->
                out.computeIfAbsent(db, d -> new TreeMap<>()).put(text(key), Key.of(value, expireAt)));
        return out;
    }

    /** A raw value for the writer from a canonical one. */
    static Object raw(Object canonical) {
        return canonical instanceof String s ? bytes(s) : canonical;
    }
}
