package dev.chorus.node.replication.replica;

import dev.chorus.node.Log;
import dev.chorus.node.Server;
import dev.chorus.node.config.Directives;
import dev.chorus.node.net.Client;
import dev.chorus.node.net.Outbound;
import dev.chorus.node.replication.RdbTransfer;
import dev.chorus.node.replication.Replication;
import dev.chorus.node.resp.RespProtocolException;
import dev.chorus.node.resp.RespWriter;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The replica's connection to its master, as Redis' syncWithMaster drives it: PING, [AUTH], REPLCONF listening-port /
 * ip-address / capa, PSYNC; then either the RDB of a full resync (saved as dbfilename, then loaded) or +CONTINUE; then
 * the command stream, applied in order, acknowledged every second with REPLCONF ACK.
 */
public final class MasterLink extends ChannelInboundHandlerAdapter {
    private enum Phase { CONNECTING, PING, HANDSHAKE, PSYNC, RDB_HEADER, RDB_PAYLOAD, STREAM, CLOSED }

    private final Replication replication;
    private final Server server;
    private final String host;
    private final int port;
    private final String psyncId;
    private final long psyncOffset;
    private final Deque<String> expectedReplies = new ArrayDeque<>();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private Phase phase = Phase.CONNECTING;
    private Channel channel;
    private Client masterClient;
    private RdbReceiver receiver;
    /** Whether the RDB being received replaces dbfilename once loaded (repl-diskless-load, decided at its start). */
    private boolean loadThroughDisk = true;
    /** The payload being parsed while it arrives (see {@link RdbTransfer#receive}). */
    private RdbTransfer.IncomingRdb incoming;
    /** The exact bytes of a master command CLIENT PAUSE postponed: passed down the chain once it has run. */
    private byte[] postponedRaw;
    private String fullSyncId;
    private long fullSyncOffset;
    private long lastIoMillis = System.currentTimeMillis();
    private final long createdMillis = System.currentTimeMillis();
    private boolean everSynced;

    public MasterLink(Replication replication, String host, int port, String cachedReplid, long cachedOffset) {
        this.replication = replication;
        this.server = replication.server();
        this.host = host;
        this.port = port;
        this.psyncId = cachedReplid;
        this.psyncOffset = cachedOffset;
    }

    /** bind-source-addr: the local address the link to the master leaves from (null: the system's choice). */
    private java.net.SocketAddress sourceAddress() {
        String source = server.config().getString(Directives.BIND_SOURCE_ADDR);
        return source.isEmpty() ? null : new java.net.InetSocketAddress(source, 0);
    }

    public void connect() {
        Class<? extends Channel> type = Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
        new Bootstrap().group((EventLoop) server.loop()).channel(type)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, server.config().getLong(Directives.REPL_TIMEOUT) * 1000))
                .handler(this)
                .connect(new java.net.InetSocketAddress(host, port), sourceAddress())
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        Log.warning("Error condition on socket for SYNC: " + f.cause().getMessage());
                        fail();
                    }
                });
    }

    // ---- state for INFO and ROLE ----

    /**
     * Stream bytes read from the master but not applied yet (a command held by CLIENT PAUSE and what arrived behind
     * it): Redis' read_reploff minus reploff, what INFO's slave_read_repl_offset is ahead of slave_repl_offset.
     */
    public long unappliedBytes() {
        if (phase != Phase.STREAM || masterClient == null) {
            return 0;
        }
        return masterClient.parser().buffered() + (postponedRaw == null ? 0 : postponedRaw.length);
    }

    public boolean connected() {
        return phase == Phase.STREAM;
    }

    public boolean syncing() {
        return phase == Phase.RDB_HEADER || phase == Phase.RDB_PAYLOAD;
    }

    /** True once this link (or the history it continues) holds the master's data. */
    public boolean synced() {
        return everSynced || phase == Phase.STREAM;
    }

    public long lastIoSecondsAgo() {
        return (System.currentTimeMillis() - lastIoMillis) / 1000;
    }

    public long downSinceSeconds() {
        return (System.currentTimeMillis() - createdMillis) / 1000;
    }

    /** ROLE's state word for a replica. */
    public String roleState() {
        return switch (phase) {
            case CONNECTING -> "connecting";
            case PING, HANDSHAKE, PSYNC -> "handshake";
            case RDB_HEADER, RDB_PAYLOAD -> "sync";
            case STREAM -> "connected";
            case CLOSED -> "connect";
        };
    }

    // ---- handshake ----

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        Log.notice("MASTER <-> REPLICA sync started");
        phase = Phase.PING;
        send("PING");
    }

    private void sendHandshake() {
        phase = Phase.HANDSHAKE;
        String auth = server.config().getString(Directives.MASTERAUTH);
        String user = server.config().getString(Directives.MASTERUSER);
        if (!auth.isEmpty()) {
            if (user.isEmpty()) {
                send("AUTH", auth);
            } else {
                send("AUTH", user, auth);
            }
            expectedReplies.add("auth");
        }
        long announcePort = server.config().getLong(Directives.REPLICA_ANNOUNCE_PORT);
        send("REPLCONF", "listening-port", Long.toString(announcePort != 0 ? announcePort : server.tcpPort()));
        expectedReplies.add("listening-port");
        String ip = server.config().getString(Directives.REPLICA_ANNOUNCE_IP);
        if (!ip.isEmpty()) {
            send("REPLCONF", "ip-address", ip);
            expectedReplies.add("ip-address");
        }
        send("REPLCONF", "capa", "eof", "capa", "psync2");
        expectedReplies.add("capa");
    }

    /**
     * PSYNC goes out only once every handshake reply has arrived, as Redis' syncWithMaster does: a master refuses
     * PSYNC while replies to earlier commands are still in its output buffer ("SYNC and PSYNC are invalid with pending
     * output").
     */
    private void sendPsync() {
        String id = "?";
        String offset = "-1";
        if (psyncId != null && psyncOffset >= 0) {
            id = psyncId;
            offset = Long.toString(psyncOffset + 1);
            Log.notice("Trying a partial resynchronization (request " + psyncId + ":" + offset + ").");
        } else {
            Log.notice("Partial resynchronization not possible (no cached master)");
        }
        // A master failing over to this target asks it to promote itself (Redis: PSYNC <id> <offset> FAILOVER).
        if (replication.failover().inProgress()) {
            send("PSYNC", id, offset, "FAILOVER");
        } else {
            send("PSYNC", id, offset);
        }
        expectedReplies.add("psync");
    }

    private void send(String... args) {
        RespWriter w = new RespWriter(64);
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        w.bulks(argv);
        channel.writeAndFlush(channel.alloc().buffer(w.length()).writeBytes(w.array(), 0, w.length()));
    }

    /** REPLCONF ACK <offset>: after each GETACK and every second. */
    public void sendAck() {
        if (phase == Phase.STREAM && channel != null) {
            send("REPLCONF", "ACK", Long.toString(replication.ids().offset()));
        }
    }

    // ---- input ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        byte[] data;
        try {
            data = new byte[buf.readableBytes()];
            buf.readBytes(data);
        } finally {
            buf.release();
        }
        lastIoMillis = System.currentTimeMillis();
        try {
            consume(data, 0, data.length);
        } catch (IOException | RespProtocolException | RuntimeException e) {
            Log.warning("Replication with MASTER " + host + ":" + port + " failed: " + e.getMessage());
            close();
        }
    }

    private void consume(byte[] data, int off, int len) throws IOException, RespProtocolException {
        int i = off;
        int end = off + len;
        while (i < end && phase != Phase.CLOSED) {
            switch (phase) {
                case PING, HANDSHAKE, PSYNC, RDB_HEADER -> {
                    byte b = data[i++];
                    if (b != '\n') {
                        line.write(b);
                        continue;
                    }
                    String reply = line.toString(StandardCharsets.ISO_8859_1);
                    line.reset();
                    if (reply.endsWith("\r")) {
                        reply = reply.substring(0, reply.length() - 1);
                    }
                    onLine(reply);
                }
                case RDB_PAYLOAD -> {
                    int used = receiver.accept(data, i, end - i);
                    incoming.written(receiver.written());
                    i += used;
                    if (receiver.done()) {
                        incoming.finish(receiver.received());
                        loadReceivedRdb();
                    }
                }
                case STREAM -> {
                    masterClient.parser().feed(data, i, end - i);
                    i = end;
                    applyStream();
                }
                default -> i = end;
            }
        }
    }

    private void onLine(String reply) throws IOException {
        switch (phase) {
            case PING -> {
                if (reply.startsWith("-") && !reply.startsWith("-NOAUTH") && !reply.startsWith("-NOPERM")
                        && !reply.startsWith("-ERR operation not permitted")) {
                    throw new IOException("Error reply to PING from master: '" + reply + "'");
                }
                Log.notice("Master replied to PING, replication can continue...");
                sendHandshake();
            }
            case HANDSHAKE, PSYNC -> {
                if (reply.isEmpty()) {
                    return; // keepalive newline while the master prepares
                }
                String expected = expectedReplies.poll();
                if (expected == null) {
                    throw new IOException("unexpected reply from master: " + reply);
                }
                switch (expected) {
                    case "auth" -> {
                        if (reply.startsWith("-")) {
                            throw new IOException("Unable to AUTH to MASTER: " + reply);
                        }
                    }
                    case "psync" -> onPsyncReply(reply);
                    default -> {
                        if (reply.startsWith("-")) {
                            Log.notice("(Non critical) Master does not understand REPLCONF " + expected + ": " + reply);
                        }
                    }
                }
                if (!expected.equals("psync") && expectedReplies.isEmpty() && phase == Phase.HANDSHAKE) {
                    sendPsync();
                }
            }
            case RDB_HEADER -> {
                if (reply.isEmpty()) {
                    return; // the master keeps the link alive while it produces the snapshot
                }
                if (reply.startsWith("-")) {
                    throw new IOException("MASTER aborted replication with an error: " + reply.substring(1));
                }
                Path dir = Path.of(server.config().getString(Directives.DIR));
                Path tmp = dir.resolve("temp-" + System.currentTimeMillis() + "." + ProcessHandle.current().pid()
                        + ".rdb");
                receiver = RdbReceiver.forHeader(reply, tmp);
                incoming = replication.rdb().receive(tmp);
                // repl-diskless-load: "disabled" (and "on-empty-db" with data) loads through the disk, so the
                // received RDB becomes dbfilename; otherwise the temp file only buffers the transfer and goes.
                String load = server.config().getString(Directives.REPL_DISKLESS_LOAD);
                loadThroughDisk = load.equals("disabled")
                        || (load.equals("on-empty-db") && server.keyspace().totalKeys() > 0);
                Log.notice("MASTER <-> REPLICA sync: receiving " + (reply.startsWith("$EOF") ? "streamed RDB from "
                        + "master with EOF to disk" : reply.substring(1) + " bytes from master to disk"));
                phase = Phase.RDB_PAYLOAD;
            }
            default -> { }
        }
    }

    private void onPsyncReply(String reply) throws IOException {
        if (reply.startsWith("+FULLRESYNC")) {
            String[] parts = reply.split(" ");
            if (parts.length < 3) {
                throw new IOException("Bad +FULLRESYNC reply: " + reply);
            }
            fullSyncId = parts[1];
            fullSyncOffset = Long.parseLong(parts[2]);
            Log.notice("Full resync from master: " + fullSyncId + ":" + fullSyncOffset);
            replication.failover().psyncAccepted();
            phase = Phase.RDB_HEADER;
            return;
        }
        if (reply.startsWith("+CONTINUE")) {
            String newId = reply.length() > "+CONTINUE ".length() ? reply.substring("+CONTINUE ".length()).trim() : "";
            Log.notice("Successful partial resynchronization with master.");
            if (!newId.isEmpty() && !newId.equals(replication.ids().replid())) {
                Log.notice("Master replication ID changed to " + newId);
                replication.masterIdChanged(newId);
            }
            Log.notice("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
            replication.failover().psyncAccepted();
            startStream();
            return;
        }
        if (replication.failover().inProgress()) {
            Log.warning("Unexpected reply to PSYNC FAILOVER from master: " + reply);
        }
        if (replication.failover().psyncRejected()) {
            return; // the failover was aborted: this node is a master again and the link is closed
        }
        if (reply.startsWith("-NOMASTERLINK") || reply.startsWith("-LOADING")) {
            throw new IOException("Master is currently unable to PSYNC but should be in the future: " + reply);
        }
        throw new IOException("Unexpected reply to PSYNC from master: " + reply);
    }

    private void loadReceivedRdb() throws IOException {
        Path file = Path.of(server.config().getString(Directives.DIR))
                .resolve(server.config().getString(Directives.DBFILENAME));
        Log.notice("MASTER <-> REPLICA sync: Flushing old data");
        Log.notice("MASTER <-> REPLICA sync: Loading DB in memory");
        // The payload was parsed as it arrived, into staging apart from the live keyspace: a corrupt transfer leaves
        // both the dataset and dump.rdb untouched; only a verified one replaces them.
        RdbTransfer.Loaded loaded;
        RdbTransfer.IncomingRdb parsed = incoming;
        incoming = null;
        try {
            loaded = replication.rdb().install(parsed);
        } catch (IOException e) {
            Files.deleteIfExists(receiver.file());
            throw new IOException("Failed trying to load the MASTER synchronization DB from disk: " + e.getMessage(), e);
        }
        if (!loadThroughDisk) {
            Files.deleteIfExists(receiver.file()); // diskless load: dbfilename on disk is left as it was
        } else if (server.config().getBool(Directives.RDB_DEL_SYNC_FILES) && server.config().savePoints().isEmpty()) {
            // rdb-del-sync-files with persistence off: the file only served this sync (Redis unlinks it after loading)
            Files.deleteIfExists(receiver.file());
            Files.deleteIfExists(file);
            Log.notice("Removing the RDB file obtained from the master. This replica has persistence disabled");
        } else {
            Files.move(receiver.file(), file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        server.shared().keyChanges().flushed(-1); // emptyData's signalFlushedDb: cached keys are all invalid
        Log.notice("Done loading RDB, keys loaded: " + loaded.keys());
        replication.fullSyncLoaded(fullSyncId, fullSyncOffset);
        Log.notice("MASTER <-> REPLICA sync: Finished with success");
        receiver = null;
        startStream();
        sendAck(); // a diskless master starts the stream only after this first ACK
    }

    private void startStream() {
        phase = Phase.STREAM;
        everSynced = true;
        masterClient = new Client(server.clients().newId(), server, new LinkOutbound());
        masterClient.setKind(Client.Kind.MASTER);
        masterClient.setAuthenticated(true);
        masterClient.parser().setInlineAllowed(false);
        masterClient.parser().setRetainRaw(true);
        masterClient.parser().setMaxBulkLength(Long.MAX_VALUE);
        server.clients().add(masterClient);
        server.clientPause().setRunner(masterClient, this::runPostponed);
    }

    /** Applies every complete command from the master, then passes its exact bytes down the chain. */
    private void applyStream() throws RespProtocolException {
        // CLIENT PAUSE on a replica holds the master's stream too (Redis pauses every client but replicas): the
        // rest waits in the parser, and the offset stays where it is until the postponed command runs.
        while (phase == Phase.STREAM && !masterClient.blocked()) {
            byte[][] argv = masterClient.parser().next();
            if (argv == null) {
                return;
            }
            apply(argv, masterClient.parser().lastCommandRaw());
        }
    }

    /**
     * Redis' afterErrorReply for a replica's master client: an error while applying the stream is logged as critical,
     * and with propagation-error-behavior panic or panic-on-replicas a read-only replica stops rather than diverge.
     */
    private void checkErrorReply(byte[][] argv) {
        var w = masterClient.writer();
        if (w.length() == 0 || w.array()[0] != '-') {
            return;
        }
        int end = 1;
        while (end < w.length() && w.array()[end] != '\r') {
            end++;
        }
        String error = new String(w.array(), 0, end, StandardCharsets.UTF_8); // with its "-", as Redis logs it
        String command = new String(argv[0], StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
        Log.warning("== CRITICAL == This replica is sending an error to its master: '" + error
                + "' after processing the command '" + command + "'");
        String behavior = server.config().getString(Directives.PROPAGATION_ERROR_BEHAVIOR);
        if (!behavior.equals("ignore") && server.config().getBool(Directives.REPLICA_READ_ONLY)) {
            Log.warning("Guru Meditation: This replica panicked sending an error to its master after processing the "
                    + "command '" + command + "' (propagation-error-behavior " + behavior + ")");
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }
    }

    private void apply(byte[][] argv, byte[] raw) {
        if (argv.length > 0) {
            server.keyspace().setExecutingMasterStream(true);
            try {
                server.dispatcher().process(masterClient, argv);
                checkErrorReply(argv);
            } finally {
                server.keyspace().setExecutingMasterStream(false);
                masterClient.writer().reset(); // a master never reads our replies
            }
            if (masterClient.blocked()) {
                postponedRaw = raw;
                return;
            }
        }
        replication.streamFromMaster(raw);
    }

    /** The pause ended: run the postponed command, then what arrived behind it. */
    private void runPostponed(byte[][] argv) {
        if (phase != Phase.STREAM || postponedRaw == null) {
            return;
        }
        byte[] raw = postponedRaw;
        postponedRaw = null;
        try {
            apply(argv, raw);
            applyStream();
        } catch (RespProtocolException | RuntimeException e) {
            Log.warning("Replication with MASTER " + host + ":" + port + " failed: " + e.getMessage());
            close();
        }
    }

    // ---- lifecycle ----

    /** Once a second: REPLCONF ACK, and drop the link when the master has been silent for repl-timeout. */
    public void cron(long now) {
        long timeout = server.config().getLong(Directives.REPL_TIMEOUT) * 1000;
        if (phase != Phase.CLOSED && now - lastIoMillis > timeout) {
            Log.warning("MASTER timeout: no data nor PING received...");
            close();
            return;
        }
        sendAck();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (phase != Phase.CLOSED) {
            Log.notice("Connection with master lost.");
            fail();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Log.warning("Error condition on socket for SYNC: " + cause.getMessage());
        close();
    }

    private void fail() {
        boolean wasClosed = phase == Phase.CLOSED;
        release();
        if (!wasClosed) {
            replication.linkLost(this);
        }
    }

    /** Closes the link for good (REPLICAOF changed, or an error: then Replication reconnects). */
    public void close() {
        boolean wasClosed = phase == Phase.CLOSED;
        release();
        if (!wasClosed) {
            replication.linkLost(this);
        }
    }

    private void release() {
        phase = Phase.CLOSED;
        if (incoming != null) {
            incoming.abort();
            incoming = null;
        }
        if (receiver != null) {
            receiver.close();
            receiver = null;
        }
        if (masterClient != null) {
            masterClient.markClosed();
            server.clientPause().clientClosed(masterClient);
            server.clients().remove(masterClient);
            masterClient = null;
        }
        if (channel != null) {
            channel.close();
        }
    }

    /** The master client's outbound: replies are discarded; only explicit sends (ACK) reach the master. */
    private final class LinkOutbound implements Outbound {
        @Override
        public void send(byte[] data, int offset, int length) {
            // Replies to the master's commands are never sent, as in Redis.
        }

        @Override
        public void close() {
            MasterLink.this.close();
        }

        @Override
        public String remoteAddress() {
            return host + ":" + port;
        }

        @Override
        public String localAddress() {
            return channel == null ? "" : String.valueOf(channel.localAddress()).replaceFirst("^/", "");
        }
    }

    /** While a script is busy the master's stream waits (Redis does not process its master's input then). */
    public void setReadsPaused(boolean paused) {
        Channel c = channel;
        if (c != null) {
            c.config().setAutoRead(!paused);
        }
    }
}
