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
    private final Credentials credentials;
    private final Map<String, NodeConnection> connections = new ConcurrentHashMap<>();

    NodeClient(Credentials credentials) {
        this.credentials = credentials;
    }

    Credentials credentials() {
        return credentials;
    }

    private NodeConnection connection(String ip, int port) {
        return connections.computeIfAbsent(ip + ":" + port, k -> new NodeConnection(ip, port, credentials));
    }

    /**
     * Makes the node take the new password: with ACLs as a second password of the default user (ACL SETUSER default
     * &gt;new: the previous one keeps working), else by replacing requirepass (CONFIG SET requirepass: connections
     * already authenticated, replication links included, stay; new ones need the new password).
     */
    public void addNewPassword(String ip, int port, boolean acl) {
        connection(ip, port).call(j -> acl ? j.aclSetUser("default", ">" + credentials.password())
                : j.configSet("requirepass", credentials.password()));
    }

    /** CONFIG SET masterauth new: used at the replica's next connect to its master (the link in place stays). */
    public void setMasterauth(String ip, int port) {
        connection(ip, port).call(j -> j.configSet("masterauth", credentials.password()));
    }

    /**
     * ACL SETUSER default resetpass &gt;new: the node takes the new password only (whatever others it had: the
     * previous one, or one a rotation the Secret changed under was heading to). Connections stay authenticated.
     */
    public void removePreviousPasswords(String ip, int port) {
        connection(ip, port).call(j -> j.aclSetUser("default", "resetpass", ">" + credentials.password()));
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
                        // the node refuses the value itself (and keeps its own)
                        throw new ConfigRejected(e.getKey(), e.getValue(), current.get(e.getKey()), m);
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

    /**
     * The node's password set-up over {@code c} (see {@link NodeAuth}), read only during a rotation; outside one, a node
     * that answered is {@link NodeAuth#SETTLED} and one that refused the password {@link NodeAuth#FAILED}.
     */
    static NodeAuth observeAuth(NodeConnection c, NodeState state, Credentials credentials, boolean refused) {
        if (refused) {
            return NodeAuth.FAILED;
        }
        if (!state.reachable()) {
            return NodeAuth.UNKNOWN;
        }
        if (!credentials.rotating()) {
            return NodeAuth.SETTLED;
        }
        try {
            return c.call(j -> {
                boolean acl;
                try {
                    j.aclWhoAmI();
                    acl = true;
                } catch (JedisDataException e) {
                    acl = false; // unknown command: requirepass only
                }
                boolean acceptsNew;
                boolean acceptsOld;
                if (acl) {
                    List<String> hashes = passwordHashes(j);
                    String mine = sha256(credentials.password());
                    acceptsNew = hashes.contains(mine);
                    acceptsOld = hashes.stream().anyMatch(h -> !h.equals(mine));
                } else {
                    String requirepass = j.configGet("requirepass").get("requirepass");
                    acceptsNew = credentials.password().equals(requirepass);
                    acceptsOld = !acceptsNew;
                }
                boolean masterauthNew = credentials.password().equals(j.configGet("masterauth").get("masterauth"));
                return new NodeAuth(false, acl, acceptsNew, acceptsOld, masterauthNew);
            });
        } catch (AuthenticationFailed e) {
            return NodeAuth.FAILED;
        } catch (JedisException | IllegalStateException e) {
            return NodeAuth.UNKNOWN;
        }
    }

    /** The default user's passwords as Redis keeps them (SHA-256, hex), from ACL GETUSER default. */
    private static List<String> passwordHashes(Jedis j) {
        Object reply = j.sendCommand(redis.clients.jedis.Protocol.Command.ACL, "GETUSER", "default");
        List<String> out = new ArrayList<>();
        if (reply instanceof List<?> fields) {
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                if ("passwords".equals(text(fields.get(i))) && fields.get(i + 1) instanceof List<?> hashes) {
                    hashes.forEach(h -> out.add(text(h)));
                }
            }
        }
        return out;
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(o);
    }

    static String sha256(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** ROLE, INFO replication and DBSIZE over {@code c}; unreachable when any of them fails. */
    static NodeState observe(NodeConnection c, NodeTarget t) {
        return observe(c, t, new boolean[1]);
    }

    /** As {@link #observe(NodeConnection, NodeTarget)}; sets {@code refused[0]} when the node refused every password. */
    static NodeState observe(NodeConnection c, NodeTarget t, boolean[] refused) {
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
            refused[0] = e instanceof AuthenticationFailed;
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
        /** The node's value, which it keeps (null when CONFIG GET did not know the directive). */
        public final String kept;

        public ConfigRejected(String directive, String value, String kept, String nodeError) {
            super(nodeError);
            this.directive = directive;
            this.value = value;
            this.kept = kept;
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
