package dev.chorus.node.command;

import dev.chorus.node.resp.Doubles;
import dev.chorus.node.store.LexRange;
import dev.chorus.node.store.ScoreRange;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Argument parsing shared by the sorted set commands, with Redis' exact acceptance rules and error texts. */
final class ZSetArgs {
    static final String SCORE_RANGE_ERROR = "ERR min or max is not a float";
    static final String LEX_RANGE_ERROR = "ERR min or max not valid string range item";
    static final String NAN_ERROR = "ERR resulting score is not a number (NaN)";

    private ZSetArgs() {
    }

    /**
     * getDoubleFromObject: strtod over the whole argument, no leading space, NaN rejected, and (unlike ranges)
     * overflow to ±inf or underflow to 0 rejected too, as strtod reports them with ERANGE.
     */
    static Double parseDouble(byte[] arg) {
        return Doubles.parseStrict(arg);
    }

    static double doubleArg(CommandContext ctx, int i, String error) {
        Double d = parseDouble(ctx.arg(i));
        if (d == null) {
            throw new CommandError(error);
        }
        return d;
    }

    static ScoreRange scoreRange(byte[] min, byte[] max) {
        ScoreRange r = ScoreRange.parse(min, max);
        if (r == null) {
            throw new CommandError(SCORE_RANGE_ERROR);
        }
        return r;
    }

    static LexRange lexRange(byte[] min, byte[] max) {
        LexRange r = LexRange.parse(min, max);
        if (r == null) {
            throw new CommandError(LEX_RANGE_ERROR);
        }
        return r;
    }

    /**
     * getRangeLongFromObjectOrReply with a custom message: the message answers both a non-integer and an
     * out-of-range value.
     */
    static long longInRange(CommandContext ctx, int i, long min, long max, String error) {
        Long v = CommandContext.parseLongOrNull(ctx.arg(i));
        if (v == null || v < min || v > max) {
            throw new CommandError(error);
        }
        return v;
    }

    /** getPositiveLongFromObjectOrReply (0 allowed): one message for a non-integer and a negative value. */
    static long nonNegativeLong(CommandContext ctx, int i) {
        return longInRange(ctx, i, 0, Long.MAX_VALUE, Errors.NOT_POSITIVE);
    }
}
