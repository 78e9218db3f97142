package dev.chorus.node.command.geo;

/**
 * Redis' GeoShape: the centre of a search, a circle (radius) or an axis-aligned box (width and height), all in the
 * user's unit, and {@code conversion} from that unit to meters. {@link #bounds} is filled by the area computation.
 */
public final class GeoShape {
    public enum Type { CIRCULAR, RECTANGLE }

    public Type type;
    /** Longitude and latitude of the centre. */
    public final double[] xy = new double[2];
    public double conversion;
    public double radius;
    public double width;
    public double height;
    /** min longitude, min latitude, max longitude, max latitude. */
    public final double[] bounds = new double[4];
}
