package dev.chorus.operator.nodeclient;

import redis.clients.jedis.exceptions.JedisException;

/** The node answered, and refused every password the operator has: it is up, but the operator cannot talk to it. */
public final class AuthenticationFailed extends JedisException {
    public AuthenticationFailed(String message) {
        super(message);
    }

    /** Whether a node's error reply to AUTH (or to a command sent before AUTH) says the password is wrong. */
    static boolean isAuthError(Throwable e) {
        String m = String.valueOf(e.getMessage());
        return e instanceof redis.clients.jedis.exceptions.JedisAccessControlException || m.contains("WRONGPASS")
                || m.contains("NOAUTH") || m.contains("invalid password")
                || m.contains("without any password configured");
    }
}
