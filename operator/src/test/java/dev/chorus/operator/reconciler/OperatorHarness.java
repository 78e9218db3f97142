package dev.chorus.operator.reconciler;

import static org.awaitility.Awaitility.await;

import dev.chorus.e2e.TestCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Installs exactly what `kubectl apply -k manifests/` installs (CRD, namespace, RBAC) and runs the reconciler as the
 * operator's ServiceAccount, so a verb missing from manifests/rbac.yaml fails the tests. Public so other test packages
 * (chaos) can stop one operator and start another, as a restarted operator pod would.
 */
public final class OperatorHarness implements AutoCloseable {
    private final TestCluster cluster;
    private Operator operator;

    private OperatorHarness(TestCluster cluster, Operator operator) {
        this.cluster = cluster;
        this.operator = operator;
    }

    /** Stops this operator and starts a fresh one, as a restarted operator pod would (nothing survives but the API). */
    public void restart() {
        operator.stop();
        operator = startOperator(cluster);
    }

    public static OperatorHarness start(TestCluster cluster) throws IOException {
        KubernetesClient admin = cluster.admin();
        Path repo = repoRoot();
        for (String file : List.of("crds/replicasets.chorus.dev-v1.yml", "manifests/namespace.yaml",
                "manifests/rbac.yaml")) {
            try (InputStream in = Files.newInputStream(repo.resolve(file))) {
                for (HasMetadata item : admin.load(in).items()) {
                    admin.resource(item).forceConflicts().serverSideApply();
                }
            }
        }
        await("the ReplicaSet CRD established").atMost(Duration.ofSeconds(30)).until(() -> {
            CustomResourceDefinition crd = admin.apiextensions().v1().customResourceDefinitions()
                    .withName("replicasets.chorus.dev").get();
            return crd != null && crd.getStatus() != null && crd.getStatus().getConditions().stream()
                    .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
        });
        return new OperatorHarness(cluster, startOperator(cluster));
    }

    private static Operator startOperator(TestCluster cluster) {
        KubernetesClient asOperator = cluster.impersonating("chorus-system", "chorus-operator");
        Operator operator = new Operator(o -> o.withKubernetesClient(asOperator).withCloseClientOnStop(false)
                .withStopOnInformerErrorDuringStartup(true));
        operator.register(new ReplicaSetReconciler());
        operator.start();
        return operator;
    }

    public static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("crds"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("repository root (with crds/) not found above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    @Override
    public void close() {
        operator.stop();
    }
}
