package dev.chorus.node.net;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/** The connected clients, by id, and the ones with output waiting to be flushed at the end of this loop turn. */
public final class Clients {
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<Long, Client> byId = new LinkedHashMap<>();
    private final Set<Client> pendingWrites = new LinkedHashSet<>();
    private final Runnable flushTask = this::flushScheduledWrites;
    private boolean flushScheduled;
    private Runnable beforeFlush = () -> { };
    private long totalConnections;
    private long rejectedConnections;

    public long newId() {
        return nextId.getAndIncrement();
    }

    public void add(Client c) {
        byId.put(c.id(), c);
        totalConnections++;
    }

    public void remove(Client c) {
        byId.remove(c.id());
        pendingWrites.remove(c);
    }

    public Client get(long id) {
        return byId.get(id);
    }

    public Collection<Client> all() {
        return byId.values();
    }

    public int count() {
        return byId.size();
    }

    public long totalConnections() {
        return totalConnections;
    }

    public void rejected() {
        rejectedConnections++;
    }

    public long rejectedConnections() {
        return rejectedConnections;
    }

    public void resetStats() {
        totalConnections = 0;
        rejectedConnections = 0;
    }

    /**
     * Queues the client's output for the end of this event-loop turn, after every ready connection has been read,
     * as Redis does in beforeSleep: replies to many clients leave in one burst, and a pipelining peer is woken once
     * per turn rather than once per connection. Without an event loop (tests) the output is flushed at once.
     */
    public void flushAtEndOfTurn(Client c, Executor loop) {
        pendingWrites.add(c);
        if (flushScheduled) {
            return;
        }
        if (loop == null) {
            flushPending();
            return;
        }
        flushScheduled = true;
        loop.execute(flushTask);
    }

    private void flushScheduledWrites() {
        flushScheduled = false;
        flushPending();
    }

    void markPendingWrite(Client c) {
        pendingWrites.add(c);
    }

    /** Runs before output leaves at the end of a turn (Redis' beforeSleep work: BCAST invalidations). */
    public void setBeforeFlush(Runnable beforeFlush) {
        this.beforeFlush = beforeFlush;
    }

    /** Flushes every client that received output from another client's command (PUBLISH, unblocking). */
    public void flushPending() {
        beforeFlush.run();
        if (pendingWrites.isEmpty()) {
            return;
        }
        List<Client> batch = new ArrayList<>(pendingWrites);
        pendingWrites.clear();
        for (Client c : batch) {
            c.flush();
        }
    }
}
