package dev.chorus.node.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A Redis set, with Redis 7.0's two encodings. "intset": a sorted array of longs, used while every member is an
 * integer in canonical form (Redis' string2ll) and there are at most set-max-intset-entries of them; Redis replies
 * with an intset's members in ascending numeric order, so this does too. "hashtable": a {@link Dict} of members
 * (SSCAN then has Redis' cursor guarantees); once converted a set stays a hashtable, as in Redis.
 */
public final class SetValue implements RedisValue {
    private static volatile int maxIntsetEntries = 512;

    private static final long BASE = 80;
    private static final long PER_MEMBER = 24 + 8;

    /** Sorted members while intset-encoded; null once the set is a hashtable. */
    private long[] ints = new long[4];
    private int intCount;
    private Dict<Dict.Node> dict;
    private long memory = BASE + 8L * 4;

    public static void setMaxIntsetEntries(int entries) {
        maxIntsetEntries = entries;
    }

    public static int maxIntsetEntries() {
        return maxIntsetEntries;
    }

    @Override
    public ValueType type() {
        return ValueType.SET;
    }

    @Override
    public String encoding() {
        return ints != null ? "intset" : "hashtable";
    }

    public boolean isIntset() {
        return ints != null;
    }

    @Override
    public int size() {
        return ints != null ? intCount : dict.size();
    }

    @Override
    public long memoryEstimate() {
        return memory;
    }

    public boolean contains(byte[] member) {
        if (ints != null) {
            Long v = parseInteger(member);
            return v != null && Arrays.binarySearch(ints, 0, intCount, v) >= 0;
        }
        return dict.get(member) != null;
    }

    /** Adds a member; true when it was not there yet. */
    public boolean add(byte[] member) {
        if (ints != null) {
            Long v = parseInteger(member);
            if (v != null) {
                int pos = Arrays.binarySearch(ints, 0, intCount, v);
                if (pos >= 0) {
                    return false;
                }
                insertInt(-pos - 1, v);
                if (intCount > maxIntsetEntries) {
                    convertToHashtable();
                }
                return true;
            }
            convertToHashtable();
        }
        if (dict.get(member) != null) {
            return false;
        }
        dict.add(new Dict.Node(member));
        memory += PER_MEMBER + Memory.array(member.length);
        return true;
    }

    /** Removes a member; false when it was absent. */
    public boolean remove(byte[] member) {
        if (ints != null) {
            Long v = parseInteger(member);
            if (v == null) {
                return false;
            }
            int pos = Arrays.binarySearch(ints, 0, intCount, v);
            if (pos < 0) {
                return false;
            }
            removeIntAt(pos);
            return true;
        }
        Dict.Node n = dict.remove(member);
        if (n == null) {
            return false;
        }
        memory -= PER_MEMBER + Memory.array(member.length);
        return true;
    }

    /** A uniformly random member, or null when empty. */
    public byte[] random() {
        if (ints != null) {
            return intCount == 0 ? null : bytes(ints[ThreadLocalRandom.current().nextInt(intCount)]);
        }
        Dict.Node n = dict.random();
        return n == null ? null : n.key;
    }

    /** Every member in Redis' reply order for this encoding (ascending for intset). */
    public void forEach(Consumer<byte[]> action) {
        if (ints != null) {
            for (int i = 0; i < intCount; i++) {
                action.accept(bytes(ints[i]));
            }
        } else {
            dict.forEach(n -> action.accept(n.key));
        }
    }

    /** A snapshot of the members in reply order. */
    public List<byte[]> members() {
        List<byte[]> out = new ArrayList<>(size());
        forEach(out::add);
        return out;
    }

    /**
     * One SSCAN step. An intset is returned whole with cursor 0, as Redis does; a hashtable is walked a bucket at a
     * time with Redis' reverse-binary cursor.
     */
    public long scan(long cursor, Consumer<byte[]> visitor) {
        if (ints != null) {
            forEach(visitor);
            return 0;
        }
        return dict.scan(cursor, n -> visitor.accept(n.key));
    }

    @Override
    public SetValue copy() {
        SetValue c = new SetValue();
        if (ints != null) {
            c.ints = Arrays.copyOf(ints, Math.max(intCount, 4));
            c.intCount = intCount;
        } else {
            c.ints = null;
            c.dict = new Dict<>();
            dict.forEach(n -> c.dict.add(new Dict.Node(n.key)));
        }
        c.memory = memory;
        return c;
    }

    private void insertInt(int pos, long v) {
        if (intCount == ints.length) {
            int grown = Math.min(Math.max(4, intCount * 2), Math.max(intCount + 1, maxIntsetEntries + 1));
            memory += 8L * (grown - ints.length);
            ints = Arrays.copyOf(ints, grown);
        }
        System.arraycopy(ints, pos, ints, pos + 1, intCount - pos);
        ints[pos] = v;
        intCount++;
    }

    private void removeIntAt(int pos) {
        System.arraycopy(ints, pos + 1, ints, pos, intCount - pos - 1);
        intCount--;
    }

    private void convertToHashtable() {
        Dict<Dict.Node> d = new Dict<>();
        memory = BASE;
        for (int i = 0; i < intCount; i++) {
            byte[] m = bytes(ints[i]);
            d.add(new Dict.Node(m));
            memory += PER_MEMBER + Memory.array(m.length);
        }
        ints = null;
        intCount = 0;
        dict = d;
    }

    private static byte[] bytes(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    /** Redis' string2ll: the member is an integer only in canonical decimal form ("1", "-5"; not "01", "+1", " 1"). */
    static Long parseInteger(byte[] b) {
        int n = b.length;
        if (n == 0 || n > 20) {
            return null;
        }
        if (n == 1 && b[0] == '0') {
            return 0L;
        }
        int i = 0;
        boolean negative = b[0] == '-';
        if (negative) {
            i = 1;
            if (n == 1) {
                return null;
            }
        }
        if (b[i] < '1' || b[i] > '9') {
            return null;
        }
        long v = 0; // accumulated negatively so that Long.MIN_VALUE fits
        for (; i < n; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9 || v < (Long.MIN_VALUE + d) / 10) {
                return null;
            }
            v = v * 10 - d;
        }
        if (negative) {
            return v;
        }
        return v == Long.MIN_VALUE ? null : -v;
    }
}
