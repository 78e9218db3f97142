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

    /**
     * CONFIG SET port / bind (Redis' changeListenPort, changeBindAddr). A new port is listened on before the old
     * listeners close; new addresses on the same port replace the old ones, which are listened on again if the new
     * ones cannot be. Either way a failure leaves the server listening as before. Runs on the server thread; returns
     * null, or why the new listeners could not be opened.
     */
    public String relisten(int port, List<String> bind) {
        boolean samePort = port == server.tcpPort();
        List<java.net.SocketAddress> previous = listeners.stream().map(Channel::localAddress).toList();
        if (samePort) {
            closeListeners();
        }
        List<Channel> opened = new ArrayList<>();
        String failure = null;
        if (port != 0) {
            ServerBootstrap b = relistenBootstrap();
            for (String raw : bind) {
                boolean optional = raw.startsWith("-");
                String addr = optional ? raw.substring(1) : raw;
                String host = switch (addr) {
                    case "*" -> "0.0.0.0";
                    case "::*" -> "::";
                    default -> addr;
                };
                io.netty.channel.ChannelFuture f = b.bind(new InetSocketAddress(host, port)).awaitUninterruptibly();
                if (f.isSuccess()) {
                    opened.add(f.channel());
                } else if (!optional && !host.equals("::")) {
                    failure = f.cause().getMessage();
                    break;
                }
            }
            if (failure == null && opened.isEmpty() && !bind.isEmpty()) {
                failure = "no address to listen on";
            }
        }
        if (failure != null) {
            Log.warning("Failed listening on port " + port + " (tcp): " + failure);
            opened.forEach(c -> c.close().awaitUninterruptibly());
            if (samePort) {
                for (java.net.SocketAddress a : previous) {
                    io.netty.channel.ChannelFuture f = relistenBootstrap().bind(a).awaitUninterruptibly();
                    if (f.isSuccess()) {
                        listeners.add(f.channel());
                    } else {
                        Log.warning("Failed to restore listening on " + a + ": " + f.cause().getMessage());
                    }
                }
            }
            return failure;
        }
        if (!samePort) {
            closeListeners();
        }
        listeners.addAll(opened);
        server.setTcpPort(port);
        return null;
    }

    private void closeListeners() {
        for (Channel c : listeners) {
            c.close().awaitUninterruptibly(); // done at once on the server thread's own channels
        }
        listeners.clear();
    }

    /** Accepts on listeners opened at run time, so CONFIG SET (on the server thread) can wait for their bind. */
    private EventLoopGroup relistenGroup;

    private ServerBootstrap relistenBootstrap() {
        if (relistenGroup == null) {
            IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
            relistenGroup = new MultiThreadIoEventLoopGroup(1, r -> {
                Thread t = new Thread(r, "chorus-accept");
                t.setDaemon(true);
                return t;
            }, factory);
        }
        return new ServerBootstrap()
                .group(relistenGroup, loop)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
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
    }

    @Override
    public void close() {
        for (Channel c : listeners) {
            c.close().syncUninterruptibly();
        }
        loop.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
        if (relistenGroup != null) {
            relistenGroup.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
