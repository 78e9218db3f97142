package dev.chorus.node.replication.master;

import dev.chorus.node.Log;
import dev.chorus.node.Server;
import dev.chorus.node.config.Directives;
import dev.chorus.node.replication.RdbTransfer;
import dev.chorus.node.replication.Replication;
import dev.chorus.node.replication.ReplicationIds;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Full resynchronisation on the master side: one point-in-time snapshot serves every replica waiting for it, sent
 * either diskless ({@code $EOF:<mark>} framing, streamed as it is produced) or from an RDB file ({@code $<len>}),
 * exactly as Redis frames them. Stream bytes produced after the snapshot point are held per replica and sent after.
 */
public final class FullSync {
    private final Server server;
    private final Replication replication;
    private final RdbTransfer rdb;
    private boolean inProgress;
    private ScheduledFuture<?> delayedStart;

    public FullSync(Server server, Replication replication, RdbTransfer rdb) {
        this.server = server;
        this.replication = replication;
        this.rdb = rdb;
    }

    public boolean inProgress() {
        return inProgress;
    }

    /** A replica needs a full sync: start one now, after the diskless delay, or after the current transfer. */
    public void request() {
        if (inProgress || delayedStart != null) {
            return;
        }
        boolean diskless = server.config().getBool(Directives.REPL_DISKLESS_SYNC);
        long delay = server.config().getLong(Directives.REPL_DISKLESS_SYNC_DELAY);
        long max = server.config().getLong(Directives.REPL_DISKLESS_SYNC_MAX_REPLICAS);
        if (diskless && delay > 0 && (max == 0 || waiting().size() < max)) {
            // Wait a little so replicas arriving together share one snapshot, as Redis does.
            delayedStart = server.loop().schedule(() -> {
                delayedStart = null;
                start();
            }, delay, TimeUnit.SECONDS);
            return;
        }
        start();
    }

    private List<ReplicaHandle> waiting() {
        List<ReplicaHandle> out = new ArrayList<>();
        for (ReplicaHandle h : replication.replicas()) {
            if (h.state() == ReplicaHandle.State.WAIT_BGSAVE_START) {
                out.add(h);
            }
        }
        return out;
    }

    private void start() {
        List<ReplicaHandle> targets = waiting();
        if (targets.isEmpty() || inProgress) {
            return;
        }
        boolean diskless = server.config().getBool(Directives.REPL_DISKLESS_SYNC)
                && targets.stream().allMatch(h -> h.capaEof() && h.psync());
        ReplicationIds ids = replication.ids();
        String replid = ids.replid();
        long offset = ids.offset();
        for (ReplicaHandle h : targets) {
            if (h.psync()) {
                h.client().writer().simple("FULLRESYNC " + replid + " " + offset);
            }
            h.client().flush(); // the +FULLRESYNC line must reach the wire before the RDB the writer thread sends
            h.setState(ReplicaHandle.State.WAIT_BGSAVE_END);
            h.startPending();
        }
        replication.forceSelect();
        inProgress = true;
        Log.notice("Starting BGSAVE for SYNC with target: " + (diskless ? "replicas sockets" : "disk"));
        if (diskless) {
            sendDiskless(targets, replid, offset);
        } else {
            sendFromDisk(targets, replid, offset);
        }
    }

    private void sendDiskless(List<ReplicaHandle> targets, String replid, long offset) {
        byte[] mark = ReplicationIds.random().getBytes(StandardCharsets.US_ASCII);
        OutputStream fanOut = new BufferedOutputStream(new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                for (ReplicaHandle h : targets) {
                    if (!h.client().closed()) {
                        h.client().outbound().sendUncounted(b, off, len);
                    }
                }
            }
        }, 64 * 1024);
        byte[] header = ("$EOF:" + new String(mark, StandardCharsets.US_ASCII) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        try {
            fanOut.write(header);
        } catch (IOException e) {
            throw new IllegalStateException(e); // in-memory fan-out does not fail
        }
        rdb.writeSnapshot(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                fanOut.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                fanOut.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                fanOut.flush();
            }

            @Override
            public void close() throws IOException {
                fanOut.write(mark);
                fanOut.flush();
            }
        }, replid, offset, failure -> {
            inProgress = false;
            for (ReplicaHandle h : targets) {
                if (failure != null) {
                    Log.warning("Diskless sync failed: " + failure.getMessage());
                    replication.dropReplica(h);
                } else {
                    Log.notice("Diskless RDB transfer to replica " + h.ip() + ":" + h.listeningPort()
                            + " done; waiting for its first REPLCONF ACK to start the stream");
                    h.setState(ReplicaHandle.State.WAIT_FIRST_ACK);
                }
            }
            request();
        });
    }

    private void sendFromDisk(List<ReplicaHandle> targets, String replid, long offset) {
        Path dir = Path.of(server.config().getString(Directives.DIR));
        Path tmp = dir.resolve("temp-" + ProcessHandle.current().pid() + "-sync.rdb");
        Path file = dir.resolve(server.config().getString(Directives.DBFILENAME));
        OutputStream out;
        try {
            out = new BufferedOutputStream(Files.newOutputStream(tmp), 64 * 1024);
        } catch (IOException e) {
            Log.warning("Can't save the RDB for replication: " + e.getMessage());
            inProgress = false;
            targets.forEach(replication::dropReplica);
            return;
        }
        rdb.writeSnapshot(out, replid, offset, failure -> {
            inProgress = false;
            try {
                if (failure != null) {
                    throw new IOException(failure);
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                long len = Files.size(file);
                for (ReplicaHandle h : targets) {
                    sendFile(h, file, len);
                }
                if (server.config().getBool(Directives.RDB_DEL_SYNC_FILES) && server.config().savePoints().isEmpty()) {
                    // rdb-del-sync-files with persistence off: the file existed only for this sync (sent by now)
                    Log.notice("Removing the RDB file used to feed replicas in a persistence-less instance");
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                Log.warning("Disk-based sync failed: " + e.getMessage());
                targets.forEach(replication::dropReplica);
            }
            request();
        });
    }

    private void sendFile(ReplicaHandle h, Path file, long len) throws IOException {
        var outbound = h.client().outbound();
        byte[] header = ("$" + len + "\r\n").getBytes(StandardCharsets.US_ASCII);
        outbound.sendUncounted(header, 0, header.length);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] chunk = new byte[64 * 1024];
            int n;
            while ((n = in.read(chunk)) > 0) {
                outbound.sendUncounted(chunk, 0, n);
            }
        }
        Log.notice("Synchronization with replica " + h.ip() + ":" + h.listeningPort() + " succeeded");
        replication.putOnline(h);
    }
}
