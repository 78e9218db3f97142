package dev.chorus.node.persistence;

import dev.chorus.node.replication.RdbTransfer;

import java.io.IOException;

/**
 * A replica's full sync, parsed while it arrives: the server thread passes the payload on as it receives it (besides
 * writing the temp file), and an "rdb-loader" thread builds the staged keyspace from it at the same time. Nothing
 * touches the live keyspace until {@link RdbPersistence#install} has the verified result (checksum included), so a
 * corrupt or cut transfer leaves the dataset as it was, exactly as loading the finished file would.
 */
final class BackgroundLoad implements RdbTransfer.IncomingRdb {
    private final ChunkPipe pipe = new ChunkPipe();
    private final Thread thread;
    private volatile RdbLoadResult result;
    private volatile Throwable failure;
    private long payloadLength = -1;

    BackgroundLoad(RdbLoader loader) {
        thread = new Thread(() -> {
            try {
                result = loader.loadWhole(pipe);
            } catch (Throwable t) {
                failure = t;
            } finally {
                pipe.readerDone();
            }
        }, "rdb-loader");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void write(byte[] b, int off, int len) {
        pipe.write(b, off, len);
    }

    @Override
    public void finish(long length) {
        payloadLength = length;
        pipe.finish();
    }

    @Override
    public void abort() {
        pipe.abort();
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
