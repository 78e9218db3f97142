package dev.chorus.node.command;

import dev.chorus.node.persistence.RdbOutput;
import dev.chorus.node.resp.Doubles;
import dev.chorus.node.store.HashValue;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.ListValue;
import dev.chorus.node.store.SetValue;
import dev.chorus.node.store.SkipList;
import dev.chorus.node.store.ZSetValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * How Redis 7.0 would lay out a value in its own memory and RDB: the listpack, intset and quicklist bytes it builds
 * (for DEBUG OBJECT's serializedlength and ql_* fields) and jemalloc-rounded sizes of its structures (MEMORY USAGE).
 * The node stores values differently; these are the figures Redis would report for the same contents.
 */
public final class RedisLayout {
    private RedisLayout() {
    }

    // ---- listpack (listpack.c) ----

    /** The listpack Redis builds from these entries (lpAppend of each, integers encoded as integers). */
    static byte[] listpack(List<byte[]> entries) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] e : entries) {
            int start = body.size();
            Long v = e.length <= 20 ? CommandContext.parseLongOrNull(e) : null;
            if (v != null) {
                long x = v;
                if (x >= 0 && x <= 127) {
                    body.write((int) x);
                } else if (x >= -4096 && x <= 4095) {
                    long u = x < 0 ? (1L << 13) + x : x;
                    body.write((int) ((u >> 8) | 0xC0));
                    body.write((int) (u & 0xff));
                } else if (x >= -32768 && x <= 32767) {
                    le(body, 0xF1, x < 0 ? (1L << 16) + x : x, 2);
                } else if (x >= -8388608 && x <= 8388607) {
                    le(body, 0xF2, x < 0 ? (1L << 24) + x : x, 3);
                } else if (x >= Integer.MIN_VALUE && x <= Integer.MAX_VALUE) {
                    le(body, 0xF3, x < 0 ? (1L << 32) + x : x, 4);
                } else {
                    le(body, 0xF4, x, 8);
                }
            } else if (e.length < 64) {
                body.write(0x80 | e.length);
                body.writeBytes(e);
            } else if (e.length < 4096) {
                body.write(0xE0 | (e.length >> 8));
                body.write(e.length & 0xff);
                body.writeBytes(e);
            } else {
                le(body, 0xF0, e.length, 4);
                body.writeBytes(e);
            }
            int len = body.size() - start;
            int size = len <= 127 ? 1 : len < 16383 ? 2 : len < 2097151 ? 3 : len < 268435455 ? 4 : 5;
            for (int i = 0; i < size; i++) {
                int group = (len >>> (7 * (size - 1 - i))) & 127;
                body.write(i == 0 ? group : group | 128);
            }
        }
        int total = 6 + body.size() + 1;
        ByteArrayOutputStream lp = new ByteArrayOutputStream(total);
        for (int i = 0; i < 4; i++) {
            lp.write((total >>> (8 * i)) & 0xff);
        }
        int count = Math.min(entries.size(), 65535);
        lp.write(count & 0xff);
        lp.write((count >>> 8) & 0xff);
        lp.writeBytes(body.toByteArray());
        lp.write(0xFF);
        return lp.toByteArray();
    }

    private static void le(ByteArrayOutputStream out, int tag, long v, int bytes) {
        out.write(tag);
        for (int i = 0; i < bytes; i++) {
            out.write((int) ((v >>> (8 * i)) & 0xff));
        }
    }

    /** The listpack bytes one entry takes (encoding, data and back-length). */
    static int listpackEntrySize(byte[] e) {
        Long v = e.length <= 20 ? CommandContext.parseLongOrNull(e) : null;
        int len;
        if (v != null) {
            long x = v;
            len = x >= 0 && x <= 127 ? 1 : x >= -4096 && x <= 4095 ? 2 : x >= -32768 && x <= 32767 ? 3
                    : x >= -8388608 && x <= 8388607 ? 4 : x >= Integer.MIN_VALUE && x <= Integer.MAX_VALUE ? 5 : 9;
        } else {
            len = (e.length < 64 ? 1 : e.length < 4096 ? 2 : 5) + e.length;
        }
        return len + (len <= 127 ? 1 : len < 16383 ? 2 : len < 2097151 ? 3 : len < 268435455 ? 4 : 5);
    }

    // ---- quicklist (quicklist.c, list-max-listpack-size -2, no compression) ----

    /** The elements of each node, split as _quicklistNodeAllowInsert would when pushing them one by one. */
    static List<List<byte[]>> quicklistNodes(ListValue list) {
        List<List<byte[]>> nodes = new ArrayList<>();
        List<byte[]> node = null;
        long nodeSize = 0;
        for (int i = 0; i < list.size(); i++) {
            byte[] ele = list.get(i);
            if (node == null || nodeSize + ele.length + 8 > 8192 || node.size() + 1 > 65535) {
                node = new ArrayList<>();
                nodes.add(node);
                nodeSize = 7;
            }
            node.add(ele);
            nodeSize += listpackEntrySize(ele);
        }
        return nodes;
    }

    // ---- intset ----

    static byte[] intset(SetValue set) {
        List<Long> values = new ArrayList<>();
        set.forEach(m -> values.add(Long.parseLong(new String(m, java.nio.charset.StandardCharsets.US_ASCII))));
        int width = 2;
        for (long v : values) {
            if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
                width = Math.max(width, v < Integer.MIN_VALUE || v > Integer.MAX_VALUE ? 8 : 4);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 4; i++) {
            out.write((width >>> (8 * i)) & 0xff);
        }
        for (int i = 0; i < 4; i++) {
            out.write((values.size() >>> (8 * i)) & 0xff);
        }
        for (long v : values) {
            for (int i = 0; i < width; i++) {
                out.write((int) ((v >>> (8 * i)) & 0xff));
            }
        }
        return out.toByteArray();
    }

    // ---- entries of listpack-encoded hashes and sorted sets ----

    static List<byte[]> hashEntries(HashValue h) {
        List<byte[]> out = new ArrayList<>(h.size() * 2);
        h.forEach(f -> {
            out.add(f.field());
            out.add(f.value());
        });
        return out;
    }

    static List<byte[]> zsetEntries(ZSetValue z) {
        List<byte[]> out = new ArrayList<>(z.size() * 2);
        for (SkipList.Node n = z.first(); n != null; n = n.next()) {
            out.add(n.member());
            out.add(Doubles.format(n.score()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        return out;
    }

    // ---- rdbSavedObjectLen ----

    /** The bytes rdbSaveObject writes for the value (no type byte), with rdbcompression as given. */
    static long serializedLength(Object value, boolean compression) {
        RdbOutput out = new RdbOutput(OutputStream.nullOutputStream(), compression);
        try {
            if (value instanceof byte[] s) {
                out.writeString(s);
            } else if (value instanceof ListValue list) {
                List<List<byte[]>> nodes = quicklistNodes(list);
                out.writeLength(nodes.size());
                for (List<byte[]> node : nodes) {
                    out.writeLength(2); // QUICKLIST_NODE_CONTAINER_PACKED
                    out.writeString(listpack(node));
                }
            } else if (value instanceof SetValue set) {
                if (set.isIntset()) {
                    out.writeString(intset(set));
                } else {
                    out.writeLength(set.size());
                    for (byte[] m : set.members()) {
                        out.writeString(m);
                    }
                }
            } else if (value instanceof ZSetValue z) {
                if (z.isListpack()) {
                    out.writeString(listpack(zsetEntries(z)));
                } else {
                    out.writeLength(z.size());
                    for (SkipList.Node n = z.last(); n != null; n = n.prev()) {
                        out.writeString(n.member());
                        out.write(new byte[8]);
                    }
                }
            } else if (value instanceof HashValue h) {
                if (h.isListpack()) {
                    out.writeString(listpack(hashEntries(h)));
                } else {
                    out.writeLength(h.size());
                    h.forEach(f -> {
                        try {
                            out.writeString(f.field());
                            out.writeString(f.value());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
            } else if (value instanceof dev.chorus.node.store.StreamValue stream) {
                dev.chorus.node.persistence.StreamRdb.write(out, stream);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.bytesWritten();
    }

    // ---- memory (objectComputeSize with jemalloc's size classes) ----

    private static final int ROBJ = 16;
    private static final int DICT_ENTRY = 24;
    private static final int DICT = 56;
    /** A skiplist node's expected allocation: 24 bytes plus 16 per level, levels drawn with p = 1/4. */
    private static final int SKIPLIST_NODE = 53;

    /** jemalloc's size class for an allocation of {@code n} bytes. */
    public static long mallocSize(long n) {
        if (n <= 8) {
            return 8;
        }
        if (n <= 128) {
            return (n + 15) & ~15L;
        }
        long pow = Long.highestOneBit(n - 1); // n in (pow, 2 pow]
        long spacing = pow / 4;
        return (n + spacing - 1) / spacing * spacing;
    }

    /** sdsZmallocSize of an sds holding {@code len} bytes (sdsnewlen picks the smallest header). */
    static long sdsSize(int len) {
        int header = len < 32 ? 1 : len < 256 ? 3 : len < 65536 ? 5 : 9;
        return mallocSize(header + len + 1L);
    }

    /** Slots of a dict holding {@code n} entries (power of two, at least 4; it grows when full). */
    static long dictSlots(long n) {
        return n == 0 ? 0 : Math.max(4, Long.highestOneBit(Math.max(1, n - 1)) << 1);
    }

    /** MEMORY USAGE: the key's sds and dict entry, plus objectComputeSize of the value, sampling as Redis does. */
    static long usage(KeyEntry e, long samples) {
        if (e.value() instanceof byte[] s && e.fixedEncoding() != 0) {
            String enc = KeyspaceCommands.encodingOf(e);
            return sdsSize(e.key().length) + DICT_ENTRY
                    + (enc.equals("embstr") ? mallocSize(ROBJ + 3L + s.length + 1) : ROBJ + sdsSize(s.length));
        }
        return sdsSize(e.key().length) + DICT_ENTRY + objectSize(e.value(), samples);
    }

    private static long objectSize(Object value, long samples) {
        if (value instanceof byte[] s) {
            String enc = KeyspaceCommands.encodingOf(s);
            return switch (enc) {
                case "int" -> ROBJ;
                case "embstr" -> mallocSize(ROBJ + 3L + s.length + 1);
                default -> ROBJ + sdsSize(s.length);
            };
        }
        if (value instanceof ListValue list) {
            long size = ROBJ + 40;
            List<List<byte[]>> nodes = quicklistNodes(list);
            long sampled = 0;
            long elesize = 0;
            for (List<byte[]> node : nodes) {
                if (sampled++ >= samples) {
                    break;
                }
                elesize += 40 + mallocSize(listpack(node).length); // sizeof(quicklistNode) is 40
            }
            return size + (sampled == 0 ? 0 : elesize / Math.min(sampled, nodes.size()) * nodes.size());
        }
        if (value instanceof SetValue set) {
            if (set.isIntset()) {
                return ROBJ + mallocSize(intset(set).length);
            }
            return ROBJ + DICT + 8 * dictSlots(set.size())
                    + sampledAverage(set.members(), samples, m -> DICT_ENTRY + sdsSize(m.length)) * set.size();
        }
        if (value instanceof HashValue h) {
            if (h.isListpack()) {
                return ROBJ + mallocSize(listpack(hashEntries(h)).length);
            }
            return ROBJ + DICT + 8 * dictSlots(h.size()) + sampledAverage(h.fields(), samples,
                    f -> DICT_ENTRY + sdsSize(f.field().length) + sdsSize(f.value().length)) * h.size();
        }
        if (value instanceof ZSetValue z) {
            if (z.isListpack()) {
                return ROBJ + mallocSize(listpack(zsetEntries(z)).length);
            }
            List<SkipList.Node> nodes = new ArrayList<>();
            for (SkipList.Node n = z.first(); n != null && nodes.size() < samples; n = n.next()) {
                nodes.add(n);
            }
            long header = mallocSize(24 + 32 * 16L); // zsl header node with ZSKIPLIST_MAXLEVEL levels
            long base = ROBJ + 16 + 32 + DICT + 8 * dictSlots(z.size()) + header;
            return base + sampledAverage(nodes, samples,
                    n -> sdsSize(n.member().length) + DICT_ENTRY + SKIPLIST_NODE) * z.size();
        }
        if (value instanceof dev.chorus.node.store.StreamValue st) {
            return streamSize(st, samples);
        }
        return ROBJ;
    }

    /** objectComputeSize for a stream: the rax estimate, sampled listpack allocations, groups and PELs. */
    private static long streamSize(dev.chorus.node.store.StreamValue s, long samples) {
        long asize = ROBJ + 80 + raxMemory(s.nodes().size(), s.raxNodes());
        List<dev.chorus.node.store.StreamValue.Node> nodes = new ArrayList<>(s.nodes().values());
        long lpsize = 0;
        long sampled = 0;
        while (sampled < samples && sampled < nodes.size()) {
            lpsize += nodes.get((int) sampled).alloc();
            sampled++;
        }
        if (nodes.size() <= sampled) {
            asize += lpsize;
        } else {
            if (sampled > 0) {
                lpsize /= sampled;
            }
            asize += lpsize * (nodes.size() - 1) + nodes.get(nodes.size() - 1).alloc();
        }
        for (dev.chorus.node.store.StreamValue.Group g : s.groups()) {
            asize += 40 + raxMemory(g.pel.size(), dev.chorus.node.store.StreamValue.raxNodes(g.pel.keySet()))
                    + 24L * g.pel.size();
            for (dev.chorus.node.store.StreamValue.Consumer c : g.consumers.values()) {
                asize += 24 + c.name.length
                        + raxMemory(c.pel.size(), dev.chorus.node.store.StreamValue.raxNodes(c.pel.keySet()));
            }
        }
        return asize;
    }

    /** streamRadixTreeMemoryUsage (which forgets sizeof(rax)). */
    private static long raxMemory(long elements, long nodes) {
        return elements * 16 + nodes * 4 + nodes * 8 * 30;
    }

    private static <T> long sampledAverage(List<T> items, long samples, java.util.function.ToLongFunction<T> size) {
        long n = 0;
        long total = 0;
        for (T item : items) {
            if (n >= samples) {
                break;
            }
            total += size.applyAsLong(item);
            n++;
        }
        return n == 0 ? 0 : total / n;
    }
}
