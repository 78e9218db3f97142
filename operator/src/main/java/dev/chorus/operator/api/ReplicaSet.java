package dev.chorus.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One master and N replicas of the Chorus node (or stock Redis), kept correct through restarts, failures and upgrades.
 */
@Group("chorus.dev")
@Version("v1alpha1")
@Kind("ReplicaSet")
@ShortNames("crs")
@AdditionalPrinterColumn(name = "Master", jsonPath = ".status.master", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(value = "!has(self.spec) || !has(self.spec.master) "
        + "|| self.spec.master.startsWith(self.metadata.name + '-')",
        message = "spec.master must name one of this ReplicaSet's pods: <metadata.name>-<ordinal>")
public class ReplicaSet extends CustomResource<ReplicaSetSpec, ReplicaSetStatus> implements Namespaced {
}
