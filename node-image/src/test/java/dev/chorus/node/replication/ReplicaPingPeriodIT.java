package dev.chorus.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Redis' test harness (attach_to_replication_stream) sets repl-ping-replica-period 3600, sends SYNC and expects the
 * commands it runs next to be the first things in the stream. Redis pings replicas on multiples of the period of its
 * replication cron loop, so a replica that just attached gets no PING; checked on Redis and the node.
 */
class ReplicaPingPeriodIT {
    @Test
    void freshReplicaGetsNoPingWithinTheFirstSeconds() throws IOException {
        try (ServerProcess redis = ServerProcess.redis(); ServerProcess node = ServerProcess.node()) {
            for (ServerProcess s : new ServerProcess[] {redis, node}) {
                try (RawConnection c = s.connect(); Socket replica = new Socket("127.0.0.1", s.port())) {
                    c.callText("CONFIG", "SET", "repl-ping-replica-period", "3600");
                    OutputStream out = replica.getOutputStream();
                    out.write("SYNC\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    InputStream in = replica.getInputStream();
                    skipRdb(in);
                    // Three replication cron ticks: nothing may arrive (the node used to PING at the first one).
                    replica.setSoTimeout(3000);
                    String early = null;
                    try {
                        int b = in.read();
                        early = b < 0 ? "EOF" : Character.toString((char) b);
                    } catch (SocketTimeoutException expected) {
                        // nothing sent: right
                    }
                    assertThat(early).as(s.kind() + ": first byte of the stream before any command").isNull();
                    c.callText("SET", "foo", "bar");
                    replica.setSoTimeout(5000);
                    String stream = readAtLeast(in, "$3\r\nbar\r\n");
                    assertThat(stream).as(s.kind().name()).startsWith("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n");
                }
            }
        }
    }

    /** Reads "$<len>\r\n" (after any newlines the master sends while it prepares the RDB) and the payload. */
    private static void skipRdb(InputStream in) throws IOException {
        int b;
        do {
            b = in.read();
        } while (b == '\n');
        assertThat((char) b).isEqualTo('$');
        StringBuilder len = new StringBuilder();
        while ((b = in.read()) != '\r') {
            len.append((char) b);
        }
        in.read(); // \n
        long left = Long.parseLong(len.toString());
        while (left > 0) {
            long n = in.skip(left);
            if (n <= 0) {
                if (in.read() < 0) {
                    throw new IOException("EOF in the RDB payload");
                }
                n = 1;
            }
            left -= n;
        }
    }

    private static String readAtLeast(InputStream in, String until) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (!buf.toString(StandardCharsets.ISO_8859_1).contains(until)) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            buf.write(b);
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }
}
