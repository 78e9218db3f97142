package dev.chorus.node.command;

/** Redis' shared error replies (server.c createSharedObjects), word for word. */
public final class Errors {
    private Errors() {
    }

    public static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public static final String SYNTAX = "ERR syntax error";
    public static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    public static final String NOT_FLOAT = "ERR value is not a valid float";
    public static final String OVERFLOW = "ERR increment or decrement would overflow";
    public static final String NO_SUCH_KEY = "ERR no such key";
    public static final String INDEX_OUT_OF_RANGE = "ERR index out of range";
    public static final String DB_INDEX_OUT_OF_RANGE = "ERR DB index is out of range";
    public static final String NOT_POSITIVE = "ERR value is out of range, must be positive";
    public static final String NOAUTH = "NOAUTH Authentication required.";
    public static final String READONLY = "READONLY You can't write against a read only replica.";
    public static final String NOREPLICAS = "NOREPLICAS Not enough good replicas to write.";
    public static final String MASTERDOWN =
            "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
    public static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";
    public static final String EXECABORT = "EXECABORT Transaction discarded because of previous errors.";

    public static CommandError error(String message) {
        return new CommandError(message);
    }

    public static CommandError wrongType() {
        return new CommandError(WRONGTYPE);
    }

    public static CommandError syntax() {
        return new CommandError(SYNTAX);
    }

    /** "ERR wrong number of arguments for 'get' command". */
    public static CommandError arity(String fullName) {
        return new CommandError("ERR wrong number of arguments for '" + fullName + "' command");
    }

    /** "ERR unknown subcommand 'foo'. Try CLIENT HELP." */
    public static CommandError unknownSubcommand(String sub, String container) {
        return new CommandError("ERR unknown subcommand '" + truncate(sub) + "'. Try "
                + container.toUpperCase(java.util.Locale.ROOT) + " HELP.");
    }

    static String truncate(String s) {
        return s.length() > 128 ? s.substring(0, 128) : s;
    }
}
