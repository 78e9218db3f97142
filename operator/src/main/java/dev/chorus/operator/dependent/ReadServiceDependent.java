package dev.chorus.operator.dependent;

import dev.chorus.operator.api.ReplicaSet;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Read-only traffic: selects the replicas. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class ReadServiceDependent extends CRUDKubernetesDependentResource<Service, ReplicaSet> {
    public ReadServiceDependent() {
        super(Service.class);
    }

    @Override
    protected Service desired(ReplicaSet rs, Context<ReplicaSet> context) {
        return ServiceFactory.build(rs, Names.readService(rs), Labels.REPLICA, false);
    }
}
