package dev.chorus.node.replication;

import dev.chorus.node.Log;
import dev.chorus.node.Server;
import dev.chorus.node.command.CommandError;
import dev.chorus.node.config.Directives;
import dev.chorus.node.config.ReplicaOf;
import dev.chorus.node.net.Client;
import dev.chorus.node.net.ClientHandler;
import dev.chorus.node.replication.master.CoordinatedFailover;
import dev.chorus.node.replication.master.FullSync;
import dev.chorus.node.replication.master.ReplicaHandle;
import dev.chorus.node.replication.replica.MasterLink;
import dev.chorus.node.resp.RespWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Master/replica replication as Redis does it (PSYNC2). As a master: every write is encoded into the replication
 * stream, kept in the backlog and sent to online replicas; replicas sync fully from a snapshot or continue from the
 * backlog. As a replica: a {@link MasterLink} applies the master's stream, and its raw bytes are passed on unchanged to
 * this node's own backlog and replicas, so offsets agree along a chain.
 */
public final class Replication implements Server.Propagation {
    private final Server server;
    private final ReplicationIds ids = new ReplicationIds();
    private final List<ReplicaHandle> replicas = new ArrayList<>();
    private final List<Waiter> waiters = new ArrayList<>();
    /** What a connection said in REPLCONF before it asked to SYNC/PSYNC. */
    private final java.util.Map<Client, ReplicaHandle> handshakes = new java.util.HashMap<>();
    private final RespWriter encoder = new RespWriter(256);
    private final FullSync fullSync;
    private final RdbTransfer rdb;
    private final CoordinatedFailover failover;
    private Backlog backlog;
    private long noReplicasSince = System.currentTimeMillis();
    private int streamDb = -1;
    /** Redis' replication_cron_loops: one per second; replicas get a PING when it is a multiple of the period. */
    private long cronLoops;
    private boolean getAckRequested;

    // Replica side
    private ReplicaOf master;
    private MasterLink link;
    private String cachedReplid;
    private long cachedOffset = -1;

    /** A client blocked in WAIT; {@code timeout} is null when it waits without limit. */
    private record Waiter(Client client, long offset, long numReplicas, ScheduledFuture<?> timeout) {
        void cancelTimeout() {
            if (timeout != null) {
                timeout.cancel(false);
            }
        }
    }

    public Replication(Server server, RdbTransfer rdb) {
        this.server = server;
        this.rdb = rdb;
        this.fullSync = new FullSync(server, this, rdb);
        this.failover = new CoordinatedFailover(server, this);
        server.setPropagation(this);
        server.setInfoSection("replication", this::info);
        server.addCronHook(this::cron);
        server.addCronHook(failover::update);
        server.addCronHook(this::sendPendingGetAck);
        server.addAfterCommandHook(this::afterCommand);
        server.addCloseListener(this::clientClosed);
        server.config().onChange((d, v) -> {
            if (d == Directives.REPL_BACKLOG_SIZE && backlog != null) {
                backlog.resize((int) Math.min(Integer.MAX_VALUE - 16, (Long) v));
            }
        });
    }

    public ReplicationIds ids() {
        return ids;
    }

    /** FAILOVER's state (the coordinated failover of this master to one of its replicas). */
    public CoordinatedFailover failover() {
        return failover;
    }

    public List<ReplicaHandle> replicas() {
        return replicas;
    }

    public Server server() {
        return server;
    }

    // ---- producing the stream (master) ----

    @Override
    public void propagate(int db, List<byte[][]> commands) {
        if (master != null) {
            return; // a replica passes on its master's stream verbatim instead (see streamFromMaster)
        }
        if (backlog == null && replicas.isEmpty()) {
            return; // like Redis: no history is kept before the first replica ever connects
        }
        encoder.reset();
        if (db >= 0 && db != streamDb) {
            encoder.bulks("SELECT".getBytes(StandardCharsets.US_ASCII), Integer.toString(db).getBytes());
            streamDb = db;
        }
        for (byte[][] argv : commands) {
            encoder.bulks(argv);
        }
        feed(encoder.toByteArray());
    }

    /** Appends bytes to the stream: backlog, offset, and every replica (held for those still syncing). */
    private void feed(byte[] data) {
        if (backlog == null) {
            createBacklog();
        }
        backlog.append(data);
        ids.advance(data.length);
        for (ReplicaHandle h : replicas) {
            switch (h.state()) {
                case ONLINE -> h.send(data);
                case WAIT_BGSAVE_END, WAIT_FIRST_ACK -> h.hold(data);
                default -> { }
            }
        }
    }

    /** Bytes held by the replication backlog (0 before the first replica), for MEMORY STATS. */
    public long backlogMemory() {
        return backlog == null ? 0 : backlog.size();
    }

    private void createBacklog() {
        backlog = new Backlog((int) Math.min(Integer.MAX_VALUE - 16,
                server.config().getLong(Directives.REPL_BACKLOG_SIZE)), ids.offset());
    }

    /** After a full sync the next command must carry a SELECT (replicas loaded an RDB with no selected db). */
    public void forceSelect() {
        streamDb = -1;
    }

    @Override
    public boolean isReplica() {
        return master != null;
    }

    @Override
    public long offset() {
        return ids.offset();
    }

    @Override
    public boolean masterLinkUp() {
        return master == null || (link != null && link.connected());
    }

    @Override
    public boolean enoughGoodReplicas() {
        long min = server.config().getLong(Directives.MIN_REPLICAS_TO_WRITE);
        if (min == 0) {
            return true;
        }
        return goodReplicas() >= min;
    }

    private long goodReplicas() {
        long maxLagMillis = server.config().getLong(Directives.MIN_REPLICAS_MAX_LAG) * 1000;
        long now = System.currentTimeMillis();
        return replicas.stream().filter(h -> h.state() == ReplicaHandle.State.ONLINE
                && now - h.lastAckMillis() <= maxLagMillis).count();
    }

    // ---- serving replicas (master side) ----

    /** PSYNC replid offset: continue from the backlog when our history allows it, else a full resync. */
    public void psync(Client client, String replid, long psyncOffset, ReplicaHandle handle) {
        refuseWhileFailingOver();
        if (master != null && (link == null || !link.connected())) {
            throw new CommandError("NOMASTERLINK Can't SYNC while not connected with my master");
        }
        if (!replid.equals("?") && ids.continuable(replid, psyncOffset) && backlog != null
                && backlog.covers(psyncOffset)) {
            client.setKind(Client.Kind.REPLICA);
            handshakes.remove(client);
            replicas.add(handle);
            if (handle.capaPsync2()) {
                client.writer().simple("CONTINUE " + ids.replid());
            } else {
                client.writer().simple("CONTINUE");
            }
            server.stats().syncPartialOk++;
            byte[] missing = backlog.copyFrom(psyncOffset);
            Log.notice("Partial resynchronization request from " + handle.ip() + ":" + handle.listeningPort()
                    + " accepted. Sending " + missing.length + " bytes of backlog starting from offset "
                    + psyncOffset + ".");
            client.writer().raw(missing);
            handle.setState(ReplicaHandle.State.ONLINE);
            handle.ack(psyncOffset - 1);
            return;
        }
        if (!replid.equals("?")) {
            server.stats().syncPartialErr++;
            Log.notice("Partial resynchronization not accepted: " + (ids.continuable(replid, psyncOffset)
                    ? "the offset is not in the backlog" : "Replication ID mismatch (Replica asked for '" + replid
                    + "', my replication IDs are '" + ids.replid() + "' and '" + ids.replid2() + "')"));
        }
        startFullSync(client, handle);
    }

    /** SYNC (pre-PSYNC replicas): always a full, disk-framed transfer with no +FULLRESYNC line. */
    public void sync(Client client, ReplicaHandle handle) {
        refuseWhileFailingOver();
        if (master != null && (link == null || !link.connected())) {
            throw new CommandError("NOMASTERLINK Can't SYNC while not connected with my master");
        }
        handle.setPsync(false);
        startFullSync(client, handle);
    }

    /** Redis' syncCommand: "Don't let replicas sync with us while we're failing over". */
    private void refuseWhileFailingOver() {
        if (failover.state() != CoordinatedFailover.State.NO_FAILOVER) {
            throw new CommandError("NOMASTERLINK Can't SYNC while failing over");
        }
    }

    /**
     * PSYNC replid offset FAILOVER, sent by a master failing over to us: promote ourselves first (our replid must be
     * the one it names), then serve its PSYNC, which continues from our previous history.
     */
    public void psyncFailover(Client client, String replid) {
        if (master == null) {
            throw new CommandError("ERR PSYNC FAILOVER can't be sent to a master.");
        }
        if (!replid.equalsIgnoreCase(ids.replid())) {
            throw new CommandError("ERR PSYNC FAILOVER replid must match my replid.");
        }
        promote();
        Log.notice("MASTER MODE enabled (failover request from '" + client.outbound().remoteAddress() + "')");
    }

    private void startFullSync(Client client, ReplicaHandle handle) {
        handshakes.remove(client);
        client.setKind(Client.Kind.REPLICA);
        if (backlog == null && master == null) {
            // A new history starts with the first replica: no past to continue from (Redis changes the id too).
            ids.reset();
            createBacklog();
        } else if (backlog == null) {
            createBacklog();
        }
        replicas.add(handle);
        server.stats().syncFull++;
        Log.notice("Replica " + handle.ip() + ":" + handle.listeningPort() + " asks for synchronization");
        fullSync.request();
    }

    /** REPLCONF ACK from a replica. */
    public void ack(ReplicaHandle handle, long offset) {
        handle.ack(offset);
        if (handle.state() == ReplicaHandle.State.WAIT_FIRST_ACK) {
            putOnline(handle);
        }
        serveWaiters();
    }

    /** The replica has its snapshot: send what was held meanwhile and stream from now on. */
    public void putOnline(ReplicaHandle handle) {
        byte[] held = handle.takePending();
        handle.setState(ReplicaHandle.State.ONLINE);
        if (held.length > 0) {
            handle.send(held);
        }
        Log.notice("Synchronization with replica " + handle.ip() + ":" + handle.listeningPort() + " succeeded");
    }

    /** The replica state of a connection that is handshaking (REPLCONF before SYNC/PSYNC). */
    public ReplicaHandle handshake(Client client) {
        return handshakes.computeIfAbsent(client, ReplicaHandle::new);
    }

    public ReplicaHandle handleOf(Client client) {
        for (ReplicaHandle h : replicas) {
            if (h.client() == client) {
                return h;
            }
        }
        return null;
    }

    public void dropReplica(ReplicaHandle handle) {
        replicas.remove(handle);
        handle.client().closeAfterReply();
        handle.client().flush();
    }

    private void clientClosed(Client client) {
        handshakes.remove(client);
        ReplicaHandle h = handleOf(client);
        if (h != null) {
            replicas.remove(h);
            Log.notice("Connection with replica " + h.ip() + ":" + h.listeningPort() + " lost.");
            if (replicas.isEmpty()) {
                noReplicasSince = System.currentTimeMillis();
            }
        }
        waiters.removeIf(w -> {
            if (w.client() == client) {
                w.cancelTimeout();
                return true;
            }
            return false;
        });
    }

    // ---- WAIT ----

    /** WAIT numreplicas timeout: answers now if enough replicas acknowledged the client's last write, else blocks. */
    public void await(Client client, long numReplicas, long timeoutMillis) {
        if (master != null) {
            throw new CommandError("ERR WAIT cannot be used with replica instances. Please also note that since Redis "
                    + "4.0 if a replica is configured to be writable (which is not the default) writes to replicas are "
                    + "just local and are not propagated.");
        }
        long target = client.writeOffset();
        long acked = ackedAtLeast(target);
        if (acked >= numReplicas || client.executingTransaction()) {
            client.writer().integer(acked);
            return;
        }
        // timeout 0 waits for as long as it takes
        ScheduledFuture<?> timeout = timeoutMillis == 0 ? null
                : server.loop().schedule(() -> expire(client), timeoutMillis, TimeUnit.MILLISECONDS);
        waiters.add(new Waiter(client, target, numReplicas, timeout));
        client.setBlockedState(this);
        getAckRequested = true;
    }

    /** Asks every replica for an ACK now (REPLCONF GETACK *), as WAIT does; a waiting shutdown uses it. */
    public void requestAcks() {
        getAckRequested = true;
        afterCommand();
    }

    private long ackedAtLeast(long offset) {
        return replicas.stream().filter(h -> h.state() == ReplicaHandle.State.ONLINE && h.ackOffset() >= offset)
                .count();
    }

    private void serveWaiters() {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            long acked = ackedAtLeast(w.offset());
            if (acked >= w.numReplicas()) {
                it.remove();
                w.cancelTimeout();
                release(w.client(), acked);
            }
        }
    }

    private void expire(Client client) {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (w.client() == client) {
                it.remove();
                release(client, ackedAtLeast(w.offset()));
                return;
            }
        }
    }

    private void release(Client client, long acked) {
        client.writer().integer(acked);
        client.setBlockedState(null);
        ClientHandler.processInput(client, server);
    }

    private void afterCommand() {
        failover.update();
        sendPendingGetAck();
    }

    /**
     * REPLCONF GETACK * for clients blocked in WAIT. Redis sends none while clients are paused (it would move the
     * offset a failover waits for): a request held back goes out from the cron once the pause is over.
     */
    private void sendPendingGetAck() {
        if (getAckRequested && master == null && !replicas.isEmpty() && !server.clientPause().active()) {
            getAckRequested = false;
            encoder.reset();
            encoder.bulks("REPLCONF".getBytes(), "GETACK".getBytes(), "*".getBytes());
            feed(encoder.toByteArray());
        }
    }

    // ---- becoming a replica ----

    /** REPLICAOF host port (also the replicaof directive at start-up). */
    public String replicaOf(String host, int port) {
        if (master != null && master.host().equalsIgnoreCase(host) && master.port() == port) {
            return "OK Already connected to specified master";
        }
        if (master == null) {
            // PSYNC2: our own history lets us continue with the new master if it descends from us.
            cachedReplid = ids.replid();
            cachedOffset = ids.offset();
        } else if (link != null) {
            rememberLinkHistory();
            link.close();
        }
        master = new ReplicaOf(host, port);
        server.keyspace().setReplica(true);
        Log.setRole('S');
        // Clients blocked on this master's state cannot be served by a replica (Redis: disconnectAllBlockedClients).
        String unblocked = "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)";
        server.blockedClients().disconnectAll(unblocked);
        for (Waiter w : List.copyOf(waiters)) {
            waiters.remove(w);
            w.cancelTimeout();
            w.client().setBlockedState(null);
            w.client().writer().error(unblocked);
            w.client().closeAfterReply();
            w.client().flush();
        }
        Log.notice("Connecting to MASTER " + host + ":" + port);
        connect();
        return "OK";
    }

    /**
     * Start-up as a replica (replicaof in the config): the history saved in the RDB this node loaded lets it
     * continue with a partial resync, as a restarted Redis replica does.
     */
    public void startAsReplica(String host, int port, String savedReplid, long savedOffset) {
        if (savedReplid != null && savedOffset >= 0) {
            ids.adopt(savedReplid, savedOffset);
        }
        replicaOf(host, port);
    }

    /** Start-up as a master: the RDB's history stays valid as replid2, so our replicas can continue. */
    public void restoreHistory(String replid, long offset) {
        if (replid == null || offset < 0) {
            return;
        }
        ids.adopt(replid, offset);
        ids.shift(ReplicationIds.random());
        createBacklog();
    }

    /** REPLICAOF NO ONE: keep the data, become a master with a new history that continues the old one. */
    public void promote() {
        if (master == null) {
            return;
        }
        if (link != null) {
            link.close();
            link = null;
        }
        master = null;
        server.keyspace().setReplica(false);
        Log.setRole('M');
        ids.shift(ReplicationIds.random());
        streamDb = -1;
        if (backlog == null) {
            createBacklog();
        }
        // Replicas must learn the new id: they reconnect and continue with +CONTINUE <new id>.
        for (ReplicaHandle h : List.copyOf(replicas)) {
            dropReplica(h);
        }
        Log.notice("MASTER MODE enabled (REPLICAOF NO ONE): new replication id " + ids.replid()
                + ", previous history kept as replid2 up to offset " + (ids.secondReplOffset() - 1));
    }

    private void connect() {
        String replid = cachedReplid;
        long offset = cachedOffset;
        link = new MasterLink(this, master.host(), master.port(), replid, offset);
        link.connect();
    }

    private void rememberLinkHistory() {
        if (link != null && link.synced()) {
            cachedReplid = ids.replid();
            cachedOffset = ids.offset();
        }
    }

    // ---- callbacks from the master link ----

    public RdbTransfer rdb() {
        return rdb;
    }

    public ReplicaOf master() {
        return master;
    }

    /** The full sync's RDB is loaded: adopt the master's history; our own replicas must resync with it. */
    public void fullSyncLoaded(String replid, long offset) {
        ids.adopt(replid, offset);
        if (backlog == null) {
            createBacklog();
        } else {
            backlog = null;
            createBacklog();
        }
        for (ReplicaHandle h : List.copyOf(replicas)) {
            dropReplica(h);
        }
        cachedReplid = replid;
        cachedOffset = offset;
    }

    /** +CONTINUE with a different id: the master was promoted; keep continuing and remember the old id. */
    public void masterIdChanged(String newId) {
        ids.shift(newId);
        for (ReplicaHandle h : List.copyOf(replicas)) {
            dropReplica(h);
        }
    }

    /** A command from the master was applied: its exact bytes continue down the chain. */
    public void streamFromMaster(byte[] raw) {
        if (backlog == null) {
            createBacklog();
        }
        backlog.append(raw);
        ids.advance(raw.length);
        for (ReplicaHandle h : replicas) {
            switch (h.state()) {
                case ONLINE -> h.send(raw);
                case WAIT_BGSAVE_END, WAIT_FIRST_ACK -> h.hold(raw);
                default -> { }
            }
        }
    }

    /** The link broke: reconnect with the history we have (partial resync if the master still has it). */
    public void linkLost(MasterLink lost) {
        if (lost != link || master == null) {
            return;
        }
        rememberLinkHistory();
        server.loop().schedule(() -> {
            if (link == lost && master != null) {
                Log.notice("Connecting to MASTER " + master.host() + ":" + master.port());
                connect();
            }
        }, 1, TimeUnit.SECONDS);
    }

    public MasterLink link() {
        return link;
    }

    // ---- periodic work ----

    private long lastCronSecond;

    private void cron() {
        long now = System.currentTimeMillis();
        if (now - lastCronSecond < 1000) {
            return;
        }
        lastCronSecond = now;
        if (link != null) {
            link.cron(now);
        }
        long loop = cronLoops++;
        if (master == null && !replicas.isEmpty()) {
            // As Redis: on the period's multiples of the cron loop, not "period after the last ping" (a replica that
            // just attached, e.g. after CONFIG SET repl-ping-replica-period 3600, gets no PING right away).
            long period = server.config().getLong(Directives.REPL_PING_REPLICA_PERIOD);
            if (loop % period == 0 && !failover.suppressesPing()) {
                encoder.reset();
                encoder.bulks("PING".getBytes());
                feed(encoder.toByteArray());
            }
        }
        long timeout = server.config().getLong(Directives.REPL_TIMEOUT) * 1000;
        for (ReplicaHandle h : List.copyOf(replicas)) {
            if (h.state() == ReplicaHandle.State.WAIT_BGSAVE_START
                    || (h.state() == ReplicaHandle.State.WAIT_BGSAVE_END && !fullSyncIsDiskless())) {
                h.client().outbound().send(NEWLINE, 0, 1); // keeps the replica's read timeout from firing
            }
            if (h.state() == ReplicaHandle.State.ONLINE && now - h.lastAckMillis() > timeout) {
                Log.warning("Disconnecting timedout replica (streaming sync): " + h.ip() + ":" + h.listeningPort());
                dropReplica(h);
            }
        }
        if (master == null && replicas.isEmpty() && backlog != null) {
            long ttl = server.config().getLong(Directives.REPL_BACKLOG_TTL) * 1000;
            if (ttl > 0 && now - noReplicasSince > ttl) {
                Log.notice("Replication backlog freed after " + ttl / 1000 + " seconds without connected replicas.");
                backlog = null;
                ids.reset();
            }
        }
    }

    private boolean fullSyncIsDiskless() {
        return server.config().getBool(Directives.REPL_DISKLESS_SYNC);
    }

    private static final byte[] NEWLINE = {'\n'};

    // ---- INFO replication and ROLE ----

    private String info() {
        StringBuilder sb = new StringBuilder();
        if (master == null) {
            sb.append("role:master\n");
        } else {
            sb.append("role:slave\n");
            sb.append("master_host:").append(master.host()).append('\n');
            sb.append("master_port:").append(master.port()).append('\n');
            boolean up = link != null && link.connected();
            sb.append("master_link_status:").append(up ? "up" : "down").append('\n');
            sb.append("master_last_io_seconds_ago:").append(link == null ? -1 : link.lastIoSecondsAgo()).append('\n');
            sb.append("master_sync_in_progress:").append(link != null && link.syncing() ? 1 : 0).append('\n');
            sb.append("slave_read_repl_offset:").append(ids.offset() + (link == null ? 0 : link.unappliedBytes()))
                    .append('\n');
            sb.append("slave_repl_offset:").append(ids.offset()).append('\n');
            if (!up) {
                sb.append("master_link_down_since_seconds:").append(link == null ? -1 : link.downSinceSeconds())
                        .append('\n');
            }
            sb.append("slave_priority:").append(server.config().getLong(Directives.REPLICA_PRIORITY)).append('\n');
            sb.append("slave_read_only:").append(server.config().getBool(Directives.REPLICA_READ_ONLY) ? 1 : 0)
                    .append('\n');
            sb.append("replica_announced:1\n");
        }
        sb.append("connected_slaves:").append(replicas.size()).append('\n');
        long now = System.currentTimeMillis();
        for (int i = 0; i < replicas.size(); i++) {
            ReplicaHandle h = replicas.get(i);
            sb.append("slave").append(i).append(":ip=").append(h.ip()).append(",port=").append(h.listeningPort())
                    .append(",state=").append(h.state().infoName()).append(",offset=").append(h.ackOffset())
                    .append(",lag=").append((now - h.lastAckMillis()) / 1000).append('\n');
        }
        if (master == null && server.config().getLong(Directives.MIN_REPLICAS_TO_WRITE) > 0) {
            sb.append("min_slaves_good_slaves:").append(goodReplicas()).append('\n');
        }
        sb.append("master_failover_state:").append(failover.state().infoName()).append('\n');
        sb.append("master_replid:").append(ids.replid()).append('\n');
        sb.append("master_replid2:").append(ids.replid2()).append('\n');
        sb.append("master_repl_offset:").append(ids.offset()).append('\n');
        sb.append("second_repl_offset:").append(ids.secondReplOffset()).append('\n');
        sb.append("repl_backlog_active:").append(backlog == null ? 0 : 1).append('\n');
        sb.append("repl_backlog_size:").append(server.config().getLong(Directives.REPL_BACKLOG_SIZE)).append('\n');
        sb.append("repl_backlog_first_byte_offset:").append(backlog == null ? 0 : backlog.firstByteOffset())
                .append('\n');
        sb.append("repl_backlog_histlen:").append(backlog == null ? 0 : backlog.histlen()).append('\n');
        return sb.toString();
    }

    /** ROLE's reply, in Redis' exact shapes. */
    public void role(RespWriter w) {
        if (master == null) {
            w.array(3).bulk("master").integer(ids.offset());
            List<ReplicaHandle> online = replicas.stream()
                    .filter(h -> h.state() == ReplicaHandle.State.ONLINE).toList();
            w.array(online.size());
            for (ReplicaHandle h : online) {
                w.array(3).bulk(h.ip()).bulk(Integer.toString(h.listeningPort())).bulk(Long.toString(h.ackOffset()));
            }
            return;
        }
        w.array(5).bulk("slave").bulk(master.host()).integer(master.port())
                .bulk(link == null ? "connect" : link.roleState()).integer(link != null && link.synced()
                        ? ids.offset() : -1);
    }
}
