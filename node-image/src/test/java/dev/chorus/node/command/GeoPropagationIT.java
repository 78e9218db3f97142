package dev.chorus.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.OraclePair;
import dev.chorus.node.testing.ReplicationStream;
import dev.chorus.node.testing.ServerProcess;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the geo commands put on the replication stream, read by a replica connection (SYNC) on redis-server and on
 * the node and compared: GEOADD goes out as the ZADD it was rewritten into (lowercase "zadd", options kept, scores
 * as integers), only when it changed something; the STORE variants go out as they were received, also when they only
 * deleted the destination; read-only searches send nothing; inside MULTI the same, wrapped in MULTI/EXEC.
 */
class GeoPropagationIT {
    @RegisterExtension
    static final OraclePair servers = new OraclePair();

    private static final String[][] COMMANDS = {
        {"GEOADD", "pk", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"},
        {"GEOADD", "pk", "13.361389", "38.115556", "Palermo"},
        {"GEOADD", "pk", "xx", "ch", "13.4", "38.115556", "Palermo"},
        {"GEOADD", "pk", "nx", "13.4", "38.1", "Palermo", "1", "1", "new"},
        {"GEOADD", "pk", "CH", "NX", "2", "2", "new2"},
        {"GEOADD", "pk", "200", "2", "bad"},
        {"GEORADIUS", "pk", "15", "37", "200", "km"},
        {"GEORADIUS_RO", "pk", "15", "37", "200", "km"},
        {"GEOSEARCH", "pk", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"},
        {"GEORADIUS", "pk", "15", "37", "200", "km", "store", "pdst"},
        {"GEOSEARCHSTORE", "pdst2", "pk", "fromlonlat", "15", "37", "byradius", "200", "km", "storedist"},
        {"GEORADIUS", "pk", "15", "37", "1", "km", "store", "pdst"},
        {"GEORADIUS", "nokey", "15", "37", "1", "km", "store", "pdst2"},
        {"GEORADIUS", "nokey", "15", "37", "1", "km", "store", "pdst2"},
        {"GEORADIUSBYMEMBER", "pk", "Palermo", "100", "km", "storedist", "pdst3"},
        {"MULTI"},
        {"GEOADD", "pk", "3", "3", "m3"},
        {"GEORADIUS", "pk", "15", "37", "200", "km", "store", "pdst4"},
        {"GEOADD", "pk", "3", "3", "m3"},
        {"EXEC"},
    };

    @Test
    void replicationStreamIsRedis() throws IOException {
        List<String> redis = stream(servers.redis());
        List<String> node = stream(servers.node());
        assertThat(redis).as("redis-server's stream").anyMatch(c -> c.startsWith("zadd pk xx ch "))
                .anyMatch(c -> c.startsWith("GEOSEARCHSTORE pdst2 pk"));
        assertThat(node).isEqualTo(redis);
    }

    /** The commands COMMANDS put on the replication stream. */
    private static List<String> stream(ServerProcess server) throws IOException {
        return ReplicationStream.commands(server, c -> {
            for (String[] command : COMMANDS) {
                c.call(command);
            }
        });
    }
}
