package dev.chorus.node.command.meta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The committed command metadata is exactly what redis-server 7.0.15 reports now: a hand edit, or a generator change
 * without regenerating, fails here. (Regenerate with src/main/resources/commands/generate.sh.)
 */
class CommandDataIT {
    @Test
    void committedDataIsAFreshCaptureOfRedis() throws IOException {
        String committed;
        try (InputStream in = CommandDataIT.class.getResourceAsStream(RedisCommandData.RESOURCE)) {
            committed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (ServerProcess redis = ServerProcess.redis()) {
            assertThat(CommandDataGenerator.dump("127.0.0.1", redis.port())).isEqualTo(committed);
        }
        assertThat(RedisCommandData.parse(committed).redisVersion()).isEqualTo("7.0.15");
    }
}
