package dev.chorus.node.command.blocking;

import dev.chorus.node.Log;
import dev.chorus.node.Server;
import dev.chorus.node.command.CommandContext;
import dev.chorus.node.command.CommandError;
import dev.chorus.node.command.CommandSpec;
import dev.chorus.node.net.Client;
import dev.chorus.node.net.ClientHandler;
import dev.chorus.node.store.Database;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.ValueType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Clients blocked on keys (BLPOP, BLMOVE, BLMPOP, and later BZPOPMIN & co.), as Redis 7.0's blocked.c:
 * <ul>
 * <li>a blocking handler that finds no data calls {@link #block} and returns without replying; the client's further
 *     input waits until it is unblocked;</li>
 * <li>every keyspace change reaches {@link #keyModified}; a key that some client waits on and that now holds a list
 *     or sorted set becomes "ready";</li>
 * <li>after each command (a whole MULTI/EXEC counts as one) {@link #serveReadyKeys} serves, for each ready key in the
 *     order they became ready, the clients blocked on it first-come first-served, until the key is gone. A client
 *     waiting for another type than the key holds stays blocked. Serving directly from the ready key is 7.0's
 *     behaviour: BLPOP a b pops from whichever key became ready first (7.2 re-runs the command instead);</li>
 * <li>a timeout answers a null array.</li>
 * </ul>
 * Everything runs on the server thread.
 */
public final class BlockedClients {
    /**
     * Timeouts beyond this (about 100 years) never fire: Redis' deadline overflows for the largest ones, and a timer
     * that far away would only burden the scheduler.
     */
    private static final long NEVER_MILLIS = 100L * 365 * 24 * 3600 * 1000;

    private final Server server;
    private final Map<BlockedKey, LinkedHashSet<Waiter>> waitersByKey = new HashMap<>();
    private final LinkedHashSet<BlockedKey> readyKeys = new LinkedHashSet<>();
    private boolean serving;

    /** One blocked client: what it waits for and what to do when it can be served. */
    private static final class Waiter {
        final Client client;
        final CommandSpec spec;
        final byte[][] argv;
        final BlockedKey[] keys;
        final ValueType awaited;
        final BlockedOperation operation;
        ScheduledFuture<?> timer;

        Waiter(Client client, CommandSpec spec, byte[][] argv, BlockedKey[] keys, ValueType awaited,
               BlockedOperation operation) {
            this.client = client;
            this.spec = spec;
            this.argv = argv;
            this.keys = keys;
            this.awaited = awaited;
            this.operation = operation;
        }
    }

    public BlockedClients(Server server) {
        this.server = server;
    }

    /**
     * Whether the command may block: inside MULTI/EXEC (and scripts) a blocking command answers as if it had timed
     * out at once, like Redis' CLIENT_DENY_BLOCKING.
     */
    public static boolean mayBlock(CommandContext ctx) {
        return !ctx.client().executingTransaction();
    }

    /**
     * Blocks the command's client until one of {@code keys} holds a {@code awaited} value that {@code operation}
     * can serve, or until {@code timeoutMillis} (0 = forever) passes. The handler must not reply.
     */
    public void block(CommandContext ctx, ValueType awaited, List<byte[]> keys, long timeoutMillis,
                      BlockedOperation operation) {
        Client client = ctx.client();
        int db = client.dbIndex();
        // A key named twice is waited on once (BLPOP k k 0).
        LinkedHashSet<BlockedKey> distinct = new LinkedHashSet<>();
        for (byte[] key : keys) {
            distinct.add(new BlockedKey(db, key));
        }
        Waiter w = new Waiter(client, ctx.spec(), ctx.argv(), distinct.toArray(new BlockedKey[0]), awaited,
                operation);
        for (BlockedKey k : w.keys) {
            waitersByKey.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(w);
        }
        client.setBlockedState(w);
        if (timeoutMillis > 0 && timeoutMillis < NEVER_MILLIS) {
            w.timer = server.loop().schedule(() -> timedOut(w), timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Keyspace listener hook: every change of a key goes through here. */
    public void keyModified(Database db, byte[] key) {
        if (waitersByKey.isEmpty()) {
            return;
        }
        BlockedKey k = new BlockedKey(db.index(), key);
        if (!waitersByKey.containsKey(k)) {
            return;
        }
        // Like Redis' signalKeyAsReady from dbAdd: only a value some client could be served from makes a key ready.
        // A stream is signalled by the commands that add to it (signalReady); a key that no longer holds a stream
        // is ready too, for XREADGROUP clients to learn it is gone (Redis signals deleted/overwritten streams).
        KeyEntry e = db.peek(key);
        if (e != null && (e.type() == ValueType.LIST || e.type() == ValueType.ZSET)) {
            readyKeys.add(k);
        } else if ((e == null || e.type() != ValueType.STREAM) && hasStreamWaiter(k)) {
            readyKeys.add(k);
        }
    }

    private boolean hasStreamWaiter(BlockedKey k) {
        LinkedHashSet<Waiter> waiters = waitersByKey.get(k);
        if (waiters != null) {
            for (Waiter w : waiters) {
                if (w.awaited == ValueType.STREAM) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Redis' scanDatabaseForDeletedStreams after FLUSHDB ({@code db} its index) or FLUSHALL (-1): keys that clients
     * read as streams are ready, so that XREADGROUP readers learn their stream is gone.
     */
    public void flushed(int db) {
        for (BlockedKey k : waitersByKey.keySet()) {
            if ((db == -1 || k.db == db) && hasStreamWaiter(k)) {
                readyKeys.add(k);
            }
        }
    }

    /** Redis' signalKeyAsReady(db, key, OBJ_STREAM): XADD, XGROUP DESTROY. */
    public void signalReady(Database db, byte[] key) {
        if (waitersByKey.isEmpty()) {
            return;
        }
        BlockedKey k = new BlockedKey(db.index(), key);
        if (waitersByKey.containsKey(k)) {
            readyKeys.add(k);
        }
    }

    /**
     * Redis' scanDatabaseForReadyKeys (after SWAPDB): every key of {@code db} some client waits on and that now holds
     * a value becomes ready, as if it had just been added; they are served after the command as usual. Like Redis'
     * dictFind there, an expired key is neither skipped nor deleted here: the lookup that serves it after the command
     * expires it (and propagates its DEL after the SWAPDB).
     */
    public void scanDatabaseForReadyKeys(Database db) {
        for (BlockedKey k : new ArrayList<>(waitersByKey.keySet())) {
            if (k.db != db.index()) {
                continue;
            }
            KeyEntry e = db.peek(k.key);
            if (e != null && (e.type() == ValueType.LIST || e.type() == ValueType.ZSET
                    || e.type() == ValueType.STREAM)) {
                readyKeys.add(k);
            } else if (hasStreamWaiter(k)) {
                readyKeys.add(k); // scanDatabaseForDeletedStreams: XREADGROUP learns its stream is gone
            }
        }
    }

    /**
     * Serves clients blocked on keys that became ready. Called after every command that ran outside MULTI, and after
     * EXEC as a whole. Serving may make more keys ready (BLMOVE pushes), so it repeats until none is left.
     */
    public void serveReadyKeys() {
        if (serving || readyKeys.isEmpty()) {
            return;
        }
        serving = true;
        List<Client> released = new ArrayList<>();
        try {
            while (!readyKeys.isEmpty()) {
                List<BlockedKey> batch = new ArrayList<>(readyKeys);
                readyKeys.clear();
                for (BlockedKey k : batch) {
                    serveKey(k, released);
                }
            }
        } finally {
            serving = false;
        }
        // Their buffered commands run once this command is done, as Redis' processUnblockedClients in beforeSleep.
        released.forEach(this::resumeLater);
    }

    /**
     * Unblocks a client from outside (CLIENT UNBLOCK): with {@code error} null it answers as on timeout, otherwise
     * with that error. Returns false when the client was not blocked on keys.
     */
    public boolean unblock(Client client, String error) {
        if (!(client.blockedState() instanceof Waiter w)) {
            return false;
        }
        release(w);
        boolean muted = client.beginDeferredReply();
        if (error == null) {
            client.writer().nullArray();
        } else {
            client.writer().error(error);
            server.stats().error(error);
        }
        client.endDeferredReply(muted);
        server.monitors().unblockedByClientUnblock(client);
        resumeLater(client);
        return true;
    }

    /**
     * Every client blocked on keys gets {@code error} and is disconnected, as Redis' disconnectAllBlockedClients when
     * a master becomes a replica ("UNBLOCKED force unblock from blocking operation, instance state changed (master ->
     * replica?)").
     */
    public void disconnectAll(String error) {
        LinkedHashSet<Waiter> all = new LinkedHashSet<>();
        waitersByKey.values().forEach(all::addAll);
        for (Waiter w : all) {
            release(w);
            w.client.writer().error(error);
            w.client.closeAfterReply();
            w.client.flush();
        }
    }

    /** The connection closed: forget the client without answering. */
    public void clientClosed(Client client) {
        if (client.blockedState() instanceof Waiter w) {
            release(w);
        }
    }

    private void serveKey(BlockedKey k, List<Client> released) {
        LinkedHashSet<Waiter> waiters = waitersByKey.get(k);
        if (waiters == null) {
            return;
        }
        Database db = server.keyspace().db(k.db);
        for (Waiter w : new ArrayList<>(waiters)) {
            if (w.awaited == ValueType.STREAM) {
                // Stream readers decide themselves (serveClientsBlockedOnStreamKey / unblockDeletedStream...).
                if (w.client.blockedState() == w && serve(w, k.key)) {
                    released.add(w.client);
                }
                continue;
            }
            KeyEntry e = db.lookup(k.key);
            if (e == null) {
                continue;
            }
            if (w.client.blockedState() != w || e.type() != w.awaited) {
                continue;
            }
            if (serve(w, k.key)) {
                released.add(w.client);
            }
        }
    }

    /** Runs the waiter's operation in its client's context; on success the client is answered and unblocked. */
    private boolean serve(Waiter w, byte[] key) {
        // As Redis, the served client is the current one while its command runs (fixed_time_expire raised), so the
        // invalidations its own command causes (BLMOVE's target) reach it after its reply (afterCommand).
        dev.chorus.node.command.shared.Tracking tracking = server.shared().tracking();
        Client previous = tracking.currentClient();
        tracking.setCurrentClient(w.client);
        tracking.enterCall();
        try {
            return serveAsCurrent(w, key);
        } finally {
            tracking.exitCall();
            tracking.sendPendingInvalidations();
            tracking.setCurrentClient(previous);
        }
    }

    private boolean serveAsCurrent(Waiter w, byte[] key) {
        CommandContext ctx = w.client.context();
        ctx.reset(w.spec, w.argv);
        int mark = w.client.writer().length();
        boolean muted = w.client.beginDeferredReply();
        long start = System.nanoTime();
        boolean answered;
        try {
            answered = w.operation.serve(ctx, key);
        } catch (CommandError e) {
            w.client.writer().truncate(mark);
            w.client.writer().error(e.getMessage());
            server.stats().error(e.getMessage());
            server.stats().command(w.spec.fullName()).failedCalls++; // updateStatsOnUnblock(had_errors)
            answered = true;
        } finally {
            w.client.endDeferredReply(muted);
        }
        if (!answered) {
            return false;
        }
        release(w);
        server.monitors().unblocked(w.client, (System.nanoTime() - start) / 1000);
        List<byte[][]> propagation = ctx.propagation();
        if (!propagation.isEmpty()) {
            server.propagate(w.client.dbIndex(), propagation);
        }
        if (ctx.dirtyCount() > 0) {
            server.addDirty(ctx.dirtyCount());
        }
        return true;
    }

    private void timedOut(Waiter w) {
        if (w.client.blockedState() != w) {
            return;
        }
        release(w);
        boolean muted = w.client.beginDeferredReply();
        w.client.writer().nullArray();
        w.client.endDeferredReply(muted);
        server.monitors().clientClosed(w.client); // a timeout leaves no slowlog entry (Redis 7.0)
        resume(w.client);
    }

    /** Removes the waiter from every table; the client is no longer blocked. */
    private void release(Waiter w) {
        for (BlockedKey k : w.keys) {
            LinkedHashSet<Waiter> waiters = waitersByKey.get(k);
            if (waiters != null) {
                waiters.remove(w);
                if (waiters.isEmpty()) {
                    waitersByKey.remove(k);
                }
            }
        }
        if (w.timer != null) {
            w.timer.cancel(false);
        }
        w.client.setBlockedState(null);
    }

    /** Called from another client's command: the answer goes out with that command's, the rest comes after it. */
    private void resumeLater(Client c) {
        c.pendingWrite();
        server.loop().execute(() -> resume(c));
    }

    /** Sends the answer and runs whatever the client pipelined while it was blocked (on the server thread). */
    private void resume(Client c) {
        if (c.closed()) {
            return;
        }
        try {
            ClientHandler.processInput(c, server);
        } catch (RuntimeException e) {
            Log.warning("Resuming an unblocked client failed: " + e);
        }
    }
}
