package dev.chorus.node.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A stream (Redis 7.0's t_stream.c / stream.h). Entries live in nodes keyed by their master ID, as Redis' radix tree
 * of listpacks: a node holds a master entry (the first entry's field names), and entries that either repeat those
 * fields (SAMEFIELDS) or carry their own; deleted entries stay in their node, flagged, until the node empties. Each
 * node keeps the byte size its listpack would have, so stream-node-max-bytes and stream-node-max-entries split nodes
 * exactly where Redis splits them (approximate trimming removes whole nodes only, XINFO reports radix-tree keys),
 * and the RDB writer can produce the very listpacks Redis would.
 */
public final class StreamValue implements RedisValue {
    public static final int FLAG_DELETED = 1;
    public static final int FLAG_SAMEFIELDS = 2;
    /** STREAM_LISTPACK_MAX_SIZE. */
    public static final long LISTPACK_MAX_SIZE = 1L << 30;
    /** SCG_INVALID_ENTRIES_READ. */
    public static final long INVALID_ENTRIES_READ = -1;

    private static volatile long nodeMaxBytes = 4096;
    private static volatile long nodeMaxEntries = 100;

    public static void setNodeLimits(long maxBytes, long maxEntries) {
        nodeMaxBytes = maxBytes;
        nodeMaxEntries = maxEntries;
    }

    public static long nodeMaxEntries() {
        return nodeMaxEntries;
    }

    /** A stream ID: two unsigned 64-bit numbers. */
    public record Id(long ms, long seq) implements Comparable<Id> {
        public static final Id MIN = new Id(0, 0);
        public static final Id MAX = new Id(-1L, -1L);

        @Override
        public int compareTo(Id o) {
            int c = Long.compareUnsigned(ms, o.ms);
            return c != 0 ? c : Long.compareUnsigned(seq, o.seq);
        }

        public boolean isZero() {
            return ms == 0 && seq == 0;
        }

        /** streamIncrID: null on overflow of the whole ID. */
        public Id next() {
            if (seq == -1L) {
                return ms == -1L ? null : new Id(ms + 1, 0);
            }
            return new Id(ms, seq + 1);
        }

        /** streamDecrID: null below 0-0. */
        public Id prev() {
            if (seq == 0) {
                return ms == 0 ? null : new Id(ms - 1, -1L);
            }
            return new Id(ms, seq - 1);
        }

        @Override
        public String toString() {
            return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
        }

        public byte[] bytes() {
            return toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    /** One entry of a node (live or a tombstone). */
    public static final class Entry {
        public final Id id;
        /** Field names, or null when the entry has the master entry's fields. */
        final byte[][] fields;
        final byte[][] values;
        int flags;

        Entry(Id id, byte[][] fields, byte[][] values, int flags) {
            this.id = id;
            this.fields = fields;
            this.values = values;
            this.flags = flags;
        }

        public boolean deleted() {
            return (flags & FLAG_DELETED) != 0;
        }

        public int flags() {
            return flags;
        }

        public byte[][] values() {
            return values;
        }

        /** The entry's own field names (null for SAMEFIELDS entries). */
        public byte[][] ownFields() {
            return fields;
        }
    }

    /** One radix-tree node: a listpack with its master entry. */
    public static final class Node {
        public final Id master;
        final byte[][] masterFields;
        final ArrayList<Entry> entries = new ArrayList<>();
        long count;
        long deleted;
        /** The listpack's size in bytes. */
        long bytes;
        /** What the allocator gave the listpack (zmalloc_size): preallocated, grown by realloc, shrunk to fit. */
        long alloc;

        Node(Id master, byte[][] masterFields) {
            this.master = master;
            this.masterFields = masterFields;
        }

        public byte[][] masterFields() {
            return masterFields;
        }

        public List<Entry> entries() {
            return entries;
        }

        public long count() {
            return count;
        }

        public long deletedCount() {
            return deleted;
        }

        public long bytes() {
            return bytes;
        }

        public long alloc() {
            return alloc;
        }

        /** lpInsert's reallocations after the listpack went from {@code before} bytes to {@link #bytes}. */
        void resized(long before) {
            if (bytes < before || bytes > alloc) {
                alloc = dev.chorus.node.command.RedisLayout.mallocSize(bytes);
            }
        }

        public byte[][] fieldsOf(Entry e) {
            return e.fields != null ? e.fields : masterFields;
        }

        Node copy() {
            Node n = new Node(master, masterFields);
            for (Entry e : entries) {
                n.entries.add(new Entry(e.id, e.fields, e.values, e.flags));
            }
            n.count = count;
            n.deleted = deleted;
            n.bytes = bytes;
            n.alloc = dev.chorus.node.command.RedisLayout.mallocSize(bytes); // lpDup (streamDup)
            return n;
        }

        /** Rebuilds the byte count from the contents. */
        void recomputeBytes() {
            long b = 7 + Listpacks.intSize(count) + Listpacks.intSize(deleted)
                    + Listpacks.intSize(masterFields.length);
            for (byte[] f : masterFields) {
                b += Listpacks.stringSize(f);
            }
            b += Listpacks.intSize(0);
            for (Entry e : entries) {
                b += entrySize(e);
            }
            bytes = b;
        }

        long entrySize(Entry e) {
            long b = Listpacks.intSize(e.flags) + Listpacks.intSize(e.id.ms - master.ms)
                    + Listpacks.intSize(e.id.seq - master.seq);
            int n = e.values.length;
            if (e.fields != null) {
                b += Listpacks.intSize(n);
                for (byte[] f : e.fields) {
                    b += Listpacks.stringSize(f);
                }
            }
            for (byte[] v : e.values) {
                b += Listpacks.stringSize(v);
            }
            long lpCount = n + 3 + (e.fields != null ? n + 1 : 0);
            return b + Listpacks.intSize(lpCount);
        }
    }

    /** A pending entry (streamNACK). */
    public static final class Nack {
        public long deliveryTime;
        public long deliveryCount;
        public Consumer consumer;

        public Nack(Consumer consumer, long deliveryTime, long deliveryCount) {
            this.consumer = consumer;
            this.deliveryTime = deliveryTime;
            this.deliveryCount = deliveryCount;
        }
    }

    public static final class Consumer {
        public final byte[] name;
        public long seenTime;
        public final TreeMap<Id, Nack> pel = new TreeMap<>();

        public Consumer(byte[] name, long seenTime) {
            this.name = name;
            this.seenTime = seenTime;
        }
    }

    public static final class Group {
        public final byte[] name;
        public Id lastId;
        public long entriesRead;
        public final TreeMap<Id, Nack> pel = new TreeMap<>();
        public final TreeMap<byte[], Consumer> consumers = new TreeMap<>(Arrays::compareUnsigned);

        public Group(byte[] name, Id lastId, long entriesRead) {
            this.name = name;
            this.lastId = lastId;
            this.entriesRead = entriesRead;
        }
    }

    private final TreeMap<Id, Node> nodes = new TreeMap<>();
    private long length;
    public Id lastId = Id.MIN;
    public Id firstId = Id.MIN;
    public Id maxDeletedEntryId = Id.MIN;
    public long entriesAdded;
    private TreeMap<byte[], Group> groups;
    private long memory = 64;

    @Override
    public ValueType type() {
        return ValueType.STREAM;
    }

    @Override
    public String encoding() {
        return "stream";
    }

    @Override
    public int size() {
        return (int) Math.min(Integer.MAX_VALUE, length);
    }

    public long length() {
        return length;
    }

    @Override
    public long memoryEstimate() {
        return memory;
    }

    public NavigableMap<Id, Node> nodes() {
        return nodes;
    }

    @Override
    public StreamValue copy() {
        StreamValue s = new StreamValue();
        for (Node n : nodes.values()) {
            s.nodes.put(n.master, n.copy());
        }
        s.length = length;
        s.lastId = lastId;
        s.firstId = firstId;
        s.maxDeletedEntryId = maxDeletedEntryId;
        s.entriesAdded = entriesAdded;
        s.memory = memory;
        if (groups != null) {
            for (Group g : groups.values()) {
                Group c = s.createGroup(g.name, g.lastId, g.entriesRead);
                for (Consumer con : g.consumers.values()) {
                    Consumer cc = new Consumer(con.name, con.seenTime);
                    c.consumers.put(cc.name, cc);
                }
                for (Map.Entry<Id, Nack> pe : g.pel.entrySet()) {
                    Nack n = pe.getValue();
                    Consumer cc = c.consumers.get(n.consumer.name);
                    Nack nn = new Nack(cc, n.deliveryTime, n.deliveryCount);
                    c.pel.put(pe.getKey(), nn);
                    cc.pel.put(pe.getKey(), nn);
                }
            }
        }
        return s;
    }

    // ---- adding ----

    /**
     * streamAppendItem after the ID checks: appends an entry with {@code id} (greater than the last ID) and the
     * alternating field/value arguments {@code fv[from..]}.
     */
    public void append(Id id, byte[][] argv, int from) {
        int numFields = (argv.length - from) / 2;
        long totalLen = 0;
        for (int i = from; i < argv.length; i++) {
            totalLen += argv[i].length;
        }
        byte[][] fields = new byte[numFields][];
        byte[][] values = new byte[numFields][];
        for (int i = 0; i < numFields; i++) {
            fields[i] = argv[from + 2 * i];
            values[i] = argv[from + 2 * i + 1];
        }
        Node tail = nodes.isEmpty() ? null : nodes.lastEntry().getValue();
        if (tail != null) {
            long maxBytes = nodeMaxBytes;
            if (maxBytes == 0 || maxBytes > LISTPACK_MAX_SIZE) {
                maxBytes = LISTPACK_MAX_SIZE;
            }
            if (tail.bytes + totalLen >= maxBytes) {
                tail = null;
            } else if (nodeMaxEntries != 0 && tail.count + tail.deleted >= nodeMaxEntries) {
                tail = null;
            }
            if (tail == null) {
                Node full = nodes.lastEntry().getValue();
                if (full.bytes < full.alloc) {
                    full.alloc = dev.chorus.node.command.RedisLayout.mallocSize(full.bytes); // lpShrinkToFit
                }
            }
        }
        int flags = 0;
        Entry e;
        if (tail == null) {
            tail = new Node(id, fields);
            tail.count = 1;
            long prealloc = 4096;
            if (nodeMaxBytes > 0 && nodeMaxBytes < prealloc) {
                prealloc = nodeMaxBytes;
            }
            tail.alloc = dev.chorus.node.command.RedisLayout.mallocSize(Math.max(prealloc, 7));
            tail.recomputeBytes();
            nodes.put(id, tail);
            memory += 48;
            flags = FLAG_SAMEFIELDS;
            e = new Entry(id, null, values, flags);
        } else {
            tail.bytes += Listpacks.intSize(tail.count + 1) - Listpacks.intSize(tail.count);
            tail.count++;
            boolean same = numFields == tail.masterFields.length;
            for (int i = 0; same && i < numFields; i++) {
                same = Arrays.equals(fields[i], tail.masterFields[i]);
            }
            e = same ? new Entry(id, null, values, FLAG_SAMEFIELDS) : new Entry(id, fields, values, 0);
        }
        tail.entries.add(e);
        long size = tail.entrySize(e);
        tail.bytes += size;
        if (tail.bytes > tail.alloc) {
            tail.alloc = dev.chorus.node.command.RedisLayout.mallocSize(tail.bytes);
        }
        memory += size + 40;
        length++;
        entriesAdded++;
        lastId = id;
        if (length == 1) {
            firstId = id;
        }
    }

    // ---- reading ----

    /** An entry with the node it lives in, as an iterator hands it out. */
    public record Item(Node node, Entry entry) {
        public Id id() {
            return entry.id;
        }

        public byte[][] fields() {
            return node.fieldsOf(entry);
        }

        public byte[][] values() {
            return entry.values;
        }
    }

    /**
     * streamIterator: live entries with start &le; id &le; end, ascending or (rev) descending; with
     * {@code tombstones} deleted entries too.
     */
    public Iterator<Item> iterator(Id start, Id end, boolean rev, boolean tombstones) {
        Iterator<Node> order;
        if (start.compareTo(end) > 0) {
            order = java.util.Collections.emptyIterator();
        } else if (!rev) {
            Id from = nodes.floorKey(start);
            order = (from == null ? nodes : nodes.tailMap(from, true)).headMap(end, true).values().iterator();
        } else {
            Id from = nodes.floorKey(end);
            order = from == null ? java.util.Collections.emptyIterator()
                    : nodes.headMap(from, true).descendingMap().values().iterator();
        }
        return new Iterator<>() {
            Node n = order.hasNext() ? order.next() : null;
            int ei = -1;
            Item next = advance();

            private Item advance() {
                while (n != null) {
                    if (ei == -1) {
                        ei = rev ? n.entries.size() - 1 : firstIndex(n, start);
                    } else {
                        ei += rev ? -1 : 1;
                    }
                    while (ei >= 0 && ei < n.entries.size()) {
                        Entry e = n.entries.get(ei);
                        if (!rev) {
                            if (e.id.compareTo(start) >= 0 && (tombstones || !e.deleted())) {
                                if (e.id.compareTo(end) > 0) {
                                    n = null;
                                    return null;
                                }
                                return new Item(n, e);
                            }
                        } else {
                            if (e.id.compareTo(end) <= 0 && (tombstones || !e.deleted())) {
                                if (e.id.compareTo(start) < 0) {
                                    n = null;
                                    return null;
                                }
                                return new Item(n, e);
                            }
                        }
                        ei += rev ? -1 : 1;
                    }
                    n = order.hasNext() ? order.next() : null;
                    ei = -1;
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Item next() {
                Item r = next;
                next = advance();
                return r;
            }
        };
    }

    private static int firstIndex(Node n, Id start) {
        int lo = 0;
        int hi = n.entries.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (n.entries.get(mid).id.compareTo(start) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The live entry with this ID, or null. */
    public Item find(Id id) {
        Iterator<Item> it = iterator(id, id, false, false);
        return it.hasNext() ? it.next() : null;
    }

    /** streamGetEdgeID: first or last entry's ID; 'none' gives MAX for first and MIN for last. */
    public Id edgeId(boolean first, boolean skipTombstones) {
        Iterator<Item> it = iterator(Id.MIN, Id.MAX, !first, !skipTombstones);
        if (it.hasNext()) {
            return it.next().id();
        }
        return first ? Id.MAX : Id.MIN;
    }

    // ---- deleting ----

    /** streamDeleteItem: flags a live entry as deleted (dropping its node when it was the last live one). */
    public boolean delete(Id id) {
        Item item = find(id);
        if (item == null) {
            return false;
        }
        Node n = item.node();
        Entry e = item.entry();
        if (n.count == 1) {
            nodes.remove(n.master);
            memory -= n.bytes + 48 + 40L * n.entries.size();
        } else {
            long before = n.bytes;
            n.bytes += Listpacks.intSize(e.flags | FLAG_DELETED) - Listpacks.intSize(e.flags);
            e.flags |= FLAG_DELETED;
            n.bytes += Listpacks.intSize(n.count - 1) - Listpacks.intSize(n.count)
                    + Listpacks.intSize(n.deleted + 1) - Listpacks.intSize(n.deleted);
            n.count--;
            n.deleted++;
            n.resized(before);
        }
        length--;
        return true;
    }

    /**
     * streamTrim: MAXLEN (minId null) or MINID trimming, approximate (whole nodes only) or exact, at most
     * {@code limit} entries (0: no limit). Returns the number of entries removed.
     */
    public long trim(long maxLen, Id minId, boolean approx, long limit) {
        boolean byLen = minId == null;
        long deletedTotal = 0;
        Iterator<Map.Entry<Id, Node>> it = nodes.entrySet().iterator();
        while (it.hasNext()) {
            if (byLen && length <= maxLen) {
                break;
            }
            Node n = it.next().getValue();
            long entries = n.count;
            if (limit != 0 && deletedTotal + entries > limit) {
                break;
            }
            boolean removeNode;
            if (byLen) {
                removeNode = length - entries >= maxLen;
            } else {
                Id last = n.entries.get(n.entries.size() - 1).id;
                removeNode = last.compareTo(minId) < 0;
            }
            if (removeNode) {
                it.remove();
                memory -= n.bytes + 48 + 40L * n.entries.size();
                length -= entries;
                deletedTotal += entries;
                continue;
            }
            if (approx) {
                break;
            }
            long fromNode = 0;
            long before = n.bytes;
            for (Entry e : n.entries) {
                boolean stop = byLen ? length <= maxLen : e.id.compareTo(minId) >= 0;
                if (stop) {
                    break;
                }
                if (!e.deleted()) {
                    n.bytes += Listpacks.intSize(e.flags | FLAG_DELETED) - Listpacks.intSize(e.flags);
                    e.flags |= FLAG_DELETED;
                    fromNode++;
                    length--;
                }
            }
            deletedTotal += fromNode;
            n.bytes += Listpacks.intSize(entries - fromNode) - Listpacks.intSize(entries)
                    + Listpacks.intSize(n.deleted + fromNode) - Listpacks.intSize(n.deleted);
            n.count = entries - fromNode;
            n.deleted += fromNode;
            n.resized(before);
            break;
        }
        if (length == 0) {
            firstId = Id.MIN;
        } else if (deletedTotal > 0) {
            firstId = edgeId(true, true);
        }
        return deletedTotal;
    }

    // ---- consumer groups ----

    public Group group(byte[] name) {
        return groups == null ? null : groups.get(name);
    }

    public java.util.Collection<Group> groups() {
        return groups == null ? List.of() : groups.values();
    }

    public int groupCount() {
        return groups == null ? 0 : groups.size();
    }

    /** streamCreateCG: null if a group with that name exists. */
    public Group createGroup(byte[] name, Id lastId, long entriesRead) {
        if (groups == null) {
            groups = new TreeMap<>(Arrays::compareUnsigned);
        }
        if (groups.containsKey(name)) {
            return null;
        }
        Group g = new Group(name, lastId, entriesRead);
        groups.put(name, g);
        return g;
    }

    public boolean destroyGroup(byte[] name) {
        return groups != null && groups.remove(name) != null;
    }

    // ---- loading (RDB) ----

    /** Adds a node decoded from RDB; entries must be in order. */
    public Node loadNode(Id master, byte[][] masterFields) {
        Node n = new Node(master, masterFields);
        nodes.put(master, n);
        return n;
    }

    public static void loadEntry(Node n, Id id, byte[][] fields, byte[][] values, int flags) {
        n.entries.add(new Entry(id, (flags & FLAG_SAMEFIELDS) != 0 ? null : fields, values, flags));
        if ((flags & FLAG_DELETED) != 0) {
            n.deleted++;
        } else {
            n.count++;
        }
    }

    /** After loading: node sizes and the stream's metadata. */
    public void finishLoad(long length, Id lastId, Id firstId, Id maxDeleted, long entriesAdded) {
        long mem = 64;
        for (Node n : nodes.values()) {
            n.recomputeBytes();
            n.alloc = dev.chorus.node.command.RedisLayout.mallocSize(n.bytes);
            mem += n.bytes + 48 + 40L * n.entries.size();
        }
        this.memory = mem;
        this.length = length;
        this.lastId = lastId;
        this.firstId = firstId;
        this.maxDeletedEntryId = maxDeleted;
        this.entriesAdded = entriesAdded;
    }

    /** Entries counted in the nodes (live), to check a loaded stream's declared length. */
    public long countLiveEntries() {
        long c = 0;
        for (Node n : nodes.values()) {
            c += n.count;
        }
        return c;
    }

    /** The number of nodes rax would hold for the node keys (XINFO STREAM's radix-tree-nodes). */
    public long raxNodes() {
        return raxNodes(nodes.keySet());
    }

    /** The number of nodes of a rax keyed by these stream IDs. */
    public static long raxNodes(java.util.Collection<Id> ids) {
        if (ids.isEmpty()) {
            return 1;
        }
        List<byte[]> keys = new ArrayList<>(ids.size());
        for (Id id : ids) {
            keys.add(encode(id));
        }
        return 1 + Rax.countBelowRoot(keys);
    }

    /** The 16-byte big-endian key of an ID (streamEncodeID). */
    public static byte[] encode(Id id) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (id.ms >>> (56 - 8 * i));
            b[8 + i] = (byte) (id.seq >>> (56 - 8 * i));
        }
        return b;
    }

    public static Id decode(byte[] b, int off) {
        long ms = 0;
        long seq = 0;
        for (int i = 0; i < 8; i++) {
            ms = (ms << 8) | (b[off + i] & 0xff);
            seq = (seq << 8) | (b[off + 8 + i] & 0xff);
        }
        return new Id(ms, seq);
    }

    /** Memory bookkeeping after PEL or consumer changes (approximate). */
    public void addMemory(long delta) {
        memory += delta;
    }

    /** Listpack element sizes (listpack.c's encodings). */
    public static final class Listpacks {
        private Listpacks() {
        }

        public static long intSize(long v) {
            int enc;
            if (v >= 0 && v <= 127) {
                enc = 1;
            } else if (v >= -4096 && v <= 4095) {
                enc = 2;
            } else if (v >= -32768 && v <= 32767) {
                enc = 3;
            } else if (v >= -8388608 && v <= 8388607) {
                enc = 4;
            } else if (v >= -2147483648L && v <= 2147483647L) {
                enc = 5;
            } else {
                enc = 9;
            }
            return enc + backlenSize(enc);
        }

        public static long stringSize(byte[] s) {
            Long asInt = dev.chorus.node.command.CommandContext.parseLongOrNull(s);
            if (asInt != null && s.length <= 20) {
                return intSize(asInt);
            }
            long len = s.length;
            long enc = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
            return enc + backlenSize(enc);
        }

        static long backlenSize(long l) {
            if (l <= 127) {
                return 1;
            } else if (l < 16383) {
                return 2;
            } else if (l < 2097151) {
                return 3;
            } else if (l < 268435455) {
                return 4;
            }
            return 5;
        }
    }

    /** Counts rax nodes for a set of equal-length keys, as rax.c lays them out (compressed nodes). */
    static final class Rax {
        private Rax() {
        }

        /** Nodes below the root for sorted distinct keys (the root counted by the caller). */
        static long countBelowRoot(List<byte[]> keys) {
            keys.sort(Arrays::compareUnsigned);
            return count(keys, 0, keys.size(), 0, true);
        }

        /**
         * Nodes needed for keys[from,to) from depth on, counting the node at this position itself unless
         * {@code root} (the root is that node).
         */
        private static long count(List<byte[]> keys, int from, int to, int depth, boolean root) {
            int len = keys.get(from).length;
            if (depth == len) {
                return root ? 0 : 1; // a leaf (key node with no children)
            }
            // Common prefix of the range from depth.
            int common = 0;
            byte[] a = keys.get(from);
            byte[] b = keys.get(to - 1);
            while (depth + common < len && a[depth + common] == b[depth + common]) {
                common++;
            }
            long self = root ? 0 : 1;
            if (common > 0) {
                // This node is a compressed node holding the common run; its child continues after it.
                return self + count(keys, from, to, depth + common, false);
            }
            // A branching node: one child per distinct next byte.
            long total = self;
            int i = from;
            while (i < to) {
                int j = i + 1;
                while (j < to && keys.get(j)[depth] == keys.get(i)[depth]) {
                    j++;
                }
                total += count(keys, i, j, depth + 1, false);
                i = j;
            }
            return total;
        }
    }
}
