package dev.chorus.node.command.geo;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;

/**
 * Trig's results are correctly rounded: checked against a high-precision Taylor series evaluated in BigDecimal
 * (for asin, through sin of the result and its neighbours).
 */
class TrigTest {
    private static final MathContext MC = new MathContext(60);

    /** sin(x) to 60 digits. */
    private static BigDecimal sin(BigDecimal x) {
        BigDecimal term = x;
        BigDecimal sum = x;
        BigDecimal x2 = x.multiply(x, MC);
        for (int n = 1; n < 60; n++) {
            term = term.multiply(x2, MC).divide(BigDecimal.valueOf((2L * n) * (2L * n + 1)), MC).negate();
            sum = sum.add(term, MC);
        }
        return sum;
    }

    private static BigDecimal cos(BigDecimal x) {
        BigDecimal term = BigDecimal.ONE;
        BigDecimal sum = BigDecimal.ONE;
        BigDecimal x2 = x.multiply(x, MC);
        for (int n = 1; n < 60; n++) {
            term = term.multiply(x2, MC).divide(BigDecimal.valueOf((2L * n - 1) * (2L * n)), MC).negate();
            sum = sum.add(term, MC);
        }
        return sum;
    }

    /** Whether d is the double nearest to exact. */
    private static void assertNearest(double d, BigDecimal exact) {
        BigDecimal err = new BigDecimal(d).subtract(exact, MC).abs();
        BigDecimal up = new BigDecimal(Math.nextUp(d)).subtract(exact, MC).abs();
        BigDecimal down = new BigDecimal(Math.nextDown(d)).subtract(exact, MC).abs();
        assertThat(err).isLessThanOrEqualTo(up).isLessThanOrEqualTo(down);
    }

    @Property(tries = 300)
    void sinIsCorrectlyRounded(@ForAll @DoubleRange(min = -3.2, max = 3.2) @Scale(15) double x) {
        assertNearest(Trig.sin(x), sin(new BigDecimal(x)));
    }

    @Property(tries = 300)
    void cosIsCorrectlyRounded(@ForAll @DoubleRange(min = -3.2, max = 3.2) @Scale(15) double x) {
        assertNearest(Trig.cos(x), cos(new BigDecimal(x)));
    }

    @Property(tries = 300)
    void asinIsCorrectlyRounded(@ForAll @DoubleRange(min = 0, max = 1) @Scale(16) double x) {
        double y = Trig.asin(x);
        // sin is increasing on [0, pi/2]: y is nearest when x lies between sin of the midpoints around y.
        BigDecimal exactX = new BigDecimal(x);
        BigDecimal lo = new BigDecimal(y).add(new BigDecimal(Math.nextDown(y))).divide(BigDecimal.valueOf(2), MC);
        BigDecimal hi = new BigDecimal(y).add(new BigDecimal(Math.nextUp(y))).divide(BigDecimal.valueOf(2), MC);
        assertThat(sin(lo)).isLessThanOrEqualTo(exactX);
        if (y < Math.PI / 2) {
            assertThat(sin(hi)).isGreaterThanOrEqualTo(exactX);
        }
    }

    @Test
    void specialValues() {
        assertThat(Trig.sin(0.0)).isEqualTo(0.0);
        assertThat(Trig.cos(0.0)).isEqualTo(1.0);
        assertThat(Trig.asin(0.0)).isEqualTo(0.0);
        assertThat(Trig.asin(1.0)).isEqualTo(Math.PI / 2);
        assertThat(Trig.asin(-1.0)).isEqualTo(-Math.PI / 2);
        assertThat(Trig.asin(1.5)).isNaN();
        assertThat(Trig.sin(1e30)).isEqualTo(StrictMath.sin(1e30));
    }
}
