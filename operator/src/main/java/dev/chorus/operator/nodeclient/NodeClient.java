package dev.chorus.operator.nodeclient;

import dev.chorus.operator.topology.NodeState;
import dev.chorus.operator.topology.Role;
import java.util.LinkedHashMap;
import java.util.Map;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.args.ClientPauseMode;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Talks RESP to one node (Chorus node or stock Redis): reads its role and replication position, and tells it whom to
 * follow. Short timeouts: an unreachable node must not stall the reconcile loop.
 */
public final class NodeClient {
    /** Connect quickly or call the node unreachable: a partitioned master must not hold up a failover. */
    private static final int CONNECT_TIMEOUT_MILLIS = 1000;
    private static final int TIMEOUT_MILLIS = 2000;

    private final String password;

    public NodeClient(String password) {
        this.password = password;
    }

    private Jedis connect(String host, int port) {
        JedisClientConfig config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(CONNECT_TIMEOUT_MILLIS)
                .socketTimeoutMillis(TIMEOUT_MILLIS)
                .password(password == null || password.isEmpty() ? null : password)
                .clientName("chorus-operator")
                .build();
        return new Jedis(new HostAndPort(host, port), config);
    }

    /** ROLE, INFO replication and DBSIZE of the node at {@code ip:port}; unreachable when any of them fails. */
    public NodeState observe(String pod, int ordinal, String ip, int port, boolean podReady) {
        if (ip == null) {
            return NodeState.unreachable(pod, ordinal, null, podReady);
        }
        try (Jedis j = connect(ip, port)) {
            Map<String, String> info = parseInfo(j.info("replication"));
            long keys = j.dbSize();
            boolean master = "master".equals(info.get("role"));
            long offset = parseLong(info.get(master ? "master_repl_offset" : "slave_repl_offset"),
                    parseLong(info.get("master_repl_offset"), 0));
            return new NodeState(pod, ordinal, ip, podReady, master ? Role.MASTER : Role.REPLICA,
                    master ? null : info.get("master_host"), (int) parseLong(info.get("master_port"), 0),
                    "up".equals(info.get("master_link_status")), offset, info.get("master_replid"), keys,
                    (int) parseLong(info.get("slave_priority"), 100));
        } catch (JedisException | IllegalStateException e) {
            return NodeState.unreachable(pod, ordinal, ip, podReady);
        }
    }

    /** REPLICAOF host port. */
    public void follow(String ip, int port, String masterHost, int masterPort) {
        try (Jedis j = connect(ip, port)) {
            j.replicaof(masterHost, masterPort);
        }
    }

    /** REPLICAOF NO ONE: the node keeps its data and becomes a master. */
    public void promote(String ip, int port) {
        try (Jedis j = connect(ip, port)) {
            j.replicaofNoOne();
        }
    }

    /**
     * CLIENT PAUSE millis WRITE: clients' writes wait (they do not fail) and the master's offset stays put, so a
     * switchover target can catch up exactly. The pause ends by itself after {@code millis} should the operator die.
     */
    public void pauseWrites(String ip, int port, long millis) {
        try (Jedis j = connect(ip, port)) {
            j.clientPause(millis, ClientPauseMode.WRITE);
        }
    }

    /** CLIENT UNPAUSE: waiting clients go on (on a demoted master their writes now get READONLY). */
    public void unpause(String ip, int port) {
        try (Jedis j = connect(ip, port)) {
            j.clientUnpause();
        }
    }

    /**
     * Applies directives at run time (CONFIG SET) where the node's value differs. Returns the names it could not set
     * (immutable at run time: those take effect when the pod restarts with its rendered file). Throws
     * {@link ConfigRejected} when the node refuses a value (the directives after it are not sent).
     */
    public java.util.List<String> applyConfig(String ip, int port, Map<String, String> wanted) {
        java.util.List<String> notApplied = new java.util.ArrayList<>();
        try (Jedis j = connect(ip, port)) {
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
        }
        return notApplied;
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
