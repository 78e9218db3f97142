package dev.chorus.e2e.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Start-up waits of the bed, on Awaitility, with a watchdog that gives up at once when a component died. */
public final class Poll {
    private Poll() {
    }

    /**
     * Polls {@code condition} every {@code every} until it holds; exceptions count as "not yet". {@code watchdog}
     * runs before each poll and may throw to give up early (e.g. a component exited).
     */
    public static void until(String what, Duration timeout, Duration every, Runnable watchdog, BooleanSupplier condition) {
        await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(every).ignoreExceptions()
                .failFast(what + ": a component stopped", watchdog::run)
                .until(condition::getAsBoolean);
    }
}
