package dev.chorus.node.command;

/**
 * Thrown by a handler to answer with an error reply and stop. The message is the full Redis error text including its
 * code ("ERR syntax error", "WRONGTYPE ..."). No stack trace: this is control flow, not a fault.
 */
public final class CommandError extends RuntimeException {
    public CommandError(String message) {
        super(message, null, false, false);
    }
}
