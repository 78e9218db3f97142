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
    private static final String IN_FLIGHT_KEY = "chorus.password.in-flight";

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

    /**
     * The password the nodes were configured with: the one in our rendered auth Secret ({@code ours}, from the
     * dependent's informer), which changes only once a rotation has completed; null when it does not exist yet.
     */
    public static String applied(Optional<Secret> ours) {
        Secret s = ours.orElse(null);
        if (s == null || s.getData() == null || !s.getData().containsKey(NodeConfig.AUTH_FILE)) {
            return null;
        }
        return NodeConfig.parseAuth(new String(Base64.getDecoder().decode(s.getData().get(NodeConfig.AUTH_FILE)),
                StandardCharsets.UTF_8));
    }

    /**
     * The passwords rotations were heading to and not yet applied (latest last), from our rendered auth Secret: a node
     * may have any of them, so the operator keeps them until a rotation completes. Empty when none.
     */
    public static java.util.List<String> inFlight(Optional<Secret> ours) {
        Secret s = ours.orElse(null);
        if (s == null || s.getData() == null || !s.getData().containsKey(NodeConfig.IN_FLIGHT_FILE)) {
            return java.util.List.of();
        }
        String json = new String(Base64.getDecoder().decode(s.getData().get(NodeConfig.IN_FLIGHT_FILE)),
                StandardCharsets.UTF_8);
        return java.util.List.of(io.fabric8.kubernetes.client.utils.Serialization.unmarshal(json, String[].class));
    }

    /**
     * A fingerprint of {@code password} for status: the first 16 hex digits of SHA-256 over the ReplicaSet's UID and
     * the password (salted per ReplicaSet, so equal passwords of two sets do not look alike, and short).
     */
    public static String fingerprint(ReplicaSet rs, String password) {
        if (password == null) {
            return null;
        }
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest((rs.getMetadata().getUid() + "\n"
                    + password).getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Hands the password to render into the auth Secret to its dependent: the one the nodes use, which during a
     * rotation is the previous one until every node has switched.
     */
    public static void put(Context<ReplicaSet> context, String password) {
        put(context, password, java.util.List.of());
    }

    /** As {@link #put(Context, String)}, with the passwords a rotation in flight heads to (kept beside auth.conf). */
    public static void put(Context<ReplicaSet> context, String password, java.util.List<String> inFlight) {
        context.managedWorkflowAndDependentResourceContext().put(KEY, password == null ? "" : password);
        context.managedWorkflowAndDependentResourceContext().put(IN_FLIGHT_KEY, java.util.List.copyOf(inFlight));
    }

    @SuppressWarnings("unchecked")
    public static java.util.List<String> getInFlight(Context<ReplicaSet> context) {
        return context.managedWorkflowAndDependentResourceContext().get(IN_FLIGHT_KEY, java.util.List.class)
                .orElse(java.util.List.of());
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
