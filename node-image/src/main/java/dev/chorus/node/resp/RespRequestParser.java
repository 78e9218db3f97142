package dev.chorus.node.resp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental parser for client requests: RESP multibulk arrays and inline commands, exactly as Redis' networking.c
 * accepts them. Bytes are fed as they arrive; {@link #next()} returns one command's arguments at a time, or null when
 * more bytes are needed. Errors carry Redis' own messages. Independent of Netty so it can be fuzzed directly.
 */
public final class RespRequestParser {
    /** Redis' PROTO_INLINE_MAX_SIZE: an inline command or a length line may not exceed this without a newline. */
    public static final int INLINE_MAX = 64 * 1024;
    /** Redis accepts any multibulk count up to INT_MAX (and waits for that many arguments). */
    private static final long MULTIBULK_MAX = Integer.MAX_VALUE;
    /** Before AUTH, Redis refuses larger counts and lengths so an unauthenticated peer cannot make it allocate. */
    private static final long UNAUTHENTICATED_MULTIBULK_MAX = 10;
    private static final long UNAUTHENTICATED_BULK_MAX = 16 * 1024;

    /** Small until bytes arrive: 10,000 idle connections must not cost 16 KB each (Redis' querybuf starts empty). */
    private byte[] buf = new byte[256];
    /** Bytes (from start) the bulk being read needs in all, as its length line announced; 0 when none is pending. */
    private long announced;
    /** The length of the bulk whose length line has been read but whose data has not all arrived, or -1. */
    private long pendingBulkLength = -1;
    /** The largest bulk of at least 32 KB taken since {@link #takeBigBulk()} was last called, or -1. */
    private long bigBulkTaken = -1;
    private int start;
    private int end;
    private long maxBulkLength = 512L * 1024 * 1024;
    private boolean inlineAllowed = true;
    private boolean authRequired;

    // State of a partially read multibulk command.
    private int pendingArgs = -1;
    private byte[][] argv;
    private int argIndex;
    private int commandStart;
    private long lastCommandBytes;
    private long argvBytes;
    private boolean retainRaw;
    private byte[] lastRaw;

    public void setMaxBulkLength(long maxBulkLength) {
        this.maxBulkLength = maxBulkLength;
    }

    /** While the connection has not authenticated (requirepass set), large counts and lengths are protocol errors. */
    public void setAuthRequired(boolean authRequired) {
        this.authRequired = authRequired;
    }

    /** A replica reading its master's stream accepts only arrays, as Redis does. */
    public void setInlineAllowed(boolean inlineAllowed) {
        this.inlineAllowed = inlineAllowed;
    }

    public void feed(byte[] src, int off, int len) {
        ensureRoom(len);
        System.arraycopy(src, off, buf, end, len);
        end += len;
    }

    /** A writable window for callers that copy straight into the buffer: call {@link #commitWrite(int)} after. */
    public byte[] writeWindow(int len) {
        ensureRoom(len);
        return buf;
    }

    public int writeOffset() {
        return end;
    }

    public void commitWrite(int len) {
        end += len;
    }

    /** Redis' PROTO_MBULK_BIG_ARG: a bulk this large gets a query buffer of its own. */
    public static final int BIG_BULK = 32 * 1024;

    /** The length of the bulk being read (its length line parsed, its data not all here), or -1: Redis' bulklen. */
    public long pendingBulkLength() {
        return pendingBulkLength;
    }

    /** The largest bulk of at least {@link #BIG_BULK} bytes taken since the last call, or -1 (and forgets it). */
    public long takeBigBulk() {
        long b = bigBulkTaken;
        bigBulkTaken = -1;
        return b;
    }

    /**
     * Bytes of the arguments already taken out of the buffer for a command that is not complete yet (Redis keeps
     * them in c->argv: a client that sends most of a large command and stops holds this much).
     */
    public long pendingArgvBytes() {
        return argvBytes;
    }

    public int buffered() {
        return end - start;
    }

    /** Bytes the buffer occupies (what is buffered plus room). */
    public int capacity() {
        return buf.length;
    }

    /**
     * setProtocolError's sample of the query buffer from where parsing stopped: all of it under 128 bytes, else the
     * first and last 64 with the count between; cut at 255 characters and at a NUL byte (it is printed with %s), and
     * non-printable bytes shown as '.'.
     */
    public String protocolErrorSample() {
        int n = end - start;
        String text;
        if (n < 128) {
            text = "Query buffer during protocol error: '" + cString(start, end) + "'";
        } else {
            text = "Query buffer during protocol error: '" + cString(start, start + 64) + "' (... more " + (n - 128)
                    + " bytes ...) '" + cString(end - 64, end) + "'";
        }
        if (text.length() > 255) {
            text = text.substring(0, 255);
        }
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '.');
        }
        return sb.toString();
    }

    /** Redis' short reason for a protocol error message (setProtocolError's errstr). */
    public static String protocolErrorReason(String message) {
        String m = message.startsWith("Protocol error: ") ? message.substring("Protocol error: ".length()) : message;
        if (m.startsWith("expected '$'")) {
            return "expected $ but got something else";
        }
        return switch (m) {
            case "invalid multibulk length" -> "invalid mbulk count";
            case "unauthenticated multibulk length" -> "unauth mbulk count";
            case "unauthenticated bulk length" -> "unauth bulk length";
            case "unbalanced quotes in request" -> "unbalanced quotes in inline request";
            default -> m;
        };
    }

    private String cString(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to && buf[i] != 0; i++) {
            sb.append((char) (buf[i] & 0xff));
        }
        return sb.toString();
    }

    /** Redis' sdscatrepr of the first {@code max} buffered bytes, for log lines. */
    public String repr(int max) {
        return Repr.of(buf, start, Math.min(end, start + max));
    }

    /** Keep a copy of each command's exact bytes (a replica passes its master's stream on verbatim). */
    public void setRetainRaw(boolean retainRaw) {
        this.retainRaw = retainRaw;
    }

    /** The exact bytes of the last command returned by {@link #next()}, when {@link #setRetainRaw} is on. */
    public byte[] lastCommandRaw() {
        return lastRaw;
    }

    /** Bytes the last command returned by {@link #next()} occupied on the wire (for replication offsets). */
    public long lastCommandBytes() {
        return lastCommandBytes;
    }

    /** Takes raw bytes out of the buffer (used when a stream switches from commands to an RDB payload). */
    public byte[] takeRaw(int max) {
        int n = Math.min(max, end - start);
        byte[] out = Arrays.copyOfRange(buf, start, start + n);
        start += n;
        compactIfEmpty();
        return out;
    }

    /**
     * Returns the next complete command's arguments, an empty array for an empty inline line, or null when the
     * buffer holds only part of a command.
     */
    public byte[][] next() throws RespProtocolException {
        if (pendingArgs < 0) {
            if (start == end) {
                return null;
            }
            commandStart = start;
            if (buf[start] != '*') {
                return parseInline();
            }
            int lineEnd = findLineEnd(start);
            if (lineEnd == NO_LINE) {
                if (end - start > INLINE_MAX) {
                    throw new RespProtocolException("Protocol error: too big mbulk count string");
                }
                return null;
            }
            if (lineEnd == PARTIAL_LINE) {
                return null;
            }
            if (!string2ll(start + 1, lineEnd) || parsed > MULTIBULK_MAX) {
                throw new RespProtocolException("Protocol error: invalid multibulk length");
            }
            long count = parsed;
            if (count > UNAUTHENTICATED_MULTIBULK_MAX && authRequired) {
                throw new RespProtocolException("Protocol error: unauthenticated multibulk length");
            }
            start = lineEnd + 2;
            if (count <= 0) {
                return complete(new byte[0][]);
            }
            pendingArgs = (int) count;
            argv = new byte[Math.min(pendingArgs, 1024)][];
            argIndex = 0;
        }
        while (argIndex < pendingArgs) {
            if (start == end) {
                return null;
            }
            if (takeSimpleBulk()) {
                continue;
            }
            // Like Redis, the whole length line must be there before its first byte is judged.
            int lineEnd = findLineEnd(start);
            if (lineEnd == NO_LINE) {
                if (end - start > INLINE_MAX) {
                    throw new RespProtocolException("Protocol error: too big bulk count string");
                }
                return null;
            }
            if (lineEnd == PARTIAL_LINE) {
                return null;
            }
            if (buf[start] != '$') {
                // Redis formats the byte with %c and then turns CR/LF into spaces: the raw byte, ISO-8859-1.
                byte got = buf[start] == '\r' || buf[start] == '\n' ? (byte) ' ' : buf[start];
                throw new RespProtocolException("Protocol error: expected '$', got '"
                        + new String(new byte[] {got}, StandardCharsets.ISO_8859_1) + "'");
            }
            if (!string2ll(start + 1, lineEnd) || parsed < 0 || parsed > maxBulkLength) {
                throw new RespProtocolException("Protocol error: invalid bulk length");
            }
            long len = parsed;
            if (len > UNAUTHENTICATED_BULK_MAX && authRequired) {
                throw new RespProtocolException("Protocol error: unauthenticated bulk length");
            }
            long needed = (lineEnd + 2 - start) + len + 2;
            if (end - start < needed) {
                // Only a hint for how far to grow as bytes arrive: never reserved up front (a peer that announces
                // 512 MB and sends a few bytes must not cost 512 MB).
                announced = needed;
                pendingBulkLength = len;
                return null;
            }
            addArg(lineEnd + 2, (int) len);
        }
        byte[][] done = argv;
        pendingArgs = -1;
        argv = null;
        return complete(done);
    }

    /**
     * The common case in one pass: "$" and 1-9 digits (no leading zero) up to the '\r', and the whole argument
     * buffered. Takes it and returns true; anything else (errors included) is left to the general path.
     */
    private boolean takeSimpleBulk() {
        int p = start;
        if (buf[p] != '$') {
            return false;
        }
        int q = p + 1;
        int limit = Math.min(end, q + 9);
        if (q >= limit || buf[q] < '1' || buf[q] > '9') {
            return false;
        }
        int len = 0;
        while (q < limit && buf[q] >= '0' && buf[q] <= '9') {
            len = len * 10 + (buf[q] - '0');
            q++;
        }
        // The general path's line end: a '\r' right after the digits, and one more byte (not checked) after it.
        if (q + 1 >= end || buf[q] != '\r' || len > maxBulkLength
                || (authRequired && len > UNAUTHENTICATED_BULK_MAX)) {
            return false;
        }
        int dataStart = q + 2;
        if ((long) end - dataStart < (long) len + 2) {
            return false;
        }
        addArg(dataStart, len);
        return true;
    }

    private void addArg(int dataStart, int len) {
        if (argIndex == argv.length) {
            argv = Arrays.copyOf(argv, Math.min(pendingArgs, argv.length * 2));
        }
        argv[argIndex++] = Arrays.copyOfRange(buf, dataStart, dataStart + len);
        argvBytes += len;
        start = dataStart + len + 2;
        announced = 0;
        pendingBulkLength = -1;
        if (len >= BIG_BULK) {
            bigBulkTaken = Math.max(bigBulkTaken, len);
        }
    }

    private byte[][] complete(byte[][] args) {
        lastCommandBytes = start - commandStart;
        argvBytes = 0;
        if (retainRaw) {
            lastRaw = Arrays.copyOfRange(buf, commandStart, start);
        }
        compactIfEmpty();
        return args;
    }

    private byte[][] parseInline() throws RespProtocolException {
        // strchr(querybuf, '\n') in Redis: a NUL byte ends the search, so a line holding one never completes.
        int nl = -1;
        for (int i = start; i < end && buf[i] != 0; i++) {
            if (buf[i] == '\n') {
                nl = i;
                break;
            }
        }
        if (nl < 0) {
            if (end - start > INLINE_MAX) {
                throw new RespProtocolException("Protocol error: too big inline request");
            }
            return null;
        }
        int lineEnd = nl > start && buf[nl - 1] == '\r' ? nl - 1 : nl;
        byte[] line = Arrays.copyOfRange(buf, start, lineEnd);
        if (!inlineAllowed) {
            // A master's stream sends a bare newline as a keepalive; anything else inline is ignored too.
            start = nl + 1;
            return complete(new byte[0][]);
        }
        List<byte[]> args = splitArgs(line);
        if (args == null) {
            // Left where it stopped, as Redis' qb_pos: the error's log line samples the query buffer from there.
            throw new RespProtocolException("Protocol error: unbalanced quotes in request");
        }
        start = nl + 1;
        return complete(args.toArray(new byte[0][]));
    }

    /** Redis' sdssplitargs: whitespace-separated words, "double quotes" with escapes, 'single quotes'. Null if unbalanced. */
    public static List<byte[]> splitArgs(byte[] line) {
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        int n = line.length;
        while (true) {
            while (i < n && isSpace(line[i])) {
                i++;
            }
            if (i >= n) {
                return out;
            }
            java.io.ByteArrayOutputStream cur = new java.io.ByteArrayOutputStream();
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                if (inDouble) {
                    if (i >= n) {
                        return null;
                    }
                    byte c = line[i];
                    if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
                        cur.write(Character.digit(line[i + 2], 16) * 16 + Character.digit(line[i + 3], 16));
                        i += 3;
                    } else if (c == '\\' && i + 1 < n) {
                        i++;
                        byte e = line[i];
                        cur.write(switch (e) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> e;
                        });
                    } else if (c == '"') {
                        if (i + 1 < n && !isSpace(line[i + 1])) {
                            return null;
                        }
                        done = true;
                    } else {
                        cur.write(c);
                    }
                } else if (inSingle) {
                    if (i >= n) {
                        return null;
                    }
                    byte c = line[i];
                    if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
                        i++;
                        cur.write('\'');
                    } else if (c == '\'') {
                        if (i + 1 < n && !isSpace(line[i + 1])) {
                            return null;
                        }
                        done = true;
                    } else {
                        cur.write(c);
                    }
                } else {
                    if (i >= n) {
                        done = true;
                        continue;
                    }
                    byte c = line[i];
                    switch (c) {
                        case ' ', '\n', '\r', '\t', 0 -> done = true;
                        case '"' -> inDouble = true;
                        case '\'' -> inSingle = true;
                        default -> cur.write(c);
                    }
                }
                if (i < n) {
                    i++;
                }
            }
            out.add(cur.toByteArray());
        }
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }

    private static boolean isHex(byte c) {
        return Character.digit(c, 16) >= 0;
    }

    private static final int NO_LINE = -1;
    private static final int PARTIAL_LINE = -2;

    /**
     * Where a count/length line ends, found as Redis does: strchr(p, '\r'), which also stops at a NUL byte
     * ({@link #NO_LINE}), and then one more byte must have arrived ({@link #PARTIAL_LINE}), which Redis skips
     * without checking that it is '\n'.
     */
    private int findLineEnd(int from) {
        for (int i = from; i < end; i++) {
            byte c = buf[i];
            if (c == '\r') {
                return i + 1 < end ? i : PARTIAL_LINE;
            }
            if (c == 0) {
                return NO_LINE;
            }
        }
        return NO_LINE;
    }

    /** The value of the last successful {@link #string2ll}. */
    private long parsed;

    /**
     * Redis' string2ll over buf[from, to) into {@link #parsed}: optional '-', then "0" alone or a digit 1-9 followed
     * by digits, fewer than 21 bytes, within the long range. False for anything else ("01", "+1", "-0", " 1").
     */
    private boolean string2ll(int from, int to) {
        int n = to - from;
        if (n == 0 || n >= 21) {
            return false;
        }
        if (n == 1 && buf[from] == '0') {
            parsed = 0;
            return true;
        }
        int i = from;
        boolean negative = buf[i] == '-';
        if (negative && ++i == to) {
            return false;
        }
        if (buf[i] < '1' || buf[i] > '9') {
            return false;
        }
        long v = 0;
        for (; i < to; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            // Accumulated negatively so that -9223372036854775808 fits.
            if (v < (Long.MIN_VALUE + d) / 10) {
                return false;
            }
            v = v * 10 - d;
        }
        if (!negative && v == Long.MIN_VALUE) {
            return false;
        }
        parsed = negative ? v : -v;
        return true;
    }

    private void ensureRoom(int len) {
        if (end + len <= buf.length) {
            return;
        }
        // Keep the bytes of a command that has only partly arrived: its exact bytes (lastCommandRaw) start at
        // commandStart, before start.
        int keepFrom = retainRaw && pendingArgs >= 0 ? Math.min(commandStart, start) : start;
        if (keepFrom > 0) {
            System.arraycopy(buf, keepFrom, buf, 0, end - keepFrom);
            end -= keepFrom;
            commandStart -= keepFrom;
            start -= keepFrom;
        }
        if (end + len > buf.length) {
            // Geometric growth as bytes arrive, like Redis' sdsMakeRoomFor; when the bulk being read announced its
            // length, no further than that (plus what precedes it), so a 200 MB value costs 200 MB, not 256.
            long target = Math.max((long) buf.length * 2, (long) end + len);
            if (announced > 0) {
                long cap = (long) start + announced;
                if (cap >= (long) end + len) {
                    target = Math.min(target, cap);
                }
            }
            buf = Arrays.copyOf(buf, (int) Math.min(target, Integer.MAX_VALUE - 16));
        }
    }

    private void compactIfEmpty() {
        if (start == end) {
            start = 0;
            end = 0;
            // Give back what a large value or a burst took (Redis resizes idle query buffers in clientsCron).
            if (buf.length > 256 * 1024) {
                buf = new byte[16 * 1024];
            }
        }
    }
}
