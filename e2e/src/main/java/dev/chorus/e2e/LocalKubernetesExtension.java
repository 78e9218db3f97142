package dev.chorus.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 side of {@link LocalKubernetes}. The cluster lives in the class's (or the root's) extension store, so JUnit
 * closes it after the class (or the run) even when tests fail; the bed's JVM shutdown hook is the last resort.
 */
public final class LocalKubernetesExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LocalKubernetesExtension.class);

    /** Closes the cluster when JUnit discards the store (works with JUnit's AutoCloseable and CloseableResource handling). */
    @SuppressWarnings("deprecation")
    private static final class Holder implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final TestCluster cluster;

        Holder(TestCluster cluster) {
            this.cluster = cluster;
        }

        @Override
        public void close() {
            cluster.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster(context);
    }

    /** The cluster of this test class (started if needed): for other extensions that build on it. */
    public static TestCluster cluster(ExtensionContext context) {
        String why = TestClusters.unavailableReason();
        Assumptions.assumeTrue(why == null, why);
        LocalKubernetes ann = context.getRequiredTestClass().getAnnotation(LocalKubernetes.class);
        boolean shared = ann != null && ann.shared();
        ExtensionContext owner = shared ? context.getRoot() : classContext(context);
        return owner.getStore(NS).getOrComputeIfAbsent("cluster", k -> new Holder(TestClusters.start()), Holder.class).cluster;
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        Class<?> t = pc.getParameter().getType();
        return t == TestCluster.class || t == LocalCluster.class || t == K3sCluster.class || t == KubernetesClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        TestCluster cluster = cluster(ec);
        Class<?> t = pc.getParameter().getType();
        if (t == KubernetesClient.class) {
            return cluster.admin();
        }
        if (!t.isInstance(cluster)) {
            throw new ParameterResolutionException("this test needs a " + t.getSimpleName() + " but the cluster is "
                    + cluster.kind());
        }
        return cluster;
    }
}
