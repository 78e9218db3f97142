package dev.chorus.node.command;

import dev.chorus.node.config.Directives;
import dev.chorus.node.store.HyperLogLog;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.ValueType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The HyperLogLog commands (hyperloglog.c): PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST. An HLL is a plain string
 * value ({@link HyperLogLog} holds the algorithm), so GET, DUMP, RDB and replication carry it unchanged. Lookups,
 * checks, dirty counts, keyspace events and propagation follow the C functions step by step, including their
 * quirks: PFCOUNT of one key rewrites the cached cardinality and is then propagated although it is read-only, and
 * PFDEBUG GETREG / TODENSE store the dense conversion.
 */
public final class HyperLogLogCommands implements CommandFamily {
    static final String INVALID_HLL = "INVALIDOBJ Corrupted HLL object detected";
    static final String NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";
    private static final int TEST_CYCLES = 1000;

    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(
                CommandSpec.of("pfadd", -2, "write denyoom fast", HyperLogLogCommands::pfadd),
                CommandSpec.of("pfcount", -2, "readonly may_replicate", HyperLogLogCommands::pfcount),
                CommandSpec.of("pfmerge", -2, "write denyoom", HyperLogLogCommands::pfmerge),
                CommandSpec.of("pfdebug", 3, "write denyoom admin", HyperLogLogCommands::pfdebug),
                CommandSpec.of("pfselftest", 1, "admin", HyperLogLogCommands::pfselftest));
    }

    private static long sparseMaxBytes(CommandContext ctx) {
        return ctx.server().config().getLong(Directives.HLL_SPARSE_MAX_BYTES);
    }

    /** isHLLObjectOrReply: the string at the entry as an HLL, or the WRONGTYPE error Redis sends. */
    private static HyperLogLog hllOf(KeyEntry e) {
        if (e.type() != ValueType.STRING) {
            throw Errors.wrongType();
        }
        byte[] v = (byte[]) e.value();
        if (!HyperLogLog.isValid(v)) {
            throw new CommandError(NOT_HLL);
        }
        return HyperLogLog.of(v);
    }

    /** Writes a changed HLL back to its entry (keeping the key's TTL), as the C code's in-place edit does. */
    private static void storeBack(CommandContext ctx, KeyEntry e, HyperLogLog h) {
        if (h.modified()) {
            ctx.db().replaceValue(e, h.toBytes());
            e.fixEncoding(KeyEntry.RAW); // an HLL is a raw sds edited in place
        }
    }

    // ---- PFADD key [element ...] ----

    static void pfadd(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        KeyEntry e = ctx.db().lookup(key);
        HyperLogLog h;
        long updated = 0;
        if (e == null) {
            h = HyperLogLog.create();
            e = ctx.db().set(key, h.toBytes(), 0).fixEncoding(KeyEntry.RAW);
            updated++;
        } else {
            h = hllOf(e);
            e.fixEncoding(KeyEntry.RAW); // pfaddCommand unshares the existing value (dbUnshareStringValue)
        }
        long maxBytes = sparseMaxBytes(ctx);
        for (int j = 2; j < ctx.argc(); j++) {
            int retval = h.add(ctx.arg(j), maxBytes);
            if (retval == 1) {
                updated++;
            } else if (retval == -1) {
                storeBack(ctx, e, h); // what was changed before the corruption was found stays, unannounced
                throw new CommandError(INVALID_HLL);
            }
        }
        if (updated > 0) {
            h.invalidateCache();
            storeBack(ctx, e, h);
            ctx.notifyKeyspaceEvent(KeyspaceEvents.STRING, "pfadd", key);
            ctx.dirty(updated);
        }
        ctx.reply().integer(updated > 0 ? 1 : 0);
    }

    // ---- PFCOUNT key [key ...] ----

    static void pfcount(CommandContext ctx) {
        if (ctx.argc() > 2) {
            byte[] max = new byte[HyperLogLog.REGISTERS];
            for (int j = 1; j < ctx.argc(); j++) {
                KeyEntry e = ctx.db().lookup(ctx.arg(j));
                if (e == null) {
                    continue; // a missing key counts as an empty HLL
                }
                if (!hllOf(e).mergeInto(max)) {
                    throw new CommandError(INVALID_HLL);
                }
            }
            ctx.reply().integer(HyperLogLog.countRaw(max));
            return;
        }
        KeyEntry e = ctx.db().lookup(ctx.arg(1));
        if (e == null) {
            ctx.reply().integer(0);
            return;
        }
        HyperLogLog h = hllOf(e);
        long card;
        if (h.validCache()) {
            card = h.cachedCardinality();
        } else {
            boolean[] invalid = new boolean[1];
            card = h.count(invalid);
            if (invalid[0]) {
                throw new CommandError(INVALID_HLL);
            }
            h.setCachedCardinality(card);
            storeBack(ctx, e, h);
            // Read-only, yet the value changed: Redis counts it dirty and so propagates the PFCOUNT itself.
            ctx.dirty();
            ctx.propagate(ctx.argv());
        }
        ctx.reply().integer(card);
    }

    // ---- PFMERGE destkey [sourcekey ...] ----

    static void pfmerge(CommandContext ctx) {
        byte[] max = new byte[HyperLogLog.REGISTERS];
        boolean useDense = false;
        for (int j = 1; j < ctx.argc(); j++) {
            KeyEntry e = ctx.db().lookup(ctx.arg(j));
            if (e == null) {
                continue;
            }
            HyperLogLog h = hllOf(e);
            if (h.encoding() == HyperLogLog.DENSE) {
                useDense = true;
            }
            if (!h.mergeInto(max)) {
                throw new CommandError(INVALID_HLL);
            }
        }
        byte[] key = ctx.arg(1);
        KeyEntry e = ctx.db().lookup(key);
        HyperLogLog h;
        if (e == null) {
            h = HyperLogLog.create();
            e = ctx.db().set(key, h.toBytes(), 0).fixEncoding(KeyEntry.RAW);
        } else {
            h = HyperLogLog.of((byte[]) e.value()); // checked while merging
        }
        if (useDense && !h.sparseToDense()) {
            throw new CommandError(INVALID_HLL);
        }
        long maxBytes = sparseMaxBytes(ctx);
        for (int j = 0; j < HyperLogLog.REGISTERS; j++) {
            if (max[j] != 0) {
                h.set(j, max[j], maxBytes);
            }
        }
        h.invalidateCache();
        ctx.db().replaceValue(e, h.toBytes()); // signalModifiedKey even when nothing changed
        e.fixEncoding(KeyEntry.RAW);
        // A PFADD event for PFMERGE, as Redis sends: in theory it is a mass-add of elements.
        ctx.notifyKeyspaceEvent(KeyspaceEvents.STRING, "pfadd", key);
        ctx.dirty();
        ctx.reply().ok();
    }

    // ---- PFDEBUG <subcommand> key ----

    static void pfdebug(CommandContext ctx) {
        String cmd = cString(ctx.arg(1)); // strcasecmp compares up to the first NUL
        KeyEntry e = ctx.db().lookup(ctx.arg(2));
        if (e == null) {
            throw new CommandError("ERR The specified key does not exist");
        }
        HyperLogLog h = hllOf(e);
        switch (cmd.toLowerCase(Locale.ROOT)) {
            case "getreg" -> {
                if (h.encoding() == HyperLogLog.SPARSE) {
                    if (!h.sparseToDense()) {
                        throw new CommandError(INVALID_HLL);
                    }
                    storeBack(ctx, e, h);
                    ctx.dirty(); // force propagation of the encoding change
                }
                ctx.reply().array(HyperLogLog.REGISTERS);
                for (int j = 0; j < HyperLogLog.REGISTERS; j++) {
                    ctx.reply().integer(h.denseRegister(j));
                }
            }
            case "decode" -> {
                if (h.encoding() != HyperLogLog.SPARSE) {
                    throw new CommandError("ERR HLL encoding is not sparse");
                }
                ctx.reply().bulk(h.decodeSparse().getBytes(StandardCharsets.US_ASCII));
            }
            case "encoding" -> ctx.reply().simple(h.encoding() == HyperLogLog.DENSE ? "dense" : "sparse");
            case "todense" -> {
                boolean conv = false;
                if (h.encoding() == HyperLogLog.SPARSE) {
                    if (!h.sparseToDense()) {
                        throw new CommandError(INVALID_HLL);
                    }
                    storeBack(ctx, e, h);
                    conv = true;
                    ctx.dirty();
                }
                ctx.reply().integer(conv ? 1 : 0);
            }
            default -> throw new CommandError("ERR Unknown PFDEBUG subcommand '" + cString(ctx.arg(1)) + "'");
        }
    }

    /** An argument as C's %s prints it: up to its first NUL byte. */
    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    // ---- PFSELFTEST ----

    /**
     * Test 1: every register of a dense HLL keeps what was set, without disturbing its neighbours. Test 2: dense and
     * sparse HLLs fed the same 10 million elements agree at every power of ten, stay sparse while small, and stay
     * within six standard errors of the true cardinality.
     */
    static void pfselftest(CommandContext ctx) {
        Random rand = new Random();
        byte[] registers = new byte[HyperLogLog.DENSE_SIZE];
        int[] bytecounters = new int[HyperLogLog.REGISTERS];
        for (int j = 0; j < TEST_CYCLES; j++) {
            for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
                int r = rand.nextInt() & HyperLogLog.REGISTER_MAX;
                bytecounters[i] = r;
                HyperLogLog.setDenseRegister(registers, i, r);
            }
            for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
                int val = HyperLogLog.getDenseRegister(registers, i);
                if (val != bytecounters[i]) {
                    throw new CommandError("TESTFAILED Register " + i + " should be " + bytecounters[i]
                            + " but is " + val);
                }
            }
        }
        long maxBytes = sparseMaxBytes(ctx);
        HyperLogLog dense = HyperLogLog.create();
        dense.sparseToDense();
        HyperLogLog sparse = HyperLogLog.create();
        double relerr = 1.04 / Math.sqrt(HyperLogLog.REGISTERS);
        long checkpoint = 1;
        long seed = rand.nextLong();
        byte[] ele = new byte[8];
        for (long j = 1; j <= 10_000_000; j++) {
            long v = j ^ seed;
            for (int b = 0; b < 8; b++) {
                ele[b] = (byte) (v >>> (8 * b));
            }
            dense.add(ele, maxBytes);
            sparse.add(ele, maxBytes);
            if (j != checkpoint) {
                continue;
            }
            if (j < maxBytes / 2 && sparse.encoding() != HyperLogLog.SPARSE) {
                throw new CommandError("TESTFAILED sparse encoding not used");
            }
            long denseCount = dense.count(null);
            if (denseCount != sparse.count(null)) {
                throw new CommandError("TESTFAILED dense/sparse disagree");
            }
            long abserr = Math.abs(checkpoint - denseCount);
            long maxerr = (long) Math.ceil(relerr * 6 * checkpoint);
            if (j == 10) {
                maxerr = 1;
            }
            if (abserr > maxerr) {
                throw new CommandError("TESTFAILED Too big error. card:" + checkpoint + " abserr:" + abserr);
            }
            checkpoint *= 10;
        }
        ctx.reply().ok();
    }
}
