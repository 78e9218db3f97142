package dev.chorus.node.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads exactly one complete RESP2/RESP3 reply from a stream and returns its raw bytes (for byte-for-byte comparison). */
public final class RespFrames {
    private RespFrames() {
    }

    public static byte[] readFrame(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        readInto(in, out);
        return out.toByteArray();
    }

    private static void readInto(InputStream in, ByteArrayOutputStream out) throws IOException {
        String line = readLine(in, out);
        char type = line.charAt(0);
        String rest = line.substring(1);
        switch (type) {
            case '+', '-', ':', '_', '#', ',', '(' -> { }
            case '$', '=', '!' -> {
                long len = Long.parseLong(rest);
                if (len >= 0) {
                    out.write(in.readNBytes((int) len + 2));
                }
            }
            case '*', '~', '>' -> {
                long n = Long.parseLong(rest);
                for (long i = 0; i < n; i++) {
                    readInto(in, out);
                }
            }
            case '%', '|' -> {
                long n = Long.parseLong(rest);
                for (long i = 0; i < 2 * n; i++) {
                    readInto(in, out);
                }
            }
            default -> throw new IOException("not a RESP reply: " + line);
        }
    }

    private static String readLine(InputStream in, ByteArrayOutputStream out) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed mid-reply");
            }
            out.write(c);
            if (prev == '\r' && c == '\n') {
                byte[] b = line.toByteArray();
                return new String(b, 0, b.length - 1, StandardCharsets.ISO_8859_1);
            }
            line.write(c);
            prev = c;
        }
    }

    /** A printable rendering of raw reply bytes for assertion messages. */
    public static String show(byte[] frame) {
        return new String(frame, StandardCharsets.ISO_8859_1).replace("\r\n", "\\r\\n");
    }
}
