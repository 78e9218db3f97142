package dev.chorus.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImagesTest {
    final Images images = new Images(Path.of("/x/chorus-node.jar"), () -> Path.of("/x/quarkus-app"),
            "/jdk/bin/java");

    Images.Launch launch(String image, List<String> command, List<String> args) throws Images.Unavailable {
        return images.launch(image, command, args, (path, directive) -> path.equals("/etc/redis/protected.conf"));
    }

    @Test
    void repositoryIgnoresRegistryLibraryTagAndDigest() {
        assertThat(Images.repository("redis:7")).isEqualTo("redis");
        assertThat(Images.repository("docker.io/library/redis:7.2@sha256:abc")).isEqualTo("redis");
        assertThat(Images.repository("library/redis")).isEqualTo("redis");
        assertThat(Images.repository("valkey/valkey:8")).isEqualTo("valkey/valkey");
        assertThat(Images.repository("localhost:5000/redis:7")).isEqualTo("redis");
        assertThat(Images.repository("bitnami/redis:7")).isEqualTo("bitnami/redis");
    }

    @Test
    void redisImageBehavesLikeItsEntrypoint() throws Exception {
        assertThat(launch("redis:7", List.of(), List.of()).argv())
                .containsExactly("/usr/bin/redis-server", "--protected-mode", "no");
        assertThat(launch("redis:7", List.of(), List.of("/etc/redis/redis.conf", "--port", "7000")).argv())
                .containsExactly("/usr/bin/redis-server", "/etc/redis/redis.conf", "--port", "7000", "--protected-mode", "no");
        assertThat(launch("redis:7", List.of(), List.of("--protected-mode", "yes")).argv())
                .containsExactly("/usr/bin/redis-server", "--protected-mode", "yes");
        assertThat(launch("redis:7", List.of(), List.of("/etc/redis/protected.conf")).argv())
                .as("the config file sets protected-mode").containsExactly("/usr/bin/redis-server", "/etc/redis/protected.conf");
        assertThat(launch("valkey/valkey:8", List.of(), List.of("valkey-server", "--port", "1")).argv())
                .containsExactly("/usr/bin/redis-server", "--port", "1", "--protected-mode", "no");
        assertThat(launch("redis:7", List.of("sh", "-c"), List.of("echo hi")).argv()).containsExactly("sh", "-c", "echo hi");
        assertThat(launch("redis:7", List.of(), List.of()).workingDir()).isEqualTo("/data");
    }

    @Test
    void nodeImageRunsTheJar() throws Exception {
        assertThat(launch("ghcr.io/x/chorus-node:1.0", List.of(), List.of("/etc/chorus/node.conf")).argv())
                .containsExactly("/jdk/bin/java", "-XX:+UseSerialGC", "-jar", "/x/chorus-node.jar", "/etc/chorus/node.conf");
        assertThat(launch("chorus/chorus-node:dev", List.of("java", "-version"), List.of()).argv()).containsExactly("java", "-version");
    }

    @Test
    void operatorImageRunsTheQuarkusApp() throws Exception {
        Images.Launch launch = launch("ghcr.io/chorus-dev/chorus-operator:0.1.0", List.of(), List.of());
        assertThat(launch.argv()).containsExactly("/jdk/bin/java", "-XX:+UseSerialGC", "-jar", "/x/quarkus-app/quarkus-run.jar");
        assertThat(launch.workingDir()).isEqualTo("/deployments");
    }

    @Test
    void anyOtherImageCannotBePulled() {
        assertThatThrownBy(() -> launch("nginx:1.27", List.of(), List.of()))
                .isInstanceOf(Images.Unavailable.class).hasMessageContaining("cannot run image \"nginx:1.27\"");
    }
}
