package dev.chorus.node.command;

import dev.chorus.node.Server;
import dev.chorus.node.net.Client;
import dev.chorus.node.resp.Doubles;
import dev.chorus.node.resp.RespWriter;
import dev.chorus.node.store.Database;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.RedisValue;
import dev.chorus.node.store.ValueType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a handler sees of one command invocation: its arguments, the client, the selected database, the reply writer,
 * and what to send to replicas. By default a write command that changed the keyspace ({@link #dirty()}) is propagated
 * as it was received; {@link #propagate} replaces that with rewritten commands (e.g. relative expiries made absolute).
 */
public final class CommandContext {
    private final Server server;
    private final Client client;
    private byte[][] argv;
    private CommandSpec spec;
    private long dirty;
    private List<byte[][]> propagated;
    private boolean suppressPropagation;

    public CommandContext(Server server, Client client) {
        this.server = server;
        this.client = client;
    }

    /** Prepares the context for the next command (contexts are reused per client). */
    public void reset(CommandSpec spec, byte[][] argv) {
        this.spec = spec;
        this.argv = argv;
        this.dirty = 0;
        this.propagated = null;
        this.suppressPropagation = false;
    }

    public Server server() {
        return server;
    }

    public Client client() {
        return client;
    }

    public CommandSpec spec() {
        return spec;
    }

    public RespWriter reply() {
        return client.writer();
    }

    public Database db() {
        return server.keyspace().db(client.dbIndex());
    }

    public long now() {
        return server.keyspace().now();
    }

    // ---- arguments ----

    /** Bytes of the current command's arguments (CLIENT LIST's argv-mem); 0 outside a command. */
    public long argvBytes() {
        long n = 0;
        if (argv != null) {
            for (byte[] a : argv) {
                n += a.length;
            }
        }
        return n;
    }

    public byte[][] argv() {
        return argv;
    }

    public int argc() {
        return argv.length;
    }

    public byte[] arg(int i) {
        return argv[i];
    }

    /**
     * Redis' replaceClientCommandVector: the command goes on with {@code argv} as its arguments, and that is what is
     * propagated (GEOADD continues as ZADD).
     */
    public void replaceArgv(byte[][] argv) {
        this.argv = argv;
    }

    public String argString(int i) {
        return new String(argv[i], StandardCharsets.UTF_8);
    }

    /** The argument lower-cased, for matching options such as "nx" or "withscores". */
    public String option(int i) {
        return new String(argv[i], StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    }

    public boolean optionIs(int i, String lowerCaseName) {
        return option(i).equals(lowerCaseName);
    }

    public long longArg(int i) {
        return parseLong(argv[i], Errors.NOT_INTEGER);
    }

    /** Like {@link #longArg} but with a command-specific error text. */
    public long longArg(int i, String error) {
        return parseLong(argv[i], error);
    }

    public int intArg(int i) {
        long v = longArg(i);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new CommandError(Errors.NOT_INTEGER);
        }
        return (int) v;
    }

    public double doubleArg(int i) {
        Double d = Doubles.parseStrict(argv[i]);
        if (d == null) {
            throw new CommandError(Errors.NOT_FLOAT);
        }
        return d;
    }

    /** Redis' string2ll: optional '-', no '+', no leading zeros or spaces, fits in a signed 64-bit integer. */
    public static Long parseLongOrNull(byte[] b) {
        long v = string2ll(b);
        return v == NOT_A_LONG && !isMinValue(b) ? null : v;
    }

    public static long parseLong(byte[] b, String error) {
        long v = string2ll(b);
        if (v == NOT_A_LONG && !isMinValue(b)) {
            throw new CommandError(error);
        }
        return v;
    }

    /** What {@link #string2ll} returns for an invalid input; also the value of "-9223372036854775808" itself. */
    private static final long NOT_A_LONG = Long.MIN_VALUE;
    private static final byte[] MIN_VALUE_DIGITS = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);

    private static boolean isMinValue(byte[] b) {
        return java.util.Arrays.equals(b, MIN_VALUE_DIGITS);
    }

    /**
     * string2ll without boxing: the value, or {@link #NOT_A_LONG} when {@code b} is not a valid integer (callers
     * tell that apart from Long.MIN_VALUE itself with {@link #isMinValue}). Up to 18 digits cannot overflow, so the
     * common case runs without overflow checks.
     */
    private static long string2ll(byte[] b) {
        int n = b.length;
        if (n == 0 || n > 20) {
            return NOT_A_LONG;
        }
        int i = 0;
        boolean negative = b[0] == '-';
        if (negative && ++i == n) {
            return NOT_A_LONG;
        }
        int first = b[i] - '0';
        if (first < 1 || first > 9) {
            return n == 1 && first == 0 ? 0 : NOT_A_LONG; // "0" alone; never "-0", "01" or "+1"
        }
        if (n - i <= 18) {
            long v = first;
            for (i++; i < n; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    return NOT_A_LONG;
                }
                v = v * 10 + d;
            }
            return negative ? -v : v;
        }
        long v = 0;
        for (; i < n; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return NOT_A_LONG;
            }
            // Accumulate negatively so Long.MIN_VALUE parses.
            if (v < (Long.MIN_VALUE + d) / 10) {
                return NOT_A_LONG;
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                return NOT_A_LONG;
            }
            v = -v;
        }
        return v;
    }

    // ---- typed key access ----

    /** The live entry for a key, checking its type; null when the key does not exist. */
    public KeyEntry entry(byte[] key, ValueType expected) {
        KeyEntry e = db().lookup(key);
        if (e == null) {
            if (spec != null && (!spec.isWrite() || WRITES_THAT_READ.contains(spec.name()))) {
                keyMiss(key);
            }
            return null;
        }
        if (e.type() != expected) {
            throw Errors.wrongType();
        }
        return e;
    }

    /** Write commands whose keys (or source keys) Redis looks up for reading: a missing one is a key miss too. */
    private static final java.util.Set<String> WRITES_THAT_READ = java.util.Set.of("getdel", "getex", "getset",
            "sinterstore", "sunionstore", "sdiffstore", "bitop");

    /** A read found no key (Redis' lookupKeyRead miss): the "keymiss" event of class m. */
    public void keyMiss(byte[] key) {
        notifyKeyspaceEvent(KeyspaceEvents.KEY_MISS, "keymiss", key);
    }

    /** The collection stored at {@code key} or null, after checking its type. */
    @SuppressWarnings("unchecked")
    public <T extends RedisValue> T value(byte[] key, ValueType expected) {
        KeyEntry e = entry(key, expected);
        return e == null ? null : (T) e.value();
    }

    // ---- keyspace notifications ----

    /**
     * Redis' notifyKeyspaceEvent(type, event, key, db) for the client's selected database: call it wherever Redis 7.0
     * calls it, with the same class ({@link KeyspaceEvents}) and event name.
     */
    public void notifyKeyspaceEvent(int type, String event, byte[] key) {
        server.keyspaceEvents().emit(type, event, key, client.dbIndex());
    }

    // ---- replication ----

    /** Marks the keyspace as changed by this command (counted for SAVE points; triggers propagation of writes). */
    public void dirty() {
        dirty++;
    }

    public void dirty(long n) {
        dirty += n;
    }

    public long dirtyCount() {
        return dirty;
    }

    /** Sends {@code command} to replicas instead of the original argv (may be called several times). */
    public void propagate(byte[]... command) {
        if (propagated == null) {
            propagated = new ArrayList<>(2);
        }
        propagated.add(command);
    }

    /** The command changed nothing that replicas need to hear about. */
    public void suppressPropagation() {
        suppressPropagation = true;
    }

    /** What the dispatcher sends to replicas for this invocation. */
    public List<byte[][]> propagation() {
        if (suppressPropagation) {
            return List.of();
        }
        if (propagated != null) {
            return propagated;
        }
        if (dirty > 0 && spec != null && spec.isWrite()) {
            return List.<byte[][]>of(argv);
        }
        return List.of();
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The decimal form of {@code v} as ASCII bytes, without a String in between (INCR's reply and value). */
    public static byte[] bytes(long v) {
        return dev.chorus.node.resp.Decimal.bytes(v);
    }
}
