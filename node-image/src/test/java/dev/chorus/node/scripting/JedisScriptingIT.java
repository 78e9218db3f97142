package dev.chorus.node.scripting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chorus.node.testing.OraclePair;
import dev.chorus.node.testing.ServerProcess.Kind;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.params.SetParams;

/** Jedis' scripting API (EVAL, EVALSHA, SCRIPT) and a lock built on a script, against the node and Redis alike. */
class JedisScriptingIT {
    @RegisterExtension
    static final OraclePair servers = new OraclePair();

    /** The usual distributed-lock release: delete the key only if it still holds our token. */
    private static final String UNLOCK = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('del', KEYS[1]) else return 0 end";

    private static Jedis connect(Kind kind) {
        Jedis jedis = new Jedis("127.0.0.1", servers.get(kind).port(), 10_000);
        jedis.flushAll();
        jedis.scriptFlush();
        return jedis;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void evalAndEvalsha(Kind kind) {
        try (Jedis j = connect(kind)) {
            assertThat(j.eval("return {KEYS[1], ARGV[1], 3, 3.7, true, false}", List.of("k"), List.of("a")))
                    .isEqualTo(java.util.Arrays.asList("k", "a", 3L, 3L, 1L, null));
            assertThat(j.eval("return redis.call('set', KEYS[1], ARGV[1])", 1, "x", "v")).isEqualTo("OK");
            assertThat(j.get("x")).isEqualTo("v");
            String sha = j.scriptLoad("return redis.call('incrby', KEYS[1], ARGV[1])");
            assertThat(sha).isEqualTo(ScriptingEngine.sha1hex(
                    "return redis.call('incrby', KEYS[1], ARGV[1])".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertThat(j.scriptExists(sha, "0000000000000000000000000000000000000000")).containsExactly(true, false);
            assertThat(j.evalsha(sha, 1, "n", "5")).isEqualTo(5L);
            assertThat(j.evalsha(sha, List.of("n"), List.of("2"))).isEqualTo(7L);
            assertThatThrownBy(() -> j.evalsha("0000000000000000000000000000000000000000", 0))
                    .isInstanceOf(JedisNoScriptException.class).hasMessageStartingWith("NOSCRIPT");
            assertThatThrownBy(() -> j.eval("return redis.call('incr', KEYS[1])", 1, "x"))
                    .isInstanceOf(JedisDataException.class)
                    .hasMessage("ERR value is not an integer or out of range script: "
                            + j.scriptLoad("return redis.call('incr', KEYS[1])") + ", on @user_script:1.");
            assertThat(j.scriptFlush()).isEqualTo("OK");
            assertThat(j.scriptExists(sha)).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void lockReleasedOnlyByItsOwner(Kind kind) {
        try (Jedis j = connect(kind)) {
            assertThat(j.set("lock", "token-1", SetParams.setParams().nx().px(30_000))).isEqualTo("OK");
            assertThat(j.set("lock", "token-2", SetParams.setParams().nx().px(30_000))).isNull();
            assertThat(j.eval(UNLOCK, List.of("lock"), List.of("token-2"))).isEqualTo(0L);
            assertThat(j.get("lock")).isEqualTo("token-1");
            assertThat(j.eval(UNLOCK, List.of("lock"), List.of("token-1"))).isEqualTo(1L);
            assertThat(j.exists("lock")).isFalse();
            assertThat(j.set("lock", "token-2", SetParams.setParams().nx().px(30_000))).isEqualTo("OK");
            // A fixed-window rate limiter: INCR and the window's expiry in one script.
            String limiter = "local n = redis.call('incr', KEYS[1]) if n == 1 then redis.call('pexpire', KEYS[1], "
                    + "ARGV[1]) end if n > tonumber(ARGV[2]) then return 0 end return 1";
            long allowed = 0;
            for (int i = 0; i < 5; i++) {
                allowed += (Long) j.eval(limiter, List.of("rate"), List.of("60000", "3"));
            }
            assertThat(allowed).isEqualTo(3);
            assertThat(j.pttl("rate")).isBetween(1L, 60_000L);
        }
    }
}
