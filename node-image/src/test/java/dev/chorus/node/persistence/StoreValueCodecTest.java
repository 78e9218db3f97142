package dev.chorus.node.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.store.HashValue;
import dev.chorus.node.store.ListValue;
import dev.chorus.node.store.SetValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The store's value types through the codec: encodings chosen as Redis 7.0 does on load, order kept. */
class StoreValueCodecTest {
    private static final StoreValueCodec CODEC = StoreValueCodec.INSTANCE;

    private static List<byte[]> strings(String... s) {
        return java.util.Arrays.stream(s).map(ModelValues::bytes).toList();
    }

    private static List<String> texts(List<byte[]> b) {
        return b.stream().map(ModelValues::text).toList();
    }

    @Test
    void setsAreIntsetsWhileSmallAndIntegral() {
        assertThat(((SetValue) CODEC.newSet(strings("3", "1", "-2"))).encoding()).isEqualTo("intset");
        assertThat(((SetValue) CODEC.newSet(strings("3", "a"))).encoding()).isEqualTo("hashtable");
        List<byte[]> many = IntStream.range(0, SetValue.maxIntsetEntries() + 1)
                .mapToObj(i -> ModelValues.bytes(Integer.toString(i))).toList();
        assertThat(((SetValue) CODEC.newSet(many)).encoding()).isEqualTo("hashtable");
        assertThat(CODEC.newSet(strings("1", "1"))).isNull();
        assertThat(CODEC.newSet(strings("a", "a"))).isNull();
    }

    @Test
    void hashesKeepFileOrderAndPickTheirEncoding() throws IOException {
        HashValue h = (HashValue) CODEC.newHash(strings("z", "1", "a", "2", "m", "3"));
        assertThat(h.encoding()).isEqualTo("listpack");
        List<String> order = new ArrayList<>();
        CODEC.forEachHashEntry(h, (f, v) -> order.add(ModelValues.text(f) + "=" + ModelValues.text(v)));
        assertThat(order).containsExactly("z=1", "a=2", "m=3");
        assertThat(((HashValue) CODEC.newHash(strings("f", "x".repeat(HashValue.maxListpackValue() + 1))))
                .encoding()).isEqualTo("hashtable");
        assertThat(CODEC.newHash(strings("f", "1", "f", "2"))).isNull();
    }

    @Test
    void listsKeepOrder() throws IOException {
        ListValue l = (ListValue) CODEC.newList(strings("a", "b", "c"));
        List<byte[]> out = new ArrayList<>();
        CODEC.forEachListElement(l, out::add);
        assertThat(texts(out)).containsExactly("a", "b", "c");
    }

    @Test
    void writerAndLoaderRoundTripStoreValues() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RdbWriter w = new RdbWriter(bytes, CODEC, true);
        w.writeHeader(RdbWriter.standardAux(0, null, 0, 0));
        w.writeKey(0, ModelValues.bytes("l"), CODEC.newList(strings("x", "1", "y")), 0);
        w.writeKey(0, ModelValues.bytes("s"), CODEC.newSet(strings("5", "-1", "2")), 0);
        w.writeKey(0, ModelValues.bytes("h"), CODEC.newHash(strings("b", "1", "a", "2")), 0);
        w.finish();
        RdbLoadResult r = new RdbLoader(CODEC, 16).load(new ByteArrayInputStream(bytes.toByteArray()));
        List<String> seen = new ArrayList<>();
        r.keys().forEach((db, key, value, expireAt) -> {
            try {
                List<String> parts = new ArrayList<>();
                if (value instanceof ListValue l) {
                    CODEC.forEachListElement(l, e -> parts.add(ModelValues.text(e)));
                } else if (value instanceof SetValue s) {
                    parts.add(s.encoding());
                    CODEC.forEachSetMember(s, e -> parts.add(ModelValues.text(e)));
                } else if (value instanceof HashValue h) {
                    CODEC.forEachHashEntry(h, (f, v) -> parts.add(ModelValues.text(f) + "=" + ModelValues.text(v)));
                }
                seen.add(ModelValues.text(key) + parts);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(seen).containsExactlyInAnyOrder("l[x, 1, y]", "s[intset, -1, 2, 5]", "h[b=1, a=2]");
    }
}
