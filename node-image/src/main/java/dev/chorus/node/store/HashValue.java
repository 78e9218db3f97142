package dev.chorus.node.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A Redis hash. Fields live in a {@link Dict} (so HSCAN has Redis' cursor guarantees). While the hash would be a
 * listpack in Redis 7.0 (at most hash-max-listpack-entries fields, none longer than hash-max-listpack-value bytes) an
 * insertion-ordered list is kept as well: Redis replies with a listpack's fields in insertion order (HGETALL, HKEYS,
 * HSCAN...), and the differential tests compare those replies byte for byte. Once converted to "hashtable" a hash
 * stays one, as in Redis.
 */
public final class HashValue implements RedisValue {
    /** One field and its value; the value is replaced on overwrite, byte arrays are never mutated. */
    public static final class Field extends Dict.Node {
        private byte[] value;

        Field(byte[] field, byte[] value) {
            super(field);
            this.value = value;
        }

        public byte[] field() {
            return key;
        }

        public byte[] value() {
            return value;
        }
    }

    /** Redis 7.0 defaults (the config file and CONFIG SET may change them). */
    private static volatile int maxListpackEntries = 512;
    private static volatile int maxListpackValue = 64;

    private static final long BASE = 96;
    /** Field object, its Dict slot and list slot. */
    private static final long PER_FIELD = 32 + 8 + 4;

    private final Dict<Field> dict = new Dict<>();
    /** Insertion order while listpack-encoded; null once the hash is a hashtable. */
    private ArrayList<Field> order = new ArrayList<>();
    private long memory = BASE;

    /** hash-max-listpack-entries / hash-max-listpack-value (and their old ziplist names). */
    public static void setListpackLimits(int entries, int value) {
        maxListpackEntries = entries;
        maxListpackValue = value;
    }

    public static int maxListpackEntries() {
        return maxListpackEntries;
    }

    public static int maxListpackValue() {
        return maxListpackValue;
    }

    @Override
    public ValueType type() {
        return ValueType.HASH;
    }

    @Override
    public String encoding() {
        return order != null ? "listpack" : "hashtable";
    }

    public boolean isListpack() {
        return order != null;
    }

    @Override
    public int size() {
        return dict.size();
    }

    @Override
    public long memoryEstimate() {
        return memory;
    }

    public byte[] get(byte[] field) {
        Field f = dict.get(field);
        return f == null ? null : f.value;
    }

    public boolean contains(byte[] field) {
        return dict.get(field) != null;
    }

    /** Sets a field; true when the field is new. An overwritten field keeps its position (listpack order). */
    public boolean put(byte[] field, byte[] value) {
        if (order != null && (field.length > maxListpackValue || value.length > maxListpackValue)) {
            convertToHashtable();
        }
        Field existing = dict.get(field);
        if (existing != null) {
            memory += Memory.array(value.length) - Memory.array(existing.value.length);
            existing.value = value;
            return false;
        }
        Field f = new Field(field, value);
        dict.add(f);
        memory += PER_FIELD + Memory.array(field.length) + Memory.array(value.length);
        if (order != null) {
            order.add(f);
            if (dict.size() > maxListpackEntries) {
                convertToHashtable();
            }
        }
        return true;
    }

    /** Removes a field; false when it was absent. */
    public boolean remove(byte[] field) {
        Field f = dict.remove(field);
        if (f == null) {
            return false;
        }
        memory -= PER_FIELD + Memory.array(f.key.length) + Memory.array(f.value.length);
        if (order != null) {
            removeFromOrder(f);
        }
        return true;
    }

    private void removeFromOrder(Field f) {
        for (int i = order.size() - 1; i >= 0; i--) {
            if (order.get(i) == f) {
                order.remove(i);
                return;
            }
        }
    }

    private void convertToHashtable() {
        order = null;
    }

    /** Every field in Redis' reply order for this encoding (insertion order for listpack). */
    public void forEach(Consumer<Field> action) {
        if (order != null) {
            for (Field f : order) {
                action.accept(f);
            }
        } else {
            dict.forEach(action);
        }
    }

    /** A snapshot of the fields in reply order (safe to use while the hash changes). */
    public List<Field> fields() {
        List<Field> out = new ArrayList<>(dict.size());
        forEach(out::add);
        return out;
    }

    /** A uniformly random field, or null when empty. */
    public Field random() {
        if (dict.size() == 0) {
            return null;
        }
        if (order != null) {
            return order.get(ThreadLocalRandom.current().nextInt(order.size()));
        }
        return dict.random();
    }

    /**
     * One HSCAN step. A listpack-encoded hash is returned whole with cursor 0, as Redis does; a hashtable is walked a
     * bucket at a time with Redis' reverse-binary cursor.
     */
    public long scan(long cursor, Consumer<Field> visitor) {
        if (order != null) {
            forEach(visitor);
            return 0;
        }
        return dict.scan(cursor, visitor);
    }

    @Override
    public HashValue copy() {
        HashValue c = new HashValue();
        if (order == null) {
            c.order = null;
        }
        forEach(f -> {
            Field n = new Field(f.key, f.value);
            c.dict.add(n);
            if (c.order != null) {
                c.order.add(n);
            }
        });
        c.memory = memory;
        return c;
    }
}
