package dev.chorus.node.persistence;

import dev.chorus.node.resp.Doubles;

import java.io.IOException;
import java.io.InputStream;

/**
 * The low-level RDB decoder, keeping a CRC-64 of every byte read. Reading from a file it buffers ahead (one
 * unsynchronized buffer, the checksum computed over whole buffer runs); reading from a stream that continues after the
 * RDB it reads exactly the bytes it needs and never ahead, so after the checksum the stream is positioned right
 * behind the RDB (the replication stream can continue there).
 */
public final class RdbInput {
    /** Refuse single allocations beyond this: a corrupt length must not become an OutOfMemoryError. */
    private static final long MAX_STRING = Integer.MAX_VALUE - 16;
    private static final int BUFFER = 64 * 1024;

    private final InputStream in;
    private final boolean readAhead;
    private final byte[] buf;
    private int pos;
    private int limit;
    /** buf[crcFrom, pos) has been consumed but not yet added to {@link #crc}. */
    private int crcFrom;
    private long crc;
    /** Bytes consumed before buf[0]. */
    private long base;
    private boolean checksumming = true;

    /** Reads exactly what it needs from {@code in}, never ahead. */
    public RdbInput(InputStream in) {
        this(in, false);
    }

    /** {@code readAhead}: the stream holds only the RDB (a file), so reading past the current item is fine. */
    public RdbInput(InputStream in, boolean readAhead) {
        this.in = in;
        this.readAhead = readAhead;
        this.buf = new byte[readAhead ? BUFFER : 64];
    }

    /** Bytes consumed so far. */
    public long offset() {
        return base + pos;
    }

    /** CRC-64 of every byte consumed so far. */
    public long checksum() {
        syncChecksum();
        return crc;
    }

    /** The trailing checksum itself is not part of the checksum. */
    void stopChecksumming() {
        syncChecksum();
        checksumming = false;
    }

    private void syncChecksum() {
        if (checksumming && pos > crcFrom) {
            crc = Crc64.update(crc, buf, crcFrom, pos - crcFrom);
        }
        crcFrom = pos;
    }

    /**
     * Makes at least {@code need} (at most the buffer's size) unconsumed bytes available in buf[pos, limit).
     * Without read-ahead it reads exactly the missing bytes.
     */
    private void fill(int need) throws IOException {
        if (limit - pos >= need) {
            return;
        }
        syncChecksum();
        int kept = limit - pos;
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, kept);
            base += pos;
            pos = 0;
            crcFrom = 0;
            limit = kept;
        }
        while (limit < need) {
            int n = in.read(buf, limit, readAhead ? buf.length - limit : need - limit);
            if (n < 0) {
                throw truncated();
            }
            limit += n;
        }
    }

    public int readByte() throws IOException {
        if (pos == limit) {
            fill(1);
        }
        return buf[pos++] & 0xff;
    }

    public byte[] readBytes(long n) throws IOException {
        if (n < 0 || n > MAX_STRING) {
            throw new RdbFormatException("Invalid length " + n + " at offset " + offset());
        }
        int len = (int) n;
        if (len <= buf.length) {
            fill(len);
            byte[] b = java.util.Arrays.copyOfRange(buf, pos, pos + len);
            pos += len;
            return b;
        }
        // Larger than the buffer: what is buffered, then the rest straight from the stream, grown with the data
        // actually present rather than trusting a possibly corrupt length for one huge array.
        syncChecksum();
        int have = limit - pos;
        byte[] rest = in.readNBytes(len - have);
        if (rest.length != len - have) {
            throw truncated();
        }
        byte[] b = new byte[len];
        System.arraycopy(buf, pos, b, 0, have);
        System.arraycopy(rest, 0, b, have, rest.length);
        if (checksumming) {
            crc = Crc64.update(crc, b, 0, len);
        }
        base += limit + rest.length;
        pos = 0;
        limit = 0;
        crcFrom = 0;
        return b;
    }

    public long readLittleEndian(int bytes) throws IOException {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= (long) readByte() << (8 * i);
        }
        return v;
    }

    /** rdbLoadMillisecondTime. */
    public long readMillis() throws IOException {
        return readLittleEndian(8);
    }

    public double readBinaryDouble() throws IOException {
        return Double.longBitsToDouble(readLittleEndian(8));
    }

    /** rdbLoadDoubleValue (type 3 zset scores). */
    public double readStringDouble() throws IOException {
        int len = readByte();
        switch (len) {
            case 255:
                return Double.NEGATIVE_INFINITY;
            case 254:
                return Double.POSITIVE_INFINITY;
            case 253:
                return Double.NaN;
            default:
                byte[] text = readBytes(len);
                Double d = Doubles.parse(text);
                if (d == null) {
                    throw new RdbFormatException("Invalid double value at offset " + offset());
                }
                return d;
        }
    }

    /** rdbLoadLen for a plain length (an encoded-string marker here is corruption). */
    public long readLength() throws IOException {
        int first = readByte();
        int kind = (first & 0xC0) >> 6;
        if (kind == Rdb.ENCVAL) {
            throw new RdbFormatException("Unexpected string encoding where a length was expected, offset " + offset());
        }
        return readLengthRest(first);
    }

    private long readLengthRest(int first) throws IOException {
        int kind = (first & 0xC0) >> 6;
        if (kind == Rdb.LEN_6BIT) {
            return first & 0x3F;
        }
        if (kind == Rdb.LEN_14BIT) {
            return ((first & 0x3F) << 8) | readByte();
        }
        if (first == Rdb.LEN_32BIT) {
            long v = 0;
            for (int i = 0; i < 4; i++) {
                v = (v << 8) | readByte();
            }
            return v;
        }
        if (first == Rdb.LEN_64BIT) {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | readByte();
            }
            if (v < 0) {
                throw new RdbFormatException("Length out of range at offset " + offset());
            }
            return v;
        }
        throw new RdbFormatException("Unknown length encoding " + kind + " in rdbLoadLen()");
    }

    /** rdbLoadLen for a 64-bit value taken as unsigned (stream IDs; a group's entries_read of -1). */
    public long readLengthUnsigned() throws IOException {
        int first = readByte();
        if (first == Rdb.LEN_64BIT) {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | readByte();
            }
            return v;
        }
        int kind = (first & 0xC0) >> 6;
        if (kind == Rdb.ENCVAL) {
            throw new RdbFormatException("Unexpected string encoding where a length was expected, offset " + offset());
        }
        return readLengthRest(first);
    }

    /** A length that must also fit a Java collection. */
    public int readCount() throws IOException {
        long n = readLength();
        if (n > Integer.MAX_VALUE - 16) {
            throw new RdbFormatException("Element count " + n + " too large at offset " + offset());
        }
        return (int) n;
    }

    /** rdbGenericLoadStringObject: a raw, integer-encoded or LZF-compressed string, as bytes. */
    public byte[] readString() throws IOException {
        int first = readByte();
        if (((first & 0xC0) >> 6) != Rdb.ENCVAL) {
            return readBytes(readLengthRest(first));
        }
        int enc = first & 0x3F;
        switch (enc) {
            case Rdb.ENC_INT8:
                return RdbStrings.decimal((byte) readByte());
            case Rdb.ENC_INT16:
                return RdbStrings.decimal((short) readLittleEndian(2));
            case Rdb.ENC_INT32:
                return RdbStrings.decimal((int) readLittleEndian(4));
            case Rdb.ENC_LZF: {
                long clen = readLength();
                long len = readLength();
                // A 3-byte back reference expands to at most 264 bytes: a larger claim is corruption, not data.
                if (len > MAX_STRING || len > clen * 90 + 64) {
                    throw new RdbFormatException("Invalid LZF compressed string");
                }
                byte[] compressed = readBytes(clen);
                return Lzf.decompress(compressed, 0, compressed.length, (int) len);
            }
            default:
                throw new RdbFormatException("Unknown RDB string encoding type " + enc);
        }
    }

    static RdbFormatException truncated() {
        return new RdbFormatException("Unexpected EOF reading RDB file");
    }
}
