package dev.chorus.node.replication;

/**
 * The replication backlog: a circular buffer holding the most recent bytes of the replication stream, so a replica
 * that lost its link can continue from its offset (+CONTINUE) instead of a full resync. Offsets are stream offsets:
 * the first byte ever written is offset 1, as in Redis.
 */
public final class Backlog {
    private byte[] buf;
    private int writeIndex;
    private long histlen;
    /** Stream offset of the last byte written. */
    private long endOffset;

    /** @param size capacity in bytes; @param startOffset the stream offset of the byte before the first to come */
    public Backlog(int size, long startOffset) {
        this.buf = new byte[Math.max(size, 16 * 1024)];
        this.endOffset = startOffset;
    }

    public void append(byte[] data, int off, int len) {
        endOffset += len;
        if (len >= buf.length) {
            System.arraycopy(data, off + len - buf.length, buf, 0, buf.length);
            writeIndex = 0;
            histlen = buf.length;
            return;
        }
        int first = Math.min(len, buf.length - writeIndex);
        System.arraycopy(data, off, buf, writeIndex, first);
        System.arraycopy(data, off + first, buf, 0, len - first);
        writeIndex = (writeIndex + len) % buf.length;
        histlen = Math.min(buf.length, histlen + len);
    }

    public void append(byte[] data) {
        append(data, 0, data.length);
    }

    public int size() {
        return buf.length;
    }

    public long histlen() {
        return histlen;
    }

    /** Offset of the oldest byte held (repl_backlog_first_byte_offset). */
    public long firstByteOffset() {
        return endOffset - histlen + 1;
    }

    public long endOffset() {
        return endOffset;
    }

    /** True when every byte from {@code offset} on is still held. */
    public boolean covers(long offset) {
        return offset >= firstByteOffset() && offset <= endOffset + 1;
    }

    /** The bytes from stream offset {@code from} to the end. */
    public byte[] copyFrom(long from) {
        if (!covers(from)) {
            throw new IllegalArgumentException("offset " + from + " not in backlog [" + firstByteOffset() + ", "
                    + endOffset + "]");
        }
        int n = (int) (endOffset - from + 1);
        byte[] out = new byte[n];
        int start = Math.floorMod(writeIndex - n, buf.length);
        int first = Math.min(n, buf.length - start);
        System.arraycopy(buf, start, out, 0, first);
        System.arraycopy(buf, 0, out, first, n - first);
        return out;
    }

    /** repl-backlog-size changed: keep the most recent history that still fits. */
    public void resize(int newSize) {
        newSize = Math.max(newSize, 16 * 1024);
        if (newSize == buf.length) {
            return;
        }
        long keep = Math.min(histlen, newSize);
        byte[] recent = keep == 0 ? new byte[0] : copyFrom(endOffset - keep + 1);
        buf = new byte[newSize];
        writeIndex = 0;
        histlen = 0;
        long end = endOffset;
        endOffset = end - recent.length;
        append(recent);
    }
}
