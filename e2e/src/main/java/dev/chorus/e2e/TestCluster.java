package dev.chorus.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;

/**
 * A Kubernetes cluster for tests, written against once: the local process bed ({@link LocalCluster}) or k3s in a
 * container ({@link K3sCluster}). Fault injection a cluster can't do throws {@link UnsupportedOperationException}
 * saying so.
 */
public interface TestCluster extends AutoCloseable {
    /** "local" or "k3s". */
    String kind();

    /** A client with cluster-admin rights (group system:masters). Owned by the cluster: don't close it. */
    KubernetesClient admin();

    /**
     * A client that acts as the ServiceAccount {@code namespace/name} (impersonation: user
     * {@code system:serviceaccount:<ns>:<name>}, its groups), so requests get exactly that account's RBAC rights.
     * Owned by the cluster: don't close it.
     */
    KubernetesClient impersonating(String namespace, String serviceAccount);

    /** A kubeconfig file for the admin (for kubectl or an operator started as a process). */
    Path kubeconfig();

    /** The image name that runs the Chorus node (the local bed runs node-image/target/chorus-node.jar for it). */
    String nodeImage();

    /** The image name that runs real Redis 7. */
    String redisImage();

    /** SIGKILLs the pod's first container; the kubelet restarts it according to the pod's restartPolicy. */
    default void killContainer(String namespace, String pod) {
        killContainer(namespace, pod, null);
    }

    void killContainer(String namespace, String pod, String container);

    /** Deletes the pod through the API with its normal grace period. */
    default void deletePod(String namespace, String pod) {
        admin().pods().inNamespace(namespace).withName(pod).delete();
    }

    /** Cuts the pod off the network and stops reporting its status; its processes keep running. */
    void partition(String namespace, String pod);

    /** Undoes {@link #partition}. */
    void heal(String namespace, String pod);

    /** stdout+stderr of the pod's first container's current run. */
    default String logs(String namespace, String pod) {
        return logs(namespace, pod, null);
    }

    String logs(String namespace, String pod, String container);

    /** Stops everything the cluster started. Idempotent. */
    @Override
    void close();
}
