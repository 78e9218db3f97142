package dev.chorus.node.command;

import dev.chorus.node.net.Client;
import dev.chorus.node.store.GlobMatcher;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** SUBSCRIBE, PSUBSCRIBE, their UNSUBSCRIBEs, PUBLISH and PUBSUB (pubsub.c). */
public final class PubSubCommands implements CommandFamily {
    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(
                CommandSpec.of("subscribe", -2, "pubsub noscript loading stale").handler(PubSubCommands::subscribe),
                CommandSpec.of("unsubscribe", -1, "pubsub noscript loading stale")
                        .handler(PubSubCommands::unsubscribe),
                CommandSpec.of("psubscribe", -2, "pubsub noscript loading stale")
                        .handler(PubSubCommands::psubscribe),
                CommandSpec.of("punsubscribe", -1, "pubsub noscript loading stale")
                        .handler(PubSubCommands::punsubscribe),
                CommandSpec.of("publish", 3, "pubsub loading stale fast may_replicate", PubSubCommands::publish),
                CommandSpec.of("pubsub", -2, "")
                        .sub(CommandSpec.of("channels", -2, "pubsub loading stale").handler(PubSubCommands::channels))
                        .sub(CommandSpec.of("numsub", -2, "pubsub loading stale").handler(PubSubCommands::numsub))
                        .sub(CommandSpec.of("numpat", 2, "pubsub loading stale")
                                .handler(ctx -> ctx.reply().integer(ctx.server().pubsub().patternCount())))
                        .sub(CommandSpec.of("help", 2, "loading stale", PubSubHelp::help)));
    }

    static void subscribe(CommandContext ctx) {
        rejectInMulti(ctx, "SUBSCRIBE");
        Client c = ctx.client();
        for (int i = 1; i < ctx.argc(); i++) {
            String ch = new String(ctx.arg(i), StandardCharsets.ISO_8859_1);
            ctx.server().pubsub().subscribe(c, ch);
            ctx.reply().push(3).bulk("subscribe").bulk(ctx.arg(i)).integer(c.subscriptionCount());
        }
    }

    static void psubscribe(CommandContext ctx) {
        rejectInMulti(ctx, "PSUBSCRIBE");
        Client c = ctx.client();
        for (int i = 1; i < ctx.argc(); i++) {
            String p = new String(ctx.arg(i), StandardCharsets.ISO_8859_1);
            ctx.server().pubsub().psubscribe(c, p);
            ctx.reply().push(3).bulk("psubscribe").bulk(ctx.arg(i)).integer(c.subscriptionCount());
        }
    }

    static void unsubscribe(CommandContext ctx) {
        Client c = ctx.client();
        List<String> names = new ArrayList<>();
        if (ctx.argc() == 1) {
            names.addAll(c.channels());
        } else {
            for (int i = 1; i < ctx.argc(); i++) {
                names.add(new String(ctx.arg(i), StandardCharsets.ISO_8859_1));
            }
        }
        if (names.isEmpty()) {
            ctx.reply().push(3).bulk("unsubscribe").nullBulk().integer(c.subscriptionCount());
            return;
        }
        for (String ch : names) {
            ctx.server().pubsub().unsubscribe(c, ch);
            ctx.reply().push(3).bulk("unsubscribe").bulk(ch.getBytes(StandardCharsets.ISO_8859_1))
                    .integer(c.subscriptionCount());
        }
    }

    static void punsubscribe(CommandContext ctx) {
        Client c = ctx.client();
        List<String> names = new ArrayList<>();
        if (ctx.argc() == 1) {
            names.addAll(c.patterns());
        } else {
            for (int i = 1; i < ctx.argc(); i++) {
                names.add(new String(ctx.arg(i), StandardCharsets.ISO_8859_1));
            }
        }
        if (names.isEmpty()) {
            ctx.reply().push(3).bulk("punsubscribe").nullBulk().integer(c.subscriptionCount());
            return;
        }
        for (String p : names) {
            ctx.server().pubsub().punsubscribe(c, p);
            ctx.reply().push(3).bulk("punsubscribe").bulk(p.getBytes(StandardCharsets.ISO_8859_1))
                    .integer(c.subscriptionCount());
        }
    }

    /** Removes every subscription of a client that disconnects or RESETs. */
    public static void unsubscribeAll(Client c, PubSub pubsub) {
        for (String ch : List.copyOf(c.channels())) {
            pubsub.unsubscribe(c, ch);
        }
        for (String p : List.copyOf(c.patterns())) {
            pubsub.punsubscribe(c, p);
        }
    }

    static void publish(CommandContext ctx) {
        long n = ctx.server().pubsub().publish(new String(ctx.arg(1), StandardCharsets.ISO_8859_1), ctx.arg(2));
        ctx.reply().integer(n);
        ctx.propagate(ctx.argv()); // PUBLISH reaches replicas' subscribers too, as in Redis
    }

    static void channels(CommandContext ctx) {
        byte[] pattern = ctx.argc() > 2 ? ctx.arg(2) : null;
        List<byte[]> out = new ArrayList<>();
        for (String ch : ctx.server().pubsub().activeChannels()) {
            byte[] b = ch.getBytes(StandardCharsets.ISO_8859_1);
            if (pattern == null || GlobMatcher.matches(pattern, b)) {
                out.add(b);
            }
        }
        ctx.reply().array(out.size());
        out.forEach(ctx.reply()::bulk);
    }

    static void numsub(CommandContext ctx) {
        ctx.reply().map(ctx.argc() - 2);
        for (int i = 2; i < ctx.argc(); i++) {
            ctx.reply().bulk(ctx.arg(i))
                    .integer(ctx.server().pubsub().subscriberCount(new String(ctx.arg(i), StandardCharsets.ISO_8859_1)));
        }
    }

    private static void rejectInMulti(CommandContext ctx, String name) {
        if (ctx.client().inMulti()) {
            throw new CommandError("ERR Command not allowed inside a transaction");
        }
    }
}
