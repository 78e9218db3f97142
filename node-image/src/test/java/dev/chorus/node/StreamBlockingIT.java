package dev.chorus.node;

import dev.chorus.node.testing.OraclePair;
import dev.chorus.node.testing.TranscriptSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Blocking stream reads (XREAD/XREADGROUP ... BLOCK) with several connections, Redis 7.0 as the oracle: each scenario runs against a real
 * redis-server and the node, and the transcripts of everything each connection received must be the same bytes.
 */
class StreamBlockingIT {
    @RegisterExtension
    static final OraclePair servers = new OraclePair();

    private static void sameAsRedis(TranscriptSession.Scenario scenario) {
        servers.assertSameTranscripts(scenario);
    }

    @Test
    void xaddWakesEveryXreadWaitingOnTheStreamInOrder() {
        sameAsRedis(s -> {
            s.call("admin", "XADD", "s", "1-0", "a", "1");
            s.send("r1", "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            s.awaitBlocked(1);
            s.send("r2", "XREAD", "COUNT", "5", "BLOCK", "0", "STREAMS", "other", "s", "0", "$");
            s.awaitBlocked(2);
            s.call("admin", "XADD", "s", "2-0", "b", "2");
            s.read("r1");
            s.read("r2");
            s.send("r3", "XREAD", "BLOCK", "0", "STREAMS", "other", "s", "$", "$");
            s.awaitBlocked(1);
            s.call("admin", "XADD", "other", "5-0", "o", "1");
            s.read("r3");
        });
    }

    @Test
    void consumersOfAGroupShareNewEntries() {
        sameAsRedis(s -> {
            s.call("admin", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            s.send("c1", "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
            s.awaitBlocked(1);
            s.send("c2", "XREADGROUP", "GROUP", "g", "bob", "COUNT", "10", "BLOCK", "0", "STREAMS", "s", ">");
            s.awaitBlocked(2);
            s.call("admin", "XADD", "s", "1-0", "job", "1");
            s.read("c1");
            s.awaitBlocked(1);
            s.call("admin", "XADD", "s", "2-0", "job", "2");
            s.read("c2");
            s.call("admin", "XPENDING", "s", "g");
            s.call("admin", "XINFO", "GROUPS", "s");
            s.send("c3", "XREADGROUP", "GROUP", "g", "carol", "NOACK", "BLOCK", "0", "STREAMS", "s", ">");
            s.awaitBlocked(1);
            s.pipeline("admin", new String[] {"MULTI"}, new String[] {"XADD", "s", "3-0", "job", "3"},
                    new String[] {"XADD", "s", "4-0", "job", "4"}, new String[] {"EXEC"});
            s.read("admin");
            s.read("admin");
            s.read("admin");
            s.read("admin");
            s.read("c3");
            s.call("admin", "XPENDING", "s", "g");
            s.call("admin", "XINFO", "GROUPS", "s");
        });
    }

    @Test
    void aBlockedXreadgroupLearnsThatItsKeyOrGroupIsGone() {
        sameAsRedis(s -> {
            s.call("admin", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            s.send("c1", "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">");
            s.awaitBlocked(1);
            s.send("x", "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            s.awaitBlocked(2);
            s.call("admin", "DEL", "s");
            s.read("c1");
            s.awaitBlocked(1);
            s.call("admin", "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
            s.send("c2", "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">");
            s.awaitBlocked(2);
            s.call("admin", "XGROUP", "DESTROY", "s", "g");
            s.read("c2");
            s.call("admin", "XGROUP", "CREATE", "s", "g", "$");
            s.send("c3", "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">");
            s.awaitBlocked(2);
            s.call("admin", "SET", "s", "now a string");
            s.read("c3");
            s.call("admin", "DEL", "s");
            s.call("admin", "XADD", "s", "7-0", "f", "v");
            s.read("x");
        });
    }

    @Test
    void xaddAndDelInOneTransactionDoNotWakeAReader() {
        sameAsRedis(s -> {
            s.send("r", "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            s.awaitBlocked(1);
            s.pipeline("admin", new String[] {"MULTI"}, new String[] {"XADD", "s", "1-0", "a", "1"},
                    new String[] {"DEL", "s"}, new String[] {"EXEC"});
            s.read("admin");
            s.read("admin");
            s.read("admin");
            s.read("admin");
            s.awaitBlocked(1);
            s.call("admin", "XADD", "s", "2-0", "b", "2");
            s.read("r");
        });
    }

    @Test
    void timeoutsAndTransactionsAnswerANullArray() {
        sameAsRedis(s -> {
            s.pipeline("b", new String[] {"XREAD", "BLOCK", "30", "STREAMS", "s", "$"}, new String[] {"PING"});
            s.read("b");
            s.read("b");
            s.call("admin", "XGROUP", "CREATE", "g", "grp", "$", "MKSTREAM");
            s.call("b", "XREADGROUP", "GROUP", "grp", "c", "BLOCK", "20", "STREAMS", "g", ">");
            s.conn("b3").call("HELLO", "3");
            s.call("b3", "XREAD", "BLOCK", "20", "STREAMS", "s", "$");
            s.call("b3", "MULTI");
            s.call("b3", "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            s.call("b3", "XREADGROUP", "GROUP", "grp", "c", "BLOCK", "0", "STREAMS", "g", ">");
            s.call("b3", "EXEC");
            s.call("admin", "XINFO", "CONSUMERS", "g", "grp");
        });
    }
}
