package dev.chorus.node.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** rdb-key-save-delay / key-load-delay: the writer sleeps after every key it writes, the loader after every key. */
class RdbKeyDelayTest {
    private static byte[] rdb(int keys, int keySaveDelay) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RdbWriter w = new RdbWriter(bytes, ModelValues.INSTANCE, false).keySaveDelay(keySaveDelay);
        w.writeHeader(RdbWriter.standardAux(0, null, 0, 0));
        for (int i = 0; i < keys; i++) {
            w.writeKey(0, ModelValues.bytes("key:" + i), ModelValues.bytes("v" + i), 0);
        }
        w.finish();
        return bytes.toByteArray();
    }

    @Test
    void writerSleepsAfterEachKey() throws IOException {
        long start = System.nanoTime();
        rdb(5, 20_000);
        assertThat(System.nanoTime() - start).as("5 keys at 20 ms each").isGreaterThanOrEqualTo(100_000_000L);
    }

    @Test
    void writerInterruptedWhileSleepingStops() {
        Thread.currentThread().interrupt();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> rdb(3, 1_000_000))
                    .isInstanceOf(java.io.InterruptedIOException.class);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void loaderAsksForTheDelayOncePerKey() throws IOException {
        byte[] bytes = rdb(7, 0);
        AtomicInteger asked = new AtomicInteger();
        RdbLoadResult r = new RdbLoader(ModelValues.INSTANCE, 16).keyLoadDelay(() -> {
            asked.incrementAndGet();
            return -1_000_000; // debugDelay's "rarely": almost never sleeps
        }).load(new ByteArrayInputStream(bytes));
        assertThat(r.keysLoaded()).isEqualTo(7);
        assertThat(asked).hasValue(7);
    }
}
