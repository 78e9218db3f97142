package dev.chorus.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chorus.e2e.support.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A docker-save tarball made here with tar: names, config, Kubernetes' command/args rules and unpacking. */
class OciImageTest {
    @TempDir
    Path tmp;

    /** Two layers: the second deletes /etc/old (whiteout) and adds /app/run. */
    private Path image() throws IOException {
        Path l1 = tmp.resolve("l1");
        Files.createDirectories(l1.resolve("etc"));
        Files.writeString(l1.resolve("etc/old"), "old");
        Files.writeString(l1.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n");
        Path l2 = tmp.resolve("l2");
        Files.createDirectories(l2.resolve("etc"));
        Files.createDirectories(l2.resolve("app"));
        Files.writeString(l2.resolve("etc/.wh.old"), "");
        Files.writeString(l2.resolve("app/run"), "run");
        Path img = tmp.resolve("img");
        Files.createDirectories(img);
        Shell.check("tar", "-C", l1.toString(), "-czf", img.resolve("l1.tar.gz").toString(), ".");
        Shell.check("tar", "-C", l2.toString(), "-cf", img.resolve("l2.tar").toString(), ".");
        Files.writeString(img.resolve("cfg.json"), "{\"config\":{\"User\":\"app\",\"Env\":[\"PATH=/app\",\"A=1\"],"
                + "\"Entrypoint\":[\"/app/run\",\"-x\"],\"Cmd\":[\"serve\"],\"WorkingDir\":\"/work\"}}");
        Files.writeString(img.resolve("manifest.json"),
                "[{\"Config\":\"cfg.json\",\"RepoTags\":[\"example.org/app:1\"],\"Layers\":[\"l1.tar.gz\",\"l2.tar\"]}]");
        Path tar = tmp.resolve("app.tar");
        Shell.check("tar", "-C", img.toString(), "-cf", tar.toString(), "manifest.json", "cfg.json", "l1.tar.gz", "l2.tar");
        return tar;
    }

    @Test
    void readsTheConfigAndUnpacksTheLayersInOrderWithWhiteouts() throws IOException {
        OciImage img = OciImage.read(image());
        assertThat(img.names()).containsExactly("example.org/app:1");
        assertThat(img.entrypoint()).containsExactly("/app/run", "-x");
        assertThat(img.cmd()).containsExactly("serve");
        assertThat(img.env()).containsExactly("PATH=/app", "A=1");
        assertThat(img.workingDir()).isEqualTo("/work");
        Path rootfs = img.rootfs(tmp.resolve("cache"));
        assertThat(rootfs.resolve("app/run")).hasContent("run");
        assertThat(rootfs.resolve("etc/old")).doesNotExist();
        assertThat(rootfs.resolve("etc/.wh.old")).doesNotExist();
        assertThat(img.rootfs(tmp.resolve("cache"))).isEqualTo(rootfs); // cached per config digest
        assertThat(ImageUser.home(img, 1000, tmp.resolve("cache"))).isEqualTo("/home/app");
        assertThat(ImageUser.resolve(img, new io.fabric8.kubernetes.api.model.Container(), null, tmp.resolve("cache")))
                .containsExactly(1000L, 1001L);
    }

    @Test
    void commandReplacesTheEntrypointAndArgsReplaceCmd() throws Exception {
        Path tar = image();
        Images images = new Images(Path.of("/x/chorus-node.jar"), () -> Path.of("/x/app"), "/jdk/bin/java",
                OciImage.byName(tar.toString()));
        assertThat(images.launch("example.org/app:1", List.of(), List.of(), (f, d) -> false).argv())
                .containsExactly("/app/run", "-x", "serve");
        assertThat(images.launch("example.org/app:1", List.of(), List.of("other"), (f, d) -> false).argv())
                .containsExactly("/app/run", "-x", "other");
        assertThat(images.launch("example.org/app:1", List.of("sh"), List.of(), (f, d) -> false).argv())
                .containsExactly("sh");
        assertThat(images.launch("example.org/app:1", List.of(), List.of(), (f, d) -> false).image()).isNotNull();
        assertThatThrownBy(() -> images.launch("example.org/app:2", List.of(), List.of(), (f, d) -> false))
                .isInstanceOf(Images.Unavailable.class);
    }
}
