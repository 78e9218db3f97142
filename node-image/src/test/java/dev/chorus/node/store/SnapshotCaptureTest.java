package dev.chorus.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Point-in-time semantics of {@link SnapshotCapture}: whatever happens to the keyspace while the capture is stepped
 * through (writes, deletes, expiry changes, lazy expiry, flushes, renames, new keys, collections mutated in place),
 * the captured items are exactly the keyspace as it was when the snapshot began.
 */
class SnapshotCaptureTest {
    private static final int DATABASES = 3;
    private static final long FAR_FUTURE = 4_102_444_800_000L; // 2100-01-01
    private static final long PAST = 1_000L; // long expired: a lookup deletes it

    /** A minimal collection, to exercise the copy-on-write path the real list/hash/set/zset values go through. */
    static final class TestList implements RedisValue {
        final List<String> items;

        TestList(List<String> items) {
            this.items = new ArrayList<>(items);
        }

        @Override
        public ValueType type() {
            return ValueType.LIST;
        }

        @Override
        public String encoding() {
            return "quicklist";
        }

        @Override
        public RedisValue copy() {
            return new TestList(items);
        }

        @Override
        public int size() {
            return items.size();
        }

        @Override
        public long memoryEstimate() {
            return 16L + items.size() * 16L;
        }
    }

    /** A captured (or expected) item, with the value's contents as of the moment it is read. */
    record Item(String value, long expireAt) {
        static Item of(Object value, long expireAt) {
            String v = value instanceof byte[] b ? "s:" + new String(b, StandardCharsets.UTF_8)
                    : "l:" + String.join(",", ((TestList) value).items);
            return new Item(v, expireAt);
        }
    }

    /** Records what a snapshot delivers; values are kept as references, as the RDB writer gets them. */
    static final class RecordingSink implements SnapshotCapture.Sink {
        final Map<String, Object> values = new HashMap<>();
        final Map<String, Long> expiries = new HashMap<>();
        final List<String> duplicates = new ArrayList<>();
        int completions;

        @Override
        public void item(int db, byte[] key, Object value, long expireAt) {
            String id = db + "/" + new String(key, StandardCharsets.UTF_8);
            if (values.put(id, value) != null) {
                duplicates.add(id);
            }
            expiries.put(id, expireAt);
        }

        @Override
        public void complete() {
            completions++;
        }

        /** The items as they read now: a later in-place mutation of a captured collection would show here. */
        Map<String, Item> itemsNow() {
            Map<String, Item> out = new HashMap<>();
            values.forEach((id, v) -> out.put(id, Item.of(v, expiries.get(id))));
            return out;
        }
    }

    enum Kind { SET, SET_KEEP_TTL, DELETE, EXPIRE, PERSIST, LOOKUP, PUSH, POP, RENAME, MOVE, FLUSH, SWAPDB, STEP }

    record Op(Kind kind, int db, int key, int otherKey, int arg) {
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Kind> kinds = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.just(Kind.SET)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.SET_KEEP_TTL)),
                net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.DELETE)),
                net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.EXPIRE)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.PERSIST)),
                net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.LOOKUP)),
                net.jqwik.api.Tuple.of(4, Arbitraries.just(Kind.PUSH)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.POP)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.RENAME)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.MOVE)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.FLUSH)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.SWAPDB)),
                net.jqwik.api.Tuple.of(8, Arbitraries.just(Kind.STEP)));
        Arbitrary<Op> op = Combinators.combine(kinds, Arbitraries.integers().between(0, DATABASES - 1),
                Arbitraries.integers().between(0, 40), Arbitraries.integers().between(0, 40),
                Arbitraries.integers().between(0, 5)).as(Op::new);
        return op.list().ofMaxSize(150);
    }

    @Property(tries = 300)
    void capturedItemsAreTheKeyspaceAsItWasAtTheStart(@ForAll @IntRange(min = 0, max = 60) int initialKeys,
                                                      @ForAll("operations") List<Op> ops) {
        Keyspace ks = new Keyspace(DATABASES);
        for (int i = 0; i < initialKeys; i++) {
            Database db = ks.db(i % DATABASES);
            byte[] key = key(i % 41);
            long expireAt = i % 7 == 0 ? FAR_FUTURE : i % 11 == 0 ? PAST : 0;
            Object value = i % 3 == 0 ? new TestList(List.of("a" + i, "b" + i)) : ("v" + i).getBytes();
            db.set(key, value, expireAt);
        }
        Map<String, Item> expected = keyspaceNow(ks);

        RecordingSink sink = new RecordingSink();
        SnapshotCapture snap = ks.beginSnapshot(sink);
        int counter = 0;
        for (Op op : ops) {
            apply(ks, op, snap, counter++);
        }
        while (!snap.step(10)) {
            // finish the scan
        }
        assertThat(sink.completions).isEqualTo(1);
        assertThat(sink.duplicates).as("keys captured twice").isEmpty();
        // The writer serializes after the scan: mutations after capture must not show either.
        Map<String, Item> captured = sink.itemsNow();
        ks.endSnapshot(snap);
        assertThat(captured).isEqualTo(expected);
        assertThat(snap.captured()).isEqualTo(expected.size());
    }

    private static void apply(Keyspace ks, Op op, SnapshotCapture snap, int counter) {
        Database db = ks.db(op.db());
        byte[] key = key(op.key());
        long expireAt = switch (op.arg() % 3) {
            case 0 -> 0;
            case 1 -> FAR_FUTURE;
            default -> PAST;
        };
        switch (op.kind()) {
            case SET -> db.set(key, ("new" + counter).getBytes(), expireAt);
            case SET_KEEP_TTL -> db.setKeepTtl(key, ("kept" + counter).getBytes());
            case DELETE -> db.delete(key);
            case EXPIRE -> {
                KeyEntry e = db.lookup(key);
                if (e != null) {
                    db.setExpire(e, expireAt);
                }
            }
            case PERSIST -> {
                KeyEntry e = db.lookup(key);
                if (e != null) {
                    db.persist(e);
                }
            }
            case LOOKUP -> db.lookup(key);
            case PUSH -> {
                KeyEntry e = db.lookup(key);
                if (e == null) {
                    db.set(key, new TestList(List.of("p" + counter)), 0);
                } else if (e.type() == ValueType.LIST) {
                    TestList l = db.mutable(e);
                    l.items.add(0, "p" + counter);
                    db.changed(e);
                }
            }
            case POP -> {
                KeyEntry e = db.lookup(key);
                if (e != null && e.type() == ValueType.LIST) {
                    TestList l = db.mutable(e);
                    l.items.remove(0);
                    db.changed(e); // deletes the key when the list became empty
                }
            }
            case RENAME -> {
                // What RENAME does: the value object moves to the new name.
                KeyEntry e = db.lookup(key);
                byte[] dst = key(op.otherKey());
                if (e != null && !java.util.Arrays.equals(key, dst)) {
                    Object value = e.value();
                    long at = e.expireAt();
                    db.delete(key);
                    db.set(dst, value, at);
                }
            }
            case MOVE -> {
                KeyEntry e = db.lookup(key);
                Database target = ks.db((op.db() + 1) % DATABASES);
                if (e != null && target.lookup(key) == null) {
                    Object value = e.value();
                    long at = e.expireAt();
                    db.delete(key);
                    target.set(key, value, at);
                }
            }
            case FLUSH -> db.flush();
            case SWAPDB -> ks.swapDatabases(op.db(), op.otherKey() % DATABASES);
            case STEP -> snap.step(op.arg() + 1);
            default -> throw new IllegalStateException();
        }
    }

    /** Every entry as stored (expired ones included: a point-in-time image holds what the dict holds). */
    private static Map<String, Item> keyspaceNow(Keyspace ks) {
        Map<String, Item> out = new HashMap<>();
        for (int i = 0; i < ks.databases(); i++) {
            int dbIndex = i;
            ks.db(i).forEach(e -> out.put(dbIndex + "/" + new String(e.key(), StandardCharsets.UTF_8),
                    Item.of(e.value(), e.expireAt())));
        }
        return out;
    }

    private static byte[] key(int i) {
        return ("key:" + i).getBytes(StandardCharsets.UTF_8);
    }

    // ---- focused cases ----

    @Test
    void collectionMutatedAfterCaptureKeepsItsOldContentsInTheSnapshot() {
        Keyspace ks = new Keyspace(1);
        Database db = ks.db(0);
        db.set(key(1), new TestList(List.of("a", "b")), 0);
        RecordingSink sink = new RecordingSink();
        SnapshotCapture snap = ks.beginSnapshot(sink);
        while (!snap.step(100)) {
            // capture everything first
        }
        KeyEntry e = db.lookup(key(1));
        TestList live = db.mutable(e);
        live.items.add("c");
        db.changed(e);
        assertThat(sink.itemsNow().get("0/key:1").value()).isEqualTo("l:a,b");
        assertThat(((TestList) db.get(key(1))).items).containsExactly("a", "b", "c");
        // Once the snapshot is over, collections are mutated in place again.
        ks.endSnapshot(snap);
        TestList again = db.mutable(db.lookup(key(1)));
        assertThat(again).isSameAs(db.get(key(1)));
    }

    /** RENAME hands the same value object to a new entry: mutating it under the new name must not reach the image. */
    @Test
    void renamedCollectionMutatedUnderItsNewNameKeepsTheSnapshotIntact() {
        Keyspace ks = new Keyspace(1);
        Database db = ks.db(0);
        db.set(key(1), new TestList(List.of("a")), 0);
        RecordingSink sink = new RecordingSink();
        SnapshotCapture snap = ks.beginSnapshot(sink);
        KeyEntry e = db.lookup(key(1));
        Object value = e.value();
        db.delete(key(1)); // captured here, before the scan reached it
        db.set(key(2), value, 0);
        KeyEntry moved = db.lookup(key(2));
        TestList l = db.mutable(moved);
        l.items.add("b");
        db.changed(moved);
        while (!snap.step(100)) {
            // finish
        }
        assertThat(sink.itemsNow()).containsOnlyKeys("0/key:1");
        assertThat(sink.itemsNow().get("0/key:1").value()).isEqualTo("l:a");
        assertThat(((TestList) db.get(key(2))).items).containsExactly("a", "b");
    }

    /** The same with the real collection types: capture first, then change each in place (and one after RENAME). */
    @Test
    void realCollectionsChangedAfterCaptureKeepTheirOldContentsInTheSnapshot() {
        Keyspace ks = new Keyspace(1);
        Database db = ks.db(0);
        ListValue list = new ListValue();
        list.addLast(b("l1"));
        list.addLast(b("l2"));
        HashValue hash = new HashValue();
        hash.put(b("f"), b("v"));
        SetValue set = new SetValue();
        set.add(b("m"));
        ZSetValue zset = new ZSetValue();
        zset.insert(b("z"), 1.5);
        ListValue renamed = new ListValue();
        renamed.addLast(b("r"));
        db.set(b("list"), list, 0);
        db.set(b("hash"), hash, 0);
        db.set(b("set"), set, 0);
        db.set(b("zset"), zset, 0);
        db.set(b("src"), renamed, 0);

        RecordingSink sink = new RecordingSink();
        SnapshotCapture snap = ks.beginSnapshot(sink);
        while (!snap.step(100)) {
            // capture everything first
        }
        KeyEntry e = db.lookup(b("list"));
        ListValue l = db.mutable(e);
        l.addFirst(b("l0"));
        l.pollLast();
        db.changed(e);
        e = db.lookup(b("hash"));
        HashValue h = db.mutable(e);
        h.put(b("f"), b("changed"));
        h.put(b("g"), b("new"));
        db.changed(e);
        e = db.lookup(b("set"));
        SetValue st = db.mutable(e);
        st.remove(b("m"));
        db.changed(e); // emptied: the key goes away
        e = db.lookup(b("zset"));
        ZSetValue z = db.mutable(e);
        z.insert(b("y"), 2);
        db.changed(e);
        e = db.lookup(b("src"));
        Object moving = e.value();
        db.delete(b("src"));
        db.set(b("dst"), moving, 0);
        e = db.lookup(b("dst"));
        ListValue d = db.mutable(e);
        d.addLast(b("more"));
        db.changed(e);

        assertThat(sink.values).containsOnlyKeys("0/list", "0/hash", "0/set", "0/zset", "0/src");
        ListValue capturedList = (ListValue) sink.values.get("0/list");
        assertThat(capturedList.size()).isEqualTo(2);
        assertThat(new String(capturedList.get(0))).isEqualTo("l1");
        assertThat(new String(capturedList.get(1))).isEqualTo("l2");
        HashValue capturedHash = (HashValue) sink.values.get("0/hash");
        assertThat(capturedHash.size()).isEqualTo(1);
        assertThat(new String(capturedHash.get(b("f")))).isEqualTo("v");
        assertThat(((SetValue) sink.values.get("0/set")).contains(b("m"))).isTrue();
        ZSetValue capturedZset = (ZSetValue) sink.values.get("0/zset");
        assertThat(capturedZset.size()).isEqualTo(1);
        assertThat(capturedZset.score(b("z"))).isEqualTo(1.5);
        ListValue capturedSrc = (ListValue) sink.values.get("0/src");
        assertThat(capturedSrc.size()).isEqualTo(1);
        // The live keyspace has the changes.
        assertThat(((ListValue) db.get(b("list"))).size()).isEqualTo(2);
        assertThat(new String(((ListValue) db.get(b("list"))).get(0))).isEqualTo("l0");
        assertThat(((HashValue) db.get(b("hash"))).size()).isEqualTo(2);
        assertThat(db.get(b("set"))).isNull();
        assertThat(((ListValue) db.get(b("dst"))).size()).isEqualTo(2);
        ks.endSnapshot(snap);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void stepIsBoundedAndAnEmptyKeyspaceCompletes() {
        Keyspace ks = new Keyspace(2);
        RecordingSink empty = new RecordingSink();
        SnapshotCapture s1 = ks.beginSnapshot(empty);
        while (!s1.step(1)) {
            // an empty keyspace still has to be walked
        }
        assertThat(empty.completions).isEqualTo(1);
        assertThat(empty.values).isEmpty();
        ks.endSnapshot(s1);

        for (int i = 0; i < 1000; i++) {
            ks.db(0).set(key(i), ("v" + i).getBytes(), 0);
        }
        RecordingSink sink = new RecordingSink();
        SnapshotCapture s2 = ks.beginSnapshot(sink);
        int steps = 0;
        int before = 0;
        while (!s2.step(10)) {
            steps++;
            assertThat(sink.values.size() - before).isLessThanOrEqualTo(10 + 16); // about budget items per step
            before = sink.values.size();
        }
        assertThat(steps).isGreaterThan(50);
        assertThat(sink.values).hasSize(1000);
        assertThat(Objects.requireNonNull(s2).scanned()).isTrue();
        ks.endSnapshot(s2);
    }
}
