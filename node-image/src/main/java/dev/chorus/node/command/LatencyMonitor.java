package dev.chorus.node.command;

import dev.chorus.node.config.Config;
import dev.chorus.node.config.Directives;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Redis' latency monitor (latency.c): per event, the worst latency of each of the last 160 seconds that had a sample
 * at or above {@code latency-monitor-threshold} milliseconds (0 disables it), and the all-time maximum.
 *
 * <p>Events the node measures: "command" and "fast-command" (every command call, EXEC's queued ones included, split by
 * the fast flag as Redis does), "command-unblocking" (answering a client that was blocked), "expire-cycle" (the active
 * expiry cycle) and "eviction-cycle" (a maxmemory eviction round before a command). Redis' fork, AOF and disk events
 * have no meaning here: the node snapshots without fork and has no AOF, so they never appear.
 */
public final class LatencyMonitor {
    static final int TS_LEN = 160;

    /** One event's samples: a ring of (second, latency ms), as struct latencyTimeSeries. */
    static final class TimeSeries {
        int idx;
        long max;
        final long[] time = new long[TS_LEN];
        final long[] latency = new long[TS_LEN];
    }

    private final Config config;
    private final Map<String, TimeSeries> events = new LinkedHashMap<>();

    public LatencyMonitor(Config config) {
        this.config = config;
    }

    /** latencyAddSampleIfNeeded: records {@code millis} when the monitor is on and it reaches the threshold. */
    public void addSampleIfNeeded(String event, long millis) {
        long threshold = config.getLong(Directives.LATENCY_MONITOR_THRESHOLD);
        if (threshold != 0 && millis >= threshold) {
            addSample(event, millis, System.currentTimeMillis() / 1000);
        }
    }

    void addSample(String event, long millis, long nowSeconds) {
        TimeSeries ts = events.computeIfAbsent(event, e -> new TimeSeries());
        if (millis > ts.max) {
            ts.max = millis;
        }
        int prev = (ts.idx + TS_LEN - 1) % TS_LEN;
        if (ts.time[prev] == nowSeconds) {
            if (millis > ts.latency[prev]) {
                ts.latency[prev] = millis;
            }
            return;
        }
        ts.time[ts.idx] = nowSeconds;
        ts.latency[ts.idx] = millis;
        ts.idx = (ts.idx + 1) % TS_LEN;
    }

    /** latencyResetEvent: null resets every event; the name is compared case-insensitively. */
    public int reset(String event) {
        int resets = 0;
        for (Iterator<String> it = events.keySet().iterator(); it.hasNext(); ) {
            String name = it.next();
            if (event == null || name.equalsIgnoreCase(event)) {
                it.remove();
                resets++;
            }
        }
        return resets;
    }

    Map<String, TimeSeries> events() {
        return events;
    }

    TimeSeries get(String event) {
        return events.get(event);
    }
}
