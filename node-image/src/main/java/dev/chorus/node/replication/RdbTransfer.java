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

    /**
     * Starts parsing an RDB that is still being written to {@code file} (server thread): report to the returned
     * {@link IncomingRdb} how far the file got, then {@link #install} it once the transfer is complete.
     */
    IncomingRdb receive(Path file) throws IOException;

    /**
     * Replaces the keyspace with what {@code incoming} parsed (server thread, after {@link IncomingRdb#finish}); waits
     * for the parse to end. A corrupt or incomplete RDB leaves the keyspace as it was and throws.
     */
    Loaded install(IncomingRdb incoming) throws IOException;

    /** An RDB being received and parsed at the same time. */
    interface IncomingRdb {
        /** The file now holds {@code bytes} bytes (written, not merely buffered). */
        void written(long bytes);

        /** The payload is complete: {@code length} bytes in all. */
        void finish(long length);

        /** The transfer failed or was dropped: stop parsing, keep nothing. */
        void abort();
    }

    /** The replication history an RDB was saved with (repl-id may be null). */
    record Loaded(String replId, long replOffset, long keys) {
    }
}
