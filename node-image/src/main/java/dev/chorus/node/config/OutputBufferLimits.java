package dev.chorus.node.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The value of {@code client-output-buffer-limit}: a hard limit, a soft limit and the seconds the soft limit may be
 * exceeded, for each of the classes normal, replica (slave) and pubsub, parsed and shown as Redis 7.0's config.c does.
 * A setting names only some classes ({@code pubsub 1mb 0 0}); the others keep their values ({@link #over}).
 */
public final class OutputBufferLimits implements Directive.Merged {
    /** The client classes, in Redis' CLIENT_TYPE order (index = class). */
    public static final int NORMAL = 0;
    public static final int REPLICA = 1;
    public static final int PUBSUB = 2;
    private static final String[] NAMES = {"normal", "slave", "pubsub"};

    /** One class's limits; 0 means no limit. */
    public record Limit(long hardBytes, long softBytes, long softSeconds) {
    }

    public static final String DEFAULT_TEXT = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";

    private final Limit[] limits;
    /** Which classes the setting this value came from named (the rest are taken from the current value). */
    private final boolean[] given;

    private OutputBufferLimits(Limit[] limits, boolean[] given) {
        this.limits = limits;
        this.given = given;
    }

    public Limit limit(int clientClass) {
        return limits[clientClass];
    }

    /** setConfigClientOutputBufferLimitOption: all or nothing, with Redis' messages. */
    public static OutputBufferLimits parse(List<String> args) throws ConfigException {
        if (args.size() % 4 != 0) {
            throw new ConfigException("Wrong number of arguments in buffer limit configuration.");
        }
        Limit[] limits = new Limit[3];
        boolean[] given = new boolean[3];
        for (int j = 0; j < args.size(); j += 4) {
            int cls = classByName(args.get(j));
            if (cls < 0) {
                throw new ConfigException("Invalid client class specified in buffer limit configuration.");
            }
            long hard;
            long soft;
            try {
                hard = Directives.parseMemory(args.get(j + 1));
                soft = Directives.parseMemory(args.get(j + 2));
            } catch (ConfigException e) {
                throw new ConfigException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
            long seconds = strtoll(args.get(j + 3));
            if (seconds < 0) {
                throw new ConfigException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
            limits[cls] = new Limit(hard, soft, seconds);
            given[cls] = true;
        }
        return new OutputBufferLimits(limits, given);
    }

    /** strtoll(s, &end, 10) with *end required to be '\0'; -1 for anything else (as the caller rejects it). */
    private static long strtoll(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        String t = s.substring(i);
        if (t.startsWith("+")) {
            t = t.substring(1);
        }
        if (t.isEmpty() || !t.matches("-?[0-9]+")) {
            return t.isEmpty() && i == s.length() ? 0 : -1; // strtoll("") is 0 with end at the terminator
        }
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            return t.startsWith("-") ? -1 : Long.MAX_VALUE;
        }
    }

    /** getClientTypeByName, less master (not allowed here). */
    private static int classByName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "normal" -> NORMAL;
            case "slave", "replica" -> REPLICA;
            case "pubsub" -> PUBSUB;
            default -> -1;
        };
    }

    @Override
    public Object over(Object current) {
        Limit[] merged = new Limit[3];
        for (int i = 0; i < 3; i++) {
            if (given[i] || !(current instanceof OutputBufferLimits c) || c.limits[i] == null) {
                merged[i] = limits[i];
            } else {
                merged[i] = c.limits[i];
            }
            if (merged[i] == null) {
                merged[i] = new Limit(0, 0, 0);
            }
        }
        return new OutputBufferLimits(merged, given.clone());
    }

    /** CONFIG GET's form. */
    public static String format(Object value) {
        OutputBufferLimits v = (OutputBufferLimits) value;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            Limit l = v.limits[i] == null ? new Limit(0, 0, 0) : v.limits[i];
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(NAMES[i]).append(' ').append(Long.toUnsignedString(l.hardBytes())).append(' ')
                    .append(Long.toUnsignedString(l.softBytes())).append(' ').append(l.softSeconds());
        }
        return sb.toString();
    }

    /**
     * CONFIG REWRITE's lines (rewriteConfigClientOutputBufferLimitOption): one per class that differs from the
     * default, "replica" for the replica class, sizes in Redis' rewriteConfigFormatMemory form; null when none does.
     */
    public static String rewriteLines(String directive, Object value) {
        OutputBufferLimits v = (OutputBufferLimits) value;
        OutputBufferLimits defaults;
        try {
            defaults = (OutputBufferLimits) parse(List.of(DEFAULT_TEXT.split(" "))).over(null);
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Limit l = v.limits[i] == null ? new Limit(0, 0, 0) : v.limits[i];
            if (l.equals(defaults.limits[i])) {
                continue;
            }
            lines.add(directive + " " + (i == REPLICA ? "replica" : NAMES[i]) + " " + memory(l.hardBytes()) + " "
                    + memory(l.softBytes()) + " " + l.softSeconds());
        }
        return lines.isEmpty() ? null : String.join("\n", lines);
    }

    /** rewriteConfigFormatMemory. */
    private static String memory(long bytes) {
        long gb = 1024L * 1024 * 1024;
        long mb = 1024L * 1024;
        long kb = 1024L;
        if (bytes != 0 && bytes % gb == 0) {
            return bytes / gb + "gb";
        } else if (bytes != 0 && bytes % mb == 0) {
            return bytes / mb + "mb";
        } else if (bytes != 0 && bytes % kb == 0) {
            return bytes / kb + "kb";
        }
        return Long.toUnsignedString(bytes);
    }
}
