package dev.chorus.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** client-output-buffer-limit: a setting names some classes, the others keep their values, as in Redis. */
class OutputBufferLimitsTest {
    @TempDir
    Path dir;

    @Test
    void setKeepsTheClassesItDoesNotName() throws ConfigException {
        Config c = new Config();
        c.set(Directives.CLIENT_OUTPUT_BUFFER_LIMIT, "pubsub 1mb 0 0");
        c.set(Directives.CLIENT_OUTPUT_BUFFER_LIMIT, "replica 1gb 2kb 5 normal 1 2 3");
        assertThat(c.format(Directives.CLIENT_OUTPUT_BUFFER_LIMIT))
                .isEqualTo("normal 1 2 3 slave 1073741824 2048 5 pubsub 1048576 0 0");
        var limits = (OutputBufferLimits) c.get(Directives.CLIENT_OUTPUT_BUFFER_LIMIT);
        assertThat(limits.limit(OutputBufferLimits.PUBSUB)).isEqualTo(new OutputBufferLimits.Limit(1048576, 0, 0));
    }

    @Test
    void badSettingsChangeNothing() throws ConfigException {
        Config c = new Config();
        assertThatThrownBy(() -> c.set(Directives.CLIENT_OUTPUT_BUFFER_LIMIT, "pubsub 1 1 1 normal 1x 1 1"))
                .hasMessage("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
        assertThatThrownBy(() -> c.set(Directives.CLIENT_OUTPUT_BUFFER_LIMIT, "master 1 1 1"))
                .hasMessage("Invalid client class specified in buffer limit configuration.");
        assertThat(c.format(Directives.CLIENT_OUTPUT_BUFFER_LIMIT)).isEqualTo(OutputBufferLimits.DEFAULT_TEXT);
    }

    @Test
    void configFileLinesAddUpAndRewriteWritesOneLinePerChangedClass() throws Exception {
        Path file = dir.resolve("node.conf");
        Files.writeString(file, "client-output-buffer-limit pubsub 64mb 16mb 90\n"
                + "client-output-buffer-limit \"normal 1gb 0 0\"\n");
        Config c = Config.load(file, List.of());
        assertThat(c.format(Directives.CLIENT_OUTPUT_BUFFER_LIMIT))
                .isEqualTo("normal 1073741824 0 0 slave 268435456 67108864 60 pubsub 67108864 16777216 90");
        c.rewrite();
        assertThat(Files.readString(file)).isEqualTo("client-output-buffer-limit normal 1gb 0 0\n"
                + "client-output-buffer-limit pubsub 64mb 16mb 90\n");
    }
}
