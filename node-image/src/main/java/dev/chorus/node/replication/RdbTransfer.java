package dev.chorus.node.replication;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.function.Consumer;

/** What replication needs from persistence: stream a point-in-time RDB, and load a received one. */
public interface RdbTransfer {
    /**
     * Starts a point-in-time snapshot now (server thread) and writes it as RDB to {@code out} on a writer thread, with
     * aux fields repl-id/repl-offset set to the given history. {@code done} runs on the server thread with null on
     * success or the failure.
     */
    void writeSnapshot(OutputStream out, String replId, long replOffset, Consumer<Exception> done);

    /** Replaces the keyspace with the RDB file's contents (server thread). A corrupt file leaves the keyspace as it was. */
    Loaded load(Path file) throws IOException;

    /** The replication history an RDB was saved with (repl-id may be null). */
    record Loaded(String replId, long replOffset, long keys) {
    }
}
