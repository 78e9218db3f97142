package dev.chorus.node.replication.replica;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Receives the RDB payload of a full sync into a temp file, for both framings a master uses: {@code $<len>} (exactly
 * len bytes) and diskless {@code $EOF:<40-byte mark>} (until the mark appears again at the end).
 */
final class RdbReceiver implements AutoCloseable {
    private final Path file;
    private final OutputStream out;
    private final long expected;
    private final byte[] mark;
    private final byte[] tail;
    private int tailLen;
    private long received;
    private long written;
    private boolean done;

    private RdbReceiver(Path file, long expected, byte[] mark) throws IOException {
        this.file = file;
        // Unbuffered: each network read is one write, and the rdb-loader thread reads the file right behind it.
        this.out = Files.newOutputStream(file);
        this.expected = expected;
        this.mark = mark;
        this.tail = mark == null ? null : new byte[mark.length];
    }

    /** Parses the bulk header line ("$123" or "$EOF:<mark>"). */
    static RdbReceiver forHeader(String header, Path file) throws IOException {
        if (header.startsWith("$EOF:")) {
            byte[] mark = header.substring(5).getBytes(StandardCharsets.ISO_8859_1);
            if (mark.length != 40) {
                throw new IOException("Bad EOF mark in the master's bulk header: " + header);
            }
            return new RdbReceiver(file, -1, mark);
        }
        try {
            return new RdbReceiver(file, Long.parseLong(header.substring(1)), null);
        } catch (NumberFormatException e) {
            throw new IOException("Bad protocol from MASTER, the first byte is not '$' (we received '" + header + "')");
        }
    }

    Path file() {
        return file;
    }

    boolean done() {
        return done;
    }

    long received() {
        return received;
    }

    /** Bytes in the file so far (a diskless payload's EOF mark included until it is cut off at the end). */
    long written() {
        return written;
    }

    /** Consumes payload bytes; returns how many of {@code len} belonged to the payload (the rest is stream). */
    int accept(byte[] data, int off, int len) throws IOException {
        if (done) {
            return 0;
        }
        if (mark == null) {
            int take = (int) Math.min(len, expected - received);
            out.write(data, off, take);
            received += take;
            written += take;
            if (received == expected) {
                finish();
            }
            return take;
        }
        // Diskless: like Redis, compare the last 40 bytes received with the mark after each read. The master sends
        // nothing after the mark until we acknowledge, so a whole read always belongs to the payload.
        out.write(data, off, len);
        received += len;
        written += len;
        int keep = Math.min(len, tail.length);
        int shift = Math.min(tailLen, tail.length - keep);
        System.arraycopy(tail, tailLen - shift, tail, 0, shift);
        System.arraycopy(data, off + len - keep, tail, shift, keep);
        tailLen = shift + keep;
        if (tailLen == tail.length && Arrays.equals(tail, mark)) {
            out.close();
            try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(received - mark.length);
            }
            received -= mark.length;
            done = true;
        }
        return len;
    }

    private void finish() throws IOException {
        out.close();
        done = true;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // the file is discarded anyway
        }
        if (!done) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file left behind is harmless; the next transfer uses a new name
            }
        }
    }
}
