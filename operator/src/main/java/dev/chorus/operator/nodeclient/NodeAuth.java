package dev.chorus.operator.nodeclient;

/**
 * What a node's password set-up looked like at its last look. Outside a rotation only {@link #failed} is looked at;
 * during one, the rest is read from the node: with ACL support (stock Redis 6+: ACL WHOAMI answers) from the default
 * user's password hashes (ACL GETUSER default), else from requirepass (CONFIG GET), and masterauth (CONFIG GET).
 *
 * @param failed        the node answered but took neither password: it is up, the operator cannot talk to it
 * @param acl           the node has ACLs: its default user can hold both passwords at once
 * @param acceptsNew    the node takes the new password (the one in the user's Secret)
 * @param acceptsOld    the node takes a password other than the new one (the previous one, or another)
 * @param masterauthNew the node's masterauth is the new password
 */
public record NodeAuth(boolean failed, boolean acl, boolean acceptsNew, boolean acceptsOld, boolean masterauthNew) {
    /** Outside a rotation (or a node that takes the one password there is). */
    public static final NodeAuth SETTLED = new NodeAuth(false, false, true, false, true);
    public static final NodeAuth FAILED = new NodeAuth(true, false, false, false, false);
    /** Not looked at, or not reachable: nothing known. */
    public static final NodeAuth UNKNOWN = new NodeAuth(false, false, false, false, false);
}
