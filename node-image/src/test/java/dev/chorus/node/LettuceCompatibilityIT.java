package dev.chorus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.OraclePair;
import dev.chorus.node.testing.ServerProcess;
import dev.chorus.node.testing.ServerProcess.Kind;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Lettuce 6.8 against the node, every test also run against a real redis-server, in RESP2 and RESP3 (Lettuce's
 * HELLO 3 handshake): strings, keys, expiry, transactions, async pipelining, pub/sub, lists, hashes, sets, sorted sets,
 * auth, SELECT.
 */
class LettuceCompatibilityIT {
    @RegisterExtension
    static final OraclePair servers = new OraclePair();
    private static final List<RedisClient> CLIENTS = new ArrayList<>();

    @AfterAll
    static void stop() {
        CLIENTS.forEach(c -> c.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
    }

    static List<Arguments> serversAndProtocols() {
        List<Arguments> out = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            for (ProtocolVersion p : List.of(ProtocolVersion.RESP2, ProtocolVersion.RESP3)) {
                out.add(Arguments.of(kind, p));
            }
        }
        return out;
    }

    private static RedisClient client(RedisURI uri, ProtocolVersion protocol) {
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
        CLIENTS.add(client);
        return client;
    }

    private static RedisClient client(Kind kind, ProtocolVersion protocol) {
        return client(RedisURI.builder().withHost("127.0.0.1").withPort(servers.get(kind).port())
                .withTimeout(Duration.ofSeconds(10)).build(), protocol);
    }

    private static StatefulRedisConnection<String, String> connect(Kind kind, ProtocolVersion protocol) {
        StatefulRedisConnection<String, String> c = client(kind, protocol).connect();
        c.sync().flushall();
        return c;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("serversAndProtocols")
    void negotiatedProtocol(Kind kind, ProtocolVersion protocol) {
        try (var c = connect(kind, protocol)) {
            String info = c.sync().clientInfo();
            assertThat(info).containsPattern(" resp=" + (protocol == ProtocolVersion.RESP3 ? 3 : 2) + "\\s*$");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("serversAndProtocols")
    void stringsAndKeys(Kind kind, ProtocolVersion protocol) {
        try (var c = connect(kind, protocol)) {
            RedisCommands<String, String> r = c.sync();
            assertThat(r.set("s", "hello")).isEqualTo("OK");
            assertThat(r.set("s", "x", SetArgs.Builder.nx())).isNull();
            assertThat(r.setGet("s", "world")).isEqualTo("hello");
            assertThat(r.get("s")).isEqualTo("world");
            assertThat(r.get("missing")).isNull();
            assertThat(r.incr("n")).isEqualTo(1);
            assertThat(r.incrbyfloat("f", 2.5)).isEqualTo(2.5);
            assertThat(r.mset(Map.of("a", "1", "b", "2"))).isEqualTo("OK");
            assertThat(r.mget("a", "nope", "b")).containsExactly(KeyValue.just("a", "1"), KeyValue.empty("nope"),
                    KeyValue.just("b", "2"));
            assertThat(r.getrange("s", 1, 3)).isEqualTo("orl");
            assertThat(r.exists("a", "b", "nope")).isEqualTo(2);
            assertThat(r.type("a")).isEqualTo("string");
            assertThat(r.del("a")).isEqualTo(1);
            assertThat(r.dbsize()).isEqualTo(4);
            Set<String> scanned = new HashSet<>();
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                var page = r.scan(cursor, ScanArgs.Builder.limit(2));
                scanned.addAll(page.getKeys());
                cursor = page;
            } while (!cursor.isFinished());
            assertThat(scanned).containsExactlyInAnyOrder("s", "n", "f", "b");
            assertThatThrownBy(() -> r.incr("s")).isInstanceOf(RedisCommandExecutionException.class)
                    .hasMessage("ERR value is not an integer or out of range");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("serversAndProtocols")
    void expiry(Kind kind, ProtocolVersion protocol) {
        try (var c = connect(kind, protocol)) {
            RedisCommands<String, String> r = c.sync();
            r.set("k", "v");
            assertThat(r.ttl("k")).isEqualTo(-1);
            assertThat(r.expire("k", 100)).isTrue();
            assertThat(r.ttl("k")).isBetween(99L, 100L);
            assertThat(r.persist("k")).isTrue();
            assertThat(r.pttl("nope")).isEqualTo(-2);
            r.psetex("short", 50, "v");
            await().atMost(Duration.ofSeconds(5)).until(() -> r.exists("short") == 0);
            assertThat(r.get("short")).isNull();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("serversAndProtocols")
    void transactions(Kind kind, ProtocolVersion protocol) {
        try (var c = connect(kind, protocol); var other = connect(kind, protocol)) {
            RedisCommands<String, String> r = c.sync();
            assertThat(r.multi()).isEqualTo("OK");
            assertThat(r.set("t", "1")).isNull();
            assertThat(r.incr("t")).isNull();
            r.hset("th", "f", "v");
            TransactionResult result = r.exec();
            assertThat(result.wasDiscarded()).isFalse();
            assertThat((List<Object>) result.stream().toList()).containsExactly("OK", 2L, true);

            r.watch("w");
            other.sync().set("w", "theirs");
            r.multi();
            r.set("w", "mine");
            assertThat(r.exec().wasDiscarded()).isTrue();
            assertThat(r.get("w")).isEqualTo("theirs");

            r.multi();
            r.set("never", "1");
            assertThat(r.discard()).isEqualTo("OK");
            assertThat(r.exists("never")).isZero();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("serversAndProtocols")
    void asyncPipelining(Kind kind, ProtocolVersion protocol) {
        try (var c = connect(kind, protocol)) {
            RedisAsyncCommands<String, String> async = c.async();
            c.setAutoFlushCommands(false);
            List<RedisFuture<?>> futures = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                futures.add(async.set("p:" + i, "v" + i));
                futures.add(async.incr("p:counter"));
            }
            RedisFuture<String> last = async.get("p:4999");
            futures.add(last);
            c.flushCommands();
            assertThat(LettuceFutures.awaitAll(Duration.ofSeconds(30), futures.toArray(new RedisFuture[0]))).isTrue();
            c.setAutoFlushCommands(true);
            assertThat(last.toCompletableFuture().getNow(null)).isEqualTo("v4999");
            assertThat(c.sync().get("p:counter")).isEqualTo("5000");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("serversAndProtocols")
    void pubSub(Kind kind, ProtocolVersion protocol) throws Exception {
        RedisClient client = client(kind, protocol);
        List<String> received = new CopyOnWriteArrayList<>();
        try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
                StatefulRedisConnection<String, String> pub = client.connect()) {
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    received.add(channel + "=" + message);
                }

                @Override
                public void message(String pattern, String channel, String message) {
                    received.add(pattern + "|" + channel + "=" + message);
                }
            });
            sub.sync().subscribe("news");
            sub.sync().psubscribe("sport.*");
            assertThat(pub.sync().pubsubNumsub("news")).containsEntry("news", 1L);
            assertThat(pub.sync().publish("news", "hello")).isEqualTo(1);
            assertThat(pub.sync().publish("sport.chess", "mate")).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
            assertThat(received).containsExactly("news=hello", "sport.*|sport.chess=mate");
            if (protocol == ProtocolVersion.RESP3) {
                // RESP3 pushes let one connection both subscribe and run ordinary commands.
                assertThat(sub.sync().ping()).isEqualTo("PONG");
            }
            sub.sync().unsubscribe("news");
            sub.sync().punsubscribe("sport.*");
            assertThat(pub.sync().publish("news", "late")).isZero();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("serversAndProtocols")
    void listsHashesSets(Kind kind, ProtocolVersion protocol) throws Exception {
        try (var c = connect(kind, protocol); var blocked = client(kind, protocol).connect()) {
            RedisCommands<String, String> r = c.sync();
            assertThat(r.rpush("l", "a", "b", "c")).isEqualTo(3);
            assertThat(r.lrange("l", 0, -1)).containsExactly("a", "b", "c");
            assertThat(r.lpop("l")).isEqualTo("a");
            assertThat(r.lpos("l", "c")).isEqualTo(1);
            RedisFuture<KeyValue<String, String>> pop = blocked.async().blpop(10, "queue");
            await().atMost(Duration.ofSeconds(10)).until(() -> r.clientList().contains("cmd=blpop"));
            r.rpush("queue", "job");
            assertThat(pop.get(10, TimeUnit.SECONDS)).isEqualTo(KeyValue.just("queue", "job"));

            assertThat(r.hset("h", Map.of("a", "1", "b", "2"))).isEqualTo(2);
            assertThat(r.hgetall("h")).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "2"));
            assertThat(r.hincrbyfloat("h", "a", 0.5)).isEqualTo(1.5);
            assertThat(r.hrandfield("h")).isIn("a", "b");

            assertThat(r.sadd("s", "x", "y", "z")).isEqualTo(3);
            assertThat(r.smembers("s")).containsExactlyInAnyOrder("x", "y", "z");
            assertThat(r.sismember("s", "y")).isTrue();
            assertThat(r.spop("s")).isIn("x", "y", "z");
            assertThat(r.scard("s")).isEqualTo(2);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("serversAndProtocols")
    void sortedSets(Kind kind, ProtocolVersion protocol) {
        try (var c = connect(kind, protocol)) {
            RedisCommands<String, String> r = c.sync();
            assertThat(r.zadd("z", 1.0, "a", 2.5, "b", -3.0, "c")).isEqualTo(3);
            assertThat(r.zscore("z", "b")).isEqualTo(2.5);
            assertThat(r.zincrby("z", 0.5, "a")).isEqualTo(1.5);
            assertThat(r.zrangeWithScores("z", 0, -1)).containsExactly(ScoredValue.just(-3.0, "c"),
                    ScoredValue.just(1.5, "a"), ScoredValue.just(2.5, "b"));
            assertThat(r.zrangebyscore("z", Range.create(0.0, 2.0))).containsExactly("a");
            assertThat(r.zrank("z", "b")).isEqualTo(2);
            assertThat(r.zmscore("z", "a", "nope")).containsExactly(1.5, null);
            assertThat(r.zpopmax("z")).isEqualTo(ScoredValue.just(2.5, "b"));
            assertThat(r.zcard("z")).isEqualTo(2);
            assertThat(r.zadd("z", Double.POSITIVE_INFINITY, "top")).isEqualTo(1);
            if (protocol == ProtocolVersion.RESP3) {
                // In RESP2 the score is the bulk string "inf", which Lettuce cannot parse (with Redis too).
                assertThat(r.zscore("z", "top")).isEqualTo(Double.POSITIVE_INFINITY);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void authAndSelectInTheUri(Kind kind) {
        try (ServerProcess s = kind == Kind.REDIS ? ServerProcess.redis("--requirepass", "s3cret")
                : ServerProcess.node("--requirepass", "s3cret")) {
            for (ProtocolVersion protocol : List.of(ProtocolVersion.RESP2, ProtocolVersion.RESP3)) {
                RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(s.port()).withPassword("s3cret".toCharArray())
                        .withDatabase(4).withTimeout(Duration.ofSeconds(10)).build();
                try (var c = client(uri, protocol).connect()) {
                    c.sync().set("in4", protocol.name());
                    assertThat(c.sync().select(0)).isEqualTo("OK");
                    assertThat(c.sync().get("in4")).isNull();
                    c.sync().select(4);
                    assertThat(c.sync().get("in4")).isEqualTo(protocol.name());
                }
                RedisURI wrong = RedisURI.builder().withHost("127.0.0.1").withPort(s.port())
                        .withPassword("nope".toCharArray()).withTimeout(Duration.ofSeconds(10)).build();
                assertThatThrownBy(() -> client(wrong, protocol).connect())
                        .hasStackTraceContaining("WRONGPASS invalid username-password pair or user is disabled.");
            }
        }
    }
}
