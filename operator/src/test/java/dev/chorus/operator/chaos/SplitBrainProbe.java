package dev.chorus.operator.chaos;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Asks every pod of a set, in parallel and every ~75 ms, whether it accepts writes, with a write that changes nothing:
 * {@code DEL chorus-probe:never-set} (a replica answers READONLY, a fenced master NOREPLICAS, a paused master blocks
 * and its timeout counts as not accepting, an unreachable node does not count either: no client can write to it).
 * Pod IPs come from the API each round, so a recreated pod is probed at its new address; a partitioned pod can be
 * probed from inside its network namespace instead ({@link #probeFromInside}). Records the largest number of nodes
 * that accepted in one round, the rounds where more than one did, and how often each pod gave each kind of answer.
 */
public final class SplitBrainProbe implements AutoCloseable {
    /** A round where more than one node accepted the write. */
    public record Violation(long atMillis, List<String> accepting, Map<String, String> answers) {
    }

    private static final int TIMEOUT_MILLIS = 250;
    private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(75);
    private static final String PROBE_KEY = "chorus-probe:never-set";

    private final KubernetesClient client;
    private final String namespace;
    private final String instance;
    private final int port;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "split-brain-probe");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Jedis> connections = new ConcurrentHashMap<>();
    /** Pods probed from inside their own network namespace (by the PID of a process in it) instead of over the bridge. */
    private final Map<String, Long> inside = new ConcurrentHashMap<>();
    private final List<Violation> violations = new ArrayList<>();
    private final Map<String, Map<String, Long>> tally = new ConcurrentHashMap<>();
    private final Thread thread;
    private final long startedMillis = System.currentTimeMillis();
    private volatile boolean running = true;
    private volatile int maxAccepting;
    private volatile long rounds;
    private volatile long apiErrors;

    private SplitBrainProbe(KubernetesClient client, String namespace, String instance, int port) {
        this.client = client;
        this.namespace = namespace;
        this.instance = instance;
        this.port = port;
        this.thread = new Thread(this::run, "split-brain-probe-" + namespace);
        this.thread.setDaemon(true);
    }

    /** Probes the pods labelled {@code app.kubernetes.io/instance=<instance>}. */
    public static SplitBrainProbe start(KubernetesClient client, String namespace, String instance, int port) {
        SplitBrainProbe p = new SplitBrainProbe(client, namespace, instance, port);
        p.thread.start();
        return p;
    }

    private void run() {
        while (running) {
            long started = System.nanoTime();
            try {
                round();
            } catch (RuntimeException e) {
                apiErrors++;
            }
            long left = INTERVAL_NANOS - (System.nanoTime() - started);
            if (left > 0) {
                LockSupport.parkNanos(left); // paces the rounds
            }
        }
    }

    private void round() {
        Map<String, String> ips = new LinkedHashMap<>();
        for (Pod p : client.pods().inNamespace(namespace).withLabel("app.kubernetes.io/instance", instance).list()
                .getItems()) {
            if (p.getStatus() != null && p.getStatus().getPodIP() != null) {
                ips.put(p.getMetadata().getName(), p.getStatus().getPodIP());
            }
        }
        Map<String, Future<String>> answers = new LinkedHashMap<>();
        ips.forEach((pod, ip) -> {
            Long pid = inside.get(pod);
            answers.put(pod, pool.submit(() -> pid == null ? probe(ip) : probeInside(pid)));
        });
        Map<String, String> seen = new LinkedHashMap<>();
        List<String> accepting = new ArrayList<>();
        for (var e : answers.entrySet()) {
            String answer;
            try {
                answer = e.getValue().get(TIMEOUT_MILLIS * 4L, TimeUnit.MILLISECONDS);
            } catch (Exception ex) {
                answer = "no answer: " + ex.getClass().getSimpleName();
            }
            seen.put(e.getKey() + "@" + ips.get(e.getKey()), answer);
            tally.computeIfAbsent(e.getKey(), k -> new ConcurrentHashMap<>()).merge(answer.split(" ")[0], 1L, Long::sum);
            if ("accepted".equals(answer)) {
                accepting.add(e.getKey());
            }
        }
        rounds++;
        if (accepting.size() > maxAccepting) {
            maxAccepting = accepting.size();
        }
        if (accepting.size() > 1) {
            synchronized (violations) {
                violations.add(new Violation(System.currentTimeMillis() - startedMillis, accepting, seen));
            }
        }
    }

    /** "accepted" when the node executed the write; otherwise why not. */
    private String probe(String ip) {
        Jedis j = connections.get(ip);
        try {
            if (j == null) {
                j = new Jedis(new HostAndPort(ip, port), DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(TIMEOUT_MILLIS).socketTimeoutMillis(TIMEOUT_MILLIS)
                        .clientName("chaos-probe").build());
                connections.put(ip, j);
            }
            j.del(PROBE_KEY);
            return "accepted";
        } catch (JedisDataException e) {
            return String.valueOf(e.getMessage()); // READONLY, NOREPLICAS, ...: answered, did not accept
        } catch (RuntimeException e) {
            connections.remove(ip);
            if (j != null) {
                try {
                    j.close();
                } catch (RuntimeException ignored) {
                    // broken anyway
                }
            }
            return "unreachable or blocked: " + e.getClass().getSimpleName();
        }
    }

    /**
     * Probes {@code pod} from inside its network namespace (that of process {@code pid}) until
     * {@link #probeFromOutside}: a partitioned node cannot be reached over the bridge, but clients on its side of the
     * partition could still write to it, and that counts as accepting writes.
     */
    public void probeFromInside(String pod, long pid) {
        inside.put(pod, pid);
    }

    public void probeFromOutside(String pod) {
        inside.remove(pod);
    }

    /** The same write with redis-cli run in the pod's network namespace (nsenter), bounded by the probe timeout. */
    private String probeInside(long pid) {
        Process p = null;
        try {
            p = new ProcessBuilder("nsenter", "--target", String.valueOf(pid), "--net", "redis-cli", "-h", "127.0.0.1",
                    "-p", String.valueOf(port), "DEL", PROBE_KEY).redirectErrorStream(true).start();
            if (!p.waitFor(TIMEOUT_MILLIS * 2L, TimeUnit.MILLISECONDS)) {
                return "blocked (inside)";
            }
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return out.matches("-?\\d+") ? "accepted" : out + " (inside)";
        } catch (java.io.IOException e) {
            return "inside probe failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } finally {
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }

    /** How often {@code pod} gave each kind of answer (first word: accepted, READONLY, NOREPLICAS, ...). */
    public Map<String, Long> answers(String pod) {
        return Map.copyOf(tally.getOrDefault(pod, Map.of()));
    }

    /** The most nodes that accepted a write in one round. */
    public int maxAccepting() {
        return maxAccepting;
    }

    public long rounds() {
        return rounds;
    }

    public List<Violation> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    public String summary() {
        List<Violation> v = violations();
        return "rounds=" + rounds + " maxAccepting=" + maxAccepting + " apiErrors=" + apiErrors + " answers=" + tally
                + " violations=" + v.size() + (v.isEmpty() ? "" : " first=" + v.get(0) + " last=" + v.get(v.size() - 1));
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(TIMEOUT_MILLIS * 10L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.shutdownNow();
        connections.values().forEach(j -> {
            try {
                j.close();
            } catch (RuntimeException ignored) {
                // closing a broken connection
            }
        });
    }
}
