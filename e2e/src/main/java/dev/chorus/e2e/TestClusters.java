package dev.chorus.e2e;

import java.util.Locale;

/**
 * Picks the cluster implementation: system property {@code chorus.e2e.cluster} or environment
 * {@code CHORUS_E2E_CLUSTER}, {@code local} (default) or {@code k3s}.
 */
public final class TestClusters {
    private TestClusters() {
    }

    public static String requestedKind() {
        String kind = System.getProperty("chorus.e2e.cluster");
        if (kind == null || kind.isBlank()) {
            kind = System.getenv("CHORUS_E2E_CLUSTER");
        }
        return kind == null || kind.isBlank() ? "local" : kind.strip().toLowerCase(Locale.ROOT);
    }

    /** Why the requested cluster can't run here, or null if it can. */
    public static String unavailableReason() {
        return switch (requestedKind()) {
            case "local" -> null;
            case "k3s" -> K3sCluster.available() ? null
                    : "chorus.e2e.cluster=k3s but Testcontainers found no container engine (Docker or compatible); "
                            + "run with the local bed instead (the default)";
            default -> "unknown chorus.e2e.cluster '" + requestedKind() + "' (use local or k3s)";
        };
    }

    public static TestCluster start() {
        String why = unavailableReason();
        if (why != null) {
            throw new IllegalStateException(why);
        }
        return requestedKind().equals("k3s") ? K3sCluster.start() : LocalCluster.start();
    }
}
