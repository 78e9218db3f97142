package dev.chorus.e2e.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the Chorus checkout (for e2e/kube/build.sh, the node jar and the operator app). */
public final class RepoPaths {
    private RepoPaths() {
    }

    /** {@code chorus.repo.dir}, else the nearest ancestor of the working directory holding e2e/kube/build.sh. */
    public static Path root() {
        String prop = System.getProperty("chorus.repo.dir");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("e2e/kube/build.sh"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the Chorus checkout (no e2e/kube/build.sh above "
                + Path.of("").toAbsolutePath() + "); set -Dchorus.repo.dir");
    }

    /** {@code chorus.node.jar}, else {@code <repo>/node-image/target/chorus-node.jar}. */
    public static Path nodeJar() {
        String prop = System.getProperty("chorus.node.jar");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        return root().resolve("node-image/target/chorus-node.jar");
    }

    /** {@code chorus.operator.app}, else {@code <repo>/operator/target/quarkus-app} (built by {@code mvn package}). */
    public static Path operatorApp() {
        String prop = System.getProperty("chorus.operator.app");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        return root().resolve("operator/target/quarkus-app");
    }
}
