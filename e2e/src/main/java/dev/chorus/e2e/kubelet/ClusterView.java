package dev.chorus.e2e.kubelet;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Map;

/** What a pod's set-up reads from the cluster (informer caches with a direct read on a miss). */
interface ClusterView {
    ConfigMap configMap(String namespace, String name);

    Secret secret(String namespace, String name);

    Map<String, Quantity> nodeAllocatable();

    /** The variables a kubelet gives every container for the {@code kubernetes} Service (in-cluster API access). */
    Map<String, String> apiServerEnv();
}
