package dev.chorus.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.OraclePair;
import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the geo commands put on the replication stream, read by a replica connection (SYNC) on redis-server and on
 * the node and compared: GEOADD goes out as the ZADD it was rewritten into (lowercase "zadd", options kept, scores
 * as integers), only when it changed something; the STORE variants go out as they were received, also when they only
 * deleted the destination; read-only searches send nothing; inside MULTI the same, wrapped in MULTI/EXEC.
 */
class GeoPropagationIT {
    @RegisterExtension
    static final OraclePair servers = new OraclePair();

    private static final String[][] COMMANDS = {
        {"GEOADD", "pk", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"},
        {"GEOADD", "pk", "13.361389", "38.115556", "Palermo"},
        {"GEOADD", "pk", "xx", "ch", "13.4", "38.115556", "Palermo"},
        {"GEOADD", "pk", "nx", "13.4", "38.1", "Palermo", "1", "1", "new"},
        {"GEOADD", "pk", "CH", "NX", "2", "2", "new2"},
        {"GEOADD", "pk", "200", "2", "bad"},
        {"GEORADIUS", "pk", "15", "37", "200", "km"},
        {"GEORADIUS_RO", "pk", "15", "37", "200", "km"},
        {"GEOSEARCH", "pk", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"},
        {"GEORADIUS", "pk", "15", "37", "200", "km", "store", "pdst"},
        {"GEOSEARCHSTORE", "pdst2", "pk", "fromlonlat", "15", "37", "byradius", "200", "km", "storedist"},
        {"GEORADIUS", "pk", "15", "37", "1", "km", "store", "pdst"},
        {"GEORADIUS", "nokey", "15", "37", "1", "km", "store", "pdst2"},
        {"GEORADIUS", "nokey", "15", "37", "1", "km", "store", "pdst2"},
        {"GEORADIUSBYMEMBER", "pk", "Palermo", "100", "km", "storedist", "pdst3"},
        {"MULTI"},
        {"GEOADD", "pk", "3", "3", "m3"},
        {"GEORADIUS", "pk", "15", "37", "200", "km", "store", "pdst4"},
        {"GEOADD", "pk", "3", "3", "m3"},
        {"EXEC"},
        {"SET", "end", "marker"},
    };

    @Test
    void replicationStreamIsRedis() throws IOException {
        List<String> redis = stream(servers.redis());
        List<String> node = stream(servers.node());
        assertThat(redis).as("redis-server's stream").anyMatch(c -> c.startsWith("zadd pk xx ch "))
                .anyMatch(c -> c.startsWith("GEOSEARCHSTORE pdst2 pk"));
        assertThat(node).isEqualTo(redis);
    }

    /** Connects as a replica, runs the commands on another connection and returns the commands streamed. */
    private static List<String> stream(ServerProcess server) throws IOException {
        try (RawConnection admin = server.connect()) {
            admin.call("FLUSHALL");
        }
        try (Socket replica = new Socket("127.0.0.1", server.port())) {
            replica.setSoTimeout(200);
            InputStream in = new BufferedInputStream(replica.getInputStream());
            replica.getOutputStream().write("SYNC\r\n".getBytes(StandardCharsets.US_ASCII));
            skipRdb(in);
            try (RawConnection c = server.connect()) {
                for (String[] command : COMMANDS) {
                    c.call(command);
                }
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> {
                readAvailable(in, received);
                return received.toString(StandardCharsets.ISO_8859_1).contains("$6\r\nmarker\r\n");
            });
            List<String> commands = parse(new java.io.ByteArrayInputStream(received.toByteArray()));
            commands.removeIf(c -> c.equalsIgnoreCase("ping"));
            return commands;
        }
    }

    private static void skipRdb(InputStream in) throws IOException {
        Awaitility.await().atMost(10, TimeUnit.SECONDS).ignoreExceptions().until(() -> {
            in.mark(1);
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
