package dev.chorus.operator.nodeclient;

import dev.chorus.operator.topology.NodeState;
import dev.chorus.operator.topology.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Commands to the nodes of one ReplicaSet (Chorus node or stock Redis) over long-lived connections, one per node,
 * opened with the ReplicaSet's current password and reopened after a failure. Observing is the
 * {@link NodePollingSource}'s job; this tells nodes whom to follow, pauses and resumes writes, and sets config.
 */
public final class NodeClient implements AutoCloseable {
    private final String password;
    private final Map<String, NodeConnection> connections = new ConcurrentHashMap<>();

    NodeClient(String password) {
        this.password = password;
    }

    String password() {
        return password;
    }

    private NodeConnection connection(String ip, int port) {
        return connections.computeIfAbsent(ip + ":" + port, k -> new NodeConnection(ip, port, password));
    }

    /** Closes connections to addresses no pod has any more. */
    void retain(java.util.Set<String> addresses) {
        connections.entrySet().removeIf(e -> {
            if (addresses.contains(e.getKey())) {
                return false;
            }
            e.getValue().close();
            return true;
        });
    }

    /** REPLICAOF host port. */
    public void follow(String ip, int port, String masterHost, int masterPort) {
        connection(ip, port).call(j -> j.replicaof(masterHost, masterPort));
    }

    /** REPLICAOF NO ONE: the node keeps its data and becomes a master. */
    public void promote(String ip, int port) {
        connection(ip, port).call(Jedis::replicaofNoOne);
    }

    /**
     * CLIENT PAUSE millis WRITE, then the node's replication offset: clients' writes wait (they do not fail) and the
     * offset stays put from here on, so a successor can be judged against it exactly. The pause ends by itself after
     * {@code millis} should the operator die.
     *
     * @return the paused node's replication offset
     */
    public long pauseWrites(String ip, int port, long millis) {
        return connection(ip, port).call(j -> {
            j.clientPause(millis, ClientPauseMode.WRITE);
            return offset(parseInfo(j.info("replication")));
        });
    }

    /** CLIENT UNPAUSE: waiting clients go on (on a demoted master their writes now get READONLY). */
    public void unpause(String ip, int port) {
        connection(ip, port).call(Jedis::clientUnpause);
    }

    /**
     * Applies directives at run time (CONFIG SET) where the node's value differs. Returns the names it could not set
     * (immutable at run time: those take effect when the pod restarts with its rendered file). Throws
     * {@link ConfigRejected} when the node refuses a value (the directives after it are not sent).
     */
    public List<String> applyConfig(String ip, int port, Map<String, String> wanted) {
        return connection(ip, port).call(j -> {
            List<String> notApplied = new ArrayList<>();
            for (Map.Entry<String, String> e : wanted.entrySet()) {
                Map<String, String> current = j.configGet(e.getKey());
                if (e.getValue().equals(current.get(e.getKey()))) {
                    continue;
                }
                try {
                    j.configSet(e.getKey(), e.getValue());
                } catch (JedisDataException ex) {
                    String m = String.valueOf(ex.getMessage());
                    boolean refused = m.startsWith("ERR CONFIG SET failed") || m.startsWith("ERR Unknown option");
                    if (refused && !m.contains("immutable config") && !m.contains("protected config")) {
                        throw new ConfigRejected(e.getKey(), e.getValue(), m); // the node refuses the value itself
                    }
                    if (!refused) {
                        throw ex; // not about the value (LOADING, NOAUTH...): this round did not apply it
                    }
                    notApplied.add(e.getKey());
                }
            }
            return notApplied;
        });
    }

    @Override
    public void close() {
        connections.values().forEach(NodeConnection::close);
        connections.clear();
    }

    /** ROLE, INFO replication and DBSIZE over {@code c}; unreachable when any of them fails. */
    static NodeState observe(NodeConnection c, NodeTarget t) {
        try {
            return c.call(j -> {
                Map<String, String> info = parseInfo(j.info("replication"));
                long keys = j.dbSize();
                boolean master = "master".equals(info.get("role"));
                return new NodeState(t.pod(), t.ordinal(), t.ip(), t.podReady(), master ? Role.MASTER : Role.REPLICA,
                        master ? null : info.get("master_host"), (int) parseLong(info.get("master_port"), 0),
                        "up".equals(info.get("master_link_status")), offset(info), info.get("master_replid"), keys,
                        (int) parseLong(info.get("slave_priority"), 100));
            });
        } catch (JedisException | IllegalStateException e) {
            return NodeState.unreachable(t.pod(), t.ordinal(), t.ip(), t.podReady());
        }
    }

    private static long offset(Map<String, String> info) {
        boolean master = "master".equals(info.get("role"));
        return parseLong(info.get(master ? "master_repl_offset" : "slave_repl_offset"),
                parseLong(info.get("master_repl_offset"), 0));
    }

    /** A node refused a spec.config value at CONFIG SET (its error says why). */
    public static final class ConfigRejected extends RuntimeException {
        public final String directive;
        public final String value;

        public ConfigRejected(String directive, String value, String nodeError) {
            super(nodeError);
            this.directive = directive;
            this.value = value;
        }
    }

    static Map<String, String> parseInfo(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    private static long parseLong(String s, long fallback) {
        if (s == null) {
            return fallback;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
