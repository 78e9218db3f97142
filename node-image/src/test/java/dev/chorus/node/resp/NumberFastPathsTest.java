package dev.chorus.node.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The allocation-free number paths must give exactly what the general ones (Long.toString, strtod) give. */
class NumberFastPathsTest {

    private static final long[] EDGES = {0, 1, -1, 9, 10, -9, -10, 99, 100, 1023, 1024, -1024, 999_999_999_999_999_999L,
        1_000_000_000_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, Integer.MAX_VALUE,
        Integer.MIN_VALUE};

    @Test
    void decimalDigitsOfEdgeValues() {
        for (long v : EDGES) {
            assertThat(new String(Decimal.bytes(v), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
            assertThat(Decimal.length(v)).isEqualTo(Long.toString(v).length());
        }
    }

    @Property(tries = 2000)
    void decimalDigitsOfAnyLong(@ForAll long v) {
        assertThat(new String(Decimal.bytes(v), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
    }

    @Test
    void integerRepliesOfEdgeValues() {
        for (long v : EDGES) {
            RespWriter w = new RespWriter(4);
            w.integer(v).bulk(v);
            String digits = Long.toString(v);
            assertThat(new String(w.toByteArray(), StandardCharsets.US_ASCII))
                    .isEqualTo(":" + digits + "\r\n$" + digits.length() + "\r\n" + digits + "\r\n");
        }
    }

    @Property(tries = 3000)
    void simpleDecimalsParseLikeStrtod(@ForAll("simpleDecimals") String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        double expected = Double.parseDouble(s); // correctly rounded, as glibc's strtod
        assertThat(Double.doubleToRawLongBits(Doubles.parseSimpleDecimal(b)))
                .as(s).isEqualTo(Double.doubleToRawLongBits(expected));
        assertThat(Double.doubleToRawLongBits(Doubles.parseStrict(b))).isEqualTo(Double.doubleToRawLongBits(expected));
        assertThat(Double.doubleToRawLongBits(Doubles.parse(b))).isEqualTo(Double.doubleToRawLongBits(expected));
    }

    @Test
    void otherFormsAreLeftToTheGeneralParser() {
        for (String s : new String[] {"", "-", "+", ".", "-.", "1e5", "0x10", "inf", "nan", " 1", "1 ", "1.2.3",
            "1234567890123456", "0.0000000000000001", "1,5"}) {
            assertThat(Double.isNaN(Doubles.parseSimpleDecimal(s.getBytes(StandardCharsets.US_ASCII)))).as(s).isTrue();
        }
        assertThat(Double.doubleToRawLongBits(Doubles.parseStrict("-0".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(Doubles.parseStrict("1.".getBytes(StandardCharsets.US_ASCII))).isEqualTo(1.0);
        assertThat(Doubles.parseStrict(".5".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0.5);
    }

    @Provide
    Arbitrary<String> simpleDecimals() {
        Arbitrary<String> sign = Arbitraries.of("", "-", "+");
        Arbitrary<String> intPart = Arbitraries.strings().numeric().ofMinLength(0).ofMaxLength(9);
        Arbitrary<String> fraction = Arbitraries.strings().numeric().ofMinLength(0).ofMaxLength(6)
                .injectNull(0.3);
        return Combinators.combine(sign, intPart, fraction)
                .as((s, i, f) -> s + i + (f == null ? "" : "." + f))
                .filter(x -> x.chars().anyMatch(Character::isDigit));
    }
}
