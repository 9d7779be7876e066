package dev.switchboard.testing;

import java.time.Duration;

/** Waits for a condition with a bound, never for a fixed time: the tests' one way to wait for the server. */
public final class Await {

    private Await() {
    }

    /** A condition, which may read the server (and so throw). */
    @FunctionalInterface
    public interface Check {
        boolean holds() throws Exception;
    }

    /** Checks {@code condition} every few milliseconds until it holds; fails naming {@code what} after {@code bound}. */
    public static void until(String what, Duration bound, Check condition) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (Exception e) {
                throw new AssertionError("checking " + what + " failed", e);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + bound.toMillis() + " ms: " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
