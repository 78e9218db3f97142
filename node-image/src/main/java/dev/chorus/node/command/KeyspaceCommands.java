package dev.chorus.node.command;

import static dev.chorus.node.command.CommandContext.bytes;

import dev.chorus.node.config.Directives;
import dev.chorus.node.persistence.RdbFormatException;
import dev.chorus.node.persistence.RdbPayload;
import dev.chorus.node.persistence.StoreValueCodec;
import dev.chorus.node.store.Database;
import dev.chorus.node.store.GlobMatcher;
import dev.chorus.node.store.Eviction;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.RedisValue;
import dev.chorus.node.store.ValueType;
import java.util.ArrayList;
import java.util.List;

/** Generic key commands (db.c, expire.c, object.c): DEL, EXISTS, TYPE, KEYS, SCAN, RENAME, MOVE, COPY, EXPIRE... */
public final class KeyspaceCommands implements CommandFamily {
    private static final byte[] PEXPIREAT = bytes("PEXPIREAT");
    private static final byte[] DEL = bytes("DEL");

    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(
                CommandSpec.of("del", -2, "write", KeyspaceCommands::del),
                CommandSpec.of("unlink", -2, "write fast", ctx -> delete(ctx, true)),
                CommandSpec.of("exists", -2, "readonly fast", KeyspaceCommands::exists),
                CommandSpec.of("touch", -2, "readonly fast", KeyspaceCommands::touch),
                CommandSpec.of("type", 2, "readonly fast", KeyspaceCommands::type),
                CommandSpec.of("keys", 2, "readonly", KeyspaceCommands::keys),
                CommandSpec.of("scan", -2, "readonly", KeyspaceCommands::scan),
                CommandSpec.of("randomkey", 1, "readonly", KeyspaceCommands::randomkey),
                CommandSpec.of("rename", 3, "write", ctx -> rename(ctx, false)),
                CommandSpec.of("renamenx", 3, "write fast", ctx -> rename(ctx, true)),
                CommandSpec.of("move", 3, "write fast", KeyspaceCommands::move),
                CommandSpec.of("copy", -3, "write denyoom", KeyspaceCommands::copy),
                CommandSpec.of("expire", -3, "write fast", ctx -> expire(ctx, 1000, false)),
                CommandSpec.of("pexpire", -3, "write fast", ctx -> expire(ctx, 1, false)),
                CommandSpec.of("expireat", -3, "write fast", ctx -> expire(ctx, 1000, true)),
                CommandSpec.of("pexpireat", -3, "write fast", ctx -> expire(ctx, 1, true)),
                CommandSpec.of("ttl", 2, "readonly fast", ctx -> ttl(ctx, false, false)),
                CommandSpec.of("pttl", 2, "readonly fast", ctx -> ttl(ctx, true, false)),
                CommandSpec.of("expiretime", 2, "readonly fast", ctx -> ttl(ctx, false, true)),
                CommandSpec.of("pexpiretime", 2, "readonly fast", ctx -> ttl(ctx, true, true)),
                CommandSpec.of("persist", 2, "write fast", KeyspaceCommands::persist),
                CommandSpec.of("dump", 2, "readonly", KeyspaceCommands::dump),
                CommandSpec.of("restore", -4, "write denyoom", KeyspaceCommands::restore),
                CommandSpec.of("restore-asking", -4, "write denyoom asking", KeyspaceCommands::restore),
                CommandSpec.of("object", -2, "")
                        .sub(CommandSpec.of("encoding", 3, "readonly")
                                .handler(KeyspaceCommands::objectEncoding))
                        .sub(CommandSpec.of("idletime", 3, "readonly")
                                .handler(KeyspaceCommands::objectIdletime))
                        .sub(CommandSpec.of("refcount", 3, "readonly")
                                .handler(KeyspaceCommands::objectRefcount))
                        .sub(CommandSpec.of("freq", 3, "readonly")
                                .handler(KeyspaceCommands::objectFreq))
                        .sub(CommandSpec.of("help", 2, "loading stale")
                                .handler(KeyspaceCommands::objectHelp)));
    }

    static void del(CommandContext ctx) {
        delete(ctx, ctx.server().config().getBool(dev.chorus.node.config.Directives.LAZYFREE_LAZY_USER_DEL));
    }

    /** DEL, or UNLINK ({@code lazy}: delGenericCommand with lazy set, dbAsyncDelete's accounting). */
    static void delete(CommandContext ctx, boolean lazy) {
        long n = 0;
        for (int i = 1; i < ctx.argc(); i++) {
            KeyEntry doomed = lazy ? ctx.db().peek(ctx.arg(i)) : null;
            if (ctx.db().delete(ctx.arg(i))) {
                if (doomed != null) {
                    LazyFree.deleted(ctx.server(), doomed.value());
                }
                ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", ctx.arg(i));
                n++;
            }
        }
        ctx.dirty(n);
        ctx.reply().integer(n);
    }

    static void exists(CommandContext ctx) {
        long n = 0;
        for (int i = 1; i < ctx.argc(); i++) {
            if (ctx.db().lookupNoTouch(ctx.arg(i)) != null) {
                n++;
            } else {
                ctx.keyMiss(ctx.arg(i));
            }
        }
        ctx.reply().integer(n);
    }

    /** TOUCH: like EXISTS, but a plain read lookup (lookupKeyRead), so each key's access time is updated. */
    static void touch(CommandContext ctx) {
        long n = 0;
        for (int i = 1; i < ctx.argc(); i++) {
            if (ctx.db().lookup(ctx.arg(i)) != null) {
                n++;
            } else {
                ctx.keyMiss(ctx.arg(i));
            }
        }
        ctx.reply().integer(n);
    }

    static void type(CommandContext ctx) {
        KeyEntry e = ctx.db().lookupNoTouch(ctx.arg(1));
        if (e == null) {
            ctx.keyMiss(ctx.arg(1));
        }
        ctx.reply().simple(e == null ? "none" : e.type().typeName());
    }

    static void keys(CommandContext ctx) {
        byte[] pattern = ctx.arg(1);
        boolean all = pattern.length == 1 && pattern[0] == '*';
        List<byte[]> out = new ArrayList<>();
        long now = ctx.now();
        boolean hideExpired = !ctx.server().keyspace().executingMasterStream();
        ctx.db().forEach(e -> {
            if (hideExpired && e.hasExpire() && e.expireAt() <= now) {
                return;
            }
            if (all || GlobMatcher.matches(pattern, e.key())) {
                out.add(e.key());
            }
        });
        ctx.reply().array(out.size());
        out.forEach(ctx.reply()::bulk);
    }

    static void scan(CommandContext ctx) {
        long cursor = CollectionScan.parseCursor(ctx.arg(1));
        long count = 10;
        byte[] pattern = null;
        ValueType type = null;
        String typeName = null;
        for (int i = 2; i < ctx.argc(); i++) {
            String opt = ctx.option(i);
            if (i + 1 >= ctx.argc()) {
                throw Errors.syntax();
            }
            switch (opt) {
                case "count" -> {
                    count = ctx.longArg(++i);
                    if (count < 1) {
                        throw Errors.syntax();
                    }
                }
                case "match" -> pattern = ctx.arg(++i);
                case "type" -> {
                    typeName = ctx.argString(++i);
                    type = ValueType.byName(typeName);
                }
                default -> throw Errors.syntax();
            }
        }
        List<KeyEntry> found = new ArrayList<>();
        Database db = ctx.db();
        long maxIterations = count * 10;
        do {
            cursor = db.scan(cursor, found::add);
        } while (cursor != 0 && maxIterations-- > 0 && found.size() < count);
        List<byte[]> keys = new ArrayList<>(found.size());
        boolean all = pattern == null || (pattern.length == 1 && pattern[0] == '*');
        for (KeyEntry e : found) {
            if (!all && !GlobMatcher.matches(pattern, e.key())) {
                continue;
            }
            if (typeName != null && (type == null || e.type() != type)) {
                continue;
            }
            if (db.lookup(e.key()) == null) {
                continue; // expired: lookup deleted it (on a master) or hides it (on a replica)
            }
            keys.add(e.key());
        }
        ctx.reply().array(2).bulk(Long.toUnsignedString(cursor).getBytes());
        ctx.reply().array(keys.size());
        keys.forEach(ctx.reply()::bulk);
    }

    static void randomkey(CommandContext ctx) {
        // dbRandomKey: an expired pick is deleted (on a master) and another drawn, until a live key or none is left;
        // where expired keys stay (a replica, a pause), the 100th expired pick is returned anyway.
        Database db = ctx.db();
        int tries = 0;
        while (db.size() > 0) {
            KeyEntry e = db.randomEntry();
            if (db.lookup(e.key()) != null || ++tries >= 100 && db.peek(e.key()) != null) {
                ctx.reply().bulk(e.key());
                return;
            }
        }
        ctx.reply().nullBulk();
    }

    static void rename(CommandContext ctx, boolean nx) {
        byte[] src = ctx.arg(1);
        byte[] dst = ctx.arg(2);
        Database db = ctx.db();
        KeyEntry e = db.lookup(src);
        if (e == null) {
            throw new CommandError(Errors.NO_SUCH_KEY);
        }
        if (java.util.Arrays.equals(src, dst)) {
            if (nx) {
                ctx.reply().integer(0);
            } else {
                ctx.reply().ok();
            }
            return;
        }
        if (nx && db.lookup(dst) != null) {
            ctx.reply().integer(0);
            return;
        }
        Object value = e.value();
        long expireAt = e.expireAt();
        db.delete(dst); // an overwritten destination goes first: the new one is added ("new"), as Redis' dbAdd
        byte encoding = e.fixedEncoding();
        db.delete(src);
        db.set(dst, value, expireAt).fixEncoding(encoding);
        ctx.dirty();
        ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "rename_from", src);
        ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "rename_to", dst);
        if (nx) {
            ctx.reply().integer(1);
        } else {
            ctx.reply().ok();
        }
    }

    static void move(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        long target = ctx.longArg(2);
        if (target < 0 || target >= ctx.server().keyspace().databases()) {
            throw new CommandError(Errors.DB_INDEX_OUT_OF_RANGE);
        }
        if (target == ctx.client().dbIndex()) {
            throw new CommandError("ERR source and destination objects are the same");
        }
        KeyEntry e = ctx.db().lookup(key);
        if (e == null) {
            ctx.reply().integer(0);
            return;
        }
        Database dst = ctx.server().keyspace().db((int) target);
        if (dst.lookup(key) != null) {
            ctx.reply().integer(0);
            return;
        }
        Object value = e.value();
        long expireAt = e.expireAt();
        byte encoding = e.fixedEncoding();
        ctx.db().delete(key);
        dst.set(key, value, expireAt).fixEncoding(encoding);
        ctx.dirty();
        ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "move_from", key);
        ctx.server().shared().keyChanges().notify(KeyspaceEvents.GENERIC, "move_to", key, dst.index());
        ctx.reply().integer(1);
    }

    static void copy(CommandContext ctx) {
        byte[] src = ctx.arg(1);
        byte[] dst = ctx.arg(2);
        Database target = ctx.db();
        boolean replace = false;
        for (int i = 3; i < ctx.argc(); i++) {
            String opt = ctx.option(i);
            if (opt.equals("replace")) {
                replace = true;
            } else if (opt.equals("db") && i + 1 < ctx.argc()) {
                long idx = ctx.longArg(++i);
                if (idx < 0 || idx >= ctx.server().keyspace().databases()) {
                    throw new CommandError(Errors.DB_INDEX_OUT_OF_RANGE);
                }
                target = ctx.server().keyspace().db((int) idx);
            } else {
                throw Errors.syntax();
            }
        }
        if (target == ctx.db() && java.util.Arrays.equals(src, dst)) {
            throw new CommandError("ERR source and destination objects are the same");
        }
        KeyEntry e = ctx.db().lookup(src);
        if (e == null) {
            ctx.keyMiss(src);
            ctx.reply().integer(0);
            return;
        }
        if (target.lookup(dst) != null) {
            if (!replace) {
                ctx.reply().integer(0);
                return;
            }
            target.delete(dst);
        }
        Object value = e.value() instanceof RedisValue rv ? rv.copy() : e.value();
        target.set(dst, value, e.expireAt()).fixEncoding(e.fixedEncoding());
        ctx.dirty();
        ctx.server().shared().keyChanges().notify(KeyspaceEvents.GENERIC, "copy_to", dst, target.index());
        ctx.reply().integer(1);
    }

    static void expire(CommandContext ctx, long unitMillis, boolean absolute) {
        byte[] key = ctx.arg(1);
        long when = ctx.longArg(2);
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        for (int i = 3; i < ctx.argc(); i++) {
            switch (ctx.option(i)) {
                case "nx" -> nx = true;
                case "xx" -> xx = true;
                case "gt" -> gt = true;
                case "lt" -> lt = true;
                default -> throw new CommandError("ERR Unsupported option " + ctx.argString(i));
            }
        }
        if (nx && (xx || gt || lt)) {
            throw new CommandError("ERR NX and XX, GT or LT options at the same time are not compatible");
        }
        if (gt && lt) {
            throw new CommandError("ERR GT and LT options at the same time are not compatible");
        }
        String invalid = "ERR invalid expire time in '" + ctx.spec().name() + "' command";
        if (unitMillis == 1000) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
                throw new CommandError(invalid);
            }
            when *= 1000;
        }
        if (!absolute) {
            long base = ctx.now();
            if (when > 0 && when > Long.MAX_VALUE - base) {
                throw new CommandError(invalid);
            }
            when += base;
        }
        KeyEntry e = ctx.db().lookup(key);
        if (e == null) {
            ctx.reply().integer(0);
            return;
        }
        long current = e.hasExpire() ? e.expireAt() : -1;
        if ((nx && current != -1) || (xx && current == -1) || (gt && (current == -1 || when <= current))
                || (lt && current != -1 && when >= current)) {
            ctx.reply().integer(0);
            return;
        }
        boolean onReplica = ctx.server().isReplica() || ctx.client().isMaster();
        if (when <= ctx.now() && !onReplica) {
            ctx.db().delete(key);
            ctx.dirty();
            ctx.propagate(DEL, key);
            ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key);
            ctx.reply().integer(1);
            return;
        }
        ctx.db().setExpire(e, when);
        ctx.dirty();
        ctx.propagate(PEXPIREAT, key, bytes(when));
        ctx.reply().integer(1);
        ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "expire", key);
    }

    static void ttl(CommandContext ctx, boolean millis, boolean absolute) {
        KeyEntry e = ctx.db().lookupNoTouch(ctx.arg(1));
        if (e == null) {
            ctx.keyMiss(ctx.arg(1));
            ctx.reply().integer(-2);
            return;
        }
        if (!e.hasExpire()) {
            ctx.reply().integer(-1);
            return;
        }
        long at = e.expireAt();
        if (absolute) {
            ctx.reply().integer(millis ? at : at / 1000);
            return;
        }
        long left = Math.max(0, at - ctx.now());
        ctx.reply().integer(millis ? left : (left + 500) / 1000);
    }

    static void persist(CommandContext ctx) {
        KeyEntry e = ctx.db().lookup(ctx.arg(1));
        if (e != null && ctx.db().persist(e)) {
            ctx.dirty();
            ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "persist", ctx.arg(1));
            ctx.reply().integer(1);
        } else {
            ctx.reply().integer(0);
        }
    }

    static void dump(CommandContext ctx) {
        KeyEntry e = ctx.db().lookup(ctx.arg(1));
        if (e == null) {
            ctx.keyMiss(ctx.arg(1));
        }
        ctx.reply().bulk(e == null ? null : RdbPayload.dump(e.value(), StoreValueCodec.INSTANCE));
    }

    /** RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f], checked in Redis' order. */
    static void restore(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        boolean replace = false;
        boolean absTtl = false;
        long idle = -1;
        long freq = -1;
        for (int i = 4; i < ctx.argc(); i++) {
            String opt = ctx.option(i);
            boolean more = i + 1 < ctx.argc();
            if (opt.equals("replace")) {
                replace = true;
            } else if (opt.equals("absttl")) {
                absTtl = true;
            } else if (opt.equals("idletime") && more && freq == -1) {
                idle = ctx.longArg(++i);
                if (idle < 0) {
                    throw new CommandError("ERR Invalid IDLETIME value, must be >= 0");
                }
            } else if (opt.equals("freq") && more && idle == -1) {
                freq = ctx.longArg(++i);
                if (freq < 0 || freq > 255) {
                    throw new CommandError("ERR Invalid FREQ value, must be >= 0 and <= 255");
                }
            } else {
                throw Errors.syntax();
            }
        }
        long ttl = ctx.longArg(2);
        if (ttl < 0) {
            throw new CommandError("ERR Invalid TTL value, must be >= 0");
        }
        if (!replace && ctx.db().lookup(key) != null) {
            throw new CommandError("BUSYKEY Target key name already exists.");
        }
        byte[] payload = ctx.arg(3);
        if (!RdbPayload.verify(payload, !RdbPayload.skipChecksumValidation)) {
            throw new CommandError("ERR DUMP payload version or checksum are wrong");
        }
        Object value;
        try {
            value = RdbPayload.restore(payload, StoreValueCodec.INSTANCE);
        } catch (RdbFormatException e) {
            throw new CommandError("ERR Bad data format");
        }
        long expireAt = ttl == 0 ? 0 : absTtl ? ttl : ctx.now() + ttl;
        boolean existed = replace && ctx.db().delete(key);
        if (ttl != 0 && expireAt <= ctx.now() && !ctx.server().isReplica()) {
            // Already expired: nothing is created (a replaced key is gone), as Redis does.
            if (existed) {
                ctx.dirty();
                ctx.propagate(DEL, key);
                ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", key);
            } else {
                ctx.suppressPropagation();
            }
            ctx.reply().ok();
            return;
        }
        KeyEntry restored = ctx.db().set(key, value, expireAt);
        ctx.db().restoreAccess(restored, freq, idle); // Redis' objectSetLRUOrLFU
        ctx.dirty();
        ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "restore", key);
        ctx.reply().ok();
        if (ttl != 0 && !absTtl) {
            byte[][] argv = java.util.Arrays.copyOf(ctx.argv(), ctx.argc() + 1);
            argv[2] = bytes(expireAt);
            argv[ctx.argc()] = bytes("ABSTTL");
            ctx.propagate(argv);
        }
    }

    static void objectEncoding(CommandContext ctx) {
        KeyEntry e = ctx.db().lookup(ctx.arg(2));
        if (e == null) {
            ctx.reply().nullBulk();
            return;
        }
        ctx.reply().bulk(encodingOf(e));
    }

    /** OBJECT ENCODING of a key: a string keeps the encoding its writer gave it (raw after APPEND...). */
    public static String encodingOf(KeyEntry e) {
        if (e.value() instanceof byte[] b) {
            switch (e.fixedEncoding()) {
                case KeyEntry.RAW:
                    return "raw";
                case KeyEntry.NOT_INT:
                    return b.length <= 44 ? "embstr" : "raw";
                default:
                    break;
            }
        }
        return encodingOf(e.value());
    }

    /** OBJECT ENCODING for any value; strings follow Redis' int / embstr (≤ 44 bytes) / raw rule. */
    public static String encodingOf(Object value) {
        if (value instanceof byte[] b) {
            if (b.length <= 20 && CommandContext.parseLongOrNull(b) != null) {
                return "int";
            }
            return b.length <= 44 ? "embstr" : "raw";
        }
        return ((RedisValue) value).encoding();
    }

    static void objectIdletime(CommandContext ctx) {
        KeyEntry e = ctx.db().peek(ctx.arg(2));
        if (e == null || e.hasExpire() && e.expireAt() <= ctx.now()) {
            ctx.reply().nullBulk();
            return;
        }
        if (ctx.server().keyspace().eviction().policy().lfu()) {
            throw new CommandError("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that "
                    + "when switching between policies at runtime LRU and LFU data will take some time to adjust.");
        }
        ctx.reply().integer(Math.max(0, ctx.now() / 1000 - e.lru()));
    }

    static void objectRefcount(CommandContext ctx) {
        KeyEntry e = ctx.db().lookup(ctx.arg(2));
        if (e == null) {
            ctx.reply().nullBulk();
            return;
        }
        ctx.reply().integer(refcount(ctx, e));
    }

    /** OBJ_SHARED_INTEGERS: the integers 0..9999 are shared objects. */
    static final long SHARED_INTEGERS = 10000;

    /**
     * The value's reference count as Redis reports it: INT_MAX for a shared integer (0..9999, int-encoded), except
     * with a maxmemory and an LRU or LFU policy (MAXMEMORY_FLAG_NO_SHARED_INTEGERS: each value needs its own access
     * data); 1 otherwise.
     */
    static long refcount(CommandContext ctx, KeyEntry e) {
        Long asInt = e.value() instanceof byte[] b && encodingOf(e).equals("int") ? CommandContext.parseLongOrNull(b)
                : null;
        if (asInt == null || asInt < 0 || asInt >= SHARED_INTEGERS) {
            return 1;
        }
        Eviction.Policy policy = ctx.server().keyspace().eviction().policy();
        boolean perKeyAccess = policy == Eviction.Policy.ALLKEYS_LRU || policy == Eviction.Policy.VOLATILE_LRU
                || policy.lfu();
        boolean shared = ctx.server().config().getLong(Directives.MAXMEMORY) == 0 || !perKeyAccess;
        return shared ? Integer.MAX_VALUE : 1;
    }

    static void objectFreq(CommandContext ctx) {
        KeyEntry e = ctx.db().peek(ctx.arg(2));
        if (e == null || e.hasExpire() && e.expireAt() <= ctx.now()) {
            ctx.reply().nullBulk();
            return;
        }
        if (ctx.server().keyspace().eviction().policy().lfu()) {
            ctx.reply().integer(ctx.server().keyspace().eviction().frequency(e, ctx.now()));
            return;
        }
        throw new CommandError("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please "
                + "note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
    }

    static void objectHelp(CommandContext ctx) {
        String[] lines = {
            "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "ENCODING <key>",
            "    Return the kind of internal representation used in order to store the value",
            "    associated with a <key>.",
            "FREQ <key>",
            "    Return the access frequency index of the <key>. The returned integer is",
            "    proportional to the logarithm of the recent access frequency of the key.",
            "IDLETIME <key>",
            "    Return the idle time of the <key>, that is the approximated number of",
            "    seconds elapsed since the last access to the key.",
            "REFCOUNT <key>",
            "    Return the number of references of the value associated with the specified",
            "    <key>.",
            "HELP",
            "    Prints this help."};
        ctx.reply().array(lines.length);
        for (String l : lines) {
            ctx.reply().simple(l);
        }
    }
}
