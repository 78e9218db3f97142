package dev.chorus.node.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.ManyConnections;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No client can blow up the node: each abuse runs against a real node process and, where the behaviour is observable
 * (error text, disconnect, log line), against redis-server 7.0.15 as well.
 */
class ClientLimitsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    // ---- a bulk that announces 512 MB ----

    @Test
    void announcedHugeBulkCostsOnlyWhatArrivesUnderTheImageFlags() throws Exception {
        List<String> flags = new ArrayList<>(imageJvmFlags());
        flags.add("-Xmx768m");
        try (ServerProcess node = ServerProcess.nodeWithJvm(flags)) {
            List<Socket> peers = new ArrayList<>();
            try {
                byte[] head = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870911\r\n".getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < 16; i++) {
                    Socket s = connect(node.port());
                    OutputStream out = s.getOutputStream();
                    out.write(head);
                    out.write(new byte[64 * 1024]);
                    out.flush();
                    peers.add(s);
                }
                // Every peer's bytes have been read (its query buffer holds them) before we judge.
                await().atMost(WAIT).until(() -> totalQbuf(node) >= 16L * 64 * 1024);
                assertThat(node.process().isAlive()).as("node alive; log:\n%s", node.log()).isTrue();
                assertThat(pingMillis(node.port())).as("PING round trip in ms").isLessThan(100);
                assertThat(rssMb(node.pid())).as("RSS MB with 16 x 512 MB announced").isLessThan(300);
            } finally {
                for (Socket s : peers) {
                    s.close();
                }
            }
        }
    }

    // ---- protocol errors ----

    @Test
    void protocolErrorsAreLoggedWithReasonAndQueryBufferSampleLikeRedis() throws Exception {
        List<byte[]> payloads = List.of(
                "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$-5\r\nxyz\r\n".getBytes(StandardCharsets.US_ASCII),
                "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870913\r\n".getBytes(StandardCharsets.US_ASCII),
                "SET \"a b\r\n".getBytes(StandardCharsets.US_ASCII),
                ("*1\r\n$4\r\nPING\r\n*2\r\nx" + "y".repeat(200) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        List<List<String>> seen = new ArrayList<>();
        for (ServerProcess s : List.of(ServerProcess.redis("--loglevel", "verbose"),
                ServerProcess.node("--loglevel", "verbose"))) {
            try (s) {
                for (byte[] p : payloads) {
                    Socket peer = connect(s.port());
                    peer.getOutputStream().write(p);
                    assertThat(readUntilClosed(peer)).contains("-ERR Protocol error: ");
                    peer.close();
                }
                Pattern line = Pattern.compile("Protocol error \\(([^)]*)\\) from client: id=\\d+ .* resp=2\\. (.*)");
                List<String> found = new ArrayList<>();
                await().atMost(WAIT).until(() -> {
                    found.clear();
                    Matcher m = line.matcher(s.log());
                    while (m.find()) {
                        found.add(m.group(1) + " | " + m.group(2));
                    }
                    return found.size() == payloads.size();
                });
                seen.add(List.copyOf(found));
            }
        }
        assertThat(seen.get(1)).isEqualTo(seen.get(0));
    }

    // ---- client-query-buffer-limit ----

    @Test
    void queryBufferLimitClosesTheClientWithoutReplyLikeRedis() throws Exception {
        for (ServerProcess s : List.of(ServerProcess.redis("--client-query-buffer-limit", "1mb"),
                ServerProcess.node("--client-query-buffer-limit", "1mb"))) {
            try (s) {
                Socket peer = connect(s.port());
                OutputStream out = peer.getOutputStream();
                out.write("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) 'a');
                String reply = "";
                try {
                    for (int i = 0; i < 40; i++) {
                        out.write(chunk);
                        out.flush();
                    }
                    reply = readUntilClosed(peer);
                } catch (IOException e) {
                    // reset by the peer while we were still writing: closed, no reply
                }
                peer.close();
                assertThat(reply).as(s.kind() + " reply").isEmpty();
                await().atMost(WAIT).untilAsserted(() -> assertThat(s.log())
                        .contains("Closing client that reached max query buffer length: id=")
                        .contains("(qbuf initial bytes: \""));
                try (RawConnection c = s.connect()) {
                    assertThat(c.callText("PING")).isEqualTo("+PONG\r\n");
                    assertThat(c.callText("EXISTS", "k")).isEqualTo(":0\r\n");
                }
            }
        }
    }

    // ---- client-output-buffer-limit ----

    @Test
    void subscriberThatNeverReadsIsDisconnectedAtThePubsubLimitLikeRedis() throws Exception {
        for (ServerProcess s : List.of(ServerProcess.redis(), ServerProcess.node())) {
            try (s) {
                Socket subscriber = new Socket();
                subscriber.setReceiveBufferSize(4096);
                subscriber.connect(new InetSocketAddress("127.0.0.1", s.port()), 5000);
                subscriber.getOutputStream().write("SUBSCRIBE ch\r\n".getBytes(StandardCharsets.US_ASCII));
                subscriber.getOutputStream().flush();
                try (RawConnection c = s.connect()) {
                    await().atMost(WAIT).until(() -> c.callText("PUBSUB", "NUMSUB", "ch").endsWith(":1\r\n"));
                }
                long maxRss = 0;
                long receivers = publish(s.port(), 200_000, 1024);
                if (s.kind() == ServerProcess.Kind.NODE) {
                    maxRss = rssMb(s.pid());
                }
                // Redis and the node both stop delivering once the subscriber is gone: 200,000 x 1 KB never piles up.
                assertThat(receivers).as(s.kind() + " deliveries").isLessThan(100_000);
                try (RawConnection c = s.connect()) {
                    await().atMost(WAIT).until(() -> c.callText("PUBSUB", "NUMSUB", "ch").endsWith(":0\r\n"));
                }
                await().atMost(WAIT).untilAsserted(() -> assertThat(s.log())
                        .containsPattern("Client id=\\d+ addr=\\S+ .*flags=P .* scheduled to be closed ASAP for "
                                + "overcoming of output buffer limits\\."));
                subscriber.close();
                if (s.kind() == ServerProcess.Kind.NODE) {
                    assertThat(maxRss).as("node RSS MB after publishing 200 MB to a stalled subscriber")
                            .isLessThan(400);
                }
            }
        }
    }

    @Test
    void softLimitDisconnectsAfterItsSecondsAndNormalClassAppliesToPipelines() throws Exception {
        try (ServerProcess node = ServerProcess.node("--client-output-buffer-limit", "normal 0 256kb 1")) {
            try (RawConnection c = node.connect()) {
                c.callText("SET", "v", "x".repeat(100 * 1024));
            }
            Socket reader = new Socket();
            reader.setReceiveBufferSize(4096);
            reader.connect(new InetSocketAddress("127.0.0.1", node.port()), 5000);
            OutputStream out = reader.getOutputStream();
            byte[] get = RawConnection.encode("GET", "v");
            long start = System.nanoTime();
            // Keep the output over the soft limit (never reading) until the node closes the connection.
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                try {
                    for (int i = 0; i < 20; i++) {
                        out.write(get);
                    }
                    out.flush();
                    return false;
                } catch (IOException e) {
                    return true;
                }
            });
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertThat(seconds).as("closed only after the soft limit's seconds").isGreaterThanOrEqualTo(1);
            assertThat(node.log()).contains("scheduled to be closed ASAP for overcoming of output buffer limits.");
            reader.close();
        }
    }

    // ---- maxclients ----

    @Test
    void maxclientsRefusesWithRedisErrorLikeRedis() throws Exception {
        for (ServerProcess s : List.of(ServerProcess.redis("--maxclients", "3"),
                ServerProcess.node("--maxclients", "3"))) {
            try (s; RawConnection a = s.connect(); RawConnection b = s.connect(); RawConnection c = s.connect()) {
                assertThat(c.callText("PING")).isEqualTo("+PONG\r\n");
                Socket d = connect(s.port());
                assertThat(readUntilClosed(d)).as(s.kind().toString())
                        .isEqualTo("-ERR max number of clients reached\r\n");
                d.close();
                assertThat(a.callText("INFO", "stats")).contains("rejected_connections:1");
            }
        }
    }

    // ---- 10,000 connections ----

    @Test
    void tenThousandConnectionsAllGetPongWithinTwoSeconds() throws Exception {
        int n = 10_000;
        long limit = openFilesLimit();
        assumeThat(limit).as("the open-files limit here (%d) is below what %d connections need on each side; raise "
                + "it (ulimit -n 20000) to run this test", limit, n).isGreaterThanOrEqualTo(n + 200L);
        // Each server gets one round first: a node that has just started runs its accept path interpreted (a cold
        // round takes about twice as long), and a node in service has long been warmed up. Both are measured alike.
        // The best of three rounds counts, for both: other work on the machine only ever makes a round slower.
        long redisMillis;
        try (ServerProcess redis = ServerProcess.redis()) {
            manyConnections(redis.port(), n);
            redisMillis = bestOf(3, redis.port(), n);
        }
        try (ServerProcess node = ServerProcess.node()) {
            manyConnections(node.port(), n);
            long nodeMillis = bestOf(3, node.port(), n);
            System.out.println("10,000 connections, best of 3 warm rounds: node " + nodeMillis + " ms, redis "
                    + redisMillis + " ms");
            // 2 s on a quiet machine; on a loaded one (shared CI cores), no worse than three times what Redis needs
            // right now. Measured here under load 8-15: node 1.3-3.6 s, Redis 1.4-4.7 s (docs/benchmarks.md).
            assertThat(nodeMillis).as("node %d ms, redis %d ms", nodeMillis, redisMillis)
                    .isLessThan(Math.max(2000, 3 * redisMillis));
            try (RawConnection c = node.connect()) {
                assertThat(c.callText("PING")).isEqualTo("+PONG\r\n");
            }
        }
    }

    private static long bestOf(int rounds, int port, int n) throws Exception {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < rounds; i++) {
            best = Math.min(best, manyConnections(port, n));
        }
        return best;
    }

    /** Runs ManyConnections in its own JVM (its own descriptors); the elapsed ms, all answers checked. */
    private static long manyConnections(int port, int n) throws Exception {
        List<String> cmd = List.of(ServerProcess.javaBin(), "-cp", System.getProperty("java.class.path"),
                ManyConnections.class.getName(), Integer.toString(port), Integer.toString(n), "30000");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Matcher m = Pattern.compile("elapsedMillis=(\\d+) answered=(\\d+) pong=(\\d+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        assertThat(Integer.parseInt(m.group(3))).as(out).isEqualTo(n);
        return Long.parseLong(m.group(1));
    }

    // ---- unixsocket ----

    @Test
    void unixSocketServesRedisCliWithItsPermissions() throws Exception {
        Path dir = Files.createTempDirectory("chorus-unix-");
        Path nodeSock = dir.resolve("node.sock");
        Path redisSock = dir.resolve("redis.sock");
        try (ServerProcess node = ServerProcess.node("--unixsocket", nodeSock.toString(), "--unixsocketperm", "700");
             ServerProcess redis = ServerProcess.redis("--unixsocket", redisSock.toString(),
                     "--unixsocketperm", "700")) {
            assertThat(redisCli("-s", nodeSock.toString(), "PING")).isEqualTo("PONG");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nodeSock)))
                    .isEqualTo(PosixFilePermissions.toString(Files.getPosixFilePermissions(redisSock)))
                    .isEqualTo("rwx------");
            String nodeList = redisCli("-s", nodeSock.toString(), "CLIENT", "LIST");
            String redisList = redisCli("-s", redisSock.toString(), "CLIENT", "LIST");
            assertThat(field(nodeList, "addr")).isEqualTo(nodeSock + ":0");
            assertThat(field(nodeList, "laddr")).isEqualTo(nodeSock + ":0");
            assertThat(field(redisList, "addr")).isEqualTo(redisSock + ":0");
            assertThat(field(nodeList, "flags")).isEqualTo(field(redisList, "flags"));
            assertThat(redisCli("-s", nodeSock.toString(), "CONFIG", "GET", "unixsocketperm"))
                    .isEqualTo(redisCli("-s", redisSock.toString(), "CONFIG", "GET", "unixsocketperm"));
            node.stop();
            assertThat(nodeSock).as("socket file removed at shutdown").doesNotExist();
            assertThat(node.log()).contains("Removing the unix socket file.");
        } finally {
            Files.deleteIfExists(nodeSock);
            Files.deleteIfExists(redisSock);
            Files.deleteIfExists(dir);
        }
    }

    // ---- helpers ----

    private static String field(String clientList, String name) {
        Matcher m = Pattern.compile("(?:^| )" + name + "=(\\S*)").matcher(clientList);
        assertThat(m.find()).as(clientList).isTrue();
        return m.group(1);
    }

    private static String redisCli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("redis-cli");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return out.replace("\n", " ");
    }

    /** The node image's JVM flags: the {@code <jvmFlag>}s of the Jib configuration in node-image/pom.xml. */
    static List<String> imageJvmFlags() throws IOException {
        Path pom = Files.exists(Path.of("src/main/java")) ? Path.of("pom.xml") : Path.of("node-image/pom.xml");
        List<String> flags = new ArrayList<>();
        Matcher m = Pattern.compile("<jvmFlag>([^<]*)</jvmFlag>").matcher(Files.readString(pom));
        while (m.find()) {
            flags.add(m.group(1));
        }
        if (flags.isEmpty()) {
            throw new IllegalStateException("no <jvmFlag> in " + pom);
        }
        return flags;
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setTcpNoDelay(true);
        return s;
    }

    /** Sum of qbuf over CLIENT LIST. */
    private static long totalQbuf(ServerProcess s) {
        try (RawConnection c = s.connect()) {
            String list = c.callText("CLIENT", "LIST");
            long total = 0;
            Matcher m = Pattern.compile(" qbuf=(\\d+)").matcher(list);
            while (m.find()) {
                total += Long.parseLong(m.group(1));
            }
            return total;
        }
    }

    private static long pingMillis(int port) throws IOException {
        long start = System.nanoTime();
        try (RawConnection c = new RawConnection(port)) {
            assertThat(c.callText("PING")).isEqualTo("+PONG\r\n");
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** Everything the peer sends until it closes (10 s at most). */
    private static String readUntilClosed(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        byte[] b = new byte[4096];
        try {
            int n;
            while ((n = in.read(b)) > 0) {
                got.write(b, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("still open after 10 s; got " + got, e);
        } catch (IOException e) {
            // reset: closed
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    /** PUBLISHes count messages of size bytes on "ch", pipelined in batches; the sum of the receiver counts. */
    private static long publish(int port, int count, int size) throws IOException {
        try (Socket s = connect(port)) {
            OutputStream out = s.getOutputStream();
            InputStream in = new java.io.BufferedInputStream(s.getInputStream());
            byte[] cmd = RawConnection.encode(List.of("PUBLISH".getBytes(StandardCharsets.US_ASCII),
                    "ch".getBytes(StandardCharsets.US_ASCII), new byte[size]));
            int batch = 1000;
            long receivers = 0;
            byte[] block = new byte[cmd.length * batch];
            for (int i = 0; i < batch; i++) {
                System.arraycopy(cmd, 0, block, i * cmd.length, cmd.length);
            }
            for (int sent = 0; sent < count; sent += batch) {
                out.write(block);
                out.flush();
                for (int i = 0; i < batch; i++) {
                    receivers += readInteger(in);
                }
            }
            return receivers;
        }
    }

    private static long readInteger(InputStream in) throws IOException {
        int c = in.read();
        if (c != ':') {
            throw new IOException("expected an integer reply, got " + (char) c);
        }
        long v = 0;
        while ((c = in.read()) != '\r') {
            v = v * 10 + (c - '0');
        }
        in.read();
        return v;
    }

    private static long rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    /**
     * The open-files limit of this JVM: the JVM raises its soft limit to the hard one at start (MaxFDLimit), the node
     * and the load process (JVMs too) do the same, and redis-server raises its own for maxclients; so this is the hard
     * limit in effect, which a test cannot raise (here, as root, setrlimit above it is refused).
     */
    private static long openFilesLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return 0;
    }
}
