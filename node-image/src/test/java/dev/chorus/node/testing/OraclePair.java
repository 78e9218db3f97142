package dev.chorus.node.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real redis-server (the oracle) and a node, started once for a test class and stopped by PID after it:
 * {@code @RegisterExtension static final OraclePair servers = new OraclePair();}.
 */
public final class OraclePair implements BeforeAllCallback, AfterAllCallback {
    private ServerProcess redis;
    private ServerProcess node;

    @Override
    public void beforeAll(ExtensionContext context) {
        redis = ServerProcess.redis();
        node = ServerProcess.node();
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
}
