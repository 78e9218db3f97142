package dev.chorus.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** RedisLayout's shortcuts agree with the bytes it builds, and its listpack bytes are Redis' for known inputs. */
class RedisLayoutTest {
    @Property(tries = 500)
    void entrySizeIsWhatTheListpackTakes(@ForAll long number, @ForAll @IntRange(min = 0, max = 70000) int length,
                                         @ForAll boolean asNumber) {
        byte[] e = asNumber ? Long.toString(number).getBytes(StandardCharsets.US_ASCII) : new byte[length];
        assertThat(RedisLayout.listpackEntrySize(e)).isEqualTo(RedisLayout.listpack(List.of(e)).length - 7);
    }

    @Test
    void listpackOfTwoShortStringsIsRedisBytes() {
        // RPUSH l a b on redis-server 7.0.15: DEBUG OBJECT reports ql_uncompressed_size:13 for this listpack.
        byte[] lp = RedisLayout.listpack(List.of("a".getBytes(), "b".getBytes()));
        assertThat(lp).containsExactly(13, 0, 0, 0, 2, 0, 0x81, 'a', 2, 0x81, 'b', 2, 0xff);
    }

    @Test
    void jemallocClasses() {
        assertThat(RedisLayout.mallocSize(1)).isEqualTo(8);
        assertThat(RedisLayout.mallocSize(17)).isEqualTo(32);
        assertThat(RedisLayout.mallocSize(129)).isEqualTo(160);
        assertThat(RedisLayout.mallocSize(536)).isEqualTo(640);
        assertThat(RedisLayout.mallocSize(4097)).isEqualTo(5120);
    }
}
