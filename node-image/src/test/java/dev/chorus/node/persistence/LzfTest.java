package dev.chorus.node.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class LzfTest {
    @Test
    void hundredRepeatedBytesCompressLikeRedis() {
        // What redis-server 7.0.15 wrote for SET big <100 x 'a'> (the LZF blob of that key in its dump.rdb).
        byte[] in = new byte[100];
        Arrays.fill(in, (byte) 'a');
        byte[] expected = {0x01, 'a', 'a', (byte) 0xe0, 0x57, 0x00, 0x01, 'a', 'a'};
        assertThat(Lzf.compressIfSmaller(in)).isEqualTo(expected);
    }

    @Test
    void incompressibleInputIsNotCompressed() {
        byte[] in = new byte[64];
        for (int i = 0; i < in.length; i++) {
            in[i] = (byte) (i * 37 + 11);
        }
        assertThat(Lzf.compressIfSmaller(in)).isNull();
    }

    @Property(tries = 500)
    void roundTrip(@ForAll("compressible") byte[] data) throws Exception {
        byte[] out = new byte[data.length * 2 + 16];
        int n = Lzf.compress(data, data.length, out, out.length - 1);
        assertThat(n).isPositive();
        assertThat(Lzf.decompress(out, 0, n, data.length)).isEqualTo(data);
    }

    @Property(tries = 500)
    void compressIfSmallerSavesAtLeastFourBytesOrDeclines(@ForAll("compressible") byte[] data) throws Exception {
        byte[] c = Lzf.compressIfSmaller(data);
        if (c != null) {
            assertThat(c.length).isLessThanOrEqualTo(data.length - 4);
            assertThat(Lzf.decompress(c, 0, c.length, data.length)).isEqualTo(data);
        }
    }

    @Property(tries = 300)
    void corruptStreamsAreRejectedNotMisread(@ForAll("compressible") byte[] data, @ForAll int seed) {
        byte[] c = Lzf.compressIfSmaller(data);
        if (c == null || c.length < 2) {
            return;
        }
        // A truncated stream can never produce the recorded length.
        byte[] truncated = Arrays.copyOf(c, c.length - 1);
        assertThatThrownBy(() -> Lzf.decompress(truncated, 0, truncated.length, data.length))
                .isInstanceOf(RdbFormatException.class)
                .hasMessage("Invalid LZF compressed string");
        // A flipped byte either fails cleanly or yields bytes of the right length, never an index error.
        byte[] flipped = c.clone();
        flipped[Math.floorMod(seed, flipped.length)] ^= (byte) (1 + Math.floorMod(seed >> 8, 255));
        try {
            assertThat(Lzf.decompress(flipped, 0, flipped.length, data.length)).hasSize(data.length);
        } catch (RdbFormatException expected) {
            assertThat(expected).hasMessage("Invalid LZF compressed string");
        }
    }

    @Provide
    Arbitrary<byte[]> compressible() {
        // Mix of random bytes, a small alphabet and repeated runs so both literals and back references occur.
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(3000);
        Arbitrary<byte[]> smallAlphabet = Arbitraries.bytes().between((byte) 'a', (byte) 'd')
                .array(byte[].class).ofMinSize(1).ofMaxSize(20000);
        Arbitrary<byte[]> runs = Arbitraries.strings().withChars("ab").ofMinLength(1).ofMaxLength(8)
                .list().ofMinSize(1).ofMaxSize(400)
                .map(parts -> String.join("", parts).repeat(3).getBytes());
        return Arbitraries.oneOf(random, smallAlphabet, runs);
    }
}
