package dev.chorus.node.command;

import dev.chorus.node.store.GlobMatcher;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The parts of Redis' scanGenericCommand that HSCAN, SSCAN and ZSCAN share: cursor parsing, the COUNT/MATCH options,
 * and the reply. The per-type iteration stays with each type.
 */
final class CollectionScan {
    /** Reply to HSCAN/SSCAN/ZSCAN on a missing key: cursor "0" and no elements (shared.emptyscan). */
    static final byte[] EMPTY = "*2\r\n$1\r\n0\r\n*0\r\n".getBytes(StandardCharsets.US_ASCII);

    final long count;
    /** Null when every element matches (no MATCH, or MATCH "*"). */
    final byte[] pattern;

    private CollectionScan(long count, byte[] pattern) {
        this.count = count;
        this.pattern = pattern;
    }

    /**
     * Redis parses the cursor with strtoul: an optional sign ("-1" wraps to 2^64-1), decimal digits, nothing after;
     * an empty string is cursor 0; a leading space or overflow is "ERR invalid cursor".
     */
    static long parseCursor(byte[] arg) {
        int n = 0;
        while (n < arg.length && arg[n] != 0) {
            n++; // C stops at an embedded NUL
        }
        if (n == 0) {
            return 0;
        }
        byte first = arg[0];
        if (first == ' ' || (first >= '\t' && first <= '\r')) {
            throw invalid();
        }
        int i = 0;
        boolean negative = false;
        if (first == '+' || first == '-') {
            negative = first == '-';
            i++;
        }
        if (i == n) {
            throw invalid();
        }
        long v = 0;
        for (; i < n; i++) {
            int d = arg[i] - '0';
            if (d < 0 || d > 9) {
                throw invalid();
            }
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0) {
                throw invalid();
            }
            long next = v * 10 + d;
            if (Long.compareUnsigned(next, v * 10) < 0) {
                throw invalid();
            }
            v = next;
        }
        return negative ? -v : v;
    }

    private static CommandError invalid() {
        return new CommandError("ERR invalid cursor");
    }

    /** Parses the options starting at {@code first}; HSCAN/SSCAN/ZSCAN have no TYPE option. */
    static CollectionScan options(CommandContext ctx, int first) {
        long count = 10;
        byte[] pattern = null;
        for (int i = first; i < ctx.argc(); i += 2) {
            boolean hasValue = i + 1 < ctx.argc();
            String opt = ctx.option(i);
            if (opt.equals("count") && hasValue) {
                count = ctx.longArg(i + 1);
                if (count < 1) {
                    throw Errors.syntax();
                }
            } else if (opt.equals("match") && hasValue) {
                byte[] p = ctx.arg(i + 1);
                pattern = GlobMatcher.matchesEverything(p) ? null : p;
            } else {
                throw Errors.syntax();
            }
        }
        return new CollectionScan(count, pattern);
    }

    boolean matches(byte[] element) {
        return pattern == null || GlobMatcher.matches(pattern, element);
    }

    /** How many dict buckets a hashtable scan may visit while looking for {@code count} elements. */
    long maxIterations() {
        return count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : count * 10;
    }

    /** Writes the two-element scan reply (always arrays, also under RESP3). */
    static void reply(CommandContext ctx, long cursor, List<byte[]> elements) {
        ctx.reply().array(2).bulk(Long.toUnsignedString(cursor).getBytes(StandardCharsets.US_ASCII));
        ctx.reply().array(elements.size());
        for (byte[] e : elements) {
            ctx.reply().bulk(e);
        }
    }
}
