package dev.chorus.node.command;

import dev.chorus.node.Server;
import dev.chorus.node.store.Database;
import dev.chorus.node.store.KeyEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * The MEMORY subcommands (object.c memoryCommand), declared under ServerCommands' "memory" container. Reply shapes
 * are Redis 7.0.15's; the figures are this JVM's: the keyspace's own estimate for what Redis calls allocated, the
 * Java heap for the allocator, /proc for the resident set. MEMORY USAGE reports what Redis would for the same value
 * (its encodings and jemalloc's size classes), so sizes compare with Redis' own.
 */
final class MemoryCommands {
    /** Below this much allocated memory MEMORY DOCTOR declines, as Redis does (5 MB). */
    private static final long DOCTOR_MIN_BYTES = 5L * 1024 * 1024;
    private static long peak;

    private MemoryCommands() {
    }

    static void usage(CommandContext ctx) {
        long samples = 5;
        for (int j = 3; j < ctx.argc(); j++) {
            if (ctx.optionIs(j, "samples") && j + 1 < ctx.argc()) {
                samples = ctx.longArg(j + 1);
                if (samples < 0) {
                    throw Errors.syntax();
                }
                if (samples == 0) {
                    samples = Long.MAX_VALUE;
                }
                j++;
            } else {
                throw Errors.syntax();
            }
        }
        KeyEntry e = ctx.db().peek(ctx.arg(2)); // dictFind: a logically expired key is still measured
        if (e == null) {
            ctx.reply().nullBulk();
            return;
        }
        ctx.reply().integer(RedisLayout.usage(e, samples));
    }

    static void stats(CommandContext ctx) {
        Server server = ctx.server();
        long total = server.usedMemory();
        peak = Math.max(peak, total);
        long startup = 0;
        long backlog = server.replication().backlogMemory();
        List<long[]> dbs = new ArrayList<>(); // id, main, expires
        long overhead = startup + backlog;
        long keys = 0;
        for (int i = 0; i < server.keyspace().databases(); i++) {
            Database db = server.keyspace().db(i);
            long n = db.size();
            if (n == 0) {
                continue;
            }
            keys += n;
            long main = n * 24 + RedisLayout.dictSlots(n) * 8 + n * 16;
            long expires = db.expiresCount() * 24L + RedisLayout.dictSlots(db.expiresCount()) * 8;
            dbs.add(new long[] {i, main, expires});
            overhead += main + expires;
        }
        long net = total - startup;
        long dataset = Math.max(0, total - overhead);
        Runtime rt = Runtime.getRuntime();
        long allocated = rt.totalMemory() - rt.freeMemory();
        long active = rt.totalMemory();
        long rss = Info.rss();
        var r = ctx.reply();
        r.map(27 + dbs.size());
        r.bulk("peak.allocated").integer(peak);
        r.bulk("total.allocated").integer(total);
        r.bulk("startup.allocated").integer(startup);
        r.bulk("replication.backlog").integer(backlog);
        r.bulk("clients.slaves").integer(0);
        r.bulk("clients.normal").integer(0);
        r.bulk("cluster.links").integer(0);
        r.bulk("aof.buffer").integer(0);
        r.bulk("lua.caches").integer(0);
        r.bulk("functions.caches").integer(0);
        for (long[] db : dbs) {
            r.bulk("db." + db[0]).map(3);
            r.bulk("overhead.hashtable.main").integer(db[1]);
            r.bulk("overhead.hashtable.expires").integer(db[2]);
            r.bulk("overhead.hashtable.slot-to-keys").integer(0);
        }
        r.bulk("overhead.total").integer(overhead);
        r.bulk("keys.count").integer(keys);
        r.bulk("keys.bytes-per-key").integer(keys == 0 ? 0 : net / keys);
        r.bulk("dataset.bytes").integer(dataset);
        r.bulk("dataset.percentage").doubleValue(percent(dataset, net));
        r.bulk("peak.percentage").doubleValue(percent(total, peak));
        r.bulk("allocator.allocated").integer(allocated);
        r.bulk("allocator.active").integer(active);
        r.bulk("allocator.resident").integer(rss);
        r.bulk("allocator-fragmentation.ratio").doubleValue(ratio(active, allocated));
        r.bulk("allocator-fragmentation.bytes").integer(active - allocated);
        r.bulk("allocator-rss.ratio").doubleValue(ratio(rss, active));
        r.bulk("allocator-rss.bytes").integer(rss - active);
        r.bulk("rss-overhead.ratio").doubleValue(ratio(rss, rss));
        r.bulk("rss-overhead.bytes").integer(0);
        r.bulk("fragmentation").doubleValue(ratio(rss, total));
        r.bulk("fragmentation.bytes").integer(rss - total);
    }

    /** Redis keeps these as float and replies them widened to double. */
    private static double percent(long part, long whole) {
        return whole <= 0 ? 0 : (double) (float) (part * 100.0 / whole);
    }

    private static double ratio(long a, long b) {
        return b <= 0 ? 0 : (double) (float) ((double) a / b);
    }

    static void doctor(CommandContext ctx) {
        long total = ctx.server().usedMemory();
        peak = Math.max(peak, total);
        String report;
        if (total < DOCTOR_MIN_BYTES) {
            report = "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used "
                    + "in these conditions. Please, leave for your mission on Earth and fill it with some data. The new "
                    + "Sam and I will be back to our programming as soon as I finished rebooting.\n";
        } else if (peak > total * 3 / 2) {
            report = "Sam, I detected a few issues in this Redis instance memory implants:\n\n"
                    + " * Peak memory: In the past this instance used more than 150% the memory that is currently "
                    + "using. The allocator is normally not able to release memory after a peak, so you can expect to "
                    + "see a big fragmentation ratio, however this is actually harmless and is only due to the memory "
                    + "peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the "
                    + "memory will be used as soon as you fill the Redis instance with more data. If the memory peak "
                    + "was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, "
                    + "otherwise the only other option is to shutdown and restart the instance.\n\n"
                    + "I'm here to keep you safe, Sam. I want to help you.\n";
        } else {
            report = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on "
                    + "this base.\n";
        }
        ctx.reply().verbatim(report);
    }

    static void mallocStats(CommandContext ctx) {
        // Redis answers this for allocators other than jemalloc; the JVM's heap is no malloc arena.
        ctx.reply().verbatim("Stats not supported for the current allocator");
    }

    static void purge(CommandContext ctx) {
        // jemalloc's purge returns dirty pages; the JVM's nearest equivalent is a collection.
        System.gc();
        ctx.reply().ok();
    }

    static void help(CommandContext ctx) {
        String[] lines = {
            "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "DOCTOR",
            "    Return memory problems reports.",
            "MALLOC-STATS",
            "    Return internal statistics report from the memory allocator.",
            "PURGE",
            "    Attempt to purge dirty pages for reclamation by the allocator.",
            "STATS",
            "    Return information about the memory usage of the server.",
            "USAGE <key> [SAMPLES <count>]",
            "    Return memory in bytes used by <key> and its value. Nested values are",
            "    sampled up to <count> times (default: 5, 0 means sample all).",
            "HELP",
            "    Prints this help."};
        ctx.reply().array(lines.length);
        for (String line : lines) {
            ctx.reply().simple(line);
        }
    }
}
