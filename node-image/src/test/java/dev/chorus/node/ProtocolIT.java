package dev.chorus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.MalformedFrames;
import dev.chorus.node.testing.MalformedFrames.Frame;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.RespFrames;
import dev.chorus.node.testing.ServerProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The node's wire protocol against a real redis-server: malformed frames get Redis' exact error bytes and a closed
 * connection, odd frames Redis accepts are accepted alike, bad input on one connection loses nothing on another,
 * random bytes never take the node down, and big values and deep pipelines come back byte for byte.
 */
class ProtocolIT {
    private static ServerProcess redis;
    private static ServerProcess node;

    @BeforeAll
    static void start() {
        redis = ServerProcess.redis();
        node = ServerProcess.node();
    }

    @AfterAll
    static void stop() {
        for (ServerProcess s : new ServerProcess[] {redis, node}) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** What a peer sees after sending some bytes: the reply bytes, and whether the server hung up. */
    record Seen(String reply, boolean closed) {
        @Override
        public String toString() {
            return RespFrames.show(reply.getBytes(StandardCharsets.ISO_8859_1)) + (closed ? " <closed>" : " <open>");
        }
    }

    /** A socket that can report everything received so far without blocking for long. */
    static final class Peer implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        boolean closed;

        Peer(int port) {
            try {
                socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                socket.setTcpNoDelay(true);
                in = socket.getInputStream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Peer send(byte[] bytes) {
            try {
                socket.getOutputStream().write(bytes);
                socket.getOutputStream().flush();
            } catch (IOException e) {
                // The server may hang up before reading everything (a protocol error mid-write): what it sent counts.
                closed = true;
            }
            return this;
        }

        /** Reads whatever arrives within {@code quietMillis} of silence; stops at EOF or reset. */
        Seen drain(int quietMillis) {
            byte[] chunk = new byte[65536];
            try {
                socket.setSoTimeout(quietMillis);
                while (true) {
                    int n = in.read(chunk);
                    if (n < 0) {
                        closed = true;
                        break;
                    }
                    received.write(chunk, 0, n);
                }
            } catch (SocketTimeoutException e) {
                // quiet: nothing more for now
            } catch (IOException e) {
                closed = true;
            }
            return new Seen(received.toString(StandardCharsets.ISO_8859_1), closed);
        }

        /** Reads until the server closes the connection (bounded by the socket timeout). */
        Seen untilClosed() {
            return drain(10_000);
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // done with it
            }
        }
    }

    static Seen sendAndWaitForClose(ServerProcess server, byte[] request) {
        try (Peer p = new Peer(server.port())) {
            return p.send(request).untilClosed();
        }
    }

    // ---- malformed frames: Redis' error, then the connection is closed ----

    static Stream<Frame> malformed() {
        return MalformedFrames.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedFrameGetsRedisErrorThenClose(Frame frame) {
        Seen fromRedis = sendAndWaitForClose(redis, frame.request());
        Seen fromNode = sendAndWaitForClose(node, frame.request());

        // The table is checked against the oracle first, so a wrong expectation cannot hide behind the node.
        assertThat(fromRedis).as("redis-server").isEqualTo(new Seen(
                new String(frame.reply(), StandardCharsets.ISO_8859_1), true));
        assertThat(fromNode).as("node").isEqualTo(fromRedis);
    }

    static Stream<Frame> accepted() {
        return MalformedFrames.accepted().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void oddFrameRedisAcceptsIsAcceptedAlike(Frame frame) {
        for (ServerProcess s : List.of(redis, node)) {
            try (RawConnection c = s.connect()) {
                c.send(frame.request());
                assertThat(RespFrames.show(c.read())).as(s.kind().toString())
                        .isEqualTo(RespFrames.show(frame.reply()));
                assertThat(c.callText("PING")).as(s.kind() + " still serving the connection").isEqualTo("+PONG\r\n");
            }
        }
    }

    @Test
    void incompleteFramesLeaveTheConnectionWaiting() {
        for (Frame frame : MalformedFrames.waiting()) {
            for (ServerProcess s : List.of(redis, node)) {
                try (Peer p = new Peer(s.port())) {
                    assertThat(p.send(frame.request()).drain(300)).as(s.kind() + ": " + frame.name())
                            .isEqualTo(new Seen("", false));
                }
            }
        }
    }

    @Test
    void unauthenticatedLimitsMatchRedis() {
        try (ServerProcess r = ServerProcess.redis("--requirepass", "secret");
                ServerProcess n = ServerProcess.node("--requirepass", "secret")) {
            for (Frame frame : MalformedFrames.unauthenticated()) {
                Seen fromRedis = sendAndWaitForClose(r, frame.request());
                assertThat(fromRedis).as("redis: " + frame.name())
                        .isEqualTo(new Seen(new String(frame.reply(), StandardCharsets.ISO_8859_1), true));
                assertThat(sendAndWaitForClose(n, frame.request())).as("node: " + frame.name()).isEqualTo(fromRedis);

                // After AUTH the same frame is just the start of a command.
                byte[] authThenFrame = concat(RawConnection.encode("AUTH", "secret"), frame.request());
                for (ServerProcess s : List.of(r, n)) {
                    try (Peer p = new Peer(s.port())) {
                        assertThat(p.send(authThenFrame).drain(300)).as(s.kind() + " after AUTH: " + frame.name())
                                .isEqualTo(new Seen("+OK\r\n", false));
                    }
                }
            }
        }
    }

    // ---- bad input loses nothing ----

    @Test
    void badInputOnOneConnectionLosesNothingOnAnother() {
        try (RawConnection good = node.connect()) {
            good.call("SELECT", "3");
            good.call("FLUSHDB");
            for (int i = 0; i < 100; i++) {
                good.call("SET", "intact:" + i, "value-" + i);
            }
            // A transaction in progress on the good connection survives the others' errors too.
            good.call("MULTI");
            good.call("INCR", "intact:counter");

            List<byte[]> bad = new ArrayList<>();
            MalformedFrames.all().forEach(f -> bad.add(f.request()));
            // Commands cut off by a disconnect: never applied.
            bad.add(RawConnection.encode("SET", "intact:1", "CLOBBERED"));
            bad.set(bad.size() - 1, Arrays.copyOf(bad.get(bad.size() - 1), bad.get(bad.size() - 1).length - 3));
            bad.add("*3\r\n$3\r\nDEL\r\n$8\r\nintact:2\r\n".getBytes(StandardCharsets.US_ASCII));
            for (byte[] frame : bad) {
                try (Peer p = new Peer(node.port())) {
                    p.send(concat("SELECT 3\r\n".getBytes(StandardCharsets.US_ASCII), frame)).drain(50);
                }
            }

            assertThat(good.callText("EXEC")).isEqualTo("*1\r\n:1\r\n");
            assertThat(good.callText("DBSIZE")).isEqualTo(":101\r\n");
            for (int i = 0; i < 100; i++) {
                String v = "value-" + i;
                assertThat(good.callText("GET", "intact:" + i)).isEqualTo("$" + v.length() + "\r\n" + v + "\r\n");
            }
        }
    }

    /**
     * Random bytes over many connections (fixed seed, bounded in count and time): afterwards the node still answers
     * PING and a key written before is intact. Every connection is closed by us or by the node; none is left behind.
     */
    @Test
    void randomBytesOverManyConnectionsNeverHurtTheNode() {
        Random random = new Random(20_240_611);
        byte[] precious = new byte[4096];
        random.nextBytes(precious);
        try (RawConnection keeper = node.connect()) {
            keeper.call(List.of(bytes("SELECT"), bytes("9")));
            keeper.call(List.of(bytes("SET"), bytes("precious"), precious));

            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int connections = 0;
            while (connections < 400 && System.nanoTime() < deadline) {
                try (Peer p = new Peer(node.port())) {
                    for (int burst = random.nextInt(4) + 1; burst > 0; burst--) {
                        p.send(garbage(random));
                    }
                    p.drain(5);
                }
                connections++;
            }
            assertThat(connections).isGreaterThanOrEqualTo(100);

            assertThat(keeper.callText("PING")).isEqualTo("+PONG\r\n");
            assertThat(keeper.call(List.of(bytes("GET"), bytes("precious"))))
                    .isEqualTo(concat(bytes("$4096\r\n"), precious, bytes("\r\n")));
            try (RawConnection fresh = node.connect()) {
                assertThat(fresh.callText("PING")).isEqualTo("+PONG\r\n");
            }
        }
    }

    /** Protocol-shaped garbage (tokens, numbers, stray bytes, whole commands) or uniform noise, up to ~8 KiB. */
    static byte[] garbage(Random random) {
        String[] tokens = {"*", "$", "\r\n", "\r", "\n", "\"", "'", "\\x", " ", "\0", "0", "1", "3", "-1", "01", "16",
                "2147483648", "99999999999999999999", "*1\r\n$4\r\nPING\r\n", "ECHO \"a\\x41\" 'b'\r\n", "PING\r\n",
                "*2\r\n$4\r\nECHO\r\n$3\r\n"};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (random.nextInt(4) == 0) {
            byte[] noise = new byte[random.nextInt(8192)];
            random.nextBytes(noise);
            out.writeBytes(noise);
        } else {
            for (int i = random.nextInt(200); i > 0; i--) {
                out.writeBytes(bytes(tokens[random.nextInt(tokens.length)]));
                if (random.nextInt(10) == 0) {
                    out.write(random.nextInt(256));
                }
            }
        }
        return out.toByteArray();
    }

    // ---- differential: protocol-shaped random input, replies compared with Redis byte for byte ----

    /**
     * Stateless requests (PING/ECHO and protocol garbage) built from a fixed seed, each on its own connection to both
     * servers; once both are quiet, every connection must have seen the same bytes and be in the same open/closed
     * state. Bytes are kept ASCII: an unknown command named in invalid UTF-8 is a known difference (see report).
     */
    @Test
    void randomFramesGetTheSameRepliesAsRedis() {
        Random random = new Random(77);
        List<String> mismatches = new ArrayList<>();
        for (int batch = 0; batch < 8; batch++) {
            List<byte[]> requests = new ArrayList<>();
            List<Peer> toRedis = new ArrayList<>();
            List<Peer> toNode = new ArrayList<>();
            try {
                for (int i = 0; i < 40; i++) {
                    byte[] request = asciiGarbage(random);
                    requests.add(request);
                    toRedis.add(new Peer(redis.port()).send(request));
                    toNode.add(new Peer(node.port()).send(request));
                }
                List<Integer> differing = new ArrayList<>();
                await("both servers quiet with equal replies").pollDelay(Duration.ofMillis(200))
                        .pollInterval(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5))
                        .ignoreExceptions().until(() -> {
                            differing.clear();
                            for (int i = 0; i < requests.size(); i++) {
                                if (!toRedis.get(i).drain(1).equals(toNode.get(i).drain(1))) {
                                    differing.add(i);
                                }
                            }
                            return differing.isEmpty();
                        });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                for (int i = 0; i < requests.size(); i++) {
                    Seen r = toRedis.get(i).drain(1);
                    Seen n = toNode.get(i).drain(1);
                    if (!r.equals(n)) {
                        mismatches.add(RespFrames.show(requests.get(i)) + "\n    redis: " + r + "\n    node:  " + n);
                    }
                }
            } finally {
                toRedis.forEach(Peer::close);
                toNode.forEach(Peer::close);
            }
        }
        assertThat(mismatches).as("requests answered differently from Redis").isEmpty();
    }

    private static byte[] asciiGarbage(Random random) {
        String[] tokens = {"*", "$", "\r\n", "\r", "\n", "\"", "'", "\\", "\\x4", "\\x41", " ", "\t", "\0", "0", "1",
                "2", "3", "4", "-1", "01", "+1", "-0", "2147483648", "99999999999999999999", "*1\r\n$4\r\nPING\r\n",
                "*2\r\n$4\r\nECHO\r\n", "$3\r\nabc\r\n", "ECHO", "PING", "ping", "echo", "x", ":"};
        StringBuilder sb = new StringBuilder();
        for (int i = random.nextInt(30) + 1; i > 0; i--) {
            sb.append(tokens[random.nextInt(tokens.length)]);
            if (random.nextInt(8) == 0) {
                sb.append((char) (random.nextInt(95) + 32));
            }
        }
        return bytes(sb.toString());
    }

    // ---- big values and deep pipelines ----

    @Test
    void tenMegabyteValueRoundTrips() {
        byte[] value = new byte[10 * 1024 * 1024];
        new Random(5).nextBytes(value);
        try (RawConnection c = node.connect()) {
            assertThat(c.call(List.of(bytes("SET"), bytes("big"), value))).isEqualTo(bytes("+OK\r\n"));
            assertThat(c.callText("STRLEN", "big")).isEqualTo(":10485760\r\n");
            byte[] reply = c.call(List.of(bytes("GET"), bytes("big")));
            assertThat(reply).hasSize(value.length + "$10485760\r\n\r\n".length());
            int header = "$10485760\r\n".length();
            assertThat(Arrays.equals(reply, header, header + value.length, value, 0, value.length)).isTrue();
            c.call("DEL", "big");
        }
    }

    @Test
    void tenThousandPipelinedCommandsInOneWriteGetRedisReplies() {
        ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
        for (int i = 0; i < 10_000; i++) {
            switch (i % 4) {
                case 0 -> pipeline.writeBytes(RawConnection.encode("SET", "pipe:" + i, "v" + i));
                case 1 -> pipeline.writeBytes(RawConnection.encode("INCR", "pipe:counter"));
                case 2 -> pipeline.writeBytes(RawConnection.encode("GET", "pipe:" + (i - 2)));
                default -> pipeline.writeBytes(bytes("EXISTS pipe:" + (i - 3) + " nope\r\n"));
            }
        }
        byte[] request = pipeline.toByteArray();
        List<byte[]> replies = new ArrayList<>();
        for (ServerProcess s : List.of(redis, node)) {
            try (RawConnection c = s.connect()) {
                c.call("SELECT", "5");
                c.call("FLUSHDB");
                c.send(request);
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                for (int i = 0; i < 10_000; i++) {
                    all.writeBytes(c.read());
                }
                replies.add(all.toByteArray());
                assertThat(c.callText("GET", "pipe:counter")).isEqualTo("$4\r\n2500\r\n");
                c.call("FLUSHDB");
            }
        }
        assertThat(replies.get(1)).as("node's 10k replies equal Redis'").isEqualTo(replies.get(0));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
