package dev.chorus.node.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Bytes handed over from the server thread (as they arrive from the network) to a reader thread. The writer never
 * blocks; the reader blocks until bytes, the end, or an abort arrive. Chunks are passed by reference: the writer must
 * not reuse an array it has handed over.
 */
final class ChunkPipe extends InputStream {
    private static final byte[] END = new byte[0];

    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private volatile boolean aborted;
    private volatile boolean readerGone;
    private byte[] current;
    private int pos;
    private boolean ended;

    /** Writer side: appends {@code len} bytes (copied unless they are the whole array). Dropped once the reader left. */
    void write(byte[] b, int off, int len) {
        if (len == 0 || readerGone || aborted) {
            return;
        }
        chunks.add(off == 0 && len == b.length ? b : java.util.Arrays.copyOfRange(b, off, off + len));
    }

    /** Writer side: no more bytes; the reader sees end of stream after what was written. */
    void finish() {
        chunks.add(END);
    }

    /** Either side: the reader's next read fails, and pending chunks are released. */
    void abort() {
        aborted = true;
        chunks.clear();
        chunks.add(END);
    }

    /** Reader side: it stopped reading (done or failed); later writes are dropped. */
    void readerDone() {
        readerGone = true;
        chunks.clear();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!ended && (current == null || pos == current.length)) {
            byte[] next;
            try {
                next = chunks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the transfer");
            }
            if (next == END) {
                ended = true;
            } else {
                current = next;
                pos = 0;
            }
        }
        if (aborted) {
            throw new IOException("the transfer was aborted");
        }
        if (current == null || pos == current.length) {
            return -1;
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }
}
