package dev.chorus.operator.reconciler;

import static dev.chorus.operator.reconciler.ReplicaSetFixture.awaitReady;
import static dev.chorus.operator.reconciler.ReplicaSetFixture.create;
import static dev.chorus.operator.reconciler.ReplicaSetFixture.get;
import static dev.chorus.operator.reconciler.ReplicaSetFixture.podIp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.e2e.LocalKubernetes;
import dev.chorus.e2e.TestCluster;
import dev.chorus.operator.api.AuthSpec;
import dev.chorus.operator.api.ReplicaSet;
import dev.chorus.operator.api.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** spec.auth: the user's Secret, watched by name, read from the watch's cache. */
@LocalKubernetes(shared = true)
@WithOperator
class AuthSecretIT {
    @Test
    void theNodesTakeThePasswordOfTheUsersSecretOnceItExists(TestCluster cluster) {
        KubernetesClient admin = cluster.admin();
        String ns = "it-auth";
        create(admin, ns, "secure", cluster.nodeImage(), 2, spec -> {
            AuthSpec auth = new AuthSpec();
            auth.setSecretName("secure-password");
            spec.setAuth(auth);
        });
        await("Degraded SecretNotFound while the Secret is missing").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    ReplicaSet rs = get(admin, ns, "secure");
                    return rs.getStatus() != null && rs.getStatus().getConditions().stream().anyMatch(c ->
                            "Degraded".equals(c.getType()) && "SecretNotFound".equals(c.getReason()));
                });
        admin.secrets().inNamespace(ns).resource(secret(ns, "secure-password", "s3cret")).create();
        ReplicaSetStatus status = awaitReady(admin, ns, "secure");
        try (Jedis master = new Jedis(podIp(admin, ns, status.getMaster()), 6379)) {
            master.auth("s3cret");
            master.set("k", "v");
            assertThat(master.waitReplicas(1, 5000)).isEqualTo(1);
        }

        // A new password reaches the rendered auth.conf once the running nodes took it (SecretRotationIT: the rotation).
        admin.secrets().inNamespace(ns).resource(secret(ns, "secure-password", "n3w")).update();
        await("auth.conf rendered with the new password").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    Secret ours = admin.secrets().inNamespace(ns).withName("secure-auth").get();
                    return new String(Base64.getDecoder().decode(ours.getData().get("auth.conf")),
                            StandardCharsets.UTF_8).contains("requirepass n3w");
                });
    }

    /**
     * The event source alone on the real apiserver: a change to the named Secret is an event for each ReplicaSet
     * naming it, a change to another Secret is not, and the cache serves the current content.
     */
    @Test
    void aChangeToTheNamedSecretTriggersItsReplicaSetsAndNoOtherSecretDoes(TestCluster cluster) {
        KubernetesClient admin = cluster.admin();
        String ns = "it-auth-watch";
        admin.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                .withName(ns).endMetadata().build()).serverSideApply();
        admin.secrets().inNamespace(ns).resource(secret(ns, "watched", "one")).create();
        admin.secrets().inNamespace(ns).resource(secret(ns, "unrelated", "x")).create();
        ReplicaSet rs = new ReplicaSet();
        rs.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("w").withNamespace(ns)
                .build());
        rs.setSpec(new dev.chorus.operator.api.ReplicaSetSpec());
        AuthSpec auth = new AuthSpec();
        auth.setSecretName("watched");
        rs.getSpec().setAuth(auth);

        List<ResourceID> events = new CopyOnWriteArrayList<>();
        UserSecretSource source = new UserSecretSource(new EventSourceContext<>(cacheOf(rs), null,
                cluster.impersonating("chorus-system", "chorus-operator"), ReplicaSet.class));
        source.setEventHandler(e -> events.add(e.getRelatedCustomResourceID()));
        source.start();
        try {
            assertThat(source.secretOf(rs)).map(s -> s.getData().get("password")).contains(b64("one"));
            events.clear();
            admin.secrets().inNamespace(ns).resource(secret(ns, "unrelated", "y")).update();
            admin.secrets().inNamespace(ns).resource(secret(ns, "watched", "two")).update();
            await("an event for the ReplicaSet naming the Secret").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100)).until(() -> !events.isEmpty());
            assertThat(events).containsOnly(ResourceID.fromResource(rs));
            await("the cache serves the new content").atMost(Duration.ofSeconds(5))
                    .until(() -> source.secretOf(rs).map(s -> s.getData().get("password")).orElse("")
                            .equals(b64("two")));
            assertThat(source.getSecondaryResources(rs)).extracting(s -> s.getMetadata().getName())
                    .containsExactly("watched");
        } finally {
            source.stop();
        }
    }

    static Secret secret(String ns, String name, String password) {
        return new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                .withData(Map.of("password", b64(password))).build();
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The primary cache holding just {@code rs}. */
    static IndexerResourceCache<ReplicaSet> cacheOf(ReplicaSet rs) {
        return new IndexerResourceCache<>() {
            @Override
            public void addIndexers(Map<String, Function<ReplicaSet, List<String>>> indexers) {
            }

            @Override
            public List<ReplicaSet> byIndex(String name, String key) {
                return List.of();
            }

            @Override
            public Optional<ReplicaSet> get(ResourceID id) {
                return id.equals(ResourceID.fromResource(rs)) ? Optional.of(rs) : Optional.empty();
            }

            @Override
            public Stream<ResourceID> keys() {
                return Stream.of(ResourceID.fromResource(rs));
            }

            @Override
            public Stream<ReplicaSet> list(Predicate<ReplicaSet> predicate) {
                return Stream.of(rs).filter(predicate);
            }

            @Override
            public Stream<ReplicaSet> list(String namespace, Predicate<ReplicaSet> predicate) {
                return list(predicate);
            }
        };
    }
}
