package dev.chorus.operator.dependent;

import dev.chorus.operator.api.AuthSpec;
import dev.chorus.operator.api.ReplicaSet;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Reads the password a ReplicaSet's auth names; null when auth is not configured. */
public final class Passwords {
    private Passwords() {
    }

    public static String read(ReplicaSet rs, KubernetesClient client) {
        AuthSpec auth = rs.getSpec().getAuth();
        if (auth == null) {
            return null;
        }
        Secret s = client.secrets().inNamespace(rs.getMetadata().getNamespace()).withName(auth.getSecretName()).get();
        if (s == null || s.getData() == null || !s.getData().containsKey(auth.getKey())) {
            throw new MissingSecretException("Secret " + auth.getSecretName() + " with key " + auth.getKey()
                    + " not found in namespace " + rs.getMetadata().getNamespace());
        }
        return new String(Base64.getDecoder().decode(s.getData().get(auth.getKey())), StandardCharsets.UTF_8);
    }

    /** The Secret spec.auth names does not exist (yet): reported as a condition, retried. */
    public static final class MissingSecretException extends RuntimeException {
        public MissingSecretException(String message) {
            super(message);
        }
    }
}
