package dev.chorus.node.command;

/**
 * Command flags as Redis names them; families declare them for the dispatcher's checks. COMMAND INFO reports Redis'
 * own list from the captured metadata, which hides may_replicate and adds the derived movablekeys.
 */
public enum CommandFlag {
    WRITE("write"),
    READONLY("readonly"),
    DENYOOM("denyoom"),
    ADMIN("admin"),
    PUBSUB("pubsub"),
    NOSCRIPT("noscript"),
    BLOCKING("blocking"),
    LOADING("loading"),
    STALE("stale"),
    SKIP_MONITOR("skip_monitor"),
    SKIP_SLOWLOG("skip_slowlog"),
    ASKING("asking"),
    FAST("fast"),
    NO_AUTH("no_auth"),
    MAY_REPLICATE("may_replicate"),
    NO_MANDATORY_KEYS("no_mandatory_keys"),
    NO_ASYNC_LOADING("no_async_loading"),
    NO_MULTI("no_multi"),
    ALLOW_BUSY("allow_busy");

    private final String redisName;

    CommandFlag(String redisName) {
        this.redisName = redisName;
    }

    public String redisName() {
        return redisName;
    }

    public static CommandFlag byName(String name) {
        for (CommandFlag f : values()) {
            if (f.redisName.equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown command flag: " + name);
    }
}
