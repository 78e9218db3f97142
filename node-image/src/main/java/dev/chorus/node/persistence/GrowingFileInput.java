package dev.chorus.node.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a file while another thread is still writing it: the writer announces how many bytes are in the file
 * ({@link #available}) after writing them, the reader blocks until there are bytes, the end ({@link #finish}) or an
 * abort. The transfer's bytes are read back from the file (the page cache) rather than queued on the heap, so a
 * parser that falls behind holds no memory.
 */
final class GrowingFileInput extends InputStream {
    private final FileChannel channel;
    private final Object lock = new Object();
    private volatile long available;
    private volatile boolean finished;
    private volatile boolean aborted;
    private long position;

    GrowingFileInput(Path file) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
    }

    /** Writer side: the file now holds {@code bytes} bytes. */
    void available(long bytes) {
        available = bytes;
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** Writer side: no more bytes will come. */
    void finish() {
        finished = true;
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** Either side: the reader's next read fails. */
    void abort() {
        aborted = true;
        synchronized (lock) {
            lock.notifyAll();
        }
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
        long ready = awaitBytes();
        if (ready <= position) {
            return -1;
        }
        int want = (int) Math.min(len, ready - position);
        int n = channel.read(ByteBuffer.wrap(b, off, want), position);
        if (n <= 0) {
            throw new IOException("the received file is shorter than announced");
        }
        position += n;
        return n;
    }

    /** Blocks until there is something past {@link #position} or the end; returns the bytes available. */
    private long awaitBytes() throws IOException {
        while (true) {
            if (aborted) {
                throw new IOException("the transfer was aborted");
            }
            long ready = available;
            if (ready > position || finished) {
                return ready;
            }
            synchronized (lock) {
                if (available <= position && !finished && !aborted) {
                    try {
                        lock.wait(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while waiting for the transfer");
                    }
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
