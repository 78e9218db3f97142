package dev.chorus.operator.dependent;

import dev.chorus.operator.api.ReplicaSet;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** The included auth.conf (requirepass + masterauth), rendered from the user's Secret into a Secret of ours. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class AuthSecretDependent extends CRUDKubernetesDependentResource<Secret, ReplicaSet> {
    public AuthSecretDependent() {
        super(Secret.class);
    }

    @Override
    protected Secret desired(ReplicaSet rs, Context<ReplicaSet> context) {
        String password = Passwords.get(context);
        Map<String, String> data = new java.util.LinkedHashMap<>();
        data.put(NodeConfig.AUTH_FILE, Base64.getEncoder()
                .encodeToString(NodeConfig.renderAuth(password).getBytes(StandardCharsets.UTF_8)));
        var inFlight = Passwords.getInFlight(context);
        if (!inFlight.isEmpty()) {
            data.put(NodeConfig.IN_FLIGHT_FILE, Base64.getEncoder().encodeToString(
                    io.fabric8.kubernetes.client.utils.Serialization.asJson(inFlight).getBytes(StandardCharsets.UTF_8)));
        }
        return new SecretBuilder()
                .withNewMetadata().withName(Names.authSecret(rs)).withNamespace(rs.getMetadata().getNamespace())
                .withLabels(Labels.common(rs)).endMetadata()
                .withData(data)
                .build();
    }
}
