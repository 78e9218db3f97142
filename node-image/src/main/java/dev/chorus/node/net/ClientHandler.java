package dev.chorus.node.net;

import dev.chorus.node.Log;
import dev.chorus.node.Server;
import dev.chorus.node.command.PubSubCommands;
import dev.chorus.node.resp.RespProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * One connection: feeds received bytes to the client's RESP parser, runs each complete command on this (the server)
 * thread, and flushes the replies once per read batch so pipelined commands share one write.
 */
public final class ClientHandler extends ChannelInboundHandlerAdapter {
    private final Server server;
    private Client client;

    public ClientHandler(Server server) {
        this.server = server;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        client = new Client(server.clients().newId(), server, new ChannelOutbound(ch));
        if (server.clients().count() >= server.config().getLong(dev.chorus.node.config.Directives.MAXCLIENTS)) {
            server.clients().rejected();
            client.writer().error("ERR max number of clients reached");
            client.closeAfterReply();
            client.flush();
            return;
        }
        String denied = ProtectedMode.denial(server, ch.remoteAddress());
        if (denied != null) {
            server.clients().rejected();
            client.writer().error(denied);
            client.closeAfterReply();
            client.flush();
            return;
        }
        server.clients().add(client);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            int n = buf.readableBytes();
            server.stats().netInputBytes += n;
            var parser = client.parser();
            client.buffers().bytesRead(n, parser.buffered(), parser.pendingBulkLength(), client.isMaster());
            byte[] window = parser.writeWindow(n);
            buf.readBytes(window, parser.writeOffset(), n);
            parser.commitWrite(n);
        } finally {
            buf.release();
        }
        if (client.closed()) {
            return;
        }
        if (!client.isMaster() && client.parser().buffered()
                > server.config().getLong(dev.chorus.node.config.Directives.CLIENT_QUERY_BUFFER_LIMIT)) {
            // readQueryFromClient: no reply, the connection is freed (asynchronously) and the reason logged.
            String info = dev.chorus.node.command.ConnectionCommands.describe(server, client);
            String bytes = client.parser().repr(64);
            client.closeNow();
            Log.warning("Closing client that reached max query buffer length: " + info + " (qbuf initial bytes: "
                    + bytes + ")");
            return;
        }
        processInput(client, server);
        client.buffers().processed(client.parser().takeBigBulk(), client.parser().pendingBulkLength(),
                client.parser().buffered(), client.isMaster());
    }

    /** Runs every complete command buffered for the client (also called when a blocked client is released). */
    public static void processInput(Client client, Server server) {
        int outputBefore = client.writer().length();
        while (!client.closing() && !client.blocked() && !client.isProtected()) {
            byte[][] argv;
            try {
                argv = client.parser().next();
            } catch (RespProtocolException e) {
                // setProtocolError: logged at verbose (warning for our master), with the client and a sample.
                String line = "Protocol error (" + dev.chorus.node.resp.RespRequestParser.protocolErrorReason(
                        e.getMessage()) + ") from client: " + dev.chorus.node.command.ConnectionCommands.describe(
                        server, client) + ". " + client.parser().protocolErrorSample();
                if (client.isMaster()) {
                    Log.warning(line);
                } else {
                    Log.verbose(line);
                }
                // The message may quote a raw request byte (expected '$', got '\xff'): one byte each, as Redis sends it.
                client.writer().raw(("-ERR " + e.getMessage() + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                client.closeAfterReply();
                break;
            }
            if (argv == null) {
                break;
            }
            server.dispatcher().process(client, argv);
        }
        server.stats().netOutputBytes += client.writer().length() - outputBefore;
        server.clients().flushAtEndOfTurn(client, server.loop());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (client != null) {
            client.markClosed();
            server.clients().remove(client);
            server.watchedKeys().unwatchAll(client);
            PubSubCommands.unsubscribeAll(client, server.pubsub());
            server.clientClosed(client);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Log.verbose("Client connection error: " + cause.getMessage());
        ctx.close();
    }

    /** Sends to a Netty channel; the caller's array is copied into a pooled buffer. */
    private static final class ChannelOutbound implements Outbound {
        private final Channel channel;
        /** Bytes of {@link #sendUncounted} writes not yet written out (touched on the event loop only). */
        private long uncounted;

        ChannelOutbound(Channel channel) {
            this.channel = channel;
        }

        @Override
        public void send(byte[] data, int offset, int length) {
            ByteBuf out = channel.alloc().ioBuffer(length);
            out.writeBytes(data, offset, length);
            channel.writeAndFlush(out, channel.voidPromise());
        }

        @Override
        public void sendUncounted(byte[] data, int offset, int length) {
            ByteBuf out = channel.alloc().ioBuffer(length);
            out.writeBytes(data, offset, length);
            uncounted += length;
            channel.writeAndFlush(out).addListener(f -> uncounted -= length);
        }

        @Override
        public long pendingBytes() {
            var ob = channel.unsafe().outboundBuffer();
            return ob == null ? 0 : Math.max(0, ob.totalPendingWriteBytes() - uncounted);
        }

        @Override
        public void close() {
            channel.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void closeNow() {
            channel.close();
        }

        @Override
        public boolean unixSocket() {
            return channel.localAddress() instanceof io.netty.channel.unix.DomainSocketAddress;
        }

        @Override
        public String remoteAddress() {
            return channel.localAddress() instanceof io.netty.channel.unix.DomainSocketAddress
                    ? localAddress() : format(channel.remoteAddress());
        }

        @Override
        public String localAddress() {
            // A unix socket client is "<path>:0" for both ends, as Redis shows it.
            if (channel.localAddress() instanceof io.netty.channel.unix.DomainSocketAddress d) {
                return d.path() + ":0";
            }
            return format(channel.localAddress());
        }

        private static String format(SocketAddress a) {
            if (a instanceof InetSocketAddress in) {
                return in.getAddress().getHostAddress() + ":" + in.getPort();
            }
            return String.valueOf(a);
        }
    }
}
