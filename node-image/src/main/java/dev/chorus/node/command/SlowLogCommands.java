package dev.chorus.node.command;

import dev.chorus.node.resp.RespWriter;
import java.util.Iterator;
import java.util.List;

/** SLOWLOG GET/LEN/RESET/HELP (slowlog.c's slowlogCommand); the log itself is {@link SlowLog}. */
public final class SlowLogCommands implements CommandFamily {
    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(CommandSpec.of("slowlog", -2, "")
                .sub(CommandSpec.of("get", -2, "admin loading stale").handler(SlowLogCommands::get))
                .sub(CommandSpec.of("len", 2, "admin loading stale")
                        .handler(ctx -> ctx.reply().integer(ctx.server().slowLog().size())))
                .sub(CommandSpec.of("reset", 2, "admin loading stale").handler(ctx -> {
                    ctx.server().slowLog().reset();
                    ctx.reply().ok();
                }))
                .sub(CommandSpec.of("help", 2, "loading stale").handler(SlowLogCommands::help)));
    }

    static void get(CommandContext ctx) {
        if (ctx.argc() > 3) {
            throw new CommandError("ERR unknown subcommand or wrong number of arguments for '"
                    + Errors.truncate(ctx.argString(1)) + "'. Try SLOWLOG HELP.");
        }
        SlowLog log = ctx.server().slowLog();
        long count = 10;
        if (ctx.argc() == 3) {
            Long parsed = CommandContext.parseLongOrNull(ctx.arg(2));
            if (parsed == null || parsed < -1) {
                throw new CommandError("ERR count should be greater than or equal to -1");
            }
            count = parsed == -1 ? log.size() : parsed;
        }
        count = Math.min(count, log.size());
        RespWriter w = ctx.reply();
        w.array((int) count);
        Iterator<SlowLog.Entry> it = log.iterator();
        while (count-- > 0) {
            SlowLog.Entry e = it.next();
            w.array(6).integer(e.id()).integer(e.timeSeconds()).integer(e.durationMicros());
            w.array(e.argv().length);
            for (byte[] a : e.argv()) {
                w.bulk(a);
            }
            w.bulk(e.peer()).bulk(e.name());
        }
    }

    static void help(CommandContext ctx) {
        String[] lines = {
            "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "GET [<count>]",
            "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "    Entries are made of:",
            "    id, timestamp, time in microseconds, arguments array, client IP and port,",
            "    client name",
            "LEN",
            "    Return the length of the slowlog.",
            "RESET",
            "    Reset the slowlog.",
            "HELP",
            "    Prints this help."};
        ctx.reply().array(lines.length);
        for (String line : lines) {
            ctx.reply().simple(line);
        }
    }
}
