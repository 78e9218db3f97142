package dev.chorus.node.command.blocking;

import dev.chorus.node.command.CommandContext;

/** What a blocked command does once one of its keys holds a value of the type it waits for. */
@FunctionalInterface
public interface BlockedOperation {
    /**
     * Serves the blocked client from {@code key}, which exists and holds the awaited type: writes the reply, changes
     * the keyspace and declares what to propagate through {@code ctx}, exactly as the command would have done had the
     * data been there. Returns false to keep waiting. Throwing a {@link dev.chorus.node.command.CommandError} answers
     * the client with that error and unblocks it (BLMOVE towards a key of the wrong type).
     */
    boolean serve(CommandContext ctx, byte[] key);
}
