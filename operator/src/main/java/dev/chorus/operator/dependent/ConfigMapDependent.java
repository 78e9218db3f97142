package dev.chorus.operator.dependent;

import dev.chorus.operator.api.ReplicaSet;
import dev.chorus.operator.topology.ReplicationPlan;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.LinkedHashMap;
import java.util.Map;

/** One config file per pod (key "<pod>.conf"), rendered from the spec and the recorded master. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class ConfigMapDependent extends CRUDKubernetesDependentResource<ConfigMap, ReplicaSet> {
    public ConfigMapDependent() {
        super(ConfigMap.class);
    }

    @Override
    protected ConfigMap desired(ReplicaSet rs, Context<ReplicaSet> context) {
        ReplicationPlan plan = PlanContext.get(context);
        String master = plan.master() != null ? plan.master() : Names.pod(rs, 0);
        String masterAddress = plan.masterAddress() != null ? plan.masterAddress()
                : NodeConfig.masterDnsName(rs, master);
        Map<String, String> data = new LinkedHashMap<>();
        for (int i = 0; i < PlanContext.podCount(rs, plan); i++) {
            String pod = Names.pod(rs, i);
            boolean isMaster = pod.equals(master);
            data.put(NodeConfig.key(pod), NodeConfig.render(rs, pod, isMaster, isMaster ? null : masterAddress,
                    PlanContext.configRefused(context)));
        }
        return new ConfigMapBuilder()
                .withNewMetadata().withName(Names.configMap(rs)).withNamespace(rs.getMetadata().getNamespace())
                .withLabels(Labels.common(rs)).endMetadata()
                .withData(data)
                .build();
    }
}
