package dev.chorus.node.replication;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The replication history this node carries (PSYNC2): the current id and offset, and the previous id with the offset
 * up to which it is still valid, so replicas of a promoted replica can continue with a partial resync.
 */
public final class ReplicationIds {
    public static final String NO_ID = "0000000000000000000000000000000000000000";
    private static final SecureRandom RANDOM = new SecureRandom();

    private String replid = random();
    private String replid2 = NO_ID;
    private long secondReplOffset = -1;
    /** master_repl_offset: bytes of replication stream produced (master) or processed (replica). */
    private long offset;

    public static String random() {
        byte[] b = new byte[20];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public String replid() {
        return replid;
    }

    public String replid2() {
        return replid2;
    }

    public long secondReplOffset() {
        return secondReplOffset;
    }

    public long offset() {
        return offset;
    }

    public void setOffset(long offset) {
        this.offset = offset;
    }

    public void advance(long bytes) {
        offset += bytes;
    }

    /** After a full sync: the master's history becomes ours and the old one is forgotten. */
    public void adopt(String id, long atOffset) {
        replid = id;
        replid2 = NO_ID;
        secondReplOffset = -1;
        offset = atOffset;
    }

    /**
     * Redis' shiftReplicationId: on promotion (or when the master's id changed under +CONTINUE), the current id stays
     * valid up to the current offset as replid2, and a new id starts.
     */
    public void shift(String newId) {
        replid2 = replid;
        secondReplOffset = offset + 1;
        replid = newId;
    }

    /** Can a replica that asks for {@code id} at {@code psyncOffset} continue from our history? */
    public boolean continuable(String id, long psyncOffset) {
        if (id.equalsIgnoreCase(replid)) {
            return true;
        }
        return id.equalsIgnoreCase(replid2) && psyncOffset <= secondReplOffset;
    }

    /** DEBUG CHANGE-REPL-ID: changeReplicationId() and clearReplicationId2(); the offset stays. */
    public void changeForDebug() {
        replid = random();
        replid2 = NO_ID;
        secondReplOffset = -1;
    }

    /** Forget everything: a new history (a master restarted without data). */
    public void reset() {
        replid = random();
        replid2 = NO_ID;
        secondReplOffset = -1;
        offset = 0;
    }
}
