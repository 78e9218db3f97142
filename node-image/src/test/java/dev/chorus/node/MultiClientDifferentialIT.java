package dev.chorus.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.resp.RespRequestParser;
import dev.chorus.node.testing.OraclePair;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.RespFrames;
import dev.chorus.node.testing.ServerProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What one connection's command makes other connections receive (pub/sub and keyspace notifications, invalidations,
 * MONITOR lines, unblocked replies), compared byte for byte with Redis. Each script under
 * src/test/resources/multiclient runs against both servers with one connection per letter; after every step each
 * connection is synchronised with a {@code PING barrier} (the step's own connection first, after one frame of its
 * reply has been read), and everything it received before the barrier's answer is that step's output for it, which
 * must equal Redis'.
 *
 * <p>Line format {@code X<flags>: command}: X names the connection. Flags: {@code ?} do not compare what X itself
 * receives in this step (ids, versions); {@code ~} no barrier on X from now until its next step without {@code ~}
 * (it is blocked or its replies are off; the step waits until CLIENT LIST shows X has run the command); a number n
 * reads n frames instead of one from X right after the command (0 for a command that answers nothing);
 * {@code =} writes connection ids as {@code $Y} in the output. {@code $Y} in a command is connection Y's id. A script
 * ends with a barrier on every connection. MONITOR lines are compared without their timestamp and client address.
 */
class MultiClientDifferentialIT {
    @RegisterExtension
    static final OraclePair servers = new OraclePair();

    private static final Pattern STEP = Pattern.compile("([A-Z])([?~=0-9]*):\\s*(.*)");
    private static final byte[][] BARRIER_REPLIES = {
        "$7\r\nbarrier\r\n".getBytes(StandardCharsets.US_ASCII),
        "*2\r\n$4\r\npong\r\n$7\r\nbarrier\r\n".getBytes(StandardCharsets.US_ASCII)};
    private static final Pattern MONITOR_LINE = Pattern.compile("\\+\\d+\\.\\d{6} \\[(\\d+) [^\\]]+\\]");

    @TestFactory
    Stream<DynamicTest> scripts() throws IOException, URISyntaxException {
        Path dir = Path.of(MultiClientDifferentialIT.class.getResource("/multiclient").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".steps")).sorted().toList();
        }
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> compare(f)));
    }

    private void compare(Path script) throws IOException {
        List<String> lines = Files.readAllLines(script, StandardCharsets.UTF_8);
        List<Step> redis = run(servers.redis(), lines);
        List<Step> node = run(servers.node(), lines);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < redis.size(); i++) {
            Step r = redis.get(i);
            Step n = node.get(i);
            for (String conn : r.output.keySet()) {
                if (r.flags.contains("?") && r.text.startsWith(conn)) {
                    continue;
                }
                byte[] expected = r.output.get(conn);
                byte[] actual = n.output.getOrDefault(conn, new byte[0]);
                if (!Arrays.equals(expected, actual)) {
                    mismatches.add(script.getFileName() + ":" + r.lineNo + " `" + r.text + "` on " + conn
                            + "\n    redis: " + RespFrames.show(expected) + "\n    node:  " + RespFrames.show(actual));
                }
            }
        }
        assertThat(mismatches).as("what connections received, unlike Redis").isEmpty();
    }

    private record Step(int lineNo, String text, String flags, Map<String, byte[]> output) {
    }

    private static List<Step> run(ServerProcess server, List<String> lines) throws IOException {
        Set<String> names = new TreeSet<>();
        for (String line : lines) {
            Matcher m = STEP.matcher(line.strip());
            if (m.matches() && !line.strip().startsWith("#")) {
                names.add(m.group(1));
            }
        }
        Map<String, RawConnection> conns = new LinkedHashMap<>();
        Map<String, String> ids = new LinkedHashMap<>();
        List<Step> steps = new ArrayList<>();
        RawConnection admin = server.connect(); // not part of the script: waits for steps that answer nothing
        try {
            for (String n : names) {
                RawConnection c = server.connect();
                conns.put(n, c);
                String reply = new String(c.call("CLIENT", "ID"), StandardCharsets.US_ASCII);
                ids.put(n, reply.substring(1, reply.length() - 2));
            }
            conns.values().iterator().next().call("FLUSHALL");
            Set<String> skip = new HashSet<>();
            Set<String> inMulti = new HashSet<>();
            Set<String> closed = new HashSet<>();
            int lineNo = 0;
            for (String raw : lines) {
                lineNo++;
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                Matcher m = STEP.matcher(line);
                if (!m.matches()) {
                    throw new IllegalArgumentException("line " + lineNo + " is not a step: " + line);
                }
                String n = m.group(1);
                String flags = m.group(2);
                List<byte[]> args = new ArrayList<>();
                for (byte[] a : RespRequestParser.splitArgs(m.group(3).getBytes(StandardCharsets.UTF_8))) {
                    String s = new String(a, StandardCharsets.ISO_8859_1);
                    for (Map.Entry<String, String> id : ids.entrySet()) {
                        s = s.replace("$" + id.getKey(), id.getValue());
                    }
                    args.add(s.getBytes(StandardCharsets.ISO_8859_1));
                }
                RawConnection c = conns.get(n);
                c.send(RawConnection.encode(args));
                String verb = new String(args.get(0), StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
                if (verb.equals("multi")) {
                    inMulti.add(n);
                } else if (verb.equals("exec") || verb.equals("discard")) {
                    inMulti.remove(n);
                }
                // The step's first frame is read before any barrier: the server has then answered the command
                // (and flushed what it sends at the end of that turn), whatever the network did with the barrier.
                ByteArrayOutputStream first = new ByteArrayOutputStream();
                String digits = flags.replaceAll("[^0-9]", "");
                int expect = !digits.isEmpty() ? Integer.parseInt(digits) : flags.contains("~") ? 0 : 1;
                for (int i = 0; i < expect; i++) {
                    first.writeBytes(c.read());
                }
                if (verb.equals("quit")) {
                    closed.add(n);
                }
                if (flags.contains("~")) {
                    skip.add(n);
                    if (digits.isEmpty()) {
                        awaitProcessed(admin, ids.get(n), verb);
                    }
                } else {
                    skip.remove(n);
                }
                Map<String, byte[]> out = new LinkedHashMap<>();
                List<String> order = new ArrayList<>();
                order.add(n);
                names.stream().filter(x -> !x.equals(n)).forEach(order::add);
                for (String x : order) {
                    if (!skip.contains(x) && !inMulti.contains(x) && !closed.contains(x)) {
                        out.put(x, barrier(conns.get(x)));
                    }
                }
                if (first.size() > 0) {
                    first.writeBytes(out.getOrDefault(n, new byte[0]));
                    out.put(n, first.toByteArray());
                }
                if (flags.contains("=")) {
                    for (Map.Entry<String, byte[]> e : out.entrySet()) {
                        String s = new String(e.getValue(), StandardCharsets.ISO_8859_1);
                        for (Map.Entry<String, String> id : ids.entrySet()) {
                            s = s.replace(":" + id.getValue() + "\r\n", ":$" + id.getKey() + "\r\n");
                        }
                        e.setValue(s.getBytes(StandardCharsets.ISO_8859_1));
                    }
                }
                steps.add(new Step(lineNo, line, flags, normalized(out)));
            }
            Map<String, byte[]> end = new LinkedHashMap<>();
            for (String x : names) {
                if (!closed.contains(x)) {
                    end.put(x, barrier(conns.get(x)));
                }
            }
            steps.add(new Step(lineNo + 1, "(end of script)", "", normalized(end)));
        } finally {
            conns.values().forEach(RawConnection::close);
            admin.close();
        }
        return steps;
    }

    /**
     * A step that gets no answer (its client blocks, or its replies are off) cannot be followed by a barrier on its
     * connection: CLIENT LIST shows when the server has run it (its command is the last one, nothing is left unread).
     */
    private static void awaitProcessed(RawConnection admin, String id, String verb) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
            String line = new String(admin.call("CLIENT", "LIST", "ID", id), StandardCharsets.ISO_8859_1);
            Matcher cmd = Pattern.compile(" cmd=(\\S+)").matcher(line);
            Matcher qbuf = Pattern.compile(" qbuf=(\\d+)").matcher(line);
            return cmd.find() && qbuf.find() && qbuf.group(1).equals("0")
                    && (cmd.group(1).startsWith(verb) || cmd.group(1).equals("NULL"));
        });
    }

    /** Sends {@code PING barrier} and returns everything received before its answer. */
    private static byte[] barrier(RawConnection c) {
        c.send(RawConnection.encode("PING", "barrier"));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (true) {
            byte[] frame = c.read();
            if (Arrays.equals(frame, BARRIER_REPLIES[0]) || Arrays.equals(frame, BARRIER_REPLIES[1])) {
                return got.toByteArray();
            }
            got.writeBytes(frame);
        }
    }

    private static Map<String, byte[]> normalized(Map<String, byte[]> out) {
        Map<String, byte[]> result = new LinkedHashMap<>();
        out.forEach((k, v) -> result.put(k, MONITOR_LINE.matcher(new String(v, StandardCharsets.ISO_8859_1))
                .replaceAll("+TIME [$1 CLIENT]").getBytes(StandardCharsets.ISO_8859_1)));
        return result;
    }
}
