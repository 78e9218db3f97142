package dev.chorus.node.persistence;

import dev.chorus.node.replication.RdbTransfer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A replica's full sync, parsed while it arrives: the server thread writes the payload to the temp file as it
 * receives it and says how far it got, and an "rdb-loader" thread reads the file behind it and builds the staged
 * keyspace at the same time. Nothing touches the live keyspace until {@link RdbPersistence#install} has the verified
 * result (checksum included), so a corrupt or cut transfer leaves the dataset as it was, exactly as loading the
 * finished file would.
 */
final class BackgroundLoad implements RdbTransfer.IncomingRdb {
    private final GrowingFileInput input;
    private final Thread thread;
    private volatile RdbLoadResult result;
    private volatile Throwable failure;
    private long payloadLength = -1;

    BackgroundLoad(RdbLoader loader, Path file) throws IOException {
        input = new GrowingFileInput(file);
        thread = new Thread(() -> {
            try (GrowingFileInput in = input) {
                result = loader.loadWhole(in);
            } catch (Throwable t) {
                failure = t;
            }
        }, "rdb-loader");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void written(long bytes) {
        input.available(bytes);
    }

    @Override
    public void finish(long length) {
        payloadLength = length;
        input.finish();
    }

    @Override
    public void abort() {
        input.abort();
    }

    /** Waits for the parse (server thread, after {@link #finish}); the result, or the reason it failed. */
    RdbLoadResult await() throws IOException {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof IOException e) {
            throw e;
        }
        if (failure != null) {
            throw new IOException(failure.toString(), failure);
        }
        if (payloadLength >= 0 && result.bytes() > payloadLength) {
            // Diskless framing: the parse went on into the EOF mark, which is not part of the RDB.
            throw new RdbFormatException("Unexpected EOF reading RDB file");
        }
        return result;
    }
}
