package dev.chorus.operator.nodeclient;

import java.util.function.Function;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One long-lived RESP connection to one node (AUTH with the password it was opened with). A failed call closes it;
 * the next call connects again. Calls are serialised: one connection carries one command at a time.
 */
final class NodeConnection implements AutoCloseable {
    /** Connect quickly or call the node unreachable: a partitioned master must not hold up a failover. */
    static final int CONNECT_TIMEOUT_MILLIS = 1000;
    static final int TIMEOUT_MILLIS = 2000;

    final String ip;
    final int port;
    private final String password;
    private Jedis jedis;
    private boolean closed;

    NodeConnection(String ip, int port, String password) {
        this.ip = ip;
        this.port = port;
        this.password = password;
    }

    synchronized <T> T call(Function<Jedis, T> command) {
        if (closed) {
            throw new JedisException("connection to " + ip + ":" + port + " closed");
        }
        try {
            if (jedis == null) {
                JedisClientConfig config = DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(CONNECT_TIMEOUT_MILLIS)
                        .socketTimeoutMillis(TIMEOUT_MILLIS)
                        .password(password == null || password.isEmpty() ? null : password)
                        .clientName("chorus-operator")
                        .build();
                jedis = new Jedis(new HostAndPort(ip, port), config);
            }
            return command.apply(jedis);
        } catch (RuntimeException e) {
            drop();
            throw e;
        }
    }

    boolean sameAs(String ip, int port, String password) {
        return java.util.Objects.equals(this.ip, ip) && this.port == port
                && java.util.Objects.equals(this.password, password);
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
