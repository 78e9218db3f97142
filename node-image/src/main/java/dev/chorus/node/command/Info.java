package dev.chorus.node.command;

import dev.chorus.node.Server;
import dev.chorus.node.config.Directives;
import dev.chorus.node.store.Database;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** INFO's text: Redis' sections and field names, so monitoring and tools that parse INFO work unchanged. */
public final class Info {
    static final List<String> DEFAULT_SECTIONS = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "errorstats", "cluster", "keyspace");
    static final List<String> ALL_SECTIONS = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace");

    private Info() {
    }

    public static String render(Server server, List<String> requested) {
        Set<String> sections = new LinkedHashSet<>();
        if (requested.isEmpty()) {
            sections.addAll(DEFAULT_SECTIONS);
        }
        for (String r : requested) {
            switch (r.toLowerCase(Locale.ROOT)) {
                case "default" -> sections.addAll(DEFAULT_SECTIONS);
                case "all", "everything" -> sections.addAll(ALL_SECTIONS);
                default -> sections.add(r.toLowerCase(Locale.ROOT));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String s : ALL_SECTIONS) {
            if (!sections.contains(s)) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append("\r\n");
            }
            sb.append("# ").append(Character.toUpperCase(s.charAt(0))).append(s.substring(1)).append("\r\n");
            sb.append(section(server, s).replace("\n", "\r\n"));
        }
        return sb.toString();
    }

    private static String section(Server server, String name) {
        Supplier<String> provided = server.infoSection(name);
        if (provided != null) {
            return provided.get();
        }
        return switch (name) {
            case "server" -> serverSection(server);
            case "clients" -> "connected_clients:" + server.clients().count() + "\n"
                    + "cluster_connections:0\n"
                    + "maxclients:" + server.config().getLong(Directives.MAXCLIENTS) + "\n"
                    + "client_recent_max_input_buffer:0\nclient_recent_max_output_buffer:0\n"
                    + "blocked_clients:" + server.clients().all().stream().filter(c -> c.blocked()).count() + "\n"
                    + "tracking_clients:" + server.shared().tracking().trackingClients() + "\n"
                    + "clients_in_timeout_table:0\n";
            case "memory" -> memory(server);
            case "persistence" -> "loading:0\nasync_loading:0\ncurrent_cow_peak:0\ncurrent_cow_size:0\n"
                    + "current_cow_size_age:0\ncurrent_fork_perc:0.00\ncurrent_save_keys_processed:0\n"
                    + "current_save_keys_total:0\nrdb_changes_since_last_save:" + server.dirty() + "\n"
                    + "rdb_bgsave_in_progress:0\nrdb_last_save_time:" + server.startMillis() / 1000 + "\n"
                    + "rdb_last_bgsave_status:ok\nrdb_last_bgsave_time_sec:-1\nrdb_current_bgsave_time_sec:-1\n"
                    + "rdb_saves:0\nrdb_last_cow_size:0\nrdb_last_load_keys_expired:0\nrdb_last_load_keys_loaded:0\n"
                    + "aof_enabled:0\naof_rewrite_in_progress:0\naof_rewrite_scheduled:0\n"
                    + "aof_last_rewrite_time_sec:-1\naof_current_rewrite_time_sec:-1\naof_last_bgrewrite_status:ok\n"
                    + "aof_rewrites:0\naof_rewrites_consecutive_failures:0\naof_last_write_status:ok\n"
                    + "aof_last_cow_size:0\nmodule_fork_in_progress:0\nmodule_fork_last_cow_size:0\n";
            case "stats" -> stats(server);
            case "replication" -> "role:master\nconnected_slaves:0\n";
            case "cpu" -> cpu();
            case "modules", "cluster" -> name.equals("cluster") ? "cluster_enabled:0\n" : "";
            case "errorstats" -> errorstats(server);
            case "commandstats" -> commandstats(server);
            case "keyspace" -> keyspace(server);
            default -> "";
        };
    }

    private static String serverSection(Server server) {
        long uptime = (System.currentTimeMillis() - server.startMillis()) / 1000;
        String configFile = server.config().file() == null ? "" : server.config().file().toString();
        return "redis_version:" + Server.REDIS_VERSION + "\n"
                + "redis_git_sha1:00000000\nredis_git_dirty:0\nredis_build_id:0\nredis_mode:standalone\n"
                + "os:" + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + "\n"
                + "arch_bits:64\nmonotonic_clock:POSIX clock_gettime\nmultiplexing_api:epoll\n"
                + "atomicvar_api:c11-builtin\ngcc_version:0.0.0\n"
                + "process_id:" + ProcessHandle.current().pid() + "\n"
                + "process_supervised:no\n"
                + "run_id:" + server.runId() + "\n"
                + "tcp_port:" + server.tcpPort() + "\n"
                + "server_time_usec:" + System.currentTimeMillis() * 1000 + "\n"
                + "uptime_in_seconds:" + uptime + "\n"
                + "uptime_in_days:" + uptime / 86400 + "\n"
                + "hz:" + server.hz() + "\n"
                + "configured_hz:" + server.config().getLong(Directives.HZ) + "\n"
                + "lru_clock:" + (System.currentTimeMillis() / 1000) % (1 << 24) + "\n"
                + "executable:java\n"
                + "config_file:" + configFile + "\n"
                + "io_threads_active:0\n"
                + "chorus_node:1\n";
    }

    /** INFO memory: Redis 7.0.15's fields in its order, from {@link Server#memoryFigures()}. */
    private static String memory(Server server) {
        Server.MemoryFigures m = server.memoryFigures();
        long used = m.used();
        long peak = server.peakMemory();
        long rss = rss();
        long max = server.config().getLong(Directives.MAXMEMORY);
        long system = totalSystemMemory();
        long datasetPart = used - m.startup();
        Runtime rt = Runtime.getRuntime();
        return "used_memory:" + used + "\n"
                + "used_memory_human:" + human(used) + "\n"
                + "used_memory_rss:" + rss + "\n"
                + "used_memory_rss_human:" + human(rss) + "\n"
                + "used_memory_peak:" + peak + "\n"
                + "used_memory_peak_human:" + human(peak) + "\n"
                + "used_memory_peak_perc:" + percent(used, peak) + "\n"
                + "used_memory_overhead:" + m.overhead() + "\n"
                + "used_memory_startup:" + m.startup() + "\n"
                + "used_memory_dataset:" + m.dataset() + "\n"
                + "used_memory_dataset_perc:" + percent(m.dataset(), datasetPart) + "\n"
                + "total_system_memory:" + system + "\n"
                + "total_system_memory_human:" + human(system) + "\n"
                + "used_memory_heap:" + (rt.totalMemory() - rt.freeMemory()) + "\n"
                + scripting(server)
                + "maxmemory:" + max + "\n"
                + "maxmemory_human:" + human(max) + "\n"
                + "maxmemory_policy:" + server.config().getString(Directives.MAXMEMORY_POLICY) + "\n"
                + "mem_fragmentation_ratio:" + String.format(Locale.ROOT, "%.2f", used == 0 ? 0.0 : (double) rss / used)
                + "\n"
                + "mem_fragmentation_bytes:" + (rss - used) + "\n"
                + "mem_not_counted_for_evict:" + m.notCountedForEvict() + "\n"
                + "mem_replication_backlog:" + m.backlog() + "\n"
                + "mem_total_replication_buffers:" + (m.backlog() + m.notCountedForEvict()) + "\n"
                + "mem_clients_slaves:" + m.clientsReplicas() + "\n"
                + "mem_clients_normal:" + m.clientsNormal() + "\n"
                + "mem_cluster_links:0\n"
                + "mem_aof_buffer:0\n"
                + "mem_allocator:jvm\n"
                + "active_defrag_running:0\n"
                + "lazyfree_pending_objects:0\n"
                + "lazyfreed_objects:" + server.stats().lazyfreedObjects + "\n";
    }

    /** Redis prints these percentages with %.2f%% of float arithmetic. */
    private static String percent(long part, long whole) {
        return String.format(Locale.ROOT, "%.2f%%", whole <= 0 ? 0.0f : (float) part * 100 / (float) whole);
    }

    /** MemTotal from /proc/meminfo (0 where unavailable), as Redis' zmalloc_get_memory_size. */
    private static long totalSystemMemory() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** The Lua fields of the memory section (server.c genRedisInfoString), in Redis' order. */
    private static String scripting(Server server) {
        dev.chorus.node.scripting.ScriptingEngine eval = server.scripting();
        long vmEval = eval.vmMemory();
        dev.chorus.node.scripting.Functions fn = eval.functions();
        long vmFunctions = fn.vmMemory();
        long scriptsEval = eval.scriptsMemory();
        long functions = fn.memory() + fn.memoryOverhead();
        return "used_memory_lua:" + vmEval + "\n"
                + "used_memory_vm_eval:" + vmEval + "\n"
                + "used_memory_lua_human:" + human(vmEval) + "\n"
                + "used_memory_scripts_eval:" + scriptsEval + "\n"
                + "number_of_cached_scripts:" + eval.cachedScripts() + "\n"
                + "number_of_functions:" + fn.functionCount() + "\n"
                + "number_of_libraries:" + fn.libraryCount() + "\n"
                + "used_memory_vm_functions:" + vmFunctions + "\n"
                + "used_memory_vm_total:" + (vmEval + vmFunctions) + "\n"
                + "used_memory_vm_total_human:" + human(vmEval + vmFunctions) + "\n"
                + "used_memory_functions:" + functions + "\n"
                + "used_memory_scripts:" + (scriptsEval + functions) + "\n"
                + "used_memory_scripts_human:" + human(scriptsEval + functions) + "\n";
    }

    /** Resident set size from /proc (0 where unavailable). */
    public static long rss() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        String[] units = {"K", "M", "G", "T", "P"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f%s", v, units[u]);
    }

    private static String stats(Server server) {
        ServerStats st = server.stats();
        return "total_connections_received:" + server.clients().totalConnections() + "\n"
                + "total_commands_processed:" + st.commandsProcessed + "\n"
                + "instantaneous_ops_per_sec:0\n"
                + "total_net_input_bytes:" + st.netInputBytes + "\n"
                + "total_net_output_bytes:" + st.netOutputBytes + "\n"
                + "rejected_connections:" + server.clients().rejectedConnections() + "\n"
                + "sync_full:" + st.syncFull + "\n"
                + "sync_partial_ok:" + st.syncPartialOk + "\n"
                + "sync_partial_err:" + st.syncPartialErr + "\n"
                + "expired_keys:" + server.keyspace().expiredKeys() + "\n"
                + "evicted_keys:" + server.keyspace().evictedKeys() + "\n"
                + "evicted_clients:" + server.evictedClients() + "\n"
                + "keyspace_hits:" + st.keyspaceHits + "\n"
                + "keyspace_misses:" + st.keyspaceMisses + "\n"
                + "pubsub_channels:" + server.pubsub().channelCount() + "\n"
                + "pubsub_patterns:" + server.pubsub().patternCount() + "\n"
                + "pubsubshard_channels:" + server.pubsub().shardChannelCount() + "\n"
                + "migrate_cached_sockets:" + MigrateCommand.cachedSockets(server) + "\n"
                + "tracking_total_keys:" + server.shared().tracking().totalKeys() + "\n"
                + "tracking_total_items:" + server.shared().tracking().totalItems() + "\n"
                + "tracking_total_prefixes:" + server.shared().tracking().totalPrefixes() + "\n"
                + "total_error_replies:" + st.totalErrorReplies + "\n";
    }

    private static String cpu() {
        long cpuNanos = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            cpuNanos = os.getProcessCpuTime();
        }
        String used = String.format(Locale.ROOT, "%.6f", cpuNanos / 1e9);
        return "used_cpu_sys:0.000000\nused_cpu_user:" + used + "\n"
                + "used_cpu_sys_children:0.000000\nused_cpu_user_children:0.000000\n";
    }

    private static String errorstats(Server server) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : server.stats().errors().entrySet()) {
            sb.append("errorstat_").append(e.getKey()).append(":count=").append(e.getValue()).append('\n');
        }
        return sb.toString();
    }

    private static String commandstats(Server server) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, ServerStats.CommandStat> e : server.stats().commands().entrySet()) {
            ServerStats.CommandStat s = e.getValue();
            sb.append("cmdstat_").append(e.getKey()).append(":calls=").append(s.calls).append(",usec=").append(s.micros)
                    .append(",usec_per_call=")
                    .append(String.format(Locale.ROOT, "%.2f", s.calls == 0 ? 0.0 : (double) s.micros / s.calls))
                    .append(",rejected_calls=").append(s.rejectedCalls).append(",failed_calls=").append(s.failedCalls)
                    .append('\n');
        }
        return sb.toString();
    }

    private static String keyspace(Server server) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < server.keyspace().databases(); i++) {
            Database db = server.keyspace().db(i);
            if (db.size() > 0) {
                sb.append("db").append(i).append(":keys=").append(db.size()).append(",expires=")
                        .append(db.expiresCount()).append(",avg_ttl=0\n");
            }
        }
        return sb.toString();
    }
}
