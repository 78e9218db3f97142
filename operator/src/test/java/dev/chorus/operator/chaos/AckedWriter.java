package dev.chorus.operator.chaos;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A background writer that behaves like a client inside the cluster: it finds the master through the write Service
 * {@code <name>} (the ready endpoints of its EndpointSlices; the bed has no VIPs or DNS, so it connects to the endpoint
 * IP itself) and re-resolves after any error. Each write is {@code SET <prefix>:<seq> <value>} then
 * {@code WAIT 1 <timeout>}; only a SET that returned OK followed by a WAIT that returned >= 1 counts as acknowledged.
 * A failed write is never counted; the next attempt uses a new seq, so an unacknowledged value can never be mistaken
 * for an acknowledged one.
 */
public final class AckedWriter implements AutoCloseable {
    /**
     * One write that SET accepted: when SET answered OK, when WAIT answered, and {@code acked} when WAIT 1 confirmed
     * it (System.nanoTime values).
     */
    public record Write(long setNanos, long atNanos, String ip, String key, boolean acked) {
    }

    private static final int CONNECT_TIMEOUT_MILLIS = 300;
    private static final int WAIT_TIMEOUT_MILLIS = 1000;
    /** Longer than WAIT's own timeout, so a WAIT that times out answers 0 instead of looking like a dead socket. */
    private static final int SOCKET_TIMEOUT_MILLIS = WAIT_TIMEOUT_MILLIS + 1000;

    private final KubernetesClient client;
    private final String namespace;
    private final String service;
    private final int port;
    private final String prefix;
    private final long pauseNanos;
    /** The password each new connection authenticates with (asked at every connect, like a client re-reading it). */
    private final java.util.function.Supplier<String> password;
    private final Map<String, String> acked = new ConcurrentHashMap<>();
    private final List<Write> writes = new ArrayList<>();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong notAcked = new AtomicLong();
    private final AtomicLong multipleEndpoints = new AtomicLong();
    private final Map<String, AtomicLong> errorKinds = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    private AckedWriter(KubernetesClient client, String namespace, String service, int port, String prefix,
                        long pauseMillis, java.util.function.Supplier<String> password) {
        this.password = password;
        this.client = client;
        this.namespace = namespace;
        this.service = service;
        this.port = port;
        this.prefix = prefix;
        this.pauseNanos = TimeUnit.MILLISECONDS.toNanos(pauseMillis);
        this.thread = new Thread(this::run, "acked-writer-" + namespace);
        this.thread.setDaemon(true);
    }

    /**
     * Starts writing at once. {@code pauseMillis} between writes keeps the load moderate on a shared 2-CPU machine (a
     * few hundred writes per second) while still writing through every step of a failover.
     */
    public static AckedWriter start(KubernetesClient client, String namespace, String service, int port,
                                    String prefix, long pauseMillis) {
        return start(client, namespace, service, port, prefix, pauseMillis, () -> null);
    }

    /** As {@link #start(KubernetesClient, String, String, int, String, long)}, authenticating with {@code password}. */
    public static AckedWriter start(KubernetesClient client, String namespace, String service, int port,
                                    String prefix, long pauseMillis, java.util.function.Supplier<String> password) {
        AckedWriter w = new AckedWriter(client, namespace, service, port, prefix, pauseMillis, password);
        w.thread.start();
        return w;
    }

    /** IPs of the ready endpoints of the Service's EndpointSlices (what kube-proxy would route to). */
    public static List<String> readyEndpoints(KubernetesClient client, String namespace, String service) {
        List<String> ips = new ArrayList<>();
        for (EndpointSlice slice : client.discovery().v1().endpointSlices().inNamespace(namespace)
                .withLabel("kubernetes.io/service-name", service).list().getItems()) {
            if (slice.getEndpoints() == null) {
                continue;
            }
            for (Endpoint e : slice.getEndpoints()) {
                // A nil ready condition means ready (discovery/v1 API contract).
                boolean ready = e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady());
                if (ready && e.getAddresses() != null) {
                    ips.addAll(e.getAddresses());
                }
            }
        }
        return ips;
    }

    private void run() {
        Jedis jedis = null;
        String ip = null;
        while (running) {
            try {
                if (jedis == null) {
                    List<String> ips = readyEndpoints(client, namespace, service);
                    if (ips.isEmpty()) {
                        countError("no ready endpoint");
                        pause(50);
                        continue;
                    }
                    if (ips.size() > 1) {
                        multipleEndpoints.incrementAndGet();
                    }
                    // Like kube-proxy: any ready endpoint may get the connection.
                    ip = ips.get(ThreadLocalRandom.current().nextInt(ips.size()));
                    jedis = new Jedis(new HostAndPort(ip, port), DefaultJedisClientConfig.builder()
                            .connectionTimeoutMillis(CONNECT_TIMEOUT_MILLIS).socketTimeoutMillis(SOCKET_TIMEOUT_MILLIS)
                            .password(password.get()).clientName("chaos-writer").build());
                }
                long n = seq.incrementAndGet();
                String key = prefix + ":" + n;
                String value = "v" + n + "-" + System.nanoTime();
                attempts.incrementAndGet();
                String reply = jedis.set(key, value);
                if (!"OK".equals(reply)) {
                    countError("SET answered " + reply);
                    continue;
                }
                long setNanos = System.nanoTime();
                long replicas = jedis.waitReplicas(1, WAIT_TIMEOUT_MILLIS);
                boolean ok = replicas >= 1;
                synchronized (writes) {
                    writes.add(new Write(setNanos, System.nanoTime(), ip, key, ok));
                }
                if (ok) {
                    acked.put(key, value);
                } else {
                    notAcked.incrementAndGet();
                }
                pause(pauseNanos);
            } catch (RuntimeException e) {
                countError(e.getClass().getSimpleName() + ": " + firstWords(e.getMessage()));
                if (jedis != null) {
                    try {
                        jedis.close();
                    } catch (RuntimeException ignored) {
                        // the connection is broken anyway
                    }
                }
                jedis = null;
                pause(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
        if (jedis != null) {
            jedis.close();
        }
    }

    private static String firstWords(String message) {
        if (message == null) {
            return "";
        }
        String[] words = message.split(" ");
        return String.join(" ", List.of(words).subList(0, Math.min(3, words.length)));
    }

    private void countError(String kind) {
        errors.incrementAndGet();
        errorKinds.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    /** Paces the writer (a rate limit, not a wait for a condition). */
    private static void pause(long nanos) {
        if (nanos > 0) {
            LockSupport.parkNanos(nanos);
        }
    }

    /** Acknowledged keys and their values. */
    public Map<String, String> acked() {
        return Map.copyOf(acked);
    }

    /** Failed attempts (connect, SET or WAIT errors; a WAIT answering 0 is not one). */
    public long errors() {
        return errors.get();
    }

    public long ackedCount() {
        return acked.size();
    }

    /** Every write SET accepted, in order (acknowledged or not). */
    public List<Write> writes() {
        synchronized (writes) {
            return List.copyOf(writes);
        }
    }

    /** Acknowledged writes after {@code sinceNanos}. */
    public long ackedSince(long sinceNanos) {
        synchronized (writes) {
            return writes.stream().filter(w -> w.acked() && w.atNanos() > sinceNanos).count();
        }
    }

    /** Longest time between two consecutive acknowledged writes: how long writes were unavailable. */
    public long longestAckGapMillis() {
        long prev = -1;
        long max = 0;
        for (Write w : writes()) {
            if (!w.acked()) {
                continue;
            }
            if (prev >= 0) {
                max = Math.max(max, w.atNanos() - prev);
            }
            prev = w.atNanos();
        }
        return TimeUnit.NANOSECONDS.toMillis(max);
    }

    public String summary() {
        return "attempts=" + attempts.get() + " acked=" + acked.size() + " setButNotAcked=" + notAcked.get()
                + " errors=" + errors.get() + " timesSeveralReadyEndpoints=" + multipleEndpoints.get()
                + " longestAckGapMs=" + longestAckGapMillis() + " errorKinds=" + errorKinds;
    }

    /** Stops writing and waits for the thread (bounded by the socket timeout). */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(SOCKET_TIMEOUT_MILLIS * 2L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
