package dev.chorus.operator.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * spec.config values checked with Redis 7.0's own parsing rules before they reach a node, for the directives whose
 * type is known here: yes/no, integers with bounds (string2ll: no '+', no leading zeros), memory values (digits and
 * an optional b/k/kb/m/mb/g/gb unit) with bounds, and enumerations. The messages are Redis' (what CONFIG SET or the
 * config file loader would say), so the condition reads as the node would have. Directives not listed are left to
 * the nodes (a CONFIG SET rejection then stops the change). Pure: unit-tested without Kubernetes.
 */
public final class DirectiveCheck {
    private sealed interface Type {
    }

    private record Bool() implements Type {
    }

    private record Int(long min, long max) implements Type {
    }

    private record Memory(long min, long max) implements Type {
    }

    private record Enum(List<String> values) implements Type {
    }

    private static final long INT_MAX = Integer.MAX_VALUE;
    private static final long LONG_MAX = Long.MAX_VALUE;
    private static final Map<String, Type> TYPES = new LinkedHashMap<>();

    static {
        for (String b : List.of("rdbcompression", "rdbchecksum", "stop-writes-on-bgsave-error", "replica-read-only",
                "slave-read-only", "replica-serve-stale-data", "slave-serve-stale-data", "repl-diskless-sync",
                "repl-disable-tcp-nodelay", "replica-lazy-flush", "lazyfree-lazy-eviction", "lazyfree-lazy-expire",
                "lazyfree-lazy-server-del", "lazyfree-lazy-user-del", "lazyfree-lazy-user-flush", "activerehashing",
                "activedefrag", "dynamic-hz", "latency-tracking", "aof-use-rdb-preamble", "rdb-del-sync-files",
                "no-appendfsync-on-rewrite", "jemalloc-bg-thread", "replica-announced")) {
            TYPES.put(b, new Bool());
        }
        TYPES.put("timeout", new Int(0, INT_MAX));
        TYPES.put("tcp-keepalive", new Int(0, INT_MAX));
        TYPES.put("maxclients", new Int(1, 4294967295L));
        TYPES.put("databases", new Int(1, INT_MAX));
        TYPES.put("hz", new Int(0, INT_MAX));
        TYPES.put("lfu-log-factor", new Int(0, INT_MAX));
        TYPES.put("lfu-decay-time", new Int(0, INT_MAX));
        TYPES.put("maxmemory-samples", new Int(1, INT_MAX));
        TYPES.put("replica-priority", new Int(0, INT_MAX));
        TYPES.put("slave-priority", new Int(0, INT_MAX));
        TYPES.put("repl-backlog-ttl", new Int(0, INT_MAX));
        TYPES.put("repl-diskless-sync-delay", new Int(0, INT_MAX));
        TYPES.put("repl-ping-replica-period", new Int(1, INT_MAX));
        TYPES.put("repl-timeout", new Int(1, INT_MAX));
        TYPES.put("min-replicas-to-write", new Int(0, INT_MAX));
        TYPES.put("min-replicas-max-lag", new Int(0, INT_MAX));
        TYPES.put("slowlog-log-slower-than", new Int(-1, LONG_MAX));
        TYPES.put("slowlog-max-len", new Int(0, LONG_MAX));
        TYPES.put("latency-monitor-threshold", new Int(0, LONG_MAX));
        TYPES.put("hash-max-listpack-entries", new Int(0, LONG_MAX));
        TYPES.put("set-max-intset-entries", new Int(0, LONG_MAX));
        TYPES.put("zset-max-listpack-entries", new Int(0, LONG_MAX));
        TYPES.put("maxmemory", new Memory(0, LONG_MAX));
        TYPES.put("repl-backlog-size", new Memory(1, LONG_MAX));
        TYPES.put("proto-max-bulk-len", new Memory(1024 * 1024, LONG_MAX));
        TYPES.put("hll-sparse-max-bytes", new Memory(0, LONG_MAX));
        TYPES.put("maxmemory-policy", new Enum(List.of("volatile-lru", "volatile-lfu", "volatile-random",
                "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction")));
        TYPES.put("loglevel", new Enum(List.of("debug", "verbose", "notice", "warning")));
        TYPES.put("appendfsync", new Enum(List.of("always", "everysec", "no")));
    }

    private DirectiveCheck() {
    }

    /** Whether this check knows the directive's type (otherwise only a node can judge the value). */
    public static boolean knows(String directive) {
        return TYPES.containsKey(directive.toLowerCase(Locale.ROOT));
    }

    /** Redis' error for {@code value}, or null when the value parses (or the directive is not known here). */
    public static String error(String directive, String value) {
        Type type = TYPES.get(directive.toLowerCase(Locale.ROOT));
        if (type == null || value == null) {
            return null;
        }
        if (type instanceof Bool) {
            String v = value.toLowerCase(Locale.ROOT);
            return v.equals("yes") || v.equals("no") ? null : "argument must be 'yes' or 'no'";
        }
        if (type instanceof Int i) {
            if (!value.matches("-?(0|[1-9][0-9]{0,18})") || value.equals("-0")) {
                return "argument couldn't be parsed into an integer";
            }
            long v;
            try {
                v = Long.parseLong(value);
            } catch (NumberFormatException e) {
                return "argument couldn't be parsed into an integer";
            }
            return range(v, i.min(), i.max());
        }
        if (type instanceof Memory m) {
            Long v = memory(value);
            return v == null ? "argument must be a memory value" : range(v, m.min(), m.max());
        }
        Enum e = (Enum) type;
        return e.values().contains(value.toLowerCase(Locale.ROOT)) ? null
                : "argument(s) must be one of the following: " + String.join(", ", e.values());
    }

    /** Every refused entry of {@code config}, as "directive "value": Redis' message", in the map's order. */
    public static List<String> errors(Map<String, String> config) {
        return config.entrySet().stream()
                .filter(e -> error(e.getKey(), e.getValue()) != null)
                .map(e -> e.getKey() + " \"" + e.getValue() + "\": " + error(e.getKey(), e.getValue()))
                .toList();
    }

    /** {@code config} without the entries {@link #error} refuses. */
    public static Map<String, String> valid(Map<String, String> config) {
        Map<String, String> out = new LinkedHashMap<>();
        config.forEach((k, v) -> {
            if (error(k, v) == null) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static String range(long v, long min, long max) {
        return v < min || v > max ? "argument must be between " + min + " and " + max + " inclusive" : null;
    }

    /** Redis' memtoull: digits, then an optional unit (k = 1000, kb = 1024 ...), case-insensitive; null if not. */
    static Long memory(String s) {
        int u = 0;
        while (u < s.length() && Character.isDigit(s.charAt(u)) && s.charAt(u) < 128) {
            u++;
        }
        long mul = switch (s.substring(u).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1;
            case "k" -> 1000;
            case "kb" -> 1024;
            case "m" -> 1000 * 1000;
            case "mb" -> 1024 * 1024;
            case "g" -> 1000L * 1000 * 1000;
            case "gb" -> 1024L * 1024 * 1024;
            default -> -1;
        };
        if (mul < 0 || u >= 128) {
            return null;
        }
        String digits = s.substring(0, u);
        long v;
        try {
            v = digits.isEmpty() ? 0 : Long.parseUnsignedLong(digits);
        } catch (NumberFormatException e) {
            v = -1;
        }
        return v * mul;
    }
}
