package dev.chorus.node.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.store.Database;
import dev.chorus.node.store.HashValue;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.Keyspace;
import dev.chorus.node.store.ListValue;
import dev.chorus.node.store.SetValue;
import dev.chorus.node.store.ZSetValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The store's real collections under a background snapshot: the server thread keeps mutating in place (through
 * Database.mutable) while the writer thread serializes, and the file must hold exactly the point-in-time contents.
 */
class SnapshotStressTest {
    private static byte[] b(String s) {
        return ModelValues.bytes(s);
    }

    private static void populate(Keyspace ks, Random rnd) {
        for (int i = 0; i < 400; i++) {
            Database db = ks.db(i % 4);
            db.set(b("s" + i), b("v" + rnd.nextInt()), 0);
            ListValue l = new ListValue();
            SetValue s = new SetValue();
            HashValue h = new HashValue();
            ZSetValue z = new ZSetValue();
            for (int j = 0; j < 1 + rnd.nextInt(300); j++) {
                l.addLast(b("e" + j));
                s.add(b(Integer.toString(rnd.nextInt(1000))));
                h.put(b("f" + j), b("x" + rnd.nextInt(100)));
                byte[] m = b("m" + rnd.nextInt(1000));
                if (!z.contains(m)) {
                    z.insert(m, rnd.nextInt(100) / 4.0);
                }
            }
            db.set(b("l" + i), l, 0);
            db.set(b("set" + i), s, 0);
            db.set(b("h" + i), h, 0);
            db.set(b("z" + i), z, rnd.nextBoolean() ? 0 : 4_000_000_000_000L + i);
        }
    }

    private static void mutate(Keyspace ks, Random rnd) {
        Database db = ks.db(rnd.nextInt(4));
        int i = rnd.nextInt(400);
        switch (rnd.nextInt(7)) {
            case 0 -> db.set(b("s" + i), b("changed" + rnd.nextInt()), 0);
            case 1 -> db.delete(b("l" + i));
            case 2 -> {
                KeyEntry e = db.lookup(b("l" + i));
                if (e != null) {
                    ListValue l = db.mutable(e);
                    l.addFirst(b("new"));
                    l.pollLast();
                    db.changed(e);
                }
            }
            case 3 -> {
                KeyEntry e = db.lookup(b("h" + i));
                if (e != null) {
                    HashValue h = db.mutable(e);
                    h.put(b("f0"), b("overwritten"));
                    h.put(b("brand-new-" + rnd.nextInt()), b("x".repeat(100))); // may convert to hashtable
                    db.changed(e);
                }
            }
            case 4 -> {
                KeyEntry e = db.lookup(b("set" + i));
                if (e != null) {
                    SetValue s = db.mutable(e);
                    s.add(b("not-an-int")); // converts an intset
                    db.changed(e);
                }
            }
            case 5 -> {
                KeyEntry e = db.lookup(b("z" + i));
                if (e != null) {
                    ZSetValue z = db.mutable(e);
                    z.insert(b("zz" + rnd.nextLong()), rnd.nextDouble());
                    db.changed(e);
                }
            }
            default -> db.set(b("fresh" + rnd.nextInt()), b("f"), 0);
        }
    }

    private static Map<Integer, Map<String, ModelValues.Key>> contents(Keyspace ks) throws IOException {
        Map<Integer, Map<String, ModelValues.Key>> out = new TreeMap<>();
        for (int db = 0; db < ks.databases(); db++) {
            Map<String, ModelValues.Key> m = new TreeMap<>();
            ks.db(db).forEach(e -> {
                try {
                    m.put(ModelValues.text(e.key()), new ModelValues.Key(RdbRoundTripIT.canonicalStore(e.value()),
                            e.expireAt()));
                } catch (IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
            if (!m.isEmpty()) {
                out.put(db, m);
            }
        }
        return out;
    }

    /** A stream that is slow now and then, so the scan outruns the writer and back-pressure kicks in. */
    static final class SlowStream extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int writes;

        @Override
        public void write(int b) {
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (++writes % 3 == 0) {
                long until = System.nanoTime() + 2_000_000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }
            bytes.write(b, off, len);
        }
    }

    @Test
    void pointInTimeUnderConcurrentMutation() throws Exception {
        ScheduledExecutorService serverThread = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int round = 0; round < 3; round++) {
                Random rnd = new Random(round);
                Keyspace ks = new Keyspace(16);
                SlowStream out = new SlowStream();
                CompletableFuture<RdbSnapshot.Outcome> done = new CompletableFuture<>();
                RdbSnapshot[] snapshot = new RdbSnapshot[1];
                var expected = serverThread.submit(() -> {
                    populate(ks, rnd);
                    var before = contents(ks);
                    snapshot[0] = RdbSnapshot.start(ks, StoreValueCodec.INSTANCE, Map.of(), true,
                            new RdbSnapshot.Target() {
                                @Override
                                public OutputStream open() {
                                    return out;
                                }

                                @Override
                                public void commit() {
                                }

                                @Override
                                public void abort() {
                                }
                            }, serverThread, done::complete);
                    return before;
                }).get(30, TimeUnit.SECONDS);
                // Commands keep arriving on the server thread between small capture steps, as in the server loop
                // (stepping by hand instead of driveOn makes the interleaving certain rather than timing-dependent).
                int batches = 0;
                while (!done.isDone()) {
                    batches++;
                    serverThread.submit(() -> {
                        snapshot[0].step(20);
                        for (int k = 0; k < 50; k++) {
                            mutate(ks, rnd);
                        }
                    }).get(30, TimeUnit.SECONDS);
                }
                assertThat(done.get().status()).isEqualTo(RdbSnapshot.Status.OK);
                assertThat(batches).as("mutation batches during the snapshot").isGreaterThan(5);
                RdbLoadResult r = new RdbLoader(StoreValueCodec.INSTANCE, 16)
                        .load(new ByteArrayInputStream(out.bytes.toByteArray()));
                Map<Integer, Map<String, ModelValues.Key>> loaded = new TreeMap<>();
                r.keys().forEach((db, key, value, expireAt) -> {
                    try {
                        loaded.computeIfAbsent(db, d -> new TreeMap<>()).put(ModelValues.text(key),
                                new ModelValues.Key(RdbRoundTripIT.canonicalStore(value), expireAt));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                assertThat(loaded).isEqualTo(expected);
            }
        } finally {
            serverThread.shutdownNow();
        }
    }
}
