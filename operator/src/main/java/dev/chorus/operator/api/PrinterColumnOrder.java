package dev.chorus.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Puts the CRD's printer columns in the order {@link ReplicaSet} declares them (`kubectl get crs`: Master, Ready,
 * Phase, Age). fabric8's generator 7.4 sorts them by JSON path and has no order attribute; quarkus-operator-sdk runs
 * this at build time ({@code quarkus.operator-sdk.crd.post-processor}). Columns not declared there keep their place
 * after the declared ones.
 */
public final class PrinterColumnOrder implements CRDPostProcessor {
    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
        if (crd instanceof CustomResourceDefinition definition
                && definition.getMetadata().getName().equals(HasMetadata.getFullResourceName(ReplicaSet.class))) {
            List<String> declared = Arrays.stream(ReplicaSet.class.getAnnotationsByType(AdditionalPrinterColumn.class))
                    .map(AdditionalPrinterColumn::name).toList();
            for (CustomResourceDefinitionVersion version : definition.getSpec().getVersions()) {
                if (version.getAdditionalPrinterColumns() != null) {
                    version.getAdditionalPrinterColumns().sort(Comparator.comparingInt(
                            (CustomResourceColumnDefinition c) -> declared.contains(c.getName())
                                    ? declared.indexOf(c.getName()) : declared.size()));
                }
            }
        }
        return crd;
    }
}
