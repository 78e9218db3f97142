package dev.chorus.node.net;

/** Where a client's reply bytes go. Implemented over a Netty channel; tests may capture bytes directly. */
public interface Outbound {
    /** Sends the bytes (copied: the caller reuses its buffer). */
    void send(byte[] data, int offset, int length);

    /** Closes the connection once everything sent so far is flushed. */
    void close();

    /**
     * Sends bytes that are not counted as output buffer (an RDB payload to a replica, as Redis streams it from the
     * snapshot rather than through the reply buffer).
     */
    default void sendUncounted(byte[] data, int offset, int length) {
        send(data, offset, length);
    }

    /** Reply bytes handed to the connection and not yet written to the socket (uncounted ones excluded). */
    default long pendingBytes() {
        return 0;
    }

    /** Closes at once, dropping whatever is still queued (freeClientAsync). */
    default void closeNow() {
        close();
    }

    String remoteAddress();

    /** A connection through the `unixsocket` (flag U in CLIENT LIST). */
    default boolean unixSocket() {
        return false;
    }

    String localAddress();
}
