package dev.chorus.operator.dependent;

import dev.chorus.operator.api.ReplicaSet;
import dev.chorus.operator.api.ReplicaSetSpec;
import java.util.Map;

/**
 * Renders one pod's config file (redis.conf syntax, so the Chorus node and stock Redis read it alike). The master's
 * file has no replicaof; every replica's has replicaof <master address> <port>, so a pod that restarts comes back in
 * the role the operator recorded, never as a second master. Passwords are not here: they come from an included file
 * in a Secret.
 */
public final class NodeConfig {
    public static final String CONFIG_DIR = "/etc/chorus/config";
    public static final String AUTH_DIR = "/etc/chorus/auth";
    public static final String AUTH_FILE = "auth.conf";
    public static final String DATA_DIR = "/data";

    private NodeConfig() {
    }

    /** The ConfigMap key of a pod's file. */
    public static String key(String pod) {
        return pod + ".conf";
    }

    /**
     * @param masterAddress the master's address, or null when this pod is the master; when the master has no address
     *                      yet, its stable DNS name is used so the replica stays a read-only replica meanwhile
     */
    public static String render(ReplicaSet rs, String pod, boolean isMaster, String masterAddress) {
        ReplicaSetSpec spec = rs.getSpec();
        StringBuilder sb = new StringBuilder();
        sb.append("# Rendered by the Chorus operator for ").append(pod).append(". Changes here are overwritten;\n");
        sb.append("# set spec.config on the ReplicaSet instead.\n");
        sb.append("port ").append(spec.getPort()).append('\n');
        sb.append("bind 0.0.0.0\n");
        sb.append("protected-mode no\n");
        sb.append("dir ").append(DATA_DIR).append('\n');
        sb.append("dbfilename dump.rdb\n");
        sb.append("appendonly no\n");
        boolean persistent = Boolean.TRUE.equals(spec.getPersistence().getEnabled());
        if (!spec.getConfig().containsKey("save")) {
            sb.append(persistent ? "save 3600 1 300 100 60 10000\n" : "save \"\"\n");
        }
        if (spec.getAuth() != null) {
            sb.append("include ").append(AUTH_DIR).append('/').append(AUTH_FILE).append('\n');
        }
        for (Map.Entry<String, String> e : spec.getConfig().entrySet()) {
            sb.append(e.getKey()).append(' ').append(quote(e.getValue())).append('\n');
        }
        if (!isMaster) {
            sb.append("replicaof ").append(masterAddress).append(' ').append(spec.getPort()).append('\n');
        }
        return sb.toString();
    }

    /** The included auth file: the same password for clients and towards the master. */
    public static String renderAuth(String password) {
        return "requirepass " + quote(password) + "\nmasterauth " + quote(password) + "\n";
    }

    /** Quotes a value the way redis.conf parses it (double quotes with backslash escapes) when it needs quoting. */
    static String quote(String v) {
        if (!v.isEmpty() && v.chars().allMatch(c -> c > ' ' && c != '"' && c != '\'' && c != '\\' && c < 127)) {
            return v;
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /** A replica's master address while the master pod has no IP: its DNS name behind the headless Service. */
    public static String masterDnsName(ReplicaSet rs, String masterPod) {
        return masterPod + "." + Names.headlessService(rs) + "." + rs.getMetadata().getNamespace() + ".svc";
    }
}
