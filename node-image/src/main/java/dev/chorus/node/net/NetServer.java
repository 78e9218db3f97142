package dev.chorus.node.net;

import dev.chorus.node.Log;
import dev.chorus.node.Server;
import dev.chorus.node.config.Directives;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The network front: one Netty event loop that accepts connections and runs every command, like Redis' single main
 * thread. Uses epoll where available, NIO elsewhere.
 */
public final class NetServer implements AutoCloseable {
    private final Server server;
    private final EventLoopGroup loop;
    private final boolean epoll = Epoll.isAvailable();
    private final List<Channel> listeners = new ArrayList<>();

    static {
        // Netty samples 1 buffer in 128 for leak tracking by default, and records a stack trace on each touch of a
        // sampled buffer: measurable on the per-read path. Every buffer here is released where it is read or written;
        // -Dio.netty.leakDetection.level=... still turns tracking on for debugging.
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
    }

    public NetServer(Server server) {
        this.server = server;
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.loop = new MultiThreadIoEventLoopGroup(1, r -> {
            Thread t = new Thread(r, "chorus-server");
            t.setDaemon(false);
            return t;
        }, factory);
    }

    /** The server thread. */
    public EventLoopGroup loop() {
        return loop;
    }

    public Class<? extends io.netty.channel.socket.SocketChannel> socketChannelClass() {
        return epoll ? io.netty.channel.epoll.EpollSocketChannel.class
                : io.netty.channel.socket.nio.NioSocketChannel.class;
    }

    /** Binds every address of the `bind` directive on `port`; a leading '-' marks an address that may be missing. */
    public void bind() throws InterruptedException {
        int port = server.config().getInt(Directives.PORT);
        if (port == 0) {
            Log.notice("port is 0: not listening on TCP");
            return;
        }
        Class<? extends ServerChannel> channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap b = new ServerBootstrap()
                .group(loop, loop)
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, server.config().getInt(Directives.TCP_BACKLOG))
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, server.config().getLong(Directives.TCP_KEEPALIVE) > 0)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ClientHandler(server));
                    }
                });
        for (String raw : server.config().getList(Directives.BIND)) {
            boolean optional = raw.startsWith("-");
            String addr = optional ? raw.substring(1) : raw;
            String host = switch (addr) {
                case "*" -> "0.0.0.0";
                case "::*" -> "::";
                default -> addr;
            };
            try {
                listeners.add(b.bind(new InetSocketAddress(host, port)).sync().channel());
            } catch (Exception e) {
                if (optional || (addr.equals("::*") || host.equals("::"))) {
                    Log.verbose("Could not bind optional address " + raw + ": " + e.getMessage());
                    continue;
                }
                if (e instanceof InterruptedException ie) {
                    throw ie;
                }
                throw new IllegalStateException("Failed listening on port " + port + " (tcp), aborting: "
                        + e.getMessage(), e);
            }
        }
        if (listeners.isEmpty()) {
            throw new IllegalStateException("Failed listening on port " + port + " (tcp), aborting.");
        }
        server.setTcpPort(port);
    }

    @Override
    public void close() {
        for (Channel c : listeners) {
            c.close().syncUninterruptibly();
        }
        loop.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
    }
}
