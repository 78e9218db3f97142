package dev.chorus.node.persistence;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.TreeSet;

/**
 * Test-side encoders for the blob formats older Redis versions wrote (ziplist, zipmap) and 7.0's listpack/intset,
 * following ziplist.c / zipmap.c / listpack.c / intset.c, so tests can build RDB files with every legacy type and
 * check them against a real redis-server.
 */
final class BlobEncoders {
    private BlobEncoders() {
    }

    // ---- ziplist ----

    static byte[] ziplist(List<String> elements) {
        ByteArrayOutputStream entries = new ByteArrayOutputStream();
        int prevlen = 0;
        int lastOffset = 10;
        for (String s : elements) {
            lastOffset = 10 + entries.size();
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            if (prevlen < 254) {
                e.write(prevlen);
            } else {
                e.write(254);
                le(e, prevlen, 4);
            }
            byte[] b = ModelValues.bytes(s);
            long v = RdbStrings.canonicalInteger(b);
            if (b.length <= 32 && v != RdbStrings.NOT_AN_INTEGER || "-9223372036854775808".equals(s)) {
                if ("-9223372036854775808".equals(s)) {
                    v = Long.MIN_VALUE;
                }
                if (v >= 0 && v <= 12) {
                    e.write(0xF1 + (int) v);
                } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
                    e.write(0xFE);
                    le(e, v, 1);
                } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
                    e.write(0xC0);
                    le(e, v, 2);
                } else if (v >= -(1 << 23) && v < (1 << 23)) {
                    e.write(0xF0);
                    le(e, v, 3);
                } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                    e.write(0xD0);
                    le(e, v, 4);
                } else {
                    e.write(0xE0);
                    le(e, v, 8);
                }
            } else if (b.length < 64) {
                e.write(b.length);
                e.writeBytes(b);
            } else if (b.length < 16384) {
                e.write(0x40 | (b.length >> 8));
                e.write(b.length & 0xff);
                e.writeBytes(b);
            } else {
                e.write(0x80);
                e.write(b.length >>> 24);
                e.write(b.length >>> 16 & 0xff);
                e.write(b.length >>> 8 & 0xff);
                e.write(b.length & 0xff);
                e.writeBytes(b);
            }
            prevlen = e.size();
            entries.writeBytes(e.toByteArray());
        }
        ByteArrayOutputStream zl = new ByteArrayOutputStream();
        le(zl, 10 + entries.size() + 1, 4);
        le(zl, elements.isEmpty() ? 10 : lastOffset, 4);
        le(zl, Math.min(elements.size(), 65535), 2);
        zl.writeBytes(entries.toByteArray());
        zl.write(0xFF);
        return zl.toByteArray();
    }

    // ---- zipmap ----

    static byte[] zipmap(List<String> fieldsAndValues) {
        ByteArrayOutputStream zm = new ByteArrayOutputStream();
        zm.write(Math.min(fieldsAndValues.size() / 2, 254));
        for (int i = 0; i < fieldsAndValues.size(); i += 2) {
            zipmapString(zm, ModelValues.bytes(fieldsAndValues.get(i)));
            byte[] value = ModelValues.bytes(fieldsAndValues.get(i + 1));
            zipmapLength(zm, value.length);
            zm.write(1); // one free byte after the value, as zipmapSet leaves when a value shrinks
            zm.writeBytes(value);
            zm.write(0);
        }
        zm.write(0xFF);
        return zm.toByteArray();
    }

    private static void zipmapString(ByteArrayOutputStream zm, byte[] s) {
        zipmapLength(zm, s.length);
        zm.writeBytes(s);
    }

    private static void zipmapLength(ByteArrayOutputStream zm, int len) {
        if (len < 254) {
            zm.write(len);
        } else {
            zm.write(254);
            le(zm, len, 4);
        }
    }

    // ---- listpack ----

    static byte[] listpack(List<String> elements) {
        ByteArrayOutputStream entries = new ByteArrayOutputStream();
        for (String s : elements) {
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            byte[] b = ModelValues.bytes(s);
            long v = RdbStrings.canonicalInteger(b);
            if (v != RdbStrings.NOT_AN_INTEGER) {
                if (v >= 0 && v <= 127) {
                    e.write((int) v);
                } else if (v >= -4096 && v <= 4095) {
                    long u = v < 0 ? (1 << 13) + v : v;
                    e.write(0xC0 | (int) (u >> 8));
                    e.write((int) (u & 0xff));
                } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
                    e.write(0xF1);
                    le(e, v, 2);
                } else if (v >= -(1 << 23) && v < (1 << 23)) {
                    e.write(0xF2);
                    le(e, v, 3);
                } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                    e.write(0xF3);
                    le(e, v, 4);
                } else {
                    e.write(0xF4);
                    le(e, v, 8);
                }
            } else if (b.length < 64) {
                e.write(0x80 | b.length);
                e.writeBytes(b);
            } else if (b.length < 4096) {
                e.write(0xE0 | (b.length >> 8));
                e.write(b.length & 0xff);
                e.writeBytes(b);
            } else {
                e.write(0xF0);
                le(e, b.length, 4);
                e.writeBytes(b);
            }
            int len = e.size();
            byte[] backlen = new byte[5];
            Listpack.encodeBacklen(len, backlen, 0);
            e.write(backlen, 0, Listpack.backlenSize(len));
            entries.writeBytes(e.toByteArray());
        }
        ByteArrayOutputStream lp = new ByteArrayOutputStream();
        le(lp, 6 + entries.size() + 1, 4);
        le(lp, Math.min(elements.size(), 65535), 2);
        lp.writeBytes(entries.toByteArray());
        lp.write(0xFF);
        return lp.toByteArray();
    }

    // ---- intset ----

    static byte[] intset(List<Long> values) {
        TreeSet<Long> sorted = new TreeSet<>(values);
        int width = 2;
        for (long v : sorted) {
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                width = 8;
            } else if ((v < Short.MIN_VALUE || v > Short.MAX_VALUE) && width < 4) {
                width = 4;
            }
        }
        ByteArrayOutputStream is = new ByteArrayOutputStream();
        le(is, width, 4);
        le(is, sorted.size(), 4);
        for (long v : sorted) {
            le(is, v, width);
        }
        return is.toByteArray();
    }

    private static void le(ByteArrayOutputStream out, long v, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }
}
