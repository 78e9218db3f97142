package dev.chorus.node.command;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * LOLWUT (lolwut.c, lolwut5.c, lolwut6.c). Redis 7.0 has no art of its own: LOLWUT alone (or VERSION with anything
 * but 5 or 6) answers "Redis ver. 7.0.15". VERSION 5 draws Georg Nees' Schotter in Braille characters, VERSION 6 a
 * skyline in terminal colours; both use rand() like Redis, so their art differs from run to run (and from Redis')
 * wherever randomness enters, while sizes, limits, layout and texts are the same.
 */
public final class LolwutCommand implements CommandFamily {
    private static final String VERSION = "7.0.15";
    private static final long RAND_MAX = Integer.MAX_VALUE;

    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(CommandSpec.of("lolwut", -1, "readonly fast", LolwutCommand::lolwut));
    }

    static void lolwut(CommandContext ctx) {
        String v = VERSION;
        int first = 1;
        if (ctx.argc() >= 3 && ctx.optionIs(1, "version")) {
            long ver = ctx.longArg(2);
            v = Integer.toUnsignedString((int) ver) + ".0.0"; // snprintf("%u.0.0", (unsigned int) ver)
            first = 3;
        }
        char v0 = v.charAt(0);
        char v1 = v.length() > 1 ? v.charAt(1) : 0;
        char v2 = v.length() > 2 ? v.charAt(2) : 0;
        if ((v0 == '5' && v1 == '.' && v2 != '9') || (v0 == '4' && v1 == '.' && v2 == '9')) {
            lolwut5(ctx, first);
        } else if ((v0 == '6' && v1 == '.' && v2 != '9') || (v0 == '5' && v1 == '.' && v2 == '9')) {
            lolwut6(ctx, first);
        } else {
            ctx.reply().verbatim("Redis ver. " + VERSION + "\n");
        }
    }

    private static long arg(CommandContext ctx, int first, int n, long def) {
        return ctx.argc() > first + n ? ctx.longArg(first + n) : def;
    }

    private static long clamp(long v, long max) {
        return Math.max(1, Math.min(max, v));
    }

    private static long rand() {
        return ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE); // glibc rand(): 0..RAND_MAX-ish
    }

    // ---- canvas (lolwut.c) ----

    private static final class Canvas {
        final int width;
        final int height;
        final byte[] pixels;

        Canvas(int width, int height, int bgcolor) {
            this.width = width;
            this.height = height;
            this.pixels = new byte[width * height];
            java.util.Arrays.fill(pixels, (byte) bgcolor);
        }

        void draw(int x, int y, int color) {
            if (x < 0 || x >= width || y < 0 || y >= height) {
                return;
            }
            pixels[x + y * width] = (byte) color;
        }

        int get(int x, int y) {
            if (x < 0 || x >= width || y < 0 || y >= height) {
                return 0;
            }
            return pixels[x + y * width];
        }

        /** Bresenham, as lwDrawLine. */
        void line(int x1, int y1, int x2, int y2, int color) {
            int dx = Math.abs(x2 - x1);
            int dy = Math.abs(y2 - y1);
            int sx = x1 < x2 ? 1 : -1;
            int sy = y1 < y2 ? 1 : -1;
            int err = dx - dy;
            while (true) {
                draw(x1, y1, color);
                if (x1 == x2 && y1 == y2) {
                    break;
                }
                int e2 = err * 2;
                if (e2 > -dy) {
                    err -= dy;
                    x1 += sx;
                }
                if (e2 < dx) {
                    err += dx;
                    y1 += sy;
                }
            }
        }

        /** lwDrawSquare: a square of side {@code size} centred on x,y, rotated by {@code angle}, in float math. */
        void square(int x, int y, float size, float angle, int color) {
            int[] px = new int[4];
            int[] py = new int[4];
            size = (float) (size / 1.4142135623);
            size = (float) cRound(size);
            float k = (float) (Math.PI / 4 + angle);
            for (int j = 0; j < 4; j++) {
                px[j] = (int) cRound(Math.sin(k) * size + x);
                py[j] = (int) cRound(Math.cos(k) * size + y);
                k = (float) (k + Math.PI / 2);
            }
            for (int j = 0; j < 4; j++) {
                line(px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4], color);
            }
        }
    }

    /** C round(): halfway cases away from zero. */
    private static double cRound(double d) {
        return d < 0 ? -Math.floor(-d + 0.5) : Math.floor(d + 0.5);
    }

    // ---- LOLWUT 5: Schotter ----

    private static void lolwut5(CommandContext ctx, int first) {
        long cols = clamp(arg(ctx, first, 0, 66), 1000);
        long perRow = clamp(arg(ctx, first, 1, 8), 200);
        long perCol = clamp(arg(ctx, first, 2, 12), 200);
        Canvas canvas = schotter((int) cols, (int) perRow, (int) perCol);
        StringBuilder text = new StringBuilder();
        for (int y = 0; y < canvas.height; y += 4) {
            for (int x = 0; x < canvas.width; x += 2) {
                int b = 0;
                b |= canvas.get(x, y) != 0 ? 1 : 0;
                b |= canvas.get(x, y + 1) != 0 ? 1 << 1 : 0;
                b |= canvas.get(x, y + 2) != 0 ? 1 << 2 : 0;
                b |= canvas.get(x + 1, y) != 0 ? 1 << 3 : 0;
                b |= canvas.get(x + 1, y + 1) != 0 ? 1 << 4 : 0;
                b |= canvas.get(x + 1, y + 2) != 0 ? 1 << 5 : 0;
                b |= canvas.get(x, y + 3) != 0 ? 1 << 6 : 0;
                b |= canvas.get(x + 1, y + 3) != 0 ? 1 << 7 : 0;
                text.append((char) (0x2800 + b));
            }
            if (y != canvas.height - 1) {
                text.append('\n');
            }
        }
        text.append("\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. ").append(VERSION).append('\n');
        ctx.reply().verbatim(text.toString());
    }

    private static Canvas schotter(int consoleCols, int perRow, int perCol) {
        int canvasWidth = consoleCols * 2;
        int padding = canvasWidth > 4 ? 2 : 0;
        float side = (float) (canvasWidth - padding * 2) / perRow;
        int canvasHeight = (int) (side * perCol + padding * 2);
        Canvas canvas = new Canvas(canvasWidth, canvasHeight, 0);
        for (int y = 0; y < perCol; y++) {
            for (int x = 0; x < perRow; x++) {
                int sx = (int) (x * side + side / 2 + padding);
                int sy = (int) (y * side + side / 2 + padding);
                float angle = 0;
                if (y > 1) {
                    float r1 = (float) rand() / (float) RAND_MAX / perCol * y;
                    float r2 = (float) rand() / (float) RAND_MAX / perCol * y;
                    float r3 = (float) rand() / (float) RAND_MAX / perCol * y;
                    if (rand() % 2 != 0) {
                        r1 = -r1;
                    }
                    if (rand() % 2 != 0) {
                        r2 = -r2;
                    }
                    if (rand() % 2 != 0) {
                        r3 = -r3;
                    }
                    angle = r1;
                    sx = (int) (sx + r2 * side / 3);
                    sy = (int) (sy + r3 * side / 3);
                }
                canvas.square(sx, sy, side, angle, 1);
            }
        }
        return canvas;
    }

    // ---- LOLWUT 6: skyline ----

    private static void lolwut6(CommandContext ctx, int first) {
        long cols = clamp(arg(ctx, first, 0, 80), 1000);
        long rows = clamp(arg(ctx, first, 1, 20), 1000);
        Canvas canvas = new Canvas((int) cols, (int) rows, 3);
        skyline(canvas);
        StringBuilder text = new StringBuilder();
        for (int y = 0; y < canvas.height; y++) {
            for (int x = 0; x < canvas.width; x++) {
                String ce = switch (canvas.get(x, y)) {
                    case 1 -> "0;90;100m";
                    case 2 -> "0;37;47m";
                    case 3 -> "0;97;107m";
                    default -> "0;30;40m";
                };
                text.append("\033[").append(ce).append(" \033[0m");
            }
            if (y != canvas.height - 1) {
                text.append('\n');
            }
        }
        text.append("\nDedicated to the 8 bit game developers of past and present.\n"
                + "Original 8 bit image from Plaguemon by hikikomori. Redis ver. ").append(VERSION).append('\n');
        ctx.reply().verbatim(text.toString());
    }

    private static void skyscraper(Canvas canvas, int xoff, int width, int height, boolean windows, int color) {
        int starty = canvas.height - 1;
        int endy = starty - height + 1;
        for (int y = starty; y >= endy; y--) {
            for (int x = xoff; x < xoff + width; x++) {
                if (y == endy && (x <= xoff + 1 || x >= xoff + width - 2)) {
                    continue; // the roof is four pixels narrower
                }
                int c = color;
                if (windows && x > xoff + 1 && x < xoff + width - 2 && y > endy + 1 && y < starty - 1) {
                    int relx = x - (xoff + 1);
                    int rely = y - (endy + 1);
                    if (relx / 2 % 2 != 0 && rely % 2 != 0) {
                        do {
                            c = (int) (1 + rand() % 2);
                        } while (c == color);
                        if (relx % 2 != 0) {
                            c = canvas.get(x - 1, y);
                        }
                    }
                }
                canvas.draw(x, y, c);
            }
        }
    }

    private static void skyline(Canvas canvas) {
        int h = canvas.height;
        for (int color = 2; color >= 1; color--) {
            for (int offset = -10; offset < canvas.width;) {
                offset += (int) (rand() % 8);
                int width = 10 + (int) (rand() % 9);
                int height = color == 2 ? h / 2 + (int) (rand() % h) / 2 : h / 2 + (int) (rand() % h) / 3;
                skyscraper(canvas, offset, width, height, false, color);
                offset += color == 2 ? width / 2 : width + 1;
            }
        }
        for (int offset = -10; offset < canvas.width;) {
            offset += (int) (rand() % 8);
            int width = 5 + (int) (rand() % 14);
            if (width % 4 != 0) {
                width += width % 3;
            }
            int height = h / 3 + (int) (rand() % h) / 2;
            skyscraper(canvas, offset, width, height, true, 0);
            offset += width + 5;
        }
    }
}
