package dev.chorus.node.command.shared;

import dev.chorus.node.Log;
import dev.chorus.node.Server;
import dev.chorus.node.command.CommandFlag;
import dev.chorus.node.command.CommandSpec;
import dev.chorus.node.net.Client;
import dev.chorus.node.net.ClientHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * CLIENT PAUSE / UNPAUSE, as Redis 7.0's pauseClients and blockPostponeClient. While a pause is on, a command that
 * the pause covers (every command with ALL; with WRITE, write and may-replicate commands, and an EXEC whose
 * transaction holds one) is postponed: its client is blocked with the command kept, so the connection's later
 * commands wait behind it, and once the pause ends the command goes through the dispatcher again, checks included.
 * Connections of replicas are never paused; a master's link on a replica is, like any client.
 * <p>
 * While paused the data set stays as it is: expired keys are hidden but not deleted and nothing is evicted (the
 * keyspace and {@link Server#freeMemoryIfNeeded} ask {@link #active()}), so the replication offset only moves with
 * the master's periodic PING, as in Redis.
 */
public final class ClientPause {
    /** Ordered from least to most strict: a second CLIENT PAUSE never relaxes the first. */
    public enum Mode { OFF, WRITE, ALL }

    /** A postponed client's state (its blockedState): the command to run again when the pause ends. */
    private record Postponed(byte[][] argv) {
    }

    private static final long MAX_TIMER_MILLIS = TimeUnit.DAYS.toMillis(1);

    private final Server server;
    private final Map<Client, Postponed> postponed = new LinkedHashMap<>();
    /** Clients whose postponed command is run by their owner rather than as client input (the master link). */
    private final Map<Client, Consumer<byte[][]>> runners = new HashMap<>();
    /** Redis' pause_purpose: CLIENT PAUSE and a coordinated FAILOVER pause independently; the strictest wins. */
    public enum Purpose { CLIENT_COMMAND, FAILOVER }

    /** One purpose's pause (Redis' pause_event). */
    private static final class Pause {
        Mode mode;
        long end;

        Pause(Mode mode, long end) {
            this.mode = mode;
            this.end = end;
        }
    }

    private final Map<Purpose, Pause> purposes = new java.util.EnumMap<>(Purpose.class);
    private Mode mode = Mode.OFF;
    private ScheduledFuture<?> timer;

    public ClientPause(Server server) {
        this.server = server;
    }

    /** A pause is on: expiry and eviction leave the data set alone. */
    public boolean active() {
        return mode != Mode.OFF;
    }

    public Mode mode() {
        return mode;
    }

    /**
     * Pauses until {@code endMillis} (absolute). An ongoing pause keeps its later end and its stricter mode. An end in
     * the past (timeout 0, or one that overflowed as it does in Redis) ends the pause on the next turn of the loop.
     */
    public void pause(long endMillis, Mode requested) {
        pause(Purpose.CLIENT_COMMAND, endMillis, requested);
    }

    /** Redis' pauseClients(purpose, end, type): each purpose keeps its own later end and stricter mode. */
    public void pause(Purpose purpose, long endMillis, Mode requested) {
        Pause p = purposes.get(purpose);
        if (p == null) {
            purposes.put(purpose, new Pause(requested, endMillis));
        } else {
            p.end = Math.max(p.end, endMillis);
            p.mode = requested.compareTo(p.mode) > 0 ? requested : p.mode;
        }
        update();
    }

    /** CLIENT UNPAUSE: ends the pause CLIENT PAUSE started (a failover's pause stays). */
    public void unpause() {
        unpause(Purpose.CLIENT_COMMAND);
    }

    /** Redis' unpauseClients(purpose); postponed clients run again if what is left is less strict. */
    public void unpause(Purpose purpose) {
        if (purposes.remove(purpose) != null) {
            update();
        }
    }

    /** Redis' updateClientPauseTypeAndEndTime: the strictest mode over every purpose. */
    private void update() {
        Mode before = mode;
        Mode strictest = Mode.OFF;
        for (Pause p : purposes.values()) {
            strictest = p.mode.compareTo(strictest) > 0 ? p.mode : strictest;
        }
        mode = strictest;
        server.keyspace().setDeletionsPaused(mode != Mode.OFF);
        if (mode == Mode.OFF) {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        } else {
            scheduleEnd();
        }
        if (mode.compareTo(before) < 0) {
            resumeAll();
        }
    }

    /** Postponed clients run their command again, in the order they were postponed (it may be postponed again). */
    private void resumeAll() {
        List<Map.Entry<Client, Postponed>> waiting = new ArrayList<>(postponed.entrySet());
        postponed.clear();
        // As Redis' unblocked-clients queue: they run after the current command, not inside it.
        for (Map.Entry<Client, Postponed> e : waiting) {
            server.loop().execute(() -> resume(e.getKey(), e.getValue()));
        }
    }

    /** Whether the pause holds this command back (processCommand's "If the server is paused" check). */
    public boolean postpones(Client client, CommandSpec spec) {
        if (mode == Mode.OFF || client.kind() == Client.Kind.REPLICA) {
            return false;
        }
        return mode == Mode.ALL || mayReplicate(spec)
                || (spec.name().equals("exec") && transactionMayReplicate(client));
    }

    /** Blocks the client with its command until the pause ends. */
    public void postpone(Client client, byte[][] argv) {
        Postponed p = new Postponed(argv);
        client.setBlockedState(p);
        postponed.put(client, p);
    }

    /** The master link runs its postponed command itself, so the stream it passes on keeps its order. */
    public void setRunner(Client client, Consumer<byte[][]> runner) {
        runners.put(client, runner);
    }

    /** The connection closed: forget it. */
    public void clientClosed(Client client) {
        postponed.remove(client);
        runners.remove(client);
    }

    private static boolean mayReplicate(CommandSpec spec) {
        return spec.has(CommandFlag.WRITE) || spec.has(CommandFlag.MAY_REPLICATE);
    }

    /** Redis keeps the union of the queued commands' flags (mstate.cmd_flags); EXEC is held back when it writes. */
    private boolean transactionMayReplicate(Client client) {
        if (!client.inMulti()) {
            return false;
        }
        for (byte[][] argv : client.queuedCommands()) {
            CommandSpec queued = server.commands().lookupCommandLine(argv);
            if (queued != null && mayReplicate(queued)) {
                return true;
            }
        }
        return false;
    }

    private void scheduleEnd() {
        if (timer != null) {
            timer.cancel(false);
        }
        // Redis ends a purpose's pause once its end is in the past (end < now). A far end is checked again daily.
        long now = System.currentTimeMillis();
        long earliest = Long.MAX_VALUE;
        for (Pause p : purposes.values()) {
            earliest = Math.min(earliest, p.end);
        }
        long delay = earliest < now ? 0 : Math.min(earliest - now + 1, MAX_TIMER_MILLIS);
        timer = server.loop().schedule(this::checkEnd, delay, TimeUnit.MILLISECONDS);
    }

    /** Redis' checkClientPauseTimeoutAndReturnIfPaused: every purpose whose end has passed is unpaused. */
    private void checkEnd() {
        timer = null;
        if (mode == Mode.OFF) {
            return;
        }
        long now = System.currentTimeMillis();
        boolean changed = purposes.values().removeIf(p -> p.end < now);
        if (changed) {
            update();
        } else {
            scheduleEnd();
        }
    }

    private void resume(Client client, Postponed p) {
        if (client.closed() || client.blockedState() != p) {
            return;
        }
        client.setBlockedState(null);
        try {
            Consumer<byte[][]> runner = runners.get(client);
            if (runner != null) {
                runner.accept(p.argv());
                return;
            }
            server.dispatcher().process(client, p.argv());
            // Then whatever the client pipelined behind it (unless the command was postponed again).
            ClientHandler.processInput(client, server);
        } catch (RuntimeException e) {
            Log.warning("Resuming a client after CLIENT PAUSE failed: " + e);
        }
    }
}
