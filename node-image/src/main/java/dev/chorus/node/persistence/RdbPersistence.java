package dev.chorus.node.persistence;

import dev.chorus.node.Log;
import dev.chorus.node.Server;
import dev.chorus.node.config.Directives;
import dev.chorus.node.config.SavePoint;
import dev.chorus.node.replication.RdbTransfer;
import dev.chorus.node.store.Keyspace;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The node's RDB persistence, wired like Redis': load at start-up, SAVE, BGSAVE (with save points from the cron),
 * save on shutdown, the INFO persistence section, and the snapshots replication sends to replicas. One snapshot
 * runs at a time (like Redis' one RDB child); a replica's snapshot requested meanwhile starts when it ends.
 * Everything here runs on the server thread, except the writer threads behind {@link RdbSnapshot}.
 */
public final class RdbPersistence implements RdbTransfer {
    /** How long a failed BGSAVE waits before a save point may trigger another (CONFIG_BGSAVE_RETRY_DELAY). */
    private static final long BGSAVE_RETRY_DELAY_MILLIS = 5_000;

    /** Replication history to record in RDB files (repl-id, repl-offset, repl-stream-db); null for none. */
    public record SaveInfo(String replId, long replOffset, int streamDb) {
    }

    /** What BGSAVE did; the command turns it into Redis' reply. */
    public enum BgsaveResult {
        /** "+Background saving started". */
        STARTED,
        /** "+Background saving scheduled" (asked inside MULTI: starts from the cron). */
        SCHEDULED,
        /** "-ERR Background save already in progress" (a BGSAVE or a replica's snapshot is running). */
        ALREADY_IN_PROGRESS
    }

    private enum Kind { BGSAVE, REPLICATION }

    private record ReplicationRequest(OutputStream out, String replId, long replOffset, Consumer<Exception> done) {
    }

    private final Server server;
    private final Keyspace keyspace;
    private final RdbValueCodec codec;
    private Supplier<SaveInfo> saveInfo = () -> null;

    private RdbSnapshot active;
    private Kind activeKind;
    private long dirtyAtBgsaveStart;
    private boolean bgsaveScheduled;
    private final ArrayDeque<ReplicationRequest> waitingReplicas = new ArrayDeque<>();

    private long lastSaveMillis;
    private long lastBgsaveTryMillis;
    private boolean lastBgsaveOk = true;
    private long lastBgsaveSeconds = -1;
    private long saves;
    private long lastLoadKeysLoaded;
    private long lastLoadKeysExpired;

    /** With the store's value types; registers the INFO section, the cron hook and the shutdown saver. */
    public RdbPersistence(Server server) {
        this(server, StoreValueCodec.INSTANCE);
    }

    public RdbPersistence(Server server, RdbValueCodec codec) {
        this.server = server;
        this.keyspace = server.keyspace();
        this.codec = codec;
        this.lastSaveMillis = server.startMillis();
        server.setInfoSection("persistence", this::info);
        server.addCronHook(this::cron);
        server.setShutdownSaver(() -> saveForShutdown());
    }

    /** Where replication history comes from (the replication module); without it files carry none. */
    public void setSaveInfo(Supplier<SaveInfo> saveInfo) {
        this.saveInfo = saveInfo;
    }

    private Path dir() {
        String dir = server.config().getString(Directives.DIR);
        return Path.of(dir.isEmpty() ? "." : dir);
    }

    private String dbfilename() {
        return server.config().getString(Directives.DBFILENAME);
    }

    private boolean compression() {
        return server.config().getBool(Directives.RDBCOMPRESSION);
    }

    private Map<String, String> aux(String replId, long replOffset, int streamDb) {
        return RdbWriter.withFunctions(RdbWriter.standardAux(server.usedMemory(), replId, replOffset, streamDb),
                server.scripting().functions().libraries().stream().map(l -> l.code()).toList());
    }

    private Map<String, String> auxForSave() {
        SaveInfo info = saveInfo.get();
        return info == null ? aux(null, 0, 0) : aux(info.replId(), info.replOffset(), info.streamDb());
    }

    // ---- loading ----

    /**
     * Loads dir/dbfilename at start-up (before serving). Returns null when there is no file; throws when the file
     * is unreadable or corrupt (Redis then refuses to start). Expired keys are dropped unless this node is a
     * replica, as Redis does.
     */
    public RdbLoadResult loadAtStartup() throws IOException {
        Path file = dir().resolve(dbfilename());
        if (!Files.exists(file)) {
            return null;
        }
        long start = System.nanoTime();
        RdbLoadResult r = loadFile(file);
        Log.notice(String.format(Locale.ROOT, "DB loaded from disk: %.3f seconds",
                (System.nanoTime() - start) / 1e9));
        return r;
    }

    /** RdbTransfer: a replica's full sync (or DEBUG RELOAD). The keyspace is replaced only if the file is sound. */
    @Override
    public Loaded load(Path file) throws IOException {
        cancelBgsaveBeforeLoading();
        RdbLoadResult r = loadFile(file);
        return new Loaded(r.replId(), r.replOffset(), r.keysLoaded());
    }

    /**
     * DEBUG RELOAD's load: dir/dbfilename into the keyspace, emptied first when {@code flush} (as Redis empties it
     * before loading, so a failed load leaves it empty); without flush loaded keys overwrite existing ones (MERGE).
     */
    public RdbLoadResult reloadForDebug(boolean flush) throws IOException {
        cancelBgsaveBeforeLoading();
        if (flush) {
            keyspace.flushAll();
        }
        RdbLoadResult r = newLoader().load(dir().resolve(dbfilename()));
        logAux(r.aux());
        if (flush) {
            server.scripting().functions().flush();
        }
        loadFunctions(r, !flush);
        r.keys().applyTo(keyspace);
        lastLoadKeysLoaded = r.keysLoaded();
        lastLoadKeysExpired = r.keysExpired();
        Log.notice("Done loading RDB, keys loaded: " + r.keysLoaded() + ", keys expired: " + r.keysExpired() + ".");
        return r;
    }

    /** RdbTransfer: a replica's full sync, parsed on a thread of its own while the payload arrives. */
    @Override
    public IncomingRdb receive(Path file) throws IOException {
        return new BackgroundLoad(newLoader().afterAux(aux -> HeapHeadroom.reserve(expectedHeap(aux, -1))), file);
    }

    /** RdbTransfer: the keyspace is replaced only if the whole payload parsed and its checksum matched. */
    @Override
    public Loaded install(IncomingRdb incoming) throws IOException {
        RdbLoadResult r = ((BackgroundLoad) incoming).await();
        cancelBgsaveBeforeLoading();
        apply(r);
        return new Loaded(r.replId(), r.replOffset(), r.keysLoaded());
    }

    private void cancelBgsaveBeforeLoading() {
        if (active != null && activeKind == Kind.BGSAVE) {
            Log.notice("Replica is about to load the RDB file received from the master, but there is a pending RDB"
                    + " child running. Killing it and removing its temp file to avoid any race");
            active.cancel();
        }
    }

    private RdbLoader newLoader() {
        return new RdbLoader(codec, keyspace.databases())
                .skipExpiredKeys(!keyspace.isReplica(), System.currentTimeMillis())
                .verifyChecksum(server.config().getBool(Directives.RDBCHECKSUM) && !RdbPayload.skipChecksumValidation)
                .stamp(keyspace.stamp())
                .keyLoadDelay(() -> server.config().getInt(Directives.KEY_LOAD_DELAY));
    }

    private RdbLoadResult loadFile(Path file) throws IOException {
        RdbLoadResult r = newLoader()
                .afterAux(aux -> HeapHeadroom.reserve(expectedHeap(aux, fileSize(file))))
                .load(file);
        apply(r);
        return r;
    }

    /** rdbFunctionLoad for each library of the file (server thread). */
    private void loadFunctions(RdbLoadResult r, boolean replace) {
        for (byte[] code : r.functions()) {
            try {
                server.scripting().functions().load(code, replace, 0);
            } catch (dev.chorus.node.command.CommandError e) {
                Log.warning("Failed creating function, " + (e.getMessage().startsWith("ERR ")
                        ? e.getMessage().substring(4) : e.getMessage()));
            }
        }
    }

    /** Replaces the keyspace with a verified load result (server thread). */
    private void apply(RdbLoadResult r) {
        logAux(r.aux());
        keyspace.flushAll();
        server.scripting().functions().flush(); // a full load replaces the libraries too (emptyData with functions)
        loadFunctions(r, false);
        r.keys().applyTo(keyspace);
        lastLoadKeysLoaded = r.keysLoaded();
        lastLoadKeysExpired = r.keysExpired();
        String done = "Done loading RDB, keys loaded: " + r.keysLoaded() + ", keys expired: " + r.keysExpired();
        if (r.emptyKeysSkipped() > 0) {
            Log.warning(done + ", empty keys skipped: " + r.emptyKeysSkipped() + ".");
        } else {
            Log.notice(done + ".");
        }
    }

    /** Heap growth below this is left to the collector's own steps. */
    private static final long HEADROOM_THRESHOLD = 32L << 20;

    /**
     * About how much heap the file's keys will take: the memory the saving server reported (used-mem), within sane
     * bounds of the file size; 4 bytes per file byte (small keys) when it did not say.
     */
    static long expectedHeap(Map<String, String> aux, long fileSize) {
        long estimate = Math.max(0, 4 * fileSize); // fileSize -1: unknown (a payload still arriving)
        try {
            String usedMem = aux.get("used-mem");
            if (usedMem != null) {
                long used = Long.parseLong(usedMem.trim());
                estimate = fileSize < 0 ? Math.min(used, Runtime.getRuntime().maxMemory() / 2)
                        : Math.max(fileSize, Math.min(16 * fileSize, used));
            }
        } catch (NumberFormatException ignored) {
            // keep the file-size estimate
        }
        return estimate < HEADROOM_THRESHOLD ? 0 : estimate;
    }

    private static long fileSize(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static void logAux(Map<String, String> aux) {
        String ver = aux.get("redis-ver");
        if (ver != null) {
            Log.notice("Loading RDB produced by version " + ver);
        }
        String ctime = aux.get("ctime");
        if (ctime != null) {
            try {
                long age = Math.max(0, System.currentTimeMillis() / 1000 - Long.parseLong(ctime));
                Log.notice("RDB age " + age + " seconds");
            } catch (NumberFormatException ignored) {
                // not a number: nothing to report
            }
        }
        String usedMem = aux.get("used-mem");
        if (usedMem != null) {
            try {
                Log.notice(String.format(Locale.ROOT, "RDB memory usage when created %.2f Mb",
                        Long.parseLong(usedMem) / (1024.0 * 1024.0)));
            } catch (NumberFormatException ignored) {
                // not a number: nothing to report
            }
        }
    }

    // ---- SAVE ----

    /** True while a BGSAVE or a replica's snapshot is running (SAVE and BGSAVE must then refuse). */
    public boolean snapshotInProgress() {
        return active != null;
    }

    public boolean bgsaveInProgress() {
        return active != null && activeKind == Kind.BGSAVE;
    }

    /**
     * SAVE: writes dir/dbfilename on the server thread. Callers refuse first when {@link #snapshotInProgress()}
     * ("-ERR Background save already in progress"). On failure the reply is "-ERR" and the previous file stays.
     */
    public RdbSnapshot.Outcome save() {
        long dirtyBefore = server.dirty();
        RdbSnapshot.Outcome o = RdbSave.saveToFile(keyspace, codec, auxForSave(), compression(),
                server.config().getInt(Directives.RDB_KEY_SAVE_DELAY), dir(), dbfilename());
        if (o.ok()) {
            Log.notice("DB saved on disk");
            server.addDirty(-dirtyBefore);
            lastSaveMillis = o.endMillis();
            lastBgsaveOk = true; // Redis resets the status on a successful SAVE too
            saves++;
        } else {
            Log.warning("Write error saving DB on disk: " + message(o));
        }
        return o;
    }

    /** Shutdown: stop a running BGSAVE, then save in the foreground. False when the save failed. */
    public boolean saveForShutdown() {
        if (bgsaveInProgress()) {
            Log.warning("There is a child saving an .rdb. Killing it!");
            active.cancel();
        }
        Log.notice("Saving the final RDB snapshot before exiting.");
        boolean ok = save().ok();
        if (!ok) {
            Log.warning("Error trying to save the DB, can't exit.");
        }
        return ok;
    }

    // ---- BGSAVE ----

    /** BGSAVE; {@code scheduleOnly} for BGSAVE SCHEDULE inside MULTI (Redis' in_exec case). */
    public BgsaveResult bgsave(boolean scheduleOnly) {
        if (active != null) {
            return BgsaveResult.ALREADY_IN_PROGRESS;
        }
        if (scheduleOnly) {
            bgsaveScheduled = true;
            return BgsaveResult.SCHEDULED;
        }
        startBgsave();
        return BgsaveResult.STARTED;
    }

    /** Stops a running BGSAVE (FLUSHALL does that in Redis); its temp file is removed. */
    public void cancelBgsave() {
        if (bgsaveInProgress()) {
            active.cancel();
        }
    }

    private void startBgsave() {
        lastBgsaveTryMillis = System.currentTimeMillis();
        dirtyAtBgsaveStart = server.dirty();
        saves++;
        RdbFileTarget target = new RdbFileTarget(dir(), dbfilename());
        begin(Kind.BGSAVE, auxForSave(), target, this::bgsaveDone);
        Log.notice("Background saving started by pid " + ProcessHandle.current().pid());
    }

    private void bgsaveDone(RdbSnapshot.Outcome o) {
        lastBgsaveSeconds = (o.endMillis() - o.startMillis()) / 1000;
        switch (o.status()) {
            case OK -> {
                Log.notice("DB saved on disk");
                Log.notice("Background saving terminated with success");
                server.addDirty(-dirtyAtBgsaveStart);
                lastSaveMillis = o.endMillis();
                lastBgsaveOk = true;
            }
            case FAILED -> {
                Log.warning("Write error saving DB on disk: " + message(o));
                Log.warning("Background saving error");
                lastBgsaveOk = false;
            }
            case CANCELLED -> Log.warning("Background saving terminated by request");
        }
    }

    // ---- replication ----

    /** RdbTransfer: a replica's full sync. Waits for a running snapshot to end first, like Redis' RDB child. */
    @Override
    public void writeSnapshot(OutputStream out, String replId, long replOffset, Consumer<Exception> done) {
        ReplicationRequest request = new ReplicationRequest(out, replId, replOffset, done);
        if (active != null) {
            waitingReplicas.add(request);
            return;
        }
        startReplication(request);
    }

    private void startReplication(ReplicationRequest r) {
        SaveInfo info = saveInfo.get();
        int streamDb = info == null ? 0 : info.streamDb();
        begin(Kind.REPLICATION, aux(r.replId(), r.replOffset(), streamDb), new StreamTarget(r.out()), o -> {
            if (o.ok()) {
                r.done().accept(null);
            } else {
                r.done().accept(o.error() instanceof Exception e ? e
                        : new IOException("snapshot " + o.status().name().toLowerCase(Locale.ROOT) + ": " + message(o)));
            }
        });
    }

    /** A replica's stream: closing it ends the transfer (a diskless sync appends its EOF mark on close). */
    private static final class StreamTarget implements RdbSnapshot.Target {
        private final OutputStream out;

        StreamTarget(OutputStream out) {
            this.out = out;
        }

        @Override
        public OutputStream open() {
            return out;
        }

        @Override
        public void commit() throws IOException {
            out.flush();
            out.close();
        }

        @Override
        public void abort() {
            // Left open on purpose: closing would append a diskless EOF mark to a truncated RDB. The caller drops
            // the replica (and closes a file stream) when told about the failure.
        }
    }

    // ---- common ----

    private void begin(Kind kind, Map<String, String> aux, RdbSnapshot.Target target,
                       Consumer<RdbSnapshot.Outcome> done) {
        active = RdbSnapshot.start(keyspace, codec, aux, compression(),
                server.config().getInt(Directives.RDB_KEY_SAVE_DELAY), target, server.loop(), o -> {
            active = null;
            activeKind = null;
            done.accept(o);
            startWaiting();
        });
        activeKind = kind;
        active.driveOn(server.loop());
    }

    /** A snapshot ended: serve replicas that waited, else a scheduled BGSAVE. */
    private void startWaiting() {
        if (active != null) {
            return;
        }
        ReplicationRequest next = waitingReplicas.poll();
        if (next != null) {
            startReplication(next);
        } else if (bgsaveScheduled) {
            bgsaveScheduled = false;
            startBgsave();
        }
    }

    /** serverCron's part: scheduled BGSAVEs and save points ("save 900 1"). */
    public void cron() {
        if (active != null) {
            return;
        }
        if (bgsaveScheduled) {
            bgsaveScheduled = false;
            startBgsave();
            return;
        }
        long now = System.currentTimeMillis();
        long dirty = server.dirty();
        for (SavePoint sp : server.config().savePoints()) {
            if (dirty >= sp.changes() && now - lastSaveMillis > sp.seconds() * 1000
                    && (lastBgsaveOk || now - lastBgsaveTryMillis > BGSAVE_RETRY_DELAY_MILLIS)) {
                Log.notice(sp.changes() + " changes in " + sp.seconds() + " seconds. Saving...");
                startBgsave();
                return;
            }
        }
    }

    /** LASTSAVE: Unix seconds of the last successful save (start-up time before any). */
    public long lastSave() {
        return lastSaveMillis / 1000;
    }

    /** stop-writes-on-bgsave-error: after a failed BGSAVE with save points configured, writes get -MISCONF. */
    public boolean writesAllowed() {
        return lastBgsaveOk || !server.config().getBool(dev.chorus.node.config.Directives.STOP_WRITES_ON_BGSAVE_ERROR)
                || server.config().savePoints().isEmpty();
    }

    /** False after a failed BGSAVE (stop-writes-on-bgsave-error makes writes fail with -MISCONF then). */
    public boolean lastBgsaveOk() {
        return lastBgsaveOk;
    }

    private static String message(RdbSnapshot.Outcome o) {
        return o.error() == null ? o.status().name() : String.valueOf(o.error().getMessage());
    }

    /**
     * INFO persistence, in Redis 7.0's field order (no fork, so the copy-on-write figures are 0; the values a
     * snapshot copies before a change are the equivalent, but they are not counted).
     */
    public String info() {
        RdbSnapshot s = active;
        boolean bgsave = s != null; // like Redis' RDB child: a BGSAVE or a replica's snapshot
        long processed = s == null ? 0 : s.keysWritten();
        long total = s == null ? 0 : s.keysTotal();
        double perc = total == 0 ? 0 : 100.0 * processed / total;
        long current = bgsave ? (System.currentTimeMillis() - s.startMillis()) / 1000 : -1;
        return "loading:0\nasync_loading:0\ncurrent_cow_peak:0\ncurrent_cow_size:0\ncurrent_cow_size_age:0\n"
                + "current_fork_perc:" + String.format(Locale.ROOT, "%.2f", perc) + "\n"
                + "current_save_keys_processed:" + processed + "\n"
                + "current_save_keys_total:" + total + "\n"
                + "rdb_changes_since_last_save:" + server.dirty() + "\n"
                + "rdb_bgsave_in_progress:" + (bgsave ? 1 : 0) + "\n"
                + "rdb_last_save_time:" + lastSave() + "\n"
                + "rdb_last_bgsave_status:" + (lastBgsaveOk ? "ok" : "err") + "\n"
                + "rdb_last_bgsave_time_sec:" + lastBgsaveSeconds + "\n"
                + "rdb_current_bgsave_time_sec:" + current + "\n"
                + "rdb_saves:" + saves + "\n"
                + "rdb_last_cow_size:0\n"
                + "rdb_last_load_keys_expired:" + lastLoadKeysExpired + "\n"
                + "rdb_last_load_keys_loaded:" + lastLoadKeysLoaded + "\n"
                + "aof_enabled:0\naof_rewrite_in_progress:0\naof_rewrite_scheduled:0\n"
                + "aof_last_rewrite_time_sec:-1\naof_current_rewrite_time_sec:-1\naof_last_bgrewrite_status:ok\n"
                + "aof_rewrites:0\naof_rewrites_consecutive_failures:0\naof_last_write_status:ok\n"
                + "aof_last_cow_size:0\nmodule_fork_in_progress:0\nmodule_fork_last_cow_size:0\n";
    }
}
