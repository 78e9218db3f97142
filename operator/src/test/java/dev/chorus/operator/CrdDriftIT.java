package dev.chorus.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * crds/ holds the CRD the build generates from the API types, committed so users can apply it without building.
 * It is never edited by hand: this check fails the build when the two drift apart.
 */
class CrdDriftIT {
    @Test
    void theCommittedCrdIsExactlyWhatTheBuildGenerates() throws IOException {
        Path generated = Path.of(System.getProperty("chorus.generated.crd"));
        Path committed = Path.of(System.getProperty("chorus.committed.crd"));
        assertThat(Files.readString(committed))
                .as("crds/ is out of date: run scripts/update-crds and commit the result")
                .isEqualTo(Files.readString(generated));
    }
}
