package dev.chorus.node.persistence;

import static dev.chorus.node.persistence.ModelValues.Value;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class RdbWriterTest {
    record Item(int db, String key, Object value, long expireAt) {
    }

    static byte[] write(List<Item> items, boolean compression) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RdbWriter w = new RdbWriter(bytes, ModelValues.INSTANCE, compression);
        w.writeHeader(RdbWriter.standardAux(1000, null, 0, 0));
        for (Item i : items) {
            w.writeKey(i.db, ModelValues.bytes(i.key), ModelValues.raw(i.value), i.expireAt);
        }
        w.finish();
        return bytes.toByteArray();
    }

    @Property(tries = 200)
    void whatTheWriterWritesTheLoaderReads(@ForAll("items") List<Item> items, @ForAll boolean compression)
            throws IOException {
        // Later duplicates of a key replace earlier ones in the expected model; keep only the last for writing.
        Map<String, Item> unique = new LinkedHashMap<>();
        for (Item i : items) {
            unique.put(i.db + "/" + i.key, i);
        }
        byte[] rdb = write(List.copyOf(unique.values()), compression);
        RdbLoadResult r = new RdbLoader(ModelValues.INSTANCE, 16).load(new ByteArrayInputStream(rdb));

        Map<Integer, Map<String, ModelValues.Key>> expected = new TreeMap<>();
        for (Item i : unique.values()) {
            if (i.value instanceof Value v && v.size() == 0) {
                continue; // empty collections are not written
            }
            expected.computeIfAbsent(i.db, d -> new TreeMap<>()).put(i.key, new ModelValues.Key(i.value, i.expireAt));
        }
        assertThat(ModelValues.canonical(r.keys())).isEqualTo(expected);
        assertThat(r.aux()).containsEntry("redis-ver", "7.0.15");
    }

    @Test
    void headerMatchesRedisLayout() throws IOException {
        byte[] rdb = write(List.of(), true);
        String hex = HexFormat.of().formatHex(rdb);
        // REDIS0010, AUX redis-ver "7.0.15", AUX redis-bits int8 64 (as in a dump made by redis-server)
        assertThat(hex).startsWith("524544495330303130" + "fa" + "09" + HexFormat.of().formatHex("redis-ver".getBytes())
                + "06" + HexFormat.of().formatHex("7.0.15".getBytes()) + "fa0a" + HexFormat.of().formatHex("redis-bits".getBytes())
                + "c040");
    }

    @Test
    void selectDbIsWrittenWheneverTheDatabaseChanges() throws IOException {
        byte[] rdb = write(List.of(new Item(0, "a", "1", 0), new Item(2, "b", "2", 0), new Item(0, "c", "3", 0)), true);
        RdbLoadResult r = new RdbLoader(ModelValues.INSTANCE, 16).load(new ByteArrayInputStream(rdb));
        var c = ModelValues.canonical(r.keys());
        assertThat(c.get(0)).containsOnlyKeys("a", "c");
        assertThat(c.get(2)).containsOnlyKeys("b");
    }

    @Provide
    Arbitrary<List<Item>> items() {
        Arbitrary<String> text = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(30),
                Arbitraries.strings().withChars("ab").ofMinLength(21).ofMaxLength(200),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.integers().between(-200, 200).map(String::valueOf));
        Arbitrary<Double> score = Arbitraries.oneOf(Arbitraries.doubles(),
                Arbitraries.of(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 1.5));
        Arbitrary<Object> value = Arbitraries.oneOf(
                text.map(s -> (Object) s),
                text.list().ofMaxSize(20).map(l -> (Object) Value.list(l)),
                text.set().ofMaxSize(20).map(s -> (Object) Value.set(s)),
                Arbitraries.maps(text, text).ofMaxSize(20).map(m -> (Object) Value.hash(m)),
                Arbitraries.maps(text, score).ofMaxSize(20).map(m -> (Object) Value.zset(m)));
        Arbitrary<Long> expiry = Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(1, Long.MAX_VALUE));
        return Combinators.combine(Arbitraries.integers().between(0, 15), text, value, expiry)
                .as(Item::new).list().ofMaxSize(30);
    }
}
