package dev.chorus.node.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class Crc64Test {
    @Test
    void checkValueFromRedisCrc64Test() {
        // crc64.c's self test: crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9ca
        assertThat(Crc64.of("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xe9c6d914c4b8d9caL);
    }

    @Test
    void emptyInputIsZero() {
        assertThat(Crc64.of(new byte[0])).isZero();
    }

    @Property
    void incrementalEqualsWhole(@ForAll byte[] data, @ForAll @IntRange(min = 0, max = 1000) int cut) {
        int split = Math.min(cut, data.length);
        long crc = Crc64.update(0, data, 0, split);
        for (int i = split; i < data.length; i++) {
            crc = Crc64.update(crc, data[i]);
        }
        assertThat(crc).isEqualTo(Crc64.of(data));
    }

    /** Bit by bit, straight from the definition: the table-driven version must agree at any offset and length. */
    private static long bitwise(byte[] b, int off, int len) {
        long poly = Long.reverse(0xad93d23594c935a9L);
        long crc = 0;
        for (int i = off; i < off + len; i++) {
            crc ^= b[i] & 0xff;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ poly : crc >>> 1;
            }
        }
        return crc;
    }

    @Property
    void slicedEqualsBitwise(@ForAll byte[] data, @ForAll @IntRange(min = 0, max = 40) int from,
                             @ForAll @IntRange(min = 0, max = 40) int shorter) {
        int off = Math.min(from, data.length);
        int len = Math.max(0, data.length - off - shorter);
        assertThat(Crc64.update(0, data, off, len)).isEqualTo(bitwise(data, off, len));
    }
}
