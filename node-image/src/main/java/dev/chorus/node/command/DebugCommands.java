package dev.chorus.node.command;

import dev.chorus.node.Log;
import dev.chorus.node.Server;
import dev.chorus.node.config.Directives;
import dev.chorus.node.net.Client;
import dev.chorus.node.resp.Doubles;
import dev.chorus.node.store.Database;
import dev.chorus.node.store.HashValue;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.ListValue;
import dev.chorus.node.store.RedisValue;
import dev.chorus.node.store.SetValue;
import dev.chorus.node.store.SkipList;
import dev.chorus.node.store.ValueType;
import dev.chorus.node.store.ZSetValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;

/**
 * DEBUG (debug.c), allowed only as enable-debug-command says. The subcommands tools and test suites use are here,
 * with Redis 7.0.15's argument counts and replies; the ones that crash, leak or inspect C structures (SEGFAULT,
 * PANIC, OOM, LEAK, MALLCTL, HTSTATS, SDSLEN, STRUCTSIZE, REPLICATE, ...) and LOADAOF (this node has no AOF; Redis exits when
 * there is none) answer as unknown subcommands. DEBUG DIGEST and DIGEST-VALUE compute Redis' own digest (SHA1 mixed
 * and xored over the same bytes), so equal datasets give equal digests on both servers.
 */
public final class DebugCommands implements CommandFamily {
    public static final CommandHandler HANDLER = DebugCommands::debug;

    public static final String NOT_ALLOWED = "ERR DEBUG command not allowed. If the enable-debug-command option is "
            + "set to \"local\", you can run it from a local connection, otherwise you need to set this option in the "
            + "configuration file, and then restart the server.";

    /** DEBUG REPLYBUFFER settings: recorded; this node's reply buffers have no peak tracking or resizing to tune. */
    static volatile long replyBufferPeakResetTime = 5000;
    static volatile boolean replyBufferResizing = true;

    /** DEBUG REPLYBUFFER PEAK-RESET-TIME (ms; -1: never): how often a client's reply buffer peak is forgotten. */
    public static long replyBufferPeakResetTime() {
        return replyBufferPeakResetTime;
    }

    /** DEBUG REPLYBUFFER RESIZING: whether reply buffers are resized at all (server.reply_buffer_resizing_enabled). */
    public static boolean replyBufferResizing() {
        return replyBufferResizing;
    }
    /** DEBUG QUICKLIST-PACKED-THRESHOLD: recorded; lists here have no plain/packed node distinction. */
    static volatile long quicklistPackedThreshold = 1L << 30;
    /** DEBUG SET-DISABLE-DENY-SCRIPTS (server.script_disable_deny_script): scripts may call noscript commands. */
    public static volatile boolean disableDenyScripts;

    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(CommandSpec.of("debug", -2, "admin noscript loading stale", HANDLER));
    }

    /** allowProtectedAction: "yes", or "local" for a client on the loopback address or a unix socket. */
    public static boolean allowed(Server server, Client client) {
        String mode = server.config().getString(Directives.ENABLE_DEBUG_COMMAND);
        if (mode.equals("yes")) {
            return true;
        }
        if (!mode.equals("local")) {
            return false;
        }
        String addr = client.outbound().remoteAddress();
        return addr.startsWith("127.0.0.1:") || addr.startsWith("0:0:0:0:0:0:0:1:") || !addr.contains(":");
    }

    static void debug(CommandContext ctx) {
        String sub = ctx.option(1);
        int argc = ctx.argc();
        switch (sub) {
            case "help" -> {
                requireArgs(ctx, argc == 2);
                help(ctx);
            }
            case "sleep" -> {
                requireArgs(ctx, argc == 3);
                sleep(ctx);
            }
            case "digest" -> {
                requireArgs(ctx, argc == 2);
                ctx.reply().simple(hex(datasetDigest(ctx.server())));
            }
            case "digest-value" -> {
                ctx.reply().array(argc - 2);
                for (int j = 2; j < argc; j++) {
                    byte[] digest = new byte[20];
                    KeyEntry e = ctx.db().peek(ctx.arg(j)); // logically expired keys too, as Redis
                    if (e != null) {
                        objectDigest(digest, e);
                    }
                    ctx.reply().simple(hex(digest));
                }
            }
            case "config-rewrite-force-all" -> {
                requireArgs(ctx, argc == 2);
                try {
                    if (ctx.server().config().file() == null) {
                        throw new java.io.IOException("No such file or directory");
                    }
                    ctx.server().config().rewrite(true);
                } catch (java.io.IOException e) {
                    throw new CommandError("ERR CONFIG-REWRITE-FORCE-ALL failed: " + e.getMessage());
                }
                ctx.reply().ok();
            }
            case "reload" -> reload(ctx);
            case "object" -> {
                requireArgs(ctx, argc == 3);
                object(ctx);
            }
            case "populate" -> {
                requireArgs(ctx, argc >= 3 && argc <= 5);
                populate(ctx);
            }
            case "protocol" -> {
                requireArgs(ctx, argc == 3);
                protocol(ctx);
            }
            case "error" -> {
                requireArgs(ctx, argc == 3);
                // addReplyError without an "ERR" prefix: the string itself, line breaks turned into spaces.
                String msg = new String(ctx.arg(2), StandardCharsets.ISO_8859_1).replace('\r', ' ').replace('\n', ' ');
                ctx.reply().raw(("-" + msg + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                ctx.server().stats().error(msg);
            }
            case "log" -> {
                requireArgs(ctx, argc == 3);
                Log.warning("DEBUG LOG: " + ctx.argString(2));
                ctx.reply().ok();
            }
            case "set-active-expire" -> {
                requireArgs(ctx, argc == 3);
                ctx.server().keyspace().setActiveExpireEnabled(atoi(ctx.arg(2)) != 0);
                ctx.reply().ok();
            }
            case "pause-cron" -> {
                requireArgs(ctx, argc == 3);
                ctx.server().setCronPaused(atoi(ctx.arg(2)) != 0);
                ctx.reply().ok();
            }
            case "quicklist-packed-threshold" -> {
                requireArgs(ctx, argc == 3);
                long sz = memtoull(ctx.arg(2));
                if (sz < 0 || sz > (1L << 32) - (1 << 20)) {
                    throw new CommandError("ERR argument must be a memory value bigger than 1 and smaller than 4gb");
                }
                quicklistPackedThreshold = sz == 0 ? 1L << 30 : sz;
                ctx.reply().ok();
            }
            case "set-disable-deny-scripts" -> {
                requireArgs(ctx, argc == 3);
                disableDenyScripts = atoi(ctx.arg(2)) != 0;
                ctx.reply().ok();
            }
            case "set-skip-checksum-validation" -> {
                requireArgs(ctx, argc == 3);
                dev.chorus.node.persistence.RdbPayload.skipChecksumValidation = atoi(ctx.arg(2)) != 0;
                ctx.reply().ok();
            }
            case "change-repl-id" -> {
                requireArgs(ctx, argc == 2);
                Log.warning("Changing replication IDs after receiving DEBUG change-repl-id");
                ctx.server().replication().ids().changeForDebug();
                ctx.reply().ok();
            }
            case "replybuffer" -> {
                requireArgs(ctx, argc == 4);
                replyBuffer(ctx);
            }
            case "listpack" -> {
                requireArgs(ctx, argc == 3);
                KeyEntry e = lookupOrNoKey(ctx);
                if (!"listpack".equals(KeyspaceCommands.encodingOf(e.value()))) {
                    throw new CommandError("ERR Not a listpack encoded object.");
                }
                Log.notice("DEBUG LISTPACK " + ctx.argString(2) + ": " + ((RedisValue) e.value()).size()
                        + " elements, encoding listpack");
                ctx.reply().simple("Listpack structure printed on stdout");
            }
            case "quicklist" -> {
                requireArgs(ctx, argc == 3 || argc == 4);
                KeyEntry e = lookupOrNoKey(ctx);
                if (!(e.value() instanceof ListValue list)) {
                    throw new CommandError("ERR Not a quicklist encoded object.");
                }
                Log.notice("DEBUG QUICKLIST " + ctx.argString(2) + ":" + quicklistFields(list));
                ctx.reply().simple("Quicklist structure printed on stdout");
            }
            default -> throw syntax(ctx);
        }
    }

    private static void requireArgs(CommandContext ctx, boolean ok) {
        if (!ok) {
            throw syntax(ctx);
        }
    }

    /** addReplySubcommandSyntaxError. */
    private static CommandError syntax(CommandContext ctx) {
        String sub = new String(ctx.arg(1), StandardCharsets.ISO_8859_1);
        if (sub.length() > 128) {
            sub = sub.substring(0, 128);
        }
        return new CommandError("ERR unknown subcommand or wrong number of arguments for '" + sub
                + "'. Try DEBUG HELP.");
    }

    /** objectCommandLookupOrReply(.., shared.nokeyerr): a live key, or "no such key". */
    private static KeyEntry lookupOrNoKey(CommandContext ctx) {
        KeyEntry e = ctx.db().peek(ctx.arg(2));
        if (e == null || e.hasExpire() && e.expireAt() <= ctx.now()) {
            throw new CommandError(Errors.NO_SUCH_KEY);
        }
        return e;
    }

    // ---- SLEEP ----

    private static void sleep(CommandContext ctx) {
        double seconds = strtodPrefix(ctx.argString(2));
        long micros = (long) (seconds * 1_000_000);
        if (micros > 0) {
            // The whole server stops, as Redis' nanosleep inside the command does.
            long deadline = System.nanoTime() + micros * 1000;
            for (long left = micros * 1000; left > 0; left = deadline - System.nanoTime()) {
                try {
                    java.util.concurrent.TimeUnit.NANOSECONDS.sleep(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        ctx.reply().ok();
    }

    private static final java.util.regex.Pattern STRTOD_PREFIX = java.util.regex.Pattern.compile(
            "^\\s*[+-]?(\\d+\\.?\\d*([eE][+-]?\\d+)?|\\.\\d+([eE][+-]?\\d+)?|inf(inity)?)",
            java.util.regex.Pattern.CASE_INSENSITIVE);

    /** strtod(s, NULL): the longest leading decimal number, 0 when there is none. */
    static double strtodPrefix(String s) {
        java.util.regex.Matcher m = STRTOD_PREFIX.matcher(s);
        if (!m.find()) {
            return 0;
        }
        String num = m.group().trim();
        String lower = num.toLowerCase(Locale.ROOT);
        if (lower.contains("inf")) {
            return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        try {
            return Double.parseDouble(num);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** C atoi: optional white space and sign, then digits; 0 when there are none. */
    static long atoi(byte[] b) {
        int i = 0;
        while (i < b.length && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r'))) {
            i++;
        }
        boolean neg = false;
        if (i < b.length && (b[i] == '-' || b[i] == '+')) {
            neg = b[i] == '-';
            i++;
        }
        long v = 0;
        while (i < b.length && b[i] >= '0' && b[i] <= '9' && v < Long.MAX_VALUE / 10) {
            v = v * 10 + (b[i] - '0');
            i++;
        }
        return neg ? -v : v;
    }

    /** memtoull: digits with an optional unit (b, k, kb, m, mb, g, gb); -1 when invalid. */
    static long memtoull(byte[] b) {
        String s = new String(b, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0 || i > 18) {
            return -1;
        }
        long mul = switch (s.substring(i)) {
            case "", "b" -> 1;
            case "k" -> 1000;
            case "kb" -> 1024;
            case "m" -> 1000L * 1000;
            case "mb" -> 1024L * 1024;
            case "g" -> 1000L * 1000 * 1000;
            case "gb" -> 1024L * 1024 * 1024;
            default -> -1;
        };
        if (mul < 0) {
            return -1;
        }
        long v = Long.parseLong(s.substring(0, i));
        return Math.multiplyHigh(v, mul) != 0 || v * mul < 0 ? -1 : v * mul;
    }

    // ---- RELOAD ----

    private static void reload(CommandContext ctx) {
        boolean flush = true;
        boolean save = true;
        for (int j = 2; j < ctx.argc(); j++) {
            switch (ctx.option(j)) {
                case "merge" -> { }
                case "noflush" -> flush = false;
                case "nosave" -> save = false;
                default -> throw new CommandError(
                        "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
            }
        }
        Server server = ctx.server();
        if (save && !server.persistence().save().ok()) {
            throw new CommandError("ERR");
        }
        try {
            server.persistence().reloadForDebug(flush);
        } catch (java.io.IOException | RuntimeException e) {
            Log.warning("DEBUG RELOAD: " + e.getMessage());
            throw new CommandError("ERR Error trying to load the RDB dump");
        }
        Log.warning("DB reloaded by DEBUG RELOAD");
        ctx.reply().ok();
    }

    // ---- OBJECT ----

    private static void object(CommandContext ctx) {
        KeyEntry e = ctx.db().peek(ctx.arg(2));
        if (e == null) {
            throw new CommandError(Errors.NO_SUCH_KEY);
        }
        Object value = e.value();
        String encoding = KeyspaceCommands.encodingOf(e);
        long refcount = KeyspaceCommands.refcount(ctx, e);
        long serialized = RedisLayout.serializedLength(value,
                ctx.server().config().getBool(Directives.RDBCOMPRESSION));
        long lru = e.lru() & ((1 << 24) - 1);
        long nowSeconds = (ctx.now() / 1000) & ((1 << 24) - 1);
        long idle = nowSeconds >= lru ? nowSeconds - lru : nowSeconds + (1 << 24) - lru; // estimateObjectIdleTime
        String extra = value instanceof ListValue list ? quicklistFields(list) : "";
        ctx.reply().simple(String.format(Locale.ROOT,
                "Value at:0x7f%010x refcount:%d encoding:%s serializedlength:%d lru:%d lru_seconds_idle:%d%s",
                e.objectAddress(), refcount, encoding, serialized, lru, idle, extra));
    }

    /** The quicklist fields of DEBUG OBJECT for the quicklist Redis would build (list-max-listpack-size -2). */
    static String quicklistFields(ListValue list) {
        List<List<byte[]>> nodes = RedisLayout.quicklistNodes(list);
        long total = 0;
        for (List<byte[]> node : nodes) {
            total += RedisLayout.listpack(node).length;
        }
        String avg = nodes.isEmpty() ? "-nan" : String.format(Locale.ROOT, "%.2f", (double) list.size() / nodes.size());
        return String.format(Locale.ROOT, " ql_nodes:%d ql_avg_node:%s ql_listpack_max:-2 ql_compressed:0"
                + " ql_uncompressed_size:%d", nodes.size(), avg, total);
    }

    // ---- POPULATE ----

    private static void populate(CommandContext ctx) {
        long keys = ctx.longArg(2, Errors.NOT_POSITIVE); // getPositiveLongFromObjectOrReply
        if (keys < 0) {
            throw new CommandError(Errors.NOT_POSITIVE);
        }
        long valsize = 0;
        if (ctx.argc() == 5) {
            valsize = ctx.longArg(4, Errors.NOT_POSITIVE);
            if (valsize < 0) {
                throw new CommandError(Errors.NOT_POSITIVE);
            }
        }
        if (valsize > Runtime.getRuntime().maxMemory() / 4) {
            // Redis would try the allocation; a JVM that cannot satisfy it must not fall over.
            throw new CommandError("ERR OOM in DEBUG POPULATE: values of " + valsize + " bytes do not fit the heap");
        }
        String prefix = ctx.argc() == 3 ? "key" : new String(ctx.arg(3), StandardCharsets.ISO_8859_1);
        Database db = ctx.db();
        for (long j = 0; j < keys; j++) {
            String name = prefix + ":" + j;
            if (name.length() > 127) {
                name = name.substring(0, 127); // snprintf into a 128-byte buffer
            }
            byte[] key = name.getBytes(StandardCharsets.ISO_8859_1);
            if (db.lookup(key) != null) {
                continue;
            }
            byte[] def = ("value:" + j).getBytes(StandardCharsets.US_ASCII);
            byte[] val = def;
            if (valsize != 0) {
                val = new byte[(int) Math.min(valsize, Integer.MAX_VALUE - 16)];
                System.arraycopy(def, 0, val, 0, Math.min(def.length, val.length));
            }
            db.set(key, val, 0);
        }
        ctx.reply().ok();
    }

    // ---- PROTOCOL ----

    private static void protocol(CommandContext ctx) {
        boolean resp3 = ctx.reply().resp3();
        String out = switch (ctx.option(2)) {
            case "string" -> "$11\r\nHello World\r\n";
            case "integer" -> ":12345\r\n";
            case "double" -> resp3 ? ",3.141\r\n" : "$5\r\n3.141\r\n";
            case "bignum" -> resp3 ? "(1234567999999999999999999999999999999\r\n"
                    : "$37\r\n1234567999999999999999999999999999999\r\n";
            case "null" -> resp3 ? "_\r\n" : "$-1\r\n";
            case "array" -> "*3\r\n:0\r\n:1\r\n:2\r\n";
            case "set" -> (resp3 ? "~3" : "*3") + "\r\n:0\r\n:1\r\n:2\r\n";
            case "map" -> resp3 ? "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n"
                    : "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n";
            case "attrib" -> (resp3 ? "|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n" : "")
                    + "$39\r\nSome real reply following the attribute\r\n";
            case "push" -> {
                if (!resp3) {
                    throw new CommandError("ERR RESP2 is not supported by this command");
                }
                yield ">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n$40\r\nSome real reply following the push reply\r\n";
            }
            case "verbatim" -> resp3 ? "=29\r\ntxt:This is a verbatim\nstring\r\n"
                    : "$25\r\nThis is a verbatim\nstring\r\n";
            case "true" -> resp3 ? "#t\r\n" : ":1\r\n";
            case "false" -> resp3 ? "#f\r\n" : ":0\r\n";
            default -> throw new CommandError("ERR Wrong protocol type name. Please use one of the following: "
                    + "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
        };
        ctx.reply().raw(out.getBytes(StandardCharsets.US_ASCII));
    }

    // ---- REPLYBUFFER ----

    private static void replyBuffer(CommandContext ctx) {
        switch (ctx.option(2)) {
            case "peak-reset-time" -> {
                String v = ctx.option(3);
                if (v.equals("never")) {
                    replyBufferPeakResetTime = -1;
                } else if (v.equals("reset")) {
                    replyBufferPeakResetTime = 5000;
                } else {
                    replyBufferPeakResetTime = ctx.longArg(3);
                }
            }
            case "resizing" -> replyBufferResizing = atoi(ctx.arg(3)) != 0;
            default -> throw syntax(ctx);
        }
        ctx.reply().ok();
    }

    // ---- DIGEST (debug.c: xorDigest, mixDigest, xorObjectDigest, computeDatasetDigest) ----

    private static final byte[] EXPIRE_MARK = "!!expire!!".getBytes(StandardCharsets.US_ASCII);

    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    /** A reset SHA-1 instance (one per thread: a digest over millions of keys must not look one up each time). */
    private static MessageDigest sha1() {
        MessageDigest md = SHA1.get();
        md.reset();
        return md;
    }

    /** digest ^= SHA1(data): order-independent accumulation. */
    static void xorDigest(byte[] digest, byte[] data) {
        byte[] hash = sha1().digest(data);
        for (int j = 0; j < 20; j++) {
            digest[j] ^= hash[j];
        }
    }

    /** digest = SHA1(digest ^ SHA1(data)): order-dependent accumulation. */
    static void mixDigest(byte[] digest, byte[] data) {
        xorDigest(digest, data);
        byte[] mixed = sha1().digest(digest);
        System.arraycopy(mixed, 0, digest, 0, 20);
    }

    private static byte[] htonl(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** The Redis OBJ_* type number. */
    private static int objType(Object value) {
        return switch (ValueType.of(value)) {
            case STRING -> 0;
            case LIST -> 1;
            case SET -> 2;
            case ZSET -> 3;
            case HASH -> 4;
            case STREAM -> 6;
        };
    }

    /** xorObjectDigest: the value's type, contents and whether it has an expiry, mixed into {@code digest}. */
    static void objectDigest(byte[] digest, KeyEntry e) {
        Object o = e.value();
        mixDigest(digest, htonl(objType(o)));
        if (o instanceof byte[] s) {
            mixDigest(digest, s);
        } else if (o instanceof ListValue list) {
            for (int i = 0; i < list.size(); i++) {
                mixDigest(digest, list.get(i));
            }
        } else if (o instanceof SetValue set) {
            set.forEach(m -> xorDigest(digest, m));
        } else if (o instanceof ZSetValue zset) {
            for (SkipList.Node n = zset.first(); n != null; n = n.next()) {
                byte[] ele = new byte[20];
                mixDigest(ele, n.member());
                mixDigest(ele, Doubles.format(n.score()).getBytes(StandardCharsets.US_ASCII));
                xorDigest(digest, ele);
            }
        } else if (o instanceof HashValue hash) {
            hash.forEach(f -> {
                byte[] ele = new byte[20];
                mixDigest(ele, f.field());
                mixDigest(ele, f.value());
                xorDigest(digest, ele);
            });
        } else if (o instanceof dev.chorus.node.store.StreamValue stream) {
            var it = stream.iterator(dev.chorus.node.store.StreamValue.Id.MIN,
                    dev.chorus.node.store.StreamValue.Id.MAX, false, false);
            while (it.hasNext()) {
                var item = it.next();
                mixDigest(digest, (Long.toUnsignedString(item.id().ms()) + "."
                        + Long.toUnsignedString(item.id().seq())).getBytes(StandardCharsets.US_ASCII));
                byte[][] f = item.fields();
                byte[][] v = item.values();
                for (int i = 0; i < v.length; i++) {
                    mixDigest(digest, f[i]);
                    mixDigest(digest, v[i]);
                }
            }
        }
        if (e.hasExpire()) {
            xorDigest(digest, EXPIRE_MARK);
        }
    }

    /** computeDatasetDigest: per non-empty database its id mixed in, then every key's digest xored. */
    static byte[] datasetDigest(Server server) {
        byte[] fin = new byte[20];
        for (int j = 0; j < server.keyspace().databases(); j++) {
            Database db = server.keyspace().db(j);
            if (db.size() == 0) {
                continue;
            }
            mixDigest(fin, htonl(j));
            db.forEach(e -> {
                byte[] digest = new byte[20];
                mixDigest(digest, e.key());
                objectDigest(digest, e);
                xorDigest(fin, digest);
            });
        }
        return fin;
    }

    static String hex(byte[] digest) {
        return java.util.HexFormat.of().formatHex(digest);
    }

    // ---- HELP ----

    private static void help(CommandContext ctx) {
        ctx.reply().array(HELP.length);
        for (String line : HELP) {
            ctx.reply().simple(line);
        }
    }

    private static final String[] HELP = {
            "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "AOF-FLUSH-SLEEP <microsec>",
            "    Server will sleep before flushing the AOF, this is used for testing.",
            "ASSERT",
            "    Crash by assertion failed.",
            "CHANGE-REPL-ID",
            "    Change the replication IDs of the instance.",
            "    Dangerous: should be used only for testing the replication subsystem.",
            "CONFIG-REWRITE-FORCE-ALL",
            "    Like CONFIG REWRITE but writes all configuration options, including",
            "    keywords not listed in original configuration file or default values.",
            "CRASH-AND-RECOVER [<milliseconds>]",
            "    Hard crash and restart after a <milliseconds> delay (default 0).",
            "DIGEST",
            "    Output a hex signature representing the current DB content.",
            "DIGEST-VALUE <key> [<key> ...]",
            "    Output a hex signature of the values of all the specified keys.",
            "ERROR <string>",
            "    Return a Redis protocol error with <string> as message. Useful for clients",
            "    unit tests to simulate Redis errors.",
            "LEAK <string>",
            "    Create a memory leak of the input string.",
            "LOG <message>",
            "    Write <message> to the server log.",
            "HTSTATS <dbid>",
            "    Return hash table statistics of the specified Redis database.",
            "HTSTATS-KEY <key>",
            "    Like HTSTATS but for the hash table stored at <key>'s value.",
            "LOADAOF",
            "    Flush the AOF buffers on disk and reload the AOF in memory.",
            "REPLICATE <string>",
            "    Replicates the provided string to replicas, allowing data divergence.",
            "MALLCTL <key> [<val>]",
            "    Get or set a malloc tuning integer.",
            "MALLCTL-STR <key> [<val>]",
            "    Get or set a malloc tuning string.",
            "OBJECT <key>",
            "    Show low level info about `key` and associated value.",
            "DROP-CLUSTER-PACKET-FILTER <packet-type>",
            "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
            "OOM",
            "    Crash the server simulating an out-of-memory error.",
            "PANIC",
            "    Crash the server simulating a panic.",
            "POPULATE <count> [<prefix>] [<size>]",
            "    Create <count> string keys named key:<num>. If <prefix> is specified then",
            "    it is used instead of the 'key' prefix. These are not propagated to",
            "    replicas. Cluster slots are not respected so keys not belonging to the",
            "    current node can be created in cluster mode.",
            "PROTOCOL <type>",
            "    Reply with a test value of the specified type. <type> can be: string,",
            "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
            "    true, false.",
            "RELOAD [option ...]",
            "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
            "    * MERGE: conflicting keys will be loaded from RDB.",
            "    * NOFLUSH: the existing database will not be removed before load, but",
            "      conflicting keys will generate an exception and kill the server.",
            "    * NOSAVE: the database will be loaded from an existing RDB file.",
            "    Examples:",
            "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
            "      the database.",
            "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
            "      existing RDB file.",
            "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
            "      file to the database.",
            "RESTART [<milliseconds>]",
            "    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
            "SDSLEN <key>",
            "    Show low level SDS string info representing `key` and value.",
            "SEGFAULT",
            "    Crash the server with sigsegv.",
            "SET-ACTIVE-EXPIRE <0|1>",
            "    Setting it to 0 disables expiring keys in background when they are not",
            "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
            "    default.",
            "QUICKLIST-PACKED-THRESHOLD <size>",
            "    Sets the threshold for elements to be inserted as plain vs packed nodes",
            "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
            "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
            "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
            "SLEEP <seconds>",
            "    Stop the server for <seconds>. Decimals allowed.",
            "STRINGMATCH-TEST",
            "    Run a fuzz tester against the stringmatchlen() function.",
            "STRUCTSIZE",
            "    Return the size of different Redis core C structures.",
            "LISTPACK <key>",
            "    Show low level info about the listpack encoding of <key>.",
            "QUICKLIST <key> [<0|1>]",
            "    Show low level info about the quicklist encoding of <key>.",
            "    The optional argument (0 by default) sets the level of detail",
            "CLIENT-EVICTION",
            "    Show low level client eviction pools info (maxmemory-clients).",
            "PAUSE-CRON <0|1>",
            "    Stop periodic cron job processing.",
            "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
            "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
            "    In case NEVER is provided the last observed peak will never be reset",
            "    In case RESET is provided the peak reset time will be restored to the default value",
            "REPLYBUFFER RESIZING <0|1>",
            "    Enable or disable the reply buffer resize cron job",
            "CLUSTERLINK KILL <to|from|all> <node-id>",
            "    Kills the link based on the direction to/from (both) with the provided node.",
            "HELP",
            "    Prints this help.",
    };
}
