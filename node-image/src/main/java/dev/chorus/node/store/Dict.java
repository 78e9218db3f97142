package dev.chorus.node.store;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A chained hash table keyed by byte arrays, like Redis' dict.c. The node is the entry itself (no wrapper objects),
 * and {@link #scan} walks buckets with Redis' reverse-binary cursor, so a scan that spans resizes still returns every
 * element that was present from its start to its end. Single-threaded: only the server thread touches it.
 */
public class Dict<N extends Dict.Node> {
    /** A table entry. Subclasses carry the value. */
    public static class Node {
        public final byte[] key;
        final int hash;
        Node next;

        public Node(byte[] key) {
            this.key = key;
            this.hash = Hashing.hash(key);
        }
    }

    private static final int MIN_SIZE = 4;
    /** The largest table {@link #ensureCapacity} allocates up front; beyond it the table grows as keys arrive. */
    private static final int MAX_PRESIZE = 1 << 24;
    private Node[] table = new Node[MIN_SIZE];
    private int size;

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    @SuppressWarnings("unchecked")
    public N get(byte[] key) {
        int h = Hashing.hash(key);
        for (Node n = table[h & (table.length - 1)]; n != null; n = n.next) {
            if (n.hash == h && Arrays.equals(n.key, key)) {
                return (N) n;
            }
        }
        return null;
    }

    public boolean containsKey(byte[] key) {
        return get(key) != null;
    }

    /** Adds a node whose key is not in the table yet (callers check with {@link #get} first). */
    public void add(N node) {
        if (size >= table.length) {
            resize(table.length * 2);
        }
        int idx = node.hash & (table.length - 1);
        node.next = table[idx];
        table[idx] = node;
        size++;
    }

    /**
     * Adds {@code node} unless a node with the same key is present (one hash, one probe): false, and nothing
     * changes, when the key is already there.
     */
    public boolean addIfAbsent(N node) {
        int h = node.hash;
        for (Node n = table[h & (table.length - 1)]; n != null; n = n.next) {
            if (n.hash == h && Arrays.equals(n.key, node.key)) {
                return false;
            }
        }
        add(node);
        return true;
    }

    /**
     * Grows the table once so that {@code expected} nodes fit without further resizes (a bulk load that knows its
     * size, e.g. from an RDB's RESIZEDB). Only grows; a huge claim is capped, the table then grows on demand.
     */
    public void ensureCapacity(long expected) {
        long wanted = Math.min(expected, MAX_PRESIZE);
        if (wanted > table.length) {
            resize(Integer.highestOneBit((int) wanted - 1) << 1);
        }
    }

    /** Removes and returns the node for {@code key}, or null. */
    @SuppressWarnings("unchecked")
    public N remove(byte[] key) {
        int h = Hashing.hash(key);
        int idx = h & (table.length - 1);
        Node prev = null;
        for (Node n = table[idx]; n != null; prev = n, n = n.next) {
            if (n.hash == h && Arrays.equals(n.key, key)) {
                if (prev == null) {
                    table[idx] = n.next;
                } else {
                    prev.next = n.next;
                }
                n.next = null;
                size--;
                if (table.length > MIN_SIZE && size < table.length / 8) {
                    resize(Math.max(MIN_SIZE, Integer.highestOneBit(Math.max(size, 1)) * 2));
                }
                return (N) n;
            }
        }
        return null;
    }

    public void clear() {
        table = new Node[MIN_SIZE];
        size = 0;
    }

    @SuppressWarnings("unchecked")
    public void forEach(Consumer<? super N> action) {
        for (Node head : table) {
            for (Node n = head; n != null; ) {
                Node next = n.next; // the action may remove n
                action.accept((N) n);
                n = next;
            }
        }
    }

    /**
     * Visits one bucket (every node in it) and returns the next cursor; 0 when the scan is complete. Same contract as
     * Redis' dictScan: elements present for the whole scan are returned at least once, some may be returned twice.
     */
    @SuppressWarnings("unchecked")
    public long scan(long cursor, Consumer<? super N> visitor) {
        if (size == 0) {
            return 0;
        }
        long mask = table.length - 1;
        for (Node n = table[(int) (cursor & mask)]; n != null; ) {
            Node next = n.next;
            visitor.accept((N) n);
            n = next;
        }
        long v = cursor | ~mask;
        v = Long.reverse(v);
        v++;
        return Long.reverse(v);
    }

    /** Keeps {@link #scanBuckets}' early reads alive (the JIT must not drop them). Static: no per-dict cost. */
    private static int touched;

    /**
     * {@link #scan} over up to {@code buckets} buckets in one call, for a bulk walk (a snapshot): it first reads the
     * bucket heads and their hashes for the whole run, independent loads the CPU overlaps, and only then visits the
     * nodes, which are by then in cache. Visiting one bucket at a time waits on two cache misses per node instead.
     * {@code heads} is the caller's scratch space (its length, at least 1, is the number of buckets); the visitor must
     * not change the dict. Returns the next cursor (0: complete) and adds to {@code visited[0]} how many buckets and
     * nodes it went through.
     */
    @SuppressWarnings("unchecked")
    public long scanBuckets(long cursor, Node[] heads, Consumer<? super N> visitor, int[] visited) {
        if (size == 0) {
            return 0;
        }
        Node[] t = table;
        long mask = t.length - 1;
        int buckets = heads.length;
        int n = 0;
        long c = cursor;
        do {
            heads[n++] = t[(int) (c & mask)];
            c = Long.reverse(Long.reverse(c | ~mask) + 1);
        } while (c != 0 && n < buckets);
        int sum = 0;
        for (int i = 0; i < n; i++) {
            Node h = heads[i];
            if (h != null) {
                sum += h.hash;
            }
        }
        touched += sum;
        int count = n;
        for (int i = 0; i < n; i++) {
            for (Node x = heads[i]; x != null; x = x.next) {
                visitor.accept((N) x);
                count++;
            }
            heads[i] = null;
        }
        visited[0] += count;
        return c;
    }

    /** How many entries Redis' dictGetFairRandomKey samples (GETFAIR_NUM_ENTRIES). */
    private static final int FAIR_SAMPLE = 15;

    /**
     * A random node, or null when empty: as Redis' dictGetFairRandomKey, up to 15 nodes are gathered from consecutive
     * buckets starting at a random one and one of them is picked, so a node's chances do not depend on the length of
     * its chain (picking a random bucket, then a node of its chain, favours nodes alone in their bucket).
     */
    @SuppressWarnings("unchecked")
    public N random() {
        if (size == 0) {
            return null;
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        Node[] sample = new Node[FAIR_SAMPLE];
        int count = 0;
        int mask = table.length - 1;
        int i = rnd.nextInt(table.length);
        for (int steps = 0; steps < table.length && count < FAIR_SAMPLE; steps++) {
            for (Node n = table[i]; n != null && count < FAIR_SAMPLE; n = n.next) {
                sample[count++] = n;
            }
            i = (i + 1) & mask;
        }
        return (N) sample[rnd.nextInt(count)];
    }

    private void resize(int newLength) {
        Node[] old = table;
        Node[] fresh = new Node[newLength];
        int mask = newLength - 1;
        for (Node head : old) {
            for (Node n = head; n != null; ) {
                Node next = n.next;
                int idx = n.hash & mask;
                n.next = fresh[idx];
                fresh[idx] = n;
                n = next;
            }
        }
        table = fresh;
    }
}
