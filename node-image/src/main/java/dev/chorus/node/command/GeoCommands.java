package dev.chorus.node.command;

import dev.chorus.node.command.geo.GeoHash;
import dev.chorus.node.command.geo.GeoHashHelper;
import dev.chorus.node.command.geo.GeoShape;
import dev.chorus.node.command.geo.Sorts;
import dev.chorus.node.command.meta.KeyRef;
import dev.chorus.node.command.meta.KeysProc;
import dev.chorus.node.resp.Doubles;
import dev.chorus.node.resp.RespWriter;
import dev.chorus.node.store.Database;
import dev.chorus.node.store.ScoreRange;
import dev.chorus.node.store.SkipList.Node;
import dev.chorus.node.store.ValueType;
import dev.chorus.node.store.ZSetValue;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The geo commands (geo.c): a geo set is a sorted set whose scores are 52-bit geohashes. GEOADD is ZADD with
 * encoded coordinates; the searches scan the nine geohash cells around the centre and keep the points inside the
 * shape. The geohash math is in {@link dev.chorus.node.command.geo}.
 */
public final class GeoCommands implements CommandFamily {

    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(
                CommandSpec.of("geoadd", -5, "write denyoom", GeoCommands::geoadd),
                CommandSpec.of("geodist", -4, "readonly", GeoCommands::geodist),
                CommandSpec.of("geohash", -2, "readonly", GeoCommands::geohash),
                CommandSpec.of("geopos", -2, "readonly", GeoCommands::geopos),
                CommandSpec.of("georadius", -6, "write denyoom", ctx -> search(ctx, 1, RADIUS_COORDS))
                        .getKeys(GEORADIUS_KEYS),
                CommandSpec.of("georadius_ro", -6, "readonly",
                        ctx -> search(ctx, 1, RADIUS_COORDS | RADIUS_NOSTORE)),
                CommandSpec.of("georadiusbymember", -5, "write denyoom", ctx -> search(ctx, 1, RADIUS_MEMBER))
                        .getKeys(GEORADIUS_KEYS),
                CommandSpec.of("georadiusbymember_ro", -5, "readonly",
                        ctx -> search(ctx, 1, RADIUS_MEMBER | RADIUS_NOSTORE)),
                CommandSpec.of("geosearch", -7, "readonly", ctx -> search(ctx, 1, GEOSEARCH)),
                CommandSpec.of("geosearchstore", -8, "write denyoom",
                        ctx -> search(ctx, 2, GEOSEARCH | GEOSEARCHSTORE)));
    }

    /** Redis' georadiusGetKeys: the source key, then the last STORE/STOREDIST key if any. */
    static final KeysProc GEORADIUS_KEYS = argv -> {
        int stored = -1;
        for (int i = 5; i < argv.length; i++) {
            if ((cStringIs(argv[i], "store") || cStringIs(argv[i], "storedist"))
                    && i + 1 < argv.length) {
                stored = i + 1;
                i++;
            }
        }
        return stored == -1 ? List.of(new KeyRef(1, List.of()))
                : List.of(new KeyRef(1, List.of()), new KeyRef(stored, List.of()));
    };

    /** strcasecmp(arg, name) == 0 on the argument as a C string (up to a NUL byte). */
    private static boolean cStringIs(byte[] arg, String name) {
        return cString(arg).equalsIgnoreCase(name);
    }

    // ---- argument helpers ----

    /** extractLongLatOrReply: longitude and latitude from two arguments, within the geo limits. */
    static double[] longLat(CommandContext ctx, int idx) {
        double[] xy = new double[2];
        for (int i = 0; i < 2; i++) {
            xy[i] = ctx.doubleArg(idx + i);
        }
        if (xy[0] < GeoHash.LONG_MIN || xy[0] > GeoHash.LONG_MAX
                || xy[1] < GeoHash.LAT_MIN || xy[1] > GeoHash.LAT_MAX) {
            throw new CommandError("ERR invalid longitude,latitude pair " + printfF(xy[0], 6) + ","
                    + printfF(xy[1], 6));
        }
        return xy;
    }

    /** C's printf("%.<decimals>f"): the exact binary value rounded half to even, "inf"/"-inf"/"nan" spelled out. */
    static String printfF(double d, int decimals) {
        if (Double.isNaN(d)) {
            return (Double.doubleToRawLongBits(d) < 0 ? "-" : "") + "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        String s = new BigDecimal(d).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        if (d < 0 || (d == 0 && 1 / d < 0)) {
            if (!s.startsWith("-")) {
                s = "-" + s; // C keeps the sign of a negative value that rounds to zero, and of -0
            }
        }
        return s;
    }

    /** extractUnitOrReply: meters per unit. */
    static double unit(CommandContext ctx, int idx) {
        return switch (ctx.option(idx)) {
            case "m" -> 1;
            case "km" -> 1000;
            case "ft" -> 0.3048;
            case "mi" -> 1609.34;
            default -> throw new CommandError("ERR unsupported unit provided. please use M, KM, FT, MI");
        };
    }

    private static double doubleArg(CommandContext ctx, int idx, String error) {
        Double d = Doubles.parseStrict(ctx.arg(idx));
        if (d == null) {
            throw new CommandError(error);
        }
        return d;
    }

    /** extractDistanceOrReply: radius and unit into the shape. */
    private static void distance(CommandContext ctx, int idx, GeoShape shape) {
        double distance = doubleArg(ctx, idx, "ERR need numeric radius");
        if (distance < 0) {
            throw new CommandError("ERR radius cannot be negative");
        }
        shape.radius = distance;
        shape.conversion = unit(ctx, idx + 1);
    }

    /** extractBoxOrReply: width, height and unit into the shape. */
    private static void box(CommandContext ctx, int idx, GeoShape shape) {
        double w = doubleArg(ctx, idx, "ERR need numeric width");
        double h = doubleArg(ctx, idx + 1, "ERR need numeric height");
        if (h < 0 || w < 0) {
            throw new CommandError("ERR height or width cannot be negative");
        }
        shape.height = h;
        shape.width = w;
        shape.conversion = unit(ctx, idx + 2);
    }

    /** addReplyDoubleDistance: "%.4f" as a bulk string. */
    private static void replyDistance(RespWriter w, double d) {
        w.bulk(printfF(d, 4).getBytes(StandardCharsets.US_ASCII));
    }

    /** addReplyHumanLongDouble: %.17Lf trimmed, a bulk string in RESP2 and a double in RESP3. */
    private static void replyHumanDouble(RespWriter w, double d) {
        String s = Doubles.formatHuman(d);
        if (w.resp3()) {
            w.raw((',' + s + "\r\n").getBytes(StandardCharsets.US_ASCII));
        } else {
            w.bulk(s.getBytes(StandardCharsets.US_ASCII));
        }
    }

    // ---- GEOADD ----

    /** GEOADD key [NX|XX] [CH] longitude latitude member [...]: rewritten into ZADD and run as ZADD. */
    private static void geoadd(CommandContext ctx) {
        boolean xx = false;
        boolean nx = false;
        int longidx = 2;
        while (longidx < ctx.argc()) {
            String opt = ctx.option(longidx);
            if (opt.equals("nx")) {
                nx = true;
            } else if (opt.equals("xx")) {
                xx = true;
            } else if (!opt.equals("ch")) {
                break;
            }
            longidx++;
        }
        if ((ctx.argc() - longidx) % 3 != 0 || (xx && nx)) {
            throw Errors.syntax();
        }
        int elements = (ctx.argc() - longidx) / 3;
        byte[][] argv = new byte[longidx + elements * 2][];
        argv[0] = CommandContext.bytes("zadd");
        for (int i = 1; i < longidx; i++) {
            argv[i] = ctx.arg(i);
        }
        for (int i = 0; i < elements; i++) {
            double[] xy = longLat(ctx, longidx + i * 3);
            GeoHash.Bits hash = GeoHash.encodeWGS84(xy[0], xy[1], GeoHash.STEP_MAX);
            long bits = GeoHash.align52Bits(hash);
            argv[longidx + i * 2] = CommandContext.bytes(bits);
            argv[longidx + 1 + i * 2] = ctx.arg(longidx + i * 3 + 2);
        }
        ctx.replaceArgv(argv);
        SortedSetCommands.zadd(ctx);
    }

    // ---- GEOHASH / GEOPOS / GEODIST ----

    private static void geohash(CommandContext ctx) {
        ZSetValue z = ctx.value(ctx.arg(1), ValueType.ZSET);
        RespWriter w = ctx.reply();
        w.array(ctx.argc() - 2);
        for (int j = 2; j < ctx.argc(); j++) {
            Double score = z == null ? null : z.score(ctx.arg(j));
            String hash = score == null ? null : GeoHash.standardString(score);
            if (hash == null) {
                w.nullBulk();
            } else {
                w.bulk(hash.getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    private static void geopos(CommandContext ctx) {
        ZSetValue z = ctx.value(ctx.arg(1), ValueType.ZSET);
        RespWriter w = ctx.reply();
        w.array(ctx.argc() - 2);
        for (int j = 2; j < ctx.argc(); j++) {
            Double score = z == null ? null : z.score(ctx.arg(j));
            double[] xy = score == null ? null : GeoHash.decodeScore(score);
            if (xy == null) {
                w.nullArray();
            } else {
                w.array(2);
                replyHumanDouble(w, xy[0]);
                replyHumanDouble(w, xy[1]);
            }
        }
    }

    /** GEODIST key member1 member2 [unit]. */
    private static void geodist(CommandContext ctx) {
        double toMeter = 1;
        if (ctx.argc() == 5) {
            toMeter = unit(ctx, 4);
        } else if (ctx.argc() > 5) {
            throw Errors.syntax();
        }
        ZSetValue z = ctx.value(ctx.arg(1), ValueType.ZSET);
        if (z == null) {
            ctx.reply().nullBulk();
            return;
        }
        Double score1 = z.score(ctx.arg(2));
        Double score2 = score1 == null ? null : z.score(ctx.arg(3));
        double[] a = score2 == null ? null : GeoHash.decodeScore(score1);
        double[] b = a == null ? null : GeoHash.decodeScore(score2);
        if (b == null) {
            ctx.reply().nullBulk();
            return;
        }
        replyDistance(ctx.reply(), GeoHashHelper.distance(a[0], a[1], b[0], b[1]) / toMeter);
    }

    // ---- GEORADIUS / GEORADIUSBYMEMBER / GEOSEARCH / GEOSEARCHSTORE ----

    static final int RADIUS_COORDS = 1;
    static final int RADIUS_MEMBER = 1 << 1;
    static final int RADIUS_NOSTORE = 1 << 2;
    static final int GEOSEARCH = 1 << 3;
    static final int GEOSEARCHSTORE = 1 << 4;

    private static final int SORT_NONE = 0;
    private static final int SORT_ASC = 1;
    private static final int SORT_DESC = 2;

    /** geoPoint: a search result. */
    private static final class Point {
        final double longitude;
        final double latitude;
        double dist;
        final double score;
        final byte[] member;

        Point(double longitude, double latitude, double dist, double score, byte[] member) {
            this.longitude = longitude;
            this.latitude = latitude;
            this.dist = dist;
            this.score = score;
            this.member = member;
        }
    }

    /** sort_gp_asc. */
    private static int ascending(Point a, Point b) {
        if (a.dist > b.dist) {
            return 1;
        } else if (a.dist == b.dist) {
            return 0;
        }
        return -1;
    }

    /** georadiusGeneric. */
    static void search(CommandContext ctx, int srcKeyIndex, int flags) {
        byte[] storekey = null;
        boolean storedist = false;

        ZSetValue zobj = ctx.value(ctx.arg(srcKeyIndex), ValueType.ZSET);

        int baseArgs;
        GeoShape shape = new GeoShape();
        if ((flags & RADIUS_COORDS) != 0) {
            baseArgs = 6;
            shape.type = GeoShape.Type.CIRCULAR;
            double[] xy = longLat(ctx, 2);
            shape.xy[0] = xy[0];
            shape.xy[1] = xy[1];
            distance(ctx, baseArgs - 2, shape);
        } else if ((flags & RADIUS_MEMBER) != 0 && zobj == null) {
            baseArgs = 5;
        } else if ((flags & RADIUS_MEMBER) != 0) {
            baseArgs = 5;
            shape.type = GeoShape.Type.CIRCULAR;
            memberPosition(zobj, ctx.arg(2), shape);
            distance(ctx, baseArgs - 2, shape);
        } else {
            baseArgs = 2;
            if ((flags & GEOSEARCHSTORE) != 0) {
                baseArgs = 3;
                storekey = ctx.arg(1);
            }
        }

        boolean withdist = false;
        boolean withhash = false;
        boolean withcoords = false;
        boolean frommember = false;
        boolean fromloc = false;
        boolean byradius = false;
        boolean bybox = false;
        int sort = SORT_NONE;
        boolean any = false;
        long count = 0;
        boolean search = (flags & GEOSEARCH) != 0;
        boolean nostore = (flags & RADIUS_NOSTORE) != 0;
        if (ctx.argc() > baseArgs) {
            int remaining = ctx.argc() - baseArgs;
            for (int i = 0; i < remaining; i++) {
                int at = baseArgs + i;
                String arg = ctx.option(at);
                if (arg.equals("withdist")) {
                    withdist = true;
                } else if (arg.equals("withhash")) {
                    withhash = true;
                } else if (arg.equals("withcoord")) {
                    withcoords = true;
                } else if (arg.equals("any")) {
                    any = true;
                } else if (arg.equals("asc")) {
                    sort = SORT_ASC;
                } else if (arg.equals("desc")) {
                    sort = SORT_DESC;
                } else if (arg.equals("count") && i + 1 < remaining) {
                    count = ctx.longArg(at + 1);
                    if (count <= 0) {
                        throw new CommandError("ERR COUNT must be > 0");
                    }
                    i++;
                } else if (arg.equals("store") && i + 1 < remaining && !nostore && !search) {
                    storekey = ctx.arg(at + 1);
                    storedist = false;
                    i++;
                } else if (arg.equals("storedist") && i + 1 < remaining && !nostore && !search) {
                    storekey = ctx.arg(at + 1);
                    storedist = true;
                    i++;
                } else if (arg.equals("storedist") && search && (flags & GEOSEARCHSTORE) != 0) {
                    storedist = true;
                } else if (arg.equals("frommember") && i + 1 < remaining && search && !fromloc) {
                    if (zobj != null) {
                        memberPosition(zobj, ctx.arg(at + 1), shape);
                    }
                    frommember = true;
                    i++;
                } else if (arg.equals("fromlonlat") && i + 2 < remaining && search && !frommember) {
                    double[] xy = longLat(ctx, at + 1);
                    shape.xy[0] = xy[0];
                    shape.xy[1] = xy[1];
                    fromloc = true;
                    i += 2;
                } else if (arg.equals("byradius") && i + 2 < remaining && search && !bybox) {
                    distance(ctx, at + 1, shape);
                    shape.type = GeoShape.Type.CIRCULAR;
                    byradius = true;
                    i += 2;
                } else if (arg.equals("bybox") && i + 3 < remaining && search && !byradius) {
                    box(ctx, at + 1, shape);
                    shape.type = GeoShape.Type.RECTANGLE;
                    bybox = true;
                    i += 3;
                } else {
                    throw Errors.syntax();
                }
            }
        }

        if (storekey != null && (withdist || withhash || withcoords)) {
            throw new CommandError("ERR " + ((flags & GEOSEARCHSTORE) != 0 ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
                    + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
        }
        if (search && !(frommember || fromloc)) {
            throw new CommandError("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for "
                    + cString(ctx.arg(0)));
        }
        if (search && !(byradius || bybox)) {
            throw new CommandError("ERR exactly one of BYRADIUS and BYBOX can be specified for "
                    + cString(ctx.arg(0)));
        }
        if (any && count == 0) {
            throw new CommandError("ERR the ANY argument requires COUNT argument");
        }

        if (zobj == null) {
            if (storekey != null) {
                deleteStoreKey(ctx, storekey);
                ctx.reply().integer(0);
            } else {
                ctx.reply().emptyArray();
            }
            return;
        }

        if (count != 0 && sort == SORT_NONE && !any) {
            sort = SORT_ASC;
        }

        GeoHashHelper.Radius georadius = GeoHashHelper.calculateAreasByShapeWGS84(shape);
        List<Point> ga = new ArrayList<>();
        membersOfAllNeighbors(zobj, georadius, shape, ga, any ? count : 0);

        if (ga.isEmpty() && storekey == null) {
            ctx.reply().emptyArray();
            return;
        }

        int resultLength = ga.size();
        int returnedItems = (count == 0 || resultLength < count) ? resultLength : (int) count;
        Point[] points = ga.toArray(new Point[0]);

        if (sort != SORT_NONE) {
            Sorts.Cmp<Point> cmp = sort == SORT_ASC ? GeoCommands::ascending : (a, b) -> -ascending(a, b);
            if (returnedItems == resultLength) {
                Sorts.msort(points, resultLength, cmp);
            } else {
                Sorts.pqsort(points, resultLength, cmp, 0, returnedItems - 1);
            }
        }

        if (storekey == null) {
            int optionLength = (withdist ? 1 : 0) + (withcoords ? 1 : 0) + (withhash ? 1 : 0);
            RespWriter w = ctx.reply();
            w.array(returnedItems);
            for (int i = 0; i < returnedItems; i++) {
                Point gp = points[i];
                gp.dist /= shape.conversion;
                if (optionLength > 0) {
                    w.array(optionLength + 1);
                }
                w.bulk(gp.member);
                if (withdist) {
                    replyDistance(w, gp.dist);
                }
                if (withhash) {
                    w.integer(GeoHash.cvttsd2si(gp.score));
                }
                if (withcoords) {
                    w.array(2);
                    replyHumanDouble(w, gp.longitude);
                    replyHumanDouble(w, gp.latitude);
                }
            }
            return;
        }

        Database db = ctx.db();
        if (returnedItems > 0) {
            ZSetValue out = ZSetValue.forBulkBuild();
            for (int i = 0; i < returnedItems; i++) {
                Point gp = points[i];
                gp.dist /= shape.conversion;
                double score = storedist ? gp.dist : gp.score;
                if (out.node(gp.member) == null) {
                    out.insert(gp.member, score);
                }
            }
            out.compactIfSmall();
            db.set(storekey, out, 0);
            ctx.notifyKeyspaceEvent(KeyspaceEvents.ZSET, search ? "geosearchstore" : "georadiusstore", storekey);
            ctx.dirty(returnedItems);
        } else {
            deleteStoreKey(ctx, storekey);
        }
        ctx.reply().integer(returnedItems);
    }

    private static void deleteStoreKey(CommandContext ctx, byte[] storekey) {
        if (ctx.db().delete(storekey)) {
            ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", storekey);
            ctx.dirty();
        }
    }

    /** longLatFromMember, with georadiusGeneric's error when the member is missing. */
    private static void memberPosition(ZSetValue zobj, byte[] member, GeoShape shape) {
        Double score = zobj.score(member);
        double[] xy = score == null ? null : GeoHash.decodeScore(score);
        if (xy == null) {
            throw new CommandError("ERR could not decode requested zset member");
        }
        shape.xy[0] = xy[0];
        shape.xy[1] = xy[1];
    }

    /** The command name as C's %s prints it: up to the first NUL byte. */
    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }

    /** membersOfAllNeighbors: scans the centre cell and its neighbours, skipping a cell equal to the last one. */
    private static void membersOfAllNeighbors(ZSetValue zobj, GeoHashHelper.Radius n, GeoShape shape,
            List<Point> ga, long limit) {
        GeoHash.Bits[] neighbors = n.cells();
        int lastProcessed = 0;
        for (int i = 0; i < neighbors.length; i++) {
            if (neighbors[i].isZero()) {
                continue;
            }
            if (lastProcessed != 0 && neighbors[i].bits() == neighbors[lastProcessed].bits()
                    && neighbors[i].step() == neighbors[lastProcessed].step()) {
                continue;
            }
            if (!ga.isEmpty() && limit != 0 && ga.size() >= limit) {
                break;
            }
            membersOfGeoHashBox(zobj, neighbors[i], ga, shape, limit);
            lastProcessed = i;
        }
    }

    /** membersOfGeoHashBox + geoGetPointsInRange: the members scored in [min, max) of the cell, kept if inside. */
    private static void membersOfGeoHashBox(ZSetValue zobj, GeoHash.Bits hash, List<Point> ga, GeoShape shape,
            long limit) {
        long min = GeoHash.align52Bits(hash);
        long max = GeoHash.align52Bits(new GeoHash.Bits(hash.bits() + 1, hash.step()));
        ScoreRange range = new ScoreRange((double) min, false, (double) max, true);
        for (Node ln = zobj.firstInRange(range); ln != null; ln = ln.next()) {
            if (!range.belowMax(ln.score())) {
                break;
            }
            appendIfWithinShape(ga, shape, ln.score(), ln.member());
            if (!ga.isEmpty() && limit != 0 && ga.size() >= limit) {
                break;
            }
        }
    }

    /** geoAppendIfWithinShape. */
    private static void appendIfWithinShape(List<Point> ga, GeoShape shape, double score, byte[] member) {
        double[] xy = GeoHash.decodeScore(score);
        if (xy == null) {
            return;
        }
        double[] distance = {0};
        if (shape.type == GeoShape.Type.CIRCULAR) {
            if (!GeoHashHelper.distanceIfInRadius(shape.xy[0], shape.xy[1], xy[0], xy[1],
                    shape.radius * shape.conversion, distance)) {
                return;
            }
        } else if (shape.type == GeoShape.Type.RECTANGLE) {
            if (!GeoHashHelper.distanceIfInRectangle(shape.width * shape.conversion,
                    shape.height * shape.conversion, shape.xy[0], shape.xy[1], xy[0], xy[1], distance)) {
                return;
            }
        }
        ga.add(new Point(xy[0], xy[1], distance[0], score, member));
    }
}
