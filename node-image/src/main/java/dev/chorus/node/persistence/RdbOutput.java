package dev.chorus.node.persistence;

import dev.chorus.node.resp.Doubles;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The low-level RDB encoder: lengths, strings (integer and LZF encodings chosen as rdbSaveRawString does), times and
 * doubles, with a running CRC-64 of everything written. Buffers internally; {@link #flush} pushes to the stream.
 */
public final class RdbOutput {
    private final OutputStream out;
    private final boolean compression;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private long crc;
    private long written;

    /** {@code compression}: rdbcompression (LZF for strings longer than 20 bytes when it saves space). */
    public RdbOutput(OutputStream out, boolean compression) {
        this.out = out;
        this.compression = compression;
    }

    /** Bytes produced so far (including buffered ones). */
    public long bytesWritten() {
        return written + pos;
    }

    /** CRC-64 of every byte produced so far. */
    public long checksum() {
        return Crc64.update(crc, buf, 0, pos);
    }

    public void writeByte(int b) throws IOException {
        if (pos == buf.length) {
            drain();
        }
        buf[pos++] = (byte) b;
    }

    public void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (pos == buf.length) {
                drain();
            }
            int n = Math.min(len, buf.length - pos);
            System.arraycopy(b, off, buf, pos, n);
            pos += n;
            off += n;
            len -= n;
        }
    }

    /** rdbSaveLen: 6-bit, 14-bit, or 0x80/0x81 followed by a big-endian 32/64-bit length. */
    public void writeLength(long len) throws IOException {
        if (len >= 0 && len < (1 << 6)) {
            writeByte((int) len);
        } else if (len >= 0 && len < (1 << 14)) {
            writeByte((int) ((len >> 8) | (Rdb.LEN_14BIT << 6)));
            writeByte((int) (len & 0xff));
        } else if (len >= 0 && len <= 0xffffffffL) {
            writeByte(Rdb.LEN_32BIT);
            for (int shift = 24; shift >= 0; shift -= 8) {
                writeByte((int) (len >>> shift));
            }
        } else {
            writeByte(Rdb.LEN_64BIT);
            for (int shift = 56; shift >= 0; shift -= 8) {
                writeByte((int) (len >>> shift));
            }
        }
    }

    /** rdbSaveRawString: an integer encoding when the string is a canonical int32, else LZF when it pays, else raw. */
    public void writeString(byte[] s) throws IOException {
        if (s.length <= 11) {
            long v = RdbStrings.canonicalInteger(s);
            if (v != RdbStrings.NOT_AN_INTEGER && writeEncodedInteger(v)) {
                return;
            }
        }
        if (compression && s.length > 20) {
            byte[] compressed = Lzf.compressIfSmaller(s);
            if (compressed != null) {
                writeLzfBlob(compressed, s.length);
                return;
            }
        }
        writeLength(s.length);
        write(s);
    }

    public void writeString(String s) throws IOException {
        writeString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** rdbSaveLongLongAsStringObject: an integer encoding when it fits 32 bits, else the decimal string. */
    public void writeLongAsString(long v) throws IOException {
        if (!writeEncodedInteger(v)) {
            byte[] digits = Long.toString(v).getBytes(StandardCharsets.US_ASCII);
            writeLength(digits.length);
            write(digits);
        }
    }

    /** A string stored raw, never integer-encoded or compressed (test encoders use it to build exact layouts). */
    public void writeRawString(byte[] s) throws IOException {
        writeLength(s.length);
        write(s);
    }

    public void writeLzfBlob(byte[] compressed, int originalLength) throws IOException {
        writeByte((Rdb.ENCVAL << 6) | Rdb.ENC_LZF);
        writeLength(compressed.length);
        writeLength(originalLength);
        write(compressed);
    }

    /** rdbEncodeInteger; false when the value needs more than 32 bits. */
    private boolean writeEncodedInteger(long v) throws IOException {
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            writeByte((Rdb.ENCVAL << 6) | Rdb.ENC_INT8);
            writeByte((int) v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            writeByte((Rdb.ENCVAL << 6) | Rdb.ENC_INT16);
            writeByte((int) v);
            writeByte((int) (v >> 8));
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            writeByte((Rdb.ENCVAL << 6) | Rdb.ENC_INT32);
            writeLittleEndian(v, 4);
        } else {
            return false;
        }
        return true;
    }

    /** Millisecond times (expiries) and 64-bit little-endian values. */
    public void writeLong(long v) throws IOException {
        writeLittleEndian(v, 8);
    }

    public void writeLittleEndian(long v, int bytes) throws IOException {
        for (int i = 0; i < bytes; i++) {
            writeByte((int) (v >>> (8 * i)));
        }
    }

    /** RDB 8+ binary double (zset2 scores): IEEE 754, little-endian. */
    public void writeBinaryDouble(double d) throws IOException {
        writeLong(Double.doubleToRawLongBits(d));
    }

    /** rdbSaveDoubleValue (type 3 zsets): 253 NaN, 254 +inf, 255 -inf, else a length byte and the decimal text. */
    public void writeStringDouble(double d) throws IOException {
        if (Double.isNaN(d)) {
            writeByte(253);
        } else if (Double.isInfinite(d)) {
            writeByte(d < 0 ? 255 : 254);
        } else {
            byte[] text = Doubles.format(d).getBytes(StandardCharsets.US_ASCII);
            writeByte(text.length);
            write(text);
        }
    }

    /** Writes the EOF opcode and the checksum of everything before it, then flushes. */
    public void writeEofAndChecksum() throws IOException {
        writeByte(Rdb.OPCODE_EOF);
        long sum = checksum();
        writeLittleEndian(sum, 8);
        flush();
    }

    public void flush() throws IOException {
        drain();
        out.flush();
    }

    private void drain() throws IOException {
        if (pos > 0) {
            crc = Crc64.update(crc, buf, 0, pos);
            out.write(buf, 0, pos);
            written += pos;
            pos = 0;
        }
    }
}
