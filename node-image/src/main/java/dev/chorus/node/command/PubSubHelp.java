package dev.chorus.node.command;

/** PUBSUB HELP: Redis 7.0.15's text (pubsubCommand), line for line. */
final class PubSubHelp {
    private static final String[] LINES = {
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help."};

    private PubSubHelp() {
    }

    static void help(CommandContext ctx) {
        ctx.reply().array(LINES.length);
        for (String l : LINES) {
            ctx.reply().simple(l);
        }
    }
}
