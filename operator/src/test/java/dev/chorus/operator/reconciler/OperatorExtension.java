package dev.chorus.operator.reconciler;

import dev.chorus.e2e.LocalKubernetesExtension;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** JUnit 5 side of {@link WithOperator}: one operator per test class, kept in the class's store and closed with it. */
public final class OperatorExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(OperatorExtension.class);

    @SuppressWarnings("deprecation")
    private record Holder(OperatorHarness harness) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            harness.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        harness(context);
    }

    private static OperatorHarness harness(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        return classContext.getStore(NS).getOrComputeIfAbsent("operator", k -> {
            try {
                return new Holder(OperatorHarness.start(LocalKubernetesExtension.cluster(context)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Holder.class).harness();
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        return pc.getParameter().getType() == OperatorHarness.class;
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        return harness(ec);
    }
}
