package dev.chorus.node.command;

import dev.chorus.node.Server;
import dev.chorus.node.config.Directives;
import dev.chorus.node.command.shared.ClientPause;
import dev.chorus.node.net.Client;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Connection-level commands: PING, ECHO, QUIT, AUTH, HELLO, SELECT, RESET and the CLIENT container. */
public final class ConnectionCommands implements CommandFamily {
    private static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";

    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(
                CommandSpec.of("ping", -1, "fast", ConnectionCommands::ping),
                CommandSpec.of("echo", 2, "loading stale fast", ctx -> ctx.reply().bulk(ctx.arg(1))),
                CommandSpec.of("quit", -1, "noscript loading stale fast no_auth allow_busy",
                        ctx -> {
                            ctx.reply().ok();
                            ctx.client().closeAfterReply();
                        }),
                CommandSpec.of("auth", -2, "noscript loading stale fast no_auth allow_busy", ConnectionCommands::auth),
                CommandSpec.of("hello", -1, "noscript loading stale fast no_auth allow_busy",
                        ConnectionCommands::hello),
                CommandSpec.of("select", 2, "loading stale fast", ConnectionCommands::select),
                CommandSpec.of("reset", 1, "noscript loading stale fast no_auth allow_busy",
                        ConnectionCommands::reset),
                CommandSpec.of("client", -2, "")
                        .sub(CommandSpec.of("id", 2, "noscript loading stale",
                                ctx -> ctx.reply().integer(ctx.client().id())))
                        .sub(CommandSpec.of("setname", 3, "noscript loading stale", ConnectionCommands::setname))
                        .sub(CommandSpec.of("getname", 2, "noscript loading stale",
                                ctx -> {
                                    String n = ctx.client().name();
                                    ctx.reply().bulk(n.isEmpty() ? null : n.getBytes(StandardCharsets.UTF_8));
                                }))
                        .sub(CommandSpec.of("list", -2, "admin noscript loading stale", ConnectionCommands::list))
                        .sub(CommandSpec.of("info", 2, "noscript loading stale",
                                ctx -> ctx.reply().verbatim(describe(ctx.server(), ctx.client()) + "\n")))
                        .sub(CommandSpec.of("kill", -3, "admin noscript loading stale", ConnectionCommands::kill))
                        .sub(CommandSpec.of("no-evict", 3, "admin noscript loading stale",
                                ConnectionCommands::noEvict))
                        .sub(CommandSpec.of("pause", -3, "admin noscript loading stale", ConnectionCommands::pause))
                        .sub(CommandSpec.of("unpause", 2, "admin noscript loading stale",
                                ctx -> {
                                    ctx.server().clientPause().unpause();
                                    ctx.reply().ok();
                                }))
                        .sub(CommandSpec.of("tracking", -3, "noscript loading stale", ClientStateCommands::tracking))
                        .sub(CommandSpec.of("caching", 3, "noscript loading stale", ClientStateCommands::caching))
                        .sub(CommandSpec.of("getredir", 2, "noscript loading stale", ClientStateCommands::getredir))
                        .sub(CommandSpec.of("trackinginfo", 2, "noscript loading stale",
                                ClientStateCommands::trackinginfo))
                        .sub(CommandSpec.of("reply", 3, "noscript loading stale", ClientStateCommands::reply))
                        .sub(CommandSpec.of("unblock", -3, "admin noscript loading stale",
                                ClientStateCommands::unblock))
                        .sub(CommandSpec.of("help", 2, "loading stale", ConnectionCommands::clientHelp)));
    }

    static void ping(CommandContext ctx) {
        if (ctx.argc() > 2) {
            throw Errors.arity("ping");
        }
        if (ctx.client().inPubSubContext()) {
            ctx.reply().array(2).bulk("pong").bulk(ctx.argc() == 2 ? ctx.arg(1) : new byte[0]);
        } else if (ctx.argc() == 2) {
            ctx.reply().bulk(ctx.arg(1));
        } else {
            ctx.reply().simple("PONG");
        }
    }

    static void auth(CommandContext ctx) {
        if (ctx.argc() > 3) {
            throw Errors.syntax();
        }
        String user = ctx.argc() == 3 ? ctx.argString(1) : "default";
        String password = ctx.argString(ctx.argc() - 1);
        String required = ctx.server().config().getString(Directives.REQUIREPASS);
        if (ctx.argc() == 2 && required.isEmpty()) {
            throw new CommandError("ERR AUTH <password> called without any password configured for the default "
                    + "user. Are you sure your configuration is correct?");
        }
        if (!checkPassword(ctx.server(), user, password)) {
            throw new CommandError(WRONGPASS);
        }
        ctx.client().setAuthenticated(true);
        ctx.reply().ok();
    }

    private static boolean checkPassword(Server server, String user, String password) {
        String required = server.config().getString(Directives.REQUIREPASS);
        return user.equals("default") && (required.isEmpty() || constantTimeEquals(required, password));
    }

    private static boolean constantTimeEquals(String a, String b) {
        return java.security.MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    static void hello(CommandContext ctx) {
        Client c = ctx.client();
        int protocol = c.protocol();
        int i = 1;
        if (ctx.argc() >= 2) {
            Long v = CommandContext.parseLongOrNull(ctx.arg(1));
            if (v == null) {
                throw new CommandError("ERR Protocol version is not an integer or out of range");
            }
            if (v < 2 || v > 3) {
                throw new CommandError("NOPROTO unsupported protocol version");
            }
            protocol = v.intValue();
            i = 2;
        }
        String setName = null;
        for (; i < ctx.argc(); i++) {
            String opt = ctx.option(i);
            if (opt.equals("auth") && i + 2 < ctx.argc()) {
                if (!checkPassword(ctx.server(), ctx.argString(i + 1), ctx.argString(i + 2))) {
                    throw new CommandError(WRONGPASS);
                }
                c.setAuthenticated(true);
                i += 2;
            } else if (opt.equals("setname") && i + 1 < ctx.argc()) {
                setName = ctx.argString(++i);
                validateName(setName);
            } else {
                throw new CommandError("ERR Syntax error in HELLO option '" + ctx.argString(i) + "'");
            }
        }
        if (!c.authenticated()) {
            throw new CommandError("NOAUTH HELLO must be called with the client already authenticated, otherwise the "
                    + "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the "
                    + "RESP protocol version at the same time");
        }
        if (setName != null) {
            c.setName(setName);
        }
        c.setProtocol(protocol);
        ctx.reply().map(7)
                .bulk("server").bulk("redis")
                .bulk("version").bulk(Server.REDIS_VERSION)
                .bulk("proto").integer(protocol)
                .bulk("id").integer(c.id())
                .bulk("mode").bulk("standalone")
                .bulk("role").bulk(ctx.server().isReplica() ? "replica" : "master")
                .bulk("modules").emptyArray();
    }

    static void select(CommandContext ctx) {
        long idx = ctx.longArg(1);
        if (idx < 0 || idx >= ctx.server().keyspace().databases()) {
            throw new CommandError(Errors.DB_INDEX_OUT_OF_RANGE);
        }
        ctx.client().selectDb((int) idx);
        ctx.reply().ok();
    }

    static void reset(CommandContext ctx) {
        Client c = ctx.client();
        if (c.inMulti()) {
            c.endMulti();
        }
        ctx.server().watchedKeys().unwatchAll(c);
        PubSubCommands.unsubscribeAll(c, ctx.server().pubsub());
        ctx.server().shared().tracking().disable(c);
        ctx.server().shared().monitors().stop(c);
        if (c.replyOff()) {
            c.setReplyOff(false);
        }
        c.selectDb(0);
        c.setProtocol(2);
        c.setName("");
        c.setNoEvict(false);
        c.setAuthenticated(ctx.server().config().getString(Directives.REQUIREPASS).isEmpty());
        ctx.reply().simple("RESET");
    }

    static void validateName(String name) {
        for (char ch : name.toCharArray()) {
            if (ch < '!' || ch > '~') {
                throw new CommandError("ERR Client names cannot contain spaces, newlines or special characters.");
            }
        }
    }

    static void setname(CommandContext ctx) {
        String name = ctx.argString(2);
        validateName(name);
        ctx.client().setName(name);
        ctx.reply().ok();
    }

    /** One CLIENT LIST line (without the newline), with Redis 7.0's fields. */
    public static String describe(Server server, Client c) {
        long now = System.currentTimeMillis();
        // Redis trims the query buffer after the commands of a read are done: while a command runs, qbuf still
        // holds it (CLIENT LIST/INFO show their own 26 bytes).
        long qbuf = c.parser().buffered() + (c.executing() ? c.parser().lastCommandBytes() : 0);
        return "id=" + c.id() + " addr=" + c.outbound().remoteAddress() + " laddr=" + c.outbound().localAddress()
                + " fd=8 name=" + c.name() + " age=" + (now - c.createdAt()) / 1000 + " idle="
                + (now - c.lastInteraction()) / 1000 + " flags=" + flags(c) + " db=" + c.dbIndex() + " sub="
                + c.channels().size() + " psub=" + c.patterns().size() + " ssub=" + c.shardChannels().size() + " multi="
                + (c.inMulti() ? c.queuedCommands().size() : -1)
                + " qbuf=" + qbuf + " qbuf-free=" + c.buffers().queryBufferFree(qbuf) + " argv-mem="
                + (c.executing() ? c.context().argvBytes() : c.parser().pendingArgvBytes())
                + " multi-mem=0 rbs=" + c.buffers().replyBufferSize() + " rbp=" + c.buffers().replyBufferPeak()
                + " obl=0 oll=0 omem=" + c.outputMemory() + " tot-mem=" + c.memoryUsage()
                + " events=r cmd=" + c.lastCommand()
                + " user=" + (c.isMaster() ? "(superuser)" : "default") + " redir=" + c.tracking().redirection() + " resp=" + c.protocol();
    }

    /** Redis' flag letters, in catClientInfoString's order ("N" when none applies). */
    private static String flags(Client c) {
        StringBuilder f = new StringBuilder();
        if (c.monitor()) {
            f.append('O');
        } else if (c.kind() == Client.Kind.REPLICA) {
            f.append('S');
        }
        if (c.kind() == Client.Kind.MASTER) {
            f.append('M');
        }
        if (c.inPubSub()) {
            f.append('P');
        }
        if (c.inMulti()) {
            f.append('x');
        }
        if (c.blocked()) {
            f.append('b');
        }
        if (c.tracking().on()) {
            f.append('t');
        }
        if (c.tracking().brokenRedirect()) {
            f.append('R');
        }
        if (c.tracking().bcast()) {
            f.append('B');
        }
        if (c.watchedKeyTouched()) {
            f.append('d');
        }
        if (c.outbound().unixSocket()) {
            f.append('U');
        }
        if (c.noEvict()) {
            f.append('e');
        }
        return f.isEmpty() ? "N" : f.toString();
    }

    /**
     * CLIENT PAUSE timeout [WRITE|ALL]: the mode is checked before the timeout, as in Redis, and more arguments are
     * the generic subcommand syntax error. The timeout is added to the current time without an overflow check:
     * Redis 7.0.15 accepts a huge timeout whose end wraps into the past, and the pause then ends at once.
     */
    static void pause(CommandContext ctx) {
        if (ctx.argc() > 4) {
            throw new CommandError("ERR unknown subcommand or wrong number of arguments for '"
                    + Errors.truncate(ctx.argString(1)) + "'. Try "
                    + ctx.argString(0).toUpperCase(java.util.Locale.ROOT) + " HELP.");
        }
        ClientPause.Mode mode = ClientPause.Mode.ALL;
        if (ctx.argc() == 4) {
            mode = switch (ctx.option(3)) {
                case "write" -> ClientPause.Mode.WRITE;
                case "all" -> ClientPause.Mode.ALL;
                default -> throw new CommandError("ERR CLIENT PAUSE mode must be WRITE or ALL");
            };
        }
        long timeout = ctx.longArg(2, "ERR timeout is not an integer or out of range");
        if (timeout < 0) {
            throw new CommandError("ERR timeout is negative");
        }
        long end = timeout > 0 ? timeout + System.currentTimeMillis() : 0;
        ctx.server().clientPause().pause(end, mode);
        ctx.reply().ok();
    }

    static void list(CommandContext ctx) {
        String type = null;
        List<Long> ids = new ArrayList<>();
        for (int i = 2; i < ctx.argc(); i++) {
            String opt = ctx.option(i);
            if (opt.equals("type") && i + 1 < ctx.argc()) {
                type = ctx.option(++i);
                if (!List.of("normal", "master", "replica", "slave", "pubsub").contains(type)) {
                    throw new CommandError("ERR Unknown client type '" + ctx.argString(i) + "'");
                }
            } else if (opt.equals("id") && i + 1 < ctx.argc()) {
                while (i + 1 < ctx.argc()) {
                    Long id = CommandContext.parseLongOrNull(ctx.arg(++i));
                    if (id == null || id < 1) {
                        throw new CommandError("ERR Invalid client ID");
                    }
                    ids.add(id);
                }
            } else {
                throw Errors.syntax();
            }
        }
        StringBuilder sb = new StringBuilder();
        for (Client c : ctx.server().clients().all()) {
            if (type != null && !typeMatches(c, type)) {
                continue;
            }
            if (!ids.isEmpty() && !ids.contains(c.id())) {
                continue;
            }
            sb.append(describe(ctx.server(), c)).append('\n');
        }
        ctx.reply().verbatim(sb.toString());
    }

    private static boolean typeMatches(Client c, String type) {
        return switch (type) {
            case "master" -> c.kind() == Client.Kind.MASTER;
            case "replica", "slave" -> c.kind() == Client.Kind.REPLICA;
            case "pubsub" -> c.inPubSub();
            default -> c.kind() == Client.Kind.NORMAL && c.subscriptionCount() == 0;
        };
    }

    static void kill(CommandContext ctx) {
        Client self = ctx.client();
        if (ctx.argc() == 3) {
            String addr = ctx.argString(2);
            for (Client c : List.copyOf(ctx.server().clients().all())) {
                if (c.outbound().remoteAddress().equals(addr)) {
                    close(c, self);
                    ctx.reply().ok();
                    return;
                }
            }
            throw new CommandError("ERR No such client");
        }
        Long id = null;
        String addr = null;
        String laddr = null;
        String type = null;
        boolean skipMe = true;
        for (int i = 2; i < ctx.argc(); i += 2) {
            if (i + 1 >= ctx.argc()) {
                throw Errors.syntax();
            }
            String opt = ctx.option(i);
            switch (opt) {
                case "id" -> {
                    id = CommandContext.parseLongOrNull(ctx.arg(i + 1));
                    if (id == null || id < 1) {
                        throw new CommandError("ERR client-id should be greater than 0");
                    }
                }
                case "addr" -> addr = ctx.argString(i + 1);
                case "laddr" -> laddr = ctx.argString(i + 1);
                case "type" -> {
                    type = ctx.option(i + 1);
                    if (!List.of("normal", "master", "replica", "slave", "pubsub").contains(type)) {
                        throw new CommandError("ERR Unknown client type '" + ctx.argString(i + 1) + "'");
                    }
                }
                case "user" -> {
                    if (!ctx.argString(i + 1).equals("default")) {
                        throw new CommandError("ERR No such user '" + ctx.argString(i + 1) + "'");
                    }
                }
                case "skipme" -> {
                    String v = ctx.option(i + 1);
                    if (!v.equals("yes") && !v.equals("no")) {
                        throw Errors.syntax();
                    }
                    skipMe = v.equals("yes");
                }
                default -> throw Errors.syntax();
            }
        }
        long killed = 0;
        for (Client c : List.copyOf(ctx.server().clients().all())) {
            if ((id != null && c.id() != id) || (addr != null && !c.outbound().remoteAddress().equals(addr))
                    || (laddr != null && !c.outbound().localAddress().equals(laddr))
                    || (type != null && !typeMatches(c, type)) || (skipMe && c == self)) {
                continue;
            }
            close(c, self);
            killed++;
        }
        ctx.reply().integer(killed);
    }

    /** clientKillCommand: this client closes after its reply; another is freed at once, its pending output dropped. */
    private static void close(Client c, Client self) {
        if (c != self) {
            c.closeNow();
        } else {
            c.closeAfterReply();
        }
    }

    static void noEvict(CommandContext ctx) {
        String v = ctx.option(2);
        if (!v.equals("on") && !v.equals("off")) {
            throw Errors.syntax();
        }
        ctx.client().setNoEvict(v.equals("on"));
        ctx.reply().ok();
    }

    static void clientHelp(CommandContext ctx) {
        String[] lines = {
            "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "CACHING (YES|NO)",
            "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
            "GETREDIR",
            "    Return the client ID we are redirecting to when tracking is enabled.",
            "GETNAME",
            "    Return the name of the current connection.",
            "ID",
            "    Return the ID of the current connection.",
            "INFO",
            "    Return information about the current client connection.",
            "KILL <ip:port>",
            "    Kill connection made from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Kill connections. Options are:",
            "    * ADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made from the specified address",
            "    * LADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made to specified local address",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Kill connections by type.",
            "    * USER <username>",
            "      Kill connections authenticated by <username>.",
            "    * SKIPME (YES|NO)",
            "      Skip killing current connection (default: yes).",
            "LIST [options ...]",
            "    Return information about client connections. Options:",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Return clients of specified type.",
            "UNPAUSE",
            "    Stop the current client pause, resuming traffic.",
            "PAUSE <timeout> [WRITE|ALL]",
            "    Suspend all, or just write, clients for <timeout> milliseconds.",
            "REPLY (ON|OFF|SKIP)",
            "    Control the replies sent to the current connection.",
            "SETNAME <name>",
            "    Assign the name <name> to the current connection.",
            "UNBLOCK <clientid> [TIMEOUT|ERROR]",
            "    Unblock the specified blocked client.",
            "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
            "         [OPTIN] [OPTOUT] [NOLOOP]",
            "    Control server assisted client side caching.",
            "TRACKINGINFO",
            "    Report tracking status for the current connection.",
            "NO-EVICT (ON|OFF)",
            "    Protect current client connection from eviction.",
            "HELP",
            "    Prints this help."};
        ctx.reply().array(lines.length);
        for (String l : lines) {
            ctx.reply().simple(l);
        }
    }
}
