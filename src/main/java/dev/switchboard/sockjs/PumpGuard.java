package dev.switchboard.sockjs;

import java.util.concurrent.TimeUnit;

/**
 * Lets one thread at a time pump a non-blocking servlet stream: a thread that finds another
 * pumping asks it for one more round instead of waiting, so a wake-up is never lost and nobody
 * blocks. The container's end-of-stream callback can wait (briefly) for a round in progress to
 * leave: after it returns the container recycles the request, and a late write would land in
 * whatever request the container serves next.
 */
final class PumpGuard {

    private boolean pumping;
    private boolean again;

    /** True when the caller now pumps; false when another thread does (it will go round once more). */
    synchronized boolean enter() {
        if (pumping) {
            again = true;
            return false;
        }
        pumping = true;
        return true;
    }

    /** The pumping thread found nothing to do: true when it stops, false when asked for another round meanwhile. */
    synchronized boolean tryLeave() {
        if (again) {
            again = false;
            return false;
        }
        pumping = false;
        notifyAll();
        return true;
    }

    /** The pumping thread stops for good (the stream ended). */
    synchronized void leave() {
        pumping = false;
        again = false;
        notifyAll();
    }

    /** Waits until no thread pumps; false when {@code timeout} passed first. */
    synchronized boolean awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (pumping) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
