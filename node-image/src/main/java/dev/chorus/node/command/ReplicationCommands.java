package dev.chorus.node.command;

import dev.chorus.node.net.Client;
import dev.chorus.node.replication.Replication;
import dev.chorus.node.replication.master.ReplicaHandle;
import java.util.List;

/** REPLICAOF/SLAVEOF, ROLE, WAIT, and the commands replicas send their master: SYNC, PSYNC, REPLCONF. */
public final class ReplicationCommands implements CommandFamily {

    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(
                CommandSpec.of("replicaof", 3, "admin noscript stale no_async_loading", this::replicaof),
                CommandSpec.of("slaveof", 3, "admin noscript stale no_async_loading", this::replicaof),
                CommandSpec.of("role", 1, "noscript loading stale fast",
                        ctx -> ctx.server().replication().role(ctx.reply())),
                CommandSpec.of("wait", 3, "noscript", this::await),
                CommandSpec.of("sync", 1, "admin noscript no_async_loading no_multi", this::sync),
                CommandSpec.of("psync", -3, "admin noscript no_async_loading no_multi", this::psync),
                CommandSpec.of("replconf", -1, "admin noscript loading stale allow_busy", this::replconf),
                CommandSpec.of("failover", -1, "admin noscript stale",
                        ctx -> {
                            ctx.server().replication().failover().command(ctx.argv());
                            ctx.reply().ok();
                        }));
    }

    void replicaof(CommandContext ctx) {
        Replication replication = ctx.server().replication();
        if (replication.failover().state() != dev.chorus.node.replication.master.CoordinatedFailover.State.NO_FAILOVER) {
            throw new CommandError("ERR REPLICAOF not allowed while failing over.");
        }
        if (ctx.client().kind() == Client.Kind.REPLICA) {
            throw new CommandError("ERR Command is not valid when client is a replica.");
        }
        if (ctx.optionIs(1, "no") && ctx.optionIs(2, "one")) {
            replication.promote();
            ctx.reply().ok();
            return;
        }
        long port = ctx.longArg(2);
        if (port < 0 || port > 65535) {
            throw new CommandError("ERR Invalid master port");
        }
        ctx.reply().simple(replication.replicaOf(ctx.argString(1), (int) port));
    }

    void await(CommandContext ctx) {
        Replication replication = ctx.server().replication();
        long numReplicas = ctx.longArg(1);
        long timeout = ctx.longArg(2, "ERR timeout is not an integer or out of range");
        if (timeout < 0) {
            throw new CommandError("ERR timeout is negative");
        }
        replication.await(ctx.client(), numReplicas, timeout);
    }

    void sync(CommandContext ctx) {
        Replication replication = ctx.server().replication();
        if (ctx.client().kind() == Client.Kind.REPLICA) {
            return;
        }
        replication.sync(ctx.client(), replication.handshake(ctx.client()));
    }

    void psync(CommandContext ctx) {
        Replication replication = ctx.server().replication();
        if (ctx.client().kind() == Client.Kind.REPLICA) {
            return;
        }
        if (ctx.argc() > 3 && ctx.optionIs(3, "failover")) {
            replication.psyncFailover(ctx.client(), ctx.argString(1));
        }
        long offset = ctx.longArg(2);
        replication.psync(ctx.client(), ctx.argString(1), offset, replication.handshake(ctx.client()));
    }

    void replconf(CommandContext ctx) {
        Replication replication = ctx.server().replication();
        if (ctx.argc() % 2 == 0) {
            throw Errors.syntax();
        }
        Client c = ctx.client();
        for (int i = 1; i < ctx.argc(); i += 2) {
            String opt = ctx.option(i);
            switch (opt) {
                case "listening-port" -> replication.handshake(c).setListeningPort((int) ctx.longArg(i + 1));
                case "ip-address" -> replication.handshake(c).setAnnouncedIp(ctx.argString(i + 1));
                case "capa" -> {
                    String capa = ctx.option(i + 1);
                    if (capa.equals("eof")) {
                        replication.handshake(c).setCapaEof(true);
                    } else if (capa.equals("psync2")) {
                        replication.handshake(c).setCapaPsync2(true);
                    }
                }
                case "ack" -> {
                    // From a replica: no reply, ever.
                    ReplicaHandle h = replication.handleOf(c);
                    if (h != null) {
                        Long off = CommandContext.parseLongOrNull(ctx.arg(i + 1));
                        if (off != null) {
                            replication.ack(h, off);
                        }
                    }
                    return;
                }
                case "getack" -> {
                    // From our master: answer with REPLCONF ACK on the link, nothing else.
                    if (c.isMaster() && replication.link() != null) {
                        replication.link().sendAck();
                    }
                    return;
                }
                case "rdb-only", "rdb-filter-only" -> { }
                default -> throw new CommandError("ERR Unrecognized REPLCONF option: " + ctx.argString(i));
            }
        }
        ctx.reply().ok();
    }
}
