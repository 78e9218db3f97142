package dev.chorus.node.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The blob decoders against the test encoders, on every entry encoding; corrupt blobs fail cleanly. */
class LegacyBlobsTest {
    @Property(tries = 300)
    void ziplistRoundTrip(@ForAll("elements") List<String> elements) throws Exception {
        assertThat(Ziplist.decode(BlobEncoders.ziplist(elements))).map(ModelValues::text).isEqualTo(elements);
    }

    @Property(tries = 300)
    void listpackRoundTrip(@ForAll("elements") List<String> elements) throws Exception {
        assertThat(Listpack.decode(BlobEncoders.listpack(elements))).map(ModelValues::text).isEqualTo(elements);
    }

    @Property(tries = 200)
    void zipmapRoundTrip(@ForAll("elements") List<String> elements) throws Exception {
        List<String> pairs = elements.size() % 2 == 0 ? elements : elements.subList(0, elements.size() - 1);
        assertThat(Zipmap.decode(BlobEncoders.zipmap(pairs))).map(ModelValues::text).isEqualTo(pairs);
    }

    @Property(tries = 200)
    void intsetRoundTrip(@ForAll List<Long> values) throws Exception {
        List<String> expected = values.stream().distinct().sorted().map(String::valueOf).toList();
        assertThat(Intset.decode(BlobEncoders.intset(values))).map(ModelValues::text).isEqualTo(expected);
    }

    @Property(tries = 200)
    void corruptListpacksAndZiplistsFailCleanly(@ForAll("elements") List<String> elements, @ForAll int seed) {
        for (byte[] blob : List.of(BlobEncoders.listpack(elements), BlobEncoders.ziplist(elements))) {
            byte[] bad = blob.clone();
            int at = Math.floorMod(seed, bad.length);
            bad[at] ^= (byte) (1 + Math.floorMod(seed >> 8, 255));
            try {
                Listpack.decode(bad);
            } catch (RdbFormatException expected) {
                // fine: detected
            }
            try {
                Ziplist.decode(bad);
            } catch (RdbFormatException expected) {
                // fine: detected
            }
            byte[] cut = Arrays.copyOf(blob, Math.floorMod(seed, blob.length));
            assertThatThrownBy(() -> Listpack.decode(cut)).isInstanceOf(RdbFormatException.class);
            assertThatThrownBy(() -> Ziplist.decode(cut)).isInstanceOf(RdbFormatException.class);
        }
    }

    @Test
    void listpackIntegerEncodingsDecodeToDecimal() throws Exception {
        List<String> ints = List.of("0", "127", "128", "-1", "-4096", "4095", "4096", "-32768", "32767", "32768",
                "-8388608", "8388607", "8388608", "2147483647", "-2147483648", "2147483648",
                "9223372036854775807", "-9223372036854775808");
        assertThat(Listpack.decode(BlobEncoders.listpack(ints))).map(ModelValues::text).isEqualTo(ints);
        assertThat(Ziplist.decode(BlobEncoders.ziplist(ints))).map(ModelValues::text).isEqualTo(ints);
    }

    @Provide
    Arbitrary<List<String>> elements() {
        Arbitrary<String> element = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(80),
                Arbitraries.strings().withChars("xyz").ofMinLength(250).ofMaxLength(5000),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.integers().between(-20, 300).map(String::valueOf));
        return element.list().ofMaxSize(40);
    }
}
