package dev.chorus.node.command;

import dev.chorus.node.Server;
import dev.chorus.node.config.Directives;
import dev.chorus.node.resp.RespWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LATENCY LATEST/HISTORY/RESET/GRAPH/DOCTOR/HISTOGRAM/HELP as Redis 7.0's latency.c answers them, over
 * {@link LatencyMonitor} (events) and the per-command {@link LatencyHistogram}s; also INFO latencystats.
 */
public final class LatencyCommands implements CommandFamily {
    private static final String FLAGS = "admin noscript loading stale";

    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(CommandSpec.of("latency", -2, "")
                .sub(CommandSpec.of("latest", 2, FLAGS).handler(LatencyCommands::latest))
                .sub(CommandSpec.of("history", 3, FLAGS).handler(LatencyCommands::history))
                .sub(CommandSpec.of("reset", -2, FLAGS).handler(LatencyCommands::reset))
                .sub(CommandSpec.of("graph", 3, FLAGS).handler(LatencyCommands::graph))
                .sub(CommandSpec.of("doctor", 2, FLAGS).handler(LatencyCommands::doctor))
                .sub(CommandSpec.of("histogram", -2, FLAGS).handler(LatencyCommands::histogram))
                .sub(CommandSpec.of("help", 2, "loading stale").handler(LatencyCommands::help)));
    }

    private static LatencyMonitor monitor(CommandContext ctx) {
        return ctx.server().monitors().latency();
    }

    static void latest(CommandContext ctx) {
        Map<String, LatencyMonitor.TimeSeries> events = monitor(ctx).events();
        RespWriter w = ctx.reply();
        w.array(events.size());
        events.forEach((event, ts) -> {
            int last = (ts.idx + LatencyMonitor.TS_LEN - 1) % LatencyMonitor.TS_LEN;
            w.array(4).bulk(event).integer(ts.time[last]).integer(ts.latency[last]).integer(ts.max);
        });
    }

    static void history(CommandContext ctx) {
        LatencyMonitor.TimeSeries ts = monitor(ctx).get(ctx.argString(2));
        RespWriter w = ctx.reply();
        if (ts == null) {
            w.array(0);
            return;
        }
        List<Integer> present = samples(ts);
        w.array(present.size());
        for (int i : present) {
            w.array(2).integer(ts.time[i]).integer(ts.latency[i]);
        }
    }

    /** The ring's filled slots, oldest first. */
    private static List<Integer> samples(LatencyMonitor.TimeSeries ts) {
        List<Integer> out = new ArrayList<>();
        for (int j = 0; j < LatencyMonitor.TS_LEN; j++) {
            int i = (ts.idx + j) % LatencyMonitor.TS_LEN;
            if (ts.time[i] != 0) {
                out.add(i);
            }
        }
        return out;
    }

    static void reset(CommandContext ctx) {
        if (ctx.argc() == 2) {
            ctx.reply().integer(monitor(ctx).reset(null));
            return;
        }
        int resets = 0;
        for (int j = 2; j < ctx.argc(); j++) {
            resets += monitor(ctx).reset(ctx.argString(j));
        }
        ctx.reply().integer(resets);
    }

    static void graph(CommandContext ctx) {
        String event = ctx.argString(2);
        LatencyMonitor.TimeSeries ts = monitor(ctx).get(event);
        if (ts == null) {
            throw new CommandError("ERR No samples available for event '" + cString(event) + "'");
        }
        ctx.reply().verbatim(graph(event, ts, System.currentTimeMillis() / 1000));
    }

    private static String cString(String s) {
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }

    static final int GRAPH_COLS = 80;

    /** latencyCommandGenSparkeline: a header, a rule, and the samples as a filled sparkline labelled by age. */
    static String graph(String event, LatencyMonitor.TimeSeries ts, long nowSeconds) {
        Sparkline seq = new Sparkline();
        long min = 0;
        long max = 0;
        for (int i : samples(ts)) {
            long latency = ts.latency[i];
            if (seq.length() == 0) {
                min = max = latency;
            } else {
                max = Math.max(max, latency);
                min = Math.min(min, latency);
            }
            long elapsed = nowSeconds - ts.time[i];
            String label;
            if (elapsed < 60) {
                label = elapsed + "s";
            } else if (elapsed < 3600) {
                label = elapsed / 60 + "m";
            } else if (elapsed < 3600 * 24) {
                label = elapsed / 3600 + "h";
            } else {
                label = elapsed / (3600 * 24) + "d";
            }
            seq.add(latency, label);
        }
        StringBuilder graph = new StringBuilder();
        graph.append(event).append(" - high ").append(max).append(" ms, low ").append(min)
                .append(" ms (all time high ").append(ts.max).append(" ms)\n");
        graph.append("-".repeat(GRAPH_COLS)).append('\n');
        seq.render(graph, GRAPH_COLS, 4);
        return graph.toString();
    }

    /** sparkline.c: samples drawn on {@code rows} rows of "_o#" (filled with '|'), labels printed vertically. */
    static final class Sparkline {
        private static final String CHARSET_FILL = "_o#";
        private static final int LABEL_MARGIN_TOP = 1;
        private final List<Double> values = new ArrayList<>();
        private final List<String> labels = new ArrayList<>();
        private int labelCount;
        private double min;
        private double max;

        int length() {
            return values.size();
        }

        void add(double value, String label) {
            label = label == null || label.isEmpty() ? null : label;
            if (values.isEmpty()) {
                min = max = value;
            } else if (value < min) {
                min = value;
            } else if (value > max) {
                max = value;
            }
            values.add(value);
            labels.add(label);
            if (label != null) {
                labelCount++;
            }
        }

        void render(StringBuilder out, int columns, int rows) {
            for (int j = 0; j < values.size(); j += columns) {
                int sublen = Math.min(values.size() - j, columns);
                if (j != 0) {
                    out.append('\n');
                }
                renderRange(out, rows, j, sublen);
            }
        }

        private void renderRange(StringBuilder out, int rows, int offset, int len) {
            int charsetLen = CHARSET_FILL.length();
            double relmax = max - min;
            int steps = charsetLen * rows;
            int row = 0;
            char[] chars = new char[len];
            boolean loop = true;
            if (relmax == 0) {
                relmax = 1;
            }
            while (loop) {
                loop = false;
                java.util.Arrays.fill(chars, ' ');
                for (int j = 0; j < len; j++) {
                    double relval = values.get(j + offset) - min;
                    String label = labels.get(j + offset);
                    int step = (int) ((int) (relval * steps) / relmax);
                    if (step < 0) {
                        step = 0;
                    }
                    if (step >= steps) {
                        step = steps - 1;
                    }
                    if (row < rows) {
                        int charidx = step - ((rows - row - 1) * charsetLen);
                        loop = true;
                        if (charidx >= 0 && charidx < charsetLen) {
                            chars[j] = CHARSET_FILL.charAt(charidx);
                        } else if (charidx >= charsetLen) {
                            chars[j] = '|';
                        }
                    } else {
                        if (labelCount > 0 && row - rows < LABEL_MARGIN_TOP) {
                            loop = true;
                            break;
                        }
                        if (label != null) {
                            int labelChar = row - rows - LABEL_MARGIN_TOP;
                            if (label.length() > labelChar) {
                                loop = true;
                                chars[j] = label.charAt(labelChar);
                            }
                        }
                    }
                }
                if (loop) {
                    row++;
                    out.append(chars).append('\n');
                }
            }
        }
    }

    static void doctor(CommandContext ctx) {
        ctx.reply().verbatim(report(ctx.server(), System.currentTimeMillis() / 1000));
    }

    /** createLatencyReport. */
    static String report(Server server, long nowSeconds) {
        Map<String, LatencyMonitor.TimeSeries> events = server.monitors().latency().events();
        long threshold = server.config().getLong(Directives.LATENCY_MONITOR_THRESHOLD);
        long slowlogSlowerThan = server.config().getLong(Directives.SLOWLOG_LOG_SLOWER_THAN);
        if (events.isEmpty() && threshold == 0) {
            return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use "
                    + "\"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a "
                    + "deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
        }
        StringBuilder report = new StringBuilder();
        boolean slowlogEnabled = false;
        boolean slowlogTuning = false;
        boolean slowlogInspect = false;
        boolean scheduler = false;
        boolean hz = false;
        boolean largeObjects = false;
        boolean massEviction = false;
        boolean disableThp = false;
        int advices = 0;
        int eventnum = 0;
        for (Map.Entry<String, LatencyMonitor.TimeSeries> e : events.entrySet()) {
            String event = e.getKey();
            LatencyMonitor.TimeSeries ts = e.getValue();
            eventnum++;
            if (eventnum == 1) {
                report.append("Dave, I have observed latency spikes in this Redis instance. You don't mind talking "
                        + "about it, do you Dave?\n\n");
            }
            // analyzeLatencyForEvent
            int samples = 0;
            long minL = 0;
            long maxL = 0;
            long sum = 0;
            long period = 0;
            for (int j = 0; j < LatencyMonitor.TS_LEN; j++) {
                if (ts.time[j] == 0) {
                    continue;
                }
                samples++;
                if (samples == 1) {
                    minL = maxL = ts.latency[j];
                } else {
                    minL = Math.min(minL, ts.latency[j]);
                    maxL = Math.max(maxL, ts.latency[j]);
                }
                sum += ts.latency[j];
                if (period == 0 || ts.time[j] < period) {
                    period = ts.time[j];
                }
            }
            long avg = 0;
            long mad = 0;
            if (samples > 0) {
                avg = sum / samples;
                period = nowSeconds - period;
                if (period == 0) {
                    period = 1;
                }
                long dev = 0;
                for (int j = 0; j < LatencyMonitor.TS_LEN; j++) {
                    if (ts.time[j] != 0) {
                        dev += Math.abs(avg - ts.latency[j]);
                    }
                }
                mad = dev / samples;
            }
            report.append(eventnum).append(". ").append(event).append(": ").append(samples)
                    .append(" latency spikes (average ").append(avg).append("ms, mean deviation ").append(mad)
                    .append("ms, period ").append(String.format(Locale.ROOT, "%.2f", (double) period / samples))
                    .append(" sec). Worst all time event ").append(ts.max).append("ms.");
            switch (event.toLowerCase(Locale.ROOT)) {
                case "command" -> {
                    if (slowlogSlowerThan < 0) {
                        slowlogEnabled = true;
                        advices++;
                    } else if (slowlogSlowerThan / 1000 > threshold) {
                        slowlogTuning = true;
                        advices++;
                    }
                    slowlogInspect = true;
                    largeObjects = true;
                    advices += 2;
                }
                case "fast-command" -> {
                    scheduler = true;
                    advices++;
                }
                case "expire-cycle" -> {
                    hz = true;
                    largeObjects = true;
                    advices += 2;
                }
                case "eviction-del" -> {
                    largeObjects = true;
                    advices++;
                }
                case "eviction-cycle" -> {
                    massEviction = true;
                    advices++;
                }
                default -> {
                }
            }
            report.append('\n');
        }
        if (anonHugePagesBytes() > 0) {
            disableThp = true;
            advices++;
        }
        if (eventnum == 0 && advices == 0) {
            report.append("Dave, no latency spike was observed during the lifetime of this Redis instance, not in the "
                    + "slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think "
                    + "things over.\n");
        } else if (eventnum > 0 && advices == 0) {
            report.append("\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use "
                    + "the Redis community to get some help, providing this report in your help request.\n");
        } else {
            report.append("\nI have a few advices for you:\n\n");
            if (slowlogEnabled) {
                report.append("- There are latency issues with potentially slow commands you are using. Try to enable "
                        + "the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ")
                        .append(Long.toUnsignedString(threshold * 1000))
                        .append("'. If the Slow log is disabled Redis is not able to log slow commands execution for "
                                + "you.\n");
            }
            if (slowlogTuning) {
                report.append("- Your current Slow Log configuration only logs events that are slower than your "
                        + "configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ")
                        .append(Long.toUnsignedString(threshold * 1000)).append("'.\n");
            }
            if (slowlogInspect) {
                report.append("- Check your Slow Log to understand what are the commands you are running which are "
                        + "too slow to execute. Please check https://redis.io/commands/slowlog for more "
                        + "information.\n");
            }
            if (scheduler) {
                report.append("- The system is slow to execute Redis code paths not containing system calls. This "
                        + "usually means the system does not provide Redis CPU time to run for long periods. You "
                        + "should try to:\n"
                        + "  1) Lower the system load.\n"
                        + "  2) Use a computer / VM just for Redis if you are running other software in the same "
                        + "system.\n"
                        + "  3) Check if you have a \"noisy neighbour\" problem.\n"
                        + "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your "
                        + "system.\n"
                        + "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if "
                        + "you are using Jemalloc. However this may create fragmentation problems.\n");
            }
            if (hz && server.config().getLong(Directives.HZ) < 100) {
                report.append("- In order to make the Redis keys expiring process more incremental, try to set the "
                        + "'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n");
            }
            if (largeObjects) {
                report.append("- Deleting, expiring or evicting (because of maxmemory policy) large objects is a "
                        + "blocking operation. If you have very large objects that are often deleted, expired, or "
                        + "evicted, try to fragment those objects into multiple smaller objects.\n");
            }
            if (massEviction) {
                report.append("- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large "
                        + "objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large "
                        + "keys migrations (RESTORE command), may create sudden memory pressure forcing the server to "
                        + "block trying to evict keys. \n");
            }
            if (disableThp) {
                report.append("- I detected a non zero amount of anonymous huge pages used by your process. This "
                        + "creates very serious latency events in different conditions, especially when Redis is "
                        + "persisting on disk. To disable THP support use the command 'echo never > "
                        + "/sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into /etc/rc.local "
                        + "so that the command will be executed again after a reboot. Note that even if you have "
                        + "already disabled THP, you still need to restart the Redis process to get rid of the huge "
                        + "pages already created.\n");
            }
        }
        return report.toString();
    }

    /** zmalloc_get_smap_bytes_by_field("AnonHugePages:"): this process' anonymous huge pages, 0 when unknown. */
    static long anonHugePagesBytes() {
        try {
            long total = 0;
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
                if (line.startsWith("AnonHugePages:")) {
                    String[] parts = line.substring("AnonHugePages:".length()).trim().split("\\s+");
                    total += Long.parseLong(parts[0]) * 1024;
                }
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static void histogram(CommandContext ctx) {
        RespWriter w = ctx.reply();
        List<Object[]> out = new ArrayList<>(); // {fullName, histogram}
        ServerStats stats = ctx.server().stats();
        if (ctx.argc() == 2) {
            for (CommandSpec spec : ctx.server().commands().all()) {
                addWithData(stats, spec, out);
                for (CommandSpec sub : spec.subcommands().values()) {
                    addWithData(stats, sub, out);
                }
            }
        } else {
            for (int j = 2; j < ctx.argc(); j++) {
                CommandSpec spec = ctx.server().commands().lookupFullName(ctx.argString(j));
                if (spec == null) {
                    continue;
                }
                addWithData(stats, spec, out);
                if (spec.parent() == null) {
                    for (CommandSpec sub : spec.subcommands().values()) {
                        addWithData(stats, sub, out);
                    }
                }
            }
        }
        w.map(out.size());
        for (Object[] o : out) {
            LatencyHistogram h = (LatencyHistogram) o[1];
            w.bulk((String) o[0]);
            w.map(2).bulk("calls").integer(h.totalCount()).bulk("histogram_usec");
            List<LatencyHistogram.Step> steps = h.cumulativeSteps();
            w.map(steps.size());
            for (LatencyHistogram.Step s : steps) {
                w.integer(s.micros()).integer(s.cumulativeCount());
            }
        }
    }

    private static void addWithData(ServerStats stats, CommandSpec spec, List<Object[]> out) {
        ServerStats.CommandStat stat = stats.peek(spec.fullName());
        if (stat != null && stat.histogram != null) {
            out.add(new Object[] {spec.fullName(), stat.histogram});
        }
    }

    /** INFO latencystats: latency_percentiles_usec_<command>:p50=...,p99=...,p99.9=... while latency-tracking is on. */
    public static String infoSection(Server server) {
        if (!server.config().getBool(Directives.LATENCY_TRACKING)) {
            return "";
        }
        double[] percentiles = (double[]) server.config().get(Directives.LATENCY_TRACKING_INFO_PERCENTILES);
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, ServerStats.CommandStat> e : server.stats().commands().entrySet()) {
            LatencyHistogram h = e.getValue().histogram;
            if (h == null) {
                continue;
            }
            sb.append("latency_percentiles_usec_").append(e.getKey()).append(':');
            for (int j = 0; j < percentiles.length; j++) {
                sb.append('p').append(Directives.trimmedDouble(percentiles[j])).append('=')
                        .append(String.format(Locale.ROOT, "%.3f", h.valueAtPercentile(percentiles[j]) / 1000.0));
                if (j != percentiles.length - 1) {
                    sb.append(',');
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static void help(CommandContext ctx) {
        String[] lines = {
            "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "DOCTOR",
            "    Return a human readable latency analysis report.",
            "GRAPH <event>",
            "    Return an ASCII latency graph for the <event> class.",
            "HISTORY <event>",
            "    Return time-latency samples for the <event> class.",
            "LATEST",
            "    Return the latest latency samples for all events.",
            "RESET [<event> ...]",
            "    Reset latency data of one or more <event> classes.",
            "    (default: reset all data for all event classes)",
            "HISTOGRAM [COMMAND ...]",
            "    Return a cumulative distribution of latencies in the format of a histogram for the specified command "
                    + "names.",
            "    If no commands are specified then all histograms are replied.",
            "HELP",
            "    Prints this help."};
        ctx.reply().array(lines.length);
        for (String line : lines) {
            ctx.reply().simple(line);
        }
    }
}
