package dev.chorus.node.resp;

/** Malformed input from a peer. The message is the text Redis sends after "-ERR ", e.g. "Protocol error: invalid bulk length". */
public final class RespProtocolException extends Exception {
    public RespProtocolException(String message) {
        super(message, null, false, false);
    }
}
