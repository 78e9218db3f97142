package dev.chorus.operator.dependent;

import dev.chorus.operator.api.AuthSpec;
import dev.chorus.operator.api.ReplicaSet;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** Reads the password a ReplicaSet's auth names; null when auth is not configured. */
public final class Passwords {
    private Passwords() {
    }

    private static final String KEY = "chorus.password";

    /**
     * The password in {@code secret} (the user's Secret spec.auth names, from the reconciler's watch of it, or empty
     * when it does not exist); null when auth is not configured.
     */
    public static String read(ReplicaSet rs, Optional<Secret> secret) {
        AuthSpec auth = rs.getSpec().getAuth();
        if (auth == null) {
            return null;
        }
        Secret s = secret.orElse(null);
        if (s == null || s.getData() == null || !s.getData().containsKey(auth.getKey())) {
            throw new MissingSecretException("Secret " + auth.getSecretName() + " with key " + auth.getKey()
                    + " not found in namespace " + rs.getMetadata().getNamespace());
        }
        return new String(Base64.getDecoder().decode(s.getData().get(auth.getKey())), StandardCharsets.UTF_8);
    }

    /** Hands the password read once per reconcile to the auth Secret dependent. */
    public static void put(Context<ReplicaSet> context, String password) {
        context.managedWorkflowAndDependentResourceContext().put(KEY, password == null ? "" : password);
    }

    public static String get(Context<ReplicaSet> context) {
        return context.managedWorkflowAndDependentResourceContext().getMandatory(KEY, String.class);
    }

    /** The Secret spec.auth names does not exist (yet): reported as a condition, retried. */
    public static final class MissingSecretException extends RuntimeException {
        public MissingSecretException(String message) {
            super(message);
        }
    }
}
