package dev.chorus.node.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Lengths, strings, times and doubles: exact bytes as rdb.c writes them, and back. */
class RdbEncodingTest {
    private static byte[] encode(IoConsumer<RdbOutput> body, boolean compression) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RdbOutput out = new RdbOutput(bytes, compression);
        body.accept(out);
        out.flush();
        return bytes.toByteArray();
    }

    private static RdbInput input(byte[] b) {
        return new RdbInput(new ByteArrayInputStream(b));
    }

    interface IoConsumer<T> {
        void accept(T t) throws IOException;
    }

    @ParameterizedTest
    @CsvSource({
            "0, 00",
            "63, 3f",
            "64, 4040",
            "16383, 7fff",
            "16384, 8000004000",
            "4294967295, 80ffffffff",
            "4294967296, 810000000100000000",
    })
    void lengthEncodings(long length, String hex) throws IOException {
        byte[] b = encode(o -> o.writeLength(length), true);
        assertThat(HexFormat.of().formatHex(b)).isEqualTo(hex);
        RdbInput in = input(b);
        assertThat(in.readLength()).isEqualTo(length);
        assertThat(in.offset()).isEqualTo(b.length);
    }

    @Property
    void lengthsRoundTrip(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long length) throws IOException {
        assertThat(input(encode(o -> o.writeLength(length), true)).readLength()).isEqualTo(length);
    }

    @ParameterizedTest
    @CsvSource({
            // rdbTryIntegerEncoding: canonical decimal int8/16/32 only
            "0, c000",
            "-1, c0ff",
            "127, c07f",
            "128, c18000",
            "-32768, c10080",
            "12345, c13930",
            "32768, c200800000",
            "2147483647, c2ffffff7f",
            "-2147483648, c200000080",
            // not canonical or too wide: stored as raw strings
            "2147483648, 0a32313437343833363438",
            "007, 03303037",
            "-0, 022d30",
            "+1, 022b31",
            "' 1', 022031",
            "'', 00",
    })
    void stringEncodings(String s, String hex) throws IOException {
        byte[] value = s.getBytes(StandardCharsets.US_ASCII);
        byte[] b = encode(o -> o.writeString(value), true);
        assertThat(HexFormat.of().formatHex(b)).isEqualTo(hex);
        assertThat(input(b).readString()).isEqualTo(value);
    }

    @Test
    void longStringsAreLzfCompressedWhenItPays() throws IOException {
        byte[] value = new byte[100];
        Arrays.fill(value, (byte) 'a');
        byte[] b = encode(o -> o.writeString(value), true);
        // As in Redis' dump: c3 <clen 9> <len 100 as 14-bit> <lzf bytes>
        assertThat(HexFormat.of().formatHex(b)).isEqualTo("c3094064016161e05700016161");
        assertThat(input(b).readString()).isEqualTo(value);

        byte[] raw = encode(o -> o.writeString(value), false);
        assertThat(raw).hasSize(2 + 100);
        assertThat(input(raw).readString()).isEqualTo(value);
    }

    @Test
    void twentyBytesAreNeverCompressed() throws IOException {
        byte[] value = new byte[20];
        Arrays.fill(value, (byte) 'a');
        assertThat(encode(o -> o.writeString(value), true)).hasSize(21);
        byte[] value21 = new byte[21];
        Arrays.fill(value21, (byte) 'a');
        assertThat(encode(o -> o.writeString(value21), true)[0] & 0xff).isEqualTo(0xc3);
    }

    @Property(tries = 300)
    void stringsRoundTrip(@ForAll byte[] value, @ForAll boolean compression) throws IOException {
        assertThat(input(encode(o -> o.writeString(value), compression)).readString()).isEqualTo(value);
    }

    @Property(tries = 300)
    void integerStringsRoundTrip(@ForAll long v) throws IOException {
        byte[] value = Long.toString(v).getBytes(StandardCharsets.US_ASCII);
        assertThat(input(encode(o -> o.writeString(value), true)).readString()).isEqualTo(value);
        assertThat(input(encode(o -> o.writeLongAsString(v), true)).readString()).isEqualTo(value);
    }

    @Test
    void millisecondTimesAreLittleEndian() throws IOException {
        byte[] b = encode(o -> o.writeLong(0x01a20f0fc3edL), true);
        assertThat(HexFormat.of().formatHex(b)).isEqualTo("edc30f0fa2010000");
        assertThat(input(b).readMillis()).isEqualTo(0x01a20f0fc3edL);
    }

    @Property
    void binaryDoublesRoundTrip(@ForAll double d) throws IOException {
        byte[] b = encode(o -> o.writeBinaryDouble(d), true);
        assertThat(b).hasSize(8);
        assertThat(Double.doubleToRawLongBits(input(b).readBinaryDouble())).isEqualTo(Double.doubleToRawLongBits(d));
    }

    @ParameterizedTest
    @CsvSource({"1.5, 03312e35", "-3, 022d33", "Infinity, fe", "-Infinity, ff", "NaN, fd", "0.1, 13302e3130303030303030303030303030303031"})
    void stringDoubles(double d, String hex) throws IOException {
        byte[] b = encode(o -> o.writeStringDouble(d), true);
        assertThat(HexFormat.of().formatHex(b)).isEqualTo(hex);
        assertThat((Object) input(b).readStringDouble()).isEqualTo(d); // boxed: NaN equals NaN
    }

    @Test
    void truncatedInputIsAnEofError() {
        assertThatThrownBy(() -> input(new byte[] {(byte) 0x80, 0, 0}).readLength())
                .isInstanceOf(RdbFormatException.class).hasMessage("Unexpected EOF reading RDB file");
        assertThatThrownBy(() -> input(new byte[] {5, 'a', 'b'}).readString())
                .isInstanceOf(RdbFormatException.class).hasMessage("Unexpected EOF reading RDB file");
    }

    @Test
    void unknownStringEncodingIsRejected() {
        assertThatThrownBy(() -> input(new byte[] {(byte) 0xc4, 0}).readString())
                .isInstanceOf(RdbFormatException.class).hasMessage("Unknown RDB string encoding type 4");
    }

    @Test
    void absurdLzfLengthIsRejectedBeforeAllocating() {
        // c3, clen 1, len 2^31 (0x80 + 4 bytes), one byte of data
        byte[] b = {(byte) 0xc3, 1, (byte) 0x80, (byte) 0x80, 0, 0, 0, 0};
        assertThatThrownBy(() -> input(b).readString())
                .isInstanceOf(RdbFormatException.class).hasMessage("Invalid LZF compressed string");
    }
}
