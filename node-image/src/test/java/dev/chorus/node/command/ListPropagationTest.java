package dev.chorus.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.testing.InProcessNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What list commands send to replicas. The expectations were taken from redis-server 7.0.15's replication stream
 * (redis-cli --replica) for the same commands: blocking commands travel as their non-blocking forms, LMPOP/BLMPOP as
 * LPOP/RPOP with the count actually popped, commands that changed nothing travel not at all.
 */
class ListPropagationTest {
    @RegisterExtension
    final InProcessNode node = new InProcessNode();

    @Test
    void immediateCommandsPropagateAsRedisDoes() {
        InProcessNode.TestClient c = node.connect();
        c.call("RPUSH", "src", "a", "b", "c", "d");
        c.call("BLPOP", "nope", "src", "0");
        c.call("BRPOP", "src", "0");
        c.call("BLMOVE", "src", "dst", "LEFT", "Right", "0");
        c.call("RPUSH", "src", "x", "y", "z");
        c.call("BRPOPLPUSH", "src", "dst", "0");
        c.call("BLMPOP", "0", "1", "src", "left", "COUNT", "5");
        c.call("RPUSH", "m", "1", "2", "3");
        c.call("LMPOP", "1", "m", "RIGHT", "COUNT", "10");
        assertThat(node.propagated()).containsExactly(
                "RPUSH src a b c d",
                "LPOP src",
                "RPOP src",
                "LMOVE src dst LEFT Right",
                "RPUSH src x y z",
                "RPOPLPUSH src dst",
                "LPOP src 3",
                "RPUSH m 1 2 3",
                "RPOP m 3");
    }

    @Test
    void commandsThatChangeNothingAreNotPropagated() {
        InProcessNode.TestClient c = node.connect();
        c.call("RPUSH", "x", "a", "b");
        node.clearPropagated();
        c.call("LPOP", "x", "0");
        c.call("LPUSHX", "nope", "a");
        c.call("LREM", "x", "0", "zz");
        c.call("LREM", "nope", "0", "a");
        c.call("LINSERT", "x", "BEFORE", "zz", "v");
        c.call("LTRIM", "x", "0", "-1");
        c.call("LMPOP", "1", "nope", "LEFT");
        c.call("RPOP", "nope");
        c.call("LMOVE", "nope", "x", "LEFT", "LEFT");
        c.call("MULTI");
        c.call("BLPOP", "nope", "0");
        c.call("EXEC");
        assertThat(node.propagated()).isEmpty();
        c.call("LTRIM", "x", "1", "0");
        assertThat(node.propagated()).containsExactly("LTRIM x 1 0");
    }

    @Test
    void servedBlockedClientsPropagateTheNonBlockingForm() {
        InProcessNode.TestClient admin = node.connect();
        InProcessNode.TestClient pop = node.connect();
        InProcessNode.TestClient move = node.connect();
        InProcessNode.TestClient rpoplpush = node.connect();
        InProcessNode.TestClient mpop = node.connect();
        assertThat(pop.call("BLPOP", "bk", "0")).isEmpty();
        assertThat(move.call("BLMOVE", "bm", "bdst", "RIGHT", "LEFT", "0")).isEmpty();
        assertThat(rpoplpush.call("BRPOPLPUSH", "bp", "bdst", "0")).isEmpty();
        assertThat(mpop.call("BLMPOP", "0", "2", "nope", "bx", "RIGHT", "COUNT", "5")).isEmpty();
        admin.call("RPUSH", "bk", "1", "2");
        admin.call("RPUSH", "bm", "1", "2");
        admin.call("RPUSH", "bp", "1", "2");
        admin.call("RPUSH", "bx", "1", "2", "3");
        assertThat(pop.call("PING")).isEqualTo("*2\r\n$2\r\nbk\r\n$1\r\n1\r\n+PONG\r\n");
        assertThat(move.call("PING")).isEqualTo("$1\r\n2\r\n+PONG\r\n");
        assertThat(rpoplpush.call("PING")).isEqualTo("$1\r\n2\r\n+PONG\r\n");
        assertThat(mpop.call("PING")).isEqualTo("*2\r\n$2\r\nbx\r\n*3\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n+PONG\r\n");
        assertThat(node.propagated()).containsExactly(
                "RPUSH bk 1 2",
                "LPOP bk",
                "RPUSH bm 1 2",
                "LMOVE bm bdst right left",
                "RPUSH bp 1 2",
                "RPOPLPUSH bp bdst",
                "RPUSH bx 1 2 3",
                "RPOP bx 3");
    }
}
