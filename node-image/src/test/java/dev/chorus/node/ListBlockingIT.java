package dev.chorus.node;

import dev.chorus.node.testing.OraclePair;
import dev.chorus.node.testing.TranscriptSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Blocking list commands with several connections, Redis 7.0 as the oracle: each scenario runs against a real
 * redis-server and the node, and the transcripts of everything each connection received must be the same bytes.
 */
class ListBlockingIT {
    @RegisterExtension
    static final OraclePair servers = new OraclePair();

    private static void sameAsRedis(TranscriptSession.Scenario scenario) {
        servers.assertSameTranscripts(scenario);
    }

    @Test
    void clientsBlockedOnAKeyAreServedFirstComeFirstServed() {
        sameAsRedis(s -> {
            s.send("c1", "BLPOP", "k", "0");
            s.awaitBlocked(1);
            s.send("c2", "BLPOP", "k", "0");
            s.awaitBlocked(2);
            s.call("admin", "RPUSH", "k", "a", "b", "c");
            s.read("c1");
            s.read("c2");
            s.call("admin", "LRANGE", "k", "0", "-1");
        });
    }

    @Test
    void aClientWaitingOnSeveralKeysIsServedFromTheFirstKeyThatBecameReady() {
        sameAsRedis(s -> {
            s.send("b", "BLPOP", "k1", "k2", "0");
            s.awaitBlocked(1);
            s.call("admin", "MULTI");
            s.call("admin", "RPUSH", "k2", "x");
            s.call("admin", "RPUSH", "k1", "y");
            s.call("admin", "EXEC");
            s.read("b");
            s.call("admin", "LRANGE", "k1", "0", "-1");
            s.call("admin", "EXISTS", "k2");
        });
    }

    @Test
    void blmoveTowardsAWrongTypeKeyFailsAndTheNextClientIsServed() {
        sameAsRedis(s -> {
            s.call("admin", "SET", "dst", "str");
            s.send("b", "BLMOVE", "src", "dst", "LEFT", "LEFT", "0");
            s.awaitBlocked(1);
            s.send("c", "BLPOP", "src", "0");
            s.awaitBlocked(2);
            s.call("admin", "RPUSH", "src", "1", "2");
            s.read("b");
            s.read("c");
            s.call("admin", "LRANGE", "src", "0", "-1");
        });
    }

    @Test
    void commandsPipelinedBehindABlockedOneWaitForIt() {
        sameAsRedis(s -> {
            s.pipeline("b", new String[] {"BLPOP", "q", "0"}, new String[] {"PING"}, new String[] {"LLEN", "q"});
            s.awaitBlocked(1);
            s.call("admin", "RPUSH", "q", "z", "w");
            s.read("b");
            s.read("b");
            s.read("b");
        });
    }

    @Test
    void timeoutsAnswerANullArrayInBothProtocols() {
        sameAsRedis(s -> {
            s.pipeline("b", new String[] {"BLPOP", "t", "0.05"}, new String[] {"PING"});
            s.read("b");
            s.read("b");
            s.call("b", "BLMOVE", "t", "u", "LEFT", "RIGHT", "0.02");
            s.call("b", "BRPOPLPUSH", "t", "u", "0.02");
            s.call("b", "BLMPOP", "0.02", "2", "t", "v", "LEFT", "COUNT", "3");
            s.conn("b3").call("HELLO", "3");
            s.call("b3", "BRPOP", "t", "0.02");
            s.call("b3", "BLMOVE", "t", "u", "LEFT", "RIGHT", "0.02");
        });
    }

    @Test
    void blmoveFeedsClientsBlockedOnItsDestination() {
        sameAsRedis(s -> {
            s.send("mover", "BLMOVE", "a", "b", "RIGHT", "LEFT", "0");
            s.awaitBlocked(1);
            s.send("popper", "BLPOP", "b", "0");
            s.awaitBlocked(2);
            s.call("admin", "RPUSH", "a", "x", "y");
            s.read("mover");
            s.read("popper");
            s.call("admin", "LRANGE", "a", "0", "-1");
            s.call("admin", "EXISTS", "b");
        });
    }

    @Test
    void blmpopAndBrpoplpushAreServedLikeTheirImmediateForms() {
        sameAsRedis(s -> {
            s.send("m", "BLMPOP", "0", "2", "m1", "m2", "RIGHT", "COUNT", "2");
            s.awaitBlocked(1);
            s.call("admin", "RPUSH", "m2", "1", "2", "3");
            s.read("m");
            s.send("p", "BRPOPLPUSH", "src", "dst", "0");
            s.awaitBlocked(1);
            s.call("admin", "LPUSH", "src", "a", "b");
            s.read("p");
            s.call("admin", "LRANGE", "dst", "0", "-1");
            s.send("r", "BLMOVE", "rot", "rot", "LEFT", "RIGHT", "0");
            s.awaitBlocked(1);
            s.call("admin", "RPUSH", "rot", "only");
            s.read("r");
            s.call("admin", "LRANGE", "rot", "0", "-1");
        });
    }

    @Test
    void aKeyThatIsNotAListWhenCommandsEndServesNobody() {
        sameAsRedis(s -> {
            s.send("b", "BLPOP", "k", "0");
            s.awaitBlocked(1);
            s.call("admin", "MULTI");
            s.call("admin", "RPUSH", "k", "gone");
            s.call("admin", "DEL", "k");
            s.call("admin", "EXEC");
            s.call("admin", "SET", "k", "string");
            s.awaitBlocked(1);
            s.call("admin", "DEL", "k");
            s.call("admin", "LPUSH", "k", "a", "b", "c");
            s.read("b");
            s.call("admin", "LRANGE", "k", "0", "-1");
        });
    }

    @Test
    void blockedClientsWaitInTheirOwnDatabase() {
        sameAsRedis(s -> {
            s.call("b", "SELECT", "1");
            s.send("b", "BLPOP", "k", "0");
            s.awaitBlocked(1);
            s.call("admin", "RPUSH", "k", "db0");
            s.awaitBlocked(1);
            s.call("admin", "SELECT", "1");
            s.call("admin", "RPUSH", "k", "db1");
            s.read("b");
            s.call("admin", "SELECT", "0");
            s.call("admin", "LRANGE", "k", "0", "-1");
        });
    }

    @Test
    void aDisconnectedClientNoLongerWaits() {
        sameAsRedis(s -> {
            s.send("gone", "BLPOP", "d", "0");
            s.awaitBlocked(1);
            s.close("gone");
            s.awaitBlocked(0);
            s.call("admin", "RPUSH", "d", "x");
            s.call("admin", "LRANGE", "d", "0", "-1");
        });
    }

    @Test
    void blockingCommandsInsideMultiAnswerAtOnce() {
        sameAsRedis(s -> {
            s.call("t", "MULTI");
            s.call("t", "BLPOP", "nokey", "0");
            s.call("t", "BLMOVE", "nokey", "x", "LEFT", "LEFT", "0");
            s.call("t", "BLMPOP", "0", "1", "nokey", "LEFT");
            s.call("t", "EXEC");
            s.call("admin", "DBSIZE");
        });
    }
}
