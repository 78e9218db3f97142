package dev.chorus.operator.topology;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Keeps a master cut off from its replicas from taking writes (Redis' min-replicas-to-write 1 with
 * min-replicas-max-lag): once no replica has acknowledged for the lag, it answers NOREPLICAS. The failover waits
 * longer than that, so the old master has stopped taking writes before a new one starts: at most one node takes
 * writes even when the operator cannot reach the old master to demote it.
 * <p>
 * Applied when failover is on and there are at least two replicas (one replica down must not stop writes). A
 * spec.config that names either directive takes over the fence.
 */
public final class IsolationFence {
    public static final String TO_WRITE = "min-replicas-to-write";
    public static final String MAX_LAG = "min-replicas-max-lag";
    /** Redis' default min-replicas-max-lag. */
    private static final int REDIS_DEFAULT_LAG = 10;
    /** Replicas acknowledge every second; the master checks once a second: the fence closes within lag + 2 s. */
    private static final int CLOSE_MARGIN_SECONDS = 2;

    private IsolationFence() {
    }

    /** The directives the operator sets on every node; empty when spec.config owns the fence. */
    public static Map<String, String> directives(boolean failoverEnabled, int nodes, int timeoutSeconds,
                                                 Map<String, String> userConfig) {
        Map<String, String> d = new LinkedHashMap<>();
        if (userConfig.containsKey(TO_WRITE) || userConfig.containsKey(MAX_LAG)) {
            return d;
        }
        boolean fenced = failoverEnabled && nodes >= 3;
        d.put(TO_WRITE, fenced ? "1" : "0");
        d.put(MAX_LAG, Integer.toString(fenced ? Math.max(1, timeoutSeconds - CLOSE_MARGIN_SECONDS) : REDIS_DEFAULT_LAG));
        return d;
    }

    /** Seconds without replica acknowledgements after which the master refuses writes; empty when it never does. */
    public static OptionalInt lagSeconds(Map<String, String> effective) {
        int toWrite = parse(effective.get(TO_WRITE), 0);
        return toWrite > 0 ? OptionalInt.of(parse(effective.get(MAX_LAG), REDIS_DEFAULT_LAG)) : OptionalInt.empty();
    }

    /** How long the master may fail before a failover: the timeout, but never before the fence has closed. */
    public static Duration failoverWait(int timeoutSeconds, OptionalInt lagSeconds) {
        int fenceClosed = lagSeconds.isPresent() ? lagSeconds.getAsInt() + CLOSE_MARGIN_SECONDS : 0;
        return Duration.ofSeconds(Math.max(timeoutSeconds, fenceClosed));
    }

    private static int parse(String v, int fallback) {
        try {
            return v == null ? fallback : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
