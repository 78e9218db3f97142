package dev.chorus.operator.dependent;

import dev.chorus.operator.api.ReplicaSet;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** At most one node voluntarily disrupted at a time (drains), so the master always has replicas to fail over to. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class PodDisruptionBudgetDependent extends CRUDKubernetesDependentResource<PodDisruptionBudget, ReplicaSet> {
    public PodDisruptionBudgetDependent() {
        super(PodDisruptionBudget.class);
    }

    @Override
    protected PodDisruptionBudget desired(ReplicaSet rs, Context<ReplicaSet> context) {
        return new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName(Names.pdb(rs)).withNamespace(rs.getMetadata().getNamespace())
                .withLabels(Labels.common(rs)).endMetadata()
                .withNewSpec().withMaxUnavailable(new IntOrString(1))
                .withNewSelector().withMatchLabels(Labels.selector(rs)).endSelector().endSpec()
                .build();
    }
}
