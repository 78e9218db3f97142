package dev.chorus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chorus.node.testing.OraclePair;
import dev.chorus.node.testing.ServerProcess;
import dev.chorus.node.testing.ServerProcess.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * Jedis 6.2 against the node, each test run against a real redis-server too, so every expectation is one Redis
 * itself meets: strings, keys, expiry, transactions, pipelining, pub/sub, lists, hashes, sets, sorted sets, auth, SELECT,
 * RESP3.
 */
class JedisCompatibilityIT {
    @RegisterExtension
    static final OraclePair servers = new OraclePair();

    private static Jedis connect(Kind kind) {
        Jedis jedis = new Jedis("127.0.0.1", servers.get(kind).port(), 10_000);
        jedis.flushAll();
        return jedis;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void strings(Kind kind) {
        try (Jedis j = connect(kind)) {
            assertThat(j.set("s", "hello")).isEqualTo("OK");
            assertThat(j.get("s")).isEqualTo("hello");
            assertThat(j.append("s", " world")).isEqualTo(11);
            assertThat(j.strlen("s")).isEqualTo(11);
            assertThat(j.getrange("s", 0, 4)).isEqualTo("hello");
            assertThat(j.setrange("s", 6, "WORLD")).isEqualTo(11);
            assertThat(j.get("s")).isEqualTo("hello WORLD");
            assertThat(j.set("s", "x", SetParams.setParams().nx())).isNull();
            assertThat(j.setGet("s", "x", SetParams.setParams().xx())).isEqualTo("hello WORLD");
            assertThat(j.setnx("fresh", "1")).isEqualTo(1);
            assertThat(j.incr("n")).isEqualTo(1);
            assertThat(j.incrBy("n", 41)).isEqualTo(42);
            assertThat(j.decrBy("n", 2)).isEqualTo(40);
            assertThat(j.incrByFloat("f", 1.5)).isEqualTo(1.5);
            assertThat(j.incrByFloat("f", 0.1)).isEqualTo(1.6);
            assertThat(j.get("f")).isEqualTo("1.6");
            assertThat(j.mset("a", "1", "b", "2")).isEqualTo("OK");
            assertThat(j.mget("a", "missing", "b")).containsExactly("1", null, "2");
            assertThat(j.msetnx("a", "9", "c", "3")).isZero();
            assertThat(j.getDel("a")).isEqualTo("1");
            assertThat(j.getSet("b", "22")).isEqualTo("2");
            assertThat(j.get("missing")).isNull();
            byte[] binary = {0, (byte) 0xff, '\r', '\n', 'x'};
            j.set("bin".getBytes(), binary);
            assertThat(j.get("bin".getBytes())).isEqualTo(binary);
            j.set("s", "text");
            assertThatThrownBy(() -> j.incr("s")).isInstanceOf(JedisDataException.class)
                    .hasMessage("ERR value is not an integer or out of range");
            j.lpush("list", "x");
            assertThatThrownBy(() -> j.get("list")).isInstanceOf(JedisDataException.class)
                    .hasMessage("WRONGTYPE Operation against a key holding the wrong kind of value");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void keysAndExpiry(Kind kind) {
        try (Jedis j = connect(kind)) {
            for (int i = 0; i < 50; i++) {
                j.set("key:" + i, "v" + i);
            }
            assertThat(j.dbSize()).isEqualTo(50);
            assertThat(j.exists("key:1", "key:2", "nope")).isEqualTo(2);
            assertThat(j.keys("key:1*")).hasSize(11);
            Set<String> scanned = new HashSet<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = j.scan(cursor, new ScanParams().match("key:*").count(7));
                scanned.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            assertThat(scanned).hasSize(50);
            assertThat(j.type("key:1")).isEqualTo("string");
            assertThat(j.rename("key:1", "renamed")).isEqualTo("OK");
            assertThat(j.renamenx("renamed", "key:2")).isZero();
            assertThat(j.del("renamed", "key:2", "nope")).isEqualTo(2);
            assertThat(j.unlink("key:3")).isEqualTo(1);
            assertThat(j.copy("key:4", "copy", false)).isTrue();
            assertThat(j.get("copy")).isEqualTo("v4");
            assertThat(j.randomKey()).startsWith("");

            assertThat(j.ttl("key:5")).isEqualTo(-1);
            assertThat(j.ttl("nope")).isEqualTo(-2);
            assertThat(j.expire("key:5", 100)).isEqualTo(1);
            assertThat(j.ttl("key:5")).isBetween(99L, 100L);
            assertThat(j.pexpire("key:6", 100_000)).isEqualTo(1);
            assertThat(j.pttl("key:6")).isBetween(99_000L, 100_000L);
            assertThat(j.persist("key:6")).isEqualTo(1);
            assertThat(j.ttl("key:6")).isEqualTo(-1);
            long at = System.currentTimeMillis() / 1000 + 1000;
            assertThat(j.expireAt("key:7", at)).isEqualTo(1);
            assertThat(j.expireTime("key:7")).isEqualTo(at);
            j.setex("short", 1, "gone soon");
            j.psetex("shorter", 50, "gone sooner");
            assertThat(j.get("short")).isEqualTo("gone soon");
            await().atMost(Duration.ofSeconds(5)).until(() -> !j.exists("short") && !j.exists("shorter"));
            assertThat(j.get("short")).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void transactions(Kind kind) {
        try (Jedis j = connect(kind); Jedis other = connect(kind)) {
            Transaction t = j.multi();
            t.set("t", "1");
            Response<Long> incr = t.incr("t");
            t.lpush("tl", "a", "b");
            List<Object> results = t.exec();
            assertThat(results).containsExactly("OK", 2L, 2L);
            assertThat(incr.get()).isEqualTo(2);

            // A command failing at run time does not abort the others.
            Transaction partial = j.multi();
            partial.set("str", "x");
            partial.incr("str");
            partial.set("after", "ran");
            List<Object> mixed = partial.exec();
            assertThat(mixed.get(0)).isEqualTo("OK");
            assertThat(mixed.get(1)).isInstanceOf(JedisDataException.class);
            assertThat(j.get("after")).isEqualTo("ran");

            // WATCH: a change by another client aborts EXEC.
            j.watch("w");
            other.set("w", "changed");
            Transaction watched = j.multi();
            watched.set("w", "mine");
            assertThat(watched.exec()).isNull();
            assertThat(j.get("w")).isEqualTo("changed");

            Transaction discarded = j.multi();
            discarded.set("never", "1");
            assertThat(discarded.discard()).isEqualTo("OK");
            assertThat(j.exists("never")).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void pipelining(Kind kind) {
        try (Jedis j = connect(kind)) {
            Pipeline p = j.pipelined();
            List<Response<Long>> incrs = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                p.set("p:" + i, Integer.toString(i));
                incrs.add(p.incr("p:counter"));
            }
            Response<String> last = p.get("p:4999");
            Response<List<String>> range = p.mget("p:0", "p:1", "p:nope");
            p.sync();
            assertThat(incrs.get(4_999).get()).isEqualTo(5_000);
            assertThat(last.get()).isEqualTo("4999");
            assertThat(range.get()).containsExactly("0", "1", null);
            assertThat(j.dbSize()).isEqualTo(5_001);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void pubSubWithSubscriberThread(Kind kind) throws InterruptedException {
        List<String> received = new CopyOnWriteArrayList<>();
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                received.add(channel + "=" + message);
            }

            @Override
            public void onPMessage(String pattern, String channel, String message) {
                received.add(pattern + "|" + channel + "=" + message);
            }
        };
        try (Jedis subscriber = connect(kind); Jedis publisher = connect(kind)) {
            Thread thread = new Thread(() -> subscriber.subscribe(listener, "news"), "jedis-subscriber");
            thread.start();
            await().atMost(Duration.ofSeconds(10)).until(listener::isSubscribed);
            listener.psubscribe("sport.*");
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.getSubscribedChannels() == 2);
            assertThat(publisher.pubsubNumSub("news")).containsEntry("news", 1L);
            assertThat(publisher.pubsubNumPat()).isEqualTo(1);
            assertThat(publisher.pubsubChannels()).containsExactly("news");

            assertThat(publisher.publish("news", "hello")).isEqualTo(1);
            assertThat(publisher.publish("sport.tennis", "ace")).isEqualTo(1);
            assertThat(publisher.publish("nobody", "listens")).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
            assertThat(received).containsExactly("news=hello", "sport.*|sport.tennis=ace");

            listener.unsubscribe();
            listener.punsubscribe();
            thread.join(10_000);
            assertThat(thread.isAlive()).isFalse();
            assertThat(publisher.publish("news", "late")).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void lists(Kind kind) {
        try (Jedis j = connect(kind)) {
            assertThat(j.rpush("l", "a", "b", "c")).isEqualTo(3);
            assertThat(j.lpush("l", "z")).isEqualTo(4);
            assertThat(j.lrange("l", 0, -1)).containsExactly("z", "a", "b", "c");
            assertThat(j.lindex("l", -1)).isEqualTo("c");
            assertThat(j.llen("l")).isEqualTo(4);
            assertThat(j.lpop("l")).isEqualTo("z");
            assertThat(j.rpop("l", 2)).containsExactly("c", "b");
            assertThat(j.lmove("l", "l2", ListDirection.LEFT, ListDirection.RIGHT)).isEqualTo("a");
            assertThat(j.exists("l")).isFalse();
            assertThat(j.blpop(1, "l2")).containsExactly("l2", "a");
            assertThat(j.blpop(0.1, "empty")).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void blockingPopIsWokenByAnotherClient(Kind kind) throws Exception {
        try (Jedis blocked = connect(kind); Jedis pusher = connect(kind)) {
            var result = new java.util.concurrent.CompletableFuture<List<String>>();
            Thread t = new Thread(() -> result.complete(blocked.brpop(10, "queue")));
            t.start();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> pusher.clientList().contains("cmd=brpop"));
            pusher.lpush("queue", "job");
            assertThat(result.get(10, java.util.concurrent.TimeUnit.SECONDS)).containsExactly("queue", "job");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void hashes(Kind kind) {
        try (Jedis j = connect(kind)) {
            assertThat(j.hset("h", Map.of("a", "1", "b", "2"))).isEqualTo(2);
            assertThat(j.hget("h", "a")).isEqualTo("1");
            assertThat(j.hincrBy("h", "a", 10)).isEqualTo(11);
            assertThat(j.hincrByFloat("h", "f", 2.5)).isEqualTo(2.5);
            assertThat(j.hgetAll("h")).containsExactlyInAnyOrderEntriesOf(Map.of("a", "11", "b", "2", "f", "2.5"));
            assertThat(j.hmget("h", "a", "nope")).containsExactly("11", null);
            assertThat(j.hkeys("h")).containsExactlyInAnyOrder("a", "b", "f");
            assertThat(j.hexists("h", "b")).isTrue();
            assertThat(j.hdel("h", "b", "nope")).isEqualTo(1);
            assertThat(j.hlen("h")).isEqualTo(2);
            assertThat(j.hsetnx("h", "a", "x")).isZero();
            assertThat(j.hstrlen("h", "a")).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void sets(Kind kind) {
        try (Jedis j = connect(kind)) {
            assertThat(j.sadd("s1", "a", "b", "c", "a")).isEqualTo(3);
            assertThat(j.sadd("s2", "b", "c", "d")).isEqualTo(3);
            assertThat(j.smembers("s1")).containsExactlyInAnyOrder("a", "b", "c");
            assertThat(j.sismember("s1", "a")).isTrue();
            assertThat(j.smismember("s1", "a", "z")).containsExactly(true, false);
            assertThat(j.sinter("s1", "s2")).containsExactlyInAnyOrder("b", "c");
            assertThat(j.sunion("s1", "s2")).containsExactlyInAnyOrder("a", "b", "c", "d");
            assertThat(j.sdiff("s1", "s2")).containsExactly("a");
            assertThat(j.srem("s1", "a")).isEqualTo(1);
            assertThat(j.scard("s1")).isEqualTo(2);
            assertThat(j.smove("s1", "s2", "b")).isEqualTo(1);
            assertThat(j.sintercard("s1", "s2")).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void sortedSets(Kind kind) {
        try (Jedis j = connect(kind)) {
            assertThat(j.zadd("z", Map.of("a", 1.0, "b", 2.5, "c", -3.0))).isEqualTo(3);
            assertThat(j.zscore("z", "b")).isEqualTo(2.5);
            assertThat(j.zincrby("z", 0.5, "a")).isEqualTo(1.5);
            assertThat(j.zrange("z", 0, -1)).containsExactly("c", "a", "b");
            assertThat(j.zrangeWithScores("z", 0, 0)).containsExactly(new Tuple("c", -3.0));
            assertThat(j.zrank("z", "b")).isEqualTo(2);
            assertThat(j.zrevrank("z", "b")).isZero();
            assertThat(j.zcount("z", 0, 10)).isEqualTo(2);
            assertThat(j.zrangeByScore("z", "(1.5", "+inf")).containsExactly("b");
            assertThat(j.zrem("z", "a", "nope")).isEqualTo(1);
            assertThat(j.zcard("z")).isEqualTo(2);
            assertThat(j.zpopmin("z")).isEqualTo(new Tuple("c", -3.0));
            assertThat(j.zadd("z", 1e300, "huge")).isEqualTo(1);
            assertThat(j.zscore("z", "huge")).isEqualTo(1e300);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void selectDatabase(Kind kind) {
        try (Jedis j = connect(kind)) {
            j.set("k", "db0");
            assertThat(j.select(2)).isEqualTo("OK");
            assertThat(j.get("k")).isNull();
            j.set("k", "db2");
            assertThat(j.move("k", 3)).isEqualTo(1);
            j.select(3);
            assertThat(j.get("k")).isEqualTo("db2");
            assertThatThrownBy(() -> j.select(16)).isInstanceOf(JedisDataException.class)
                    .hasMessage("ERR DB index is out of range");
        }
        var config = DefaultJedisClientConfig.builder().database(3).build();
        try (JedisPooled pooled = new JedisPooled(new HostAndPort("127.0.0.1", servers.get(kind).port()), config)) {
            assertThat(pooled.get("k")).isEqualTo("db2");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void resp3(Kind kind) {
        var config = DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP3).build();
        try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", servers.get(kind).port()), config)) {
            j.flushAll();
            j.hset("h", "f", "v");
            assertThat(j.hgetAll("h")).containsEntry("f", "v");
            assertThat(j.sadd("s", "m")).isEqualTo(1);
            assertThat(j.smembers("s")).containsExactly("m");
            assertThat(j.get("missing")).isNull();
            assertThat(j.incrByFloat("f", 0.5)).isEqualTo(0.5);
            assertThat(j.configGet("maxmemory")).containsEntry("maxmemory", "0");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void authWithRequirepass(Kind kind) {
        try (ServerProcess s = kind == Kind.REDIS ? ServerProcess.redis("--requirepass", "s3cret")
                : ServerProcess.node("--requirepass", "s3cret")) {
            try (Jedis anonymous = new Jedis("127.0.0.1", s.port())) {
                assertThatThrownBy(() -> anonymous.get("k")).isInstanceOf(JedisDataException.class)
                        .hasMessage("NOAUTH Authentication required.");
                assertThatThrownBy(() -> anonymous.auth("wrong")).isInstanceOf(JedisDataException.class)
                        .hasMessage("WRONGPASS invalid username-password pair or user is disabled.");
                assertThat(anonymous.auth("s3cret")).isEqualTo("OK");
                assertThat(anonymous.set("k", "v")).isEqualTo("OK");
            }
            var config = DefaultJedisClientConfig.builder().password("s3cret").database(1).build();
            try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", s.port()), config)) {
                assertThat(j.get("k")).isNull();
                j.select(0);
                assertThat(j.get("k")).isEqualTo("v");
            }
            var resp3 = DefaultJedisClientConfig.builder().password("s3cret").protocol(RedisProtocol.RESP3).build();
            try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", s.port()), resp3)) {
                assertThat(j.get("k")).isEqualTo("v");
            }
        }
    }
}
