package dev.chorus.node.resp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes replies into a growable byte buffer, in RESP2 or RESP3 depending on what the client negotiated with HELLO.
 * RESP3-only types degrade to their RESP2 forms exactly as Redis' networking.c does (maps become flat arrays, doubles
 * become bulk strings, null becomes a null bulk or null array).
 */
public final class RespWriter {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[][] SMALL_INTS = new byte[1024][];

    static {
        for (int i = 0; i < SMALL_INTS.length; i++) {
            SMALL_INTS[i] = Long.toString(i).getBytes(StandardCharsets.US_ASCII);
        }
    }

    private byte[] buf;
    private int len;
    private int protocol = 2;

    public RespWriter() {
        this(512);
    }

    public RespWriter(int initialCapacity) {
        buf = new byte[initialCapacity];
    }

    public int protocol() {
        return protocol;
    }

    public void setProtocol(int protocol) {
        this.protocol = protocol;
    }

    public boolean resp3() {
        return protocol >= 3;
    }

    public byte[] array() {
        return buf;
    }

    public int length() {
        return len;
    }

    public void reset() {
        len = 0;
        if (buf.length > 1024 * 1024) {
            buf = new byte[512];
        }
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    /** Drops everything written after {@code mark} (used to undo a partially written reply). */
    public void truncate(int mark) {
        len = mark;
    }

    // ---- RESP2 and RESP3 common types ----

    public RespWriter simple(String s) {
        writeByte('+');
        writeAscii(s);
        return crlf();
    }

    public RespWriter ok() {
        return raw(OK);
    }

    /** An error reply; {@code message} starts with its code, e.g. "ERR syntax error" or "WRONGTYPE ...". */
    public RespWriter error(String message) {
        writeByte('-');
        writeUtf8(message.replace('\r', ' ').replace('\n', ' '));
        return crlf();
    }

    public RespWriter integer(long v) {
        writeByte(':');
        writeLong(v);
        return crlf();
    }

    public RespWriter bulk(byte[] b) {
        if (b == null) {
            return nullBulk();
        }
        return bulk(b, 0, b.length);
    }

    public RespWriter bulk(byte[] b, int off, int n) {
        writeByte('$');
        writeLong(n);
        crlf();
        write(b, off, n);
        return crlf();
    }

    public RespWriter bulk(String s) {
        return bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    public RespWriter bulk(long v) {
        writeByte('$');
        writeLong(Decimal.length(v));
        crlf();
        writeLong(v);
        return crlf();
    }

    public RespWriter nullBulk() {
        return raw(resp3() ? NULL3 : NULL_BULK);
    }

    public RespWriter nullArray() {
        return raw(resp3() ? NULL3 : NULL_ARRAY);
    }

    public RespWriter array(int n) {
        return header('*', n);
    }

    public RespWriter emptyArray() {
        return raw(EMPTY_ARRAY);
    }

    public RespWriter bulks(byte[]... items) {
        array(items.length);
        for (byte[] item : items) {
            bulk(item);
        }
        return this;
    }

    // ---- RESP3 types with RESP2 fallbacks ----

    /** A map of n pairs: {@code %n} in RESP3, a flat array of 2n items in RESP2. */
    public RespWriter map(int pairs) {
        return resp3() ? header('%', pairs) : header('*', pairs * 2L);
    }

    /** A set: {@code ~n} in RESP3, an array in RESP2. */
    public RespWriter set(int n) {
        return resp3() ? header('~', n) : header('*', n);
    }

    /** Out-of-band data (pub/sub messages): {@code >n} in RESP3, an array in RESP2. */
    public RespWriter push(int n) {
        return resp3() ? header('>', n) : header('*', n);
    }

    /** A double: {@code ,} in RESP3, a bulk string formatted like Redis' %.17g in RESP2. */
    public RespWriter doubleValue(double d) {
        if (resp3()) {
            writeByte(',');
            writeAscii(Doubles.formatResp3(d));
            return crlf();
        }
        return bulk(Doubles.format(d).getBytes(StandardCharsets.US_ASCII));
    }

    public RespWriter bool(boolean b) {
        if (resp3()) {
            return raw(b ? TRUE3 : FALSE3);
        }
        return integer(b ? 1 : 0);
    }

    /** The RESP3 null, for replies that are a null in both protocols but have no natural RESP2 type. */
    public RespWriter nullValue() {
        return nullBulk();
    }

    /** Verbatim text (INFO, CLIENT LIST): {@code =len\r\ntxt:...} in RESP3, a bulk string in RESP2. */
    public RespWriter verbatim(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (!resp3()) {
            return bulk(b);
        }
        writeByte('=');
        writeLong(b.length + 4);
        crlf();
        writeAscii("txt:");
        write(b, 0, b.length);
        return crlf();
    }

    // ---- raw output ----

    public RespWriter raw(byte[] b) {
        write(b, 0, b.length);
        return this;
    }

    public void write(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    private RespWriter header(char type, long n) {
        writeByte(type);
        writeLong(n);
        return crlf();
    }

    private RespWriter crlf() {
        ensure(2);
        buf[len++] = '\r';
        buf[len++] = '\n';
        return this;
    }

    private void writeByte(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    private void writeLong(long v) {
        if (v >= 0 && v < SMALL_INTS.length) {
            byte[] s = SMALL_INTS[(int) v];
            write(s, 0, s.length);
        } else {
            ensure(20);
            len = Decimal.put(buf, len, v);
        }
    }

    private void writeAscii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void writeUtf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        write(b, 0, b.length);
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }

    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_ARRAY = "*0\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE3 = "#t\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE3 = "#f\r\n".getBytes(StandardCharsets.US_ASCII);
}
