package dev.chorus.node.persistence;

import static dev.chorus.node.persistence.ModelValues.Value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.Server;
import dev.chorus.node.config.Config;
import dev.chorus.node.config.Directives;
import dev.chorus.node.store.Keyspace;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The persistence service on a real Server, with a single-thread executor as the server thread. */
class RdbPersistenceTest {
    @TempDir
    Path dir;
    private ScheduledExecutorService loop;
    private Server server;
    private RdbPersistence persistence;

    @BeforeEach
    void start() throws Exception {
        Config config = new Config();
        config.set(Directives.DIR, dir.toString());
        server = new Server(config);
        loop = Executors.newSingleThreadScheduledExecutor();
        server.start(loop);
        persistence = onLoop(() -> new RdbPersistence(server, ModelValues.INSTANCE));
    }

    @AfterEach
    void stop() throws InterruptedException {
        loop.shutdownNow();
        loop.awaitTermination(5, TimeUnit.SECONDS);
    }

    private <T> T onLoop(Callable<T> c) throws Exception {
        return loop.submit(c).get(10, TimeUnit.SECONDS);
    }

    private void populate(int n) throws Exception {
        onLoop(() -> {
            Keyspace ks = server.keyspace();
            for (int i = 0; i < n; i++) {
                ks.db(i % 3).set(ModelValues.bytes("k" + i), ModelValues.bytes("v" + i), 0);
            }
            ks.db(0).set(ModelValues.bytes("list"), Value.list(List.of("a", "b")), 0);
            return null;
        });
    }

    @Test
    void bgsaveThenLoadAtStartup() throws Exception {
        populate(1000);
        assertThat(onLoop(() -> persistence.bgsave(false))).isEqualTo(RdbPersistence.BgsaveResult.STARTED);
        await().atMost(Duration.ofSeconds(10)).until(() -> !onLoop(persistence::snapshotInProgress));
        assertThat(dir.resolve("dump.rdb")).exists();
        String info = onLoop(persistence::info);
        assertThat(info).contains("rdb_bgsave_in_progress:0\n", "rdb_last_bgsave_status:ok\n", "rdb_saves:1\n");

        long total = onLoop(() -> server.keyspace().totalKeys());
        onLoop(() -> {
            server.keyspace().flushAll();
            return null;
        });
        RdbLoadResult r = onLoop(persistence::loadAtStartup);
        assertThat(r.keysLoaded()).isEqualTo(total);
        assertThat(onLoop(() -> server.keyspace().totalKeys())).isEqualTo(total);
        assertThat(onLoop(persistence::info)).contains("rdb_last_load_keys_loaded:" + total + "\n");
    }

    @Test
    void saveWritesTheFileAndResetsChanges() throws Exception {
        populate(10);
        onLoop(() -> {
            server.addDirty(10);
            return null;
        });
        assertThat(onLoop(persistence::save).ok()).isTrue();
        assertThat(onLoop(server::dirty)).isZero();
        RdbLoadResult r = new RdbLoader(ModelValues.INSTANCE, 16).load(dir.resolve("dump.rdb"));
        assertThat(r.keysLoaded()).isEqualTo(11);
        assertThat(r.aux()).containsEntry("redis-ver", "7.0.15").doesNotContainKey("repl-id");
    }

    @Test
    void saveInfoAddsReplicationHistory() throws Exception {
        populate(1);
        persistence.setSaveInfo(() -> new RdbPersistence.SaveInfo("f".repeat(40), 4242, 3));
        onLoop(persistence::save);
        RdbLoadResult r = new RdbLoader(ModelValues.INSTANCE, 16).load(dir.resolve("dump.rdb"));
        assertThat(r.replId()).isEqualTo("f".repeat(40));
        assertThat(r.replOffset()).isEqualTo(4242);
        assertThat(r.replStreamDb()).isEqualTo(3);
    }

    /** A replica's stream that blocks until released, so a snapshot stays in progress. */
    static final class GatedStream extends OutputStream {
        final CountDownLatch gate = new CountDownLatch(1);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        volatile boolean closed;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            bytes.write(b, off, len);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void oneSnapshotAtATimeAndWaitingReplicasAreServedAfter() throws Exception {
        populate(100);
        GatedStream first = new GatedStream();
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        AtomicReference<Object> firstDone = new AtomicReference<>();
        AtomicReference<Object> secondDone = new AtomicReference<>();
        onLoop(() -> {
            persistence.writeSnapshot(first, "a".repeat(40), 10, e -> firstDone.set(e == null ? "ok" : e));
            persistence.writeSnapshot(second, "a".repeat(40), 20, e -> secondDone.set(e == null ? "ok" : e));
            return null;
        });
        assertThat(onLoop(() -> persistence.bgsave(false)))
                .isEqualTo(RdbPersistence.BgsaveResult.ALREADY_IN_PROGRESS);
        assertThat(onLoop(persistence::info)).contains("rdb_bgsave_in_progress:1\n");
        first.gate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> "ok".equals(firstDone.get())
                && "ok".equals(secondDone.get()));
        assertThat(first.closed).isTrue();
        for (byte[] rdb : List.of(first.bytes.toByteArray(), second.toByteArray())) {
            RdbLoadResult r = new RdbLoader(ModelValues.INSTANCE, 16).load(new ByteArrayInputStream(rdb));
            assertThat(r.keysLoaded()).isEqualTo(101);
            assertThat(r.replId()).isEqualTo("a".repeat(40));
        }
        assertThat(new RdbLoader(ModelValues.INSTANCE, 16).load(new ByteArrayInputStream(second.toByteArray()))
                .replOffset()).isEqualTo(20);
    }

    @Test
    void aCorruptFileLeavesTheKeyspaceAsItWas() throws Exception {
        populate(10);
        onLoop(persistence::save);
        byte[] rdb = Files.readAllBytes(dir.resolve("dump.rdb"));
        rdb[rdb.length - 20] ^= 0x40;
        Path bad = dir.resolve("bad.rdb");
        Files.write(bad, rdb);
        onLoop(() -> {
            server.keyspace().db(0).set(ModelValues.bytes("only"), ModelValues.bytes("me"), 0);
            return null;
        });
        long before = onLoop(() -> server.keyspace().totalKeys());
        assertThatThrownBy(() -> onLoop(() -> persistence.load(bad)))
                .hasCauseInstanceOf(RdbFormatException.class);
        assertThat(onLoop(() -> server.keyspace().totalKeys())).isEqualTo(before);
    }

    /** Feeds {@code rdb} to a parse-while-receiving transfer in pieces of {@code piece} bytes, then installs it. */
    private dev.chorus.node.replication.RdbTransfer.Loaded receiveInPieces(byte[] rdb, int piece, byte[] trailer)
            throws Exception {
        Path file = dir.resolve("temp-transfer.rdb");
        Files.write(file, new byte[0]);
        var incoming = onLoop(() -> persistence.receive(file));
        byte[] payload = java.util.Arrays.copyOf(rdb, rdb.length + trailer.length);
        System.arraycopy(trailer, 0, payload, rdb.length, trailer.length);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int off = 0; off < payload.length; off += piece) {
                int len = Math.min(piece, payload.length - off);
                out.write(payload, off, len);
                long written = off + len;
                onLoop(() -> {
                    incoming.written(written);
                    return null;
                });
            }
        }
        return onLoop(() -> {
            incoming.finish(rdb.length);
            return persistence.install(incoming);
        });
    }

    @Test
    void aPayloadParsedWhileArrivingReplacesTheKeyspace() throws Exception {
        populate(3000);
        onLoop(persistence::save);
        byte[] rdb = Files.readAllBytes(dir.resolve("dump.rdb"));
        onLoop(() -> {
            server.keyspace().flushAll();
            server.keyspace().db(5).set(ModelValues.bytes("stale"), ModelValues.bytes("x"), 0);
            return null;
        });
        // A diskless payload's EOF mark follows the RDB in the same reads; it is not part of the RDB.
        var loaded = receiveInPieces(rdb, 777, new byte[40]);
        assertThat(loaded.keys()).isEqualTo(3001);
        assertThat(onLoop(() -> server.keyspace().totalKeys())).isEqualTo(3001);
        assertThat(onLoop(() -> server.keyspace().db(5).get(ModelValues.bytes("stale")))).isNull();
        assertThat(onLoop(() -> server.keyspace().db(1).get(ModelValues.bytes("k1")))).isEqualTo(ModelValues.bytes("v1"));
    }

    @Test
    void aCorruptOrShortPayloadLeavesTheKeyspaceAsItWas() throws Exception {
        populate(50);
        onLoop(persistence::save);
        byte[] rdb = Files.readAllBytes(dir.resolve("dump.rdb"));
        onLoop(() -> {
            server.keyspace().db(0).set(ModelValues.bytes("only"), ModelValues.bytes("me"), 0);
            return null;
        });
        long before = onLoop(() -> server.keyspace().totalKeys());
        byte[] corrupt = rdb.clone();
        corrupt[rdb.length - 20] ^= 0x40;
        assertThatThrownBy(() -> receiveInPieces(corrupt, 100, new byte[0])).hasCauseInstanceOf(RdbFormatException.class);
        assertThat(onLoop(() -> server.keyspace().totalKeys())).isEqualTo(before);
        // Cut short: the RDB needs bytes that never came.
        byte[] cut = java.util.Arrays.copyOf(rdb, rdb.length - 5);
        assertThatThrownBy(() -> receiveInPieces(cut, 64, new byte[0])).hasCauseInstanceOf(RdbFormatException.class);
        // The parse ran on into what the framing says is the EOF mark: not an RDB that ends inside the payload.
        Path whole = dir.resolve("whole.rdb");
        Files.write(whole, rdb);
        assertThatThrownBy(() -> onLoop(() -> {
            var incoming = persistence.receive(whole);
            incoming.written(rdb.length);
            incoming.finish(rdb.length - 3);
            return persistence.install(incoming);
        })).hasCauseInstanceOf(RdbFormatException.class);
        assertThat(onLoop(() -> server.keyspace().totalKeys())).isEqualTo(before);
        assertThat(onLoop(() -> server.keyspace().db(0).get(ModelValues.bytes("only")))).isEqualTo(ModelValues.bytes("me"));
    }

    @Test
    void anAbortedTransferStopsTheParser() throws Exception {
        Path file = dir.resolve("aborted.rdb");
        Files.write(file, "REDIS0010".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        var incoming = onLoop(() -> persistence.receive(file));
        onLoop(() -> {
            incoming.written(9);
            incoming.abort();
            return null;
        });
        assertThatThrownBy(() -> onLoop(() -> persistence.install(incoming))).hasCauseInstanceOf(IOException.class);
    }

    @Test
    void scheduledBgsaveStartsFromTheCron() throws Exception {
        populate(5);
        assertThat(onLoop(() -> persistence.bgsave(true))).isEqualTo(RdbPersistence.BgsaveResult.SCHEDULED);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve("dump.rdb"))
                && !onLoop(persistence::snapshotInProgress));
    }
}
