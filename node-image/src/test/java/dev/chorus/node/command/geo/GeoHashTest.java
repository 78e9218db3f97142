package dev.chorus.node.command.geo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.command.geo.GeoHash.Area;
import dev.chorus.node.command.geo.GeoHash.Bits;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;

/** The geohash math of geohash.c: interleaving, encoding, decoding, neighbours and the GEOHASH string. */
class GeoHashTest {

    @Property
    void deinterleaveUndoesInterleave(@ForAll @LongRange(min = 0, max = 0xFFFFFFFFL) long x,
            @ForAll @LongRange(min = 0, max = 0xFFFFFFFFL) long y) {
        long bits = GeoHash.interleave64(x, y);
        long sep = GeoHash.deinterleave64(bits);
        assertThat(sep & 0xFFFFFFFFL).isEqualTo(x);
        assertThat(sep >>> 32).isEqualTo(y);
    }

    @Test
    void interleavePutsTheFirstArgumentInTheEvenBits() {
        assertThat(GeoHash.interleave64(1, 0)).isEqualTo(1L);
        assertThat(GeoHash.interleave64(0, 1)).isEqualTo(2L);
        assertThat(GeoHash.interleave64(0b11, 0)).isEqualTo(0b101L);
        assertThat(GeoHash.interleave64(0xFFFFFFFFL, 0xFFFFFFFFL)).isEqualTo(-1L);
    }

    @Property
    void aDecodedCellContainsTheEncodedPoint(@ForAll @DoubleRange(min = -180, max = 180) @Scale(12) double lon,
            @ForAll @DoubleRange(min = -85.05112878, max = 85.05112878) @Scale(12) double lat,
            @ForAll @IntRange(min = 1, max = 26) int step) {
        Bits hash = GeoHash.encodeWGS84(lon, lat, step);
        Area area = GeoHash.decodeWGS84(hash);
        assertThat(area.longitude().min()).isLessThanOrEqualTo(lon);
        assertThat(area.latitude().min()).isLessThanOrEqualTo(lat);
        if (lon < 180) {
            assertThat(area.longitude().max()).isGreaterThan(lon);
        }
        if (lat < GeoHash.LAT_MAX) {
            assertThat(area.latitude().max()).isGreaterThan(lat);
        }
    }

    /** (Longitude 180 is left out: its score has bit 53 set and loses its lowest bit as a double, in Redis too.) */
    @Property
    void scoresDecodeWithinHalfACellOfThePoint(@ForAll @DoubleRange(min = -180, max = 179.9999) @Scale(12) double lon,
            @ForAll @DoubleRange(min = -85.05112878, max = 85.05112878) @Scale(12) double lat) {
        long score = GeoHash.align52Bits(GeoHash.encodeWGS84(lon, lat, GeoHash.STEP_MAX));
        assertThat(score).isBetween(0L, 1L << 54);
        double[] xy = GeoHash.decodeScore(score);
        assertThat(Math.abs(xy[0] - lon)).isLessThanOrEqualTo(360.0 / (1 << 26));
        assertThat(Math.abs(xy[1] - lat)).isLessThanOrEqualTo(2 * GeoHash.LAT_MAX / (1 << 26));
    }

    @Test
    void outOfRangeCoordinatesDoNotEncode() {
        assertThat(GeoHash.encodeWGS84(180.0000001, 0, 26)).isNull();
        assertThat(GeoHash.encodeWGS84(0, 85.06, 26)).isNull();
        assertThat(GeoHash.encodeWGS84(0, 0, 0)).isNull();
        assertThat(GeoHash.encodeWGS84(0, 0, 33)).isNull();
    }

    @Test
    void theEdgesOfTheMapEncodeAndDecodeClamped() {
        // The top edge gives an offset of exactly 2^26, one bit beyond the 26: decoding clamps it back.
        double[] ne = GeoHash.decodeScore(GeoHash.align52Bits(GeoHash.encodeWGS84(180, GeoHash.LAT_MAX, 26)));
        assertThat(ne[0]).isEqualTo(180);
        assertThat(ne[1]).isEqualTo(GeoHash.LAT_MAX);
        double[] sw = GeoHash.decodeScore(0);
        assertThat(sw[0]).isGreaterThan(-180).isLessThan(-179.99999);
        assertThat(sw[1]).isGreaterThan(GeoHash.LAT_MIN).isLessThan(-85.0511);
    }

    @Property
    void neighboursAreAdjacentCells(@ForAll @DoubleRange(min = -179, max = 179) double lon,
            @ForAll @DoubleRange(min = -84, max = 84) double lat, @ForAll @IntRange(min = 2, max = 26) int step) {
        Bits hash = GeoHash.encodeWGS84(lon, lat, step);
        Area centre = GeoHash.decodeWGS84(hash);
        GeoHash.Neighbors n = GeoHash.neighbors(hash);
        Area east = GeoHash.decodeWGS84(n.east());
        Area north = GeoHash.decodeWGS84(n.north());
        Area southWest = GeoHash.decodeWGS84(n.southWest());
        double width = centre.longitude().max() - centre.longitude().min();
        double height = centre.latitude().max() - centre.latitude().min();
        if (centre.longitude().max() < 180) {
            assertThat(east.longitude().min()).isCloseTo(centre.longitude().max(), org.assertj.core.data.Offset.offset(width * 1e-9));
            assertThat(east.latitude()).isEqualTo(centre.latitude());
        }
        if (centre.latitude().max() < GeoHash.LAT_MAX) {
            assertThat(north.latitude().min()).isCloseTo(centre.latitude().max(), org.assertj.core.data.Offset.offset(height * 1e-9));
            assertThat(north.longitude()).isEqualTo(centre.longitude());
        }
        if (centre.latitude().min() > GeoHash.LAT_MIN && centre.longitude().min() > -180) {
            assertThat(southWest.latitude().max()).isCloseTo(centre.latitude().min(), org.assertj.core.data.Offset.offset(height * 1e-9));
            assertThat(southWest.longitude().max()).isCloseTo(centre.longitude().min(), org.assertj.core.data.Offset.offset(width * 1e-9));
        }
    }

    @Test
    void scoreRangeOfACellCoversItsPoints() {
        Bits cell = GeoHash.encodeWGS84(13.361389, 38.115556, 10);
        long min = GeoHash.align52Bits(cell);
        long max = GeoHash.align52Bits(new Bits(cell.bits() + 1, cell.step()));
        long score = GeoHash.align52Bits(GeoHash.encodeWGS84(13.361389, 38.115556, 26));
        assertThat(score).isGreaterThanOrEqualTo(min).isLessThan(max);
        assertThat(max - min).isEqualTo(1L << 32);
    }

    @Test
    void geohashStringsAreStandardBase32() {
        // Redis' documentation: GEOADD Sicily 13.361389 38.115556 "Palermo" 15.087269 37.502669 "Catania",
        // GEOHASH Sicily Palermo Catania -> "sqc8b49rny0", "sqdtr74hyu0".
        double palermo = GeoHash.align52Bits(GeoHash.encodeWGS84(13.361389, 38.115556, 26));
        double catania = GeoHash.align52Bits(GeoHash.encodeWGS84(15.087269, 37.502669, 26));
        assertThat(GeoHash.standardString(palermo)).isEqualTo("sqc8b49rny0");
        assertThat(GeoHash.standardString(catania)).isEqualTo("sqdtr74hyu0");
        assertThat(GeoHash.standardString(palermo)).hasSize(11).endsWith("0");
    }

    @Test
    void scoresConvertToIntegersLikeC() {
        assertThat(GeoHash.doubleToUint64(-1)).isEqualTo(-1L);
        assertThat(GeoHash.doubleToUint64(1.5)).isEqualTo(1L);
        assertThat(GeoHash.doubleToUint64(Double.POSITIVE_INFINITY)).isEqualTo(0L);
        assertThat(GeoHash.doubleToUint64(Double.NEGATIVE_INFINITY)).isEqualTo(Long.MIN_VALUE);
        assertThat(GeoHash.doubleToUint64(1.0e19)).isEqualTo(Long.parseUnsignedLong("10000000000000000000"));
        assertThat(GeoHash.cvttsd2si(1e19)).isEqualTo(Long.MIN_VALUE);
        assertThat(GeoHash.cvttsd2si(Double.NaN)).isEqualTo(Long.MIN_VALUE);
    }
}
