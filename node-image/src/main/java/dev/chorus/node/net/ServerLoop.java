package dev.chorus.node.net;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * The server thread's Netty event loop, able to run its I/O from inside a command: Redis'
 * processEventsWhileBlocked, which a script running past busy-reply-threshold uses so other clients get -BUSY (and
 * SCRIPT KILL or SHUTDOWN NOSAVE get through). Only I/O runs then, not the loop's tasks or timers (no cron, no
 * expiry while a script runs).
 */
public final class ServerLoop extends SingleThreadIoEventLoop {
    private static final Runnable WAKE = () -> { };

    ServerLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory factory) {
        super(parent, executor, factory);
    }

    /** Reads and dispatches what the connections have ready, without waiting. Call on the loop's thread only. */
    public void processEventsWhileBlocked() {
        if (!hasTasks()) {
            execute(WAKE); // a pending task makes the I/O poll non-blocking; the loop runs it once the command ends
        }
        runIo();
    }

    /** A one-thread group whose loop is a {@link ServerLoop}. */
    public static final class Group extends MultiThreadIoEventLoopGroup {
        public Group(int threads, ThreadFactory threadFactory, IoHandlerFactory factory) {
            super(threads, threadFactory, factory);
        }

        @Override
        protected IoEventLoop newChild(Executor executor, IoHandlerFactory ioHandlerFactory, Object... args) {
            return new ServerLoop(this, executor, ioHandlerFactory);
        }
    }
}
