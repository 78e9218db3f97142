package dev.chorus.node.persistence;

import dev.chorus.node.store.Database;
import dev.chorus.node.store.Keyspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/** Foreground saves (SAVE, SHUTDOWN SAVE, FLUSHALL with save points): the server thread writes the whole file. */
public final class RdbSave {
    private RdbSave() {
    }

    /** Writes every key of {@code keyspace} to {@code target} (server thread). */
    public static RdbSnapshot.Outcome save(Keyspace keyspace, RdbValueCodec codec, Map<String, String> aux,
                                           boolean compression, RdbSnapshot.Target target) {
        return save(keyspace, codec, aux, compression, 0, target);
    }

    /** {@code keySaveDelay}: microseconds slept after each key (rdb-key-save-delay). */
    public static RdbSnapshot.Outcome save(Keyspace keyspace, RdbValueCodec codec, Map<String, String> aux,
                                           boolean compression, int keySaveDelay, RdbSnapshot.Target target) {
        long start = System.currentTimeMillis();
        RdbWriter writer = null;
        try {
            writer = new RdbWriter(target.open(), codec, compression).keySaveDelay(keySaveDelay)
                    .resizeHint(db -> new long[] {keyspace.db(db).size(), keyspace.db(db).expiresCount()});
            writer.writeHeader(aux);
            for (int i = 0; i < keyspace.databases(); i++) {
                Database db = keyspace.db(i);
                if (db.size() == 0) {
                    continue;
                }
                final int index = i;
                final RdbWriter w = writer;
                db.forEach(e -> {
                    try {
                        w.writeKey(index, e.key(), e.value(), e.expireAt());
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                });
            }
            writer.finish();
            target.commit();
            return new RdbSnapshot.Outcome(RdbSnapshot.Status.OK, writer.keysWritten(), writer.bytesWritten(), start,
                    System.currentTimeMillis(), null);
        } catch (IOException | RuntimeException e) {
            target.abort();
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            return new RdbSnapshot.Outcome(RdbSnapshot.Status.FAILED, writer == null ? 0 : writer.keysWritten(),
                    writer == null ? 0 : writer.bytesWritten(), start, System.currentTimeMillis(), cause);
        }
    }

    /** SAVE to {@code dir/dbfilename} (temp file, fsync, rename). */
    public static RdbSnapshot.Outcome saveToFile(Keyspace keyspace, RdbValueCodec codec, Map<String, String> aux,
                                                 boolean compression, Path dir, String dbfilename) {
        return saveToFile(keyspace, codec, aux, compression, 0, dir, dbfilename);
    }

    /** {@link #saveToFile} sleeping {@code keySaveDelay} microseconds after each key (rdb-key-save-delay). */
    public static RdbSnapshot.Outcome saveToFile(Keyspace keyspace, RdbValueCodec codec, Map<String, String> aux,
                                                 boolean compression, int keySaveDelay, Path dir,
                                                 String dbfilename) {
        return save(keyspace, codec, aux, compression, keySaveDelay, new RdbFileTarget(dir, dbfilename));
    }
}
