package dev.chorus.node.command;

import dev.chorus.node.config.Config;
import dev.chorus.node.config.Directives;
import dev.chorus.node.net.Client;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;

/**
 * Redis' slowlog.c: the latest {@code slowlog-max-len} commands that took at least {@code slowlog-log-slower-than}
 * microseconds (negative disables it), newest first. An entry keeps at most 32 arguments (the 32nd then says how many
 * more there were) and at most 128 bytes of each, the client's address and name; passwords read "(redacted)".
 * Commands flagged skip_slowlog (EXEC) are never logged; the commands EXEC runs are, one by one. {@link CommandMonitors} logs a command that
 * blocked when it is unblocked.
 */
public final class SlowLog {
    static final int MAX_ARGC = 32;
    static final int MAX_STRING = 128;

    /** One entry, as SLOWLOG GET returns it. */
    public record Entry(long id, long timeSeconds, long durationMicros, byte[][] argv, String peer, String name) {
    }

    private final Config config;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long nextId;

    public SlowLog(Config config) {
        this.config = config;
    }

    /** slowlogPushCurrentCommand / slowlogPushEntryIfNeeded. */
    public void push(Client client, CommandSpec spec, byte[][] argv, long durationMicros) {
        if (spec.has(CommandFlag.SKIP_SLOWLOG)) {
            return;
        }
        long threshold = config.getLong(Directives.SLOWLOG_LOG_SLOWER_THAN);
        if (threshold < 0) {
            return;
        }
        if (durationMicros >= threshold) {
            String name = client.name();
            entries.addFirst(new Entry(nextId++, System.currentTimeMillis() / 1000, durationMicros,
                    trim(redacted(spec, argv)),
                    client.outbound().remoteAddress(), name == null ? "" : name));
        }
        long max = config.getLong(Directives.SLOWLOG_MAX_LEN);
        while (entries.size() > max) {
            entries.removeLast();
        }
    }

    private static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);
    private static final java.util.Set<String> SENSITIVE_CONFIGS = java.util.Set.of("requirepass", "masterauth",
            "masteruser");

    /**
     * The arguments as Redis leaves them after redactClientCommandArgument: AUTH's password (and user), HELLO's AUTH
     * pair, and CONFIG SET values of sensitive directives read "(redacted)" in the slow log.
     */
    static byte[][] redacted(CommandSpec spec, byte[][] argv) {
        byte[][] out = argv;
        switch (spec.fullName()) {
            case "auth" -> {
                if (argv.length <= 3) {
                    out = argv.clone();
                    for (int j = 1; j < argv.length; j++) {
                        out[j] = REDACTED;
                    }
                }
            }
            case "hello" -> {
                if (argv.length >= 2) {
                    Long ver = CommandContext.parseLongOrNull(argv[1]);
                    if (ver == null || ver < 2 || ver > 3) {
                        break;
                    }
                }
                for (int j = 2; j < argv.length; j++) {
                    String opt = new String(argv[j], StandardCharsets.ISO_8859_1);
                    int more = argv.length - 1 - j;
                    if (opt.equalsIgnoreCase("auth") && more >= 2) {
                        if (out == argv) {
                            out = argv.clone();
                        }
                        out[j + 1] = REDACTED;
                        out[j + 2] = REDACTED;
                        j += 2;
                    } else if (opt.equalsIgnoreCase("setname") && more >= 1) {
                        j++;
                    } else {
                        break;
                    }
                }
            }
            case "config|set" -> {
                if ((argv.length - 2) % 2 == 0) {
                    for (int j = 2; j + 1 < argv.length; j += 2) {
                        String name = new String(argv[j], StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
                        if (SENSITIVE_CONFIGS.contains(name)) {
                            if (out == argv) {
                                out = argv.clone();
                            }
                            out[j + 1] = REDACTED;
                        }
                    }
                }
            }
            case "migrate" -> out = redactMigrate(argv);
            default -> {
            }
        }
        return out;
    }

    /**
     * MIGRATE's AUTH password and AUTH2 username/password, redacted as cluster.c's migrateCommand does while it parses
     * the options from the sixth argument (it stops at KEYS, and at the first option it does not know).
     */
    public static byte[][] redactMigrate(byte[][] argv) {
        byte[][] out = argv;
        for (int j = 6; j < argv.length; j++) {
            int more = argv.length - 1 - j;
            String opt = new String(argv[j], StandardCharsets.ISO_8859_1);
            if (opt.equalsIgnoreCase("copy") || opt.equalsIgnoreCase("replace")) {
                continue;
            }
            if (opt.equalsIgnoreCase("auth") && more >= 1) {
                if (out == argv) {
                    out = argv.clone();
                }
                out[++j] = REDACTED;
            } else if (opt.equalsIgnoreCase("auth2") && more >= 2) {
                if (out == argv) {
                    out = argv.clone();
                }
                out[++j] = REDACTED;
                out[++j] = REDACTED;
            } else {
                break;
            }
        }
        return out;
    }

    static byte[][] trim(byte[][] argv) {
        int argc = Math.min(argv.length, MAX_ARGC);
        byte[][] out = new byte[argc][];
        for (int j = 0; j < argc; j++) {
            if (argc != argv.length && j == argc - 1) {
                out[j] = ("... (" + (argv.length - argc + 1) + " more arguments)").getBytes(StandardCharsets.US_ASCII);
            } else if (argv[j].length > MAX_STRING) {
                byte[] tail = ("... (" + (argv[j].length - MAX_STRING) + " more bytes)")
                        .getBytes(StandardCharsets.US_ASCII);
                byte[] s = Arrays.copyOf(argv[j], MAX_STRING + tail.length);
                System.arraycopy(tail, 0, s, MAX_STRING, tail.length);
                out[j] = s;
            } else {
                out[j] = argv[j].clone();
            }
        }
        return out;
    }

    public int size() {
        return entries.size();
    }

    public void reset() {
        entries.clear();
    }

    /** The newest entries first. */
    public Iterator<Entry> iterator() {
        return entries.iterator();
    }
}
