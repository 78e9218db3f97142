package dev.chorus.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Redis 7.0's parsing rules and messages (config.c: yes/no, string2ll with bounds, memtoull, enums). */
class DirectiveCheckTest {
    @Test
    void memoryValuesTakeRedisUnits() {
        assertThat(DirectiveCheck.error("maxmemory", "lots")).isEqualTo("argument must be a memory value");
        assertThat(DirectiveCheck.error("maxmemory", "100mb")).isNull();
        assertThat(DirectiveCheck.error("maxmemory", "100MB")).isNull();
        assertThat(DirectiveCheck.error("maxmemory", "1gb")).isNull();
        assertThat(DirectiveCheck.error("maxmemory", "0")).isNull();
        assertThat(DirectiveCheck.error("maxmemory", "10 mb")).isEqualTo("argument must be a memory value");
        assertThat(DirectiveCheck.error("maxmemory", "-1")).isEqualTo("argument must be a memory value");
        assertThat(DirectiveCheck.memory("1k")).isEqualTo(1000);
        assertThat(DirectiveCheck.memory("1kb")).isEqualTo(1024);
        assertThat(DirectiveCheck.error("proto-max-bulk-len", "1000"))
                .isEqualTo("argument must be between 1048576 and 9223372036854775807 inclusive");
    }

    @Test
    void integersFollowString2llAndTheDirectivesBounds() {
        assertThat(DirectiveCheck.error("timeout", "30")).isNull();
        assertThat(DirectiveCheck.error("timeout", "+30")).isEqualTo("argument couldn't be parsed into an integer");
        assertThat(DirectiveCheck.error("timeout", "030")).isEqualTo("argument couldn't be parsed into an integer");
        assertThat(DirectiveCheck.error("timeout", "abc")).isEqualTo("argument couldn't be parsed into an integer");
        assertThat(DirectiveCheck.error("timeout", "-1")).isEqualTo("argument must be between 0 and 2147483647 inclusive");
        assertThat(DirectiveCheck.error("maxclients", "0")).isEqualTo("argument must be between 1 and 4294967295 inclusive");
        assertThat(DirectiveCheck.error("slowlog-log-slower-than", "-1")).isNull();
        assertThat(DirectiveCheck.error("hz", "99999999999999999999"))
                .isEqualTo("argument couldn't be parsed into an integer");
    }

    @Test
    void yesNoAndEnumerationsIgnoreCase() {
        assertThat(DirectiveCheck.error("replica-read-only", "YES")).isNull();
        assertThat(DirectiveCheck.error("replica-read-only", "true")).isEqualTo("argument must be 'yes' or 'no'");
        assertThat(DirectiveCheck.error("maxmemory-policy", "allkeys-LRU")).isNull();
        assertThat(DirectiveCheck.error("maxmemory-policy", "lru")).startsWith(
                "argument(s) must be one of the following: volatile-lru, volatile-lfu");
    }

    @Test
    void unknownDirectivesAreLeftToTheNodes() {
        assertThat(DirectiveCheck.knows("tracking-table-max-keys")).isFalse();
        assertThat(DirectiveCheck.error("tracking-table-max-keys", "-5")).isNull();
    }

    @Test
    void validKeepsOnlyWhatParsesAndErrorsSayWhich() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("maxmemory", "lots");
        config.put("maxmemory-policy", "allkeys-lru");
        config.put("timeout", "x");
        assertThat(DirectiveCheck.valid(config)).containsExactly(Map.entry("maxmemory-policy", "allkeys-lru"));
        assertThat(DirectiveCheck.errors(config)).containsExactly(
                "maxmemory \"lots\": argument must be a memory value",
                "timeout \"x\": argument couldn't be parsed into an integer");
    }
}
