package dev.chorus.operator.nodeclient;

import java.util.function.Function;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One long-lived RESP connection to one node. It authenticates with the first of its {@link Credentials} the node takes
 * (the new password, then during a rotation the previous one); when the node refuses them all the call throws
 * {@link AuthenticationFailed}. A failed call closes it; the next call connects again. Calls are serialised: one
 * connection carries one command at a time.
 */
final class NodeConnection implements AutoCloseable {
    /** Connect quickly or call the node unreachable: a partitioned master must not hold up a failover. */
    static final int CONNECT_TIMEOUT_MILLIS = 1000;
    static final int TIMEOUT_MILLIS = 2000;

    final String ip;
    final int port;
    private final Credentials credentials;
    private Jedis jedis;
    private boolean closed;

    NodeConnection(String ip, int port, Credentials credentials) {
        this.ip = ip;
        this.port = port;
        this.credentials = credentials;
    }

    synchronized <T> T call(Function<Jedis, T> command) {
        if (closed) {
            throw new JedisException("connection to " + ip + ":" + port + " closed");
        }
        try {
            if (jedis == null) {
                jedis = connect();
            }
            return command.apply(jedis);
        } catch (RuntimeException e) {
            drop();
            throw e;
        }
    }

    /** Tries each password in turn; only a refused password moves on to the next (a dead node fails at once). */
    private Jedis connect() {
        RuntimeException refused = null;
        for (String password : credentials.candidates()) {
            JedisClientConfig config = DefaultJedisClientConfig.builder()
                    .connectionTimeoutMillis(CONNECT_TIMEOUT_MILLIS)
                    .socketTimeoutMillis(TIMEOUT_MILLIS)
                    .password(password)
                    .clientName("chorus-operator")
                    .build();
            try {
                return new Jedis(new HostAndPort(ip, port), config);
            } catch (JedisException e) {
                if (!AuthenticationFailed.isAuthError(e)) {
                    throw e;
                }
                refused = e;
            }
        }
        throw new AuthenticationFailed(ip + ":" + port + " refused " + (credentials.rotating()
                ? "the new and every previous password" : "the password") + ": " + refused.getMessage());
    }

    boolean sameAs(String ip, int port, Credentials credentials) {
        return java.util.Objects.equals(this.ip, ip) && this.port == port
                && java.util.Objects.equals(this.credentials, credentials);
    }

    private void drop() {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException ignored) {
                // already broken
            }
            jedis = null;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        drop();
    }
}
