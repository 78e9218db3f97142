package dev.chorus.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.node.Server;
import dev.chorus.node.config.Config;
import dev.chorus.node.net.Client;
import dev.chorus.node.net.Outbound;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What hash and set commands send to replicas, checked against what redis-server 7.0.15 put on its replication
 * stream for the same commands (observed with {@code redis-cli --replica}): SPOP becomes SREM (one per member),
 * SPOP of the whole set becomes DEL, HINCRBYFLOAT becomes HSET with the result, no-op writes send nothing.
 */
class HashSetPropagationTest {
    private Server server;
    private Client client;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<List<String>> propagated = new ArrayList<>();

    @BeforeEach
    void start() {
        server = new Server(new Config());
        server.setPropagation((db, commands) -> {
            for (byte[][] c : commands) {
                propagated.add(Arrays.stream(c).map(b -> new String(b, StandardCharsets.UTF_8)).toList());
            }
        });
        client = new Client(1, server, new Outbound() {
            @Override
            public void send(byte[] data, int offset, int length) {
                out.write(data, offset, length);
            }

            @Override
            public void close() {
            }

            @Override
            public String remoteAddress() {
                return "127.0.0.1:1";
            }

            @Override
            public String localAddress() {
                return "127.0.0.1:2";
            }
        });
    }

    private String call(String... args) {
        byte[][] argv = Arrays.stream(args).map(a -> a.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        server.dispatcher().process(client, argv);
        client.flush();
        String reply = out.toString(StandardCharsets.UTF_8);
        out.reset();
        return reply;
    }

    /** The bulk strings of a flat array or set reply. */
    private static List<String> elements(String reply) {
        List<String> out = new ArrayList<>();
        String[] lines = reply.split("\r\n");
        for (int i = 1; i < lines.length; i += 2) {
            out.add(lines[i + 1]);
        }
        return out;
    }

    @Test
    void spopIsPropagatedAsSrem() {
        call("SADD", "s", "a", "b", "c");
        propagated.clear();
        String reply = call("SPOP", "s");
        String member = reply.split("\r\n")[1];
        assertThat(propagated).containsExactly(List.of("SREM", "s", member));
    }

    @Test
    void spopWithSmallCountIsOneSremPerMember() {
        call("SADD", "s", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
        propagated.clear();
        List<String> popped = elements(call("SPOP", "s", "2"));
        assertThat(popped).hasSize(2);
        // As redis-cli --replica shows for Redis 7.0: one SREM per member, wrapped in MULTI/EXEC.
        assertThat(propagated).containsExactly(List.of("MULTI"), List.of("SREM", "s", popped.get(0)),
                List.of("SREM", "s", popped.get(1)), List.of("EXEC"));
        assertThat(call("SCARD", "s")).isEqualTo(":8\r\n");
    }

    /** Most of the set goes: Redis rebuilds it from survivors and returns the rest in the old set's (sorted) order. */
    @Test
    void spopWithLargeCountReturnsIntsetMembersInOrder() {
        call("SADD", "s", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
        propagated.clear();
        String reply = call("SPOP", "s", "9");
        assertThat(reply).startsWith("*9\r\n");
        List<String> popped = elements(reply);
        List<Long> numbers = popped.stream().map(Long::parseLong).toList();
        assertThat(numbers).isSorted();
        assertThat(propagated).hasSize(11);
        assertThat(propagated.get(0)).containsExactly("MULTI");
        for (int i = 0; i < 9; i++) {
            assertThat(propagated.get(i + 1)).containsExactly("SREM", "s", popped.get(i));
        }
        assertThat(propagated.get(10)).containsExactly("EXEC");
        List<String> rest = elements(call("SMEMBERS", "s"));
        assertThat(rest).hasSize(1).doesNotContainAnyElementsOf(popped);
        assertThat(call("OBJECT", "ENCODING", "s")).isEqualTo("$6\r\nintset\r\n");
    }

    /** Survivors of a hashtable set that are all integers make an intset again, as Redis' setTypeCreate decides. */
    @Test
    void spopRebuildReEncodesSurvivors() {
        call("SADD", "s", "a", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        call("SREM", "s", "a");
        assertThat(call("OBJECT", "ENCODING", "s")).isEqualTo("$9\r\nhashtable\r\n");
        call("SPOP", "s", "8");
        assertThat(call("OBJECT", "ENCODING", "s")).isEqualTo("$6\r\nintset\r\n");
    }

    @Test
    void spopOfTheWholeSetIsDel() {
        call("SADD", "s", "3", "1", "2");
        propagated.clear();
        assertThat(call("SPOP", "s", "5")).isEqualTo("*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
        assertThat(propagated).containsExactly(List.of("DEL", "s"));
        assertThat(call("EXISTS", "s")).isEqualTo(":0\r\n");
    }

    @Test
    void hincrbyfloatIsPropagatedAsHsetWithTheResult() {
        call("HINCRBYFLOAT", "h", "f", "0.1");
        assertThat(call("HINCRBYFLOAT", "h", "f", "0.2")).isEqualTo("$3\r\n0.3\r\n");
        assertThat(propagated).containsExactly(List.of("HSET", "h", "f", "0.1"), List.of("HSET", "h", "f", "0.3"));
    }

    @Test
    void writesThatChangeNothingAreNotPropagated() {
        call("HSET", "h", "f", "1");
        call("SADD", "s", "a");
        propagated.clear();
        call("HSETNX", "h", "f", "2");
        call("HDEL", "h", "zz");
        call("SADD", "s", "a");
        call("SREM", "s", "zz");
        call("SMOVE", "s", "s", "a");
        call("SINTERSTORE", "dst", "nokey");
        call("SPOP", "nokey");
        call("SPOP", "s", "0");
        call("HINCRBY", "h", "f", "x");
        assertThat(propagated).isEmpty();
    }

    @Test
    void ordinaryWritesArePropagatedAsReceived() {
        call("HSET", "h", "f", "1");
        call("HSET", "h", "f", "1"); // Redis counts an overwrite with the same value as a change too
        call("SADD", "s", "a", "b");
        call("SMOVE", "s", "t", "a");
        call("SET", "dst", "x");
        call("SINTERSTORE", "dst", "nokey");
        assertThat(propagated).containsExactly(
                List.of("HSET", "h", "f", "1"),
                List.of("HSET", "h", "f", "1"),
                List.of("SADD", "s", "a", "b"),
                List.of("SMOVE", "s", "t", "a"),
                List.of("SET", "dst", "x"),
                List.of("SINTERSTORE", "dst", "nokey"));
    }

    @Test
    void emptiedCollectionsAreDeleted() {
        call("HSET", "h", "a", "1", "b", "2");
        call("HDEL", "h", "a", "b");
        assertThat(call("EXISTS", "h")).isEqualTo(":0\r\n");
        call("SADD", "s", "x");
        call("SMOVE", "s", "t", "x");
        assertThat(call("EXISTS", "s")).isEqualTo(":0\r\n");
        call("SPOP", "t");
        assertThat(call("EXISTS", "t")).isEqualTo(":0\r\n");
    }

    @Test
    void randomRepliesStayWithinTheCollection() {
        call("HSET", "h", "a", "1", "b", "2", "c", "3");
        Set<String> fields = Set.of("a", "b", "c");
        for (int i = 0; i < 20; i++) {
            assertThat(fields).containsAll(elements(call("HRANDFIELD", "h", "-5")));
            List<String> distinct = elements(call("HRANDFIELD", "h", "2"));
            assertThat(new HashSet<>(distinct)).hasSize(2);
            assertThat(fields).containsAll(distinct);
        }
        call("SADD", "s", "x", "y", "z", "w");
        for (int i = 0; i < 20; i++) {
            List<String> picked = elements(call("SRANDMEMBER", "s", "3"));
            assertThat(new HashSet<>(picked)).hasSize(3);
            assertThat(Set.of("x", "y", "z", "w")).containsAll(picked);
        }
    }

    /** Counts far below the size take the pick-and-dedupe path (Redis' CASE 4) on big hashtables and sets. */
    @Test
    void smallDistinctCountsFromBigCollections() {
        List<String> hset = new ArrayList<>(List.of("HSET", "big"));
        List<String> sadd = new ArrayList<>(List.of("SADD", "bigs"));
        for (int i = 0; i < 600; i++) {
            hset.addAll(List.of("f" + i, "v" + i));
            sadd.add(Integer.toString(i)); // integers past 512 members: a hashtable
        }
        call(hset.toArray(String[]::new));
        call(sadd.toArray(String[]::new));
        for (int i = 0; i < 20; i++) {
            List<String> fields = elements(call("HRANDFIELD", "big", "5"));
            assertThat(new HashSet<>(fields)).hasSize(5);
            assertThat(fields).allMatch(f -> f.matches("f\\d+"));
            List<String> members = elements(call("SRANDMEMBER", "bigs", "10"));
            assertThat(new HashSet<>(members)).hasSize(10);
            assertThat(members).allMatch(m -> Integer.parseInt(m) < 600);
        }
    }

    /** A listpack hash's random subset comes back in the hash's own order, like Redis' lpRandomPairsUnique. */
    @Test
    void listpackRandomSubsetKeepsHashOrder() {
        call("HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5");
        List<String> order = List.of("a", "b", "c", "d", "e");
        for (int i = 0; i < 20; i++) {
            List<String> picked = elements(call("HRANDFIELD", "h", "3"));
            assertThat(picked).isSortedAccordingTo((x, y) -> order.indexOf(x) - order.indexOf(y));
        }
    }
}
