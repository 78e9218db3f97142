package dev.chorus.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrinterColumnOrderTest {
    static CustomResourceColumnDefinition column(String name, String path) {
        CustomResourceColumnDefinition c = new CustomResourceColumnDefinition();
        c.setName(name);
        c.setJsonPath(path);
        return c;
    }

    static List<String> names(CustomResourceDefinition crd) {
        return crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns().stream()
                .map(CustomResourceColumnDefinition::getName).toList();
    }

    @Test
    void columnsFollowTheDeclaredOrderNotTheJsonPaths() {
        // what the generator emits: sorted by JSON path, plus a column ReplicaSet does not declare
        CustomResourceDefinition crd = new CustomResourceDefinitionBuilder().withNewMetadata()
                .withName("replicasets.chorus.dev").endMetadata().withNewSpec().addNewVersion().withName("v1alpha1")
                .withAdditionalPrinterColumns(new ArrayList<>(List.of(column("Age", ".metadata.creationTimestamp"),
                        column("Master", ".status.master"), column("Other", ".status.other"),
                        column("Phase", ".status.phase"), column("Ready", ".status.ready"))))
                .endVersion().endSpec().build();
        new PrinterColumnOrder().process(crd, "v1");
        assertThat(names(crd)).containsExactly("Master", "Ready", "Phase", "Age", "Other");
    }

    @Test
    void otherCrdsAreLeftAlone() {
        CustomResourceDefinition crd = new CustomResourceDefinitionBuilder().withNewMetadata()
                .withName("others.example.com").endMetadata().withNewSpec().addNewVersion().withName("v1")
                .withAdditionalPrinterColumns(new ArrayList<>(List.of(column("B", ".b"), column("A", ".a"))))
                .endVersion().endSpec().build();
        new PrinterColumnOrder().process(crd, "v1");
        assertThat(names(crd)).containsExactly("B", "A");
    }

    @Test
    void theCommittedCrdHasTheIssuesOrder() throws Exception {
        try (InputStream in = Files.newInputStream(Path.of("../crds/replicasets.chorus.dev-v1.yml"))) {
            assertThat(names(Serialization.unmarshal(in, CustomResourceDefinition.class)))
                    .containsExactly("Master", "Ready", "Phase", "Age");
        }
    }
}
