package dev.chorus.node.net;

import dev.chorus.node.Server;
import dev.chorus.node.config.Directives;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Redis' protected mode: with no password, only loopback clients may connect, and others get
 * the explanation Redis gives.
 */
final class ProtectedMode {
    private ProtectedMode() {
    }

    static String denial(Server server, SocketAddress remote) {
        // Redis 7.0: the bind addresses do not matter, only the default user having no password
        if (!server.config().getBool(Directives.PROTECTED_MODE)
                || !server.config().getString(Directives.REQUIREPASS).isEmpty()) {
            return null;
        }
        if (remote instanceof InetSocketAddress in && in.getAddress() != null && in.getAddress().isLoopbackAddress()) {
            return null;
        }
        if (!(remote instanceof InetSocketAddress)) {
            return null; // a unix socket connection is local (connIsLocal)
        }
        return "DENIED Redis is running in protected mode because protected mode is enabled and no password is set "
                + "for the default user. In this mode connections are only accepted from the loopback interface. If you "
                + "want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just "
                + "disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface "
                + "by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not "
                + "publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) "
                + "Alternatively you can just disable the protected mode by editing the Redis configuration file, and "
                + "setting the protected mode option to 'no', and then restarting the server. 3) If you started the "
                + "server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an "
                + "authentication password for the default user. NOTE: You only need to do one of the above things in "
                + "order for the server to start accepting connections from the outside.";
    }
}
