package dev.chorus.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.RawConnection;
import dev.chorus.node.testing.ServerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A replica receiving a corrupt or truncated RDB from its master rejects it with a clear log line, keeps serving the
 * data it had (never a half-loaded or flushed dataset, and its dump.rdb stays as it was), and retries the sync.
 */
class CorruptTransferIT {
    @Test
    void aCorruptTransferIsRejectedRetriedAndNeverServedHalfLoaded() throws Exception {
        byte[] rdb = validRdbFromRedis();
        rdb[rdb.length / 2] ^= 0x5A; // one flipped byte: the CRC64 at the end no longer matches

        AtomicInteger syncAttempts = new AtomicInteger();
        try (ServerSocket fakeMaster = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             ServerProcess replica = ServerProcess.node("--save", "3600 1")) {
            Thread master = new Thread(() -> serveCorruptSyncs(fakeMaster, rdb, syncAttempts), "fake-master");
            master.setDaemon(true);
            master.start();
            try (RawConnection c = replica.connect()) {
                c.call("SET", "precious", "data");
                c.call("SAVE");
                byte[] dumpBefore = Files.readAllBytes(replica.dir().resolve("dump.rdb"));

                assertThat(c.callText("REPLICAOF", "127.0.0.1", Integer.toString(fakeMaster.getLocalPort())))
                        .isEqualTo("+OK\r\n");

                await("the replica retrying after rejecting the first corrupt transfer")
                        .atMost(Duration.ofSeconds(20)).until(() -> syncAttempts.get() >= 2);
                assertThat(replica.log()).contains("Failed trying to load the MASTER synchronization DB from disk");
                assertThat(c.callText("GET", "precious")).isEqualTo("$4\r\ndata\r\n");
                assertThat(Files.readAllBytes(replica.dir().resolve("dump.rdb"))).isEqualTo(dumpBefore);
            }
        }
    }

    /** An RDB written by real Redis, with a few keys. */
    private static byte[] validRdbFromRedis() throws IOException {
        try (ServerProcess redis = ServerProcess.redis(); RawConnection c = redis.connect()) {
            for (int i = 0; i < 50; i++) {
                c.call("SET", "key" + i, "value" + i);
            }
            c.call("SAVE");
            return Files.readAllBytes(redis.dir().resolve("dump.rdb"));
        }
    }

    /** Plays a master: answers the handshake, then +FULLRESYNC with the given (corrupt) payload, for every attempt. */
    private static void serveCorruptSyncs(ServerSocket server, byte[] payload, AtomicInteger attempts) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                OutputStream out = s.getOutputStream();
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("*") || line.startsWith("$")) {
                        continue; // RESP framing: act on the command names only
                    }
                    String cmd = line.toUpperCase();
                    if (cmd.equals("PING")) {
                        out.write("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
                    } else if (cmd.equals("REPLCONF")) {
                        out.write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
                    } else if (cmd.equals("PSYNC")) {
                        attempts.incrementAndGet();
                        out.write(("+FULLRESYNC " + "f".repeat(40) + " 0\r\n$" + payload.length + "\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        out.write(payload);
                    }
                    out.flush();
                }
            } catch (IOException e) {
                // the replica dropped the link (as it should after a corrupt transfer): wait for the next attempt
            }
        }
    }
}
