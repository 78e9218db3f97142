package dev.chorus.node.store;

import java.util.function.Predicate;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Redis' zskiplist: members ordered by (score, member bytes compared unsigned), each level link carrying a span (how
 * many level-0 steps it jumps) so ranks are found in O(log n). Level-0 links are doubled by backward pointers for
 * reverse walks. Nodes are also {@link Dict} nodes, so a sorted set's member index and its order share one object
 * per member.
 */
public final class SkipList {
    static final int MAX_LEVEL = 32;
    /** Probability of promoting a node one more level (Redis' ZSKIPLIST_P). */
    private static final int PROMOTE_BELOW = (int) (0.25 * 0xFFFF);

    /** One member. {@link #key} is the member; the score is changed only through {@link SkipList#updateScore}. */
    public static final class Node extends Dict.Node {
        double score;
        Node backward;
        final Node[] forward;
        final int[] span;

        Node(byte[] member, double score, int level) {
            super(member);
            this.score = score;
            this.forward = new Node[level];
            this.span = new int[level];
        }

        public byte[] member() {
            return key;
        }

        public double score() {
            return score;
        }

        /** The next member in ascending order, or null after the last. */
        public Node next() {
            return forward[0];
        }

        /** The previous member in ascending order, or null before the first. */
        public Node prev() {
            return backward;
        }

        int level() {
            return forward.length;
        }
    }

    private final Node header = new Node(new byte[0], 0, MAX_LEVEL);
    private Node tail;
    private int level = 1;
    private int length;

    public int length() {
        return length;
    }

    public Node first() {
        return header.forward[0];
    }

    public Node last() {
        return tail;
    }

    /** A fresh node with a random level, not linked yet. */
    static Node newNode(byte[] member, double score) {
        return new Node(member, score, randomLevel());
    }

    /** Redis' power-law level: each further level with probability 1/4. */
    static int randomLevel() {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int lvl = 1;
        while ((rnd.nextInt() & 0xFFFF) < PROMOTE_BELOW) {
            lvl++;
        }
        return Math.min(lvl, MAX_LEVEL);
    }

    /** Whether a node at (aScore, aMember) sorts strictly before (score, member). */
    static boolean before(double aScore, byte[] aMember, double score, byte[] member) {
        return aScore < score || (aScore == score && Arrays.compareUnsigned(aMember, member) < 0);
    }

    /** Links {@code x} (whose member must not be in the list) at its sorted position, keeping x's level. */
    void insert(Node x) {
        Node[] update = new Node[MAX_LEVEL];
        int[] rank = new int[MAX_LEVEL];
        Node n = header;
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            while (n.forward[i] != null && before(n.forward[i].score, n.forward[i].key, x.score, x.key)) {
                rank[i] += n.span[i];
                n = n.forward[i];
            }
            update[i] = n;
        }
        int lvl = x.level();
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = header;
                header.span[i] = length;
            }
            level = lvl;
        }
        for (int i = 0; i < lvl; i++) {
            x.forward[i] = update[i].forward[i];
            update[i].forward[i] = x;
            x.span[i] = update[i].span[i] - (rank[0] - rank[i]);
            update[i].span[i] = rank[0] - rank[i] + 1;
        }
        for (int i = lvl; i < level; i++) {
            update[i].span[i]++;
        }
        x.backward = update[0] == header ? null : update[0];
        if (x.forward[0] != null) {
            x.forward[0].backward = x;
        } else {
            tail = x;
        }
        length++;
    }

    /** Unlinks the node holding exactly (score, member); returns it, or null when absent. */
    Node delete(double score, byte[] member) {
        Node[] update = new Node[MAX_LEVEL];
        Node x = findPredecessors(score, member, update);
        if (x != null && x.score == score && Arrays.equals(x.key, member)) {
            unlink(x, update);
            return x;
        }
        return null;
    }

    /**
     * Moves {@code x} to {@code newScore}. Like zslUpdateScore, the node stays in place when its neighbours still
     * bracket the new score; otherwise it is unlinked and re-linked (the same object, so the dict keeps pointing at it).
     */
    void updateScore(Node x, double newScore) {
        Node[] update = new Node[MAX_LEVEL];
        Node found = findPredecessors(x.score, x.key, update);
        if (found != x) {
            throw new IllegalStateException("node is not linked in this skip list");
        }
        if ((x.backward == null || x.backward.score < newScore)
                && (x.forward[0] == null || x.forward[0].score > newScore)) {
            x.score = newScore;
            return;
        }
        unlink(x, update);
        x.score = newScore;
        Arrays.fill(x.forward, null);
        Arrays.fill(x.span, 0);
        x.backward = null;
        insert(x);
    }

    /** Fills {@code update} with the rightmost node before (score, member) on each level; returns the level-0 successor. */
    private Node findPredecessors(double score, byte[] member, Node[] update) {
        Node n = header;
        for (int i = level - 1; i >= 0; i--) {
            while (n.forward[i] != null && before(n.forward[i].score, n.forward[i].key, score, member)) {
                n = n.forward[i];
            }
            update[i] = n;
        }
        return n.forward[0];
    }

    private void unlink(Node x, Node[] update) {
        for (int i = 0; i < level; i++) {
            if (update[i].forward[i] == x) {
                update[i].span[i] += x.span[i] - 1;
                update[i].forward[i] = x.forward[i];
            } else {
                update[i].span[i] -= 1;
            }
        }
        if (x.forward[0] != null) {
            x.forward[0].backward = x.backward;
        } else {
            tail = x.backward;
        }
        while (level > 1 && header.forward[level - 1] == null) {
            level--;
        }
        length--;
    }

    // ---- ranks ----

    /** 1-based rank of (score, member) in ascending order, 0 when not present. */
    public long rank(double score, byte[] member) {
        Node x = header;
        long rank = 0;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && (x.forward[i].score < score || (x.forward[i].score == score
                    && Arrays.compareUnsigned(x.forward[i].key, member) <= 0))) {
                rank += x.span[i];
                x = x.forward[i];
            }
            if (x != header && x.score == score && Arrays.equals(x.key, member)) {
                return rank;
            }
        }
        return 0;
    }

    /** The node at 1-based {@code rank}, or null when out of range. */
    public Node byRank(long rank) {
        if (rank < 1 || rank > length) {
            return null;
        }
        Node x = header;
        long traversed = 0;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && traversed + x.span[i] <= rank) {
                traversed += x.span[i];
                x = x.forward[i];
            }
            if (traversed == rank) {
                return x;
            }
        }
        return null;
    }

    // ---- score and lexicographic ranges (zslFirstInRange / zslFirstInLexRange share one walk) ----

    public Node firstInRange(ScoreRange r) {
        return first(r.isEmpty(), n -> r.aboveMin(n.score), n -> r.belowMax(n.score));
    }

    public Node lastInRange(ScoreRange r) {
        return last(r.isEmpty(), n -> r.aboveMin(n.score), n -> r.belowMax(n.score));
    }

    public Node firstInRange(LexRange r) {
        return first(r.isEmpty(), n -> r.aboveMin(n.key), n -> r.belowMax(n.key));
    }

    public Node lastInRange(LexRange r) {
        return last(r.isEmpty(), n -> r.aboveMin(n.key), n -> r.belowMax(n.key));
    }

    /** Whether some member may lie in the range (the cheap checks zslIsInRange makes first). */
    private boolean mayIntersect(boolean empty, Predicate<Node> aboveMin, Predicate<Node> belowMax) {
        return !empty && tail != null && aboveMin.test(tail) && belowMax.test(header.forward[0]);
    }

    private Node first(boolean empty, Predicate<Node> aboveMin, Predicate<Node> belowMax) {
        if (!mayIntersect(empty, aboveMin, belowMax)) {
            return null;
        }
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && !aboveMin.test(x.forward[i])) {
                x = x.forward[i];
            }
        }
        x = x.forward[0];
        return x != null && belowMax.test(x) ? x : null;
    }

    private Node last(boolean empty, Predicate<Node> aboveMin, Predicate<Node> belowMax) {
        if (!mayIntersect(empty, aboveMin, belowMax)) {
            return null;
        }
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && belowMax.test(x.forward[i])) {
                x = x.forward[i];
            }
        }
        return x != header && aboveMin.test(x) ? x : null;
    }

    /** Checks every structural invariant (order, spans, back links, tail, level); for tests. */
    void verify() {
        int n = 0;
        Node prev = null;
        java.util.Map<Node, Integer> position = new java.util.IdentityHashMap<>();
        for (Node x = header.forward[0]; x != null; x = x.forward[0]) {
            n++;
            position.put(x, n);
            if (x.backward != prev) {
                throw new AssertionError("bad backward link at rank " + n);
            }
            if (prev != null && !before(prev.score, prev.key, x.score, x.key)) {
                throw new AssertionError("out of order at rank " + n);
            }
            prev = x;
        }
        if (n != length || tail != prev) {
            throw new AssertionError("length/tail mismatch");
        }
        for (int i = 0; i < MAX_LEVEL; i++) {
            if (i >= level && header.forward[i] != null) {
                throw new AssertionError("link above the list level " + i);
            }
            long rank = 0;
            for (Node x = header; x.forward[i] != null; x = x.forward[i]) {
                rank += x.span[i];
                if (position.get(x.forward[i]) != rank) {
                    throw new AssertionError("bad span on level " + i + " at rank " + rank);
                }
            }
        }
        if (level > 1 && header.forward[level - 1] == null) {
            throw new AssertionError("level not trimmed");
        }
    }

    // ---- range deletion ----

    /** Receives each node a range deletion unlinks (the sorted set drops it from its dict). */
    @FunctionalInterface
    interface Removal {
        void removed(Node n);
    }

    int deleteRange(ScoreRange r, Removal removal) {
        return deleteRange(n -> !r.aboveMin(n.score), n -> r.belowMax(n.score), removal);
    }

    int deleteRange(LexRange r, Removal removal) {
        if (r.isEmpty()) {
            return 0;
        }
        return deleteRange(n -> !r.aboveMin(n.key), n -> r.belowMax(n.key), removal);
    }

    /** Unlinks the run of nodes after those {@code beforeRange} accepts, as long as {@code inRange} accepts them. */
    private int deleteRange(Predicate<Node> beforeRange, Predicate<Node> inRange, Removal removal) {
        Node[] update = new Node[MAX_LEVEL];
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && beforeRange.test(x.forward[i])) {
                x = x.forward[i];
            }
            update[i] = x;
        }
        x = x.forward[0];
        int removed = 0;
        while (x != null && inRange.test(x)) {
            Node next = x.forward[0];
            unlink(x, update);
            removal.removed(x);
            removed++;
            x = next;
        }
        return removed;
    }

    /** Deletes 1-based ranks {@code start..end} inclusive. */
    int deleteRankRange(long start, long end, Removal removal) {
        Node[] update = new Node[MAX_LEVEL];
        Node x = header;
        long traversed = 0;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && traversed + x.span[i] < start) {
                traversed += x.span[i];
                x = x.forward[i];
            }
            update[i] = x;
        }
        traversed++;
        x = x.forward[0];
        int removed = 0;
        while (x != null && traversed <= end) {
            Node next = x.forward[0];
            unlink(x, update);
            removal.removed(x);
            removed++;
            traversed++;
            x = next;
        }
        return removed;
    }
}
