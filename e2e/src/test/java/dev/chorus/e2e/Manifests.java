package dev.chorus.e2e;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.List;
import java.util.Map;

/** Plain Kubernetes objects the self-tests create. */
final class Manifests {
    private Manifests() {
    }

    static Namespace namespace(String name) {
        return new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
    }

    static Service headless(String name) {
        return new ServiceBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withClusterIP("None").withSelector(Map.of("app", name))
                .addNewPort().withName("redis").withPort(6379).endPort().endSpec().build();
    }

    static Probe redisPing() {
        return new ProbeBuilder().withNewExec().withCommand("redis-cli", "ping").endExec()
                .withPeriodSeconds(1).withFailureThreshold(3).build();
    }

    static Probe tcp6379() {
        return new ProbeBuilder().withNewTcpSocket().withPort(new IntOrString("redis")).endTcpSocket()
                .withPeriodSeconds(2).withFailureThreshold(3).build();
    }

    /** A StatefulSet of real Redis 7 pods with a per-pod claim mounted at /data (the image's WORKDIR). */
    static StatefulSet redisStatefulSet(String name, String image, int replicas) {
        return new StatefulSetBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(replicas).withServiceName(name)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(5L)
                .addNewContainer().withName("redis").withImage(image)
                .withArgs("--save", "", "--appendonly", "no")
                .addNewPort().withName("redis").withContainerPort(6379).endPort()
                .withReadinessProbe(redisPing()).withLivenessProbe(tcp6379())
                .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount()
                .endContainer().endSpec().endTemplate()
                .addNewVolumeClaimTemplate().withNewMetadata().withName("data").endMetadata()
                .withNewSpec().withAccessModes(List.of("ReadWriteOnce"))
                .withNewResources().addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity("1Gi")).endResources()
                .endSpec().endVolumeClaimTemplate()
                .endSpec().build();
    }
}
