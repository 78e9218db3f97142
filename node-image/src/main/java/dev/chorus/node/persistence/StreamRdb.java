package dev.chorus.node.persistence;

import dev.chorus.node.command.CommandContext;
import dev.chorus.node.store.StreamValue;
import dev.chorus.node.store.StreamValue.Consumer;
import dev.chorus.node.store.StreamValue.Entry;
import dev.chorus.node.store.StreamValue.Group;
import dev.chorus.node.store.StreamValue.Id;
import dev.chorus.node.store.StreamValue.Nack;
import dev.chorus.node.store.StreamValue.Node;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Streams in RDB (rdb.c, RDB_TYPE_STREAM_LISTPACKS and _2): each node as its 16-byte master ID and the listpack Redis
 * would hold for it (master entry, entries with their flags and ID deltas, tombstones included), then the stream's
 * metadata and its consumer groups with their pending entries and consumers.
 */
public final class StreamRdb {
    private StreamRdb() {
    }

    public static void write(RdbOutput out, StreamValue s) throws IOException {
        out.writeLength(s.nodes().size());
        for (Node n : s.nodes().values()) {
            out.writeString(StreamValue.encode(n.master));
            out.writeString(listpack(n));
        }
        out.writeLength(s.length());
        out.writeLength(s.lastId.ms());
        out.writeLength(s.lastId.seq());
        out.writeLength(s.firstId.ms());
        out.writeLength(s.firstId.seq());
        out.writeLength(s.maxDeletedEntryId.ms());
        out.writeLength(s.maxDeletedEntryId.seq());
        out.writeLength(s.entriesAdded);
        out.writeLength(s.groupCount());
        for (Group g : s.groups()) {
            out.writeString(g.name);
            out.writeLength(g.lastId.ms());
            out.writeLength(g.lastId.seq());
            out.writeLength(g.entriesRead);
            out.writeLength(g.pel.size());
            for (Map.Entry<Id, Nack> me : g.pel.entrySet()) {
                out.write(StreamValue.encode(me.getKey()));
                out.writeLong(me.getValue().deliveryTime);
                out.writeLength(me.getValue().deliveryCount);
            }
            out.writeLength(g.consumers.size());
            for (Consumer c : g.consumers.values()) {
                out.writeString(c.name);
                out.writeLong(c.seenTime);
                out.writeLength(c.pel.size());
                for (Id id : c.pel.keySet()) {
                    out.write(StreamValue.encode(id));
                }
            }
        }
    }

    /** The node's listpack, byte for byte as t_stream.c builds it. */
    static byte[] listpack(Node n) {
        LpWriter lp = new LpWriter();
        lp.integer(n.count());
        lp.integer(n.deletedCount());
        lp.integer(n.masterFields().length);
        for (byte[] f : n.masterFields()) {
            lp.string(f);
        }
        lp.integer(0);
        for (Entry e : n.entries()) {
            byte[][] own = e.ownFields();
            byte[][] values = e.values();
            lp.integer(e.flags());
            lp.integer(e.id.ms() - n.master.ms());
            lp.integer(e.id.seq() - n.master.seq());
            if (own != null) {
                lp.integer(values.length);
            }
            for (int i = 0; i < values.length; i++) {
                if (own != null) {
                    lp.string(own[i]);
                }
                lp.string(values[i]);
            }
            long lpCount = values.length + 3 + (own != null ? values.length + 1 : 0);
            lp.integer(lpCount);
        }
        return lp.finish();
    }

    /** listpack.c's encoder. */
    static final class LpWriter {
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private int count;

        void integer(long v) {
            int start = body.size();
            if (v >= 0 && v <= 127) {
                body.write((int) v);
            } else if (v >= -4096 && v <= 4095) {
                long u = v < 0 ? (1L << 13) + v : v;
                body.write((int) ((u >> 8) | 0xC0));
                body.write((int) (u & 0xff));
            } else if (v >= -32768 && v <= 32767) {
                body.write(0xF1);
                le(v, 2);
            } else if (v >= -8388608 && v <= 8388607) {
                body.write(0xF2);
                le(v, 3);
            } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                body.write(0xF3);
                le(v, 4);
            } else {
                body.write(0xF4);
                le(v, 8);
            }
            backlen(body.size() - start);
        }

        void string(byte[] s) {
            Long asInt = s.length <= 20 ? CommandContext.parseLongOrNull(s) : null;
            if (asInt != null) {
                integer(asInt);
                return;
            }
            int start = body.size();
            int len = s.length;
            if (len < 64) {
                body.write(0x80 | len);
            } else if (len < 4096) {
                body.write(0xE0 | (len >> 8));
                body.write(len & 0xff);
            } else {
                body.write(0xF0);
                le(len, 4);
            }
            body.write(s, 0, len);
            backlen(body.size() - start);
        }

        private void le(long v, int bytes) {
            for (int i = 0; i < bytes; i++) {
                body.write((int) (v >>> (8 * i)) & 0xff);
            }
        }

        private void backlen(long l) {
            count++;
            if (l <= 127) {
                body.write((int) l);
            } else if (l < 16383) {
                body.write((int) (l >> 7));
                body.write((int) ((l & 127) | 128));
            } else if (l < 2097151) {
                body.write((int) (l >> 14));
                body.write((int) (((l >> 7) & 127) | 128));
                body.write((int) ((l & 127) | 128));
            } else if (l < 268435455) {
                body.write((int) (l >> 21));
                body.write((int) (((l >> 14) & 127) | 128));
                body.write((int) (((l >> 7) & 127) | 128));
                body.write((int) ((l & 127) | 128));
            } else {
                body.write((int) (l >> 28));
                body.write((int) (((l >> 21) & 127) | 128));
                body.write((int) (((l >> 14) & 127) | 128));
                body.write((int) (((l >> 7) & 127) | 128));
                body.write((int) ((l & 127) | 128));
            }
        }

        byte[] finish() {
            byte[] b = body.toByteArray();
            int total = b.length + 7;
            byte[] out = new byte[total];
            out[0] = (byte) total;
            out[1] = (byte) (total >>> 8);
            out[2] = (byte) (total >>> 16);
            out[3] = (byte) (total >>> 24);
            int c = Math.min(count, 65535);
            out[4] = (byte) c;
            out[5] = (byte) (c >>> 8);
            System.arraycopy(b, 0, out, 6, b.length);
            out[total - 1] = (byte) 0xFF;
            return out;
        }
    }

    // ---- loading ----

    static StreamValue read(RdbInput in, int type) throws IOException {
        StreamValue s = new StreamValue();
        long nodes = in.readLength();
        for (long i = 0; i < nodes; i++) {
            byte[] key = in.readString();
            if (key.length != 16) {
                throw new RdbFormatException("Stream node key entry is not the size of a stream ID");
            }
            byte[] lp = in.readString();
            List<byte[]> elements = Listpack.decode(lp);
            if (elements.isEmpty()) {
                throw new RdbFormatException("Empty listpack inside stream");
            }
            decodeNode(s, StreamValue.decode(key, 0), elements);
        }
        long length = in.readLength();
        Id lastId = new Id(unsigned(in), unsigned(in));
        Id firstId;
        Id maxDeleted = Id.MIN;
        long entriesAdded;
        if (type == Rdb.TYPE_STREAM_LISTPACKS_2) {
            firstId = new Id(unsigned(in), unsigned(in));
            maxDeleted = new Id(unsigned(in), unsigned(in));
            entriesAdded = unsigned(in);
        } else {
            entriesAdded = length;
            firstId = null;
        }
        s.finishLoad(length, lastId, Id.MIN, maxDeleted, entriesAdded);
        if (firstId == null) {
            firstId = s.edgeId(true, true);
            if (s.length() == 0) {
                firstId = Id.MIN;
            }
        }
        s.firstId = firstId;
        if (s.countLiveEntries() != length) {
            throw new RdbFormatException("Stream length inconsistent with its entries");
        }
        long groups = in.readLength();
        for (long g = 0; g < groups; g++) {
            byte[] name = in.readString();
            Id gLast = new Id(unsigned(in), unsigned(in));
            long entriesRead;
            if (type == Rdb.TYPE_STREAM_LISTPACKS_2) {
                entriesRead = unsigned(in);
            } else {
                entriesRead = dev.chorus.node.command.StreamCommands.estimateDistance(s, gLast);
            }
            Group group = s.createGroup(name, gLast, entriesRead);
            if (group == null) {
                throw new RdbFormatException("Duplicated consumer group name");
            }
            long pelSize = in.readLength();
            for (long p = 0; p < pelSize; p++) {
                Id id = StreamValue.decode(in.readBytes(16), 0);
                long time = in.readMillis();
                long deliveries = in.readLength();
                if (group.pel.put(id, new Nack(null, time, deliveries)) != null) {
                    throw new RdbFormatException("Duplicated global PEL entry loading stream consumer group");
                }
            }
            long consumers = in.readLength();
            for (long c = 0; c < consumers; c++) {
                byte[] cname = in.readString();
                Consumer consumer = new Consumer(cname, in.readMillis());
                if (group.consumers.put(cname, consumer) != null) {
                    throw new RdbFormatException("Duplicate stream consumer detected.");
                }
                long cpel = in.readLength();
                for (long p = 0; p < cpel; p++) {
                    Id id = StreamValue.decode(in.readBytes(16), 0);
                    Nack nack = group.pel.get(id);
                    if (nack == null) {
                        throw new RdbFormatException("Consumer entry not found in group global PEL");
                    }
                    nack.consumer = consumer;
                    if (consumer.pel.put(id, nack) != null) {
                        throw new RdbFormatException("Duplicated consumer PEL entry loading a stream consumer group");
                    }
                }
            }
            for (Nack n : group.pel.values()) {
                if (n.consumer == null) {
                    throw new RdbFormatException("Stream CG PEL entry without consumer");
                }
            }
        }
        return s;
    }

    /** A 64-bit length read as an unsigned value (IDs, entries_read -1). */
    private static long unsigned(RdbInput in) throws IOException {
        return in.readLengthUnsigned();
    }

    private static void decodeNode(StreamValue s, Id master, List<byte[]> el) throws RdbFormatException {
        try {
            int p = 0;
            p++; // count
            p++; // deleted
            int masterFields = (int) num(el.get(p++));
            byte[][] fields = new byte[masterFields][];
            for (int i = 0; i < masterFields; i++) {
                fields[i] = el.get(p++);
            }
            if (num(el.get(p++)) != 0) {
                throw new RdbFormatException("Stream master entry not terminated");
            }
            Node node = s.loadNode(master, fields);
            while (p < el.size()) {
                int flags = (int) num(el.get(p++));
                long ms = master.ms() + num(el.get(p++));
                long seq = master.seq() + num(el.get(p++));
                byte[][] own = null;
                byte[][] values;
                if ((flags & StreamValue.FLAG_SAMEFIELDS) != 0) {
                    values = new byte[masterFields][];
                    for (int i = 0; i < masterFields; i++) {
                        values[i] = el.get(p++);
                    }
                } else {
                    int nf = (int) num(el.get(p++));
                    own = new byte[nf][];
                    values = new byte[nf][];
                    for (int i = 0; i < nf; i++) {
                        own[i] = el.get(p++);
                        values[i] = el.get(p++);
                    }
                }
                p++; // lp-count
                StreamValue.loadEntry(node, new Id(ms, seq), own, values, flags);
            }
        } catch (IndexOutOfBoundsException | NumberFormatException e) {
            throw new RdbFormatException("Stream listpack integrity check failed");
        }
    }

    private static long num(byte[] b) {
        return Long.parseLong(new String(b, java.nio.charset.StandardCharsets.US_ASCII));
    }
}
