package dev.chorus.node.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Redis' query/reply buffer bookkeeping replayed by {@link RedisBuffers}. The expected sizes are what redis-server
 * 7.0.15 (jemalloc) shows in CLIENT LIST for the same traffic: qbuf-free=20474 after a small command, 458742 after a
 * 400000-byte argument; rbs 16384 shrinking to 1024 once the peak is forgotten, doubling back while replies fill it.
 */
class RedisBuffersTest {
    @Test
    void aSmallCommandGetsAnIoBufferAndTheCronFreesItWhenIdle() {
        RedisBuffers b = new RedisBuffers(0);
        b.bytesRead(40, 0, -1, false);
        b.processed(-1, -1, 0, false);
        assertThat(b.queryBufferFree(0)).isEqualTo(20474);
        b.queryBufferCron(2, 0, -1);
        assertThat(b.queryBufferFree(0)).as("idle for 2 s: kept").isEqualTo(20474);
        b.queryBufferCron(3, 0, -1);
        assertThat(b.queryBufferFree(0)).as("idle for more than 2 s: sdsRemoveFreeSpace").isZero();
    }

    @Test
    void aBigArgumentTakesTheBufferAndLeavesOneOfItsSizeThatShrinksToThePeak() {
        RedisBuffers b = new RedisBuffers(0);
        long total = 400000 + 30;
        long buffered = 0;
        while (total > 0) { // arriving in 64 KB reads
            long n = Math.min(65536, total);
            b.bytesRead(n, buffered, buffered == 0 ? -1 : 400000, false);
            buffered += n;
            total -= n;
            b.processed(-1, total > 0 ? 400000 : -1, buffered, false);
        }
        b.processed(400000, -1, 0, false);
        assertThat(b.queryBufferFree(0)).isEqualTo(458742);
        b.queryBufferCron(0, 0, -1); // peak forgotten
        b.bytesRead(40, 0, -1, false); // a small command: the peak is now 40
        b.processed(-1, -1, 0, false);
        b.queryBufferCron(0, 0, -1);
        assertThat(b.queryBufferFree(0)).as("trimmed down to the recent peak").isEqualTo(40);
        b.bytesRead(40, 0, -1, false);
        assertThat(b.queryBufferFree(40)).as("grows back to an I/O buffer").isEqualTo(20474 - 40);
    }

    @Test
    void replyBufferShrinksWhenItsPeakIsForgottenAndGrowsWhenFilled() {
        RedisBuffers b = new RedisBuffers(10_000);
        assertThat(b.replyBufferSize()).isEqualTo(16384);
        assertThat(b.replyBufferPeak()).isEqualTo(16384);
        b.replyBufferCron(10_100, true, 5000); // the creation time was stored in seconds: the peak goes at once
        assertThat(b.replyBufferPeak()).isZero();
        b.replied(5);
        b.replyBufferCron(10_200, true, 5000);
        assertThat(b.replyBufferSize()).isEqualTo(1024);
        assertThat(b.replyBufferPeak()).isEqualTo(5);
        long[] expected = {2048, 4096, 8192, 16384, 16384};
        for (long size : expected) {
            b.replied(32768 + 5);
            b.replyBufferCron(10_300, true, -1);
            assertThat(b.replyBufferSize()).isEqualTo(size);
        }
        b.replyBufferCron(10_400, false, 0);
        assertThat(b.replyBufferSize()).as("resizing off").isEqualTo(16384);
    }
}
