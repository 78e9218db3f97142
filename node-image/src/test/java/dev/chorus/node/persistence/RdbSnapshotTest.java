package dev.chorus.node.persistence;

import static dev.chorus.node.persistence.ModelValues.Value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.store.Database;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.Keyspace;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RdbSnapshotTest {
    /** The test thread plays the server thread: work posted by the writer runs when the test drains it. */
    private final ConcurrentLinkedQueue<Runnable> posted = new ConcurrentLinkedQueue<>();
    private final Executor serverThread = posted::add;

    private void runPosted() {
        Runnable r;
        while ((r = posted.poll()) != null) {
            r.run();
        }
    }

    /** Writes into memory; can be told to fail or to block. */
    static final class MemoryTarget implements RdbSnapshot.Target {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        volatile boolean committed;
        volatile boolean aborted;
        volatile boolean failOpen;
        final CountDownLatch release = new CountDownLatch(0);

        @Override
        public OutputStream open() throws IOException {
            if (failOpen) {
                throw new IOException("disk on fire");
            }
            return bytes;
        }

        @Override
        public void commit() {
            committed = true;
        }

        @Override
        public void abort() {
            aborted = true;
        }
    }

    private static Keyspace keyspace() {
        Keyspace ks = new Keyspace(16);
        Database db = ks.db(0);
        for (int i = 0; i < 500; i++) {
            db.set(ModelValues.bytes("k" + i), ModelValues.bytes("v" + i), i % 7 == 0 ? 4_000_000_000_000L + i : 0);
        }
        db.set(ModelValues.bytes("list"), Value.list(List.of("1", "2", "3")), 0);
        ks.db(5).set(ModelValues.bytes("h"), Value.hash(Map.of("f", "v")), 0);
        return ks;
    }

    private static Map<Integer, Map<String, ModelValues.Key>> contents(Keyspace ks) {
        Map<Integer, Map<String, ModelValues.Key>> out = new TreeMap<>();
        for (int i = 0; i < ks.databases(); i++) {
            final int db = i;
            ks.db(i).forEach(e -> out.computeIfAbsent(db, d -> new TreeMap<>())
                    .put(ModelValues.text(e.key()), ModelValues.Key.of(
                            e.value() instanceof Value v ? v.copy() : e.value(), e.expireAt())));
        }
        return out;
    }

    @Test
    void capturesThePointInTimeWhileCommandsChangeTheKeyspace() throws IOException {
        Keyspace ks = keyspace();
        var before = contents(ks);
        MemoryTarget target = new MemoryTarget();
        AtomicReference<RdbSnapshot.Outcome> outcome = new AtomicReference<>();
        RdbSnapshot snap = RdbSnapshot.start(ks, ModelValues.INSTANCE, RdbWriter.standardAux(0, null, 0, 0), true,
                target, serverThread, outcome::set);

        snap.step(10);
        // Commands run between steps: new keys, deletes, overwrites, in-place collection changes.
        Database db = ks.db(0);
        db.set(ModelValues.bytes("brand-new"), ModelValues.bytes("x"), 0);
        db.delete(ModelValues.bytes("k1"));
        db.set(ModelValues.bytes("k2"), ModelValues.bytes("changed"), 0);
        KeyEntry list = db.lookup(ModelValues.bytes("list"));
        Value mutable = db.mutable(list);
        mutable.list.add("4");
        db.changed(list);
        ks.db(5).flush();

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(2)).until(() -> {
            snap.step(50);
            runPosted();
            return outcome.get() != null;
        });
        assertThat(outcome.get().status()).isEqualTo(RdbSnapshot.Status.OK);
        assertThat(outcome.get().keys()).isEqualTo(502);
        assertThat(target.committed).isTrue();
        assertThat(ks.activeSnapshot()).isNull();
        assertThat(snap.inProgress()).isFalse();

        RdbLoadResult loaded = new RdbLoader(ModelValues.INSTANCE, 16)
                .load(new ByteArrayInputStream(target.bytes.toByteArray()));
        assertThat(ModelValues.canonical(loaded.keys())).isEqualTo(before);
        // ...while the live keyspace has the changes.
        assertThat(((Value) db.get(ModelValues.bytes("list"))).list).containsExactly("1", "2", "3", "4");
    }

    @Test
    void aFailingTargetEndsTheSnapshotWithFailed() {
        Keyspace ks = keyspace();
        MemoryTarget target = new MemoryTarget();
        target.failOpen = true;
        AtomicReference<RdbSnapshot.Outcome> outcome = new AtomicReference<>();
        RdbSnapshot snap = RdbSnapshot.start(ks, ModelValues.INSTANCE, Map.of(), true, target, serverThread,
                outcome::set);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(2)).until(() -> {
            snap.step(50);
            runPosted();
            return outcome.get() != null;
        });
        assertThat(outcome.get().status()).isEqualTo(RdbSnapshot.Status.FAILED);
        assertThat(outcome.get().error()).hasMessage("disk on fire");
        assertThat(target.aborted).isTrue();
        assertThat(ks.activeSnapshot()).isNull();
        assertThat(snap.step(10)).isTrue();
    }

    @Test
    void cancelAbortsAndStillReportsOnTheServerThread() {
        Keyspace ks = keyspace();
        MemoryTarget target = new MemoryTarget();
        AtomicReference<RdbSnapshot.Outcome> outcome = new AtomicReference<>();
        RdbSnapshot snap = RdbSnapshot.start(ks, ModelValues.INSTANCE, Map.of(), true, target, serverThread,
                outcome::set);
        snap.step(5);
        snap.cancel();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(2)).until(() -> {
            runPosted();
            return outcome.get() != null;
        });
        assertThat(outcome.get().status()).isEqualTo(RdbSnapshot.Status.CANCELLED);
        assertThat(target.aborted).isTrue();
        assertThat(target.committed).isFalse();
        assertThat(ks.activeSnapshot()).isNull();
    }

    @Test
    void foregroundSaveWritesTheFileAtomically(@TempDir Path dir) throws IOException {
        Keyspace ks = keyspace();
        Files.writeString(dir.resolve("dump.rdb"), "old");
        RdbSnapshot.Outcome o = RdbSave.saveToFile(ks, ModelValues.INSTANCE, RdbWriter.standardAux(0, null, 0, 0),
                true, dir, "dump.rdb");
        assertThat(o.ok()).isTrue();
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactly("dump.rdb");
        RdbLoadResult loaded = new RdbLoader(ModelValues.INSTANCE, 16).load(dir.resolve("dump.rdb"));
        assertThat(ModelValues.canonical(loaded.keys())).isEqualTo(contents(ks));
    }

    @Test
    void aFailedFileSaveKeepsThePreviousDump(@TempDir Path dir) throws IOException {
        Keyspace ks = keyspace();
        Files.writeString(dir.resolve("dump.rdb"), "old");
        Path missing = dir.resolve("no-such-dir");
        RdbSnapshot.Outcome o = RdbSave.saveToFile(ks, ModelValues.INSTANCE, Map.of(), true, missing, "dump.rdb");
        assertThat(o.ok()).isFalse();
        assertThat(o.error().getMessage()).startsWith("Failed opening the temp RDB file temp-");
        assertThat(Files.readString(dir.resolve("dump.rdb"))).isEqualTo("old");
    }

    @Test
    void backgroundSaveToFile(@TempDir Path dir) throws IOException {
        Keyspace ks = keyspace();
        var before = contents(ks);
        AtomicReference<RdbSnapshot.Outcome> outcome = new AtomicReference<>();
        RdbSnapshot snap = RdbSnapshot.start(ks, ModelValues.INSTANCE, RdbWriter.standardAux(0, null, 0, 0), true,
                new RdbFileTarget(dir, "dump.rdb"), serverThread, outcome::set);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(2)).until(() -> {
            snap.step(100);
            runPosted();
            return outcome.get() != null;
        });
        assertThat(outcome.get().ok()).isTrue();
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactly("dump.rdb");
        assertThat(ModelValues.canonical(new RdbLoader(ModelValues.INSTANCE, 16).load(dir.resolve("dump.rdb")).keys()))
                .isEqualTo(before);
    }

    @Test
    void loadedKeysApplyToAKeyspace() throws IOException {
        Keyspace source = keyspace();
        MemoryTarget target = new MemoryTarget();
        RdbSave.save(source, ModelValues.INSTANCE, Map.of(), true, target);
        RdbLoadResult loaded = new RdbLoader(ModelValues.INSTANCE, 16)
                .load(new ByteArrayInputStream(target.bytes.toByteArray()));
        Keyspace fresh = new Keyspace(16);
        loaded.keys().applyTo(fresh);
        assertThat(contents(fresh)).isEqualTo(contents(source));
        assertThat(fresh.db(0).expiresCount()).isEqualTo(source.db(0).expiresCount());
    }
}
