package dev.chorus.operator.dependent;

import dev.chorus.operator.api.ReplicaSet;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Stable DNS names for the pods (publishes not-ready pods too). */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class HeadlessServiceDependent extends CRUDKubernetesDependentResource<Service, ReplicaSet> {
    public HeadlessServiceDependent() {
        super(Service.class);
    }

    @Override
    protected Service desired(ReplicaSet rs, Context<ReplicaSet> context) {
        return ServiceFactory.build(rs, Names.headlessService(rs), null, true);
    }
}
