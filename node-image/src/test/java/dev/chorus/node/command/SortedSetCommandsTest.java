package dev.chorus.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.store.ZSetValue;
import dev.chorus.node.testing.InProcessNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sorted set commands run in-process through the dispatcher, for what byte comparison with Redis cannot show:
 * what is propagated to replicas, memory accounting, random and cursor-based replies. Replication streams were taken
 * from redis-server 7.0.15's AOF for the same commands.
 */
class SortedSetCommandsTest {
    private InProcessNode node;
    private InProcessNode.TestClient client;

    @BeforeEach
    void start() {
        node = new InProcessNode();
        client = node.connect();
    }

    @AfterEach
    void stop() {
        node.close();
        ZSetValue.setListpackLimits(128, 64); // the limits are process-wide
    }

    private String call(String... args) {
        return client.call(args);
    }

    private List<String> propagated() {
        return node.propagated();
    }

    @Test
    void writesPropagateAsRedisReplicatesThem() {
        call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e");
        call("ZADD", "z", "NX", "1", "a"); // changes nothing: not propagated
        call("ZADD", "z", "INCR", "1", "a");
        call("ZINCRBY", "z", "1", "b");
        call("ZPOPMIN", "z");
        call("ZPOPMAX", "z", "2");
        call("ZPOPMIN", "z", "0");
        call("ZREM", "z", "nope");
        call("ZADD", "z", "1", "x", "2", "y", "3", "w");
        call("ZMPOP", "1", "z", "MIN");
        call("ZMPOP", "1", "z", "MAX", "COUNT", "10"); // popped 4: propagated with the popped count
        call("ZMPOP", "1", "z", "MAX", "COUNT", "10"); // nothing left
        assertThat(propagated()).containsExactly(
                "ZADD z 1 a 2 b 3 c 4 d 5 e",
                "ZADD z INCR 1 a",
                "ZINCRBY z 1 b",
                "ZPOPMIN z",
                "ZPOPMAX z 2",
                "ZADD z 1 x 2 y 3 w",
                "ZPOPMIN z 1",
                "ZPOPMAX z 4");
    }

    @Test
    void storeCommandsPropagateOnlyWhenTheyChangedSomething() {
        call("ZADD", "z", "1", "a", "2", "b", "3", "c");
        call("ZRANGESTORE", "d", "z", "0", "-1");
        call("ZRANGESTORE", "d", "nokey", "0", "-1"); // deletes d
        call("ZRANGESTORE", "d", "nokey", "0", "-1"); // nothing to delete
        call("ZUNIONSTORE", "d", "1", "nokey");
        call("ZREMRANGEBYSCORE", "z", "0", "0");
        call("ZREMRANGEBYSCORE", "z", "1", "2");
        call("ZRANDMEMBER", "z", "2");
        assertThat(propagated()).containsExactly(
                "ZADD z 1 a 2 b 3 c",
                "ZRANGESTORE d z 0 -1",
                "ZRANGESTORE d nokey 0 -1",
                "ZREMRANGEBYSCORE z 1 2");
    }

    @Test
    void failedCommandsChangeNothing() {
        call("ZADD", "z", "inf", "a", "1", "b");
        assertThat(call("ZADD", "z", "INCR", "-inf", "a")).isEqualTo("-ERR resulting score is not a number (NaN)\r\n");
        assertThat(call("ZADD", "z", "1", "c", "x", "d")).isEqualTo("-ERR value is not a valid float\r\n");
        assertThat(call("ZRANGE", "z", "0", "-1", "WITHSCORES"))
                .isEqualTo("*4\r\n$1\r\nb\r\n$1\r\n1\r\n$1\r\na\r\n$3\r\ninf\r\n");
        assertThat(propagated()).containsExactly("ZADD z inf a 1 b");
    }

    @Test
    void memoryAccountingFollowsTheSet() {
        long empty = node.server().keyspace().db(0).memoryEstimate();
        for (int i = 0; i < 300; i++) {
            call("ZADD", "z", Integer.toString(i), "member-" + i);
        }
        long full = node.server().keyspace().db(0).memoryEstimate();
        assertThat(full - empty).isGreaterThan(300 * 40);
        call("ZREMRANGEBYRANK", "z", "0", "99");
        long partial = node.server().keyspace().db(0).memoryEstimate();
        assertThat(partial).isLessThan(full).isGreaterThan(empty);
        call("ZPOPMIN", "z", "1000");
        assertThat(call("EXISTS", "z")).isEqualTo(":0\r\n");
        assertThat(node.server().keyspace().db(0).memoryEstimate()).isEqualTo(empty);
    }

    @Test
    void encodingFollowsConfigSet() {
        call("ZADD", "z", "1", "a", "2", "b");
        assertThat(call("OBJECT", "ENCODING", "z")).isEqualTo("$8\r\nlistpack\r\n");
        assertThat(call("CONFIG", "SET", "zset-max-listpack-entries", "2")).isEqualTo("+OK\r\n");
        call("ZADD", "z", "3", "a"); // an update never converts
        assertThat(call("OBJECT", "ENCODING", "z")).isEqualTo("$8\r\nlistpack\r\n");
        call("ZADD", "z", "3", "c");
        assertThat(call("OBJECT", "ENCODING", "z")).isEqualTo("$8\r\nskiplist\r\n");
        call("CONFIG", "SET", "zset-max-listpack-entries", "128");
        call("CONFIG", "SET", "zset-max-listpack-value", "3");
        call("ZADD", "y", "1", "abcd");
        assertThat(call("OBJECT", "ENCODING", "y")).isEqualTo("$8\r\nskiplist\r\n");
    }

    @Test
    void zscanVisitsEveryMemberOfASkiplistAcrossCalls() {
        for (int i = 0; i < 500; i++) {
            call("ZADD", "z", Integer.toString(i), "m" + i);
        }
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int calls = 0;
        Pattern bulk = Pattern.compile("\\$\\d+\\r\\n([^\\r]*)\\r\\n");
        do {
            String reply = call("ZSCAN", "z", cursor, "COUNT", "20");
            Matcher m = bulk.matcher(reply);
            assertThat(m.find()).isTrue();
            cursor = m.group(1);
            List<String> items = new ArrayList<>();
            while (m.find()) {
                items.add(m.group(1));
            }
            for (int i = 0; i < items.size(); i += 2) {
                assertThat(items.get(i + 1)).isEqualTo(items.get(i).substring(1)); // score equals the number
                seen.add(items.get(i));
            }
            calls++;
        } while (!cursor.equals("0"));
        assertThat(seen).hasSize(500);
        assertThat(calls).isGreaterThan(5);

        String matched = call("ZSCAN", "z", "0", "MATCH", "m1?", "COUNT", "1000");
        assertThat(matched).startsWith("*2\r\n$1\r\n0\r\n*20\r\n");
    }

    @Test
    void zrandmemberCountSemantics() {
        for (int i = 0; i < 200; i++) {
            call("ZADD", "z", Integer.toString(i), "m" + i);
        }
        for (String count : List.of("5", "100", "150")) {
            String reply = call("ZRANDMEMBER", "z", count);
            List<String> members = bulks(reply);
            assertThat(members).hasSize(Integer.parseInt(count)).doesNotHaveDuplicates()
                    .allMatch(m -> m.matches("m\\d+"));
        }
        assertThat(bulks(call("ZRANDMEMBER", "z", "-500"))).hasSize(500);
        List<String> withScores = bulks(call("ZRANDMEMBER", "z", "3", "WITHSCORES"));
        assertThat(withScores).hasSize(6);
        for (int i = 0; i < 6; i += 2) {
            assertThat(withScores.get(i)).isEqualTo("m" + withScores.get(i + 1));
        }
        call("HELLO", "3");
        assertThat(call("ZRANDMEMBER", "z", "-2", "WITHSCORES")).startsWith("*2\r\n*2\r\n$");
    }

    @Test
    void blockingPopsAnswerAndPropagateLikeRedis() {
        // Transcripts recorded from redis-server 7.0.15 for the same sequence (two connections).
        InProcessNode.TestClient waiter = node.connect();
        call("ZADD", "k0", "1", "a");
        assertThat(waiter.call("BZPOPMIN", "nokey", "k0", "0")).isEqualTo("*3\r\n$2\r\nk0\r\n$1\r\na\r\n$1\r\n1\r\n");
        assertThat(waiter.call("BZPOPMIN", "k1", "k2", "0")).isEmpty(); // blocks
        assertThat(call("ZADD", "k2", "1", "x", "2", "y")).isEqualTo(":2\r\n");
        assertThat(waiter.received()).isEqualTo("*3\r\n$2\r\nk2\r\n$1\r\nx\r\n$1\r\n1\r\n");
        assertThat(waiter.call("BZMPOP", "0", "2", "k1", "k3", "MAX", "COUNT", "5")).isEmpty();
        call("ZADD", "k3", "1", "x", "2", "y", "3", "z");
        assertThat(waiter.received()).isEqualTo("*2\r\n$2\r\nk3\r\n*3\r\n*2\r\n$1\r\nz\r\n$1\r\n3\r\n"
                + "*2\r\n$1\r\ny\r\n$1\r\n2\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n");
        waiter.call("HELLO", "3");
        assertThat(waiter.call("BZPOPMAX", "k2", "0")).isEqualTo("*3\r\n$2\r\nk2\r\n$1\r\ny\r\n,2\r\n");
        assertThat(waiter.call("BZMPOP", "0", "1", "k5", "MIN")).isEmpty();
        call("ZADD", "k5", "7", "q");
        assertThat(waiter.received()).isEqualTo("*2\r\n$2\r\nk5\r\n*1\r\n*2\r\n$1\r\nq\r\n,7\r\n");
        assertThat(propagated()).containsExactly(
                "ZADD k0 1 a",
                "ZPOPMIN k0",
                "ZADD k2 1 x 2 y",
                "ZPOPMIN k2",
                "ZADD k3 1 x 2 y 3 z",
                "ZPOPMAX k3 3",
                "ZPOPMAX k2",
                "ZADD k5 7 q",
                "ZPOPMIN k5 1");
    }

    @Test
    void blockedClientsAreServedInArrivalOrderAndOnlyFromSortedSets() {
        InProcessNode.TestClient first = node.connect();
        InProcessNode.TestClient second = node.connect();
        first.call("BZPOPMIN", "q", "0");
        second.call("BZPOPMAX", "q", "0");
        call("RPUSH", "q", "not-a-zset"); // a list wakes nobody waiting for a sorted set
        assertThat(first.received()).isEmpty();
        call("DEL", "q");
        call("ZADD", "q", "1", "a", "2", "b", "3", "c");
        assertThat(first.received()).isEqualTo("*3\r\n$1\r\nq\r\n$1\r\na\r\n$1\r\n1\r\n");
        assertThat(second.received()).isEqualTo("*3\r\n$1\r\nq\r\n$1\r\nc\r\n$1\r\n3\r\n");
        assertThat(call("ZRANGE", "q", "0", "-1")).isEqualTo("*1\r\n$1\r\nb\r\n");
    }

    @Test
    void blockingPopsInsideMultiAnswerAtOnce() {
        call("MULTI");
        call("BZPOPMIN", "k9", "0");
        call("BZMPOP", "0", "1", "k9", "MIN");
        assertThat(call("EXEC")).isEqualTo("*2\r\n*-1\r\n*-1\r\n");
    }

    @Test
    void zrandmemberOnAListpackReturnsAFewMembersInSetOrder() {
        // redis 7.0 (lpRandomPairsUnique): ZRANDMEMBER z 2 on {a..g} gave "a d", "c f", "e g" - always ascending.
        call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f", "7", "g");
        for (int i = 0; i < 50; i++) {
            List<String> picked = bulks(call("ZRANDMEMBER", "z", "2"));
            assertThat(picked).hasSize(2).doesNotHaveDuplicates().isSorted();
        }
    }

    private static List<String> bulks(String reply) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\\$\\d+\\r\\n([^\\r]*)\\r\\n").matcher(reply);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
