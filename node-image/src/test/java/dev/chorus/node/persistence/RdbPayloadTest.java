package dev.chorus.node.persistence;

import static dev.chorus.node.persistence.ModelValues.Value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RdbPayloadTest {
    @Test
    void stringPayloadIsWhatRedisDumps() {
        // redis-cli DUMP of a key holding "hello" on redis-server 7.0.15: "\x00\x05hello\n\x00cr\xdfve4 \n".
        byte[] payload = RdbPayload.dump(ModelValues.bytes("hello"), ModelValues.INSTANCE);
        assertThat(HexFormat.of().formatHex(payload)).isEqualTo("000568656c6c6f0a00" + "6372df766534200a");
        assertThat(RdbPayload.verify(payload, true)).isTrue();
    }

    @Test
    void roundTripsEveryType() throws Exception {
        for (Object v : List.of(ModelValues.bytes("12345"), Value.list(List.of("a", "b")), Value.set(List.of("x")),
                Value.hash(Map.of("f", "v")), Value.zset(Map.of("m", 2.5)))) {
            byte[] payload = RdbPayload.dump(v, ModelValues.INSTANCE);
            assertThat(RdbPayload.verify(payload, true)).isTrue();
            Object back = RdbPayload.restore(payload, ModelValues.INSTANCE);
            assertThat(ModelValues.Key.of(back, 0)).isEqualTo(ModelValues.Key.of(v, 0));
        }
    }

    @Test
    void badChecksumOrVersionFailsVerification() {
        byte[] payload = RdbPayload.dump(ModelValues.bytes("hello"), ModelValues.INSTANCE);
        byte[] badCrc = payload.clone();
        badCrc[badCrc.length - 1] ^= 1;
        assertThat(RdbPayload.verify(badCrc, true)).isFalse();
        assertThat(RdbPayload.verify(badCrc, false)).isTrue();
        byte[] newer = payload.clone();
        newer[newer.length - 10] = 11;
        assertThat(RdbPayload.verify(newer, false)).isFalse();
        assertThat(RdbPayload.verify(new byte[9], false)).isFalse();
    }

    @Test
    void trailingGarbageIsBadData() {
        byte[] good = RdbPayload.dump(ModelValues.bytes("hello"), ModelValues.INSTANCE);
        byte[] longer = new byte[good.length + 1];
        System.arraycopy(good, 0, longer, 0, 7);
        System.arraycopy(good, 7, longer, 8, good.length - 7);
        assertThatThrownBy(() -> RdbPayload.restore(longer, ModelValues.INSTANCE))
                .isInstanceOf(RdbFormatException.class);
    }
}
