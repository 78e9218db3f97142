package dev.chorus.node.command.geo;

import dev.chorus.node.command.geo.GeoHash.Area;
import dev.chorus.node.command.geo.GeoHash.Bits;
import dev.chorus.node.command.geo.GeoHash.Neighbors;

/**
 * Redis' geohash_helper.c: the cells a search must scan, the haversine distance and the shape inclusion tests, with
 * the same constants and operation order as the C code.
 */
public final class GeoHashHelper {
    private GeoHashHelper() {
    }

    private static final double D_R = Math.PI / 180.0;
    /** Earth's quadratic mean radius for WGS-84. */
    public static final double EARTH_RADIUS_IN_METERS = 6372797.560856;
    static final double MERCATOR_MAX = 20037726.37;

    static double degRad(double ang) {
        return ang * D_R;
    }

    static double radDeg(double ang) {
        return ang / D_R;
    }

    /** geohashEstimateStepsByRadius: the cell size (step) for the nine search cells of a query. */
    public static int estimateStepsByRadius(double rangeMeters, double lat) {
        if (rangeMeters == 0) {
            return 26;
        }
        int step = 1;
        while (rangeMeters < MERCATOR_MAX) {
            rangeMeters *= 2;
            step++;
        }
        step -= 2;
        if (lat > 66 || lat < -66) {
            step--;
            if (lat > 80 || lat < -80) {
                step--;
            }
        }
        if (step < 1) {
            step = 1;
        }
        if (step > 26) {
            step = 26;
        }
        return step;
    }

    /** geohashBoundingBox: fills shape.bounds with the min/max longitude and latitude of the search area. */
    static void boundingBox(GeoShape shape) {
        double longitude = shape.xy[0];
        double latitude = shape.xy[1];
        boolean circle = shape.type == GeoShape.Type.CIRCULAR;
        double height = shape.conversion * (circle ? shape.radius : shape.height / 2);
        double width = shape.conversion * (circle ? shape.radius : shape.width / 2);

        double latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
        double longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Trig.cos(degRad(latitude + latDelta)));
        double longDeltaBottom =
                radDeg(width / EARTH_RADIUS_IN_METERS / Trig.cos(degRad(latitude - latDelta)));
        boolean southern = latitude < 0;
        shape.bounds[0] = southern ? longitude - longDeltaBottom : longitude - longDeltaTop;
        shape.bounds[2] = southern ? longitude + longDeltaBottom : longitude + longDeltaTop;
        shape.bounds[1] = latitude - latDelta;
        shape.bounds[3] = latitude + latDelta;
    }

    /**
     * GeoHashRadius: the centre cell and its neighbours in geo.c's scan order (centre, north, south, east, west,
     * north-east, north-west, south-east, south-west); a cell that can't hold results is {@link Bits#ZERO}.
     */
    public record Radius(Bits[] cells, Area area) {
    }

    /** geohashCalculateAreasByShapeWGS84 (also fills shape.bounds). */
    public static Radius calculateAreasByShapeWGS84(GeoShape shape) {
        boundingBox(shape);
        double minLon = shape.bounds[0];
        double minLat = shape.bounds[1];
        double maxLon = shape.bounds[2];
        double maxLat = shape.bounds[3];

        double longitude = shape.xy[0];
        double latitude = shape.xy[1];
        double radiusMeters = shape.type == GeoShape.Type.CIRCULAR ? shape.radius
                : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2));
        radiusMeters *= shape.conversion;

        int steps = estimateStepsByRadius(radiusMeters, latitude);
        Bits hash = GeoHash.encodeWGS84(longitude, latitude, steps);
        Neighbors neighbors = GeoHash.neighbors(hash);
        Area area = GeoHash.decodeWGS84(hash);

        boolean decreaseStep = false;
        {
            Area north = GeoHash.decodeWGS84(neighbors.north());
            Area south = GeoHash.decodeWGS84(neighbors.south());
            Area east = GeoHash.decodeWGS84(neighbors.east());
            Area west = GeoHash.decodeWGS84(neighbors.west());
            if (north != null && north.latitude().max() < maxLat) {
                decreaseStep = true;
            }
            if (south != null && south.latitude().min() > minLat) {
                decreaseStep = true;
            }
            if (east != null && east.longitude().max() < maxLon) {
                decreaseStep = true;
            }
            if (west != null && west.longitude().min() > minLon) {
                decreaseStep = true;
            }
        }

        if (steps > 1 && decreaseStep) {
            steps--;
            hash = GeoHash.encodeWGS84(longitude, latitude, steps);
            neighbors = GeoHash.neighbors(hash);
            area = GeoHash.decodeWGS84(hash);
        }

        Bits north = neighbors.north();
        Bits south = neighbors.south();
        Bits east = neighbors.east();
        Bits west = neighbors.west();
        Bits northEast = neighbors.northEast();
        Bits northWest = neighbors.northWest();
        Bits southEast = neighbors.southEast();
        Bits southWest = neighbors.southWest();
        if (steps >= 2) {
            if (area.latitude().min() < minLat) {
                south = Bits.ZERO;
                southWest = Bits.ZERO;
                southEast = Bits.ZERO;
            }
            if (area.latitude().max() > maxLat) {
                north = Bits.ZERO;
                northEast = Bits.ZERO;
                northWest = Bits.ZERO;
            }
            if (area.longitude().min() < minLon) {
                west = Bits.ZERO;
                southWest = Bits.ZERO;
                northWest = Bits.ZERO;
            }
            if (area.longitude().max() > maxLon) {
                east = Bits.ZERO;
                southEast = Bits.ZERO;
                northEast = Bits.ZERO;
            }
        }
        return new Radius(new Bits[] {hash, north, south, east, west, northEast, northWest, southEast, southWest},
                area);
    }

    /** geohashGetDistance: haversine great circle distance in meters. */
    public static double distance(double lon1d, double lat1d, double lon2d, double lat2d) {
        double lat1r = degRad(lat1d);
        double lon1r = degRad(lon1d);
        double lat2r = degRad(lat2d);
        double lon2r = degRad(lon2d);
        double u = Trig.sin((lat2r - lat1r) / 2);
        double v = Trig.sin((lon2r - lon1r) / 2);
        return 2.0 * EARTH_RADIUS_IN_METERS
                * Trig.asin(Math.sqrt(u * u + Trig.cos(lat1r) * Trig.cos(lat2r) * v * v));
    }

    /**
     * geohashGetDistanceIfInRadiusWGS84: whether (x2, y2) is within {@code radius} meters of (x1, y1); the distance
     * is stored in {@code distance[0]} either way.
     */
    public static boolean distanceIfInRadius(double x1, double y1, double x2, double y2, double radius,
            double[] distance) {
        distance[0] = distance(x1, y1, x2, y2);
        return !(distance[0] > radius);
    }

    /**
     * geohashGetDistanceIfInRectangle: whether (x2, y2) is inside the box of {@code widthM} by {@code heightM}
     * meters centred on (x1, y1); when it is, {@code distance[0]} is its distance from the centre.
     */
    public static boolean distanceIfInRectangle(double widthM, double heightM, double x1, double y1, double x2,
            double y2, double[] distance) {
        double lonDistance = distance(x2, y2, x1, y2);
        double latDistance = distance(x2, y2, x2, y1);
        if (lonDistance > widthM / 2 || latDistance > heightM / 2) {
            return false;
        }
        distance[0] = distance(x1, y1, x2, y2);
        return true;
    }
}
