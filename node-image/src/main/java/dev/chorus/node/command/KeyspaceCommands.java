package dev.chorus.node.command;

import static dev.chorus.node.command.CommandContext.bytes;

import dev.chorus.node.persistence.RdbFormatException;
import dev.chorus.node.persistence.RdbPayload;
import dev.chorus.node.persistence.StoreValueCodec;
import dev.chorus.node.store.Database;
import dev.chorus.node.store.GlobMatcher;
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
                cmd("del", -2, "write", 1, -1, 1, "1.0.0", "Delete a key", KeyspaceCommands::del),
                cmd("unlink", -2, "write fast", 1, -1, 1, "4.0.0",
                        "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.",
                        KeyspaceCommands::del),
                cmd("exists", -2, "readonly fast", 1, -1, 1, "1.0.0", "Determine if a key exists", KeyspaceCommands::exists),
                cmd("touch", -2, "readonly fast", 1, -1, 1, "3.2.1",
                        "Alters the last access time of a key(s). Returns the number of existing keys specified.",
                        KeyspaceCommands::exists),
                cmd("type", 2, "readonly fast", 1, 1, 1, "1.0.0", "Determine the type stored at key", KeyspaceCommands::type),
                cmd("keys", 2, "readonly", 0, 0, 0, "1.0.0", "Find all keys matching the given pattern", KeyspaceCommands::keys),
                cmd("scan", -2, "readonly", 0, 0, 0, "2.8.0", "Incrementally iterate the keys space", KeyspaceCommands::scan),
                cmd("randomkey", 1, "readonly", 0, 0, 0, "1.0.0", "Return a random key from the keyspace",
                        KeyspaceCommands::randomkey),
                cmd("rename", 3, "write", 1, 2, 1, "1.0.0", "Rename a key", ctx -> rename(ctx, false)),
                cmd("renamenx", 3, "write fast", 1, 2, 1, "1.0.0", "Rename a key, only if the new key does not exist",
                        ctx -> rename(ctx, true)),
                cmd("move", 3, "write fast", 1, 1, 1, "1.0.0", "Move a key to another database", KeyspaceCommands::move),
                cmd("copy", -3, "write denyoom", 1, 2, 1, "6.2.0", "Copy a key", KeyspaceCommands::copy),
                cmd("expire", -3, "write fast", 1, 1, 1, "1.0.0", "Set a key's time to live in seconds",
                        ctx -> expire(ctx, 1000, false)),
                cmd("pexpire", -3, "write fast", 1, 1, 1, "2.6.0", "Set a key's time to live in milliseconds",
                        ctx -> expire(ctx, 1, false)),
                cmd("expireat", -3, "write fast", 1, 1, 1, "1.2.0", "Set the expiration for a key as a UNIX timestamp",
                        ctx -> expire(ctx, 1000, true)),
                cmd("pexpireat", -3, "write fast", 1, 1, 1, "2.6.0",
                        "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
                        ctx -> expire(ctx, 1, true)),
                cmd("ttl", 2, "readonly fast", 1, 1, 1, "1.0.0", "Get the time to live for a key in seconds",
                        ctx -> ttl(ctx, false, false)),
                cmd("pttl", 2, "readonly fast", 1, 1, 1, "2.6.0", "Get the time to live for a key in milliseconds",
                        ctx -> ttl(ctx, true, false)),
                cmd("expiretime", 2, "readonly fast", 1, 1, 1, "7.0.0",
                        "Get the expiration Unix timestamp for a key", ctx -> ttl(ctx, false, true)),
                cmd("pexpiretime", 2, "readonly fast", 1, 1, 1, "7.0.0",
                        "Get the expiration Unix timestamp for a key in milliseconds", ctx -> ttl(ctx, true, true)),
                cmd("persist", 2, "write fast", 1, 1, 1, "2.2.0", "Remove the expiration from a key",
                        KeyspaceCommands::persist),
                cmd("dump", 2, "readonly", 1, 1, 1, "2.6.0",
                        "Return a serialized version of the value stored at the specified key.", KeyspaceCommands::dump),
                cmd("restore", -4, "write denyoom", 1, 1, 1, "2.6.0",
                        "Create a key using the provided serialized value, previously obtained using DUMP.",
                        KeyspaceCommands::restore),
                CommandSpec.of("object", -2, "").group("generic").since("2.2.3")
                        .summary("A container for object introspection commands")
                        .sub(CommandSpec.of("encoding", 3, "readonly").keys(2, 2, 1).since("2.2.3")
                                .summary("Inspect the internal encoding of a Redis object")
                                .handler(KeyspaceCommands::objectEncoding))
                        .sub(CommandSpec.of("idletime", 3, "readonly").keys(2, 2, 1).since("2.2.3")
                                .summary("Get the time since a Redis object was last accessed")
                                .handler(KeyspaceCommands::objectIdletime))
                        .sub(CommandSpec.of("refcount", 3, "readonly").keys(2, 2, 1).since("2.2.3")
                                .summary("Get the number of references to the value of the key")
                                .handler(KeyspaceCommands::objectRefcount))
                        .sub(CommandSpec.of("freq", 3, "readonly").keys(2, 2, 1).since("4.0.0")
                                .summary("Get the logarithmic access frequency counter of a Redis object")
                                .handler(KeyspaceCommands::objectFreq))
                        .sub(CommandSpec.of("help", 2, "loading stale").since("6.2.0").summary("Show helpful text about the different subcommands")
                                .handler(KeyspaceCommands::objectHelp)));
    }

    static CommandSpec.Builder cmd(String name, int arity, String flags, int first, int last, int step, String since,
                                   String summary, CommandHandler h) {
        return CommandSpec.of(name, arity, flags).keys(first, last, step).group("generic").since(since).summary(summary)
                .handler(h);
    }

    static void del(CommandContext ctx) {
        long n = 0;
        for (int i = 1; i < ctx.argc(); i++) {
            if (ctx.db().delete(ctx.arg(i))) {
                n++;
            }
        }
        ctx.dirty(n);
        ctx.reply().integer(n);
    }

    static void exists(CommandContext ctx) {
        long n = 0;
        for (int i = 1; i < ctx.argc(); i++) {
            if (ctx.db().lookup(ctx.arg(i)) != null) {
                n++;
            }
        }
        ctx.reply().integer(n);
    }

    static void type(CommandContext ctx) {
        KeyEntry e = ctx.db().lookup(ctx.arg(1));
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
        Database db = ctx.db();
        for (int tries = 0; tries < 100 && db.size() > 0; tries++) {
            KeyEntry e = db.randomEntry();
            if (e != null && db.lookup(e.key()) != null) {
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
        db.delete(src);
        db.set(dst, value, expireAt);
        ctx.dirty();
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
        ctx.db().delete(key);
        dst.set(key, value, expireAt);
        ctx.dirty();
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
        target.set(dst, value, e.expireAt());
        ctx.dirty();
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
            ctx.reply().integer(1);
            return;
        }
        ctx.db().setExpire(e, when);
        ctx.dirty();
        ctx.propagate(PEXPIREAT, key, bytes(when));
        ctx.reply().integer(1);
    }

    static void ttl(CommandContext ctx, boolean millis, boolean absolute) {
        KeyEntry e = ctx.db().lookup(ctx.arg(1));
        if (e == null) {
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
            ctx.reply().integer(1);
        } else {
            ctx.reply().integer(0);
        }
    }

    static void dump(CommandContext ctx) {
        KeyEntry e = ctx.db().lookup(ctx.arg(1));
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
        if (!RdbPayload.verify(payload, true)) {
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
            } else {
                ctx.suppressPropagation();
            }
            ctx.reply().ok();
            return;
        }
        ctx.db().set(key, value, expireAt);
        ctx.dirty();
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
        ctx.reply().bulk(encodingOf(e.value()));
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
        // Redis shares the integers 0..9999 and reports them with INT_MAX.
        Long asInt = e.value() instanceof byte[] b ? CommandContext.parseLongOrNull(b) : null;
        ctx.reply().integer(asInt != null && asInt >= 0 && asInt < 10000 ? Integer.MAX_VALUE : 1);
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
