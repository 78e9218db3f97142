package dev.chorus.node.net;

import dev.chorus.node.Server;
import dev.chorus.node.command.CommandContext;
import dev.chorus.node.resp.RespRequestParser;
import dev.chorus.node.resp.RespWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One connected client's session state: selected database, protocol, name, authentication, transaction and pub/sub
 * state, and its parser and reply buffer. Touched only by the server thread.
 */
public final class Client {
    /** Roles a connection can play besides a normal client. */
    public enum Kind { NORMAL, REPLICA, MASTER, PUBSUB }

    private final long id;
    private boolean executing;
    private final Server server;
    private final Outbound outbound;
    private final RespRequestParser parser = new RespRequestParser();
    private final RespWriter writer = new RespWriter();
    private final CommandContext context;
    private final long createdAt = System.currentTimeMillis();
    private long lastInteraction = createdAt;
    private int dbIndex;
    private String name = "";
    private boolean authenticated;
    private boolean closeAfterReply;
    private boolean closed;
    private String lastCommand = "NULL";
    private Kind kind = Kind.NORMAL;
    private boolean noEvict;
    private long writeOffset;
    /** When the output first stayed over the soft limit (seconds), 0 when under it: obuf_soft_limit_reached_time. */
    private long softLimitReachedAt;
    /** Output held outside the writer and the connection (a replica's stream during its full sync). */
    private java.util.function.LongSupplier heldOutput;

    /** What Redis would have allocated for this client's query and reply buffers (CLIENT LIST qbuf-free, rbs, rbp). */
    private final RedisBuffers buffers = new RedisBuffers(System.currentTimeMillis());

    // MULTI/EXEC
    private List<byte[][]> queuedCommands;
    private boolean multiFailed;
    private boolean watchedKeyTouched;
    private boolean executingTransaction;
    private final java.util.Map<WatchedKey, dev.chorus.node.command.shared.WatchedKeys.Watch> watchedKeys =
            new java.util.LinkedHashMap<>();

    // Pub/Sub
    private final Set<String> channels = new HashSet<>();
    private final Set<String> patterns = new HashSet<>();
    private final Set<String> shardChannels = new HashSet<>();

    // Client-side caching (CLIENT TRACKING), MONITOR, CLIENT REPLY
    private final dev.chorus.node.command.shared.ClientTracking tracking =
            new dev.chorus.node.command.shared.ClientTracking();
    private boolean monitor;
    private boolean replyOff;
    private boolean replySkip;
    private boolean replySkipNext;
    /** Where this command's suppressed reply began (CLIENT REPLY OFF/SKIP), or -1 when replies are sent. */
    private int muteFrom = -1;

    // Blocking commands: the command to re-run when a key becomes ready.
    private Object blockedState;

    /** A watched (db, key) pair; keys compared by content. */
    public record WatchedKey(int db, String key) {
    }

    public Client(long id, Server server, Outbound outbound) {
        this.id = id;
        this.server = server;
        this.outbound = outbound;
        this.context = new CommandContext(server, this);
        this.authenticated = server.config().getString(dev.chorus.node.config.Directives.REQUIREPASS).isEmpty();
        this.parser.setMaxBulkLength(server.config().getLong(dev.chorus.node.config.Directives.PROTO_MAX_BULK_LEN));
        this.parser.setAuthRequired(!authenticated);
    }

    public long id() {
        return id;
    }

    public RespRequestParser parser() {
        return parser;
    }

    public RespWriter writer() {
        return writer;
    }

    public CommandContext context() {
        return context;
    }

    public Outbound outbound() {
        return outbound;
    }

    public int dbIndex() {
        return dbIndex;
    }

    public void selectDb(int index) {
        this.dbIndex = index;
    }

    public String name() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public boolean authenticated() {
        return authenticated;
    }

    public void setAuthenticated(boolean authenticated) {
        this.authenticated = authenticated;
        parser.setAuthRequired(!authenticated);
    }

    public int protocol() {
        return writer.protocol();
    }

    public void setProtocol(int protocol) {
        writer.setProtocol(protocol);
    }

    public long createdAt() {
        return createdAt;
    }

    public long lastInteraction() {
        return lastInteraction;
    }

    /** Records an interaction at {@code nowMillis} (the dispatcher passes the command's start time). */
    public void touch(long nowMillis) {
        lastInteraction = nowMillis;
    }

    public String lastCommand() {
        return lastCommand;
    }

    public void setLastCommand(String lastCommand) {
        this.lastCommand = lastCommand;
    }

    public Kind kind() {
        return kind;
    }

    public void setKind(Kind kind) {
        this.kind = kind;
    }

    public boolean isMaster() {
        return kind == Kind.MASTER;
    }

    /** The replication offset right after this client's last write: what WAIT waits for replicas to reach. */
    public long writeOffset() {
        return writeOffset;
    }

    public void setWriteOffset(long writeOffset) {
        this.writeOffset = writeOffset;
    }

    public boolean noEvict() {
        return noEvict;
    }

    public void setNoEvict(boolean noEvict) {
        this.noEvict = noEvict;
    }

    // ---- closing ----

    /** Close once the pending reply is flushed (QUIT, protocol errors, CLIENT KILL). */
    public void closeAfterReply() {
        closeAfterReply = true;
    }

    public boolean closing() {
        return closeAfterReply || closed;
    }

    public boolean closed() {
        return closed;
    }

    /** Sends whatever the writer holds, and closes if that was requested. */
    public void flush() {
        if (closed) {
            writer.reset();
            return;
        }
        if (writer.length() > 0) {
            buffers.replied(writer.length());
            outbound.send(writer.array(), 0, writer.length());
            writer.reset();
            if (!closeAfterReply && checkOutputBufferLimits()) {
                return;
            }
        }
        if (closeAfterReply) {
            closed = true;
            outbound.close();
        }
    }

    /** The connection is gone: release everything the client holds in the server. */
    public void markClosed() {
        closed = true;
    }

    // ---- MULTI ----

    public boolean inMulti() {
        return queuedCommands != null;
    }

    public void beginMulti() {
        queuedCommands = new ArrayList<>();
        multiFailed = false;
    }

    public void queue(byte[][] argv) {
        queuedCommands.add(argv);
    }

    /** The commands queued since MULTI (read-only; empty outside MULTI). */
    public List<byte[][]> queuedCommands() {
        return queuedCommands == null ? List.of() : java.util.Collections.unmodifiableList(queuedCommands);
    }

    public List<byte[][]> endMulti() {
        List<byte[][]> q = queuedCommands;
        queuedCommands = null;
        multiFailed = false;
        return q;
    }

    public void failMulti() {
        multiFailed = true;
    }

    public boolean multiFailed() {
        return multiFailed;
    }

    /** Running a script that went busy: its further input waits until the script ends (Redis' protectClient). */
    private boolean protectedClient;

    public boolean isProtected() {
        return protectedClient;
    }

    public void setProtected(boolean p) {
        protectedClient = p;
    }

    /** A script's redis.set_repl(REPL_NONE...): this client's writes are not propagated. */
    private boolean propagationOff;

    public boolean propagationOff() {
        return propagationOff;
    }

    public void setPropagationOff(boolean off) {
        propagationOff = off;
    }

    /** True while EXEC runs the queued commands: blocking commands must not block then. */
    public boolean executingTransaction() {
        return executingTransaction;
    }

    public void setExecutingTransaction(boolean executingTransaction) {
        this.executingTransaction = executingTransaction;
    }

    public java.util.Map<WatchedKey, dev.chorus.node.command.shared.WatchedKeys.Watch> watchedKeys() {
        return watchedKeys;
    }

    public boolean watchedKeyTouched() {
        return watchedKeyTouched;
    }

    public void setWatchedKeyTouched(boolean touched) {
        this.watchedKeyTouched = touched;
    }

    // ---- Pub/Sub ----

    public Set<String> channels() {
        return channels;
    }

    public Set<String> patterns() {
        return patterns;
    }

    public int subscriptionCount() {
        return channels.size() + patterns.size();
    }

    /** SSUBSCRIBE's channels (sharded pub/sub: their own namespace). */
    public Set<String> shardChannels() {
        return shardChannels;
    }

    /** Redis' CLIENT_PUBSUB flag: subscribed to any channel, pattern or shard channel. */
    public boolean inPubSub() {
        return subscriptionCount() + shardChannels.size() > 0;
    }

    /** RESP2 clients with subscriptions may only run the pub/sub commands. */
    public boolean inPubSubContext() {
        return writer.protocol() == 2 && inPubSub();
    }

    // ---- client-side caching, MONITOR, CLIENT REPLY ----

    public dev.chorus.node.command.shared.ClientTracking tracking() {
        return tracking;
    }

    public boolean monitor() {
        return monitor;
    }

    public void setMonitor(boolean monitor) {
        this.monitor = monitor;
    }

    /** CLIENT REPLY OFF is on. */
    public boolean replyOff() {
        return replyOff;
    }

    /** CLIENT REPLY ON / OFF: ON ends the suppression at once (its own +OK is sent), OFF starts it. */
    public void setReplyOff(boolean off) {
        replyOff = off;
        if (off) {
            replySkipNext = false;
            if (muteFrom < 0) {
                muteFrom = writer.length();
            }
        } else {
            replySkip = false;
            replySkipNext = false;
            if (muteFrom >= 0) {
                writer.truncate(muteFrom);
                muteFrom = -1;
            }
        }
    }

    /** CLIENT REPLY SKIP: the next command's reply is not sent. */
    public void skipNextReply() {
        if (!replyOff) {
            replySkipNext = true;
        }
    }

    /** A command begins: its reply is suppressed under CLIENT REPLY OFF or SKIP. */
    public void beginReply() {
        if ((replyOff || replySkip) && muteFrom < 0) {
            muteFrom = writer.length();
        }
    }

    /** The command is done (Redis' resetClient): a suppressed reply is dropped, SKIP moves on to the next command. */
    public void endReply() {
        if (muteFrom >= 0) {
            writer.truncate(muteFrom);
            muteFrom = -1;
        }
        replySkip = false;
        if (replySkipNext) {
            replySkip = true;
            replySkipNext = false;
        }
    }

    /**
     * A reply written outside the client's own command (a blocked command served, timed out or unblocked) is dropped
     * under CLIENT REPLY OFF too. Returns the state to give back to {@link #endDeferredReply}.
     */
    public boolean beginDeferredReply() {
        if (!replyOff || muteFrom >= 0) {
            return false;
        }
        muteFrom = writer.length();
        return true;
    }

    public void endDeferredReply(boolean muted) {
        if (muted && muteFrom >= 0) {
            writer.truncate(muteFrom);
            muteFrom = -1;
        }
    }

    /**
     * A push (pub/sub message, subscription reply, invalidation) is about to be written: it is sent even when the
     * command's reply is suppressed (Redis' CLIENT_PUSHING). Returns the state to give back to {@link #endPush}.
     */
    public boolean beginPush() {
        if (muteFrom < 0) {
            return false;
        }
        writer.truncate(muteFrom);
        return true;
    }

    public void endPush(boolean wasMuted) {
        if (wasMuted) {
            muteFrom = writer.length();
        }
    }

    // ---- blocking ----

    public Object blockedState() {
        return blockedState;
    }

    public void setBlockedState(Object blockedState) {
        this.blockedState = blockedState;
    }

    public boolean blocked() {
        return blockedState != null;
    }

    /** Marks the client as having output to send at the end of this event-loop turn. */
    public void pendingWrite() {
        if (closed) {
            writer.reset(); // closed for its output buffer: what other clients send it goes nowhere
            return;
        }
        server.clients().markPendingWrite(this);
        checkOutputBufferLimits();
    }

    // ---- Redis' buffer bookkeeping ----

    public RedisBuffers buffers() {
        return buffers;
    }

    /** serverCron's clientsCron for this client: clientsCronResizeQueryBuffer, clientsCronResizeOutputBuffer. */
    public void buffersCron(long nowMillis) {
        buffers.queryBufferCron(nowMillis / 1000 - lastInteraction() / 1000, parser.buffered(),
                parser.pendingBulkLength());
        buffers.replyBufferCron(nowMillis, dev.chorus.node.command.DebugCommands.replyBufferResizing(),
                dev.chorus.node.command.DebugCommands.replyBufferPeakResetTime());
    }

    // ---- output buffer limits ----

    /** The client-output-buffer-limit class: replica links, subscribers (RESP2 or 3), else normal (masters too). */
    public int outputClass() {
        if (kind == Kind.REPLICA) {
            return dev.chorus.node.config.OutputBufferLimits.REPLICA;
        }
        return subscriptionCount() > 0 ? dev.chorus.node.config.OutputBufferLimits.PUBSUB
                : dev.chorus.node.config.OutputBufferLimits.NORMAL;
    }

    public void setHeldOutput(java.util.function.LongSupplier heldOutput) {
        this.heldOutput = heldOutput;
    }

    /** A reply list block's usable bytes (PROTO_REPLY_CHUNK_BYTES + header, jemalloc's 20480 class) and node size. */
    private static final long REPLY_BLOCK = 20464;
    private static final long REPLY_NODE = 40;

    /** Every reply byte not yet written to the socket (this turn's, the connection's, a replica's held stream). */
    public long unsentBytes() {
        return writer.length() + outbound.pendingBytes() + (heldOutput == null ? 0 : heldOutput.getAsLong());
    }

    /** What a connection costs besides its buffers (Redis' client struct and its small allocations). */
    public static final long STRUCT_BYTES = 1024;

    /**
     * Redis' getClientMemoryUsage: the query buffer and the arguments of a command still arriving, the output
     * waiting for the peer, the commands queued by MULTI, and the connection itself. What INFO's mem_clients_normal
     * and mem_clients_slaves add up, used_memory includes, and maxmemory-clients evicts by.
     */
    public long memoryUsage() {
        long multi = 0;
        if (inMulti()) {
            for (byte[][] argv : queuedCommands()) {
                for (byte[] a : argv) {
                    multi += a.length + 16;
                }
            }
        }
        return STRUCT_BYTES + parser.capacity() + parser.pendingArgvBytes() + outputMemory() + multi;
    }

    /** True while one of this client's commands runs (CLIENT LIST's qbuf then includes the command, as in Redis). */
    public boolean executing() {
        return executing;
    }

    public void setExecuting(boolean executing) {
        this.executing = executing;
    }

    /**
     * Output waiting for the peer as Redis counts it (getClientOutputBufferMemoryUsage): what does not fit in the
     * client's static reply buffer (rbs bytes; replies that fit there are never counted against the limits), what the
     * connection has not written yet, and a replica's held stream.
     */
    public long outputMemory() {
        long held = heldOutput == null ? 0 : heldOutput.getAsLong();
        long pending = writer.length() + outbound.pendingBytes();
        if (kind != Kind.REPLICA) {
            // Past the static buffer, replies go to a list of 16 KB blocks (zmalloc_usable: 20464 bytes each after
            // the block header), each counted whole with its list node (reply_bytes + 40 per node).
            long listed = Math.max(0, pending - buffers.replyBufferSize());
            long blocks = (listed + REPLY_BLOCK - 1) / REPLY_BLOCK;
            pending = blocks * (REPLY_BLOCK + REPLY_NODE);
        }
        return pending + held;
    }

    /**
     * Redis' closeClientOnOutputBufferLimitReached(c, async): over the hard limit, or over the soft limit for longer
     * than its seconds, the client is closed at once and whatever it had pending is dropped. True if it was.
     */
    public boolean checkOutputBufferLimits() {
        if (closed) {
            return true;
        }
        if (kind == Kind.MASTER) {
            return false; // our link to the master: never limited here (Redis treats it as normal, 0 0 0 by default)
        }
        // An unauthenticated client may not hold more output than Redis' 16 KB static reply buffer (the
        // CVE-2025-21605 fix in Debian's 7.0.15: any reply block past it closes the client), whatever the limits.
        if (!authenticated && kind != Kind.REPLICA && outputMemory() > UNAUTHENTICATED_OUTPUT_MAX
                && !server.config().getString(dev.chorus.node.config.Directives.REQUIREPASS).isEmpty()) {
            return closeOverOutputLimits();
        }
        int cls = outputClass();
        var limits = (dev.chorus.node.config.OutputBufferLimits) server.config()
                .get(dev.chorus.node.config.Directives.CLIENT_OUTPUT_BUFFER_LIMIT);
        var limit = limits.limit(cls);
        if (limit.hardBytes() == 0 && limit.softBytes() == 0) {
            return false;
        }
        long used = outputMemory();
        if (used == 0 && cls != dev.chorus.node.config.OutputBufferLimits.REPLICA) {
            return false;
        }
        long hardLimit = limit.hardBytes();
        if (cls == dev.chorus.node.config.OutputBufferLimits.REPLICA && hardLimit != 0) {
            // A replica limit below the backlog size would drop replicas that could still resync: Redis uses the
            // backlog size then.
            hardLimit = Math.max(hardLimit,
                    server.config().getLong(dev.chorus.node.config.Directives.REPL_BACKLOG_SIZE));
        }
        boolean hard = hardLimit != 0 && Long.compareUnsigned(used, hardLimit) >= 0;
        boolean soft = limit.softBytes() != 0 && Long.compareUnsigned(used, limit.softBytes()) >= 0;
        if (soft) {
            long now = System.currentTimeMillis() / 1000;
            if (softLimitReachedAt == 0) {
                softLimitReachedAt = now;
                soft = false;
            } else if (now - softLimitReachedAt <= limit.softSeconds()) {
                soft = false;
            }
        } else {
            softLimitReachedAt = 0;
        }
        if (!hard && !soft) {
            return false;
        }
        return closeOverOutputLimits();
    }

    /** PROTO_REPLY_CHUNK_BYTES: what Redis' static reply buffer holds before reply blocks are allocated. */
    private static final long UNAUTHENTICATED_OUTPUT_MAX = 16 * 1024;

    private boolean closeOverOutputLimits() {
        String info = dev.chorus.node.command.ConnectionCommands.describe(server, this);
        closeNow();
        dev.chorus.node.Log.warning("Client " + info
                + " scheduled to be closed ASAP for overcoming of output buffer limits.");
        return true;
    }

    /** freeClientAsync: closed now, pending output dropped, nothing more sent. */
    public void closeNow() {
        closeAfterReply = true;
        closed = true;
        writer.reset();
        outbound.closeNow();
    }
}
