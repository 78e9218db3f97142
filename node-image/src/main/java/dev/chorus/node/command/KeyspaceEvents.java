package dev.chorus.node.command;

/**
 * Keyspace notifications (notify.c): what a command changed, by class and Redis' event name. Every command that
 * changes a key calls {@link CommandContext#notifyKeyspaceEvent} with the same class and event name as Redis 7.0's
 * {@code notifyKeyspaceEvent} call for that command (for example {@code STRING, "set"} for SET, {@code LIST, "lpush"}
 * for LPUSH, {@code GENERIC, "del"} for DEL); server-side changes (expiry, eviction) use {@code EXPIRED, "expired"}
 * and {@code EVICTED, "evicted"}.
 *
 * <p>The class bits are Redis' NOTIFY_* values. Publishing to {@code __keyspace@<db>__:<key>} and
 * {@code __keyevent@<db>__:<event>} according to notify-keyspace-events is done by {@link #emit}.
 */
public final class KeyspaceEvents {
    public static final int KEYSPACE = 1 << 0;  // K
    public static final int KEYEVENT = 1 << 1;  // E
    public static final int GENERIC = 1 << 2;   // g
    public static final int STRING = 1 << 3;    // $
    public static final int LIST = 1 << 4;      // l
    public static final int SET = 1 << 5;       // s
    public static final int HASH = 1 << 6;      // h
    public static final int ZSET = 1 << 7;      // z
    public static final int EXPIRED = 1 << 8;   // x
    public static final int EVICTED = 1 << 9;   // e
    public static final int STREAM = 1 << 10;   // t
    public static final int KEY_MISS = 1 << 11; // m (not part of 'A')
    public static final int LOADED = 1 << 12;   // module only
    public static final int MODULE = 1 << 13;   // d
    public static final int NEW = 1 << 14;      // n (not part of 'A')

    private final dev.chorus.node.command.shared.PubSub pubsub;
    private int flags;

    public KeyspaceEvents(dev.chorus.node.command.shared.PubSub pubsub) {
        this.pubsub = pubsub;
    }

    /** The classes currently enabled (notify-keyspace-events parsed into NOTIFY_* bits). */
    public int flags() {
        return flags;
    }

    public void setFlags(int flags) {
        this.flags = flags;
    }

    /**
     * One event of class {@code type} named {@code event} on {@code key} in database {@code db}, published as
     * notify.c does: first {@code __keyspace@<db>__:<key>} with the event as message, then
     * {@code __keyevent@<db>__:<event>} with the key as message, each only when K or E is enabled.
     */
    public void emit(int type, String event, byte[] key, int db) {
        if ((flags & type) == 0) {
            return;
        }
        byte[] eventBytes = event.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        String prefix = "@" + db + "__:";
        if ((flags & KEYSPACE) != 0) {
            pubsub.publish("__keyspace" + prefix + new String(key, java.nio.charset.StandardCharsets.ISO_8859_1),
                    eventBytes);
        }
        if ((flags & KEYEVENT) != 0) {
            pubsub.publish("__keyevent" + prefix + event, key);
        }
    }
}
