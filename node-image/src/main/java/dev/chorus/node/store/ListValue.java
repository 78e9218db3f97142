package dev.chorus.node.store;

import java.util.Arrays;

/**
 * A Redis list: a deque of immutable byte arrays in a circular buffer, so pushes and pops at both ends and access by
 * index are O(1). Inserting or removing in the middle shifts the shorter side. Elements are never mutated, so copies
 * share them.
 */
public final class ListValue implements RedisValue {
    private static final int MIN_CAPACITY = 8;
    /** The object itself and its slot array header. */
    private static final long OVERHEAD = 32 + 16;

    /** Capacity is always a power of two, so positions wrap with a mask. */
    private byte[][] slots;
    private int head;
    private int size;
    /** Sum of {@link Memory#array} over the elements, kept current so {@link #memoryEstimate} is O(1). */
    private long elementBytes;

    public ListValue() {
        slots = new byte[MIN_CAPACITY][];
    }

    private ListValue(ListValue other) {
        slots = other.slots.clone();
        head = other.head;
        size = other.size;
        elementBytes = other.elementBytes;
    }

    @Override
    public ValueType type() {
        return ValueType.LIST;
    }

    /** Redis 7.0 stores every list as a quicklist, whatever its size (listpack lists came in 7.2). */
    @Override
    public String encoding() {
        return "quicklist";
    }

    @Override
    public ListValue copy() {
        return new ListValue(this);
    }

    @Override
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public long memoryEstimate() {
        return OVERHEAD + 8L * slots.length + elementBytes;
    }

    // ---- ends ----

    public void addFirst(byte[] element) {
        ensureCapacity(size + 1);
        head = (head - 1) & mask();
        slots[head] = element;
        size++;
        elementBytes += Memory.array(element.length);
    }

    public void addLast(byte[] element) {
        ensureCapacity(size + 1);
        slots[slot(size)] = element;
        size++;
        elementBytes += Memory.array(element.length);
    }

    /** Adds at the head ({@code left}) or the tail. */
    public void push(byte[] element, boolean left) {
        if (left) {
            addFirst(element);
        } else {
            addLast(element);
        }
    }

    /** Removes and returns the first element, or null when empty. */
    public byte[] pollFirst() {
        if (size == 0) {
            return null;
        }
        byte[] e = slots[head];
        slots[head] = null;
        head = (head + 1) & mask();
        size--;
        elementBytes -= Memory.array(e.length);
        shrinkIfSparse();
        return e;
    }

    /** Removes and returns the last element, or null when empty. */
    public byte[] pollLast() {
        if (size == 0) {
            return null;
        }
        int s = slot(size - 1);
        byte[] e = slots[s];
        slots[s] = null;
        size--;
        elementBytes -= Memory.array(e.length);
        shrinkIfSparse();
        return e;
    }

    /** Removes and returns the head ({@code left}) or tail element, or null when empty. */
    public byte[] pop(boolean left) {
        return left ? pollFirst() : pollLast();
    }

    // ---- positions ----

    /** The element at {@code index} (0-based from the head); the caller checks bounds. */
    public byte[] get(int index) {
        return slots[slot(checkIndex(index))];
    }

    /** Replaces the element at {@code index}. */
    public void set(int index, byte[] element) {
        int s = slot(checkIndex(index));
        elementBytes += Memory.array(element.length) - Memory.array(slots[s].length);
        slots[s] = element;
    }

    /** Inserts so that {@code element} ends up at {@code index} (0 ≤ index ≤ size), shifting the shorter side. */
    public void insert(int index, byte[] element) {
        if (index < 0 || index > size) {
            throw new IndexOutOfBoundsException(index);
        }
        if (index == 0) {
            addFirst(element);
            return;
        }
        if (index == size) {
            addLast(element);
            return;
        }
        ensureCapacity(size + 1);
        if (index < size / 2) {
            // Move the first `index` elements one step towards the head.
            head = (head - 1) & mask();
            for (int i = 0; i < index; i++) {
                slots[slot(i)] = slots[slot(i + 1)];
            }
        } else {
            for (int i = size; i > index; i--) {
                slots[slot(i)] = slots[slot(i - 1)];
            }
        }
        slots[slot(index)] = element;
        size++;
        elementBytes += Memory.array(element.length);
    }

    /** Removes the first {@code n} elements (all when n ≥ size). */
    public void removeFirst(int n) {
        n = Math.min(n, size);
        for (int i = 0; i < n; i++) {
            int s = slot(i);
            elementBytes -= Memory.array(slots[s].length);
            slots[s] = null;
        }
        head = slot(n);
        size -= n;
        shrinkIfSparse();
    }

    /** Removes the last {@code n} elements (all when n ≥ size). */
    public void removeLast(int n) {
        n = Math.min(n, size);
        for (int i = size - n; i < size; i++) {
            int s = slot(i);
            elementBytes -= Memory.array(slots[s].length);
            slots[s] = null;
        }
        size -= n;
        shrinkIfSparse();
    }

    /**
     * Removes elements equal to {@code element}: up to {@code limit} of them (0 = all), scanning from the tail when
     * {@code fromTail}, as LREM does. One compaction pass, so O(n) however many match. Returns how many were removed.
     */
    public int removeOccurrences(byte[] element, long limit, boolean fromTail) {
        int removed = 0;
        if (fromTail) {
            int write = size - 1;
            for (int read = size - 1; read >= 0; read--) {
                byte[] e = slots[slot(read)];
                if ((limit == 0 || removed < limit) && Arrays.equals(e, element)) {
                    removed++;
                    elementBytes -= Memory.array(e.length);
                } else {
                    slots[slot(write--)] = e;
                }
            }
            // Survivors now occupy positions removed..size-1: clear the vacated front and move the head.
            for (int i = 0; i < removed; i++) {
                slots[slot(i)] = null;
            }
            head = slot(removed);
        } else {
            int write = 0;
            for (int read = 0; read < size; read++) {
                byte[] e = slots[slot(read)];
                if ((limit == 0 || removed < limit) && Arrays.equals(e, element)) {
                    removed++;
                    elementBytes -= Memory.array(e.length);
                } else {
                    slots[slot(write++)] = e;
                }
            }
            for (int i = write; i < size; i++) {
                slots[slot(i)] = null;
            }
        }
        size -= removed;
        shrinkIfSparse();
        return removed;
    }

    /** Index of the first element equal to {@code element}, or -1. */
    public int indexOf(byte[] element) {
        for (int i = 0; i < size; i++) {
            if (Arrays.equals(slots[slot(i)], element)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the element at {@code index} equals {@code element}. */
    public boolean elementEquals(int index, byte[] element) {
        return Arrays.equals(slots[slot(checkIndex(index))], element);
    }

    // ---- internals ----

    /** Slots allocated (for tests of the memory figure). */
    int capacity() {
        return slots.length;
    }

    private int mask() {
        return slots.length - 1;
    }

    private int slot(int index) {
        return (head + index) & mask();
    }

    private int checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        return index;
    }

    private void ensureCapacity(int needed) {
        if (needed > slots.length) {
            if (slots.length >= 1 << 30) {
                throw new IllegalStateException("list too long");
            }
            resize(slots.length * 2);
        }
    }

    /** Gives memory back once a long list has mostly drained (keeps a quarter full at least). */
    private void shrinkIfSparse() {
        if (slots.length > MIN_CAPACITY && size < slots.length / 4) {
            resize(Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(size, 1)) * 2));
        }
    }

    private void resize(int capacity) {
        byte[][] next = new byte[capacity][];
        int firstRun = Math.min(size, slots.length - head);
        System.arraycopy(slots, head, next, 0, firstRun);
        System.arraycopy(slots, 0, next, firstRun, size - firstRun);
        slots = next;
        head = 0;
    }
}
