package dev.chorus.node;

import dev.chorus.node.command.CommandFamilies;
import dev.chorus.node.command.CommandTable;
import dev.chorus.node.command.Dispatcher;
import dev.chorus.node.command.shared.PubSub;
import dev.chorus.node.command.shared.SharedState;
import dev.chorus.node.command.ServerStats;
import dev.chorus.node.command.shared.WatchedKeys;
import dev.chorus.node.command.blocking.BlockedClients;
import dev.chorus.node.config.Config;
import dev.chorus.node.config.Directives;
import dev.chorus.node.net.Clients;
import dev.chorus.node.store.Keyspace;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The state of one node and the services around it. Everything here runs on the single server thread (the Netty event
 * loop), like Redis' main thread: commands never run concurrently, so the keyspace needs no locks.
 */
public final class Server {
    /** The Redis version the node reports (INFO, HELLO, RDB aux): the behaviour it reproduces. */
    public static final String REDIS_VERSION = "7.0.15";

    private final Config config;
    private final Keyspace keyspace;
    private final CommandTable commands;
    private final Dispatcher dispatcher;
    private final Clients clients = new Clients();
    private final ServerStats stats = new ServerStats();
    /** Pub/sub, WATCH, pauses, blocked clients, tracking, MONITOR, keyspace events: fed by one key-change stream. */
    private final SharedState shared = new SharedState(this);
    /** SLOWLOG, LATENCY and the per-command latency histograms: what each call cost. */
    private dev.chorus.node.command.CommandMonitors monitors;
    private final String runId;
    private final long startMillis = System.currentTimeMillis();
    private final List<Runnable> afterCommandHooks = new ArrayList<>();
    private final List<Runnable> cronHooks = new ArrayList<>();
    private final List<java.util.function.Consumer<dev.chorus.node.net.Client>> closeListeners = new ArrayList<>();
    private final java.util.Map<String, java.util.function.Supplier<String>> infoSections = new java.util.HashMap<>();
    private java.util.function.Consumer<Boolean> shutdownAction = save -> { };
    private Runnable shutdownSaver = () -> Log.warning("No persistence configured: nothing saved on shutdown");
    private ScheduledExecutorService loop;
    private Propagation propagation = (db, commands) -> { };
    private final dev.chorus.node.replication.Replication replication;
    private final dev.chorus.node.persistence.RdbPersistence persistence;
    private long dirty;
    private boolean transactionPending;
    private boolean transactionOpen;
    /** Inside EXEC: the first single-command propagation, held until a second one shows whether to wrap. */
    private List<byte[][]> heldCommands;
    private int heldDb;
    private int tcpPort;

    /** Receives every change a command made, for replicas (the replication feature implements it). */
    public interface Propagation {
        void propagate(int db, List<byte[][]> commands);

        default boolean isReplica() {
            return false;
        }

        default boolean enoughGoodReplicas() {
            return true;
        }

        /** A replica's link to its master is up (always true for a master). */
        default boolean masterLinkUp() {
            return true;
        }

        /** The replication offset after everything propagated so far (a client's WAIT target). */
        default long offset() {
            return 0;
        }
    }

    public Server(Config config) {
        this.config = config;
        this.keyspace = new Keyspace(config.getInt(Directives.DATABASES));
        this.commands = new CommandTable(CommandFamilies.all());
        this.dispatcher = new Dispatcher(this);
        byte[] id = new byte[20];
        new SecureRandom().nextBytes(id);
        this.runId = HexFormat.of().formatHex(id);
        shared.install(this);
        configureEviction();
        configureEncodings();
        monitors = new dev.chorus.node.command.CommandMonitors(config, stats);
        addCloseListener(monitors::clientClosed);
        setInfoSection("latencystats", () -> dev.chorus.node.command.LatencyCommands.infoSection(this));
        config.onChange((d, v) -> {
            if (d == Directives.LOGLEVEL) {
                Log.setLevel((String) v);
            } else if (d == Directives.MAXMEMORY_POLICY || d == Directives.LFU_LOG_FACTOR
                    || d == Directives.LFU_DECAY_TIME) {
                configureEviction();
            } else if (d == Directives.HASH_MAX_LISTPACK_ENTRIES || d == Directives.HASH_MAX_LISTPACK_VALUE
                    || d == Directives.SET_MAX_INTSET_ENTRIES || d == Directives.ZSET_MAX_LISTPACK_ENTRIES
                    || d == Directives.ZSET_MAX_LISTPACK_VALUE || d == Directives.STREAM_NODE_MAX_BYTES
                    || d == Directives.STREAM_NODE_MAX_ENTRIES) {
                configureEncodings();
            } else if (d == Directives.MAXMEMORY && loop != null && ((Number) v).longValue() != 0) {
                // updateMaxmemory -> startEvictionTimeProc: the keys go from the event loop, after this command.
                loop.execute(this::freeMemoryIfNeeded);
            }
        });
        this.persistence = new dev.chorus.node.persistence.RdbPersistence(this);
        this.replication = new dev.chorus.node.replication.Replication(this, persistence);
        persistence.setSaveInfo(() -> new dev.chorus.node.persistence.RdbPersistence.SaveInfo(
                replication.ids().replid(), replication.ids().offset(), 0));
        // Redis creates the Lua client (id 1) and the function engine's client (id 2) at start-up.
        scripting();
        clients.newId();
    }

    /** The size limits of the compact encodings (what OBJECT ENCODING reports; HGETALL/SMEMBERS order follows). */
    private void configureEncodings() {
        dev.chorus.node.store.HashValue.setListpackLimits(config.getInt(Directives.HASH_MAX_LISTPACK_ENTRIES),
                config.getInt(Directives.HASH_MAX_LISTPACK_VALUE));
        dev.chorus.node.store.SetValue.setMaxIntsetEntries(config.getInt(Directives.SET_MAX_INTSET_ENTRIES));
        dev.chorus.node.store.ZSetValue.setListpackLimits(config.getInt(Directives.ZSET_MAX_LISTPACK_ENTRIES),
                config.getInt(Directives.ZSET_MAX_LISTPACK_VALUE));
        dev.chorus.node.store.StreamValue.setNodeLimits(config.getLong(Directives.STREAM_NODE_MAX_BYTES),
                config.getLong(Directives.STREAM_NODE_MAX_ENTRIES));
    }

    private void configureEviction() {
        keyspace.eviction().configure(
                dev.chorus.node.store.Eviction.Policy.parse(config.getString(Directives.MAXMEMORY_POLICY)),
                config.getInt(Directives.LFU_LOG_FACTOR), config.getInt(Directives.LFU_DECAY_TIME));
    }

    public Config config() {
        return config;
    }

    public Keyspace keyspace() {
        return keyspace;
    }

    /** Clients blocked on keys (BLPOP & co.). */
    public BlockedClients blockedClients() {
        return shared.blockedClients();
    }

    /** The state commands share and the key-change stream that feeds it. */
    public SharedState shared() {
        return shared;
    }

    /** CLIENT PAUSE state and the clients it holds back. */
    public dev.chorus.node.command.shared.ClientPause clientPause() {
        return shared.clientPause();
    }

    public CommandTable commands() {
        return commands;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public Clients clients() {
        return clients;
    }

    /** The slow log, the latency monitor and the per-command latency histograms. */
    public dev.chorus.node.command.CommandMonitors monitors() {
        return monitors;
    }

    public dev.chorus.node.command.SlowLog slowLog() {
        return monitors.slowLog();
    }

    public ServerStats stats() {
        return stats;
    }

    public PubSub pubsub() {
        return shared.pubsub();
    }

    public dev.chorus.node.command.KeyspaceEvents keyspaceEvents() {
        return shared.keyspaceEvents();
    }

    public WatchedKeys watchedKeys() {
        return shared.watchedKeys();
    }

    public String runId() {
        return runId;
    }

    public long startMillis() {
        return startMillis;
    }

    public int tcpPort() {
        return tcpPort;
    }

    public void setTcpPort(int tcpPort) {
        this.tcpPort = tcpPort;
    }

    /** The server thread, for scheduling timers and handing work back from other threads. */
    public ScheduledExecutorService loop() {
        return loop;
    }

    /** Binds the server to its thread and starts the periodic tasks (serverCron). */
    public void start(ScheduledExecutorService serverThread) {
        this.loop = serverThread;
        scheduleCron();
    }

    /** Redis' serverCron period follows server.hz, which CONFIG SET hz and dynamic-hz change at run time. */
    private void scheduleCron() {
        loop.schedule(() -> {
            cron();
            scheduleCron();
        }, Math.max(1, 1000 / hz()), TimeUnit.MILLISECONDS);
    }

    /**
     * server.hz: the configured hz, doubled (up to 500) while there are more than 200 clients per tick when
     * dynamic-hz is on, as serverCron does (MAX_CLIENTS_PER_CLOCK_TICK, CONFIG_MAX_HZ).
     */
    public long hz() {
        long hz = config.getLong(Directives.HZ);
        if (config.getBool(Directives.DYNAMIC_HZ)) {
            int clientCount = clients.count();
            while (clientCount / hz > 200) {
                hz *= 2;
                if (hz > 500) {
                    hz = 500;
                    break;
                }
            }
        }
        return hz;
    }

    // ---- per-command hooks ----

    /** Runs after every command from a client: serves clients blocked on keys that became ready, flushes output. */
    public void afterCommand() {
        for (Runnable hook : afterCommandHooks) {
            hook.run();
        }
    }

    public void addAfterCommandHook(Runnable hook) {
        afterCommandHooks.add(hook);
    }

    public void addCronHook(Runnable hook) {
        cronHooks.add(hook);
    }

    /** Lets a feature (replication, persistence) provide an INFO section's fields ("key:value" lines). */
    public void setInfoSection(String name, java.util.function.Supplier<String> fields) {
        infoSections.put(name, fields);
    }

    public java.util.function.Supplier<String> infoSection(String name) {
        return infoSections.get(name);
    }

    /** What SHUTDOWN and SIGTERM run once the reply is sent: save if configured, remove the pidfile, exit. */
    public void setShutdownAction(java.util.function.Consumer<Boolean> action) {
        this.shutdownAction = action;
    }

    /** Persistence registers how to save before exiting; without it there is nothing to save. */
    public void setShutdownSaver(Runnable saver) {
        this.shutdownSaver = saver;
    }

    public void saveForShutdown() {
        shutdownSaver.run();
    }

    /** @param save true to save, false not to, null to save only when save points are configured (Redis' default) */
    public void shutdown(Boolean save) {
        shutdownAction.accept(save);
    }

    /** DEBUG PAUSE-CRON: while true the periodic cron does nothing (no active expiry, no timeouts, no saves). */
    private volatile boolean cronPaused;

    public void setCronPaused(boolean paused) {
        cronPaused = paused;
    }

    private java.util.function.Consumer<Boolean> shutdownNowAction;

    /** SHUTDOWN NOW (and shutdown-on-sig* "now"): as {@link #shutdown}, without waiting for lagging replicas. */
    public void setShutdownNowAction(java.util.function.Consumer<Boolean> action) {
        this.shutdownNowAction = action;
    }

    public void shutdownNow(Boolean save) {
        (shutdownNowAction != null ? shutdownNowAction : shutdownAction).accept(save);
    }

    private void cron() {
        if (cronPaused) {
            return;
        }
        try {
            long hz = hz();
            long cycleStart = System.nanoTime();
            keyspace.activeExpireCycle(Math.max(1, 250 / hz)); // 25% of each cron period, as Redis' slow cycle
            monitors.latency().addSampleIfNeeded("expire-cycle", (System.nanoTime() - cycleStart) / 1_000_000);
            closeIdleClients();
            // clientsCron's closeClientOnOutputBufferLimitReached: a soft limit runs out even with no traffic
            long cronNow = System.currentTimeMillis();
            for (var c : List.copyOf(clients.all())) {
                if (!c.checkOutputBufferLimits()) {
                    c.buffersCron(cronNow);
                }
            }
            evictClients();
            if (config.getLong(Directives.MAXMEMORY) != 0) {
                freeMemoryIfNeeded(); // Redis' eviction time proc goes on between commands too
            }
            for (Runnable hook : cronHooks) {
                hook.run();
            }
            clients.flushPending();
        } catch (RuntimeException e) {
            Log.warning("serverCron failed: " + e);
        }
    }

    private void closeIdleClients() {
        long timeout = config.getLong(Directives.TIMEOUT);
        if (timeout == 0) {
            return;
        }
        long now = System.currentTimeMillis();
        for (var c : List.copyOf(clients.all())) {
            if (c.kind() == dev.chorus.node.net.Client.Kind.NORMAL && !c.blocked() && !c.inPubSub() && !c.monitor()
                    && now - c.lastInteraction() > timeout * 1000) {
                Log.verbose("Closing idle client");
                c.closeAfterReply();
                c.flush();
            }
        }
    }

    /** A connection closed: features holding the client (blocking, replication) release it. */
    public void clientClosed(dev.chorus.node.net.Client client) {
        for (java.util.function.Consumer<dev.chorus.node.net.Client> l : closeListeners) {
            l.accept(client);
        }
    }

    public void addCloseListener(java.util.function.Consumer<dev.chorus.node.net.Client> listener) {
        closeListeners.add(listener);
    }

    // ---- replication and persistence integration ----

    private dev.chorus.node.scripting.ScriptingEngine scripting;

    /** EVAL's Lua state and script cache (created on first use). */
    public dev.chorus.node.scripting.ScriptingEngine scripting() {
        if (scripting == null) {
            scripting = new dev.chorus.node.scripting.ScriptingEngine(this);
        }
        return scripting;
    }

    public dev.chorus.node.replication.Replication replication() {
        return replication;
    }

    public dev.chorus.node.persistence.RdbPersistence persistence() {
        return persistence;
    }

    public void setPropagation(Propagation propagation) {
        this.propagation = propagation;
    }

    public void propagate(int db, List<byte[][]> commands) {
        if (transactionPending) {
            if (heldCommands == null && commands.size() == 1) {
                // Redis 7.0 wraps in MULTI/EXEC only when more than one command is propagated: hold the first.
                heldCommands = commands;
                heldDb = db;
                return;
            }
            // The second write inside EXEC opens the transaction on the replicas, so they apply it atomically.
            transactionPending = false;
            transactionOpen = true;
            int first = heldCommands != null ? heldDb : db;
            propagation.propagate(first, List.<byte[][]>of(new byte[][] {"MULTI".getBytes()}));
            if (heldCommands != null) {
                propagation.propagate(heldDb, heldCommands);
                heldCommands = null;
            }
        }
        propagation.propagate(db, commands);
    }

    /** EXEC begins: writes it runs are wrapped in MULTI/EXEC on the replication stream. */
    public void beginTransactionPropagation() {
        transactionPending = true;
        transactionOpen = false;
    }

    public void endTransactionPropagation(int db) {
        if (heldCommands != null) {
            propagation.propagate(heldDb, heldCommands); // a single write: propagated alone, as Redis does
            heldCommands = null;
        }
        if (transactionOpen) {
            propagation.propagate(db, List.<byte[][]>of(new byte[][] {"EXEC".getBytes()}));
        }
        transactionPending = false;
        transactionOpen = false;
    }

    public boolean isReplica() {
        return propagation.isReplica();
    }

    public boolean masterLinkUp() {
        return propagation.masterLinkUp();
    }

    public long replicationOffset() {
        return propagation.offset();
    }

    public boolean enoughGoodReplicas() {
        return propagation.enoughGoodReplicas();
    }

    public long dirty() {
        return dirty;
    }

    public void addDirty(long n) {
        dirty += n;
    }

    // ---- memory ----

    /**
     * What Redis 7.0.15 reports as used_memory_startup on 64-bit Linux (an empty server with no client): the fixed
     * part of used_memory, so figures tests and tools compare against it (twice the startup memory, a peak above it)
     * keep Redis' proportions.
     */
    public static final long STARTUP_MEMORY = 876_024;

    /**
     * INFO memory's accounting: the dataset estimate, what clients hold (query buffers, arguments of a command still
     * arriving, pending output, MULTI queues), the replicas' pending stream and the backlog, over the startup part.
     * {@code notCountedForEvict} is the replicas' output: like Redis' freeMemoryGetNotCountedMemory, it is in
     * used_memory but not judged against maxmemory (evicting keys to make room for replication would feed itself).
     */
    public record MemoryFigures(long startup, long dataset, long clientsNormal, long clientsReplicas, long backlog,
                                long notCountedForEvict, long scripts) {
        public long used() {
            return startup + dataset + clientsNormal + clientsReplicas + backlog + scripts;
        }

        /** Redis' used_memory_overhead: besides startup, clients and backlog, the script cache and libraries. */
        public long overhead() {
            return startup + clientsNormal + clientsReplicas + backlog + scripts;
        }
    }

    public MemoryFigures memoryFigures() {
        long normal = 0;
        long replicas = 0;
        long replicaOutput = 0;
        for (var c : clients.all()) {
            if (c.closed()) {
                continue; // freed: what it held is gone, whenever the connection's close completes
            }
            if (c.kind() == dev.chorus.node.net.Client.Kind.REPLICA && !c.monitor()) {
                replicas += c.memoryUsage();
                replicaOutput += c.outputMemory();
            } else {
                normal += c.memoryUsage();
            }
        }
        long backlog = replication == null ? 0 : replication.backlogMemory();
        // The script cache and the function libraries are in Redis' used_memory (zmalloc'd) too.
        long scripts = scripting == null ? 0 : scripting.scriptsMemory()
                + (scripting.functions().libraryCount() == 0 ? 0
                        : scripting.functions().memory() + scripting.functions().memoryOverhead());
        MemoryFigures figures = new MemoryFigures(STARTUP_MEMORY, keyspace.memoryEstimate(), normal, replicas,
                backlog, replicaOutput, scripts);
        peakMemory = Math.max(peakMemory, figures.used());
        return figures;
    }

    private long peakMemory;

    /** used_memory_peak: the most used_memory seen (at INFO, eviction checks and in the cron). */
    public long peakMemory() {
        return peakMemory;
    }

    public long usedMemory() {
        return memoryFigures().used();
    }

    /** Redis keeps client memory incrementally; summing every client costs O(clients), so per command at most this often. */
    private static final long FIGURES_MAX_AGE_NANOS = 10_000_000;
    private MemoryFigures recentFigures;
    private long recentFiguresAt;

    /**
     * {@link #memoryFigures()} at most {@link #FIGURES_MAX_AGE_NANOS} old: what the per-command checks (eviction,
     * client eviction) start from, so a server with many connections does not add them all up for every command.
     * The dataset part is read live by those checks.
     */
    private MemoryFigures recentMemoryFigures() {
        long now = System.nanoTime();
        if (recentFigures == null || now - recentFiguresAt > FIGURES_MAX_AGE_NANOS) {
            recentFigures = memoryFigures();
            recentFiguresAt = now;
        }
        return recentFigures;
    }

    private long evictedClients;

    /** INFO stats' evicted_clients (CONFIG RESETSTAT clears it). */
    public long evictedClients() {
        return evictedClients;
    }

    public void resetEvictedClients() {
        evictedClients = 0;
    }

    /** Redis' getClientEvictionLimit: maxmemory-clients in bytes or as a percentage of maxmemory, at least 128 KB. */
    private long clientEvictionLimit() {
        long configured = config.getLong(Directives.MAXMEMORY_CLIENTS);
        long max = config.getLong(Directives.MAXMEMORY);
        long limit;
        if (configured < 0 && max > 0) {
            limit = (long) ((double) max * -(double) configured / 100);
        } else if (configured > 0) {
            limit = configured;
        } else {
            return 0;
        }
        return Math.max(limit, 128 * 1024);
    }

    /**
     * Redis' evictClients: while the normal and pub/sub clients together hold maxmemory-clients or more, the largest
     * evictable one (not CLIENT NO-EVICT) is disconnected, by memory bucket (powers of two from 32 KB) from the top.
     */
    public void evictClients() {
        long limit = clientEvictionLimit();
        if (limit == 0 || recentMemoryFigures().clientsNormal() < limit) {
            return;
        }
        long total = 0;
        List<dev.chorus.node.net.Client> candidates = new ArrayList<>();
        for (var c : clients.all()) {
            if (c.closed() || c.kind() == dev.chorus.node.net.Client.Kind.MASTER
                    || (c.kind() == dev.chorus.node.net.Client.Kind.REPLICA && !c.monitor())) {
                continue;
            }
            total += c.memoryUsage();
            if (!c.noEvict()) {
                candidates.add(c);
            }
        }
        if (total < limit) {
            return;
        }
        Map<dev.chorus.node.net.Client, Long> usage = new java.util.IdentityHashMap<>();
        for (var c : candidates) {
            usage.put(c, c.memoryUsage());
        }
        candidates.sort(java.util.Comparator.comparingInt(
                (dev.chorus.node.net.Client c) -> memoryBucket(usage.get(c))).reversed());
        for (var c : candidates) {
            if (total < limit) {
                return;
            }
            String info = dev.chorus.node.command.ConnectionCommands.describe(this, c);
            Log.notice("Evicting client: " + info);
            total -= usage.get(c);
            c.closeNow();
            evictedClients++;
            recentFigures = null; // what it held must not count against maxmemory in this command's key eviction
        }
        if (total >= limit) {
            Log.warning("Over client maxmemory after evicting all evictable clients");
        }
    }

    /** CLIENT_MEM_USAGE_BUCKET_MIN_LOG 15 .. MAX_LOG 33: the bucket a client's memory falls in. */
    private static int memoryBucket(long bytes) {
        int log = 64 - Long.numberOfLeadingZeros(Math.max(1, bytes));
        return Math.max(15, Math.min(33, log));
    }

    /**
     * Evicts keys per maxmemory-policy until memory is under maxmemory. Returns false when still over the limit
     * (noeviction, or nothing left to evict): the command must then be refused with an OOM error.
     */
    public boolean freeMemoryIfNeeded() {
        long max = config.getLong(Directives.MAXMEMORY);
        if (max == 0 || (isReplica() && config.getBool(Directives.REPLICA_IGNORE_MAXMEMORY)) || clientPause().active()) {
            return true; // Redis' isSafeToPerformEvictions: a paused server's data set stays still
        }
        int samples = config.getInt(Directives.MAXMEMORY_SAMPLES);
        MemoryFigures figures = recentMemoryFigures();
        // The parts besides the dataset are taken once per round: evicting keys does not change them.
        long fixed = figures.used() - figures.dataset() - figures.notCountedForEvict();
        if (fixed + keyspace.memoryEstimate() <= max) {
            return true;
        }
        long cycleStart = System.nanoTime();
        try {
            while (fixed + keyspace.memoryEstimate() > max) {
                if (!keyspace.evictOne(samples)) {
                    return false;
                }
            }
            return true;
        } finally {
            monitors.latency().addSampleIfNeeded("eviction-cycle", (System.nanoTime() - cycleStart) / 1_000_000);
        }
    }
}
