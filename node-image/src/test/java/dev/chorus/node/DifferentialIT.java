package dev.chorus.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.resp.RespRequestParser;
import dev.chorus.node.testing.OraclePair;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.RespFrames;
import dev.chorus.node.testing.ServerProcess;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Redis is the oracle: every script under src/test/resources/differential runs line by line against a real
 * redis-server and the node, and each reply must be the same bytes. Line prefixes loosen the comparison only where
 * Redis itself is not deterministic: {@code !sorted} compares arrays as multisets at every depth (hash-table order),
 * {@code !type} compares only the reply type (TTLs, ids, timestamps), {@code !shape} the types and aggregate lengths at
 * every depth but no scalar values (SLOWLOG GET: ids, times, durations and client addresses differ).
 */
class DifferentialIT {
    @RegisterExtension
    static final OraclePair servers = new OraclePair("--enable-debug-command", "yes"); // debug.redis needs it

    @TestFactory
    Stream<DynamicTest> scripts() throws IOException, URISyntaxException {
        Path dir = Path.of(DifferentialIT.class.getResource("/differential").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            String only = System.getProperty("differential.only", ""); // e.g. -Ddifferential.only=scripting
            files = s.filter(p -> p.toString().endsWith(".redis"))
                    .filter(p -> p.getFileName().toString().contains(only)).sorted().toList();
        }
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f)));
    }

    private void run(Path script) throws IOException {
        for (ServerProcess s : List.of(servers.redis(), servers.node())) {
            try (RawConnection admin = s.connect()) {
                admin.call("FLUSHALL");
            }
        }
        List<String> mismatches = new ArrayList<>();
        try (RawConnection r = servers.redis().connect(); RawConnection n = servers.node().connect()) {
            int lineNo = 0;
            for (String line : Files.readAllLines(script, StandardCharsets.UTF_8)) {
                lineNo++;
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String mode = "exact";
                if (trimmed.startsWith("!")) {
                    int sp = trimmed.indexOf(' ');
                    mode = trimmed.substring(1, sp);
                    trimmed = trimmed.substring(sp + 1).strip();
                }
                List<byte[]> args = RespRequestParser.splitArgs(trimmed.getBytes(StandardCharsets.UTF_8));
                byte[] expected = r.call(args);
                byte[] actual = n.call(args);
                if (!same(mode, expected, actual)) {
                    mismatches.add(script.getFileName() + ":" + lineNo + " `" + trimmed + "`\n    redis: "
                            + RespFrames.show(expected) + "\n    node:  " + RespFrames.show(actual));
                }
            }
        }
        assertThat(mismatches).as("replies that differ from Redis").isEmpty();
    }

    private static boolean same(String mode, byte[] expected, byte[] actual) {
        return switch (mode) {
            case "exact" -> java.util.Arrays.equals(expected, actual);
            case "type" -> expected.length > 0 && actual.length > 0 && expected[0] == actual[0];
            case "sorted" -> sortedElements(expected).equals(sortedElements(actual));
            case "shape" -> shape(expected).equals(shape(actual));
            default -> throw new IllegalArgumentException("unknown line mode !" + mode);
        };
    }

    /** The reply's types and aggregate lengths, scalar values left out. */
    private static String shape(byte[] frame) {
        try {
            return shape(new java.io.ByteArrayInputStream(frame));
        } catch (IOException e) {
            return "unparseable: " + RespFrames.show(frame);
        }
    }

    private static String shape(java.io.InputStream in) throws IOException {
        byte[] frame = RespFrames.readFrame(in);
        char type = (char) frame[0];
        if (type != '*' && type != '~' && type != '%' && type != '>') {
            return String.valueOf(type);
        }
        String s = new String(frame, StandardCharsets.ISO_8859_1);
        String header = s.substring(0, s.indexOf("\r\n"));
        var body = new java.io.ByteArrayInputStream(frame, header.length() + 2, frame.length - header.length() - 2);
        StringBuilder sb = new StringBuilder(header).append('[');
        while (body.available() > 0) {
            sb.append(shape(body)).append(',');
        }
        return sb.append(']').toString();
    }

    /** A canonical form where the elements of every array (at any depth) are sorted: order-insensitive equality. */
    private static String sortedElements(byte[] frame) {
        try {
            return canonical(new java.io.ByteArrayInputStream(frame));
        } catch (IOException e) {
            return "unparseable: " + RespFrames.show(frame);
        }
    }

    private static String canonical(java.io.InputStream in) throws IOException {
        byte[] frame = RespFrames.readFrame(in);
        char type = (char) frame[0];
        if (type != '*' && type != '~' && type != '%') {
            return RespFrames.show(frame);
        }
        String s = new String(frame, StandardCharsets.ISO_8859_1);
        String header = s.substring(0, s.indexOf("\r\n"));
        var body = new java.io.ByteArrayInputStream(frame, header.length() + 2, frame.length - header.length() - 2);
        List<String> parts = new ArrayList<>();
        while (body.available() > 0) {
            parts.add(canonical(body));
        }
        parts.sort(null);
        return header + parts;
    }
}
