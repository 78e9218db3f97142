package dev.chorus.node.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The query buffer takes memory as bytes arrive, never what a client merely announces. */
class RespRequestParserGrowthTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void announcedLengthIsNotReservedUpFront() throws Exception {
        RespRequestParser p = new RespRequestParser();
        byte[] head = ascii("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870911\r\nabc");
        p.feed(head, 0, head.length);
        assertThat(p.next()).isNull();
        assertThat(p.capacity()).isLessThan(64 * 1024);
        byte[] chunk = new byte[64 * 1024];
        p.feed(chunk, 0, chunk.length);
        assertThat(p.next()).isNull();
        assertThat(p.capacity()).as("grows with what arrived").isLessThan(512 * 1024);
    }

    @Test
    void growthStopsAtTheAnnouncedLengthAndTheValueArrivesIntact() throws Exception {
        int len = 3_000_000;
        RespRequestParser p = new RespRequestParser();
        byte[] head = ascii("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + len + "\r\n");
        p.feed(head, 0, head.length);
        assertThat(p.next()).isNull();
        byte[] value = new byte[len];
        for (int i = 0; i < len; i++) {
            value[i] = (byte) (i * 31);
        }
        for (int off = 0; off < len; off += 16 * 1024) {
            int n = Math.min(16 * 1024, len - off);
            p.feed(value, off, n);
            assertThat(p.next()).isNull();
            assertThat(p.capacity()).as("never beyond what the command needs").isLessThanOrEqualTo(len + 64);
        }
        p.feed(ascii("\r\n"), 0, 2);
        byte[][] argv = p.next();
        assertThat(argv.length).isEqualTo(3);
        assertThat(Arrays.equals(argv[2], value)).isTrue();
        assertThat(p.capacity()).as("an empty buffer gives a large array back").isLessThanOrEqualTo(16 * 1024);
    }

    @Test
    void reprIsSdscatreprOfTheFirstBytes() throws Exception {
        RespRequestParser p = new RespRequestParser();
        byte[] b = ascii("*1\r\n$5\r\n\"a\\\u0001");
        p.feed(b, 0, b.length);
        assertThat(p.repr(64)).isEqualTo("\"*1\\r\\n$5\\r\\n\\\"a\\\\\\x01\"");
        assertThat(p.repr(2)).isEqualTo("\"*1\"");
    }
}
