package dev.chorus.node.net;

/** Where a client's reply bytes go. Implemented over a Netty channel; tests may capture bytes directly. */
public interface Outbound {
    /** Sends the bytes (copied: the caller reuses its buffer). */
    void send(byte[] data, int offset, int length);

    /** Closes the connection once everything sent so far is flushed. */
    void close();

    String remoteAddress();

    String localAddress();
}
