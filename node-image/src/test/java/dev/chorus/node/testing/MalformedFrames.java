package dev.chorus.node.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Classic malformed requests and the error reply Redis 7.0 sends for each before closing the connection.
 * {@code ProtocolIT} sends every frame to a real redis-server and checks it still answers exactly {@link #reply()};
 * the parser's unit test uses the same table, so the expected texts are never just our own guesses.
 */
public final class MalformedFrames {
    private MalformedFrames() {
    }

    /** A request and Redis' full reply (the bytes before the connection closes). */
    public record Frame(String name, byte[] request, byte[] reply) {
        /** The parser's exception message: the reply without "-ERR " and CRLF of the protocol error (the last line). */
        public String parserMessage() {
            String r = new String(reply, StandardCharsets.ISO_8859_1);
            int last = r.lastIndexOf("-ERR ");
            return r.substring(last + 5, r.length() - 2);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final String INVALID_MULTIBULK = "-ERR Protocol error: invalid multibulk length\r\n";
    private static final String INVALID_BULK = "-ERR Protocol error: invalid bulk length\r\n";

    /** Frames that fail for any client. */
    public static List<Frame> all() {
        return List.of(
                frame("multibulk count not a number", "*abc\r\n", INVALID_MULTIBULK),
                frame("multibulk count empty", "*\r\n", INVALID_MULTIBULK),
                frame("multibulk count with plus sign", "*+1\r\n", INVALID_MULTIBULK),
                frame("multibulk count with leading zero", "*01\r\n$4\r\nPING\r\n", INVALID_MULTIBULK),
                frame("multibulk count minus zero", "*-0\r\n", INVALID_MULTIBULK),
                frame("multibulk count above INT_MAX", "*2147483648\r\n", INVALID_MULTIBULK),
                frame("multibulk count overflowing long", "*99999999999999999999\r\n", INVALID_MULTIBULK),
                frame("bulk header is not $", "*1\r\nx\r\n", "-ERR Protocol error: expected '$', got 'x'\r\n"),
                frame("integer instead of bulk", "*1\r\n:4\r\nPING\r\n",
                        "-ERR Protocol error: expected '$', got ':'\r\n"),
                bytes("non-ASCII byte instead of $", bytesOf("*1\r\n", new byte[] {(byte) 0xff}, "\r\n"),
                        bytesOf("-ERR Protocol error: expected '$', got '", new byte[] {(byte) 0xff}, "'\r\n")),
                frame("empty line instead of bulk (CR shown as a space)", "*1\r\n\r\n",
                        "-ERR Protocol error: expected '$', got ' '\r\n"),
                frame("bulk length not a number", "*1\r\n$abc\r\n", INVALID_BULK),
                frame("bulk length empty", "*1\r\n$\r\n", INVALID_BULK),
                frame("bulk length negative", "*1\r\n$-1\r\n", INVALID_BULK),
                frame("bulk length minus zero", "*1\r\n$-0\r\n", INVALID_BULK),
                frame("bulk length with leading zero", "*1\r\n$04\r\nPING\r\n", INVALID_BULK),
                frame("bulk length with plus sign", "*1\r\n$+4\r\nPING\r\n", INVALID_BULK),
                frame("bulk length above proto-max-bulk-len", "*1\r\n$536870913\r\n", INVALID_BULK),
                frame("inline: unbalanced double quote", "SET \"a b\r\n",
                        "-ERR Protocol error: unbalanced quotes in request\r\n"),
                frame("inline: unbalanced single quote", "SET 'a\r\n",
                        "-ERR Protocol error: unbalanced quotes in request\r\n"),
                frame("inline: closing quote not followed by space", "SET \"a\"b c\r\n",
                        "-ERR Protocol error: unbalanced quotes in request\r\n"),
                frame("inline request without newline over 64 KiB", "a".repeat(70_000),
                        "-ERR Protocol error: too big inline request\r\n"),
                frame("multibulk count without CR over 64 KiB", "*" + "1".repeat(70_000),
                        "-ERR Protocol error: too big mbulk count string\r\n"),
                frame("bulk length without CR over 64 KiB", "*1\r\n$" + "1".repeat(70_000),
                        "-ERR Protocol error: too big bulk count string\r\n"),
                frame("good command, then a bad one: the first is answered", "PING\r\n*x\r\n",
                        "+PONG\r\n" + INVALID_MULTIBULK),
                frame("pipelined commands before a bad frame run", "*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n*1\r\n%\r\n",
                        "+PONG\r\n+PONG\r\n-ERR Protocol error: expected '$', got '%'\r\n"));
    }

    /** Frames refused only before AUTH, on a server with requirepass. */
    public static List<Frame> unauthenticated() {
        return List.of(
                frame("more than 10 arguments before AUTH", "*11\r\n",
                        "-ERR Protocol error: unauthenticated multibulk length\r\n"),
                frame("bulk over 16 KiB before AUTH", "*1\r\n$16385\r\n",
                        "-ERR Protocol error: unauthenticated bulk length\r\n"));
    }

    /** Odd frames Redis accepts as they are (it skips the byte after CR and the two after a bulk unchecked). */
    public static List<Frame> accepted() {
        return List.of(
                frame("CR followed by any byte ends a count line", "*1\rX$4\r\nPING\r\n", "+PONG\r\n"),
                frame("bytes after a bulk are skipped unchecked", "*1\r\n$4\r\nPINGxx\r\n", "+PONG\r\n"),
                frame("negative multibulk count is an empty command", "*-5\r\nPING\r\n", "+PONG\r\n"),
                frame("zero multibulk count is an empty command", "*0\r\nPING\r\n", "+PONG\r\n"),
                frame("LLONG_MIN multibulk count is an empty command", "*-9223372036854775808\r\nPING\r\n",
                        "+PONG\r\n"),
                frame("blank inline lines and bare LF", "   \r\n\r\nPING\n", "+PONG\r\n"),
                frame("inline escapes", "ECHO \"\\x41\\x4\\n\" 'a\\'b'\r\n",
                        "-ERR wrong number of arguments for 'echo' command\r\n"),
                frame("inline hex escape", "ECHO \"\\x41\\x4\"\r\n", "$3\r\nAx4\r\n"),
                frame("inline single-quote escape", "ECHO 'a\\'b'\r\n", "$3\r\na'b\r\n"));
    }

    /** Frames after which Redis just waits for more bytes: no reply, the connection stays open. */
    public static List<Frame> waiting() {
        return List.of(
                frame("multibulk count 2^31-1 (accepted, waits for the arguments)", "*2147483647\r\n", ""),
                frame("NUL before CR hides the count line (strchr)", "*1\r\n\0\r\n", ""),
                frame("NUL before LF hides the inline line (strchr)", "PI\0NG\n", ""),
                frame("count line cut after CR", "*1\r", ""),
                frame("bulk cut short", "*2\r\n$4\r\nECHO\r\n$5\r\nab", ""));
    }

    private static Frame frame(String name, String request, String reply) {
        return new Frame(name, request.getBytes(StandardCharsets.ISO_8859_1), reply.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Frame bytes(String name, byte[] request, byte[] reply) {
        return new Frame(name, request, reply);
    }

    private static byte[] bytesOf(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            out.writeBytes(p instanceof byte[] b ? b : ((String) p).getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }
}
