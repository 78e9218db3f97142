package dev.chorus.node.replication.master;

import dev.chorus.node.Log;
import dev.chorus.node.Server;
import dev.chorus.node.command.shared.ClientPause;
import dev.chorus.node.command.CommandError;
import dev.chorus.node.replication.Replication;

/**
 * FAILOVER, as Redis 7.0's failoverCommand / updateFailoverStatus / abortFailover (replication.c). The master pauses
 * writes (a pause of its own purpose, independent of CLIENT PAUSE) and waits until the target replica has acknowledged
 * the whole stream ({@code waiting-for-sync}); then it becomes a replica of the target and sends
 * {@code PSYNC <replid> <offset> FAILOVER}, which makes the target promote itself before it answers
 * ({@code failover-in-progress}). Once the target accepts the PSYNC the state is cleared and the pause ends: postponed
 * writes are then refused by the new replica (-READONLY). A timeout aborts (or, with FORCE, fails over anyway).
 */
public final class CoordinatedFailover {
    /** Redis' failover_state. */
    public enum State {
        NO_FAILOVER("no-failover"),
        WAIT_FOR_SYNC("waiting-for-sync"),
        IN_PROGRESS("failover-in-progress");

        private final String infoName;

        State(String infoName) {
            this.infoName = infoName;
        }

        public String infoName() {
            return infoName;
        }
    }

    private final Server server;
    private final Replication replication;
    private State state = State.NO_FAILOVER;
    private String targetHost;
    private int targetPort;
    /** 0 when no TIMEOUT was given (Redis' failover_end_time). */
    private long endMillis;
    private boolean force;

    public CoordinatedFailover(Server server, Replication replication) {
        this.server = server;
        this.replication = replication;
    }

    public State state() {
        return state;
    }

    /** Redis suppresses the periodic PING to replicas while a failover with a timeout holds writes paused. */
    public boolean suppressesPing() {
        return endMillis != 0 && server.clientPause().active();
    }

    /** FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms]: argument checks and replies exactly as Redis 7.0. */
    public void command(byte[][] argv) {
        if (argv.length == 2 && text(argv[1]).equalsIgnoreCase("abort")) {
            if (state == State.NO_FAILOVER) {
                throw new CommandError("ERR No failover in progress.");
            }
            abort("Failover manually aborted");
            return;
        }
        long timeout = 0;
        boolean forceFlag = false;
        long port = 0;
        String host = null;
        for (int j = 1; j < argv.length; j++) {
            String opt = text(argv[j]);
            if (opt.equalsIgnoreCase("timeout") && j + 1 < argv.length && timeout == 0) {
                timeout = parseLong(argv[j + 1]);
                if (timeout <= 0) {
                    throw new CommandError("ERR FAILOVER timeout must be greater than 0");
                }
                j++;
            } else if (opt.equalsIgnoreCase("to") && j + 2 < argv.length && host == null) {
                port = parseLong(argv[j + 2]);
                host = text(argv[j + 1]);
                j += 2;
            } else if (opt.equalsIgnoreCase("force") && !forceFlag) {
                forceFlag = true;
            } else {
                throw new CommandError("ERR syntax error");
            }
        }
        if (state != State.NO_FAILOVER) {
            throw new CommandError("ERR FAILOVER already in progress.");
        }
        if (replication.isReplica()) {
            throw new CommandError("ERR FAILOVER is not valid when server is a replica.");
        }
        if (replication.replicas().isEmpty()) {
            throw new CommandError("ERR FAILOVER requires connected replicas.");
        }
        if (forceFlag && (timeout == 0 || host == null)) {
            throw new CommandError("ERR FAILOVER with force option requires both a timeout and target HOST and IP.");
        }
        if (host != null) {
            ReplicaHandle replica = find(host, port);
            if (replica == null) {
                throw new CommandError("ERR FAILOVER target HOST and PORT is not a replica.");
            }
            if (replica.state() != ReplicaHandle.State.ONLINE) {
                throw new CommandError("ERR FAILOVER target replica is not online.");
            }
            targetHost = host;
            targetPort = (int) port;
            Log.notice("FAILOVER requested to " + host + ":" + port + ".");
        } else {
            Log.notice("FAILOVER requested to any replica.");
        }
        endMillis = timeout == 0 ? 0 : System.currentTimeMillis() + timeout;
        force = forceFlag;
        state = State.WAIT_FOR_SYNC;
        server.clientPause().pause(ClientPause.Purpose.FAILOVER, Long.MAX_VALUE, ClientPause.Mode.WRITE);
    }

    /** Redis' updateFailoverStatus: run after every command and on every cron tick. */
    public void update() {
        if (state != State.WAIT_FOR_SYNC) {
            return;
        }
        long now = System.currentTimeMillis();
        if (endMillis != 0 && endMillis <= now) {
            if (force) {
                Log.notice("FAILOVER to " + targetHost + ":" + targetPort + " time out exceeded, failing over.");
                state = State.IN_PROGRESS;
                replication.replicaOf(targetHost, targetPort);
            } else {
                abort("Replica never caught up before timeout");
            }
            return;
        }
        ReplicaHandle replica = null;
        long offset = replication.offset();
        if (targetHost != null) {
            replica = find(targetHost, targetPort);
        } else {
            for (ReplicaHandle h : replication.replicas()) {
                replica = h;
                if (h.ackOffset() == offset) {
                    targetHost = h.ip();
                    targetPort = h.listeningPort();
                    break;
                }
            }
        }
        if (replica != null && replica.ackOffset() == offset) {
            state = State.IN_PROGRESS;
            Log.notice("Failover target " + targetHost + ":" + targetPort + " is synced, failing over.");
            replication.replicaOf(targetHost, targetPort);
        }
    }

    /** Whether the PSYNC sent to the new master carries FAILOVER. */
    public boolean inProgress() {
        return state == State.IN_PROGRESS;
    }

    /** The target answered PSYNC (+CONTINUE or +FULLRESYNC): the failover is done. */
    public void psyncAccepted() {
        if (state == State.IN_PROGRESS) {
            clear();
        }
    }

    /**
     * The target refused the PSYNC: abort, become a master again. Returns true when this happened (the link is then
     * closed).
     */
    public boolean psyncRejected() {
        if (state != State.IN_PROGRESS) {
            return false;
        }
        abort("Failover target rejected psync request");
        return true;
    }

    /** Redis' abortFailover. */
    public void abort(String reason) {
        if (state == State.NO_FAILOVER) {
            return;
        }
        if (targetHost != null) {
            Log.notice("FAILOVER to " + targetHost + ":" + targetPort + " aborted: " + reason);
        } else {
            Log.notice("FAILOVER to any replica aborted: " + reason);
        }
        if (state == State.IN_PROGRESS) {
            replication.promote();
        }
        clear();
    }

    /** Redis' clearFailoverState: the failover's pause ends; postponed writes run (or are refused by a replica). */
    private void clear() {
        endMillis = 0;
        force = false;
        targetHost = null;
        targetPort = 0;
        state = State.NO_FAILOVER;
        server.clientPause().unpause(ClientPause.Purpose.FAILOVER);
    }

    /** Redis' findReplica: by announced (or connection) address and listening port. */
    private ReplicaHandle find(String host, long port) {
        for (ReplicaHandle h : replication.replicas()) {
            if (h.ip().equalsIgnoreCase(host) && h.listeningPort() == port) {
                return h;
            }
        }
        return null;
    }

    private static String text(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static long parseLong(byte[] b) {
        Long v = dev.chorus.node.command.CommandContext.parseLongOrNull(b);
        if (v == null) {
            throw new CommandError("ERR value is not an integer or out of range");
        }
        return v;
    }
}
