package dev.chorus.node.command;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** Counters for INFO stats and INFO commandstats/errorstats. Server thread only. */
public final class ServerStats {
    /** Per-command figures, as INFO commandstats shows them. */
    public static final class CommandStat {
        public long calls;
        public long micros;
        public long rejectedCalls;
        public long failedCalls;
        /** LATENCY HISTOGRAM / INFO latencystats data, created at the first sample (latency-tracking). */
        public LatencyHistogram histogram;
    }

    /** Looked up once per command: a hash map (String caches its hash); INFO sorts a copy. */
    private final Map<String, CommandStat> commands = new HashMap<>();
    private final Map<String, Long> errors = new TreeMap<>();
    public long commandsProcessed;
    public long netInputBytes;
    public long netOutputBytes;
    public long keyspaceHits;
    public long keyspaceMisses;
    public long totalErrorReplies;
    public long syncFull;
    public long syncPartialOk;
    public long syncPartialErr;
    /** INFO memory's lazyfreed_objects (see {@link LazyFree}). */
    public long lazyfreedObjects;

    public CommandStat command(String fullName) {
        CommandStat stat = commands.get(fullName);
        if (stat == null) {
            stat = new CommandStat();
            commands.put(fullName, stat);
        }
        return stat;
    }

    /** The command's figures, or null when it was not called since the last reset. */
    public CommandStat peek(String fullName) {
        return commands.get(fullName);
    }

    /** Every command called since the last reset, sorted by name (INFO commandstats' order). */
    public Map<String, CommandStat> commands() {
        return new TreeMap<>(commands);
    }

    public Map<String, Long> errors() {
        return errors;
    }

    /** Counts an error reply by its code (the first word), like INFO errorstats. */
    public void error(String message) {
        totalErrorReplies++;
        int space = message.indexOf(' ');
        String code = space < 0 ? message : message.substring(0, space);
        errors.merge(code, 1L, Long::sum);
    }

    public void reset() {
        commands.clear();
        errors.clear();
        commandsProcessed = 0;
        netInputBytes = 0;
        netOutputBytes = 0;
        keyspaceHits = 0;
        keyspaceMisses = 0;
        totalErrorReplies = 0;
        syncFull = 0;
        syncPartialOk = 0;
        syncPartialErr = 0;
        lazyfreedObjects = 0;
    }
}
