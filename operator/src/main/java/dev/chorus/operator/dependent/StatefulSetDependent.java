package dev.chorus.operator.dependent;

import dev.chorus.operator.api.PodOverrides;
import dev.chorus.operator.api.ReplicaSet;
import dev.chorus.operator.api.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pods, as a StatefulSet with the OnDelete update strategy: stable names and per-pod claims come from the
 * StatefulSet controller, while the operator decides when each pod restarts (replicas first, the master last, after
 * a switchover). Each pod reads its own file from the config ConfigMap, chosen by its name.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class StatefulSetDependent extends CRUDKubernetesDependentResource<StatefulSet, ReplicaSet> {
    public StatefulSetDependent() {
        super(StatefulSet.class);
    }

    @Override
    protected StatefulSet desired(ReplicaSet rs, Context<ReplicaSet> context) {
        ReplicaSetSpec spec = rs.getSpec();
        PodOverrides pod = spec.getPod();
        boolean persistent = Boolean.TRUE.equals(spec.getPersistence().getEnabled());
        Map<String, String> podLabels = new LinkedHashMap<>(pod.getLabels());
        podLabels.putAll(Labels.common(rs));

        List<Volume> volumes = new ArrayList<>();
        List<VolumeMount> mounts = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName("config").withNewConfigMap().withName(Names.configMap(rs))
                .endConfigMap().build());
        mounts.add(new VolumeMountBuilder().withName("config").withMountPath(NodeConfig.CONFIG_DIR).withReadOnly(true)
                .build());
        if (spec.getAuth() != null) {
            volumes.add(new VolumeBuilder().withName("auth").withNewSecret().withSecretName(Names.authSecret(rs))
                    // 0444: the node image runs as a non-root user (65532) and the kubelet's files are root's; 0400
                    // would be unreadable to it (and to redis:7 after it drops to its redis user)
                    .withDefaultMode(0444).endSecret().build());
            mounts.add(new VolumeMountBuilder().withName("auth").withMountPath(NodeConfig.AUTH_DIR).withReadOnly(true)
                    .build());
        }
        if (!persistent) {
            volumes.add(new VolumeBuilder().withName("data").withNewEmptyDir().endEmptyDir().build());
        }
        mounts.add(new VolumeMountBuilder().withName("data").withMountPath(NodeConfig.DATA_DIR).build());

        var container = new ContainerBuilder()
                .withName("node")
                .withImage(spec.getImage())
                .withArgs(NodeConfig.CONFIG_DIR + "/$(POD_NAME).conf")
                // A node that exits on a bad config file says why in its log: that becomes the termination message
                // (lastState.terminated.message), which the operator reports as Degraded/InvalidConfig.
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withEnv(new EnvVarBuilder().withName("POD_NAME").withNewValueFrom().withNewFieldRef()
                        .withFieldPath("metadata.name").endFieldRef().endValueFrom().build())
                .addNewPort().withName("redis").withContainerPort(spec.getPort()).endPort()
                .withNewReadinessProbe().withNewTcpSocket().withPort(new IntOrString(spec.getPort())).endTcpSocket()
                .withPeriodSeconds(2).withFailureThreshold(2).endReadinessProbe()
                .withNewLivenessProbe().withNewTcpSocket().withPort(new IntOrString(spec.getPort())).endTcpSocket()
                .withInitialDelaySeconds(10).withPeriodSeconds(5).withFailureThreshold(6).endLivenessProbe()
                .withVolumeMounts(mounts)
                .withResources(spec.getResources())
                .build();

        var builder = new StatefulSetBuilder()
                .withNewMetadata().withName(Names.statefulSet(rs)).withNamespace(rs.getMetadata().getNamespace())
                .withLabels(Labels.common(rs)).endMetadata()
                .withNewSpec()
                .withReplicas(PlanContext.podCount(rs, PlanContext.get(context)))
                .withServiceName(Names.headlessService(rs))
                .withPodManagementPolicy("Parallel")
                .withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy()
                .withNewSelector().withMatchLabels(Labels.selector(rs)).endSelector()
                .withNewTemplate()
                .withNewMetadata().withLabels(podLabels).withAnnotations(pod.getAnnotations()).endMetadata()
                .withNewSpec()
                .withContainers(container)
                .withVolumes(volumes)
                .withAffinity(pod.getAffinity())
                .withTolerations(pod.getTolerations())
                .withNodeSelector(pod.getNodeSelector())
                .withTopologySpreadConstraints(pod.getTopologySpreadConstraints())
                .withPriorityClassName(pod.getPriorityClassName())
                .withTerminationGracePeriodSeconds(30L)
                .endSpec()
                .endTemplate()
                .endSpec();
        if (persistent) {
            builder.editSpec().addToVolumeClaimTemplates(new PersistentVolumeClaimBuilder()
                    .withNewMetadata().withName("data").withLabels(Labels.common(rs)).endMetadata()
                    .withNewSpec().withAccessModes("ReadWriteOnce")
                    .withStorageClassName(spec.getPersistence().getStorageClassName())
                    .withNewResources().addToRequests("storage", new Quantity(spec.getPersistence().getSize()))
                    .endResources().endSpec().build()).endSpec();
        }
        return builder.build();
    }
}
