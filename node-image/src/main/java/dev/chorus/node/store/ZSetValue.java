package dev.chorus.node.store;

import dev.chorus.node.store.SkipList.Node;
import java.util.function.Consumer;

/**
 * A sorted set: a member → node dictionary (so ZSCAN walks it with Redis' cursor) plus a skip list ordering the same
 * nodes by (score, member). One node object per member serves both.
 *
 * <p>Redis keeps small sets in a listpack and converts them to a skiplist for good; we always use the skip list but
 * track which encoding Redis would report, because it is visible: OBJECT ENCODING, ZSCAN (a listpack is returned in
 * one call, in order), and listpacks store integral scores as integers, which turns -0 into 0.
 */
public final class ZSetValue implements RedisValue {
    /** zset-max-listpack-entries / zset-max-listpack-value; the config layer may change them at run time. */
    private static volatile int maxListpackEntries = 128;
    private static volatile int maxListpackValue = 64;

    private static final long BASE_MEMORY = 16 + 16 + 32 + Memory.array(SkipList.MAX_LEVEL * 4) * 2L + 64;
    private static final long NODE_OVERHEAD = 48 + 8;

    private final Dict<Node> dict = new Dict<>();
    private final SkipList list = new SkipList();
    private boolean listpack;
    private long memory = BASE_MEMORY;

    /** An empty set that starts as a listpack, like one created by ZADD. */
    public ZSetValue() {
        this(true);
    }

    private ZSetValue(boolean listpack) {
        this.listpack = listpack;
    }

    /**
     * An empty set that starts as a skiplist, for results built in bulk (ZUNIONSTORE...): finish it with
     * {@link #compactIfSmall()} as zsetConvertToListpackIfNeeded does.
     */
    public static ZSetValue forBulkBuild() {
        return new ZSetValue(false);
    }

    public static int maxListpackEntries() {
        return maxListpackEntries;
    }

    public static int maxListpackValue() {
        return maxListpackValue;
    }

    public static void setListpackLimits(int entries, int value) {
        maxListpackEntries = entries;
        maxListpackValue = value;
    }

    @Override
    public ValueType type() {
        return ValueType.ZSET;
    }

    @Override
    public String encoding() {
        return listpack ? "listpack" : "skiplist";
    }

    /** zsetConvert(.., OBJ_ENCODING_SKIPLIST): SORT converts a listpack set for good. */
    public void convertToSkiplist() {
        listpack = false;
    }

    public boolean isListpack() {
        return listpack;
    }

    @Override
    public int size() {
        return list.length();
    }

    @Override
    public long memoryEstimate() {
        return memory;
    }

    @Override
    public ZSetValue copy() {
        ZSetValue c = new ZSetValue(listpack);
        for (Node n = list.first(); n != null; n = n.next()) {
            c.link(SkipList.newNode(n.key, n.score));
        }
        return c;
    }

    SkipList skipList() {
        return list;
    }

    // ---- members ----

    public Node node(byte[] member) {
        return dict.get(member);
    }

    /** The member's score, or null when absent. */
    public Double score(byte[] member) {
        Node n = dict.get(member);
        return n == null ? null : n.score;
    }

    public boolean contains(byte[] member) {
        return dict.get(member) != null;
    }

    /**
     * Adds a member that is not in the set yet. Converts to skiplist first when the set would outgrow a listpack, as
     * zsetAdd does (only an insertion converts, never a score update).
     */
    public Node insert(byte[] member, double score) {
        if (listpack && (list.length() + 1 > maxListpackEntries || member.length > maxListpackValue)) {
            listpack = false;
        }
        Node n = SkipList.newNode(member, stored(score));
        link(n);
        return n;
    }

    /** Changes a member's score, keeping the order right. */
    public void updateScore(Node n, double score) {
        list.updateScore(n, stored(score));
    }

    /** Removes a member; false when it was absent. */
    public boolean remove(byte[] member) {
        Node n = dict.get(member);
        if (n == null) {
            return false;
        }
        remove(n);
        return true;
    }

    public void remove(Node n) {
        list.delete(n.score, n.key);
        dict.remove(n.key);
        memory -= nodeMemory(n);
    }

    private void link(Node n) {
        list.insert(n);
        dict.add(n);
        memory += nodeMemory(n);
    }

    /** A listpack stores an integral score as an integer: -0 comes back as 0. */
    private double stored(double score) {
        return listpack ? score + 0.0 : score;
    }

    private static long nodeMemory(Node n) {
        return NODE_OVERHEAD + Memory.array(n.key.length) + 2 * Memory.array(4 * n.level());
    }

    /** After a bulk build: becomes a listpack when small enough (zsetConvertToListpackIfNeeded). */
    public void compactIfSmall() {
        if (listpack || list.length() > maxListpackEntries) {
            return;
        }
        for (Node n = list.first(); n != null; n = n.next()) {
            if (n.key.length > maxListpackValue) {
                return;
            }
        }
        listpack = true;
        for (Node n = list.first(); n != null; n = n.next()) {
            n.score += 0.0;
        }
    }

    // ---- order ----

    public Node first() {
        return list.first();
    }

    public Node last() {
        return list.last();
    }

    /** 0-based ascending rank of a member of this set. */
    public long rank(Node n) {
        return list.rank(n.score, n.key) - 1;
    }

    /** The member at 0-based ascending rank, or null when out of range. */
    public Node byRank(long rank) {
        return list.byRank(rank + 1);
    }

    public Node firstInRange(ScoreRange r) {
        return list.firstInRange(r);
    }

    public Node lastInRange(ScoreRange r) {
        return list.lastInRange(r);
    }

    /*
     * Lex ranges are only meaningful when all scores are equal. When they are not, Redis' answers depend on the
     * encoding: a listpack is scanned linearly from the ends, a skiplist is descended by its (random) levels. The
     * listpack answers are deterministic, so we reproduce them; skiplist ones we answer with our own descent.
     */

    public Node firstInRange(LexRange r) {
        return listpack ? scanFirst(r) : list.firstInRange(r);
    }

    public Node lastInRange(LexRange r) {
        return listpack ? scanLast(r) : list.lastInRange(r);
    }

    /** ZLEXCOUNT, computed as zlexcountCommand does for the current encoding. */
    public long count(LexRange r) {
        Node first = firstInRange(r);
        if (first == null) {
            return 0;
        }
        if (listpack) {
            long count = 0;
            for (Node n = first; n != null && r.belowMax(n.key); n = n.next()) {
                count++;
            }
            return count;
        }
        long count = size() - rank(first);
        Node last = lastInRange(r);
        if (last != null) {
            count -= size() - 1 - rank(last);
        }
        return count;
    }

    /** ZCOUNT: scores are ordered, so the rank difference is exact for both encodings. */
    public long count(ScoreRange r) {
        Node first = firstInRange(r);
        if (first == null) {
            return 0;
        }
        return rank(lastInRange(r)) - rank(first) + 1;
    }

    /** zzlFirstInLexRange: the first member (in order) at or above min, if it is also at or below max. */
    private Node scanFirst(LexRange r) {
        if (!mayIntersect(r)) {
            return null;
        }
        for (Node n = list.first(); n != null; n = n.next()) {
            if (r.aboveMin(n.key)) {
                return r.belowMax(n.key) ? n : null;
            }
        }
        return null;
    }

    /** zzlLastInLexRange: the last member at or below max, if it is also at or above min. */
    private Node scanLast(LexRange r) {
        if (!mayIntersect(r)) {
            return null;
        }
        for (Node n = list.last(); n != null; n = n.prev()) {
            if (r.belowMax(n.key)) {
                return r.aboveMin(n.key) ? n : null;
            }
        }
        return null;
    }

    /** zzlIsInLexRange: the range is not empty, the last member reaches min and the first reaches max. */
    private boolean mayIntersect(LexRange r) {
        return !r.isEmpty() && list.length() > 0 && r.aboveMin(list.last().key) && r.belowMax(list.first().key);
    }

    // ---- bulk removal ----

    public int removeRange(ScoreRange r) {
        return list.deleteRange(r, this::forget);
    }

    public int removeRange(LexRange r) {
        if (!listpack) {
            return list.deleteRange(r, this::forget);
        }
        int removed = 0;
        for (Node n = scanFirst(r); n != null && r.belowMax(n.key); ) {
            Node next = n.next();
            remove(n);
            removed++;
            n = next;
        }
        return removed;
    }

    /** Removes 0-based ranks {@code start..end} inclusive (both already clamped to the set). */
    public int removeRankRange(long start, long end) {
        return list.deleteRankRange(start + 1, end + 1, this::forget);
    }

    private void forget(Node n) {
        dict.remove(n.key);
        memory -= nodeMemory(n);
    }

    // ---- iteration ----

    /** One ZSCAN step over the member dictionary (skiplist encoding). */
    public long scan(long cursor, Consumer<Node> visitor) {
        return dict.scan(cursor, visitor);
    }

    /** A random member (ZRANDMEMBER), or null when empty. */
    public Node random() {
        return dict.random();
    }

    /** Every member in the member dictionary's order (ZRANDMEMBER returning the whole set of a skiplist). */
    public void forEachUnordered(Consumer<Node> action) {
        dict.forEach(action);
    }
}
