package dev.chorus.operator.reconciler;

import dev.chorus.operator.api.AuthSpec;
import dev.chorus.operator.api.ReplicaSet;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The users' auth Secrets (spec.auth.secretName), each watched by name: one informer per Secret a ReplicaSet names
 * (a field-selector watch on that one object), never all the Secrets of a namespace. A change to the Secret triggers
 * a reconcile of every ReplicaSet that names it, and the reconcile reads the password from this cache instead of the
 * API. Watches start when a reconcile first asks for a ReplicaSet's Secret and stop when no ReplicaSet names it any
 * more.
 */
public final class UserSecretSource extends AbstractEventSource<Secret, ReplicaSet> {
    public static final String NAME = "user-auth-secret";
    private static final Logger LOG = Logger.getLogger(UserSecretSource.class);

    private record Key(String namespace, String name) {
    }

    private final KubernetesClient client;
    private final IndexerResourceCache<ReplicaSet> primaries;
    /** Which Secret each ReplicaSet names. */
    private final Map<ResourceID, Key> named = new ConcurrentHashMap<>();
    private final Map<Key, SharedIndexInformer<Secret>> informers = new ConcurrentHashMap<>();

    public UserSecretSource(EventSourceContext<ReplicaSet> context) {
        super(Secret.class, NAME);
        this.client = context.getClient();
        this.primaries = context.getPrimaryCache();
    }

    /** The Secret spec.auth names, from the watch's cache (the watch starts, and syncs, on the first call). */
    public Optional<Secret> secretOf(ReplicaSet rs) {
        AuthSpec auth = rs.getSpec().getAuth();
        ResourceID id = ResourceID.fromResource(rs);
        if (auth == null || auth.getSecretName() == null) {
            forget(id);
            return Optional.empty();
        }
        Key key = new Key(rs.getMetadata().getNamespace(), auth.getSecretName());
        Key before = named.put(id, key);
        if (before != null && !before.equals(key)) {
            stopIfUnused(before);
        }
        SharedIndexInformer<Secret> informer = informers.computeIfAbsent(key, this::watch);
        prune();
        return informer.getStore().list().stream().findFirst();
    }

    private SharedIndexInformer<Secret> watch(Key key) {
        LOG.debugf("watching Secret %s/%s", key.namespace(), key.name());
        return client.secrets().inNamespace(key.namespace()).withName(key.name()).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Secret s) {
                changed(key);
            }

            @Override
            public void onUpdate(Secret before, Secret after) {
                if (!java.util.Objects.equals(before.getMetadata().getResourceVersion(),
                        after.getMetadata().getResourceVersion())) {
                    changed(key);
                }
            }

            @Override
            public void onDelete(Secret s, boolean unknownFinalState) {
                changed(key);
            }
        });
    }

    private void changed(Key key) {
        if (!isRunning()) {
            return;
        }
        named.forEach((id, k) -> {
            if (k.equals(key)) {
                getEventHandler().handleEvent(new Event(id));
            }
        });
    }

    /** ReplicaSets that are gone no longer keep their Secret watched. */
    private void prune() {
        for (ResourceID id : Set.copyOf(named.keySet())) {
            if (primaries.get(id).isEmpty()) {
                forget(id);
            }
        }
    }

    private void forget(ResourceID id) {
        Key key = named.remove(id);
        if (key != null) {
            stopIfUnused(key);
        }
    }

    private void stopIfUnused(Key key) {
        if (!named.containsValue(key)) {
            SharedIndexInformer<Secret> informer = informers.remove(key);
            if (informer != null) {
                informer.close();
            }
        }
    }

    @Override
    public Set<Secret> getSecondaryResources(ReplicaSet rs) {
        Key key = named.get(ResourceID.fromResource(rs));
        SharedIndexInformer<Secret> informer = key == null ? null : informers.get(key);
        return informer == null ? Set.of() : Set.copyOf(informer.getStore().list());
    }

    @Override
    public void stop() {
        informers.values().forEach(SharedIndexInformer::close);
        informers.clear();
        named.clear();
        super.stop();
    }
}
