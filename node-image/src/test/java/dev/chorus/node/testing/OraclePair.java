package dev.chorus.node.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real redis-server (the oracle) and a node, started once for a test class and stopped by PID after it:
 * {@code @RegisterExtension static final OraclePair servers = new OraclePair();}.
 */
public final class OraclePair implements BeforeAllCallback, AfterAllCallback {
    private final String[] directives;
    private ServerProcess redis;
    private ServerProcess node;

    /** Both servers get the same extra {@code --name value} directives. */
    public OraclePair(String... directives) {
        this.directives = directives.clone();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        redis = ServerProcess.redis(directives);
        node = ServerProcess.node(directives);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (redis != null) {
            redis.close();
        }
        if (node != null) {
            node.close();
        }
    }

    public ServerProcess redis() {
        return redis;
    }

    public ServerProcess node() {
        return node;
    }

    /** The server of that kind, for tests parameterized over {@link ServerProcess.Kind}. */
    public ServerProcess get(ServerProcess.Kind kind) {
        return kind == ServerProcess.Kind.REDIS ? redis : node;
    }

    /** Runs the scenario against Redis, then the node: what every connection received must be the same bytes. */
    public void assertSameTranscripts(TranscriptSession.Scenario scenario) {
        List<String> expected = TranscriptSession.transcript(redis, scenario);
        List<String> actual = TranscriptSession.transcript(node, scenario);
        assertThat(actual).as("node transcript (redis: %s)", expected).isEqualTo(expected);
    }
}
