package dev.chorus.operator.nodeclient;

import dev.chorus.operator.api.ReplicaSet;
import dev.chorus.operator.topology.NodeState;
import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The one source of node observations: per ReplicaSet it keeps one long-lived connection per node, polls every node
 * every {@link #POLL_MILLIS} ms (every {@link #FAST_POLL_MILLIS} ms for a second after a step asks for a look), each
 * node on its own (so an unreachable node costs its own connect timeout and holds up nobody else), and triggers a
 * reconcile of the ReplicaSet when what it sees changes (a role, a link, an address, reachability; offsets alone move
 * with every write and do not). The reconcile tells it which nodes to watch
 * ({@link #watch}) and reads the latest observation from it; it never connects to observe by itself.
 * <p>
 * One instance per reconciler (so per operator instance); it holds no statics.
 */
public final class NodePollingSource extends AbstractEventSource<Observation, ReplicaSet>
        implements ResourceEventAware<ReplicaSet> {
    public static final long POLL_MILLIS = 100;
    /** While a step waits for a fresh look ({@link #pollNow}): how often, and for how long after the last ask. */
    public static final long FAST_POLL_MILLIS = 20;
    private static final long FAST_FOR_MILLIS = 1000;

    private final Clock clock;
    private final Map<ResourceID, Watched> watched = new ConcurrentHashMap<>();
    private ScheduledExecutorService ticker;
    private ExecutorService pollers;

    public NodePollingSource() {
        this(Clock.systemUTC());
    }

    NodePollingSource(Clock clock) {
        super(Observation.class, "nodes");
        this.clock = clock;
    }

    @Override
    public synchronized void start() throws OperatorException {
        if (ticker == null) {
            AtomicInteger n = new AtomicInteger();
            ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "chorus-node-poll-tick"));
            pollers = Executors.newCachedThreadPool(r -> daemon(r, "chorus-node-poll-" + n.incrementAndGet()));
            ticker.scheduleWithFixedDelay(this::tick, FAST_POLL_MILLIS, FAST_POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
        super.start();
    }

    @Override
    public synchronized void stop() throws OperatorException {
        if (ticker != null) {
            ticker.shutdownNow();
            pollers.shutdownNow();
            ticker = null;
            pollers = null;
        }
        watched.values().forEach(Watched::close);
        watched.clear();
        super.stop();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Sets the nodes of {@code rs} to watch (the pods' facts as the reconcile sees them) and returns the latest
     * observation of exactly those nodes. A node with an IP not looked at since it got that IP shows as unreachable and
     * {@linkplain Observation#neverLookedAt never looked at} (a look starts at once; its result triggers a reconcile).
     */
    public Observation watch(ResourceID rs, List<NodeTarget> targets, String password) {
        return watch(rs, targets, Credentials.of(password));
    }

    /** As {@link #watch(ResourceID, List, String)}, during a rotation with the previous password as well. */
    public Observation watch(ResourceID rs, List<NodeTarget> targets, Credentials credentials) {
        Watched w = watched.compute(rs, (id, old) -> {
            if (old != null && Objects.equals(old.commands.credentials(), credentials)) {
                return old;
            }
            if (old != null) {
                old.close();
            }
            return new Watched(id, new NodeClient(credentials));
        });
        boolean complete = w.setTargets(targets);
        if (!complete) {
            ExecutorService p = pollers;
            if (p != null) {
                w.pollAll(p);
            }
        }
        return w.observation(targets);
    }

    /**
     * Looks at every node of {@code rs} now (those not already being looked at), without waiting for it, and every
     * {@link #FAST_POLL_MILLIS} ms for the next second: a step waiting for a look started after some moment gets one
     * soon.
     */
    public void pollNow(ResourceID rs) {
        Watched w = watched.get(rs);
        ExecutorService p = pollers;
        if (w != null && p != null) {
            w.fastUntil = clock.millis() + FAST_FOR_MILLIS;
            w.pollAll(p);
        }
    }

    /** Commands to the nodes of {@code rs}, over the same kind of long-lived connections (not the polling ones). */
    public NodeClient commands(ResourceID rs) {
        Watched w = watched.get(rs);
        if (w == null) {
            throw new IllegalStateException("nodes of " + rs + " are not watched");
        }
        return w.commands;
    }

    @Override
    public Set<Observation> getSecondaryResources(ReplicaSet primary) {
        Watched w = watched.get(ResourceID.fromResource(primary));
        if (w == null) {
            return Set.of();
        }
        List<NodeTarget> targets = w.targets;
        return targets == null ? Set.of() : Set.of(w.observation(targets));
    }

    @Override
    public void onResourceDeleted(ReplicaSet resource) {
        Watched w = watched.remove(ResourceID.fromResource(resource));
        if (w != null) {
            w.close();
        }
    }

    private void tick() {
        ExecutorService p = pollers;
        if (p == null) {
            return;
        }
        long now = clock.millis();
        for (Watched w : watched.values()) {
            if (now >= w.nextPoll) {
                w.nextPoll = now + (now < w.fastUntil ? FAST_POLL_MILLIS : POLL_MILLIS);
                w.pollAll(p);
            }
        }
    }

    /** What changes an observation in a way a reconcile cares about (offsets and key counts move with writes). */
    static boolean significantlyDifferent(NodeState a, NodeState b) {
        if (a == null || b == null) {
            return a != b;
        }
        return a.role() != b.role() || !Objects.equals(a.ip(), b.ip()) || !Objects.equals(a.followsHost(),
                b.followsHost()) || a.followsPort() != b.followsPort() || a.linkUp() != b.linkUp()
                || !Objects.equals(a.replid(), b.replid()) || a.priority() != b.priority()
                || (a.keys() == 0) != (b.keys() == 0) || a.held() != b.held();
    }

    /** One node's latest look. */
    private record Look(NodeState state, NodeAuth auth, Instant startedAt) {
    }

    /** The nodes of one ReplicaSet. */
    private final class Watched {
        final ResourceID id;
        final NodeClient commands;
        volatile List<NodeTarget> targets;
        final Map<String, NodeConnection> connections = new ConcurrentHashMap<>();
        final Map<String, Look> looks = new ConcurrentHashMap<>();
        final Set<String> inFlight = ConcurrentHashMap.newKeySet();
        volatile boolean closed;
        volatile long fastUntil;
        volatile long nextPoll;

        Watched(ResourceID id, NodeClient commands) {
            this.id = id;
            this.commands = commands;
        }

        /** @return whether every node with an IP has been looked at at that IP */
        synchronized boolean setTargets(List<NodeTarget> next) {
            targets = List.copyOf(next);
            Map<String, NodeTarget> byPod = next.stream().collect(Collectors.toMap(NodeTarget::pod, t -> t));
            connections.entrySet().removeIf(e -> {
                NodeTarget t = byPod.get(e.getKey());
                if (t != null && t.ip() != null && e.getValue().sameAs(t.ip(), t.port(), commands.credentials())) {
                    return false;
                }
                e.getValue().close();
                looks.remove(e.getKey());
                return true;
            });
            looks.keySet().removeIf(pod -> !byPod.containsKey(pod));
            commands.retain(next.stream().filter(t -> t.ip() != null).map(t -> t.ip() + ":" + t.port())
                    .collect(Collectors.toSet()));
            return next.stream().allMatch(t -> t.ip() == null || looks.containsKey(t.pod()));
        }

        Observation observation(List<NodeTarget> current) {
            List<NodeState> nodes = new ArrayList<>();
            Map<String, Instant> polledAt = new HashMap<>();
            Map<String, NodeAuth> auth = new HashMap<>();
            Instant now = clock.instant();
            for (NodeTarget t : current) {
                Look look = t.ip() == null ? null : looks.get(t.pod());
                if (look == null || !Objects.equals(look.state.ip(), t.ip())) {
                    nodes.add(NodeState.unreachable(t.pod(), t.ordinal(), t.ip(), t.podReady()));
                    polledAt.put(t.pod(), t.ip() == null ? now : Instant.MIN);
                } else {
                    NodeState s = look.state;
                    // the pod's readiness is the reconcile's (informer) fact, the rest is the node's own answer
                    nodes.add(new NodeState(s.pod(), s.ordinal(), s.ip(), t.podReady(), s.role(), s.followsHost(),
                            s.followsPort(), s.linkUp(), s.offset(), s.replid(), s.keys(), s.priority()));
                    polledAt.put(t.pod(), look.startedAt);
                    auth.put(t.pod(), look.auth);
                }
            }
            return new Observation(List.copyOf(nodes), Map.copyOf(polledAt), Map.copyOf(auth));
        }

        void pollAll(ExecutorService pool) {
            List<NodeTarget> current = targets;
            if (current == null || closed) {
                return;
            }
            for (NodeTarget t : current) {
                if (t.ip() != null && inFlight.add(t.pod())) {
                    try {
                        pool.execute(() -> {
                            try {
                                poll(t);
                            } finally {
                                inFlight.remove(t.pod());
                            }
                        });
                    } catch (RuntimeException rejected) {
                        inFlight.remove(t.pod());
                    }
                }
            }
        }

        private void poll(NodeTarget t) {
            NodeConnection c;
            synchronized (this) {
                if (closed) {
                    return;
                }
                c = connections.computeIfAbsent(t.pod(), p -> new NodeConnection(t.ip(), t.port(),
                        commands.credentials()));
                if (!c.sameAs(t.ip(), t.port(), commands.credentials())) {
                    return; // the targets changed meanwhile; the next tick polls the new address
                }
            }
            Instant started = clock.instant();
            boolean[] refused = new boolean[1];
            NodeState state = NodeClient.observe(c, t, refused);
            NodeAuth auth = NodeClient.observeAuth(c, state, commands.credentials(), refused[0]);
            Look previous;
            synchronized (this) {
                if (closed || connections.get(t.pod()) != c) {
                    return;
                }
                previous = looks.put(t.pod(), new Look(state, auth, started));
            }
            if (previous == null || significantlyDifferent(previous.state, state) || !previous.auth.equals(auth)) {
                var handler = getEventHandler();
                if (handler != null && isRunning()) {
                    handler.handleEvent(new Event(id));
                }
            }
        }

        synchronized void close() {
            closed = true;
            connections.values().forEach(NodeConnection::close);
            connections.clear();
            commands.close();
        }
    }
}
