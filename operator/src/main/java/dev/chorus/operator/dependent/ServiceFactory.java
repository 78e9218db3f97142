package dev.chorus.operator.dependent;

import dev.chorus.operator.api.ReplicaSet;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/** The three Services differ only in name, type and role selector. */
final class ServiceFactory {
    private ServiceFactory() {
    }

    static Service build(ReplicaSet rs, String name, String role, boolean headless) {
        Map<String, String> selector = new LinkedHashMap<>(Labels.selector(rs));
        if (role != null) {
            selector.put(Labels.ROLE, role);
        }
        var spec = new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace(rs.getMetadata().getNamespace())
                .withLabels(Labels.common(rs))
                .withAnnotations(headless ? Map.of() : rs.getSpec().getService().getAnnotations())
                .endMetadata()
                .withNewSpec()
                .withSelector(selector)
                .addNewPort().withName("redis").withPort(rs.getSpec().getPort())
                .withTargetPort(new IntOrString("redis")).endPort();
        if (headless) {
            spec.withClusterIP("None").withPublishNotReadyAddresses(true);
        } else {
            spec.withType(rs.getSpec().getService().getType());
        }
        return spec.endSpec().build();
    }
}
