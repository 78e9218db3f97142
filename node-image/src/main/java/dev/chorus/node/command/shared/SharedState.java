package dev.chorus.node.command.shared;

import dev.chorus.node.Server;
import dev.chorus.node.command.KeyspaceEvents;
import dev.chorus.node.command.blocking.BlockedClients;
import dev.chorus.node.config.Directives;

/**
 * The server-wide state that commands share, in one place: pub/sub subscriptions, WATCHed keys, CLIENT PAUSE, clients
 * blocked on keys, client-side caching (tracking), MONITOR clients and keyspace notifications. What changed in the
 * keyspace reaches all of them through one stream, {@link KeyChanges} (the store's listener): none of them hooks the
 * keyspace on its own. See docs/design.md ("One key-change stream").
 */
public final class SharedState {
    private final PubSub pubsub = new PubSub();
    private final WatchedKeys watchedKeys;
    private final KeyspaceEvents keyspaceEvents = new KeyspaceEvents(pubsub);
    private final ClientPause clientPause;
    private final BlockedClients blockedClients;
    private final Tracking tracking;
    private final Monitors monitors = new Monitors();
    private final KeyChanges keyChanges;

    public SharedState(Server server) {
        this.watchedKeys = new WatchedKeys(server::keyspace);
        this.clientPause = new ClientPause(server);
        this.blockedClients = new BlockedClients(server);
        this.tracking = new Tracking(server);
        this.keyChanges = new KeyChanges(server, watchedKeys, blockedClients, tracking, keyspaceEvents);
    }

    /**
     * Wires the stream into the server: the store reports every change to {@link KeyChanges}; after each command
     * the pending invalidations go out, then blocked clients are served; closing connections leave every table.
     */
    public void install(Server server) {
        server.keyspace().setListener(keyChanges);
        keyspaceEvents.setFlags(server.config().getInt(Directives.NOTIFY_KEYSPACE_EVENTS));
        server.config().onChange((d, v) -> {
            if (d == Directives.NOTIFY_KEYSPACE_EVENTS) {
                keyspaceEvents.setFlags(((Long) v).intValue());
            }
        });
        server.addAfterCommandHook(tracking::sendPendingInvalidations);
        server.addAfterCommandHook(blockedClients::serveReadyKeys);
        // serverCron: the tracking table is kept within tracking-table-max-keys even when no command comes
        server.addCronHook(() -> {
            if (tracking.trackingClients() > 0) {
                tracking.limitUsedSlots();
            }
        });
        server.clients().setBeforeFlush(tracking::broadcastInvalidations);
        server.addCloseListener(blockedClients::clientClosed);
        server.addCloseListener(clientPause::clientClosed);
        server.addCloseListener(tracking::clientClosed);
        server.addCloseListener(monitors::remove);
    }

    public PubSub pubsub() {
        return pubsub;
    }

    public WatchedKeys watchedKeys() {
        return watchedKeys;
    }

    public KeyspaceEvents keyspaceEvents() {
        return keyspaceEvents;
    }

    public ClientPause clientPause() {
        return clientPause;
    }

    public BlockedClients blockedClients() {
        return blockedClients;
    }

    public Tracking tracking() {
        return tracking;
    }

    public Monitors monitors() {
        return monitors;
    }

    public KeyChanges keyChanges() {
        return keyChanges;
    }
}
