package dev.chorus.node.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.awaitility.Awaitility;

/**
 * What a server puts on its replication stream, read by a replica connection (SYNC): the same scenario run on
 * redis-server and on the node gives two command lists to compare.
 */
public final class ReplicationStream {
    private ReplicationStream() {
    }

    /**
     * Flushes the server, connects as a replica, runs the scenario on another connection followed by a marker write
     * ({@code SET end marker}), and returns the commands streamed up to the marker, arguments joined by spaces, PINGs
     * left out.
     */
    public static List<String> commands(ServerProcess server, Consumer<RawConnection> scenario) throws IOException {
        try (RawConnection admin = server.connect()) {
            admin.call("FLUSHALL");
        }
        try (Socket replica = new Socket("127.0.0.1", server.port())) {
            replica.setSoTimeout(200);
            InputStream in = new BufferedInputStream(replica.getInputStream());
            replica.getOutputStream().write("SYNC\r\n".getBytes(StandardCharsets.US_ASCII));
            skipRdb(in);
            try (RawConnection c = server.connect()) {
                scenario.accept(c);
                c.call("SET", "end", "marker");
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> {
                readAvailable(in, received);
                return received.toString(StandardCharsets.ISO_8859_1).contains("$6\r\nmarker\r\n");
            });
            List<String> commands = parse(new ByteArrayInputStream(received.toByteArray()));
            commands.removeIf(c -> c.equalsIgnoreCase("ping"));
            return commands;
        }
    }

    private static void skipRdb(InputStream in) throws IOException {
        Awaitility.await().atMost(10, TimeUnit.SECONDS).ignoreExceptions().until(() -> {
            int b = in.read();
            if (b == '$') {
                return true;
            }
            if (b != '\n' && b != '\r') {
                throw new IllegalStateException("unexpected byte " + b);
            }
            return false;
        });
        long len = Long.parseLong(line(in));
        for (long i = 0; i < len; i++) {
            if (in.read() < 0) {
                throw new IOException("eof in rdb");
            }
        }
    }

    /** Appends what arrives until a read times out. */
    private static void readAvailable(InputStream in, ByteArrayOutputStream out) throws IOException {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // nothing more for now
        }
    }

    /** The commands of a replication stream, arguments joined by spaces (newlines between them are skipped). */
    private static List<String> parse(InputStream in) throws IOException {
        List<String> out = new ArrayList<>();
        int b;
        while ((b = in.read()) >= 0) {
            if (b != '*') {
                continue;
            }
            int n = Integer.parseInt(line(in));
            List<String> args = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                in.read(); // '$'
                int len = Integer.parseInt(line(in));
                byte[] arg = in.readNBytes(len);
                in.readNBytes(2);
                args.add(new String(arg, StandardCharsets.UTF_8));
            }
            out.add(String.join(" ", args));
        }
        return out;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("eof");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
