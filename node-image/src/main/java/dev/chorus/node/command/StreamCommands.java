package dev.chorus.node.command;

import static dev.chorus.node.command.CommandContext.bytes;

import dev.chorus.node.command.blocking.BlockedClients;
import dev.chorus.node.command.blocking.BlockedOperation;
import dev.chorus.node.command.meta.KeyRef;
import dev.chorus.node.command.meta.KeysProc;
import dev.chorus.node.net.Client;
import dev.chorus.node.resp.RespWriter;
import dev.chorus.node.store.Database;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.StreamValue;
import dev.chorus.node.store.StreamValue.Consumer;
import dev.chorus.node.store.StreamValue.Group;
import dev.chorus.node.store.StreamValue.Id;
import dev.chorus.node.store.StreamValue.Item;
import dev.chorus.node.store.StreamValue.Nack;
import dev.chorus.node.store.ValueType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The stream family (t_stream.c of Redis 7.0): XADD, XRANGE, XREAD, consumer groups and their pending entries, XINFO.
 * Argument checks follow Redis' order, since that decides which error a bad call gets; replicas receive what Redis
 * sends them (XADD with the generated ID and exact trimming, XREADGROUP/XCLAIM/XAUTOCLAIM as XCLAIM ... LASTID and
 * XGROUP SETID).
 */
public final class StreamCommands implements CommandFamily {
    static final String INVALID_ID = "ERR Invalid stream ID specified as stream command argument";
    private static final byte[] XCLAIM = bytes("XCLAIM");
    private static final byte[] XGROUP = bytes("XGROUP");
    private static final byte[] SETID = bytes("SETID");
    private static final byte[] ENTRIESREAD = bytes("ENTRIESREAD");
    private static final byte[] CREATECONSUMER = bytes("CREATECONSUMER");
    private static final byte[] TIME = bytes("TIME");
    private static final byte[] RETRYCOUNT = bytes("RETRYCOUNT");
    private static final byte[] FORCE = bytes("FORCE");
    private static final byte[] JUSTID = bytes("JUSTID");
    private static final byte[] LASTID = bytes("LASTID");
    private static final byte[] ZERO = bytes("0");
    private static final byte[] EQUALS = bytes("=");
    private static final int XREAD_BLOCKED_DEFAULT_COUNT = 1000;

    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(
                CommandSpec.of("xadd", -5, "write denyoom fast", StreamCommands::xadd),
                CommandSpec.of("xlen", 2, "readonly fast", StreamCommands::xlen),
                CommandSpec.of("xrange", -4, "readonly", ctx -> xrange(ctx, false)),
                CommandSpec.of("xrevrange", -4, "readonly", ctx -> xrange(ctx, true)),
                CommandSpec.of("xdel", -3, "write fast", StreamCommands::xdel),
                CommandSpec.of("xtrim", -4, "write", StreamCommands::xtrim),
                CommandSpec.of("xread", -4, "readonly blocking", StreamCommands::xread)
                        .getKeys(XREAD_KEYS),
                CommandSpec.of("xreadgroup", -7, "write blocking", StreamCommands::xread)
                        .getKeys(XREAD_KEYS),
                CommandSpec.of("xgroup", -2, "")
                        .sub(CommandSpec.of("create", -5, "write denyoom", StreamCommands::xgroup))
                        .sub(CommandSpec.of("createconsumer", 5, "write denyoom", StreamCommands::xgroup))
                        .sub(CommandSpec.of("delconsumer", 5, "write", StreamCommands::xgroup))
                        .sub(CommandSpec.of("destroy", 4, "write", StreamCommands::xgroup))
                        .sub(CommandSpec.of("setid", -5, "write", StreamCommands::xgroup))
                        .sub(CommandSpec.of("help", 2, "loading stale", StreamCommands::xgroupHelp)),
                CommandSpec.of("xsetid", -3, "write denyoom fast", StreamCommands::xsetid),
                CommandSpec.of("xack", -4, "write fast", StreamCommands::xack),
                CommandSpec.of("xpending", -3, "readonly", StreamCommands::xpending),
                CommandSpec.of("xclaim", -6, "write fast", StreamCommands::xclaim),
                CommandSpec.of("xautoclaim", -6, "write fast", StreamCommands::xautoclaim),
                CommandSpec.of("xinfo", -2, "")
                        .sub(CommandSpec.of("consumers", 4, "readonly", StreamCommands::xinfo))
                        .sub(CommandSpec.of("groups", 3, "readonly", StreamCommands::xinfo))
                        .sub(CommandSpec.of("stream", -3, "readonly", StreamCommands::xinfo))
                        .sub(CommandSpec.of("help", 2, "loading stale", StreamCommands::xinfo)));
    }

    /** xreadGetKeys: the keys after STREAMS, half of what follows it. */
    static final KeysProc XREAD_KEYS = argv -> {
        int streamsPos = -1;
        for (int i = 1; i < argv.length; i++) {
            String a = new String(argv[i], StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
            if (a.equals("block") || a.equals("count")) {
                i++;
            } else if (a.equals("group")) {
                i += 2;
            } else if (a.equals("noack")) {
                continue;
            } else if (a.equals("streams")) {
                streamsPos = i;
                break;
            } else {
                break;
            }
        }
        int num = streamsPos == -1 ? 0 : argv.length - streamsPos - 1;
        if (streamsPos == -1 || num == 0 || num % 2 != 0) {
            return List.of();
        }
        num /= 2;
        List<KeyRef> keys = new ArrayList<>(num);
        for (int i = streamsPos + 1; i < argv.length - num; i++) {
            keys.add(new KeyRef(i, List.of()));
        }
        return keys;
    };

    // ---- IDs ----

    /** The argument as a C string (up to its first NUL), as Redis' parsers see it. */
    private static byte[] cstring(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                return Arrays.copyOf(b, i);
            }
        }
        return b;
    }

    /** string2ull: string2ll for non-negative values, else strtoull (spaces, '+', '-', leading zeros). */
    static Long string2ull(byte[] s) {
        Long ll = CommandContext.parseLongOrNull(s);
        if (ll != null) {
            return ll < 0 ? null : ll;
        }
        int i = 0;
        int n = s.length;
        while (i < n && (s[i] == ' ' || (s[i] >= 9 && s[i] <= 13))) {
            i++;
        }
        boolean neg = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            neg = s[i] == '-';
            i++;
        }
        if (i >= n || s[i] < '0' || s[i] > '9') {
            return null;
        }
        long v = 0;
        for (; i < n; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) {
                return null;
            }
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0) {
                return null;
            }
            long next = v * 10 + d;
            if (Long.compareUnsigned(next, v * 10) < 0) {
                return null;
            }
            v = next;
        }
        return neg ? -v : v;
    }

    /**
     * streamGenericParseIDOrReply. {@code seqGiven} non-null accepts "ms-*" (then seqGiven[0] is false); strict
     * refuses "-" and "+".
     */
    static Id parseId(byte[] arg, long missingSeq, boolean strict, boolean[] seqGiven) {
        if (arg.length > 127) {
            throw new CommandError(INVALID_ID);
        }
        byte[] buf = cstring(arg);
        boolean single = buf.length == 1;
        if (strict && single && (buf[0] == '-' || buf[0] == '+')) {
            throw new CommandError(INVALID_ID);
        }
        if (seqGiven != null) {
            seqGiven[0] = true;
        }
        if (single && buf[0] == '-') {
            return Id.MIN;
        }
        if (single && buf[0] == '+') {
            return Id.MAX;
        }
        int dash = -1;
        for (int i = 0; i < buf.length; i++) {
            if (buf[i] == '-') {
                dash = i;
                break;
            }
        }
        Long ms = string2ull(dash < 0 ? buf : Arrays.copyOf(buf, dash));
        if (ms == null) {
            throw new CommandError(INVALID_ID);
        }
        long seq;
        if (dash >= 0) {
            byte[] rest = Arrays.copyOfRange(buf, dash + 1, buf.length);
            if (seqGiven != null && rest.length == 1 && rest[0] == '*') {
                seq = 0;
                seqGiven[0] = false;
            } else {
                Long s = string2ull(rest);
                if (s == null) {
                    throw new CommandError(INVALID_ID);
                }
                seq = s;
            }
        } else {
            seq = missingSeq;
        }
        return new Id(ms, seq);
    }

    static Id parseStrict(byte[] arg) {
        return parseId(arg, 0, true, null);
    }

    /** streamParseIntervalIDOrReply: "(" makes the bound exclusive (and strict). */
    private static Id parseInterval(byte[] arg, long missingSeq, boolean[] exclusive) {
        exclusive[0] = arg.length > 1 && arg[0] == '(';
        if (exclusive[0]) {
            return parseId(Arrays.copyOfRange(arg, 1, arg.length), missingSeq, true, null);
        }
        return parseId(arg, missingSeq, false, null);
    }

    private static StreamValue stream(KeyEntry e) {
        return (StreamValue) e.value();
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    private static String str(byte[] b) {
        return new String(cstring(b), StandardCharsets.ISO_8859_1);
    }

    // ---- replies ----

    private static void replyId(RespWriter out, Id id) {
        out.bulk(id.bytes());
    }

    private static void replyItem(RespWriter out, Item item) {
        out.array(2);
        replyId(out, item.id());
        byte[][] f = item.fields();
        byte[][] v = item.values();
        out.array(v.length * 2);
        for (int i = 0; i < v.length; i++) {
            out.bulk(f[i]);
            out.bulk(v[i]);
        }
    }

    /** streamReplyWithRange without a group: the entries as an array (or raw when {@code raw}). */
    private static int replyRange(RespWriter out, StreamValue s, Id start, Id end, long count, boolean rev,
                                  boolean raw) {
        List<Item> items = new ArrayList<>();
        Iterator<Item> it = s.iterator(start, end, rev, false);
        while (it.hasNext() && (count == 0 || items.size() < count)) {
            items.add(it.next());
        }
        if (!raw) {
            out.array(items.size());
        }
        for (Item item : items) {
            replyItem(out, item);
        }
        return items.size();
    }

    // ---- XADD / XTRIM ----

    /** streamAddTrimArgs. */
    private static final class TrimArgs {
        Id id;
        boolean idGiven;
        boolean seqGiven;
        boolean noMkstream;
        int strategy; // 0 none, 1 maxlen, 2 minid
        int strategyArgIdx;
        boolean approx;
        long limit;
        long maxlen;
        Id minid;
    }

    private static final String BOTH_STRATEGIES =
            "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";

    /** streamParseAddOrTrimArgsOrReply: returns the ID's position (XADD). */
    private static int parseAddOrTrim(CommandContext ctx, TrimArgs args, boolean xadd) {
        int i = 2;
        boolean limitGiven = false;
        int argc = ctx.argc();
        for (; i < argc; i++) {
            int moreargs = argc - 1 - i;
            byte[] opt = ctx.arg(i);
            String o = ctx.option(i);
            if (xadd && opt.length == 1 && opt[0] == '*') {
                break;
            } else if (o.equals("maxlen") && moreargs > 0) {
                if (args.strategy != 0) {
                    throw new CommandError(BOTH_STRATEGIES);
                }
                args.approx = false;
                byte[] next = ctx.arg(i + 1);
                if (moreargs >= 2 && next.length == 1 && next[0] == '~') {
                    args.approx = true;
                    i++;
                } else if (moreargs >= 2 && next.length == 1 && next[0] == '=') {
                    i++;
                }
                args.maxlen = ctx.longArg(i + 1);
                if (args.maxlen < 0) {
                    throw new CommandError("ERR The MAXLEN argument must be >= 0.");
                }
                i++;
                args.strategy = 1;
                args.strategyArgIdx = i;
            } else if (o.equals("minid") && moreargs > 0) {
                if (args.strategy != 0) {
                    throw new CommandError(BOTH_STRATEGIES);
                }
                args.approx = false;
                byte[] next = ctx.arg(i + 1);
                if (moreargs >= 2 && next.length == 1 && next[0] == '~') {
                    args.approx = true;
                    i++;
                } else if (moreargs >= 2 && next.length == 1 && next[0] == '=') {
                    i++;
                }
                args.minid = parseId(ctx.arg(i + 1), 0, true, null);
                i++;
                args.strategy = 2;
                args.strategyArgIdx = i;
            } else if (o.equals("limit") && moreargs > 0) {
                args.limit = ctx.longArg(i + 1);
                if (args.limit < 0) {
                    throw new CommandError("ERR The LIMIT argument must be >= 0.");
                }
                limitGiven = true;
                i++;
            } else if (xadd && o.equals("nomkstream")) {
                args.noMkstream = true;
            } else if (xadd) {
                boolean[] seqGiven = new boolean[1];
                args.id = parseId(opt, 0, true, seqGiven);
                args.seqGiven = seqGiven[0];
                args.idGiven = true;
                break;
            } else {
                throw Errors.syntax();
            }
        }
        if (args.limit != 0 && args.strategy == 0) {
            throw new CommandError("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
        }
        if (!xadd && args.strategy == 0) {
            throw new CommandError("ERR syntax error, XTRIM must be called with a trimming strategy");
        }
        if (ctx.client().kind() == Client.Kind.MASTER) {
            args.limit = 0;
        } else if (limitGiven) {
            if (!args.approx) {
                throw new CommandError("ERR syntax error, LIMIT cannot be used without the special ~ option");
            }
        } else if (args.approx) {
            long l = 100 * StreamValue.nodeMaxEntries();
            if (l <= 0) {
                l = 10000;
            }
            if (l > 1000000) {
                l = 1000000;
            }
            args.limit = l;
        } else {
            args.limit = 0;
        }
        return i;
    }

    private static long trim(StreamValue s, TrimArgs args) {
        if (args.strategy == 0) {
            return 0;
        }
        return s.trim(args.maxlen, args.strategy == 2 ? args.minid : null, args.approx, args.limit);
    }

    /** streamRewriteApproxSpecifier + streamRewriteTrimArgument on a copy of argv. */
    private static void rewriteTrim(byte[][] argv, StreamValue s, TrimArgs args) {
        argv[args.strategyArgIdx - 1] = EQUALS;
        if (args.strategy == 1) {
            argv[args.strategyArgIdx] = bytes(s.length());
        } else {
            argv[args.strategyArgIdx] = s.edgeId(true, false).bytes();
        }
    }

    static void xadd(CommandContext ctx) {
        TrimArgs args = new TrimArgs();
        int idpos = parseAddOrTrim(ctx, args, true);
        int fieldPos = idpos + 1;
        int rest = ctx.argc() - fieldPos;
        if (rest < 2 || rest % 2 == 1) {
            throw Errors.arity(ctx.spec().fullName());
        }
        if (args.idGiven && args.seqGiven && args.id.isZero()) {
            throw new CommandError("ERR The ID specified in XADD must be greater than 0-0");
        }
        byte[] key = ctx.arg(1);
        Database db = ctx.db();
        KeyEntry e = db.lookup(key);
        if (e != null && e.type() != ValueType.STREAM) {
            throw Errors.wrongType();
        }
        StreamValue s;
        if (e == null) {
            if (args.noMkstream) {
                ctx.reply().nullBulk();
                return;
            }
            s = new StreamValue();
        } else {
            s = (StreamValue) e.value();
        }
        if (s.lastId.equals(Id.MAX)) {
            throw new CommandError("ERR The stream has exhausted the last possible ID, unable to add more items");
        }
        // Generate the ID (streamAppendItem's first part).
        Id id;
        if (args.idGiven) {
            if (args.seqGiven) {
                id = args.id;
            } else if (s.lastId.ms() == args.id.ms()) {
                if (s.lastId.seq() == -1L) {
                    throw new CommandError(
                            "ERR The ID specified in XADD is equal or smaller than the target stream top item");
                }
                id = new Id(args.id.ms(), s.lastId.seq() + 1);
            } else {
                id = args.id;
            }
        } else {
            long ms = now();
            if (Long.compareUnsigned(ms, s.lastId.ms()) > 0) {
                id = new Id(ms, 0);
            } else {
                id = s.lastId.next();
                if (id == null) {
                    id = Id.MIN;
                }
            }
        }
        if (id.compareTo(s.lastId) <= 0) {
            throw new CommandError(
                    "ERR The ID specified in XADD is equal or smaller than the target stream top item");
        }
        long total = 0;
        for (int i = fieldPos; i < ctx.argc(); i++) {
            total += ctx.arg(i).length;
        }
        if (total > StreamValue.LISTPACK_MAX_SIZE) {
            throw new CommandError("ERR Elements are too large to be stored");
        }
        if (e == null) {
            s.append(id, ctx.argv(), fieldPos);
            e = db.set(key, s, 0);
        } else {
            s = db.mutable(e);
            s.append(id, ctx.argv(), fieldPos);
        }
        byte[] replyId = id.bytes();
        ctx.reply().bulk(replyId);
        ctx.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xadd", key);
        ctx.dirty();
        byte[][] argv = ctx.argv().clone();
        if (args.strategy != 0) {
            if (trim(s, args) > 0) {
                ctx.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xtrim", key);
            }
            if (args.approx) {
                rewriteTrim(argv, s, args);
            }
        }
        if (!args.idGiven || !args.seqGiven) {
            argv[idpos] = replyId;
        }
        ctx.replaceArgv(argv);
        db.changed(e);
        ctx.server().blockedClients().signalReady(db, key);
    }

    static void xlen(CommandContext ctx) {
        KeyEntry e = ctx.entry(ctx.arg(1), ValueType.STREAM);
        ctx.reply().integer(e == null ? 0 : stream(e).length());
    }

    static void xrange(CommandContext ctx, boolean rev) {
        byte[] startArg = rev ? ctx.arg(3) : ctx.arg(2);
        byte[] endArg = rev ? ctx.arg(2) : ctx.arg(3);
        boolean[] ex = new boolean[1];
        Id start = parseInterval(startArg, 0, ex);
        if (ex[0]) {
            start = start.next();
            if (start == null) {
                throw new CommandError("ERR invalid start ID for the interval");
            }
        }
        Id end = parseInterval(endArg, -1L, ex);
        if (ex[0]) {
            end = end.prev();
            if (end == null) {
                throw new CommandError("ERR invalid end ID for the interval");
            }
        }
        long count = -1;
        for (int j = 4; j < ctx.argc(); j++) {
            int additional = ctx.argc() - j - 1;
            if (ctx.optionIs(j, "count") && additional >= 1) {
                count = ctx.longArg(j + 1);
                if (count < 0) {
                    count = 0;
                }
                j++;
            } else {
                throw Errors.syntax();
            }
        }
        KeyEntry e = ctx.entry(ctx.arg(1), ValueType.STREAM);
        if (e == null) {
            ctx.reply().emptyArray();
            return;
        }
        if (count == 0) {
            ctx.reply().nullArray();
            return;
        }
        replyRange(ctx.reply(), stream(e), start, end, count == -1 ? 0 : count, rev, false);
    }

    static void xdel(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        KeyEntry e = ctx.entry(key, ValueType.STREAM);
        if (e == null) {
            ctx.reply().integer(0);
            return;
        }
        Id[] ids = new Id[ctx.argc() - 2];
        for (int j = 2; j < ctx.argc(); j++) {
            ids[j - 2] = parseStrict(ctx.arg(j));
        }
        StreamValue cur = stream(e);
        boolean any = false;
        for (Id id : ids) {
            if (cur.find(id) != null) {
                any = true;
                break;
            }
        }
        int deleted = 0;
        if (any) {
            Database db = ctx.db();
            StreamValue s = db.mutable(e);
            boolean firstEntry = false;
            for (Id id : ids) {
                if (s.delete(id)) {
                    if (id.equals(s.firstId)) {
                        firstEntry = true;
                    }
                    if (id.compareTo(s.maxDeletedEntryId) > 0) {
                        s.maxDeletedEntryId = id;
                    }
                    deleted++;
                }
            }
            if (s.length() == 0) {
                s.firstId = Id.MIN;
            } else if (firstEntry) {
                s.firstId = s.edgeId(true, true);
            }
            db.changed(e);
            ctx.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xdel", key);
            ctx.dirty(deleted);
        }
        ctx.reply().integer(deleted);
    }

    static void xtrim(CommandContext ctx) {
        TrimArgs args = new TrimArgs();
        parseAddOrTrim(ctx, args, false);
        byte[] key = ctx.arg(1);
        KeyEntry e = ctx.entry(key, ValueType.STREAM);
        if (e == null) {
            ctx.reply().integer(0);
            return;
        }
        Database db = ctx.db();
        StreamValue s = db.mutable(e);
        long deleted = trim(s, args);
        if (deleted > 0) {
            ctx.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xtrim", key);
            if (args.approx) {
                byte[][] argv = ctx.argv().clone();
                rewriteTrim(argv, s, args);
                ctx.replaceArgv(argv);
            }
            ctx.dirty(deleted);
            db.changed(e);
        } else {
            db.changedQuietly(e);
        }
        ctx.reply().integer(deleted);
    }

    // ---- XREAD / XREADGROUP ----

    static void xread(CommandContext ctx) {
        long timeout = -1;
        long count = 0;
        int streamsArg = 0;
        int streamsCount = 0;
        boolean noack = false;
        boolean xreadgroup = ctx.spec().name().equals("xreadgroup");
        byte[] groupName = null;
        byte[] consumerName = null;
        int argc = ctx.argc();
        for (int i = 1; i < argc; i++) {
            int moreargs = argc - i - 1;
            String o = ctx.option(i);
            if (o.equals("block") && moreargs > 0) {
                i++;
                timeout = ctx.longArg(i, "ERR timeout is not an integer or out of range");
                if (timeout < 0) {
                    throw new CommandError("ERR timeout is negative");
                }
            } else if (o.equals("count") && moreargs > 0) {
                i++;
                count = ctx.longArg(i);
                if (count < 0) {
                    count = 0;
                }
            } else if (o.equals("streams") && moreargs > 0) {
                streamsArg = i + 1;
                streamsCount = argc - streamsArg;
                if (streamsCount % 2 != 0) {
                    throw new CommandError("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' "
                            + "must be specified.");
                }
                streamsCount /= 2;
                break;
            } else if (o.equals("group") && moreargs >= 2) {
                if (!xreadgroup) {
                    throw new CommandError(
                            "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
                }
                groupName = ctx.arg(i + 1);
                consumerName = ctx.arg(i + 2);
                i += 2;
            } else if (o.equals("noack")) {
                if (!xreadgroup) {
                    throw new CommandError(
                            "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
                }
                noack = true;
            } else {
                throw Errors.syntax();
            }
        }
        if (streamsArg == 0) {
            throw Errors.syntax();
        }
        if (xreadgroup && groupName == null) {
            throw new CommandError("ERR Missing GROUP option for XREADGROUP");
        }
        Id[] ids = new Id[streamsCount];
        boolean[] newOnly = new boolean[streamsCount];
        for (int i = streamsArg + streamsCount; i < argc; i++) {
            int idx = i - streamsArg - streamsCount;
            byte[] key = ctx.arg(i - streamsCount);
            KeyEntry e = ctx.entry(key, ValueType.STREAM);
            if (groupName != null) {
                if (e == null || stream(e).group(groupName) == null) {
                    throw new CommandError("NOGROUP No such key '" + str(key) + "' or consumer group '"
                            + str(groupName) + "' in XREADGROUP with GROUP option");
                }
            }
            byte[] a = ctx.arg(i);
            if (a.length == 1 && a[0] == '$') {
                if (xreadgroup) {
                    throw new CommandError("ERR The $ ID is meaningless in the context of XREADGROUP: you want to "
                            + "read the history of this consumer by specifying a proper ID, or use the > ID to get "
                            + "new messages. The $ ID would just return an empty result set.");
                }
                ids[idx] = e != null ? stream(e).lastId : Id.MIN;
                continue;
            } else if (a.length == 1 && a[0] == '>') {
                if (!xreadgroup) {
                    throw new CommandError("ERR The > ID can be specified only when calling XREADGROUP using the "
                            + "GROUP <group> <consumer> option.");
                }
                ids[idx] = Id.MAX;
                newOnly[idx] = true;
                continue;
            }
            ids[idx] = parseStrict(a);
        }

        // Try to serve synchronously.
        RespWriter out = ctx.reply();
        List<Runnable> answers = new ArrayList<>();
        List<byte[][]> props = new ArrayList<>();
        final byte[] group = groupName;
        final byte[] consumerNameF = consumerName;
        final boolean noackF = noack;
        final long countF = count;
        Database db = ctx.db();
        for (int i = 0; i < streamsCount; i++) {
            byte[] key = ctx.arg(streamsArg + i);
            KeyEntry e = db.lookup(key);
            if (e == null) {
                continue;
            }
            StreamValue s = stream(e);
            Id gt = ids[i];
            boolean serve = false;
            boolean history = false;
            if (group != null) {
                if (!gt.equals(Id.MAX)) {
                    serve = true;
                    history = true;
                } else if (s.length() > 0) {
                    Id last = s.group(group).lastId;
                    if (s.edgeId(false, true).compareTo(last) > 0) {
                        serve = true;
                        gt = last;
                    }
                }
            } else if (s.length() > 0 && s.edgeId(false, true).compareTo(gt) > 0) {
                serve = true;
            }
            if (!serve) {
                continue;
            }
            Id start = gt.next();
            boolean hist = history;
            answers.add(() -> {
                if (!out.resp3()) {
                    out.array(2);
                }
                out.bulk(key);
                if (group == null) {
                    replyRange(out, s, start == null ? Id.MAX : start, Id.MAX, countF, false, false);
                    return;
                }
                StreamValue ms = db.mutable(e);
                Group g = ms.group(group);
                Consumer consumer = lookupOrCreateConsumer(ctx, ms, g, consumerNameF, key, noackF, props);
                if (hist) {
                    replyFromConsumerPel(out, ms, start == null ? Id.MAX : start, countF, consumer);
                } else {
                    replyGroupRange(ctx, out, ms, start == null ? Id.MAX : start, countF, g, consumer, noackF,
                            key, group, props);
                }
                ctx.dirty();
                db.changedQuietly(e);
            });
        }
        if (!answers.isEmpty()) {
            if (out.resp3()) {
                out.map(answers.size());
            } else {
                out.array(answers.size());
            }
            answers.forEach(Runnable::run);
            finishPropagation(ctx, props);
            return;
        }
        ctx.suppressPropagation();
        if (timeout != -1) {
            if (!BlockedClients.mayBlock(ctx)) {
                out.nullArray();
                return;
            }
            List<byte[]> keys = new ArrayList<>();
            Map<String, Id> gtByKey = new java.util.HashMap<>();
            for (int i = 0; i < streamsCount; i++) {
                keys.add(ctx.arg(streamsArg + i));
                gtByKey.putIfAbsent(new String(ctx.arg(streamsArg + i), StandardCharsets.ISO_8859_1), ids[i]);
            }
            long blockCount = count != 0 ? count : XREAD_BLOCKED_DEFAULT_COUNT;
            BlockedOperation op = (c, key) -> serveBlocked(c, key,
                    gtByKey.get(new String(key, StandardCharsets.ISO_8859_1)), blockCount, group, consumerNameF,
                    noackF);
            ctx.server().blockedClients().block(ctx, ValueType.STREAM, keys, timeout, op);
            return;
        }
        out.nullArray();
    }

    /** serveClientsBlockedOnStreamKey for one client. */
    private static boolean serveBlocked(CommandContext c, byte[] key, Id gtAtBlock, long count, byte[] group,
                                        byte[] consumerName, boolean noack) {
        Database db = c.db();
        KeyEntry e = db.peek(key);
        if (e != null && db.lookup(key) == null) {
            e = null;
        }
        if (e == null || e.type() != ValueType.STREAM) {
            if (group != null) {
                throw new CommandError("UNBLOCKED the stream key no longer exists");
            }
            return false;
        }
        StreamValue s = stream(e);
        Id gt = gtAtBlock;
        if (group != null) {
            Group g = s.group(group);
            if (g == null) {
                throw new CommandError("NOGROUP the consumer group this client was blocked on no longer exists");
            }
            gt = g.lastId;
        }
        if (s.lastId.compareTo(gt) <= 0) {
            return false;
        }
        Id start = gt.next();
        RespWriter out = c.reply();
        List<byte[][]> props = new ArrayList<>();
        if (group == null) {
            if (out.resp3()) {
                out.map(1);
            } else {
                out.array(1).array(2);
            }
            out.bulk(key);
            replyRange(out, s, start, Id.MAX, count, false, false);
            c.suppressPropagation();
            return true;
        }
        StreamValue ms = db.mutable(e);
        Group g = ms.group(group);
        Consumer consumer = lookupOrCreateConsumer(c, ms, g, consumerName, key, noack, props);
        if (out.resp3()) {
            out.map(1);
        } else {
            out.array(1).array(2);
        }
        out.bulk(key);
        replyGroupRange(c, out, ms, start, count, g, consumer, noack, key, group, props);
        db.changedQuietly(e);
        finishPropagation(c, props);
        return true;
    }

    private static void finishPropagation(CommandContext ctx, List<byte[][]> props) {
        if (props.isEmpty()) {
            ctx.suppressPropagation();
        } else {
            for (byte[][] p : props) {
                ctx.propagate(p);
            }
        }
    }

    private static Consumer lookupOrCreateConsumer(CommandContext ctx, StreamValue s, Group g, byte[] name,
                                                   byte[] key, boolean noack, List<byte[][]> props) {
        Consumer consumer = g.consumers.get(name);
        if (consumer != null) {
            consumer.seenTime = now();
            return consumer;
        }
        consumer = createConsumer(ctx, s, g, name, key);
        if (noack) {
            props.add(new byte[][] {XGROUP, CREATECONSUMER, key, g.name, name});
        }
        return consumer;
    }

    /** streamCreateConsumer with SCC_DEFAULT: dirty and the xgroup-createconsumer event. */
    /** XCLAIM/XAUTOCLAIM's consumer: the existing one, marked seen at {@code now}, or a new one. */
    private static Consumer seenOrCreated(CommandContext ctx, StreamValue s, Group g, byte[] name, byte[] key,
                                          long now) {
        Consumer consumer = g.consumers.get(name);
        if (consumer == null) {
            return createConsumer(ctx, s, g, name, key);
        }
        consumer.seenTime = now;
        return consumer;
    }

    private static Consumer createConsumer(CommandContext ctx, StreamValue s, Group g, byte[] name, byte[] key) {
        Consumer consumer = new Consumer(name, now());
        g.consumers.put(name, consumer);
        s.addMemory(64 + name.length);
        ctx.dirty();
        ctx.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xgroup-createconsumer", key);
        return consumer;
    }

    /** streamReplyWithRange with a group and consumer: delivers new entries, creating pending entries. */
    private static void replyGroupRange(CommandContext ctx, RespWriter out, StreamValue s, Id start, long count,
                                        Group g, Consumer consumer, boolean noack, byte[] key, byte[] groupName,
                                        List<byte[][]> props) {
        List<Item> items = new ArrayList<>();
        Iterator<Item> it = s.iterator(start, Id.MAX, false, false);
        while (it.hasNext() && (count == 0 || items.size() < count)) {
            items.add(it.next());
        }
        out.array(items.size());
        boolean propagateLastId = false;
        long now = now();
        for (Item item : items) {
            Id id = item.id();
            if (id.compareTo(g.lastId) > 0) {
                if (g.entriesRead != StreamValue.INVALID_ENTRIES_READ && !rangeHasTombstones(s, id, null)) {
                    g.entriesRead++;
                } else if (s.entriesAdded != 0) {
                    g.entriesRead = estimateDistance(s, id);
                }
                g.lastId = id;
                if (noack) {
                    propagateLastId = true;
                }
            }
            replyItem(out, item);
            if (!noack) {
                Nack nack = g.pel.get(id);
                if (nack == null) {
                    nack = new Nack(consumer, now, 1);
                    g.pel.put(id, nack);
                    consumer.pel.put(id, nack);
                    s.addMemory(80);
                } else {
                    nack.consumer.pel.remove(id);
                    nack.consumer = consumer;
                    nack.deliveryTime = now;
                    nack.deliveryCount = 1;
                    consumer.pel.put(id, nack);
                }
                props.add(xclaimPropagation(key, g, groupName, id.bytes(), nack));
            }
        }
        if (propagateLastId) {
            props.add(groupIdPropagation(key, g, groupName));
        }
    }

    /** streamReplyWithRangeFromConsumerPEL: the consumer's own pending entries from start. */
    private static void replyFromConsumerPel(RespWriter out, StreamValue s, Id start, long count,
                                             Consumer consumer) {
        List<Map.Entry<Id, Nack>> entries = new ArrayList<>();
        for (Map.Entry<Id, Nack> me : consumer.pel.tailMap(start, true).entrySet()) {
            if (count != 0 && entries.size() >= count) {
                break;
            }
            entries.add(me);
        }
        out.array(entries.size());
        long now = now();
        for (Map.Entry<Id, Nack> me : entries) {
            Item item = s.find(me.getKey());
            if (item == null) {
                out.array(2);
                replyId(out, me.getKey());
                out.nullArray();
            } else {
                replyItem(out, item);
                me.getValue().deliveryTime = now;
                me.getValue().deliveryCount++;
            }
        }
    }

    /** streamPropagateXCLAIM. */
    private static byte[][] xclaimPropagation(byte[] key, Group g, byte[] groupName, byte[] id, Nack nack) {
        return new byte[][] {XCLAIM, key, groupName, nack.consumer.name, ZERO, id, TIME, bytes(nack.deliveryTime),
                RETRYCOUNT, bytes(nack.deliveryCount), FORCE, JUSTID, LASTID, g.lastId.bytes()};
    }

    /** streamPropagateGroupID. */
    private static byte[][] groupIdPropagation(byte[] key, Group g, byte[] groupName) {
        return new byte[][] {XGROUP, SETID, key, groupName, g.lastId.bytes(), ENTRIESREAD, bytes(g.entriesRead)};
    }

    /** streamRangeHasTombstones. */
    static boolean rangeHasTombstones(StreamValue s, Id start, Id end) {
        if (s.length() == 0 || s.maxDeletedEntryId.isZero()) {
            return false;
        }
        if (s.firstId.compareTo(s.maxDeletedEntryId) > 0) {
            return false;
        }
        Id startId = start == null ? Id.MIN : start;
        Id endId = end == null ? Id.MAX : end;
        return startId.compareTo(s.maxDeletedEntryId) <= 0 && s.maxDeletedEntryId.compareTo(endId) <= 0;
    }

    /** streamEstimateDistanceFromFirstEverEntry. */
    public static long estimateDistance(StreamValue s, Id id) {
        if (s.entriesAdded == 0) {
            return 0;
        }
        if (s.length() == 0 && id.compareTo(s.lastId) < 1) {
            return s.entriesAdded;
        }
        int cmpLast = id.compareTo(s.lastId);
        if (cmpLast == 0) {
            return s.entriesAdded;
        } else if (cmpLast > 0) {
            return StreamValue.INVALID_ENTRIES_READ;
        }
        int cmpIdFirst = id.compareTo(s.firstId);
        int cmpXdelFirst = s.maxDeletedEntryId.compareTo(s.firstId);
        if (s.maxDeletedEntryId.isZero() || cmpXdelFirst < 0) {
            if (cmpIdFirst < 0) {
                return s.entriesAdded - s.length();
            } else if (cmpIdFirst == 0) {
                return s.entriesAdded - s.length() + 1;
            }
        }
        return StreamValue.INVALID_ENTRIES_READ;
    }

    /** streamReplyWithCGLag. */
    private static void replyLag(RespWriter out, StreamValue s, Group g) {
        if (s.entriesAdded == 0) {
            out.integer(0);
        } else if (g.entriesRead != StreamValue.INVALID_ENTRIES_READ && !rangeHasTombstones(s, g.lastId, null)) {
            out.integer(s.entriesAdded - g.entriesRead);
        } else {
            long read = estimateDistance(s, g.lastId);
            if (read != StreamValue.INVALID_ENTRIES_READ) {
                out.integer(s.entriesAdded - read);
            } else {
                out.nullBulk();
            }
        }
    }

    // ---- XGROUP / XSETID ----

    private static CommandError subcommandSyntax(CommandContext ctx) {
        return new CommandError("ERR unknown subcommand or wrong number of arguments for '"
                + Errors.truncate(str(ctx.arg(1))) + "'. Try " + str(ctx.arg(0)).toUpperCase(java.util.Locale.ROOT)
                + " HELP.");
    }

    static void xgroupHelp(CommandContext ctx) {
        help(ctx, new String[] {
            "CREATE <key> <groupname> <id|$> [option]",
            "    Create a new consumer group. Options are:",
            "    * MKSTREAM",
            "      Create the empty stream if it does not exist.",
            "    * ENTRIESREAD entries_read",
            "      Set the group's entries_read counter (internal use).",
            "CREATECONSUMER <key> <groupname> <consumer>",
            "    Create a new consumer in the specified group.",
            "DELCONSUMER <key> <groupname> <consumer>",
            "    Remove the specified consumer.",
            "DESTROY <key> <groupname>",
            "    Remove the specified group.",
            "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
            "    Set the current group ID and entries_read counter."});
    }

    private static void help(CommandContext ctx, String[] lines) {
        RespWriter out = ctx.reply();
        out.array(lines.length + 3);
        out.simple(str(ctx.arg(0)).toUpperCase(java.util.Locale.ROOT)
                + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String l : lines) {
            out.simple(l);
        }
        out.simple("HELP");
        out.simple("    Prints this help.");
    }

    static void xgroup(CommandContext ctx) {
        String opt = ctx.option(1);
        boolean mkstream = false;
        long entriesRead = StreamValue.INVALID_ENTRIES_READ;
        Database db = ctx.db();
        KeyEntry e = null;
        byte[] key = ctx.arg(2);
        byte[] groupName = ctx.arg(3);
        int argc = ctx.argc();
        boolean create = opt.equals("create");
        boolean setid = opt.equals("setid");
        int i = 5;
        while (i < argc) {
            if (create && ctx.optionIs(i, "mkstream")) {
                mkstream = true;
                i++;
            } else if ((create || setid) && ctx.optionIs(i, "entriesread") && i + 1 < argc) {
                entriesRead = ctx.longArg(i + 1);
                if (entriesRead < 0 && entriesRead != StreamValue.INVALID_ENTRIES_READ) {
                    throw new CommandError("ERR value for ENTRIESREAD must be positive or -1");
                }
                i += 2;
            } else {
                throw subcommandSyntax(ctx);
            }
        }
        e = db.lookup(key);
        if (e != null && e.type() != ValueType.STREAM) {
            throw Errors.wrongType();
        }
        StreamValue s = e == null ? null : stream(e);
        Group cg = null;
        if (!mkstream) {
            if (s == null) {
                throw new CommandError("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE "
                        + "you may want to use the MKSTREAM option to create an empty stream automatically.");
            }
            cg = s.group(groupName);
            if (cg == null && (setid || opt.equals("createconsumer") || opt.equals("delconsumer"))) {
                throw new CommandError("NOGROUP No such consumer group '" + str(groupName) + "' for key name '"
                        + str(key) + "'");
            }
        }
        switch (opt) {
            case "create" -> {
                if (argc > 8) {
                    throw subcommandSyntax(ctx);
                }
                Id id;
                byte[] a = ctx.arg(4);
                if (a.length == 1 && a[0] == '$') {
                    id = s != null ? s.lastId : Id.MIN;
                } else {
                    id = parseStrict(a);
                }
                if (s == null) {
                    s = new StreamValue();
                    e = db.set(key, s, 0);
                }
                if (s.group(groupName) != null) {
                    throw new CommandError("BUSYGROUP Consumer Group name already exists");
                }
                StreamValue ms = db.mutable(e);
                ms.createGroup(groupName, id, entriesRead);
                ms.addMemory(128 + groupName.length);
                db.changedQuietly(e);
                ctx.reply().ok();
                ctx.dirty();
                ctx.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xgroup-create", key);
            }
            case "setid" -> {
                if (argc != 5 && argc != 7) {
                    throw subcommandSyntax(ctx);
                }
                Id id;
                byte[] a = ctx.arg(4);
                if (a.length == 1 && a[0] == '$') {
                    id = s.lastId;
                } else {
                    id = parseId(a, 0, false, null);
                }
                StreamValue ms = db.mutable(e);
                Group g = ms.group(groupName);
                g.lastId = id;
                g.entriesRead = entriesRead;
                db.changedQuietly(e);
                ctx.reply().ok();
                ctx.dirty();
                ctx.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xgroup-setid", key);
            }
            case "destroy" -> {
                if (cg != null) {
                    StreamValue ms = db.mutable(e);
                    ms.destroyGroup(groupName);
                    db.changedQuietly(e);
                    ctx.reply().integer(1);
                    ctx.dirty();
                    ctx.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xgroup-destroy", key);
                    ctx.server().blockedClients().signalReady(db, key);
                } else {
                    ctx.reply().integer(0);
                }
            }
            case "createconsumer" -> {
                byte[] name = ctx.arg(4);
                if (cg.consumers.containsKey(name)) {
                    ctx.reply().integer(0);
                    return;
                }
                StreamValue ms = db.mutable(e);
                createConsumer(ctx, ms, ms.group(groupName), name, key);
                db.changedQuietly(e);
                ctx.reply().integer(1);
            }
            case "delconsumer" -> {
                byte[] name = ctx.arg(4);
                long pending = 0;
                if (cg.consumers.containsKey(name)) {
                    StreamValue ms = db.mutable(e);
                    Group g = ms.group(groupName);
                    Consumer c = g.consumers.get(name);
                    pending = c.pel.size();
                    for (Id id : c.pel.keySet()) {
                        g.pel.remove(id);
                    }
                    g.consumers.remove(name);
                    db.changedQuietly(e);
                    ctx.dirty();
                    ctx.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xgroup-delconsumer", key);
                }
                ctx.reply().integer(pending);
            }
            default -> throw subcommandSyntax(ctx);
        }
    }

    static void xsetid(CommandContext ctx) {
        Id id = parseStrict(ctx.arg(2));
        Id maxXdel = Id.MIN;
        long entriesAdded = -1;
        int i = 3;
        while (i < ctx.argc()) {
            int moreargs = ctx.argc() - 1 - i;
            if (ctx.optionIs(i, "entriesadded") && moreargs > 0) {
                entriesAdded = ctx.longArg(i + 1);
                if (entriesAdded < 0) {
                    throw new CommandError("ERR entries_added must be positive");
                }
                i += 2;
            } else if (ctx.optionIs(i, "maxdeletedid") && moreargs > 0) {
                maxXdel = parseStrict(ctx.arg(i + 1));
                if (id.compareTo(maxXdel) < 0) {
                    throw new CommandError(
                            "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
                }
                i += 2;
            } else {
                throw Errors.syntax();
            }
        }
        byte[] key = ctx.arg(1);
        KeyEntry e = ctx.entry(key, ValueType.STREAM);
        if (e == null) {
            throw new CommandError(Errors.NO_SUCH_KEY);
        }
        StreamValue s = stream(e);
        if (s.length() > 0) {
            Id maxId = s.edgeId(false, true);
            if (id.compareTo(maxId) < 0) {
                throw new CommandError("ERR The ID specified in XSETID is smaller than the target stream top item");
            }
            if (entriesAdded != -1 && Long.compareUnsigned(s.length(), entriesAdded) > 0) {
                throw new CommandError(
                        "ERR The entries_added specified in XSETID is smaller than the target stream length");
            }
        }
        Database db = ctx.db();
        StreamValue ms = db.mutable(e);
        ms.lastId = id;
        if (entriesAdded != -1) {
            ms.entriesAdded = entriesAdded;
        }
        if (!maxXdel.isZero()) {
            ms.maxDeletedEntryId = maxXdel;
        }
        db.changedQuietly(e);
        ctx.reply().ok();
        ctx.dirty();
        ctx.notifyKeyspaceEvent(KeyspaceEvents.STREAM, "xsetid", key);
    }

    // ---- XACK / XPENDING / XCLAIM / XAUTOCLAIM ----

    static void xack(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        KeyEntry e = ctx.db().lookup(key);
        Group group = null;
        if (e != null) {
            if (e.type() != ValueType.STREAM) {
                throw Errors.wrongType();
            }
            group = stream(e).group(ctx.arg(2));
        }
        if (e == null || group == null) {
            ctx.reply().integer(0);
            return;
        }
        Id[] ids = new Id[ctx.argc() - 3];
        for (int j = 3; j < ctx.argc(); j++) {
            ids[j - 3] = parseStrict(ctx.arg(j));
        }
        boolean any = false;
        for (Id id : ids) {
            if (group.pel.containsKey(id)) {
                any = true;
                break;
            }
        }
        int acknowledged = 0;
        if (any) {
            Database db = ctx.db();
            StreamValue s = db.mutable(e);
            Group g = s.group(ctx.arg(2));
            for (Id id : ids) {
                Nack nack = g.pel.remove(id);
                if (nack != null) {
                    nack.consumer.pel.remove(id);
                    s.addMemory(-80);
                    acknowledged++;
                }
            }
            db.changedQuietly(e);
            ctx.dirty(acknowledged);
        }
        ctx.reply().integer(acknowledged);
    }

    static void xpending(CommandContext ctx) {
        int argc = ctx.argc();
        boolean justinfo = argc == 3;
        byte[] key = ctx.arg(1);
        byte[] groupName = ctx.arg(2);
        byte[] consumerName = null;
        Id start = null;
        Id end = null;
        long count = 0;
        long minidle = 0;
        if (argc != 3 && (argc < 6 || argc > 9)) {
            throw Errors.syntax();
        }
        if (argc >= 6) {
            int startidx = 3;
            if (ctx.optionIs(3, "idle")) {
                minidle = ctx.longArg(4);
                if (argc < 8) {
                    throw Errors.syntax();
                }
                startidx += 2;
            }
            count = ctx.longArg(startidx + 2);
            if (count < 0) {
                count = 0;
            }
            boolean[] ex = new boolean[1];
            start = parseInterval(ctx.arg(startidx), 0, ex);
            if (ex[0]) {
                start = start.next();
                if (start == null) {
                    throw new CommandError("ERR invalid start ID for the interval");
                }
            }
            end = parseInterval(ctx.arg(startidx + 1), -1L, ex);
            if (ex[0]) {
                end = end.prev();
                if (end == null) {
                    throw new CommandError("ERR invalid end ID for the interval");
                }
            }
            if (startidx + 3 < argc) {
                consumerName = ctx.arg(startidx + 3);
            }
        }
        KeyEntry e = ctx.entry(key, ValueType.STREAM);
        Group group = e == null ? null : stream(e).group(groupName);
        if (group == null) {
            throw new CommandError("NOGROUP No such key '" + str(key) + "' or consumer group '" + str(groupName)
                    + "'");
        }
        RespWriter out = ctx.reply();
        if (justinfo) {
            out.array(4);
            out.integer(group.pel.size());
            if (group.pel.isEmpty()) {
                out.nullBulk();
                out.nullBulk();
                out.nullArray();
            } else {
                replyId(out, group.pel.firstKey());
                replyId(out, group.pel.lastKey());
                List<Consumer> withPending = new ArrayList<>();
                for (Consumer c : group.consumers.values()) {
                    if (!c.pel.isEmpty()) {
                        withPending.add(c);
                    }
                }
                out.array(withPending.size());
                for (Consumer c : withPending) {
                    out.array(2);
                    out.bulk(c.name);
                    out.bulk(bytes(c.pel.size()));
                }
            }
            return;
        }
        java.util.TreeMap<Id, Nack> pel = group.pel;
        if (consumerName != null) {
            Consumer c = group.consumers.get(consumerName);
            if (c == null) {
                out.array(0);
                return;
            }
            pel = c.pel;
        }
        long now = now();
        List<Map.Entry<Id, Nack>> rows = new ArrayList<>();
        if (count > 0) {
            for (Map.Entry<Id, Nack> me : pel.tailMap(start, true).entrySet()) {
                if (count == 0 || me.getKey().compareTo(end) > 0) {
                    break;
                }
                if (minidle != 0 && now - me.getValue().deliveryTime < minidle) {
                    continue;
                }
                rows.add(me);
                count--;
            }
        }
        out.array(rows.size());
        for (Map.Entry<Id, Nack> me : rows) {
            Nack n = me.getValue();
            out.array(4);
            replyId(out, me.getKey());
            out.bulk(n.consumer.name);
            out.integer(Math.max(0, now - n.deliveryTime));
            out.integer(n.deliveryCount);
        }
    }

    static void xclaim(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        byte[] groupName = ctx.arg(2);
        KeyEntry e = ctx.db().lookup(key);
        Group group = null;
        if (e != null) {
            if (e.type() != ValueType.STREAM) {
                throw Errors.wrongType();
            }
            group = stream(e).group(groupName);
        }
        if (e == null || group == null) {
            throw new CommandError("NOGROUP No such key '" + str(key) + "' or consumer group '" + str(groupName)
                    + "'");
        }
        long minidle = ctx.longArg(4, "ERR Invalid min-idle-time argument for XCLAIM");
        if (minidle < 0) {
            minidle = 0;
        }
        int argc = ctx.argc();
        List<Id> ids = new ArrayList<>();
        int j;
        for (j = 5; j < argc; j++) {
            try {
                ids.add(parseStrict(ctx.arg(j)));
            } catch (CommandError notAnId) {
                break;
            }
        }
        int lastIdArg = j - 1;
        long now = now();
        long retrycount = -1;
        long deliverytime = -1;
        boolean force = false;
        boolean justid = false;
        Id lastId = Id.MIN;
        for (; j < argc; j++) {
            int moreargs = argc - 1 - j;
            String opt = ctx.option(j);
            if (opt.equals("force")) {
                force = true;
            } else if (opt.equals("justid")) {
                justid = true;
            } else if (opt.equals("idle") && moreargs > 0) {
                j++;
                deliverytime = now - ctx.longArg(j, "ERR Invalid IDLE option argument for XCLAIM");
            } else if (opt.equals("time") && moreargs > 0) {
                j++;
                deliverytime = ctx.longArg(j, "ERR Invalid TIME option argument for XCLAIM");
            } else if (opt.equals("retrycount") && moreargs > 0) {
                j++;
                retrycount = ctx.longArg(j, "ERR Invalid RETRYCOUNT option argument for XCLAIM");
            } else if (opt.equals("lastid") && moreargs > 0) {
                j++;
                lastId = parseStrict(ctx.arg(j));
            } else {
                throw new CommandError("ERR Unrecognized XCLAIM option '" + str(ctx.arg(j)) + "'");
            }
        }
        Database db = ctx.db();
        StreamValue s = db.mutable(e);
        Group g = s.group(groupName);
        List<byte[][]> props = new ArrayList<>();
        boolean propagateLastId = false;
        if (lastId.compareTo(g.lastId) > 0) {
            g.lastId = lastId;
            propagateLastId = true;
        }
        if (deliverytime != -1) {
            if (deliverytime < 0 || deliverytime > now) {
                deliverytime = now;
            }
        } else {
            deliverytime = now;
        }
        Consumer consumer = null;
        byte[] name = ctx.arg(3);
        List<Object> replies = new ArrayList<>();
        for (int k = 5; k <= lastIdArg; k++) {
            Id id = ids.get(k - 5);
            Nack nack = g.pel.get(id);
            if (s.find(id) == null) {
                if (nack != null) {
                    props.add(xclaimPropagation(key, g, groupName, ctx.arg(k), nack));
                    propagateLastId = false;
                    ctx.dirty();
                    g.pel.remove(id);
                    nack.consumer.pel.remove(id);
                }
                continue;
            }
            if (force && nack == null) {
                nack = new Nack(null, now, 1);
                g.pel.put(id, nack);
            }
            if (nack != null) {
                if (nack.consumer != null && minidle != 0 && now - nack.deliveryTime < minidle) {
                    continue;
                }
                if (consumer == null) {
                    consumer = seenOrCreated(ctx, s, g, name, key, now);
                }
                if (nack.consumer != consumer && nack.consumer != null) {
                    nack.consumer.pel.remove(id);
                }
                nack.deliveryTime = deliverytime;
                if (retrycount >= 0) {
                    nack.deliveryCount = retrycount;
                } else if (!justid) {
                    nack.deliveryCount++;
                }
                if (nack.consumer != consumer) {
                    consumer.pel.put(id, nack);
                    nack.consumer = consumer;
                }
                replies.add(justid ? id : s.find(id));
                props.add(xclaimPropagation(key, g, groupName, ctx.arg(k), nack));
                propagateLastId = false;
                ctx.dirty();
            }
        }
        if (propagateLastId) {
            props.add(groupIdPropagation(key, g, groupName));
            ctx.dirty();
        }
        db.changedQuietly(e);
        RespWriter out = ctx.reply();
        out.array(replies.size());
        for (Object r : replies) {
            if (r instanceof Id id) {
                replyId(out, id);
            } else {
                replyItem(out, (Item) r);
            }
        }
        finishPropagation(ctx, props);
    }

    static void xautoclaim(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        byte[] groupName = ctx.arg(2);
        long minidle = ctx.longArg(4, "ERR Invalid min-idle-time argument for XAUTOCLAIM");
        if (minidle < 0) {
            minidle = 0;
        }
        boolean[] ex = new boolean[1];
        Id start = parseInterval(ctx.arg(5), 0, ex);
        if (ex[0]) {
            start = start.next();
            if (start == null) {
                throw new CommandError("ERR invalid start ID for the interval");
            }
        }
        long count = 100;
        boolean justid = false;
        int argc = ctx.argc();
        for (int j = 6; j < argc; j++) {
            int moreargs = argc - 1 - j;
            if (ctx.optionIs(j, "count") && moreargs > 0) {
                long maxCount = Long.MAX_VALUE / 16;
                Long c = CommandContext.parseLongOrNull(ctx.arg(j + 1));
                if (c == null || c < 1 || c > maxCount) {
                    throw new CommandError("ERR COUNT must be > 0");
                }
                count = c;
                j++;
            } else if (ctx.optionIs(j, "justid")) {
                justid = true;
            } else {
                throw Errors.syntax();
            }
        }
        KeyEntry e = ctx.db().lookup(key);
        Group group = null;
        if (e != null) {
            if (e.type() != ValueType.STREAM) {
                throw Errors.wrongType();
            }
            group = stream(e).group(groupName);
        }
        if (e == null || group == null) {
            throw new CommandError("NOGROUP No such key '" + str(key) + "' or consumer group '" + str(groupName)
                    + "'");
        }
        if (count >= (1L << 36)) {
            throw new CommandError("ERR Insufficient memory, failed allocating transient memory, COUNT too high.");
        }
        Database db = ctx.db();
        StreamValue s = db.mutable(e);
        Group g = s.group(groupName);
        List<byte[][]> props = new ArrayList<>();
        long attempts = count * 10;
        long now = now();
        byte[] name = ctx.arg(3);
        Consumer consumer = null;
        List<Object> claimed = new ArrayList<>();
        List<Id> deletedIds = new ArrayList<>();
        Id cursor = start;
        boolean inclusive = true;
        boolean eof = false;
        while (true) {
            if (attempts-- == 0 || count == 0) {
                break;
            }
            Map.Entry<Id, Nack> me = inclusive ? g.pel.ceilingEntry(cursor) : g.pel.higherEntry(cursor);
            if (me == null) {
                eof = true;
                break;
            }
            cursor = me.getKey();
            inclusive = false;
            Id id = cursor;
            Nack nack = me.getValue();
            if (s.find(id) == null) {
                props.add(xclaimPropagation(key, g, groupName, id.bytes(), nack));
                ctx.dirty();
                g.pel.remove(id);
                nack.consumer.pel.remove(id);
                deletedIds.add(id);
                count--;
                continue;
            }
            if (minidle != 0 && now - nack.deliveryTime < minidle) {
                continue;
            }
            if (consumer == null) {
                consumer = seenOrCreated(ctx, s, g, name, key, now);
            }
            if (nack.consumer != consumer && nack.consumer != null) {
                nack.consumer.pel.remove(id);
            }
            nack.deliveryTime = now;
            if (!justid) {
                nack.deliveryCount++;
            }
            if (nack.consumer != consumer) {
                consumer.pel.put(id, nack);
                nack.consumer = consumer;
            }
            claimed.add(justid ? id : s.find(id));
            count--;
            props.add(xclaimPropagation(key, g, groupName, id.bytes(), nack));
            ctx.dirty();
        }
        Id endId = Id.MIN;
        if (!eof) {
            Map.Entry<Id, Nack> me = inclusive ? g.pel.ceilingEntry(cursor) : g.pel.higherEntry(cursor);
            if (me != null) {
                endId = me.getKey();
            }
        }
        db.changedQuietly(e);
        RespWriter out = ctx.reply();
        out.array(3);
        replyId(out, endId);
        out.array(claimed.size());
        for (Object r : claimed) {
            if (r instanceof Id id) {
                replyId(out, id);
            } else {
                replyItem(out, (Item) r);
            }
        }
        out.array(deletedIds.size());
        for (Id id : deletedIds) {
            replyId(out, id);
        }
        finishPropagation(ctx, props);
    }

    // ---- XINFO ----

    static void xinfo(CommandContext ctx) {
        String opt = ctx.option(1);
        if (opt.equals("help")) {
            if (ctx.argc() != 2) {
                throw subcommandSyntax(ctx);
            }
            help(ctx, new String[] {
                "CONSUMERS <key> <groupname>",
                "    Show consumers of <groupname>.",
                "GROUPS <key>",
                "    Show the stream consumer groups.",
                "STREAM <key> [FULL [COUNT <count>]",
                "    Show information about the stream."});
            return;
        }
        byte[] key = ctx.arg(2);
        KeyEntry e = ctx.entry(key, ValueType.STREAM);
        if (e == null) {
            throw new CommandError(Errors.NO_SUCH_KEY);
        }
        StreamValue s = stream(e);
        RespWriter out = ctx.reply();
        if (opt.equals("consumers") && ctx.argc() == 4) {
            Group cg = s.group(ctx.arg(3));
            if (cg == null) {
                throw new CommandError("NOGROUP No such consumer group '" + str(ctx.arg(3)) + "' for key name '"
                        + str(key) + "'");
            }
            out.array(cg.consumers.size());
            long now = now();
            for (Consumer c : cg.consumers.values()) {
                out.map(3);
                out.bulk("name").bulk(c.name);
                out.bulk("pending").integer(c.pel.size());
                out.bulk("idle").integer(Math.max(0, now - c.seenTime));
            }
        } else if (opt.equals("groups") && ctx.argc() == 3) {
            out.array(s.groupCount());
            for (Group g : s.groups()) {
                out.map(6);
                out.bulk("name").bulk(g.name);
                out.bulk("consumers").integer(g.consumers.size());
                out.bulk("pending").integer(g.pel.size());
                out.bulk("last-delivered-id");
                replyId(out, g.lastId);
                out.bulk("entries-read");
                if (g.entriesRead != StreamValue.INVALID_ENTRIES_READ) {
                    out.integer(g.entriesRead);
                } else {
                    out.nullBulk();
                }
                out.bulk("lag");
                replyLag(out, s, g);
            }
        } else if (opt.equals("stream")) {
            streamInfo(ctx, s);
        } else {
            throw subcommandSyntax(ctx);
        }
    }

    private static void streamInfo(CommandContext ctx, StreamValue s) {
        boolean full = true;
        long count = 10;
        int optc = ctx.argc() - 3;
        if (optc == 0) {
            full = false;
        } else {
            if (optc != 1 && optc != 3) {
                throw subcommandSyntax(ctx);
            }
            if (!ctx.optionIs(3, "full")) {
                throw subcommandSyntax(ctx);
            }
            if (optc == 3) {
                if (!ctx.optionIs(4, "count")) {
                    throw subcommandSyntax(ctx);
                }
                count = ctx.longArg(5);
                if (count < 0) {
                    count = 10;
                }
            }
        }
        RespWriter out = ctx.reply();
        out.map(full ? 9 : 10);
        out.bulk("length").integer(s.length());
        out.bulk("radix-tree-keys").integer(s.nodes().size());
        out.bulk("radix-tree-nodes").integer(s.raxNodes());
        out.bulk("last-generated-id");
        replyId(out, s.lastId);
        out.bulk("max-deleted-entry-id");
        replyId(out, s.maxDeletedEntryId);
        out.bulk("entries-added").integer(s.entriesAdded);
        out.bulk("recorded-first-entry-id");
        replyId(out, s.firstId);
        if (!full) {
            out.bulk("groups").integer(s.groupCount());
            out.bulk("first-entry");
            if (replyRange(out, s, Id.MIN, Id.MAX, 1, false, true) == 0) {
                out.nullBulk();
            }
            out.bulk("last-entry");
            if (replyRange(out, s, Id.MIN, Id.MAX, 1, true, true) == 0) {
                out.nullBulk();
            }
            return;
        }
        out.bulk("entries");
        replyRange(out, s, Id.MIN, Id.MAX, count, false, false);
        out.bulk("groups");
        out.array(s.groupCount());
        for (Group g : s.groups()) {
            out.map(7);
            out.bulk("name").bulk(g.name);
            out.bulk("last-delivered-id");
            replyId(out, g.lastId);
            out.bulk("entries-read");
            if (g.entriesRead != StreamValue.INVALID_ENTRIES_READ) {
                out.integer(g.entriesRead);
            } else {
                out.nullBulk();
            }
            out.bulk("lag");
            replyLag(out, s, g);
            out.bulk("pel-count").integer(g.pel.size());
            out.bulk("pending");
            List<Map.Entry<Id, Nack>> pel = new ArrayList<>();
            for (Map.Entry<Id, Nack> me : g.pel.entrySet()) {
                if (count != 0 && pel.size() >= count) {
                    break;
                }
                pel.add(me);
            }
            out.array(pel.size());
            for (Map.Entry<Id, Nack> me : pel) {
                out.array(4);
                replyId(out, me.getKey());
                out.bulk(me.getValue().consumer.name);
                out.integer(me.getValue().deliveryTime);
                out.integer(me.getValue().deliveryCount);
            }
            out.bulk("consumers");
            out.array(g.consumers.size());
            for (Consumer c : g.consumers.values()) {
                out.map(4);
                out.bulk("name").bulk(c.name);
                out.bulk("seen-time").integer(c.seenTime);
                out.bulk("pel-count").integer(c.pel.size());
                out.bulk("pending");
                List<Map.Entry<Id, Nack>> cpel = new ArrayList<>();
                for (Map.Entry<Id, Nack> me : c.pel.entrySet()) {
                    if (count != 0 && cpel.size() >= count) {
                        break;
                    }
                    cpel.add(me);
                }
                out.array(cpel.size());
                for (Map.Entry<Id, Nack> me : cpel) {
                    out.array(3);
                    replyId(out, me.getKey());
                    out.integer(me.getValue().deliveryTime);
                    out.integer(me.getValue().deliveryCount);
                }
            }
        }
    }
}
