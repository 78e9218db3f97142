package dev.chorus.operator.dependent;

import dev.chorus.operator.api.ConfigRefusal;
import dev.chorus.operator.api.ReplicaSet;
import java.util.List;
import dev.chorus.operator.api.ReplicaSetSpec;
import dev.chorus.operator.config.DirectiveCheck;
import dev.chorus.operator.topology.IsolationFence;
import dev.chorus.operator.topology.StartupHold;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders one pod's config file (redis.conf syntax, so the Chorus node and stock Redis read it alike). Every replica's
 * file has replicaof <master address> <port>, so a pod that restarts comes back in the role the operator recorded,
 * never as a second master. The master's file points it at the {@link StartupHold} instead of another node: a
 * restarted master waits read-only, refusing to be a sync source, until the operator has checked it still holds the
 * newest data (and fails over to a replica when it does not). Passwords are not here: they come from an included file
 * in a Secret.
 */
public final class NodeConfig {
    public static final String CONFIG_DIR = "/etc/chorus/config";
    public static final String AUTH_DIR = "/etc/chorus/auth";
    public static final String AUTH_FILE = "auth.conf";
    /**
     * Beside auth.conf in our auth Secret while a rotation is in flight: the passwords it heads to (a JSON array), so
     * the operator never loses one a node may have. The nodes do not read it.
     */
    public static final String IN_FLIGHT_FILE = "rotating-to.json";
    public static final String DATA_DIR = "/data";
    static final String FULL_SYNC_DELAY = "repl-diskless-sync-delay";

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
        return render(rs, pod, isMaster, masterAddress, List.of());
    }

    /** As {@link #render(ReplicaSet, String, boolean, String)}, keeping the values the nodes kept over refused ones. */
    public static String render(ReplicaSet rs, String pod, boolean isMaster, String masterAddress,
                                List<ConfigRefusal> refused) {
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
        for (Map.Entry<String, String> e : runtimeDirectives(rs, refused).entrySet()) {
            sb.append(e.getKey()).append(' ').append(quote(e.getValue())).append('\n');
        }
        if (isMaster) {
            sb.append("# The recorded master starts held, read-only; the operator resumes it (REPLICAOF NO ONE) after\n");
            sb.append("# checking that no replica is ahead of it, so a master that lost its data never wipes them.\n");
            sb.append("replicaof ").append(StartupHold.HOST).append(' ').append(StartupHold.PORT).append('\n');
        } else {
            sb.append("replicaof ").append(masterAddress).append(' ').append(spec.getPort()).append('\n');
        }
        return sb.toString();
    }

    /**
     * Directives the operator keeps in line on running nodes with CONFIG SET as well as in the files: the isolation
     * fence, an immediate full sync, then spec.config (which wins).
     */
    public static Map<String, String> runtimeDirectives(ReplicaSet rs) {
        return runtimeDirectives(rs, List.of());
    }

    /**
     * As {@link #runtimeDirectives(ReplicaSet)}, where a value a running node refused at CONFIG SET (and spec.config
     * still asks for) is replaced by the value that node kept: the files follow what the nodes accepted, and the
     * refused value is sent to no further node.
     */
    public static Map<String, String> runtimeDirectives(ReplicaSet rs, List<ConfigRefusal> refused) {
        Map<String, String> d = fromSpec(rs);
        for (ConfigRefusal r : stillAsked(rs, refused)) {
            if (r.getKeptValue() != null) {
                d.put(r.getDirective(), r.getKeptValue());
            } else {
                d.remove(r.getDirective());
            }
        }
        return d;
    }

    /** The refusals whose value spec.config still asks for (a changed or removed value is tried afresh). */
    public static List<ConfigRefusal> stillAsked(ReplicaSet rs, List<ConfigRefusal> refused) {
        Map<String, String> config = rs.getSpec().getConfig();
        return refused.stream().filter(r -> r.getValue() != null && r.getValue().equals(config.get(r.getDirective())))
                .toList();
    }

    private static Map<String, String> fromSpec(ReplicaSet rs) {
        ReplicaSetSpec spec = rs.getSpec();
        Map<String, String> d = new LinkedHashMap<>(IsolationFence.directives(
                Boolean.TRUE.equals(spec.getFailover().getEnabled()), spec.getReplicas(),
                spec.getFailover().getTimeoutSeconds(), spec.getConfig()));
        // A full sync starts at once instead of after Redis' 5 s wait for more replicas to share it: with a handful
        // of replicas re-attaching one by one (a restarted old master, a replaced pod) the wait is pure delay.
        d.put(FULL_SYNC_DELAY, "0");
        // Values Redis would refuse (DirectiveCheck) reach neither the files nor CONFIG SET: a node restarted on such a
        // file would not start at all. The reconciler reports them (Degraded, reason InvalidConfig) instead.
        d.putAll(DirectiveCheck.valid(spec.getConfig()));
        return d;
    }

    /** The included auth file: the same password for clients and towards the master. */
    public static String renderAuth(String password) {
        return "requirepass " + quote(password) + "\nmasterauth " + quote(password) + "\n";
    }

    /**
     * The password an auth file rendered by {@link #renderAuth} carries (its requirepass), or null when it has none:
     * what the nodes were last configured with, read back at the start of a rotation.
     */
    public static String parseAuth(String authFile) {
        for (String line : authFile.split("\n")) {
            if (line.startsWith("requirepass ")) {
                return unquote(line.substring("requirepass ".length()));
            }
        }
        return null;
    }

    /** The inverse of {@link #quote}. */
    static String unquote(String v) {
        if (!v.startsWith("\"")) {
            return v;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < v.length() - 1; i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length() - 1) {
                char n = v.charAt(++i);
                sb.append(switch (n) {
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    default -> n;
                });
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
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
