package dev.chorus.node.command;

import dev.chorus.node.config.Config;
import dev.chorus.node.config.Directives;
import dev.chorus.node.net.Client;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What Redis' call() records after each command besides INFO commandstats: the slow log, the latency monitor's
 * "command"/"fast-command" events and the per-command latency histogram (latency-tracking). A command that left its
 * client blocked is recorded when it is unblocked (updateStatsOnUnblock): its first run plus the run that answered.
 */
public final class CommandMonitors {
    private record Pending(CommandSpec spec, byte[][] argv, long durationMicros) {
    }

    private final Config config;
    private final ServerStats stats;
    private final SlowLog slowLog;
    private final LatencyMonitor latency;
    private final Map<Client, Pending> blocked = new IdentityHashMap<>();

    public CommandMonitors(Config config, ServerStats stats) {
        this.config = config;
        this.stats = stats;
        this.slowLog = new SlowLog(config);
        this.latency = new LatencyMonitor(config);
    }

    public SlowLog slowLog() {
        return slowLog;
    }

    public LatencyMonitor latency() {
        return latency;
    }

    /** After a command ran in call(); {@code stat} is its INFO commandstats entry. */
    public void afterCall(Client client, CommandSpec spec, byte[][] argv, ServerStats.CommandStat stat,
                          long durationMicros) {
        latency.addSampleIfNeeded(spec.has(CommandFlag.FAST) ? "fast-command" : "command", durationMicros / 1000);
        if (client.blockedState() != null) {
            blocked.put(client, new Pending(spec, argv, durationMicros));
            return;
        }
        recordHistogram(stat, durationMicros);
        slowLog.push(client, spec, argv, durationMicros);
    }

    /**
     * The client's blocked command was served (updateStatsOnUnblock); {@code replyMicros} is what that took. A
     * timeout or CLIENT UNBLOCK records nothing in Redis 7.0: {@link #clientClosed} then just forgets the command.
     */
    public void unblocked(Client client, long replyMicros) {
        Pending p = blocked.remove(client);
        if (p == null) {
            return;
        }
        long total = p.durationMicros() + replyMicros;
        recordHistogram(stats.command(p.spec().fullName()), total);
        slowLog.push(client, p.spec(), p.argv(), total);
        latency.addSampleIfNeeded("command-unblocking", replyMicros / 1000);
    }

    /**
     * CLIENT UNBLOCK released the client (with TIMEOUT or ERROR): networking.c calls updateStatsOnUnblock(target, 0,
     * 0, 1), so the blocked command counts as failed and goes to the histogram and the slow log.
     */
    public void unblockedByClientUnblock(Client client) {
        Pending p = blocked.remove(client);
        if (p == null) {
            return;
        }
        ServerStats.CommandStat stat = stats.command(p.spec().fullName());
        stat.failedCalls++;
        recordHistogram(stat, p.durationMicros());
        slowLog.push(client, p.spec(), p.argv(), p.durationMicros());
        latency.addSampleIfNeeded("command-unblocking", 0);
    }

    /** A client that disconnects while blocked (or whose block ends without being served) leaves no entry. */
    public void clientClosed(Client client) {
        blocked.remove(client);
    }

    private void recordHistogram(ServerStats.CommandStat stat, long micros) {
        if (config.getBool(Directives.LATENCY_TRACKING)) {
            if (stat.histogram == null) {
                stat.histogram = new LatencyHistogram();
            }
            stat.histogram.record(micros * 1000);
        }
    }
}
