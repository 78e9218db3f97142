package dev.chorus.node.command.shared;

import java.util.TreeSet;

/** One connection's CLIENT TRACKING state: Redis' CLIENT_TRACKING* flags, the redirection and the BCAST prefixes. */
public final class ClientTracking {
    boolean on;
    boolean bcast;
    boolean optin;
    boolean optout;
    boolean noloop;
    /** CLIENT CACHING yes (OPTIN) or no (OPTOUT) was given for the next command or transaction. */
    boolean caching;
    boolean brokenRedirect;
    long redirect;
    /** The BCAST prefixes (ISO-8859-1 strings: sorted like Redis' radix tree, by unsigned bytes). */
    final TreeSet<String> prefixes = new TreeSet<>();

    public boolean on() {
        return on;
    }

    public boolean bcast() {
        return bcast;
    }

    public boolean brokenRedirect() {
        return brokenRedirect;
    }

    /** CLIENT LIST's redir field and CLIENT GETREDIR: the redirection when tracking is on, else -1. */
    public long redirection() {
        return on ? redirect : -1;
    }

    /** Redis' resetClient: CACHING applies to one command, or to one whole MULTI/EXEC. */
    public void commandDone(boolean inMulti, boolean wasClientCommand) {
        if (!inMulti && !wasClientCommand) {
            caching = false;
        }
    }
}
