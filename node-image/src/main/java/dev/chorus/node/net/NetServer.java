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
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
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
    private static final int MAX_ACCEPTS_PER_CALL = 1000;
    private String unixSocket;

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
        this.loop = new ServerLoop.Group(1, r -> {
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
                .option(ChannelOption.SO_BACKLOG, backlog())
                .option(ChannelOption.SO_REUSEADDR, true)
                // Redis accepts up to MAX_ACCEPTS_PER_CALL (1000) connections per readable event; Netty's default of
                // 16 per read lets a burst of connects overflow the backlog (SYNs dropped, retried after 1 s, 3 s...).
                .option(ChannelOption.RECVBUF_ALLOCATOR, new ServerChannelRecvByteBufAllocator()
                        .maxMessagesPerRead(MAX_ACCEPTS_PER_CALL))
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, server.config().getLong(Directives.TCP_KEEPALIVE) > 0)
                .childHandler(new ClientInitializer(server));
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
        if (listeners.isEmpty() && !server.config().getList(Directives.BIND).isEmpty()) {
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
                .option(ChannelOption.SO_BACKLOG, backlog())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, server.config().getLong(Directives.TCP_KEEPALIVE) > 0)
                .childHandler(new ClientInitializer(server));
    }

    /**
     * The listen backlog: tcp-backlog, but at least the kernel's somaxconn (which caps it anyway). Redis drains its
     * accept queue in C from the first connection on; a JVM that has just started runs its accept path interpreted
     * for a while, and a burst of thousands of connects would overflow a 511-entry queue (dropped SYNs are retried by
     * the clients only after 1 s, then 3 s). CONFIG GET tcp-backlog still shows the configured value.
     */
    private int backlog() {
        return Math.max(server.config().getInt(Directives.TCP_BACKLOG), io.netty.util.NetUtil.SOMAXCONN);
    }

    /** The `unixsocket` directive's path, or null when not listening on one. */
    public String unixSocketPath() {
        return unixSocket;
    }

    /**
     * Listens on the `unixsocket` path (if set) with `unixsocketperm`, as Redis' anetUnixServer: a stale file at the
     * path is removed first. Needs the native epoll transport (Linux); without it the node refuses to start, as
     * Redis does when it cannot open the socket.
     */
    public void bindUnix() throws InterruptedException {
        String path = server.config().getString(Directives.UNIXSOCKET);
        if (path.isEmpty()) {
            return;
        }
        if (!epoll) {
            throw new IllegalStateException("Failed opening Unix socket: the native epoll transport is unavailable ("
                    + Epoll.unavailabilityCause() + ")");
        }
        try {
            java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(path));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Failed opening Unix socket: " + e.getMessage(), e);
        }
        ServerBootstrap b = new ServerBootstrap()
                .group(loop, loop)
                .channel(EpollServerDomainSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, backlog())
                .option(ChannelOption.RECVBUF_ALLOCATOR, new ServerChannelRecvByteBufAllocator()
                        .maxMessagesPerRead(MAX_ACCEPTS_PER_CALL))
                .childHandler(new ClientInitializer(server));
        try {
            listeners.add(b.bind(new DomainSocketAddress(path)).sync().channel());
        } catch (Exception e) {
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IllegalStateException("Failed opening Unix socket: " + e.getMessage(), e);
        }
        long perm = server.config().getLong(Directives.UNIXSOCKETPERM);
        if (perm != 0) {
            try {
                java.nio.file.Files.setPosixFilePermissions(java.nio.file.Path.of(path), permissions((int) perm));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("Failed opening Unix socket: chmod: " + e.getMessage(), e);
            }
        }
        unixSocket = path;
    }

    private static java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions(int mode) {
        var all = java.nio.file.attribute.PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
        var out = java.util.EnumSet.noneOf(java.nio.file.attribute.PosixFilePermission.class);
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                out.add(all[i]);
            }
        }
        return out;
    }

    /** prepareForShutdown: "Removing the unix socket file." */
    public void removeUnixSocket() {
        if (unixSocket == null) {
            return;
        }
        Log.notice("Removing the unix socket file.");
        try {
            java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(unixSocket));
        } catch (java.io.IOException e) {
            Log.warning("Error removing the unix socket file: " + e.getMessage());
        }
    }

    /** Each accepted connection gets one handler; nothing else is allocated until it sends something. */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class ClientInitializer extends ChannelInitializer<Channel> {
        private final Server server;

        ClientInitializer(Server server) {
            this.server = server;
        }

        @Override
        protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new ClientHandler(server));
        }
    }

    @Override
    public void close() {
        for (Channel c : listeners) {
            c.close().syncUninterruptibly();
        }
        removeUnixSocket();
        loop.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
        if (relistenGroup != null) {
            relistenGroup.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
