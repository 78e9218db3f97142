package dev.chorus.node.persistence;

import dev.chorus.node.store.Keyspace;
import dev.chorus.node.store.SnapshotCapture;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A background RDB save without fork(): the server thread captures the keyspace point-in-time in small steps
 * ({@link #step}, from the server cron) through {@link Keyspace#beginSnapshot}; a writer thread drains the captured
 * items into an {@link RdbWriter} on a {@link Target} (a file for BGSAVE, a socket for a replica's full sync).
 * When the writer is done, {@link Keyspace#endSnapshot} and the completion callback run on the server thread.
 *
 * <p>Items travel in batches ({@link #BATCH} items, or whatever a slice of the scan captured): one queue hand-over and
 * one wake-up per batch rather than per key. The scan pauses while more than {@link #MAX_QUEUED} items wait for the
 * writer; items captured because a command is about to change a key are always queued (the server thread never
 * blocks on the writer).
 */
public final class RdbSnapshot {
    static final int MAX_QUEUED = 10_000;
    /** Items per hand-over to the writer thread. */
    static final int BATCH = 1024;
    /** Short slices, each behind the loop's I/O: a command waits at most this long for the scan (p99 under BGSAVE). */
    private static final long SLICE_NANOS = 400_000;
    private static final int SLICE_STEP = 256;

    /** Where the RDB bytes go. */
    public interface Target {
        /** Called once, on the writer thread, before anything is written. */
        OutputStream open() throws IOException;

        /** Everything was written and flushed: make it durable/visible (fsync + rename for files). */
        void commit() throws IOException;

        /** The save failed or was cancelled: release resources and leave nothing partial behind. */
        void abort();
    }

    public enum Status { OK, FAILED, CANCELLED }

    /** How the save ended. {@code error} is set when FAILED. */
    public record Outcome(Status status, long keys, long bytes, long startMillis, long endMillis, Throwable error) {
        public boolean ok() {
            return status == Status.OK;
        }
    }

    /** Captured items on their way to the writer, in capture order. */
    private static final class Batch {
        final int[] dbs = new int[BATCH];
        final byte[][] keys = new byte[BATCH][];
        final Object[] values = new Object[BATCH];
        final long[] expireAts = new long[BATCH];
        int size;

        boolean full() {
            return size == BATCH;
        }

        void add(int db, byte[] key, Object value, long expireAt) {
            dbs[size] = db;
            keys[size] = key;
            values[size] = value;
            expireAts[size] = expireAt;
            size++;
        }
    }

    private static final Object END = new Object();

    private final Keyspace keyspace;
    private final RdbValueCodec codec;
    private final Map<String, String> aux;
    private final boolean compression;
    private int keySaveDelay;
    private final Target target;
    private final Executor serverThread;
    private final Consumer<Outcome> onDone;
    private final long startMillis = System.currentTimeMillis();
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    /** Items handed to the writer and not yet taken by it (back-pressure for the scan). */
    private final AtomicInteger queuedItems = new AtomicInteger();
    /** The batch the server thread is filling; handed over when full and at the end of every slice. */
    private Batch filling = new Batch();
    private final long[][] sizesAtStart;
    private SnapshotCapture capture;
    private Thread writerThread;
    private volatile boolean stopped;
    private volatile long keysWritten;
    private volatile long bytesWritten;
    private volatile boolean finished;

    private RdbSnapshot(Keyspace keyspace, RdbValueCodec codec, Map<String, String> aux, boolean compression,
                        Target target, Executor serverThread, Consumer<Outcome> onDone) {
        this.keyspace = keyspace;
        this.codec = codec;
        this.aux = new java.util.LinkedHashMap<>(aux);
        this.compression = compression;
        this.target = target;
        this.serverThread = serverThread;
        this.onDone = onDone;
        this.sizesAtStart = new long[keyspace.databases()][];
        for (int i = 0; i < keyspace.databases(); i++) {
            sizesAtStart[i] = new long[] {keyspace.db(i).size(), keyspace.db(i).expiresCount()};
        }
    }

    /**
     * Starts a background save (server thread). Throws IllegalStateException when another snapshot is running.
     *
     * @param aux          the aux fields to write, in order (see {@link RdbWriter#standardAux})
     * @param serverThread runs the completion on the server thread
     * @param onDone       called on the server thread once the snapshot has ended, whatever the outcome
     */
    public static RdbSnapshot start(Keyspace keyspace, RdbValueCodec codec, Map<String, String> aux,
                                    boolean compression, Target target, Executor serverThread,
                                    Consumer<Outcome> onDone) {
        return start(keyspace, codec, aux, compression, 0, target, serverThread, onDone);
    }

    /** {@code keySaveDelay}: microseconds the writer sleeps after each key (rdb-key-save-delay, read at the start). */
    public static RdbSnapshot start(Keyspace keyspace, RdbValueCodec codec, Map<String, String> aux,
                                    boolean compression, int keySaveDelay, Target target, Executor serverThread,
                                    Consumer<Outcome> onDone) {
        RdbSnapshot s = new RdbSnapshot(keyspace, codec, aux, compression, target, serverThread, onDone);
        s.keySaveDelay = keySaveDelay;
        s.capture = keyspace.beginSnapshot(s.new QueueSink());
        s.writerThread = new Thread(s::writeAll, "rdb-writer");
        s.writerThread.setDaemon(true);
        s.writerThread.start();
        return s;
    }

    /**
     * Captures about {@code budget} more entries (server thread; call it from the cron and, if you like, between
     * commands). Returns true once nothing is left to capture. Cheap when the writer is behind (the scan waits).
     */
    public boolean step(int budget) {
        if (stopped) {
            return true;
        }
        boolean done = capture.step(budget);
        handOver();
        return done;
    }

    /**
     * Keeps the capture going on {@code loop} (the server thread) without a cron: slices of about a millisecond,
     * yielding to commands between slices and backing off while the writer is behind. Call once, from the server
     * thread, right after {@link #start}. (Calling {@link #step} from a cron instead works just as well.)
     */
    public RdbSnapshot driveOn(ScheduledExecutorService loop) {
        loop.execute(() -> driveSlice(loop));
        return this;
    }

    private void driveSlice(ScheduledExecutorService loop) {
        if (stopped || capture.scanned()) {
            return;
        }
        long deadline = System.nanoTime() + SLICE_NANOS;
        boolean done;
        do {
            done = capture.step(SLICE_STEP);
        } while (!done && !writerBehind() && System.nanoTime() < deadline);
        // Also what commands captured since the last slice (copy-on-write items) goes out now.
        handOver();
        if (done || stopped) {
            return;
        }
        try {
            if (writerBehind()) {
                loop.schedule(() -> driveSlice(loop), 1, TimeUnit.MILLISECONDS);
            } else {
                // schedule, not execute: Netty runs queued tasks back to back for up to a second before it reads
                // sockets again, while a scheduled task waits for the next loop turn, after pending I/O.
                loop.schedule(() -> driveSlice(loop), 0, TimeUnit.MILLISECONDS);
            }
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    /** True while the writer has a full queue: the scan waits for it. */
    public boolean writerBehind() {
        return queuedItems.get() >= MAX_QUEUED;
    }

    /** True until the completion callback has run. */
    public boolean inProgress() {
        return !finished;
    }

    public long startMillis() {
        return startMillis;
    }

    /** The number of keys at the snapshot point (INFO's current_save_keys_total). */
    public long keysTotal() {
        long total = 0;
        for (long[] sizes : sizesAtStart) {
            total += sizes[0];
        }
        return total;
    }

    public long keysWritten() {
        return keysWritten;
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    /**
     * Stops the save (server thread; e.g. FLUSHALL, SHUTDOWN, a replica that went away). The completion callback
     * still follows, with CANCELLED, once the writer thread has let go of every captured value.
     */
    public void cancel() {
        if (!stopped) {
            stopped = true;
            queue.clear();
            filling = new Batch();
            writerThread.interrupt();
        }
    }

    /** Feeds captured items to the writer thread. Runs on the server thread. */
    private final class QueueSink implements SnapshotCapture.Sink {
        @Override
        public void item(int db, byte[] key, Object value, long expireAt) {
            if (!stopped) {
                filling.add(db, key, value, expireAt);
                if (filling.full()) {
                    handOver();
                }
            }
        }

        @Override
        public void complete() {
            handOver();
            queue.add(END);
        }

        @Override
        public boolean saturated() {
            return writerBehind();
        }
    }

    /** Passes the batch being filled to the writer (server thread). */
    private void handOver() {
        Batch b = filling;
        if (b.size == 0 || stopped) {
            return;
        }
        filling = new Batch();
        queuedItems.addAndGet(b.size);
        queue.add(b);
    }

    /** Keeps {@link #touch}'s reads alive (the JIT must not drop them). */
    private int touched;

    /**
     * Reads every key's and string value's length before encoding the batch: the arrays sit all over the heap, and
     * these independent loads let the CPU fetch many cache lines at once, where the encoding loop would wait for
     * them one by one (a short key or value is a single cache line, header and bytes).
     */
    private void touch(Batch b) {
        int sum = 0;
        for (int i = 0; i < b.size; i++) {
            sum += b.keys[i].length;
            if (b.values[i] instanceof byte[] v) {
                sum += v.length;
            }
        }
        touched += sum;
    }

    private void writeAll() {
        Outcome outcome;
        RdbWriter writer = null;
        try {
            OutputStream out = target.open();
            writer = new RdbWriter(new StoppableStream(out), codec, compression).keySaveDelay(keySaveDelay)
                    .resizeHint(db -> db < sizesAtStart.length && sizesAtStart[db][0] > 0 ? sizesAtStart[db] : null);
            writer.writeHeader(aux);
            while (true) {
                Object next = queue.take();
                if (next == END) {
                    break;
                }
                if (stopped) {
                    throw new InterruptedException();
                }
                Batch b = (Batch) next;
                queuedItems.addAndGet(-b.size);
                touch(b);
                for (int i = 0; i < b.size; i++) {
                    writer.writeKey(b.dbs[i], b.keys[i], b.values[i], b.expireAts[i]);
                }
                keysWritten = writer.keysWritten();
                bytesWritten = writer.bytesWritten();
            }
            writer.finish();
            bytesWritten = writer.bytesWritten();
            target.commit();
            outcome = outcome(Status.OK, writer, null);
        } catch (InterruptedException | StoppedException e) {
            target.abort();
            outcome = outcome(Status.CANCELLED, writer, null);
        } catch (Throwable e) {
            target.abort();
            outcome = outcome(stopped ? Status.CANCELLED : Status.FAILED, writer, e);
        }
        stopped = true;
        queue.clear();
        final Outcome result = outcome;
        Runnable finish = () -> {
            keyspace.endSnapshot(capture);
            finished = true;
            onDone.accept(result);
        };
        try {
            serverThread.execute(finish);
        } catch (RejectedExecutionException e) {
            // The server loop is gone (shutdown): nothing will mutate the keyspace any more.
            finished = true;
        }
    }

    private Outcome outcome(Status status, RdbWriter writer, Throwable error) {
        long keys = writer == null ? 0 : writer.keysWritten();
        long bytes = writer == null ? 0 : writer.bytesWritten();
        return new Outcome(status, keys, bytes, startMillis, System.currentTimeMillis(), error);
    }

    private static final class StoppedException extends IOException {
        StoppedException() {
            super("snapshot cancelled");
        }
    }

    /** Lets {@link #cancel} interrupt a large value's serialization at the next buffer flush. */
    private final class StoppableStream extends OutputStream {
        private final OutputStream out;

        StoppableStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            check();
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            check();
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            check();
            out.flush();
        }

        private void check() throws StoppedException {
            if (stopped) {
                throw new StoppedException();
            }
        }
    }
}
