package dev.chorus.node.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.ServerProcess.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Servers a test starts as it goes (masters, replicas, sources, targets), each on a free port, all stopped by PID after
 * the test: {@code @RegisterExtension final ServerProcesses servers = new ServerProcesses("--repl-diskless-sync-delay", "0");}
 * then {@code servers.start(Kind.NODE)}. Runs after the class' own {@code @AfterEach} methods.
 */
public final class ServerProcesses implements AfterEachCallback {
    private final String[] directives;
    private final List<ServerProcess> started = new ArrayList<>();

    /** Every server started gets these {@code --name value} directives, after the ones given to {@link #start}. */
    public ServerProcesses(String... directives) {
        this.directives = directives.clone();
    }

    /** Starts a server with these directives followed by the fixture's. */
    public ServerProcess start(Kind kind, String... extra) {
        String[] all = new String[extra.length + directives.length];
        System.arraycopy(extra, 0, all, 0, extra.length);
        System.arraycopy(directives, 0, all, extra.length, directives.length);
        ServerProcess s = ServerProcess.start(kind, FreePorts.next(), null, all);
        started.add(s);
        return s;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        started.forEach(ServerProcess::close);
        started.clear();
    }

    /** REPLICAOF the master (answered +OK), then waits until the replica reports its link up. */
    public static void replicate(ServerProcess replica, ServerProcess master) {
        try (RawConnection c = replica.connect()) {
            assertThat(c.callText("REPLICAOF", "127.0.0.1", Integer.toString(master.port()))).isEqualTo("+OK\r\n");
        }
        awaitLinkUp(replica);
    }

    public static void awaitLinkUp(ServerProcess replica) {
        await("replica on port " + replica.port() + " reporting master_link_status:up")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> "up".equals(Info.field(replica, "replication", "master_link_status")));
    }
}
