package dev.chorus.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.e2e.kubelet.OciImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every image that manifests/ or the CRD names is one this build makes: the names come from the parent pom's
 * image.* properties, and with {@code -Pimages} the tarballs the build wrote carry exactly those names.
 */
class ImageNamesIT {
    static final String NODE = System.getProperty("chorus.image.node");
    static final String OPERATOR = System.getProperty("chorus.image.operator");
    static final Pattern IMAGE = Pattern.compile("^[ \\t]*(?:-[ \\t]+)?image:[ \\t]*\"?([^\"\\s#]+)\"?", Pattern.MULTILINE);
    static final Pattern CRD_DEFAULT = Pattern.compile("image:\\s*\\n\\s*default:\\s*\"([^\"]+)\"");

    /** image: fields of manifests/ (the sample too) and the CRD's spec.image default. */
    static List<String> namedImages() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of(System.getProperty("chorus.manifests.dir")))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).toList()) {
                Matcher m = IMAGE.matcher(Files.readString(f));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        Matcher d = CRD_DEFAULT.matcher(Files.readString(Path.of(System.getProperty("chorus.committed.crd"))));
        assertThat(d.find()).as("the CRD has a spec.image default").isTrue();
        names.add(d.group(1));
        return names;
    }

    @Test
    void manifestsAndTheCrdNameOnlyTheImagesOfThisBuild() throws IOException {
        List<String> named = namedImages();
        assertThat(named).contains(NODE, OPERATOR);
        assertThat(named).as("images named in manifests/ and crds/ (scripts/update-crds rewrites them from the pom)")
                .allMatch(n -> n.equals(NODE) || n.equals(OPERATOR));
    }

    @Test
    void theBuildsTarballsCarryEveryNamedImage() throws IOException {
        String nodeTar = System.getProperty("chorus.image.node.tar");
        String operatorTar = System.getProperty("chorus.image.operator.tar");
        Assumptions.assumeTrue(Files.isRegularFile(Path.of(nodeTar)) && Files.isRegularFile(Path.of(operatorTar)),
                "the image tarballs are not built (mvn -Pimages package)");
        Map<String, OciImage> built = OciImage.byName(nodeTar + "," + operatorTar);
        assertThat(new TreeSet<>(built.keySet())).containsExactlyInAnyOrder(NODE, OPERATOR);
        assertThat(built.keySet()).containsAll(namedImages());
        // what users run: non-root, the OCI labels, the SBOM inside
        for (OciImage img : built.values()) {
            assertThat(img.user()).isEqualTo("65532:65532");
            assertThat(img.labels()).containsKeys("org.opencontainers.image.source", "org.opencontainers.image.version",
                    "org.opencontainers.image.revision", "dev.chorus.sbom");
        }
    }
}
