package dev.chorus.e2e.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling with a deadline for library code (tests use Awaitility). */
public final class Poll {
    private Poll() {
    }

    /**
     * Polls {@code condition} every {@code every} until it holds; exceptions count as "not yet". {@code watchdog}
     * runs before each poll and may throw to give up early (e.g. a component exited).
     */
    public static void until(String what, Duration timeout, Duration every, Runnable watchdog, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        while (true) {
            watchdog.run();
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + (last == null ? "" : " (last error: " + last + ")"));
            }
            sleep(every);
        }
    }

    public static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
