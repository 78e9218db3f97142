package dev.chorus.e2e;

import java.io.IOException;

/**
 * Runs the local bed until stdin closes or the process is interrupted (the shutdown hook tears it down). Prints
 * {@code KUBECONFIG=<path>} once the cluster is up, for scripts such as e2e/sandbox:
 *
 * <pre>{@code java -cp <e2e classpath> dev.chorus.e2e.LocalClusterMain}</pre>
 */
public final class LocalClusterMain {
    private LocalClusterMain() {
    }

    public static void main(String[] args) throws IOException {
        LocalCluster cluster = LocalCluster.start();
        System.out.println("KUBECONFIG=" + cluster.kubeconfig());
        System.out.println("API=" + cluster.apiUrl());
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for EOF
        }
        cluster.close();
    }
}
