package dev.chorus.node.replication.master;

import dev.chorus.node.net.Client;
import java.io.ByteArrayOutputStream;

/** A replica connected to this master: its sync state, what it told us in REPLCONF, and its acknowledged offset. */
public final class ReplicaHandle {
    /** Redis' SLAVE_STATE_*: where the replica is in its synchronisation. */
    public enum State {
        /** Waiting for the next snapshot to begin (diskless sync delay, or another transfer in progress). */
        WAIT_BGSAVE_START("wait_bgsave"),
        /** The snapshot is being produced and sent; stream bytes after its point are held in {@code pending}. */
        WAIT_BGSAVE_END("wait_bgsave"),
        /** Diskless: the RDB was sent; the stream starts after the replica's first REPLCONF ACK (it was loading). */
        WAIT_FIRST_ACK("send_bulk"),
        ONLINE("online");

        private final String infoName;

        State(String infoName) {
            this.infoName = infoName;
        }

        public String infoName() {
            return infoName;
        }
    }

    private final Client client;
    private State state = State.WAIT_BGSAVE_START;
    private int listeningPort;
    private String announcedIp;
    private boolean capaEof;
    private boolean capaPsync2;
    private boolean psync = true;
    private long ackOffset;
    private long lastAckMillis = System.currentTimeMillis();
    private ByteArrayOutputStream pending;

    public ReplicaHandle(Client client) {
        this.client = client;
        client.setHeldOutput(() -> pending == null ? 0 : pending.size());
    }

    public Client client() {
        return client;
    }

    public State state() {
        return state;
    }

    public void setState(State state) {
        this.state = state;
    }

    public int listeningPort() {
        return listeningPort;
    }

    public void setListeningPort(int listeningPort) {
        this.listeningPort = listeningPort;
    }

    /** The address INFO/ROLE report: the announced ip, else the connection's. */
    public String ip() {
        if (announcedIp != null) {
            return announcedIp;
        }
        String addr = client.outbound().remoteAddress();
        int colon = addr.lastIndexOf(':');
        return colon < 0 ? addr : addr.substring(0, colon);
    }

    public void setAnnouncedIp(String ip) {
        this.announcedIp = ip;
    }

    public boolean capaEof() {
        return capaEof;
    }

    public void setCapaEof(boolean capaEof) {
        this.capaEof = capaEof;
    }

    public boolean capaPsync2() {
        return capaPsync2;
    }

    public void setCapaPsync2(boolean capaPsync2) {
        this.capaPsync2 = capaPsync2;
    }

    /** False for a replica that used the old SYNC command (no +FULLRESYNC line, disk-based transfer only). */
    public boolean psync() {
        return psync;
    }

    public void setPsync(boolean psync) {
        this.psync = psync;
    }

    public long ackOffset() {
        return ackOffset;
    }

    public long lastAckMillis() {
        return lastAckMillis;
    }

    public void ack(long offset) {
        ackOffset = Math.max(ackOffset, offset);
        lastAckMillis = System.currentTimeMillis();
    }

    /** Starts holding stream bytes (from the snapshot point on). */
    public void startPending() {
        pending = new ByteArrayOutputStream();
    }

    public boolean holdsPending() {
        return pending != null;
    }

    public void hold(byte[] data) {
        pending.writeBytes(data);
        client.checkOutputBufferLimits();
    }

    /** The held bytes; holding stops. */
    public byte[] takePending() {
        byte[] b = pending == null ? new byte[0] : pending.toByteArray();
        pending = null;
        return b;
    }

    /** Sends stream bytes now, batched with this loop turn's other output. */
    public void send(byte[] data) {
        client.writer().raw(data);
        client.pendingWrite();
    }
}
