package dev.chorus.node.command;

import dev.chorus.node.Log;
import dev.chorus.node.Server;
import dev.chorus.node.config.Directives;
import dev.chorus.node.net.Client;
import dev.chorus.node.store.Keyspace;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Runs one command for a client, with the checks Redis' processCommand makes and in the same order: lookup, arity,
 * authentication, pub/sub context, MULTI queueing, replica read-only, memory, then the handler, then propagation.
 */
public final class Dispatcher {
    private static final Set<String> ALLOWED_IN_RESP2_PUBSUB =
            Set.of("subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe", "ping",
                    "quit", "reset");
    private static final Set<String> EXECUTED_INSIDE_MULTI = Set.of("exec", "discard", "multi", "watch", "quit",
            "reset");

    /** What Redis still accepts inside MULTI when out of memory (EXEC is judged by what it queued). */
    private static final Set<String> NOT_QUEUED_WHEN_OOM = Set.of("exec", "discard", "quit", "reset");

    private static final String MISCONF = "MISCONF Redis is configured to save RDB snapshots, but it's currently "
            + "unable to persist to disk. Commands that may modify the data set are disabled, because this instance is "
            + "configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error "
            + "option). Please check the Redis logs for details about the RDB error.";

    private final Server server;

    public Dispatcher(Server server) {
        this.server = server;
    }

    /**
     * Processes a command from a client connection (replies go into the client's writer). Around it, what Redis does
     * per command in processCommand and resetClient: the client is the current one (tracking's NOLOOP and deferred
     * invalidations), a reply CLIENT REPLY OFF/SKIP suppresses is dropped, and CLIENT CACHING's flag is used up.
     */
    public void process(Client client, byte[][] argv) {
        if (argv.length == 0) {
            return;
        }
        dev.chorus.node.command.shared.Tracking tracking = server.shared().tracking();
        tracking.setCurrentClient(client);
        client.beginReply();
        client.setExecuting(true);
        try {
            processCommand(client, argv);
        } finally {
            client.setExecuting(false);
            client.endReply();
            // Redis checks the output buffer limits as the reply is added: a client over them is closed before any
            // of this reply is sent, and what it pipelined after is not run.
            client.checkOutputBufferLimits();
            boolean clientCommand = isClientCommand(argv[0]);
            client.tracking().commandDone(client.inMulti(), clientCommand);
            tracking.setCurrentClient(null);
        }
    }

    private void processCommand(Client client, byte[][] argv) {
        long startNanos = System.nanoTime();
        client.touch(System.currentTimeMillis());
        if (server.scripting().debugging(client)) { // SCRIPT DEBUG SYNC: the client talks to the Lua debugger
            server.scripting().debugCommand(client, argv);
            return;
        }
        CommandSpec spec = server.commands().lookup(argv[0]);
        if (spec == null) {
            client.setLastCommand("NULL");
            reject(client, unknownCommand(argv));
            return;
        }
        if (!spec.subcommands().isEmpty() && argv.length >= 2) {
            CommandSpec sub = spec.subcommands().get(lower(argv[1]));
            if (sub == null) {
                client.setLastCommand("NULL");
                reject(client, Errors.unknownSubcommand(cString(argv[1]), spec.name())
                        .getMessage());
                return;
            }
            spec = sub;
        }
        // Redis sets c->lastcmd on lookup: CLIENT LIST shows the command being run (or refused, or postponed).
        client.setLastCommand(spec.fullName());
        if (!spec.acceptsArgCount(argv.length)) {
            reject(client, spec, Errors.arity(spec.fullName()).getMessage());
            return;
        }
        spec = ScriptingCommands.withScriptFlags(server, spec, argv); // evalGetCommandFlags: a shebang's flags
        if (spec.handler() == DebugCommands.HANDLER && !DebugCommands.allowed(server, client)) {
            reject(client, DebugCommands.NOT_ALLOWED);
            return;
        }
        if (!client.authenticated() && !spec.has(CommandFlag.NO_AUTH)) {
            reject(client, spec, Errors.NOAUTH);
            return;
        }
        if (client.inMulti() && spec.has(CommandFlag.NO_MULTI)) {
            reject(client, spec, "ERR Command not allowed inside a transaction");
            return;
        }
        if (client.monitor() && (spec.isWrite() || spec.has(CommandFlag.READONLY)
                || spec.has(CommandFlag.MAY_REPLICATE))) {
            reject(client, "ERR Replica can't interact with the keyspace");
            return;
        }
        if (client.inPubSubContext() && !ALLOWED_IN_RESP2_PUBSUB.contains(spec.name())) {
            reject(client, spec, "ERR Can't execute '" + spec.fullName() + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / "
                    + "PING / QUIT / RESET are allowed in this context");
            return;
        }
        // processCommand: clients over maxmemory-clients are disconnected before key eviction; if this was one of
        // them, its command is not run.
        server.evictClients();
        if (client.closed()) {
            return;
        }
        String denied = deniedByServerState(client, spec);
        if (denied != null) {
            // (EXEC is judged by the flags of the commands it queued: such a refusal aborts the whole transaction)
            reject(client, spec, denied);
            return;
        }
        if (server.scripting().busy() && !spec.has(CommandFlag.ALLOW_BUSY)) {
            reject(client, spec, server.scripting().busyError()); // a script past busy-reply-threshold
            return;
        }
        if (server.clientPause().postpones(client, spec)) {
            server.clientPause().postpone(client, argv);
            return;
        }
        if (client.inMulti() && !EXECUTED_INSIDE_MULTI.contains(spec.name())) {
            client.queue(argv);
            client.writer().simple("QUEUED");
            return;
        }
        call(client, spec, argv, startNanos);
        server.afterCommand();
    }

    /** Executes a command whose checks have passed (also used by EXEC for each queued command). */
    public void call(Client client, CommandSpec spec, byte[][] argv) {
        call(client, spec, argv, System.nanoTime());
    }

    /**
     * {@code start} is the command's start on the monotonic clock: it times the call for INFO commandstats and, like
     * Redis' cached server.mstime, is the time the whole command sees (the dispatcher's checks before the handler
     * are part of it; they take no measurable time unless eviction runs).
     */
    private void call(Client client, CommandSpec spec, byte[][] argv, long start) {
        CommandContext ctx = client.context();
        ctx.reset(spec, argv);
        int dbBefore = client.dbIndex();
        Keyspace keyspace = server.keyspace();
        keyspace.beginCommand(start);
        server.shared().tracking().enterCall();
        boolean failed = false;
        try {
            spec.handler().execute(ctx);
        } catch (CommandError e) {
            client.writer().error(e.getMessage());
            server.stats().error(e.getMessage());
            failed = true;
        } catch (RuntimeException e) {
            Log.warning("Unexpected error executing '" + spec.fullName() + "': " + e);
            String msg = "ERR internal error executing '" + spec.fullName() + "': " + e.getClass().getSimpleName();
            client.writer().error(msg);
            server.stats().error(msg);
            failed = true;
        } finally {
            keyspace.endCommand();
            server.shared().tracking().exitCall();
        }
        // Looked up after the handler: Redis counts into the command table's entry after the call, so CONFIG
        // RESETSTAT itself shows one call (and its latency histogram one sample) right after the reset.
        ServerStats.CommandStat stat = server.stats().command(spec.fullName());
        if (failed) {
            stat.failedCalls++;
        }
        long micros = (System.nanoTime() - start) / 1000;
        server.shared().tracking().afterCommand(client, spec, argv);
        server.shared().monitors().commandExecuted(client, spec, argv);
        stat.calls++;
        stat.micros += micros;
        server.monitors().afterCall(client, spec, argv, stat, micros);
        server.stats().commandsProcessed++;
        List<byte[][]> propagation = client.propagationOff() ? List.of() : ctx.propagation();
        if (propagation.size() > 1 && !client.executingTransaction()) {
            // Several effects of one command reach replicas as one transaction (Redis' also-propagate wrapping).
            server.beginTransactionPropagation();
            server.propagate(dbBefore, propagation);
            server.endTransactionPropagation(client.dbIndex());
            client.setWriteOffset(server.replicationOffset());
        } else if (!propagation.isEmpty()) {
            server.propagate(dbBefore, propagation);
            client.setWriteOffset(server.replicationOffset());
        }
        if (ctx.dirtyCount() > 0) {
            server.addDirty(ctx.dirtyCount());
        }
    }

    /**
     * Why the server's state refuses this command now, in Redis' processCommand order: maxmemory (every command
     * makes room first; denyoom commands and commands queued in MULTI are refused when it cannot), disk errors,
     * min-replicas, read-only replica, then a replica's stale data. EXEC is judged by the commands it queued too.
     */
    private String deniedByServerState(Client client, CommandSpec spec) {
        if (client.isMaster()) {
            if (spec.isWrite() && !server.config().getBool(Directives.REPLICA_IGNORE_MAXMEMORY)) {
                server.freeMemoryIfNeeded(); // replica-ignore-maxmemory no: the replica evicts on its own
            }
            limitTrackingTable();
            return null;
        }
        boolean write = spec.isWrite();
        boolean denyOom = spec.has(CommandFlag.DENYOOM);
        boolean denyStale = !spec.has(CommandFlag.STALE);
        if (client.inMulti() && spec.name().equals("exec")) {
            for (byte[][] argv : client.queuedCommands()) {
                CommandSpec s = server.commands().lookup(argv[0]);
                if (s == null) {
                    continue;
                }
                if (!s.subcommands().isEmpty() && argv.length >= 2 && s.subcommands().get(lower(argv[1])) != null) {
                    s = s.subcommands().get(lower(argv[1]));
                }
                s = ScriptingCommands.withScriptFlags(server, s, argv); // a script's shebang/function flags
                write |= s.isWrite();
                denyOom |= s.has(CommandFlag.DENYOOM);
                denyStale |= !s.has(CommandFlag.STALE);
            }
        }
        if (server.config().getLong(Directives.MAXMEMORY) != 0 && !server.scripting().busy()) {
            // (Redis: no eviction while a busy script yields to other clients, isInsideYieldingLongCommand)
            boolean outOfMemory = !server.freeMemoryIfNeeded();
            // Evictions may have invalidated keys: those messages go out before this command's reply.
            server.shared().tracking().sendPendingInvalidations();
            // Queueing in MULTI may take unbounded memory: out of memory, any command but EXEC/DISCARD/QUIT/RESET
            // is refused there.
            boolean rejectOnOom = denyOom || (client.inMulti() && !NOT_QUEUED_WHEN_OOM.contains(spec.name()));
            if (outOfMemory && rejectOnOom) {
                return Errors.OOM;
            }
        }
        limitTrackingTable();
        if (write && !server.isReplica() && !server.persistence().writesAllowed()) {
            return MISCONF;
        }
        if (write && !server.isReplica() && !server.enoughGoodReplicas()) {
            return Errors.NOREPLICAS;
        }
        if (write && server.isReplica() && server.config().getBool(Directives.REPLICA_READ_ONLY)) {
            return Errors.READONLY;
        }
        if (denyStale && server.isReplica() && !server.masterLinkUp()
                && !server.config().getBool(Directives.REPLICA_SERVE_STALE_DATA)) {
            return Errors.MASTERDOWN;
        }
        return null;
    }

    /**
     * processCommand keeps the tracking table within tracking-table-max-keys right after making room for memory,
     * before the command is refused, queued or run (its invalidations go out before the reply or the QUEUED).
     */
    private void limitTrackingTable() {
        if (server.shared().tracking().trackingClients() > 0) {
            server.shared().tracking().limitUsedSlots();
        }
    }

    /** A known command refused before it ran: Redis counts it in INFO commandstats' rejected_calls. */
    private void reject(Client client, CommandSpec spec, String error) {
        server.stats().command(spec.fullName()).rejectedCalls++;
        if (client.inMulti() && spec.name().equals("exec")) {
            // rejectCommand -> execCommandAbort: a refused EXEC discards the transaction and leaves MULTI
            client.endMulti();
            server.watchedKeys().unwatchAll(client);
            String abort = "EXECABORT Transaction discarded because of: " + error;
            client.writer().error(abort);
            server.stats().error(abort);
            return;
        }
        reject(client, error);
    }

    private void reject(Client client, String message) {
        if (client.inMulti()) {
            client.failMulti();
        }
        client.writer().error(message);
        server.stats().error(message);
    }

    private static String unknownCommand(byte[][] argv) {
        StringBuilder args = new StringBuilder();
        // sdscatprintf("'%.*s' ", 128 - sdslen(args), arg): the 128 characters are shared by all the arguments.
        for (int i = 1; i < argv.length && args.length() < 128; i++) {
            String a = cString(argv[i]);
            int room = 128 - args.length();
            args.append('\'').append(a, 0, Math.min(a.length(), room)).append("' ");
        }
        String name = cString(argv[0]);
        return "ERR unknown command '" + (name.length() > 128 ? name.substring(0, 128) : name)
                + "', with args beginning with: " + args;
    }

    /** An argument as Redis' %s prints it: up to its first NUL byte. */
    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** Whether the command is CLIENT (any subcommand): CLIENT CACHING's flag survives it, as resetClient does. */
    private static boolean isClientCommand(byte[] name) {
        return name.length == 6 && new String(name, StandardCharsets.ISO_8859_1).equalsIgnoreCase("client");
    }

    private static String lower(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
    }
}
