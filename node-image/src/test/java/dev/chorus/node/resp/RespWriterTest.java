package dev.chorus.node.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Reply shapes in RESP2 and RESP3. Expected bytes are what redis-server 7.0.15 sends for a command producing that
 * shape (noted beside each), captured from raw sockets with and without HELLO 3.
 */
class RespWriterTest {

    private static String resp2(Consumer<RespWriter> reply) {
        return write(2, reply);
    }

    private static String resp3(Consumer<RespWriter> reply) {
        return write(3, reply);
    }

    private static String write(int protocol, Consumer<RespWriter> reply) {
        RespWriter w = new RespWriter(4);
        w.setProtocol(protocol);
        reply.accept(w);
        return new String(w.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void sharedTypesAreTheSameInBothProtocols() {
        for (int p : new int[] {2, 3}) {
            assertThat(write(p, RespWriter::ok)).isEqualTo("+OK\r\n");
            assertThat(write(p, w -> w.simple("PONG"))).isEqualTo("+PONG\r\n");
            assertThat(write(p, w -> w.error("ERR syntax error"))).isEqualTo("-ERR syntax error\r\n");
            assertThat(write(p, w -> w.integer(0))).isEqualTo(":0\r\n");
            assertThat(write(p, w -> w.integer(-1))).isEqualTo(":-1\r\n");
            assertThat(write(p, w -> w.integer(1023))).isEqualTo(":1023\r\n");
            assertThat(write(p, w -> w.integer(1024))).isEqualTo(":1024\r\n");
            assertThat(write(p, w -> w.integer(Long.MIN_VALUE))).isEqualTo(":-9223372036854775808\r\n");
            assertThat(write(p, w -> w.bulk("abc"))).isEqualTo("$3\r\nabc\r\n");
            assertThat(write(p, w -> w.bulk(new byte[0]))).isEqualTo("$0\r\n\r\n");
            assertThat(write(p, w -> w.bulk(-42))).isEqualTo("$3\r\n-42\r\n");
            assertThat(write(p, w -> w.bulk("xabcx".getBytes(StandardCharsets.US_ASCII), 1, 3))).isEqualTo("$3\r\nabc\r\n");
            assertThat(write(p, w -> w.array(2).bulk("a").integer(1))).isEqualTo("*2\r\n$1\r\na\r\n:1\r\n");
            assertThat(write(p, RespWriter::emptyArray)).isEqualTo("*0\r\n");
            assertThat(write(p, w -> w.bulks("a".getBytes(StandardCharsets.US_ASCII), null)))
                    .isEqualTo("*2\r\n$1\r\na\r\n" + (p == 2 ? "$-1\r\n" : "_\r\n"));
        }
    }

    @Test
    void errorTextCannotBreakTheFrame() {
        // addReplyError turns CR and LF inside the message into spaces.
        assertThat(resp2(w -> w.error("ERR a\r\nb\nc"))).isEqualTo("-ERR a  b c\r\n");
    }

    @Test
    void nullsAreTypedInResp2AndUnifiedInResp3() {
        // GET missing → $-1 / _ ; BLPOP timeout → *-1 / _
        assertThat(resp2(RespWriter::nullBulk)).isEqualTo("$-1\r\n");
        assertThat(resp2(RespWriter::nullArray)).isEqualTo("*-1\r\n");
        assertThat(resp2(RespWriter::nullValue)).isEqualTo("$-1\r\n");
        assertThat(resp3(RespWriter::nullBulk)).isEqualTo("_\r\n");
        assertThat(resp3(RespWriter::nullArray)).isEqualTo("_\r\n");
        assertThat(resp3(RespWriter::nullValue)).isEqualTo("_\r\n");
        assertThat(resp2(w -> w.bulk((byte[]) null))).isEqualTo("$-1\r\n");
    }

    @Test
    void mapIsFlatArrayInResp2() {
        // CONFIG GET maxmemory → *2 / %1 ; HGETALL missing → *0 / %0
        assertThat(resp2(w -> w.map(1).bulk("maxmemory").bulk("0"))).isEqualTo("*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
        assertThat(resp3(w -> w.map(1).bulk("maxmemory").bulk("0"))).isEqualTo("%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
        assertThat(resp2(w -> w.map(0))).isEqualTo("*0\r\n");
        assertThat(resp3(w -> w.map(0))).isEqualTo("%0\r\n");
    }

    @Test
    void setIsArrayInResp2() {
        // SMEMBERS missing → *0 / ~0
        assertThat(resp2(w -> w.set(0))).isEqualTo("*0\r\n");
        assertThat(resp3(w -> w.set(0))).isEqualTo("~0\r\n");
        assertThat(resp3(w -> w.set(1).bulk("a"))).isEqualTo("~1\r\n$1\r\na\r\n");
    }

    @Test
    void pushIsArrayInResp2() {
        // a published message: *3 $7 message ... / >3 ...
        assertThat(resp2(w -> w.push(3).bulk("message").bulk("ch").bulk("hi")))
                .isEqualTo("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
        assertThat(resp3(w -> w.push(3).bulk("message").bulk("ch").bulk("hi")))
                .isEqualTo(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
    }

    @Test
    void doublesAreBulkStringsInResp2() {
        // ZSCORE of members scored 1.5, 0.1, inf, -inf, 1e100, -0, 123456789012345678
        assertThat(resp2(w -> w.doubleValue(1.5))).isEqualTo("$3\r\n1.5\r\n");
        assertThat(resp2(w -> w.doubleValue(0.1))).isEqualTo("$19\r\n0.10000000000000001\r\n");
        assertThat(resp2(w -> w.doubleValue(Double.POSITIVE_INFINITY))).isEqualTo("$3\r\ninf\r\n");
        assertThat(resp2(w -> w.doubleValue(Double.NEGATIVE_INFINITY))).isEqualTo("$4\r\n-inf\r\n");
        assertThat(resp2(w -> w.doubleValue(1e100))).isEqualTo("$6\r\n1e+100\r\n");
        assertThat(resp2(w -> w.doubleValue(123456789012345678d))).isEqualTo("$22\r\n1.2345678901234568e+17\r\n");

        assertThat(resp3(w -> w.doubleValue(1.5))).isEqualTo(",1.5\r\n");
        assertThat(resp3(w -> w.doubleValue(0.1))).isEqualTo(",0.10000000000000001\r\n");
        assertThat(resp3(w -> w.doubleValue(Double.POSITIVE_INFINITY))).isEqualTo(",inf\r\n");
        assertThat(resp3(w -> w.doubleValue(Double.NEGATIVE_INFINITY))).isEqualTo(",-inf\r\n");
        assertThat(resp3(w -> w.doubleValue(1e100))).isEqualTo(",1e+100\r\n");
        assertThat(resp3(w -> w.doubleValue(123456789012345678d))).isEqualTo(",1.2345678901234568e+17\r\n");
    }

    @Test
    void zeroScoreStoredFromMinusZero() {
        // ZADD z -0 f; ZSCORE z f → "0" (Redis stores -0 as 0)
        assertThat(resp2(w -> w.doubleValue(0.0))).isEqualTo("$1\r\n0\r\n");
        assertThat(resp3(w -> w.doubleValue(0.0))).isEqualTo(",0\r\n");
    }

    @Test
    void booleansAreIntegersInResp2() {
        // addReplyBool: shared.cone / shared.czero in RESP2, #t / #f in RESP3
        assertThat(resp2(w -> w.bool(true))).isEqualTo(":1\r\n");
        assertThat(resp2(w -> w.bool(false))).isEqualTo(":0\r\n");
        assertThat(resp3(w -> w.bool(true))).isEqualTo("#t\r\n");
        assertThat(resp3(w -> w.bool(false))).isEqualTo("#f\r\n");
    }

    @Test
    void verbatimIsBulkInResp2() {
        // INFO / CLIENT INFO: a bulk string, or =len with the txt: prefix counted
        assertThat(resp2(w -> w.verbatim("a=1\r\n"))).isEqualTo("$5\r\na=1\r\n\r\n");
        assertThat(resp3(w -> w.verbatim("a=1\r\n"))).isEqualTo("=9\r\ntxt:a=1\r\n\r\n");
    }

    @Test
    void truncateUndoesAPartialReply() {
        RespWriter w = new RespWriter();
        w.ok();
        int mark = w.length();
        w.array(3).bulk("half");
        w.truncate(mark);
        w.error("ERR later");
        assertThat(new String(w.toByteArray(), StandardCharsets.US_ASCII)).isEqualTo("+OK\r\n-ERR later\r\n");
    }

    @Test
    void growsPastItsInitialCapacityAndResetsShrinksHugeBuffers() {
        RespWriter w = new RespWriter(1);
        byte[] big = new byte[2 * 1024 * 1024];
        w.bulk(big);
        assertThat(w.length()).isEqualTo(big.length + "$2097152\r\n\r\n".length());
        w.reset();
        assertThat(w.length()).isZero();
        assertThat(w.array().length).isLessThan(1024 * 1024);
    }
}
