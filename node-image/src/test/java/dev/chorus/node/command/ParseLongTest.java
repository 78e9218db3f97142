package dev.chorus.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** CommandContext's string2ll against its definition: -?(0|[1-9][0-9]*), no "-0", within the signed 64-bit range. */
class ParseLongTest {

    private static Long reference(String s) {
        if (!s.matches("-?(0|[1-9][0-9]*)") || s.equals("-0")) {
            return null;
        }
        BigInteger v = new BigInteger(s);
        return v.bitLength() < 64 ? v.longValueExact() : null;
    }

    private static Long parse(String s) {
        return CommandContext.parseLongOrNull(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void edges() {
        for (String s : new String[] {"0", "-0", "00", "01", "+1", "-", "", " 1", "1 ", "9223372036854775807",
            "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "999999999999999999",
            "-999999999999999999", "1000000000000000000", "99999999999999999999", "123456789012345678901", "1a"}) {
            assertThat(parse(s)).as(s).isEqualTo(reference(s));
        }
    }

    @Property(tries = 3000)
    void anyLongRoundTrips(@ForAll long v) {
        assertThat(parse(Long.toString(v))).isEqualTo(v);
        assertThat(CommandContext.parseLong(Long.toString(v).getBytes(StandardCharsets.US_ASCII), "ERR x")).isEqualTo(v);
    }

    @Property(tries = 3000)
    void digitStringsParseAsDefined(@ForAll("numberish") String s) {
        assertThat(parse(s)).as(s).isEqualTo(reference(s));
    }

    @Provide
    Arbitrary<String> numberish() {
        return Arbitraries.strings().withChars("0123456789-+ x").ofMinLength(0).ofMaxLength(22);
    }
}
